"""Leaving a stokvel. Future collections stop at once; what the member is owed (their own
share: contributions and interest, less what was paid to them) is refunded by the
settlement sweep, or what they owe (a rotation payout received before paying in as much)
is shown to them. Both are shown before they confirm."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from stokvel.models import PaymentGrant, utcnow
from stokvel.money import Money
from stokvel.services import constitution, ledger, notices, roles, stokvels
from stokvel.services.notices import Notice


@dataclass
class LeavePreview:
    stokvel_name: str
    owed_to_member: Money
    member_owes: Money
    message: str
    # Grants the caller should also revoke at the provider (manage URL + access token).
    grants_to_revoke: list[PaymentGrant] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)


def leave_preview(session: Session, stokvel_id: int, number: str) -> LeavePreview:
    """What leaving would mean for this member, in plain words. Changes nothing."""
    member, membership = roles.require_member(session, stokvel_id, number)
    roles.ensure_not_last_admin(session, membership, "leave")
    stokvel = stokvels.get(session, stokvel_id)
    rules = constitution.current(session, stokvel_id)
    share = ledger.member_share(session, stokvel_id, member.id, rules.currency, rules.scale)
    zero = share.zero()
    owed, owes = (share, zero) if share.minor > 0 else (zero, -share)
    if owed:
        money = f"You will get back {owed} (your contributions and interest, less what you were paid)."
    elif owes:
        money = (f"You have received {owes} more than you paid in. Under the constitution you owe "
                 f"the stokvel {owes}; please settle it with your admin.")
    else:
        money = "Nothing is owed either way."
    message = f"If you leave {stokvel.name}, no more contributions will be collected from you. {money}"
    return LeavePreview(stokvel.name, owed, owes, message)


def leave(session: Session, stokvel_id: int, number: str) -> LeavePreview:
    """Leave now: the membership ends and its contribution grants are revoked (so no
    collection runs again); a refund, if owed, becomes due to the settlement sweep."""
    preview = leave_preview(session, stokvel_id, number)
    member, membership = roles.require_member(session, stokvel_id, number)
    membership.status = "left"
    membership.left_at = utcnow()
    grants = list(session.execute(select(PaymentGrant).where(
        PaymentGrant.membership_id == membership.id, PaymentGrant.status.in_(("active", "pending")))).scalars())
    for grant in grants:
        grant.status = "revoked"
    preview.grants_to_revoke = grants
    text = f"{member.full_name} has left {preview.stokvel_name}."
    preview.notices = notices.to_admins(session, stokvel_id, text)
    session.flush()
    return preview
