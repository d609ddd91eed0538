"""The member and stokvel an action is about, loaded once per action run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.choose import pick_stokvel
from actions.identity import caller_member
from actions.replies import send_registration_link
from stokvel.models import Member
from stokvel.services import queries
from stokvel.services.queries import MyStokvel


@dataclass(frozen=True)
class StokvelContext:
    member: Member
    stokvel: MyStokvel

    @property
    def number(self) -> str:
        return self.member.number

    @property
    def is_admin(self) -> bool:
        return self.stokvel.role == "admin"


def registered_member(
    session: Session, tracker: Tracker, dispatcher: CollectingDispatcher
) -> Optional[Member]:
    """The caller's account, or None after sending them their registration link."""
    member = caller_member(session, tracker)
    if member is None:
        send_registration_link(dispatcher, tracker)
    return member


def named_stokvel(tracker: Tracker) -> Optional[str]:
    """The stokvel the latest message names, if any (slots from earlier turns don't count)."""
    return next(tracker.get_latest_entity_values("stokvel_name"), None)


def stokvel_context(
    session: Session,
    tracker: Tracker,
    dispatcher: CollectingDispatcher,
    intent: str,
    question: str = "Which stokvel?",
) -> Optional[StokvelContext]:
    """Member + the stokvel the message is about, or None once the member has been told
    what to do (register, join, or pick one of their stokvels)."""
    member = registered_member(session, tracker, dispatcher)
    if member is None:
        return None
    mine = queries.my_stokvels(session, member.number)
    chosen = pick_stokvel(dispatcher, mine, lambda s: s.name, named_stokvel(tracker), intent, question)
    return StokvelContext(member, chosen) if chosen is not None else None
