"""The Twilio sandbox behaves like Twilio where the product depends on it."""

from __future__ import annotations

import time

import requests

from stokvel.config import get_settings
from tests.whatsapp.conftest import new_number

SENDER = "whatsapp:+14155238886"


def api(stack, auth=None, **form):
    s = get_settings()
    return requests.post(
        f"{stack.sandbox_url}/2010-04-01/Accounts/{s.twilio_account_sid}/Messages.json",
        data=form, auth=auth or (s.twilio_account_sid, s.twilio_auth_token), timeout=5,
    )


def test_health(stack):
    assert requests.get(f"{stack.sandbox_url}/health", timeout=5).json() == {"status": "ok"}


def test_the_api_needs_the_account_credentials(stack):
    reply = api(stack, auth=(get_settings().twilio_account_sid, "wrong"), To="whatsapp:+27820000000",
                From=SENDER, Body="hi")
    assert reply.status_code == 401 and reply.json()["code"] == 20003


def test_bad_requests_get_twilio_errors(stack):
    assert api(stack, From=SENDER, Body="hi").json()["code"] == 21604
    assert api(stack, To="whatsapp:+27820000000", From=SENDER).json()["code"] == 21619
    unknown = api(stack, To="whatsapp:+27820000000", From=SENDER, ContentSid="HX" + "9" * 32)
    assert (unknown.status_code, unknown.json()["code"]) == (400, 21655)


def test_free_form_outside_the_window_fails_with_63016(stack):
    number = new_number()
    reply = api(stack, To=f"whatsapp:{number}", From=SENDER, Body="out of the blue")
    assert reply.status_code == 201 and reply.json()["status"] == "queued"
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        [message] = requests.get(f"{stack.sandbox_url}/outbox", params={"to": number}, timeout=5).json()
        if message["status"] != "queued":
            break
        time.sleep(0.1)
    assert (message["status"], message["error_code"]) == ("failed", 63016)


def test_inbound_needs_a_phone_number(stack):
    reply = requests.post(f"{stack.sandbox_url}/inbound", json={"from": "Thandi", "body": "hi"}, timeout=5)
    assert reply.status_code == 400 and "number" in reply.json()["error"]


def test_the_chat_page_is_served(stack):
    page = requests.get(f"{stack.sandbox_url}/", timeout=5)
    assert page.status_code == 200 and "textContent" in page.text
