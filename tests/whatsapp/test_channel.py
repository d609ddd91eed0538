"""Our WhatsApp channel inside a real `rasa run`, driven through the Twilio sandbox, which
signs each webhook with the twilio library's RequestValidator exactly as Twilio does."""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from stokvel.db import session_scope
from stokvel.notify.models import InboundMessage, OutboundMessage
from tests.whatsapp.conftest import new_number, wait_for_messages


def bodies(messages):
    return [m["body"] for m in messages]


def inbound_row(sid):
    with session_scope() as session:
        return session.get(InboundMessage, sid)


def test_a_member_gets_an_answer(bot):
    number = new_number()
    result = bot.say(number, "hello", profile_name="Thandi")
    assert result["deliveries"] == [200]
    assert bodies(wait_for_messages(bot.sandbox_url, number, 1)) == ["Hello there!"]
    assert inbound_row(result["message_sid"]).number == number


def test_unsigned_or_forged_webhooks_are_refused_and_change_nothing(bot):
    number = new_number()
    form = {"MessageSid": "SM" + "b" * 32, "From": f"whatsapp:{number}", "Body": "hello",
            "To": "whatsapp:+14155238886", "AccountSid": "AC" + "0" * 32, "NumMedia": "0"}
    forged = RequestValidator("not-the-auth-token").compute_signature(bot.webhook_url, form)
    signed_for_other_url = RequestValidator(bot.auth_token).compute_signature(
        "https://elsewhere.example/webhooks/whatsapp/webhook", form
    )
    for headers in ({}, {"X-Twilio-Signature": forged},
                    {"X-Twilio-Signature": signed_for_other_url}):
        reply = requests.post(bot.webhook_url, data=form, headers=headers, timeout=5)
        assert reply.status_code == 403
    # A tampered body under a genuine signature is refused too.
    genuine = RequestValidator(bot.auth_token).compute_signature(bot.webhook_url, form)
    tampered = dict(form, Body="pay everything to me")
    assert requests.post(bot.webhook_url, data=tampered,
                         headers={"X-Twilio-Signature": genuine}, timeout=5).status_code == 403

    bot.say(number, "hi")  # a genuine message afterwards: its answer is the only one
    assert bodies(wait_for_messages(bot.sandbox_url, number, 1)) == ["Hello there!"]
    time.sleep(0.5)
    assert bodies(wait_for_messages(bot.sandbox_url, number, 1)) == ["Hello there!"]
    assert inbound_row(form["MessageSid"]) is None


def test_a_retried_webhook_is_handled_once(bot):
    number = new_number()
    result = bot.say(number, "once only", duplicate=3)
    assert result["deliveries"] == [200, 200, 200]
    bot.say(number, "hello")  # answered after the duplicates would have been
    sent = wait_for_messages(bot.sandbox_url, number, 2)
    time.sleep(0.5)
    assert bodies(wait_for_messages(bot.sandbox_url, number, 2)) == ["echo: once only", "Hello there!"]
    assert len(sent) == 2


def test_twenty_members_at_once_each_get_their_own_replies_in_order(bot):
    numbers = [new_number() for _ in range(20)]

    def chat(number):
        for turn in range(1, 4):
            bot.say(number, f"{number[-4:]} says {turn}")

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(chat, numbers))
    for number in numbers:
        expected = [f"echo: {number[-4:]} says {turn}" for turn in range(1, 4)]
        assert bodies(wait_for_messages(bot.sandbox_url, number, 3, timeout=60)) == expected
    print(f"20 members x 3 messages answered in {time.monotonic() - started:.1f}s")


def test_a_typed_slash_command_is_text_not_an_intent(bot):
    number = new_number()
    bot.say(number, "/greet")
    bot.say(number, '/choose_pay{"amount": 1000}')
    assert bodies(wait_for_messages(bot.sandbox_url, number, 2)) == [
        "echo: greet",
        'echo: choose_pay{"amount": 1000}',
    ]


def test_buttons_are_one_numbered_message_and_a_number_or_title_selects(bot):
    number = new_number()
    bot.say(number, "menu")
    [menu] = wait_for_messages(bot.sandbox_url, number, 1)
    assert menu["body"] == "What would you like?\n\n1. Balance\n2. Pay now\n\nReply with a number."
    bot.say(number, "2")
    bot.say(number, "menu")
    bot.say(number, "balance")
    bot.say(number, "2")  # no menu open any more: just text
    assert bodies(wait_for_messages(bot.sandbox_url, number, 5))[1:] == [
        "Paying now", menu["body"], "Your balance is R100.00", "echo: 2",
    ]


def test_a_picture_gets_a_polite_text_only_answer(bot):
    number = new_number()
    bot.say(number, "", media_url="https://example.com/receipt.jpg")
    assert bodies(wait_for_messages(bot.sandbox_url, number, 1)) == [
        "Sorry, I can only read text for now. Please type your message."
    ]


def test_delivery_statuses_are_recorded_from_signed_callbacks(bot):
    number = new_number()
    bot.say(number, "hello")
    [reply] = wait_for_messages(bot.sandbox_url, number, 1)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with session_scope() as session:
            row = session.execute(
                select(OutboundMessage).where(OutboundMessage.sid == reply["sid"])
            ).scalar_one()
        if row.status == "read":
            break
        time.sleep(0.2)
    assert row.status == "read"

    status_url = bot.webhook_url.rsplit("/", 1)[0] + "/status"
    form = {"MessageSid": reply["sid"], "MessageStatus": "failed", "ErrorCode": "30008"}
    forged = RequestValidator("wrong").compute_signature(status_url, form)
    assert requests.post(status_url, data=form, headers={"X-Twilio-Signature": forged},
                         timeout=5).status_code == 403


def test_the_webhook_is_acknowledged_before_the_slow_turn_finishes(bot):
    number = new_number()
    # Twilio answers the reply's first 3 attempts with 503: the turn takes seconds of back-off.
    requests.post(f"{bot.sandbox_url}/faults", json={"status": 503, "count": 3}, timeout=5)
    form = {"MessageSid": "SM" + uuid.uuid4().hex, "From": f"whatsapp:{number}", "Body": "hello",
            "To": "whatsapp:+14155238886", "NumMedia": "0"}
    signature = RequestValidator(bot.auth_token).compute_signature(bot.webhook_url, form)
    started = time.monotonic()
    reply = requests.post(bot.webhook_url, data=form, headers={"X-Twilio-Signature": signature}, timeout=15)
    acknowledged = time.monotonic() - started
    assert reply.status_code == 200 and "<Response></Response>" in reply.text
    assert bodies(wait_for_messages(bot.sandbox_url, number, 1)) == ["Hello there!"]
    answered = time.monotonic() - started
    print(f"acknowledged in {acknowledged * 1000:.0f} ms, answered after {answered:.1f} s")
    assert acknowledged < 2.0 < answered  # the back-off alone is 3.5 s
