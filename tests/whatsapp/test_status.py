"""Delivery statuses only move forward, whatever order Twilio's callbacks arrive in."""

from __future__ import annotations

import uuid

from hypothesis import given, settings, strategies as st
from sqlalchemy import select

from stokvel.db import session_scope
from stokvel.notify import record_status
from stokvel.notify.inbound import now_utc
from stokvel.notify.models import OutboundMessage

HAPPY_PATH = ["queued", "sent", "delivered", "read"]


def queued_message() -> str:
    sid = "SM" + uuid.uuid4().hex
    with session_scope() as session:
        session.add(
            OutboundMessage(sid=sid, number="+27820000000", body="hi", status="queued",
                            created_at=now_utc(), updated_at=now_utc())
        )
    return sid


def stored(sid: str) -> OutboundMessage:
    with session_scope() as session:
        return session.execute(select(OutboundMessage).where(OutboundMessage.sid == sid)).scalar_one()


def test_a_late_sent_does_not_undo_delivered():
    sid = queued_message()
    assert record_status(sid, "delivered")
    assert not record_status(sid, "sent")
    assert stored(sid).status == "delivered"


def test_failure_is_final_and_keeps_its_error_code():
    sid = queued_message()
    assert record_status(sid, "failed", 63016, "Outside the allowed window")
    assert not record_status(sid, "delivered")
    row = stored(sid)
    assert (row.status, row.error_code) == ("failed", 63016)


def test_an_unknown_message_is_ignored():
    assert not record_status("SM" + "f" * 32, "delivered")


@settings(max_examples=20, deadline=None)
@given(st.permutations(HAPPY_PATH))
def test_any_arrival_order_ends_at_the_furthest_status(order):
    sid = queued_message()
    for status in order:
        record_status(sid, status)
    assert stored(sid).status == "read"

