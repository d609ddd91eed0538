"""Schedules: which contributions and payouts are due on a date, from the constitution.

Contribution periods fall on `start_date + n * frequency`, always counted from the
ORIGINAL anchor (31 Jan + 1 month = 28/29 Feb, + 2 months = 31 Mar), so no period is
skipped or doubled across month ends and leap years. Each constitution version rules
from its `effective_from` until the next version takes effect.

`due_contributions` / `due_payouts` look back to the start, so a day when nothing ran is
caught up; what the ledger already holds (pending or completed, or failed too often) is
not due again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from stokvel.models import ApprovalRequest, Constitution, LedgerEntry, Member, Membership, Stokvel
from stokvel.money import Money
from stokvel.services import constitution, ledger, rotation

_MONTHS_PER_PAYOUT = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}


def _step(frequency: str, n: int) -> relativedelta:
    if frequency == "weekly":
        return relativedelta(weeks=n)
    if frequency == "fortnightly":
        return relativedelta(weeks=2 * n)
    return relativedelta(months=n)


def _first_index_near(anchor: date, frequency: str, on_or_after: date) -> int:
    """A period index no later than the first period on/after `on_or_after` (cheap skip-ahead)."""
    if on_or_after <= anchor:
        return 0
    if frequency == "monthly":
        return max(0, (on_or_after.year - anchor.year) * 12 + on_or_after.month - anchor.month - 1)
    days = 7 if frequency == "weekly" else 14
    return max(0, (on_or_after - anchor).days // days - 1)


def series(anchor: date, frequency: str, start: date, end: date, last: date | None = None) -> list[date]:
    """Dates anchor + n*frequency (n >= 0) within [start, end] and not after `last`."""
    out: list[date] = []
    n = _first_index_near(anchor, frequency, start)
    while True:
        day = anchor + _step(frequency, n)
        if day > end or (last is not None and day > last):
            return out
        if day >= start:
            out.append(day)
        n += 1


def _windows(versions: list[Constitution]) -> list[tuple[Constitution, date, date | None]]:
    """Each version with the span it rules: [effective_from, next effective_from)."""
    out = []
    for i, version in enumerate(versions):
        later = [v.effective_from for v in versions[i + 1:]]
        until = min(later) if later else None
        if until is None or until > version.effective_from:
            out.append((version, version.effective_from, until))
    return out


def contribution_periods(versions: list[Constitution], start: date, end: date) -> list[tuple[date, Constitution]]:
    """Every contribution period date in [start, end], with the version that rules it."""
    out = []
    for version, since, until in _windows(versions):
        window_end = end if until is None else min(end, until - timedelta(days=1))
        for day in series(version.start_date, version.contribution_frequency, max(start, since),
                          window_end, version.end_date):
            out.append((day, version))
    return out


def next_period_after(version: Constitution, today: date) -> date:
    """The first period of this version's rhythm strictly after `today` (or its start)."""
    if today < version.start_date:
        return version.start_date
    return series(version.start_date, version.contribution_frequency, today + timedelta(days=1),
                  today + timedelta(days=40))[0]


def savings_payout_dates(version: Constitution, start: date, end: date) -> list[date]:
    """A savings stokvel's payout dates in [start, end]: every payout period after the
    start date, and the end date (the final payout)."""
    dates: list[date] = []
    months = _MONTHS_PER_PAYOUT.get(version.payout_frequency)
    if months:
        n = 1
        while True:
            day = version.start_date + relativedelta(months=months * n)
            if day > end or (version.end_date and day > version.end_date):
                break
            if day >= start:
                dates.append(day)
            n += 1
    if version.end_date and start <= version.end_date <= end and version.end_date not in dates:
        dates.append(version.end_date)
    return dates


@dataclass(frozen=True)
class DueContribution:
    stokvel_id: int
    member_id: int
    membership_id: int
    number: str
    period: date
    amount: Money
    key: str
    # 1 for a first try; more when the ledger holds a failed attempt to retry.
    attempt: int
    late: bool
    # A late-payment penalty to collect with it (None if not late or no penalty).
    penalty: Money | None
    penalty_key: str | None


@dataclass(frozen=True)
class DuePayout:
    stokvel_id: int
    member_id: int
    number: str
    kind: str  # "payout" or "refund"
    amount: Money
    key: str
    reason: str  # "rotation", "savings", "request", "leaving"
    period: date | None = None
    approval_id: int | None = None
    attempt: int = 1


def _active_stokvels(session: Session) -> list[Stokvel]:
    return list(session.execute(select(Stokvel).where(Stokvel.status == "active").order_by(Stokvel.id)).scalars())


def _ledger_by_key(session: Session, stokvel_id: int) -> dict[str, LedgerEntry]:
    rows = session.execute(select(LedgerEntry).where(LedgerEntry.stokvel_id == stokvel_id)).scalars()
    return {row.idempotency_key: row for row in rows}


def _attempt(entry: LedgerEntry | None, max_retries: int) -> int | None:
    """The attempt number if this payment is still to be made, None if not."""
    if entry is None:
        return 1
    if entry.status == "failed" and entry.attempts <= max_retries:
        return entry.attempts + 1
    return None


def due_contributions(session: Session, on_date: date) -> list[DueContribution]:
    """Contributions to collect on `on_date`: every period since each active member became
    active that the ledger does not already hold (catching up days when nothing ran)."""
    due: list[DueContribution] = []
    for stokvel in _active_stokvels(session):
        versions = constitution.versions(session, stokvel.id)
        known = _ledger_by_key(session, stokvel.id)
        for membership in rotation.active_memberships(session, stokvel.id):
            member = session.get(Member, membership.member_id)
            since = membership.activated_at.date()
            for period, rules in contribution_periods(versions, since, on_date):
                key = ledger.contribution_key(stokvel.id, member.id, period)
                attempt = _attempt(known.get(key), stokvel.max_collection_retries)
                if attempt is None:
                    continue
                late = on_date > period + timedelta(days=rules.grace_days)
                penalty_key = ledger.penalty_key(stokvel.id, member.id, period)
                owes_penalty = (late and rules.late_penalty_minor > 0
                                and _attempt(known.get(penalty_key), stokvel.max_collection_retries))
                due.append(DueContribution(
                    stokvel_id=stokvel.id, member_id=member.id, membership_id=membership.id,
                    number=member.number, period=period, amount=rules.contribution, key=key,
                    attempt=attempt, late=late,
                    penalty=rules.late_penalty if owes_penalty else None,
                    penalty_key=penalty_key if owes_penalty else None,
                ))
    return due


def due_payouts(session: Session, on_date: date) -> list[DuePayout]:
    """Payouts and refunds to make on `on_date`: rotation turns, savings payouts, approved
    payout requests and refunds to members who left."""
    due: list[DuePayout] = []
    for stokvel in _active_stokvels(session):
        known = _ledger_by_key(session, stokvel.id)
        rules = constitution.current(session, stokvel.id, on_date)
        if rules.kind == "rotating":
            rotation.draw_if_due(session, stokvel.id, on_date)
            due.extend(_rotation_due(session, stokvel, on_date, known))
        else:
            due.extend(_savings_due(session, stokvel, on_date, known))
        due.extend(_requests_due(session, stokvel, known))
        due.extend(_refunds_due(session, stokvel, known))
    return due


def outstanding_rotation_payouts(session: Session, stokvel: Stokvel, on_date: date,
                                 known: dict[str, LedgerEntry]) -> list[tuple[date, Money]]:
    """Rotation turns owed on `on_date` (payout date = period + grace days), oldest first,
    each with its pot: the money available less what was collected for later periods.

    Turns go in period order: once a turn is paid (or under way, or given up after too many
    failed attempts), earlier periods are settled, their money having gone with it. A period
    with nothing collected has no pot and is passed over; the member whose turn it was stays
    next in the rotation (they still have the fewest payouts)."""
    versions = constitution.versions(session, stokvel.id)
    rotation_payouts = [e for e in known.values()
                        if e.kind == "payout" and e.approval_id is None and e.period is not None]
    taken = [e.period for e in rotation_payouts if _attempt(e, stokvel.max_collection_retries) is None]
    settled_until = max(taken) if taken else None
    rules = constitution.current(session, stokvel.id, on_date)
    pot = ledger.available(session, stokvel.id, rules.currency, rules.scale)
    out = []
    for period, version in contribution_periods(versions, versions[0].start_date, on_date):
        if period + timedelta(days=version.grace_days) > on_date:
            continue
        if settled_until is not None and period <= settled_until:
            continue
        entry = known.get(ledger.rotation_payout_key(stokvel.id, period))
        if entry is not None:  # a failed attempt to retry, for the same amount
            out.append((period, entry.amount))
            continue
        for_later = sum(e.amount_minor for e in known.values()
                        if e.kind in ("contribution", "penalty") and e.status == "completed"
                        and e.period is not None and e.period > period)
        amount = pot - Money(for_later, pot.currency, pot.scale)
        if amount.minor > 0:
            out.append((period, amount))
    return out


def _rotation_due(session: Session, stokvel: Stokvel, on_date: date,
                  known: dict[str, LedgerEntry]) -> list[DuePayout]:
    """One turn at a time: the oldest outstanding turn gets its period's pot."""
    if any(e.kind in ("payout", "refund") and e.status == "pending" for e in known.values()):
        return []
    outstanding = outstanding_rotation_payouts(session, stokvel, on_date, known)
    if not outstanding:
        return []
    period, amount = outstanding[0]
    key = ledger.rotation_payout_key(stokvel.id, period)
    entry = known.get(key)
    if entry is not None:
        # A retry pays the member the failed attempt was for.
        member = session.get(Member, entry.member_id)
    else:
        recipients = rotation.upcoming_recipients(session, stokvel.id, 1)
        if not recipients:
            return []
        member = session.get(Member, recipients[0].member_id)
    return [DuePayout(stokvel_id=stokvel.id, member_id=member.id, number=member.number, kind="payout",
                      amount=amount, key=key, reason="rotation", period=period,
                      attempt=_attempt(entry, stokvel.max_collection_retries))]


def _savings_due(session: Session, stokvel: Stokvel, on_date: date,
                 known: dict[str, LedgerEntry]) -> list[DuePayout]:
    """On (or after) the latest payout date, each member receives their own share. Missed
    earlier dates fold into the latest one, so nothing is paid twice."""
    rules = constitution.current(session, stokvel.id, on_date)
    dates = savings_payout_dates(rules, constitution.versions(session, stokvel.id)[0].start_date, on_date)
    if not dates:
        return []
    payout_date = dates[-1]
    due = []
    for membership in rotation.active_memberships(session, stokvel.id):
        member = session.get(Member, membership.member_id)
        key = ledger.savings_payout_key(stokvel.id, member.id, payout_date)
        entry = known.get(key)
        attempt = _attempt(entry, stokvel.max_collection_retries)
        if attempt is None:
            continue
        # What they had saved by the payout date; later money waits for the next one.
        share = entry.amount if entry is not None else ledger.member_share(
            session, stokvel.id, member.id, rules.currency, rules.scale, as_of=payout_date)
        if share.minor > 0:
            due.append(DuePayout(stokvel_id=stokvel.id, member_id=member.id, number=member.number,
                                 kind="payout", amount=share, key=key, reason="savings",
                                 period=payout_date, attempt=attempt))
    return due


def _requests_due(session: Session, stokvel: Stokvel, known: dict[str, LedgerEntry]) -> list[DuePayout]:
    approved = session.execute(
        select(ApprovalRequest).where(ApprovalRequest.stokvel_id == stokvel.id,
                                      ApprovalRequest.kind == "payout",
                                      ApprovalRequest.status == "approved")
    ).scalars()
    due = []
    for request in approved:
        key = ledger.requested_payout_key(stokvel.id, request.id)
        attempt = _attempt(known.get(key), stokvel.max_collection_retries)
        if attempt is None:
            continue
        payee = session.get(Member, request.requested_by_id)
        rules = constitution.current(session, stokvel.id)
        due.append(DuePayout(stokvel_id=stokvel.id, member_id=payee.id, number=payee.number,
                             kind="payout", amount=Money(request.amount_minor, rules.currency, rules.scale),
                             key=key, reason="request", approval_id=request.id, attempt=attempt))
    return due


def _refunds_due(session: Session, stokvel: Stokvel, known: dict[str, LedgerEntry]) -> list[DuePayout]:
    departed = session.execute(
        select(Membership).where(Membership.stokvel_id == stokvel.id, Membership.status == "left",
                                 Membership.activated_at.is_not(None))
    ).scalars()
    rules = constitution.current(session, stokvel.id)
    due = []
    for membership in departed:
        key = ledger.refund_key(stokvel.id, membership.id)
        entry = known.get(key)
        attempt = _attempt(entry, stokvel.max_collection_retries)
        if attempt is None:
            continue
        owed = entry.amount if entry is not None else ledger.member_share(
            session, stokvel.id, membership.member_id, rules.currency, rules.scale)
        if owed.minor > 0:
            member = session.get(Member, membership.member_id)
            due.append(DuePayout(stokvel_id=stokvel.id, member_id=member.id, number=member.number,
                                 kind="refund", amount=owed, key=key, reason="leaving", attempt=attempt))
    return due
