"""What the bot and the forms show: read-only views built from the models and the ledger.

Each returns plain dataclasses with Money values (format with `str()` / `format_money`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from stokvel.models import Constitution, Member, Membership, Stokvel
from stokvel.money import Money
from stokvel.services import applications, clock, ledger, members, roles, rotation, schedules
from stokvel.services import constitution as rules_service
from stokvel.services import interest as interest_service
from stokvel.services import stokvels as stokvel_service


@dataclass(frozen=True)
class MyStokvel:
    stokvel_id: int
    name: str
    kind: str
    role: str
    status: str  # membership status: awaiting_grant or active


@dataclass(frozen=True)
class Summary:
    stokvel_id: int
    name: str
    kind: str
    pot: Money
    member_count: int
    max_members: int
    contribution: Money
    contribution_frequency: str
    next_collection: date | None
    next_payout: date | None
    next_recipient: str | None  # full name, rotating stokvels only


@dataclass(frozen=True)
class StatementLine:
    when: date
    kind: str
    amount: Money
    status: str
    period: date | None


@dataclass(frozen=True)
class Statement:
    stokvel_name: str
    member_name: str
    lines: list[StatementLine]
    contributed: Money
    penalties: Money
    interest: Money
    received: Money
    share: Money  # own share still in the pot


@dataclass(frozen=True)
class ScheduledPayout:
    when: date
    recipient: str  # full name, or "every member" for a savings stokvel
    number: str | None


@dataclass(frozen=True)
class InterestView:
    stokvel_total: Money
    mine: Money | None
    earnings: list[tuple[date, date, Money]]


@dataclass(frozen=True)
class PendingApplication:
    application_id: int
    name: str
    number: str
    via: str
    applied_at: date


def my_stokvels(session: Session, number: str) -> list[MyStokvel]:
    member = members.get_by_number(session, number)
    rows = session.execute(
        select(Membership, Stokvel).join(Stokvel, Stokvel.id == Membership.stokvel_id)
        .where(Membership.member_id == member.id, Membership.status != "left").order_by(Stokvel.name)
    ).all()
    return [MyStokvel(s.id, s.name, rules_service.current(session, s.id).kind, m.role, m.status) for m, s in rows]


def _next_collection(versions: list[Constitution], today: date) -> date | None:
    upcoming = schedules.contribution_periods(versions, today, today + timedelta(days=62))
    return upcoming[0][0] if upcoming else None


def _payout_dates(session: Session, stokvel_id: int, today: date, count: int) -> list[date]:
    """The next `count` payout dates, oldest unpaid rotation periods first."""
    versions = rules_service.versions(session, stokvel_id)
    rules = rules_service.current(session, stokvel_id, today)
    horizon = today + timedelta(days=31 * (count + 1) * (12 if rules.kind == "savings" else 1))
    if rules.kind == "savings":
        return schedules.savings_payout_dates(rules, today, horizon)[:count]
    stokvel = stokvel_service.get(session, stokvel_id)
    known = {e.idempotency_key: e for e in ledger.entries(session, stokvel_id)}
    unpaid = schedules.outstanding_rotation_payouts(session, stokvel, today, known)
    future = [p + timedelta(days=v.grace_days)
              # From a month back: a period before today may still have its payout ahead (grace days).
              for p, v in schedules.contribution_periods(versions, today - timedelta(days=31), horizon)
              if p + timedelta(days=v.grace_days) > today]
    return ([today] * len(unpaid) + future)[:count]


def summary(session: Session, stokvel_id: int, today: date | None = None) -> Summary:
    today = today or clock.today()
    stokvel = stokvel_service.get(session, stokvel_id)
    rules = rules_service.current(session, stokvel_id, today)
    payout_dates = _payout_dates(session, stokvel_id, today, 1)
    recipient = None
    if rules.kind == "rotating":
        upcoming = rotation.upcoming_recipients(session, stokvel_id, 1)
        recipient = session.get(Member, upcoming[0].member_id).full_name if upcoming else None
    return Summary(
        stokvel_id=stokvel.id, name=stokvel.name, kind=rules.kind,
        pot=ledger.balance(session, stokvel_id, rules.currency, rules.scale),
        member_count=applications.member_count(session, stokvel_id),
        max_members=rules_service.latest(session, stokvel_id).max_members,
        contribution=rules.contribution, contribution_frequency=rules.contribution_frequency,
        next_collection=_next_collection(rules_service.versions(session, stokvel_id), today),
        next_payout=payout_dates[0] if payout_dates else None, next_recipient=recipient,
    )


def statement(session: Session, stokvel_id: int, number: str) -> Statement:
    """A member's own statement in one stokvel (members and former members)."""
    stokvel = stokvel_service.get(session, stokvel_id)
    member = members.get_by_number(session, number)
    rules = rules_service.current(session, stokvel_id)
    cur = (rules.currency, rules.scale)
    rows = ledger.entries(session, stokvel_id, member.id)
    lines = [StatementLine((e.completed_at or e.created_at).date(), e.kind, e.amount, e.status, e.period)
             for e in rows]
    received = ledger.total(session, stokvel_id, "payout", member.id, *cur) + \
        ledger.total(session, stokvel_id, "refund", member.id, *cur)
    return Statement(
        stokvel_name=stokvel.name, member_name=member.full_name, lines=lines,
        contributed=ledger.total(session, stokvel_id, "contribution", member.id, *cur),
        penalties=ledger.total(session, stokvel_id, "penalty", member.id, *cur),
        interest=ledger.total(session, stokvel_id, "interest", member.id, *cur),
        received=received,
        share=ledger.member_share(session, stokvel_id, member.id, *cur, include_pending_out=False),
    )


def my_contributions(session: Session, stokvel_id: int, number: str) -> list[StatementLine]:
    return [line for line in statement(session, stokvel_id, number).lines if line.kind == "contribution"]


def payout_schedule(session: Session, stokvel_id: int, today: date | None = None,
                    count: int = 6) -> list[ScheduledPayout]:
    """When the next payouts are and who receives each (rotation) — savings pay everyone."""
    today = today or clock.today()
    rules = rules_service.current(session, stokvel_id, today)
    dates = _payout_dates(session, stokvel_id, today, count)
    if rules.kind == "savings":
        return [ScheduledPayout(d, "every member", None) for d in dates]
    recipients = rotation.upcoming_recipients(session, stokvel_id, len(dates))
    out = []
    for when, membership in zip(dates, recipients):
        member = session.get(Member, membership.member_id)
        out.append(ScheduledPayout(when, member.full_name, member.number))
    return out


def constitution(session: Session, stokvel_id: int) -> list[Constitution]:
    """Every version, oldest first: the last is the newest (it may take effect later)."""
    stokvel_service.get(session, stokvel_id)
    return rules_service.versions(session, stokvel_id)


def describe_constitution(c: Constitution) -> str:
    """The constitution in plain words for WhatsApp."""
    lines = [
        f"Type: {c.kind}",
        f"Contribution: {c.contribution} {c.contribution_frequency.replace('_', ' ')}",
        f"Start date: {c.start_date.isoformat()}",
        f"End date: {c.end_date.isoformat() if c.end_date else 'none'}",
    ]
    if c.kind == "savings":
        lines.append(f"Payouts: {c.payout_frequency.replace('_', ' ')}")
    lines += [
        f"Maximum members: {c.max_members}",
        f"Payout order: {c.payout_order.replace('_', ' ')}",
        f"Late-payment penalty: {c.late_penalty} after {c.grace_days} grace day(s)",
        f"Version {c.version}, in force from {c.effective_from.isoformat()}",
    ]
    if c.rules_text:
        lines.append(f"Rules: {c.rules_text}")
    return "\n".join(lines)


def interest(session: Session, stokvel_id: int, number: str | None = None) -> InterestView:
    rules = rules_service.current(session, stokvel_id)
    cur = (rules.currency, rules.scale)
    mine = None
    if number is not None:
        member, _ = roles.require_member(session, stokvel_id, number)
        mine = ledger.total(session, stokvel_id, "interest", member.id, *cur)
    return InterestView(
        stokvel_total=ledger.total(session, stokvel_id, "interest", None, *cur), mine=mine,
        earnings=[(e.period_start, e.period_end, e.amount) for e in interest_service.earnings(session, stokvel_id)],
    )


def pending_applications(session: Session, stokvel_id: int, by_number: str) -> list[PendingApplication]:
    out = []
    for application in applications.pending(session, stokvel_id, by_number):
        member = application.member
        out.append(PendingApplication(application.id, member.full_name, member.number, application.via,
                                      application.created_at.date()))
    return out
