"""Interest: recorded when the provider reports it or an admin enters it, then allocated
to members pro rata to their money and the time it was held, in whole minor units, with
no cent lost or created (largest-remainder rounding)."""

from __future__ import annotations

from datetime import date
from typing import Hashable, Mapping, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from stokvel.errors import InvalidInput, InvalidState
from stokvel.models import InterestEarning, LedgerEntry
from stokvel.money import Money, parse_money
from stokvel.services import constitution, ledger, roles

K = TypeVar("K", bound=Hashable)


def allocate(total_minor: int, weights: Mapping[K, int]) -> dict[K, int]:
    """Split `total_minor` in proportion to the (non-negative, integer) weights; the shares
    sum exactly to the total. Leftover units go to the largest remainders (ties: key order)."""
    if total_minor < 0:
        raise ValueError("cannot allocate a negative amount")
    positive = {k: w for k, w in weights.items() if w > 0}
    weight_sum = sum(positive.values())
    if weight_sum == 0:
        raise ValueError("nothing to allocate to")
    shares = {k: total_minor * w // weight_sum for k, w in positive.items()}
    remainders = sorted(positive, key=lambda k: (-(total_minor * positive[k] % weight_sum), str(k)))
    for k in remainders[: total_minor - sum(shares.values())]:
        shares[k] += 1
    return shares


def holding_weights(session: Session, stokvel_id: int, period_start: date, period_end: date) -> dict[int, int]:
    """Each member's money held × days over [period_start, period_end): the integral of their
    own share of the pot (contributions and interest, less payouts and refunds)."""
    rows = session.execute(
        select(LedgerEntry).where(LedgerEntry.stokvel_id == stokvel_id, LedgerEntry.status == "completed",
                                  LedgerEntry.member_id.is_not(None),
                                  LedgerEntry.kind.in_(ledger.MEMBER_SHARE_KINDS))
    ).scalars()
    weights: dict[int, int] = {}
    for entry in rows:
        held_from = max(entry.completed_at.date(), period_start)
        days = (period_end - held_from).days
        if days > 0:
            weights[entry.member_id] = weights.get(entry.member_id, 0) + entry.signed_minor * days
    return {member_id: w for member_id, w in weights.items() if w > 0}


def record(session: Session, stokvel_id: int, amount: Money | str, period_start: date, period_end: date, *,
           source: str, by_number: str | None = None, provider_reference: str | None = None) -> InterestEarning:
    """Record interest earned and allocate it to members as completed ledger rows (the money
    is already in the wallet). Idempotent: the same report twice records it once."""
    if source == "admin":
        if not by_number:
            raise InvalidInput("Interest entered by hand needs the admin who entered it.")
        recorder, _ = roles.require_admin(session, stokvel_id, by_number)
    elif source == "provider":
        recorder = None
    else:
        raise InvalidInput("Interest comes from the provider or from an admin.")
    rules = constitution.current(session, stokvel_id, period_end)
    money = amount if isinstance(amount, Money) else parse_money(amount, rules.currency, rules.scale)
    if money.minor <= 0:
        raise InvalidInput("Interest must be more than zero.")
    if period_end <= period_start:
        raise InvalidInput("The interest period must end after it starts.")
    key = (f"interest:{stokvel_id}:provider:{provider_reference}" if provider_reference
           else f"interest:{stokvel_id}:{period_start.isoformat()}:{period_end.isoformat()}")
    existing = session.execute(
        select(InterestEarning).where(InterestEarning.idempotency_key == key)).scalar_one_or_none()
    if existing is not None:
        return existing
    weights = holding_weights(session, stokvel_id, period_start, period_end)
    if not weights:
        raise InvalidState("No member had money in the stokvel during that period, so the interest "
                           "cannot be shared out.")
    earning = InterestEarning(stokvel_id=stokvel_id, amount_minor=money.minor, currency=money.currency,
                              scale=money.scale, period_start=period_start, period_end=period_end,
                              source=source, recorded_by_id=recorder.id if recorder else None,
                              provider_reference=provider_reference, idempotency_key=key)
    session.add(earning)
    session.flush()
    for member_id, share in allocate(money.minor, weights).items():
        if share > 0:
            ledger.begin(session, ledger.interest_key(earning.id, member_id), "interest", stokvel_id=stokvel_id,
                         amount=Money(share, money.currency, money.scale), member_id=member_id,
                         interest_earning_id=earning.id, status="completed")
    return earning


def earnings(session: Session, stokvel_id: int) -> list[InterestEarning]:
    return list(session.execute(
        select(InterestEarning).where(InterestEarning.stokvel_id == stokvel_id)
        .order_by(InterestEarning.period_end)
    ).scalars())
