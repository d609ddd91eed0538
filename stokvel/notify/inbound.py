"""What members sent us: de-duplication on Twilio's MessageSid and the 24-hour window.

WhatsApp lets a business send free-form text only within 24 hours of the member's last
message; outside it, only approved templates are delivered.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Callable, Optional, TypeVar

from sqlalchemy.exc import IntegrityError

from stokvel.db import session_scope
from stokvel.notify.models import Contact, InboundMessage

WINDOW = timedelta(hours=24)
T = TypeVar("T")


def utc(when: Optional[datetime]) -> Optional[datetime]:
    """SQLite hands datetimes back naive; everything here is stored in UTC."""
    if when is not None and when.tzinfo is None:
        return when.replace(tzinfo=timezone.utc)
    return when


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def update_contact(number: str, change: Callable[[Contact], T]) -> T:
    """Apply `change` to the member's messaging state in one transaction, creating it first
    if needed."""
    try:
        return _update_contact(number, change)
    except IntegrityError:  # another process created the row at the same moment: it exists now
        return _update_contact(number, change)


def _update_contact(number: str, change: Callable[[Contact], T]) -> T:
    with session_scope() as session:
        row = session.get(Contact, number)
        if row is None:
            row = Contact(number=number)
            session.add(row)
        return change(row)


def record_inbound(number: str, when: Optional[datetime] = None) -> None:
    """The member wrote to us at `when` (default now): their 24-hour window is open."""
    when = utc(when) or now_utc()

    def open_window(row: Contact) -> None:
        last = utc(row.last_inbound_at)
        if last is None or when > last:  # an older message arriving late never shortens it
            row.last_inbound_at = when

    update_contact(number, open_window)


def claim_inbound(message_sid: str, number: str, when: Optional[datetime] = None) -> bool:
    """Record an inbound message once. False if this MessageSid was already accepted
    (Twilio retried the webhook, or it arrived twice): the caller must not process it again."""
    when = utc(when) or now_utc()
    try:
        with session_scope() as session:
            # The primary key decides, even between two processes.
            session.add(InboundMessage(message_sid=message_sid, number=number, received_at=when))
    except IntegrityError:
        return False
    record_inbound(number, when)
    return True


def within_window(number: str, at: Optional[datetime] = None) -> bool:
    """True while free-form messages to `number` are allowed."""
    with session_scope() as session:
        row = session.get(Contact, number)
        last = utc(row.last_inbound_at) if row else None
    return last is not None and (utc(at) or now_utc()) - last < WINDOW
