"""Starting our servers as real processes for tests, benchmarks and screenshots: a free
loopback port, a process whose output goes to a log file, and a wait until its health
check answers (with the log's tail in the error when it never does)."""

from __future__ import annotations

import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(args: Sequence[str], *, env: dict[str, str], log: Path, health_url: str,
          timeout: float = 30) -> subprocess.Popen:
    """Runs `args` from the repository root until `health_url` answers 200."""
    with log.open("w") as log_file:
        process = subprocess.Popen(list(args), cwd=ROOT, env=env, stdout=log_file,
                                   stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{' '.join(args)} exited early:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(health_url, timeout=1).status_code == 200:
                return process
        except requests.RequestException:
            pass
        time.sleep(0.1)
    stop(process)
    raise RuntimeError(f"{health_url} did not answer within {timeout} s:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def running(args: Sequence[str], **options) -> Iterator[subprocess.Popen]:
    """`start` for the length of a with-block."""
    process = start(args, **options)
    try:
        yield process
    finally:
        stop(process)
