"""Invite codes: 6 characters from an alphabet without look-alikes (no 0/O, 1/I/L),
drawn with `secrets` (32^6 ≈ 1e9 codes), revocable by an admin."""

from __future__ import annotations

import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from stokvel.errors import InvalidState, NotFound
from stokvel.models import InviteCode, utcnow
from stokvel.services import roles

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def normalise_code(text: str) -> str:
    """What a member types ("abc-234", " ABC 234 ") -> "ABC234"."""
    return re.sub(r"[\s-]+", "", text or "").upper()


def create_code(session: Session, stokvel_id: int, by_number: str) -> InviteCode:
    member, _ = roles.require_admin(session, stokvel_id, by_number)
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if session.execute(select(InviteCode.id).where(InviteCode.code == code)).first() is None:
            break
    invite = InviteCode(stokvel_id=stokvel_id, code=code, created_by_id=member.id)
    session.add(invite)
    session.flush()
    return invite


def find_active(session: Session, code: str) -> InviteCode:
    invite = session.execute(
        select(InviteCode).where(InviteCode.code == normalise_code(code))
    ).scalar_one_or_none()
    if invite is None or invite.revoked_at is not None:
        raise NotFound("That invite code is not valid (it may have been cancelled). Please check it with your stokvel's admin.")
    return invite


def revoke(session: Session, code: str, by_number: str) -> InviteCode:
    invite = session.execute(
        select(InviteCode).where(InviteCode.code == normalise_code(code))
    ).scalar_one_or_none()
    if invite is None:
        raise NotFound("That invite code does not exist.")
    roles.require_admin(session, invite.stokvel_id, by_number)
    if invite.revoked_at is not None:
        raise InvalidState("That invite code was already cancelled.")
    invite.revoked_at = utcnow()
    session.flush()
    return invite


def active_codes(session: Session, stokvel_id: int, by_number: str) -> list[InviteCode]:
    roles.require_admin(session, stokvel_id, by_number)
    return list(session.execute(
        select(InviteCode).where(InviteCode.stokvel_id == stokvel_id, InviteCode.revoked_at.is_(None))
        .order_by(InviteCode.created_at)
    ).scalars())
