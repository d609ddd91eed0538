"""A whole local stack started with `make run` on free ports and its own var/ directory,
for tests and benchmarks that need every process, without touching a stack a developer
runs on the default ports.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from ops.servers import ROOT, free_port
from stokvel.config import DEFAULT_PORTS

READY_LINE = "DigiStokvel is up"
# The stack starts as from a fresh terminal: none of the caller's DigiStokvel settings (a
# test may have pointed DATABASE_URL or FORMS_BASE_URL elsewhere) leaks into it.
INHERITED = ("PATH", "HOME", "USER", "LANG", "LC_ALL", "TERM", "TMPDIR", "SHELL", "PYENV_ROOT")


@dataclass
class LocalStack:
    var_dir: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(init=False)
    proc: subprocess.Popen | None = field(init=False, default=None)
    output: list[str] = field(init=False, default_factory=list)
    startup_seconds: float = field(init=False, default=0.0)
    _reader: threading.Thread | None = field(init=False, default=None, repr=False)

    def __post_init__(self) -> None:
        self.env = {name: os.environ[name] for name in INHERITED if name in os.environ}
        self.env.update({f"{name.upper()}_PORT": str(free_port()) for name in DEFAULT_PORTS})
        self.env["DIGISTOKVEL_VAR_DIR"] = str(self.var_dir)
        self.env.update(self.extra_env)

    def url(self, process: str) -> str:
        return f"http://localhost:{self.env[process.upper() + '_PORT']}"

    def port(self, process: str) -> int:
        return int(self.env[process.upper() + "_PORT"])

    def start(self, timeout: float = 400) -> "LocalStack":
        started = time.monotonic()
        self.proc = subprocess.Popen(
            ["make", "--no-print-directory", "run"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        deadline = started + timeout
        for line in self.proc.stdout:
            self.output.append(line)
            if READY_LINE in line:
                self.startup_seconds = time.monotonic() - started
                # Keep draining the output: a full pipe would block every process's logging.
                self._reader = threading.Thread(target=self._keep_reading, daemon=True)
                self._reader.start()
                return self
            if time.monotonic() > deadline:
                break
        self.kill()
        raise RuntimeError(f"the stack never came up; its output:\n{''.join(self.output[-80:])}")

    def _keep_reading(self) -> None:
        for line in self.proc.stdout:
            self.output.append(line)

    def interrupt(self, timeout: float = 60) -> int:
        """Ctrl-C, as a person at the terminal would press it."""
        os.killpg(self.proc.pid, signal.SIGINT)
        code = self.proc.wait(timeout=timeout)
        self._reader.join(timeout=timeout)  # it stops at the end of the output
        return code

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    # The member's side, through the Twilio sandbox.
    def say(self, number: str, text: str) -> str:
        answer = requests.post(
            f"{self.url('twilio')}/inbound", json={"from": number, "body": text}, timeout=10
        )
        answer.raise_for_status()
        return answer.json()["message_sid"]

    def replies(self, number: str) -> list[dict]:
        answer = requests.get(f"{self.url('twilio')}/outbox", params={"to": number}, timeout=10)
        answer.raise_for_status()
        return answer.json()

    def wait_for_replies(self, number: str, count: int, timeout: float = 60) -> list[dict]:
        deadline = time.monotonic() + timeout
        while True:
            replies = self.replies(number)
            if len(replies) >= count or time.monotonic() > deadline:
                return replies
            time.sleep(0.1)
