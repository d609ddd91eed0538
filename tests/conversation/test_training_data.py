"""The assistant's vocabulary and training data keep the conversation contract, and every
custom action the domain names exists in the action server."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import yaml
from rasa_sdk.executor import ActionExecutor

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = Path(__file__).resolve().parents[3] / "shared" / "CONVERSATION.md"
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())
NLU = yaml.safe_load((ROOT / "data" / "nlu.yml").read_text())["nlu"]
MIN_EXAMPLES = 25


def examples_per_intent() -> Counter:
    counts: Counter = Counter()
    for block in NLU:
        if "intent" in block:
            lines = [line for line in block["examples"].splitlines() if line.strip().startswith("- ")]
            counts[block["intent"].split("/")[0]] += len(lines)
    return counts


def contract_intents() -> set[str]:
    section = CONTRACT.read_text().split("## Intents", 1)[1].split("## Entities", 1)[0]
    return set(re.findall(r"^\| (\w+) \|", section, re.M)) - {"intent"}


def test_every_intent_of_the_contract_is_in_the_domain_with_enough_varied_examples():
    intents = contract_intents()
    assert len(intents) == 28
    assert intents <= set(DOMAIN["intents"])
    counts = examples_per_intent()
    thin = {intent: counts[intent] for intent in intents if counts[intent] < MIN_EXAMPLES}
    assert not thin, f"intents with fewer than {MIN_EXAMPLES} examples: {thin}"


def test_entities_are_annotated_in_the_examples():
    text = (ROOT / "data" / "nlu.yml").read_text()
    for entity, at_least in (("amount", 20), ("stokvel_name", 40), ("invite_code", 10)):
        assert len(re.findall(rf"\]\({entity}\)", text)) >= at_least, entity


def test_every_custom_action_in_the_domain_is_served_by_the_action_server():
    executor = ActionExecutor()
    executor.register_package("actions")
    custom = {name for name in DOMAIN["actions"]}
    assert custom - set(executor.actions) == set()


def test_rasa_data_validate_is_clean():
    result = subprocess.run(
        [str(Path(sys.executable).with_name("rasa")), "data", "validate", "--fail-on-warnings"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    # Rasa's own note about retrieval intents merged into the domain is the only warning.
    warnings = [line for line in result.stderr.splitlines() if "UserWarning" in line]
    assert all("duplicated intents" in line and line.endswith("faq") for line in warnings), warnings
