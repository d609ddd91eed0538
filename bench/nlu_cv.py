"""5-fold NLU cross-validation of the assistant's training data.

Runs `rasa test nlu --cross-validation --folds 5` with config.yml on data/ and prints
intent accuracy, intent macro F1, entity macro F1 and the most frequent intent confusions.

    .venv/bin/python bench/nlu_cv.py [--folds 5] [--out var/bench/nlu_cv]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench" / "nlu_cv")
    args = parser.parse_args()
    run_cross_validation(args.folds, args.out)

    intents = json.loads((args.out / "intent_report.json").read_text())
    print(f"intent accuracy : {intents['accuracy']:.3f}")
    print(f"intent macro F1 : {macro_f1(intents):.3f}")
    entity_file = args.out / "DIETClassifier_report.json"
    if entity_file.exists():
        entities = json.loads(entity_file.read_text())
        print(f"entity macro F1 : {macro_f1(entities):.3f}")
        for name in ("amount", "stokvel_name", "invite_code"):
            if name in entities:
                print(f"  {name:13s} F1 {entities[name]['f1-score']:.3f}")
    print("most frequent intent confusions (true -> predicted: count):")
    for (true, predicted), count in confusions(args.out / "intent_errors.json"):
        print(f"  {true} -> {predicted}: {count}")


if __name__ == "__main__":
    main()
