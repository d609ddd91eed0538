"""What members and admins are told, once; and the bot's ad-hoc contribution."""

from __future__ import annotations

from datetime import timedelta

import pytest

from stokvel import settlement
from stokvel.db import session_scope
from stokvel.errors import NotMember
from stokvel.money import Money
from tests.settlement.conftest import ledger_rows, start_day


def test_reminders_the_day_before_and_payout_notices_to_member_and_admins_go_once(world, stack):
    day = start_day()
    alice, bongi = world.person("Alice", 100_000), world.person("Bongi", 100_000)
    world.create_stokvel(alice, start_date=day, grace_days=0)
    world.join(bongi)
    eve = day - timedelta(days=1)
    stack.set_clock(eve)

    settlement.run_sweep(eve)
    settlement.run_sweep(eve)

    name = f"Savers {world.prefix}"
    for person in (alice, bongi):
        [reminder] = stack.outbox(person.number)
        assert "R500.00" in reminder and name in reminder
    stack.set_clock(day)

    summary = settlement.run_sweep(day)  # collects both, then pays the pot to Alice (grace 0)

    assert [o.member_number for o in summary.paid] == [alice.number]
    alice_messages = stack.outbox(alice.number)[1:]
    assert sum("payout of R1 000.00" in m for m in alice_messages) == 1  # as the receiving member
    assert sum("R1 000.00 was paid out to Alice" in m for m in alice_messages) == 1  # as the admin
    assert world.balances() == {"Alice": 150_000, "Bongi": 50_000, "pot": 0}


def test_an_ad_hoc_contribution_is_quoted_then_paid_once(world, stack):
    day = start_day()
    alice, bongi = world.person("Alice", 100_000), world.person("Bongi", 100_000)
    world.create_stokvel(alice, start_date=day)
    world.join(bongi)
    stack.set_clock(day)  # inside the first period the allowance covers

    with session_scope() as session:
        quote = settlement.quote_contribution(session, bongi.number, world.stokvel_id, "R250")
    assert (quote.amount, quote.debit, quote.fee) == (Money(25_000), Money(25_000), Money(0))
    assert world.balances()["Bongi"] == 100_000  # a quote moves nothing

    first = settlement.confirm_contribution(quote)
    again = settlement.confirm_contribution(settlement.ContributionQuote(**quote.__dict__))

    assert (first.status, again.status) == ("collected", "collected"), first.reason
    assert world.balances() == {"Alice": 100_000, "Bongi": 75_000, "pot": 25_000}
    [row] = ledger_rows("contribution")
    assert (row.member.number, row.status, row.amount_minor, row.period) == (bongi.number, "completed", 25_000,
                                                                             None)


def test_only_an_active_member_can_contribute(world, stack):
    alice, stranger = world.person("Alice", 100_000), world.person("Sipho", 100_000)
    world.create_stokvel(alice, start_date=start_day())
    with session_scope() as session, pytest.raises(NotMember):
        settlement.quote_contribution(session, stranger.number, world.stokvel_id, "R250")
    assert world.balances()["Sipho"] == 100_000
