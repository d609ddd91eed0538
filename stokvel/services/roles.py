"""Who may do what in a stokvel: members, admins, and appointing admins.

Every admin-only action in the domain core goes through `require_admin`.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from stokvel.errors import InvalidState, LastAdmin, NotAdmin, NotFound, NotMember
from stokvel.models import Member, Membership
from stokvel.services import members, stokvels


def current_membership(session: Session, stokvel_id: int, member_id: int) -> Membership | None:
    """The member's membership that has not ended (awaiting grant or active), if any."""
    return session.execute(
        select(Membership).where(
            Membership.stokvel_id == stokvel_id,
            Membership.member_id == member_id,
            Membership.status != "left",
        )
    ).scalars().first()


def require_member(session: Session, stokvel_id: int, number: str,
                   active: bool = False) -> tuple[Member, Membership]:
    """The member and their membership; NotMember if they do not belong (or are not yet active)."""
    stokvel = stokvels.get(session, stokvel_id)
    member = members.get_by_number(session, number)
    membership = current_membership(session, stokvel_id, member.id)
    if membership is None:
        raise NotMember(f"You are not a member of {stokvel.name}.")
    if active and membership.status != "active":
        raise NotMember(
            f"Your membership of {stokvel.name} is not active yet: please authorise your "
            "recurring contribution first."
        )
    return member, membership


def require_admin(session: Session, stokvel_id: int, number: str) -> tuple[Member, Membership]:
    stokvel = stokvels.get(session, stokvel_id)
    member = members.get_by_number(session, number)
    membership = current_membership(session, stokvel_id, member.id)
    if membership is None or membership.role != "admin":
        raise NotAdmin(f"Only an admin of {stokvel.name} can do that.")
    return member, membership


def admins(session: Session, stokvel_id: int) -> list[Membership]:
    return list(session.execute(
        select(Membership).where(
            Membership.stokvel_id == stokvel_id,
            Membership.role == "admin",
            Membership.status != "left",
        ).order_by(Membership.id)
    ).scalars())


def make_admin(session: Session, stokvel_id: int, by_number: str, member_number: str) -> Membership:
    """An admin makes another member an admin (a stokvel may have several)."""
    require_admin(session, stokvel_id, by_number)
    target = members.find_by_number(session, member_number)
    membership = target and current_membership(session, stokvel_id, target.id)
    if membership is None:
        raise NotFound(f"{member_number} is not a member of this stokvel.")
    if membership.role == "admin":
        raise InvalidState(f"{target.full_name} is already an admin.")
    membership.role = "admin"
    session.flush()
    return membership


def step_down(session: Session, stokvel_id: int, number: str) -> Membership:
    """An admin becomes an ordinary member, unless they are the last admin."""
    _, membership = require_admin(session, stokvel_id, number)
    ensure_not_last_admin(session, membership, "step down")
    membership.role = "member"
    session.flush()
    return membership


def ensure_not_last_admin(session: Session, membership: Membership, doing: str) -> None:
    if membership.role == "admin" and len(admins(session, membership.stokvel_id)) <= 1:
        raise LastAdmin(
            f"You are the only admin, so you cannot {doing} yet. Make another member admin first."
        )
