"""The notifier (stokvel.notify) against the Twilio sandbox over real HTTP: the 24-hour
window decides free-form text or an approved template; failures are retried, then recorded."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta, timezone

import pytest
import requests
from sqlalchemy import select

from stokvel.db import session_scope
from stokvel.notify import claim_inbound, record_inbound, send_whatsapp, within_window
from stokvel.notify import twilio_api
from stokvel.notify.menus import remember_menu, take_choice
from stokvel.notify.models import OutboundMessage
from stokvel.notify.templates import SANDBOX_TEMPLATES
from tests.whatsapp.conftest import new_number

NOW = datetime.now(timezone.utc)


@pytest.fixture
def quick_retries(monkeypatch):
    monkeypatch.setattr(twilio_api, "BACKOFF_SECONDS", 0.01)


def outbox(stack, number):
    return requests.get(f"{stack.sandbox_url}/outbox", params={"to": number}, timeout=5).json()


def stored(sid):
    with session_scope() as session:
        return session.execute(select(OutboundMessage).where(OutboundMessage.sid == sid)).scalar_one()


def test_inside_the_window_the_text_goes_as_it_is(stack):
    number = new_number()
    record_inbound(number, NOW - timedelta(hours=23))
    result = send_whatsapp(number, "Your stokvel pot is R1 200.00", template="payout_sent")
    assert result.ok and result.template is None
    [sent] = outbox(stack, number)
    assert sent["body"] == "Your stokvel pot is R1 200.00"
    assert sent["content_sid"] is None and sent["to"] == f"whatsapp:{number}"
    assert stored(result.sid).body == "Your stokvel pot is R1 200.00"


def test_outside_the_window_the_approved_template_goes_with_its_variables(stack):
    number = new_number()
    record_inbound(number, NOW - timedelta(hours=25))
    variables = {"1": "Thandi", "2": "Mamelodi Savers", "3": "R500.00", "4": "1 December"}
    result = send_whatsapp(
        number, "free text that must not go", template="contribution_reminder", variables=variables
    )
    assert result.ok and result.template == "contribution_reminder"
    [sent] = outbox(stack, number)
    assert sent["content_sid"] == SANDBOX_TEMPLATES["contribution_reminder"][0]
    assert sent["body"] == "Hi Thandi, your Mamelodi Savers contribution of R500.00 is due on 1 December."
    row = stored(result.sid)
    assert row.body is None and json.loads(row.content_variables) == variables


def test_a_member_who_never_wrote_gets_the_generic_notice_template(stack):
    number = new_number()
    result = send_whatsapp(number, "Your payout\nis ready.")
    assert result.template == "notice"
    [sent] = outbox(stack, number)
    assert sent["body"] == "DigiStokvel: Your payout is ready."  # one line, as WhatsApp requires


def test_the_window_lasts_24_hours_from_the_last_inbound_message():
    number = new_number()
    assert not within_window(number)
    record_inbound(number, NOW)
    record_inbound(number, NOW - timedelta(hours=3))  # an older message never shortens it
    assert within_window(number, at=NOW + timedelta(hours=23, minutes=59))
    assert not within_window(number, at=NOW + timedelta(hours=24))


def test_an_inbound_message_sid_is_claimed_once():
    number = new_number()
    assert claim_inbound("SM" + "a1" * 16, number)
    assert not claim_inbound("SM" + "a1" * 16, number)
    assert within_window(number)


def test_a_long_text_is_split_into_messages_twilio_accepts(stack):
    number = new_number()
    record_inbound(number)
    lines = [f"line {i} " + "x" * 90 for i in range(40)]  # about 4 000 characters
    assert send_whatsapp(number, "\n".join(lines)).ok
    sent = outbox(stack, number)
    assert len(sent) == 3 and all(len(m["body"]) <= 1600 for m in sent)
    assert "".join(m["body"] for m in sent) == "\n".join(lines)


def test_busy_twilio_is_retried(stack, quick_retries):
    number = new_number()
    record_inbound(number)
    requests.post(f"{stack.sandbox_url}/faults", json={"status": 503, "count": 2}, timeout=5)
    result = send_whatsapp(number, "Hello after two failures")
    assert result.ok
    assert [m["body"] for m in outbox(stack, number)] == ["Hello after two failures"]


def test_a_send_that_keeps_failing_is_recorded_and_logged(stack, quick_retries, caplog):
    number = new_number()
    record_inbound(number)
    requests.post(f"{stack.sandbox_url}/faults", json={"status": 429, "count": 4}, timeout=5)
    with caplog.at_level(logging.ERROR, logger="stokvel.notify.sender"):
        result = send_whatsapp(number, "Will not arrive")
    assert not result.ok and result.sid is None
    assert outbox(stack, number) == []
    assert any("FAILED" in r.message and number in r.message for r in caplog.records)
    with session_scope() as session:
        [row] = session.execute(
            select(OutboundMessage).where(OutboundMessage.number == number)
        ).scalars().all()
    assert (row.status, row.body) == ("failed", "Will not arrive")


def test_a_refused_request_is_not_retried(stack, quick_retries):
    number = new_number()
    record_inbound(number)
    requests.post(f"{stack.sandbox_url}/faults", json={"status": 400, "count": 2}, timeout=5)
    assert not send_whatsapp(number, "refused once").ok
    # Only one of the two injected failures was used: a 4xx is not retried.
    assert not send_whatsapp(number, "refused twice").ok
    assert send_whatsapp(number, "accepted").ok


def test_a_numbered_menu_answers_only_the_next_message():
    number = new_number()
    buttons = [{"title": "Balance", "payload": "/balance"}, {"title": "Pay now", "payload": "/pay"}]
    remember_menu(number, buttons)
    assert take_choice(number, " 2. ") == "/pay"
    assert take_choice(number, "2") is None  # used up
    remember_menu(number, buttons)
    assert take_choice(number, "pay NOW") == "/pay"
    remember_menu(number, buttons)
    assert take_choice(number, "3") is None
