"""Collecting contributions: once per member and period, recorded as the provider confirmed."""

from __future__ import annotations

from stokvel import settlement
from tests.settlement.conftest import ledger_rows, start_day


def test_a_sweep_collects_each_member_once_even_when_run_twice(world, stack):
    day = start_day()
    alice, bongi, caro = (world.person(n, 100_000) for n in ("Alice", "Bongi", "Caro"))
    world.create_stokvel(alice, start_date=day)
    world.join(bongi)
    world.join(caro)
    stack.set_clock(day)

    first = settlement.run_sweep(day, notify=False)
    second = settlement.run_sweep(day, notify=False)

    assert [(o.member_number, o.status, o.amount_minor) for o in first.collected] == [
        (alice.number, "collected", 50_000), (bongi.number, "collected", 50_000),
        (caro.number, "collected", 50_000)]
    assert second.collected == [] and second.failures == []
    assert world.balances() == {"Alice": 50_000, "Bongi": 50_000, "Caro": 50_000, "pot": 150_000}
    rows = ledger_rows("contribution")
    assert [(r.status, r.period, r.amount_minor) for r in rows] == [("completed", day, 50_000)] * 3
    assert all(r.outgoing_payment_url and r.incoming_payment_url for r in rows)
