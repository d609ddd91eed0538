"""The test stories (tests/conversation/test_stories.yml) against the real trained model:
the member's words go through NLU, and every predicted action must be the story's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "digistokvel.tar.gz"


def test_every_test_story_is_followed_exactly(tmp_path):
    assert MODEL.exists(), "train the model first: `make train` (make test does)"
    env = dict(os.environ, ACTION_SERVER_URL="http://localhost:9/webhook",
               RASA_TRACKER_DB=str(tmp_path / "tracker.db"))
    run = subprocess.run(
        [sys.executable, "-m", "rasa", "test", "core", "--model", str(MODEL),
         "--stories", str(Path(__file__).parent / "test_stories.yml"),
         "--out", str(tmp_path), "--fail-on-prediction-errors", "--no-plot"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    failed = tmp_path / "failed_test_stories.yml"
    assert run.returncode == 0, (failed.read_text() if failed.exists() else run.stdout[-4000:]
                                 + run.stderr[-4000:])
