"""What the bot and the forms show, derived from the ledger and the constitution."""

from datetime import date

import pytest

from stokvel.errors import NotAdmin, NotFound
from stokvel.money import Money
from stokvel.services import applications, ledger, queries, schedules, stokvels
from tests.core.conftest import ALICE, BONGI, CARO, DUMI, rules
from tests.core.test_schedules import complete_contributions


def test_my_stokvels(session, rotating):
    stokvels.create(session, BONGI, rules(name="Bongi's Club"))
    mine = queries.my_stokvels(session, "0831234567")
    assert [(s.name, s.role, s.status) for s in mine] == [
        ("Bongi's Club", "admin", "awaiting_grant"), ("Mamelodi Savers", "member", "active")]
    assert queries.my_stokvels(session, DUMI) == []


def test_summary_statement_and_schedule_follow_the_ledger(session, rotating):
    complete_contributions(session, schedules.due_contributions(session, date(2026, 1, 31)))
    summary = queries.summary(session, rotating.id, today=date(2026, 2, 1))
    assert (summary.pot, summary.member_count, summary.max_members) == (Money(150000), 3, 4)
    assert (summary.next_collection, summary.next_payout, summary.next_recipient) == (
        date(2026, 2, 28), date(2026, 2, 3), "Alice Test")
    schedule = queries.payout_schedule(session, rotating.id, today=date(2026, 2, 1), count=4)
    assert [(p.when, p.number) for p in schedule] == [
        (date(2026, 2, 3), ALICE), (date(2026, 3, 3), BONGI), (date(2026, 4, 3), CARO), (date(2026, 5, 3), ALICE)]
    [payout] = schedules.due_payouts(session, date(2026, 2, 3))
    ledger.begin(session, payout.key, "payout", stokvel_id=rotating.id, amount=payout.amount,
                 member_id=payout.member_id, period=payout.period)
    ledger.complete(session, payout.key)
    statement = queries.statement(session, rotating.id, ALICE)
    assert (statement.contributed, statement.received, statement.share) == (
        Money(50000), Money(150000), Money(-100000))
    assert [line.kind for line in statement.lines] == ["contribution", "payout"]
    assert queries.summary(session, rotating.id, today=date(2026, 2, 4)).next_recipient == "Bongi Test"


def test_overdue_rotation_payout_shows_as_due_today(session, rotating):
    complete_contributions(session, schedules.due_contributions(session, date(2026, 1, 31)))
    schedule = queries.payout_schedule(session, rotating.id, today=date(2026, 2, 10), count=2)
    assert [(p.when, p.number) for p in schedule] == [(date(2026, 2, 10), ALICE), (date(2026, 3, 3), BONGI)]


def test_constitution_and_interest_views(session, rotating):
    [version] = queries.constitution(session, rotating.id)
    text = queries.describe_constitution(version)
    assert "Contribution: R500.00 monthly" in text and "Late-payment penalty: R50.00 after 3 grace day(s)" in text
    view = queries.interest(session, rotating.id, BONGI)
    assert (view.stokvel_total, view.mine, view.earnings) == (Money(0), Money(0), [])


def test_pending_applications_are_for_admins(session, rotating):
    applications.apply(session, DUMI, stokvel_id=rotating.id)
    [pending] = queries.pending_applications(session, rotating.id, ALICE)
    assert (pending.name, pending.number, pending.via) == ("Dumi Test", DUMI, "listing")
    with pytest.raises(NotAdmin):
        queries.pending_applications(session, rotating.id, BONGI)
    with pytest.raises(NotFound):
        queries.summary(session, 999)


def test_my_contributions_lists_only_contributions(session, rotating):
    complete_contributions(session, schedules.due_contributions(session, date(2026, 2, 28)))
    lines = queries.my_contributions(session, rotating.id, BONGI)
    assert [(line.period, line.amount, line.status) for line in lines] == [
        (date(2026, 1, 31), Money(50000), "completed"), (date(2026, 2, 28), Money(50000), "completed")]
