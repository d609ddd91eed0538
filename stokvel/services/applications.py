"""Joining a stokvel: apply by invite code or to a listed stokvel; an admin approves or
declines. Approval gives a membership that becomes active once the member authorises
their recurring contribution (see `grants.activate`)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stokvel.errors import AlreadyExists, InvalidInput, InvalidState, NotFound, StokvelFull
from stokvel.models import Application, Membership, Stokvel, utcnow
from stokvel.services import constitution, invites, members, roles, stokvels


def member_count(session: Session, stokvel_id: int) -> int:
    """Members holding a place: active, or approved and awaiting their grant."""
    return session.execute(
        select(func.count()).select_from(Membership).where(
            Membership.stokvel_id == stokvel_id, Membership.status != "left")
    ).scalar_one()


def ensure_room(session: Session, stokvel: Stokvel) -> None:
    limit = constitution.latest(session, stokvel.id).max_members
    if member_count(session, stokvel.id) >= limit:
        raise StokvelFull(f"{stokvel.name} is full: it already has its maximum of {limit} members.")


def apply(session: Session, number: str, stokvel_id: int | None = None,
          invite_code: str | None = None) -> Application:
    """Ask to join, by invite code or (for listed stokvels) by id."""
    member = members.get_by_number(session, number)
    invite = None
    if invite_code:
        invite = invites.find_active(session, invite_code)
        if stokvel_id is not None and stokvel_id != invite.stokvel_id:
            raise InvalidInput("That invite code is for a different stokvel.")
        stokvel = stokvels.get(session, invite.stokvel_id)
    elif stokvel_id is not None:
        stokvel = stokvels.get(session, stokvel_id)
        if not stokvel.listed:
            raise InvalidInput(f"{stokvel.name} only takes new members by invite code. Ask its admin for one.")
    else:
        raise InvalidInput("Tell me which stokvel to join: its name or an invite code.")
    if stokvel.status != "active":
        raise InvalidState(f"{stokvel.name} is closed and not taking new members.")
    if roles.current_membership(session, stokvel.id, member.id) is not None:
        raise AlreadyExists(f"You are already a member of {stokvel.name}.")
    if _pending(session, stokvel.id, member.id) is not None:
        raise AlreadyExists(f"You have already applied to {stokvel.name}; an admin will answer soon.")
    ensure_room(session, stokvel)
    application = Application(stokvel_id=stokvel.id, member_id=member.id,
                              via="invite" if invite else "listing",
                              invite_code_id=invite.id if invite else None, status="pending")
    session.add(application)
    session.flush()
    return application


def _pending(session: Session, stokvel_id: int, member_id: int) -> Application | None:
    return session.execute(
        select(Application).where(Application.stokvel_id == stokvel_id, Application.member_id == member_id,
                                  Application.status == "pending")
    ).scalars().first()


def _get_pending(session: Session, application_id: int) -> Application:
    application = session.get(Application, application_id)
    if application is None:
        raise NotFound("I could not find that application.")
    if application.status != "pending":
        raise InvalidState(f"That application was already {application.status}.")
    return application


def approve(session: Session, application_id: int, by_number: str) -> Membership:
    """An admin accepts the applicant; they must now authorise their contribution."""
    application = session.get(Application, application_id)
    if application is None:
        raise NotFound("I could not find that application.")
    admin, _ = roles.require_admin(session, application.stokvel_id, by_number)
    application = _get_pending(session, application_id)
    stokvel = stokvels.get(session, application.stokvel_id)
    ensure_room(session, stokvel)
    if roles.current_membership(session, stokvel.id, application.member_id) is not None:
        raise AlreadyExists("That person is already a member.")
    membership = Membership(stokvel_id=stokvel.id, member_id=application.member_id, role="member",
                            status="awaiting_grant")
    session.add(membership)
    application.status = "approved"
    application.decided_by_id = admin.id
    application.decided_at = utcnow()
    session.flush()
    return membership


def decline(session: Session, application_id: int, by_number: str, reason: str | None = None) -> Application:
    application = session.get(Application, application_id)
    if application is None:
        raise NotFound("I could not find that application.")
    admin, _ = roles.require_admin(session, application.stokvel_id, by_number)
    application = _get_pending(session, application_id)
    application.status = "declined"
    application.decided_by_id = admin.id
    application.decided_at = utcnow()
    application.decline_reason = (reason or "").strip() or None
    session.flush()
    return application


def withdraw(session: Session, application_id: int, number: str) -> Application:
    member = members.get_by_number(session, number)
    application = session.get(Application, application_id)
    if application is None or application.member_id != member.id:
        raise NotFound("I could not find that application.")
    application = _get_pending(session, application_id)
    application.status = "withdrawn"
    session.flush()
    return application


def pending(session: Session, stokvel_id: int, by_number: str) -> list[Application]:
    """Applications waiting for a decision (admins only), oldest first."""
    roles.require_admin(session, stokvel_id, by_number)
    return list(session.execute(
        select(Application).where(Application.stokvel_id == stokvel_id, Application.status == "pending")
        .order_by(Application.created_at, Application.id)
    ).scalars())
