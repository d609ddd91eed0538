"""`make run` brings the whole stack up on embedded defaults, a member's greeting goes
through the real path (Twilio sandbox → signed webhook → Rasa → Twilio sandbox), and
Ctrl-C stops every process.
"""

from __future__ import annotations

import socket

import pytest

from ops.stack import LocalStack
from stokvel.config import DEFAULT_PORTS


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = LocalStack(tmp_path_factory.mktemp("var")).start()
    yield stack
    stack.kill()


def test_every_process_answers_its_health_check(stack):
    ready = "".join(stack.output)
    for name in ("payment sandbox", "Twilio sandbox", "action server", "Rasa server",
                 "web forms", "scheduler"):
        assert f"ok  {name}" in ready


def test_a_greeting_gets_a_reply_through_the_real_stack(stack):
    member = "+27821234567"
    stack.say(member, "Sawubona")
    replies = stack.wait_for_replies(member, 1)
    assert replies, "the bot never answered the greeting"
    assert "DigiStokvel assistant" in replies[0]["body"], replies[0]["body"]


def test_ctrl_c_stops_every_process(stack):
    stack.interrupt()
    for name in DEFAULT_PORTS:
        with socket.socket() as s:
            port = stack.port(name)
            assert s.connect_ex(("127.0.0.1", port)) != 0, f"{name} still listens on {port}"
