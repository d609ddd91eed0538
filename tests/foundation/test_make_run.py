"""`make run` brings the whole stack up on embedded defaults, a member's greeting goes
through the real path (Twilio sandbox → signed webhook → Rasa → Twilio sandbox), and
Ctrl-C stops every process.

The stack runs on free ports with its own var/ directory, so it never touches a stack a
developer has running on the default ports.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

from stokvel.config import DEFAULT_PORTS

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_line(proc: subprocess.Popen, text: str, timeout: float, seen: list[str]) -> None:
    deadline = time.monotonic() + timeout
    for line in proc.stdout:
        seen.append(line)
        if text in line:
            return
        if time.monotonic() > deadline:
            break
    raise AssertionError(f"never saw {text!r}; output was:\n{''.join(seen[-80:])}")


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    env = dict(os.environ)
    env.update({f"{name.upper()}_PORT": str(free_port()) for name in DEFAULT_PORTS})
    env["DIGISTOKVEL_VAR_DIR"] = str(tmp_path_factory.mktemp("var"))
    proc = subprocess.Popen(
        ["make", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    seen: list[str] = []
    try:
        wait_for_line(proc, "DigiStokvel is up", timeout=400, seen=seen)
        yield proc, env, seen
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


def test_greeting_gets_a_reply_through_the_real_stack(stack):
    _, env, _ = stack
    twilio = f"http://localhost:{env['TWILIO_PORT']}"
    member = "+27821234567"
    sent = requests.post(f"{twilio}/inbound", json={"from": member, "body": "Sawubona"}, timeout=10)
    assert sent.status_code == 200, sent.text
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        outbox = requests.get(f"{twilio}/outbox", params={"to": member}, timeout=10).json()
        if outbox:
            break
        time.sleep(0.5)
    assert outbox, "the bot never answered the greeting"
    assert outbox[0]["body"].strip()


def test_ctrl_c_stops_every_process(stack):
    proc, env, seen = stack
    os.killpg(proc.pid, signal.SIGINT)
    proc.wait(timeout=60)
    seen.extend(proc.stdout.read().splitlines(keepends=True))
    for name in DEFAULT_PORTS:
        port = int(env[f"{name.upper()}_PORT"])
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0, f"{name} still listens on {port}"
