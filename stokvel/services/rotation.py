"""The payout rotation of a rotating stokvel: each member's place, and whose turn is next.

Places come from the constitution's payout order: the order members became active
(join_order), a random draw made once when the stokvel starts (random_draw; members who
become active later are drawn among themselves and go after), or the order an admin sets
(admin_set; newcomers go last until the admin reorders). The next recipient is the active
member who has received the fewest rotation payouts, earliest place first, so joins and
departures never skip or repeat a turn.
"""

from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stokvel.errors import InvalidInput
from stokvel.models import LedgerEntry, Membership
from stokvel.phone import normalise_number
from stokvel.services import constitution, roles

_draw = secrets.SystemRandom()


def active_memberships(session: Session, stokvel_id: int) -> list[Membership]:
    return list(session.execute(
        select(Membership).where(Membership.stokvel_id == stokvel_id, Membership.status == "active")
        .order_by(Membership.activated_at, Membership.id)
    ).scalars())


def _next_position(session: Session, stokvel_id: int) -> int:
    highest = session.execute(
        select(func.max(Membership.payout_position)).where(Membership.stokvel_id == stokvel_id)
    ).scalar_one()
    return (highest or 0) + 1


def place_new_member(session: Session, membership: Membership, today: date) -> None:
    """Give a newly active member their place (random draws wait for the start)."""
    rules = constitution.current(session, membership.stokvel_id, today)
    if rules.payout_order == "random_draw" and today < rules.start_date:
        return
    if rules.payout_order == "random_draw":
        membership.payout_position = None
        draw_if_due(session, membership.stokvel_id, today)
    else:
        membership.payout_position = _next_position(session, membership.stokvel_id)
    session.flush()


def draw_if_due(session: Session, stokvel_id: int, today: date) -> None:
    """From the start date on, members without a place are drawn at random, once."""
    rules = constitution.current(session, stokvel_id, today)
    if today < rules.start_date:
        return
    unplaced = [m for m in active_memberships(session, stokvel_id) if m.payout_position is None]
    _draw.shuffle(unplaced)
    position = _next_position(session, stokvel_id)
    for offset, membership in enumerate(unplaced):
        membership.payout_position = position + offset
    session.flush()


def set_order(session: Session, stokvel_id: int, by_number: str, numbers_in_order: list[str]) -> None:
    """An admin sets the payout order (stokvels whose constitution says admin_set)."""
    roles.require_admin(session, stokvel_id, by_number)
    if constitution.latest(session, stokvel_id).payout_order != "admin_set":
        raise InvalidInput("This stokvel's payout order is not set by the admin (see its constitution).")
    active = {m.member.number: m for m in active_memberships(session, stokvel_id)}
    ordered = [normalise_number(n) for n in numbers_in_order]
    if sorted(ordered) != sorted(active) or len(set(ordered)) != len(ordered):
        raise InvalidInput("The payout order must list every active member exactly once.")
    for position, number in enumerate(ordered, start=1):
        active[number].payout_position = position
    session.flush()


def payouts_received(session: Session, stokvel_id: int) -> dict[int, int]:
    """Rotation payouts per member that are done or under way (failed ones do not count)."""
    rows = session.execute(
        select(LedgerEntry.member_id, func.count()).where(
            LedgerEntry.stokvel_id == stokvel_id, LedgerEntry.kind == "payout",
            LedgerEntry.approval_id.is_(None), LedgerEntry.period.is_not(None),
            LedgerEntry.status != "failed",
        ).group_by(LedgerEntry.member_id)
    ).all()
    return {member_id: count for member_id, count in rows}


def upcoming_recipients(session: Session, stokvel_id: int, count: int) -> list[Membership]:
    """The next `count` recipients, in order (the rotation wraps round)."""
    received = payouts_received(session, stokvel_id)
    members = active_memberships(session, stokvel_id)
    if not members:
        return []
    tally = {m.id: received.get(m.member_id, 0) for m in members}
    place = {m.id: (m.payout_position is None, m.payout_position or 0, m.id) for m in members}
    result = []
    for _ in range(count):
        chosen = min(members, key=lambda m: (tally[m.id], place[m.id]))
        result.append(chosen)
        tally[chosen.id] += 1
    return result
