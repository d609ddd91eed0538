"""Treasurer-style approvals: a payout request or a change of contribution amount needs
an admin's approval, and when the stokvel has two or more admins the approver must not be
the requester. A lone admin's own request is approved at once (there is nobody else)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from stokvel.errors import ApprovalConflict, InvalidInput, InvalidState, NotFound
from stokvel.models import ApprovalRequest, Member, utcnow
from stokvel.money import Money, parse_money
from stokvel.services import constitution, ledger, notices, roles
from stokvel.services.constitution import ChangeOutcome


@dataclass
class Decision:
    request: ApprovalRequest
    # For an approved contribution change: the new version and who to tell.
    change: ChangeOutcome | None = None


def request_payout(session: Session, stokvel_id: int, number: str, amount: Money | str) -> Decision:
    """A member asks to be paid out of the pot (up to their own share in a savings stokvel,
    up to the pot in a rotating one)."""
    member, _ = roles.require_member(session, stokvel_id, number, active=True)
    rules = constitution.current(session, stokvel_id)
    money = amount if isinstance(amount, Money) else parse_money(amount, rules.currency, rules.scale)
    if money.minor <= 0:
        raise InvalidInput("The amount must be more than zero.")
    if rules.kind == "savings":
        limit = ledger.member_share(session, stokvel_id, member.id, rules.currency, rules.scale)
        what = "your own savings in this stokvel"
    else:
        limit = ledger.available(session, stokvel_id, rules.currency, rules.scale)
        what = "what the pot holds"
    if money > limit:
        raise InvalidInput(f"You can ask for at most {limit}, {what}.")
    request = ApprovalRequest(stokvel_id=stokvel_id, kind="payout", requested_by_id=member.id,
                              amount_minor=money.minor, payload="{}", status="pending")
    session.add(request)
    session.flush()
    admins = roles.admins(session, stokvel_id)
    if len(admins) == 1 and admins[0].member_id == member.id:
        _decide(request, member, "approved")
    return Decision(request)


def request_contribution_change(session: Session, stokvel_id: int, by: Member, diff: dict) -> ChangeOutcome:
    request = ApprovalRequest(stokvel_id=stokvel_id, kind="contribution_change", requested_by_id=by.id,
                              amount_minor=diff.get("contribution_minor"),
                              payload=constitution.serialise(diff), status="pending")
    session.add(request)
    session.flush()
    text = (f"{by.full_name} wants to change the rules: {constitution.describe_changes(diff)}. "
            "Another admin needs to approve it.")
    return ChangeOutcome(approval=request, notices=notices.to_admins(session, stokvel_id, text, by.id))


def _load(session: Session, approval_id: int) -> ApprovalRequest:
    request = session.get(ApprovalRequest, approval_id)
    if request is None:
        raise NotFound("I could not find that request.")
    return request


def _check_approver(session: Session, request: ApprovalRequest, by_number: str) -> Member:
    admin, _ = roles.require_admin(session, request.stokvel_id, by_number)
    if request.status != "pending":
        raise InvalidState(f"That request was already {request.status}.")
    if admin.id == request.requested_by_id and len(roles.admins(session, request.stokvel_id)) >= 2:
        raise ApprovalConflict("Another admin must approve this: you cannot approve your own request.")
    return admin


def _decide(request: ApprovalRequest, admin: Member, status: str, reason: str | None = None) -> None:
    request.status = status
    request.decided_by_id = admin.id
    request.decided_at = utcnow()
    request.reason = reason


def approve(session: Session, approval_id: int, by_number: str, today: date | None = None) -> Decision:
    request = _load(session, approval_id)
    admin = _check_approver(session, request, by_number)
    _decide(request, admin, "approved")
    change = None
    if request.kind == "contribution_change":
        change = constitution.apply_change(session, request.stokvel_id, constitution.deserialise(request.payload),
                                           admin, today)
    session.flush()
    return Decision(request, change)


def reject(session: Session, approval_id: int, by_number: str, reason: str | None = None) -> Decision:
    request = _load(session, approval_id)
    admin = _check_approver(session, request, by_number)
    _decide(request, admin, "rejected", (reason or "").strip() or None)
    session.flush()
    return Decision(request)


def pending(session: Session, stokvel_id: int, by_number: str) -> list[ApprovalRequest]:
    roles.require_admin(session, stokvel_id, by_number)
    return list(session.execute(
        select(ApprovalRequest).where(ApprovalRequest.stokvel_id == stokvel_id,
                                      ApprovalRequest.status == "pending").order_by(ApprovalRequest.id)
    ).scalars())
