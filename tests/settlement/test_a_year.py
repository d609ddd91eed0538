"""A year of daily sweeps for a rotating and a savings stokvel side by side, ending on
exact balances (one year run settles both, as production does)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from stokvel import settlement
from stokvel.db import session_scope
from stokvel.money import Money
from stokvel.services import interest
from tests.settlement.conftest import World, ledger_rows, start_day

START_BALANCE = 1_000_000  # R10 000 each


def test_a_year_of_daily_sweeps_ends_on_exact_balances(world, stack):
    day = start_day()
    rotating, savings = world, World(stack)
    for club, rules in ((rotating, dict(contribution="R500", grace_days=2)),
                        (savings, dict(kind="savings", contribution="R300", payout_frequency="quarterly"))):
        admin, *others = (club.person(n, START_BALANCE) for n in ("Alice", "Bongi", "Caro"))
        club.create_stokvel(admin, start_date=day, **rules)
        for person in others:
            club.join(person)
    interest_day = day + timedelta(days=70)

    for offset in range(365):
        today = day + timedelta(days=offset)
        stack.set_clock(today)
        if today == interest_day:  # R10.00 interest lands in the savings pot; the provider reports it
            stack.set_balance(savings.stokvel_wallet, stack.balance(savings.stokvel_wallet) + 1_000)
            with session_scope() as session:
                interest.record(session, savings.stokvel_id, Money(1_000), day, interest_day,
                                source="provider", provider_reference=f"{savings.prefix}-q1")
        summary = settlement.run_sweep(today, notify=False)
        assert summary.failures == [], summary.failures

    def rows(kind, club):
        return [r for r in ledger_rows(kind) if r.stokvel_id == club.stokvel_id]

    # Rotating: 12 monthly periods, each pot paid out after the grace days in join order.
    assert [r.status for r in rows("contribution", rotating)] == ["completed"] * 36
    payouts = rows("payout", rotating)
    assert [(r.member.name, r.amount_minor, r.status) for r in payouts] == [
        (name, 150_000, "completed") for name in ("Alice", "Bongi", "Caro")] * 4
    assert rotating.balances() == {"Alice": START_BALANCE, "Bongi": START_BALANCE, "Caro": START_BALANCE,
                                   "pot": 0}

    # Savings: payouts after 3, 6 and 9 months return each member's own money (10
    # contributions by then, and their interest share); the 2 contributions since stay.
    assert [r.status for r in rows("contribution", savings)] == ["completed"] * 36
    payouts = rows("payout", savings)
    assert len(payouts) == 9 and {r.status for r in payouts} == {"completed"}
    paid = Counter()
    for row in payouts:
        paid[row.member.name] += row.amount_minor
    shares = sorted(paid[name] - 10 * 30_000 for name in ("Alice", "Bongi", "Caro"))
    assert shares == [333, 333, 334]  # R10.00 shared out with no cent lost or made
    assert savings.balances() == {name: START_BALANCE - 12 * 30_000 + paid[name] for name in paid} | {
        "pot": 3 * 2 * 30_000}
