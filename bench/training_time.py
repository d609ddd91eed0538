"""Time to train the Rasa model from scratch on this machine."""

from __future__ import annotations

import subprocess
import tempfile
import time

from ops.stack import ROOT


def measure() -> list[tuple[str, str]]:
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        subprocess.run(
            ["rasa", "train", "--force", "--quiet", "--out", out],
            cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        return [("Rasa model training from scratch", f"{time.perf_counter() - started:.0f} s")]
