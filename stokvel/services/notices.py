"""Messages the domain core asks its caller to send on WhatsApp.

Services return them instead of sending: the caller sends them through `stokvel.notify`
after its commit, so nobody is told about something that was rolled back.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from stokvel.models import Member, Membership


@dataclass(frozen=True)
class Notice:
    number: str
    text: str


def to_members(session: Session, stokvel_id: int, text: str) -> list[Notice]:
    """The same message to every current member (active or awaiting their grant)."""
    numbers = session.execute(
        select(Member.number).join(Membership, Membership.member_id == Member.id).where(
            Membership.stokvel_id == stokvel_id, Membership.status != "left").order_by(Member.id)
    ).scalars()
    return [Notice(number, text) for number in numbers]


def to_admins(session: Session, stokvel_id: int, text: str, except_member_id: int | None = None) -> list[Notice]:
    numbers = session.execute(
        select(Member.number).join(Membership, Membership.member_id == Member.id).where(
            Membership.stokvel_id == stokvel_id, Membership.status != "left", Membership.role == "admin",
            Member.id != (except_member_id or -1)).order_by(Member.id)
    ).scalars()
    return [Notice(number, text) for number in numbers]
