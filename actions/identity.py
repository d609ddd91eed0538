"""Who is talking: the sender's WhatsApp number, never a slot a member could type."""

from __future__ import annotations

from typing import Optional

from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from stokvel.errors import DomainError
from stokvel.models import Member
from stokvel.phone import normalise_number
from stokvel.services import members


def caller_number(tracker: Tracker) -> Optional[str]:
    """The sender's number in E.164, or None when the conversation is not from a phone
    (e.g. `rasa shell`), in which case nothing personal can be shown or done."""
    try:
        return normalise_number(tracker.sender_id)
    except DomainError:
        return None


def caller_member(session: Session, tracker: Tracker) -> Optional[Member]:
    number = caller_number(tracker)
    return members.find_by_number(session, number) if number else None
