"""Demo data made through the domain core, for the browser tests and the screenshots:
each scene is set up in a few calls, so a test drives only the page it is about."""

from __future__ import annotations

from datetime import date, datetime

from stokvel.db import session_scope
from stokvel.money import Money
from stokvel.services import applications, ledger, members, stokvels

RULES = {
    "kind": "rotating", "contribution": "R500", "contribution_frequency": "monthly",
    "start_date": date(2027, 2, 1), "max_members": 12, "late_penalty": "R50", "grace_days": 3,
}
def member(stack, number: str, name: str) -> str:
    """A registered member with a funded sandbox wallet; returns the number."""
    wallet = stack.wallet(f"member-{number.lstrip('+')}")
    with session_scope() as session:
        members.register(session, number=number, name=name, surname="Test", wallet_address=wallet,
                         language="en", consent=True)
    return number


def stokvel(admin_number: str, name: str, **rules) -> int:
    with session_scope() as session:
        return stokvels.create(session, admin_number, {"name": name, **RULES, **rules}).id


def application(number: str, stokvel_id: int) -> int:
    with session_scope() as session:
        return applications.apply(session, number, stokvel_id=stokvel_id).id


def approved(admin_number: str, number: str, stokvel_id: int) -> None:
    with session_scope() as session:
        applications.approve(session, applications.apply(session, number, stokvel_id=stokvel_id).id,
                             admin_number)


def completed_payment(key: str, kind: str, stokvel_id: int, number: str, minor: int,
                      when: datetime) -> None:
    """A payment the provider confirmed at `when` (as the settlement engine records it)."""
    with session_scope() as session:
        member = members.get_by_number(session, number)
        entry = ledger.begin(session, key, kind, stokvel_id=stokvel_id, amount=Money(minor),
                             member_id=member.id, status="completed")
        entry.completed_at = when
