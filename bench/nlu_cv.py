"""5-fold NLU cross-validation of the assistant's training data.

Runs `rasa test nlu --cross-validation --folds 5` with config.yml on data/ and prints
intent accuracy, intent macro F1, entity macro F1 and the most frequent intent confusions.

    .venv/bin/python -m bench.nlu_cv [--folds 5] [--out var/bench/nlu_cv]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RASA = Path(sys.executable).with_name("rasa")


def run_cross_validation(folds: int, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [str(RASA), "test", "nlu", "--nlu", "data", "--config", "config.yml",
         "--cross-validation", "--folds", str(folds), "--out", str(out)],
        cwd=ROOT, check=True,
    )


def macro_f1(report: dict) -> float:
    return report.get("macro avg", {}).get("f1-score", 0.0)


def confusions(errors_file: Path, top: int = 10) -> list[tuple[tuple[str, str], int]]:
    if not errors_file.exists():
        return []
    errors = json.loads(errors_file.read_text())
    pairs = Counter((e["intent"], e["intent_prediction"]["name"]) for e in errors)
    return pairs.most_common(top)


def report(out: Path) -> list[tuple[str, str]]:
    """The figures of a finished cross-validation in `out`, as (what, figure) rows."""
    intents = json.loads((out / "intent_report.json").read_text())
    rows = [("intent accuracy (5-fold CV)", f"{intents['accuracy']:.3f}"),
            ("intent macro F1 (5-fold CV)", f"{macro_f1(intents):.3f}")]
    entity_file = out / "DIETClassifier_report.json"
    if entity_file.exists():
        entities = json.loads(entity_file.read_text())
        rows.append(("entity macro F1 (5-fold CV)", f"{macro_f1(entities):.3f}"))
        rows += [(f"  entity {name} F1", f"{entities[name]['f1-score']:.3f}")
                 for name in ("amount", "stokvel_name", "invite_code") if name in entities]
    rows += [(f"  confused: {true} -> {predicted}", str(count))
             for (true, predicted), count in confusions(out / "intent_errors.json", top=5)]
    return rows


def measure(folds: int = 5) -> list[tuple[str, str]]:
    out = ROOT / "var" / "bench" / "nlu_cv"
    run_cross_validation(folds, out)
    return report(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench" / "nlu_cv")
    args = parser.parse_args()
    run_cross_validation(args.folds, args.out)
    for what, figure in report(args.out):
        print(f"{what:45s} {figure}")


if __name__ == "__main__":
    main()
