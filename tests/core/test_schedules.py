"""Schedules: periods from the original anchor, catch-up, rotation and due payouts."""

import calendar
from datetime import date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given, strategies as st

from stokvel.models import Constitution
from stokvel.money import Money
from stokvel.errors import InvalidInput, NotAdmin
from stokvel.services import ledger, rotation, schedules, stokvels
from tests.core.conftest import ALICE, BONGI, CARO, DUMI, activate, join, rules

dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))


def version(anchor, frequency="monthly", effective=None, number=1, end=None):
    return Constitution(version=number, start_date=anchor, effective_from=effective or anchor,
                        contribution_frequency=frequency, end_date=end, kind="rotating",
                        contribution_minor=100, currency="ZAR", scale=2, grace_days=0)


def test_month_ends_follow_the_original_anchor():
    got = schedules.series(date(2024, 1, 31), "monthly", date(2024, 1, 1), date(2024, 5, 31))
    assert got == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30),
                   date(2024, 5, 31)]
    assert schedules.series(date(2026, 1, 31), "monthly", date(2026, 2, 1), date(2026, 3, 31)) == [
        date(2026, 2, 28), date(2026, 3, 31)]


@given(dates, st.integers(min_value=0, max_value=400), st.integers(min_value=1, max_value=800))
def test_monthly_periods_one_per_month_never_skipped_or_doubled(anchor, offset, length):
    start = anchor + timedelta(days=offset)
    end = start + timedelta(days=length)
    got = schedules.series(anchor, "monthly", start, end)
    months = [(d.year, d.month) for d in got]
    assert len(set(months)) == len(months)  # never doubled
    for d in got:  # on the anchor's day, or the month's last day when it is shorter
        assert d.day == min(anchor.day, calendar.monthrange(d.year, d.month)[1])
        assert start <= d <= end
    for a, b in zip(months, months[1:]):  # never skipped
        assert (b[0] * 12 + b[1]) - (a[0] * 12 + a[1]) == 1
    # Nothing in range is missed at either end.
    if got:
        assert got[0] - timedelta(days=31) < start or got[0] == anchor
    else:
        assert (end - max(start, anchor)).days < 31


@given(dates, st.sampled_from(["weekly", "fortnightly"]), st.integers(0, 300), st.integers(1, 400))
def test_weekly_periods_are_exact_steps(anchor, frequency, offset, length):
    step = 7 if frequency == "weekly" else 14
    start, end = anchor + timedelta(days=offset), anchor + timedelta(days=offset + length)
    got = schedules.series(anchor, frequency, start, end)
    assert all((d - anchor).days % step == 0 and start <= d <= end for d in got)
    assert all((b - a).days == step for a, b in zip(got, got[1:]))
    assert len(got) in (length // step, length // step + 1)


@given(dates, st.sampled_from(["weekly", "fortnightly", "monthly"]), st.integers(0, 500), st.integers(0, 500))
def test_catching_up_in_pieces_equals_one_run(anchor, frequency, first, second):
    """However the days between sweeps are split, every period is seen exactly once."""
    split = anchor + timedelta(days=first)
    end = split + timedelta(days=second)
    whole = schedules.series(anchor, frequency, anchor, end)
    pieces = schedules.series(anchor, frequency, anchor, split) + \
        schedules.series(anchor, frequency, split + timedelta(days=1), end)
    assert pieces == whole


@given(dates, st.sampled_from(["weekly", "fortnightly", "monthly"]),
       st.sampled_from(["weekly", "fortnightly", "monthly"]), st.integers(0, 400), st.integers(1, 400))
def test_a_new_version_neither_skips_nor_doubles_a_period(anchor, old, new, change_after, horizon):
    v1 = version(anchor, old)
    today = anchor + timedelta(days=change_after)
    effective = schedules.next_period_after(v1, today)
    v2 = version(effective if new != old else anchor, new, effective, 2)
    end = effective + timedelta(days=horizon)
    got = [d for d, _ in schedules.contribution_periods([v1, v2], anchor, end)]
    assert got == sorted(set(got))
    before = [d for d in got if d < effective]
    assert before == schedules.series(anchor, old, anchor, effective - timedelta(days=1))
    assert effective in got  # the new rules start exactly at the next period
    assert [d for d in got if d >= effective] == schedules.series(v2.start_date, new, effective, end)


def test_end_date_stops_the_schedule():
    v = version(date(2026, 1, 15), end=date(2026, 3, 20))
    assert [d for d, _ in schedules.contribution_periods([v], date(2026, 1, 1), date(2026, 12, 31))] == [
        date(2026, 1, 15), date(2026, 2, 15), date(2026, 3, 15)]


def test_savings_payout_dates_include_the_end():
    v = version(date(2026, 1, 31), end=date(2026, 12, 31))
    v.payout_frequency = "quarterly"
    assert schedules.savings_payout_dates(v, date(2026, 1, 1), date(2027, 6, 1)) == [
        date(2026, 4, 30), date(2026, 7, 31), date(2026, 10, 31), date(2026, 12, 31)]


# --- due contributions and payouts on a real database ---------------------------------------

def complete_contributions(session, due):
    """Collect each contribution successfully, as the sweep would on its due date."""
    for item in due:
        ledger.begin(session, item.key, "contribution", stokvel_id=item.stokvel_id, amount=item.amount,
                     member_id=item.member_id, period=item.period)
        entry = ledger.complete(session, item.key, outgoing_payment_url=f"https://rs.example/op/{item.key}")
        entry.completed_at = datetime.combine(item.period, time(6), tzinfo=timezone.utc)
    session.flush()


def test_due_contributions_catch_up_missed_days(session, rotating):
    due = schedules.due_contributions(session, date(2026, 3, 31))
    assert sorted((d.number, d.period) for d in due) == sorted(
        (n, p) for n in (ALICE, BONGI, CARO) for p in (date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)))
    assert all(d.amount == Money(50000) for d in due)
    late = {(d.number, d.period): (d.late, d.penalty) for d in due}
    assert late[(ALICE, date(2026, 2, 28))] == (True, Money(5000))  # past 3 grace days
    assert late[(ALICE, date(2026, 3, 31))] == (False, None)
    complete_contributions(session, due)
    assert schedules.due_contributions(session, date(2026, 3, 31)) == []


def test_members_owe_only_from_when_they_became_active(session, rotating):
    join(session, rotating.id, DUMI, today=date(2026, 2, 10))
    due = [d for d in schedules.due_contributions(session, date(2026, 3, 31)) if d.number == DUMI]
    assert [d.period for d in due] == [date(2026, 2, 28), date(2026, 3, 31)]


def test_failed_collections_are_retried_up_to_the_limit(session, rotating):
    rotating.max_collection_retries = 1
    [item] = [d for d in schedules.due_contributions(session, date(2026, 1, 31)) if d.number == BONGI]
    ledger.begin(session, item.key, "contribution", stokvel_id=rotating.id, amount=item.amount,
                 member_id=item.member_id, period=item.period)
    ledger.fail(session, item.key, "insufficient funds")
    [retry] = [d for d in schedules.due_contributions(session, date(2026, 2, 1)) if d.number == BONGI]
    assert (retry.key, retry.attempt) == (item.key, 2)
    ledger.retry(session, item.key, max_attempts=2)
    ledger.fail(session, item.key, "insufficient funds")
    assert [d for d in schedules.due_contributions(session, date(2026, 2, 1)) if d.number == BONGI] == []


def test_rotation_pays_the_whole_pot_to_each_member_in_turn(session, rotating):
    assert schedules.due_payouts(session, date(2026, 1, 31)) == []  # nothing collected yet
    complete_contributions(session, schedules.due_contributions(session, date(2026, 1, 31)))
    assert schedules.due_payouts(session, date(2026, 2, 2)) == []  # within grace days
    [payout] = schedules.due_payouts(session, date(2026, 2, 3))
    assert (payout.number, payout.amount, payout.period, payout.reason) == (
        ALICE, Money(150000), date(2026, 1, 31), "rotation")
    ledger.begin(session, payout.key, "payout", stokvel_id=rotating.id, amount=payout.amount,
                 member_id=payout.member_id, period=payout.period)
    assert schedules.due_payouts(session, date(2026, 2, 3)) == []  # under way: never twice
    ledger.complete(session, payout.key)
    assert ledger.balance(session, rotating.id) == Money(0)
    complete_contributions(session, schedules.due_contributions(session, date(2026, 2, 28)))
    [second] = schedules.due_payouts(session, date(2026, 3, 5))
    assert (second.number, second.period) == (BONGI, date(2026, 2, 28))


def test_random_draw_is_fixed_once_at_the_start(session, people):
    stokvel = stokvels.create(session, ALICE, rules(name="Draw", payout_order="random_draw"))
    activate(session, stokvel.memberships[0], date(2026, 1, 1))
    for number in (BONGI, CARO):
        join(session, stokvel.id, number, today=date(2026, 1, 5))
    assert all(m.payout_position is None for m in rotation.active_memberships(session, stokvel.id))
    schedules.due_payouts(session, date(2026, 1, 31))
    drawn = {m.member_id: m.payout_position for m in rotation.active_memberships(session, stokvel.id)}
    assert sorted(drawn.values()) == [1, 2, 3]
    schedules.due_payouts(session, date(2026, 2, 1))
    assert drawn == {m.member_id: m.payout_position for m in rotation.active_memberships(session, stokvel.id)}


def test_admin_sets_payout_order(session, people):
    stokvel = stokvels.create(session, ALICE, rules(name="Ordered", payout_order="admin_set"))
    activate(session, stokvel.memberships[0], date(2026, 1, 1))
    for number in (BONGI, CARO):
        join(session, stokvel.id, number)
    rotation.set_order(session, stokvel.id, ALICE, [CARO, ALICE, BONGI])
    assert [m.member.number for m in rotation.upcoming_recipients(session, stokvel.id, 4)] == [
        CARO, ALICE, BONGI, CARO]
    with pytest.raises(NotAdmin):
        rotation.set_order(session, stokvel.id, BONGI, [BONGI, ALICE, CARO])
    with pytest.raises(InvalidInput, match="every active member exactly once"):
        rotation.set_order(session, stokvel.id, ALICE, [CARO, CARO, BONGI])


def test_savings_pays_each_member_their_own_share(session, people):
    stokvel = stokvels.create(session, ALICE, rules(name="Savers", kind="savings", payout_frequency="monthly",
                                                    contribution_frequency="weekly",
                                                    start_date=date(2026, 1, 1)))
    activate(session, stokvel.memberships[0], date(2025, 12, 20))
    join(session, stokvel.id, BONGI, today=date(2025, 12, 20))
    due = schedules.due_contributions(session, date(2026, 1, 31))
    complete_contributions(session, [d for d in due if d.number == ALICE])  # 5 weeks
    complete_contributions(session, [d for d in due if d.number == BONGI][:2])
    payouts = {p.number: p.amount for p in schedules.due_payouts(session, date(2026, 2, 1))}
    assert payouts == {ALICE: Money(250000), BONGI: Money(100000)}
    assert schedules.due_payouts(session, date(2026, 1, 31)) == []  # first payout date is 1 Feb


def test_a_payout_that_keeps_failing_rolls_over_to_the_same_member(session, rotating):
    rotating.max_collection_retries = 0
    complete_contributions(session, schedules.due_contributions(session, date(2026, 1, 31)))
    [payout] = schedules.due_payouts(session, date(2026, 2, 3))
    ledger.begin(session, payout.key, "payout", stokvel_id=rotating.id, amount=payout.amount,
                 member_id=payout.member_id, period=payout.period)
    ledger.fail(session, payout.key, "wallet not found")
    assert schedules.due_payouts(session, date(2026, 2, 4)) == []  # no retries allowed: given up
    complete_contributions(session, schedules.due_contributions(session, date(2026, 2, 28)))
    [next_turn] = schedules.due_payouts(session, date(2026, 3, 3))
    assert (next_turn.number, next_turn.period, next_turn.amount) == (ALICE, date(2026, 2, 28), Money(300000))


def test_savings_payout_counts_only_money_saved_by_the_payout_date(session, people):
    stokvel = stokvels.create(session, ALICE, rules(name="Savers", kind="savings", payout_frequency="monthly",
                                                    contribution_frequency="weekly",
                                                    start_date=date(2026, 1, 1)))
    activate(session, stokvel.memberships[0], date(2026, 1, 1))
    first_month = schedules.due_contributions(session, date(2026, 1, 31))
    complete_contributions(session, first_month)  # 5 weeks in January
    late_joiner = join(session, stokvel.id, BONGI, today=date(2026, 2, 3))
    complete_contributions(session, [d for d in schedules.due_contributions(session, date(2026, 2, 5))
                                     if d.member_id == late_joiner.member_id])
    payouts = {p.number: p.amount for p in schedules.due_payouts(session, date(2026, 2, 6))}
    assert payouts == {ALICE: Money(250000)}  # Bongi's first week waits for 1 March


def test_catching_up_two_turns_pays_each_period_its_own_pot(session, rotating):
    complete_contributions(session, schedules.due_contributions(session, date(2026, 2, 28)))  # Jan + Feb
    [first] = schedules.due_payouts(session, date(2026, 3, 5))
    assert (first.number, first.period, first.amount) == (ALICE, date(2026, 1, 31), Money(150000))
    ledger.begin(session, first.key, "payout", stokvel_id=rotating.id, amount=first.amount,
                 member_id=first.member_id, period=first.period)
    ledger.complete(session, first.key)
    [second] = schedules.due_payouts(session, date(2026, 3, 5))
    assert (second.number, second.period, second.amount) == (BONGI, date(2026, 2, 28), Money(150000))
