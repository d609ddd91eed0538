"""Delivery statuses from Twilio's status callbacks.

Callbacks arrive out of order (a "delivered" can overtake its "sent"), so a message's
status only ever moves forward along this ranking; failures are final.
"""

from __future__ import annotations

from typing import Optional

from sqlalchemy import select

from stokvel.db import session_scope
from stokvel.notify.inbound import now_utc
from stokvel.notify.models import OutboundMessage

RANK = {
    "pending": 0,  # recorded, not yet accepted by Twilio
    "accepted": 1,
    "scheduled": 1,
    "queued": 2,
    "sending": 3,
    "sent": 4,
    "delivered": 5,
    "read": 6,
    "undelivered": 7,
    "failed": 7,
    "canceled": 7,
}


def moves_forward(current: str, new: str) -> bool:
    return RANK.get(new, -1) > RANK.get(current, -1)


def record_status(
    sid: str, status: str, error_code: Optional[int] = None, error_message: Optional[str] = None
) -> bool:
    """Apply a status callback. Returns False for an unknown message or a stale status."""
    with session_scope() as session:
        message = session.execute(
            select(OutboundMessage).where(OutboundMessage.sid == sid).with_for_update()
        ).scalar_one_or_none()
        if message is None or not moves_forward(message.status, status):
            return False
        message.status = status
        if error_code is not None:
            message.error_code = error_code
            message.error_message = error_message
        message.updated_at = now_utc()
        return True
