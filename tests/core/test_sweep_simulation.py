"""A property over months of sweeps: whatever days the sweep runs on and whichever payments
the provider refuses, the ledger's balance equals the wallet, no member pays a period twice,
and once payments succeed every period is collected (none skipped)."""

import itertools
import shutil
from datetime import date, datetime, time, timedelta, timezone

from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy.orm import Session

from stokvel.db import make_engine

from stokvel.services import ledger, rotation, schedules, stokvels
from tests.core.conftest import ALICE, BONGI, CARO, activate, join, register, rules


RETRIES = 10


def pay(session, day, item, kind, amount, key, member_id, period, succeeds):
    """One payment as the settlement would make it; the provider's answer is `succeeds`
    (always yes on the last allowed attempt, so nothing is given up)."""
    entry = ledger.begin(session, key, kind, stokvel_id=item.stokvel_id, amount=amount, member_id=member_id,
                         period=period)
    if entry.status == "failed":
        entry = ledger.retry(session, key, max_attempts=RETRIES + 1)
    if entry.status != "pending":
        return 0
    if succeeds or entry.attempts == RETRIES + 1:
        entry = ledger.complete(session, key, outgoing_payment_url=f"https://rs.example/op/{key}")
        entry.completed_at = datetime.combine(day, time(6), tzinfo=timezone.utc)
        return amount.minor
    ledger.fail(session, key, "refused by the provider")
    return 0


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                HealthCheck.too_slow])
@given(kind=st.sampled_from(["rotating", "savings"]),
       frequency=st.sampled_from(["weekly", "fortnightly", "monthly"]),
       start=st.dates(min_value=date(2027, 1, 1), max_value=date(2028, 12, 31)),
       gaps=st.lists(st.integers(min_value=1, max_value=20), min_size=3, max_size=8),
       outcomes=st.lists(st.booleans(), min_size=1, max_size=50))
def test_sweeps_keep_ledger_and_wallet_equal(migrated_template, tmp_path, kind, frequency, start, gaps, outcomes):
    path = tmp_path / "simulation.db"
    shutil.copy(migrated_template, path)  # a fresh database for every example
    engine = make_engine(f"sqlite:///{path}")
    with Session(engine, future=True) as session:
        for number, name in ((ALICE, "Alice"), (BONGI, "Bongi"), (CARO, "Caro")):
            register(session, number, name)
        stokvel = stokvels.create(session, ALICE, rules(
            name=f"Sim {kind} {frequency} {start}", kind=kind, contribution_frequency=frequency,
            start_date=start, payout_frequency="monthly", grace_days=2, max_collection_retries=RETRIES))
        activate(session, stokvel.memberships[0], start)
        for number in (BONGI, CARO):
            join(session, stokvel.id, number, today=start)
        wallet, draws = 0, itertools.cycle(outcomes)
        sweep_days = [start + timedelta(days=sum(gaps[:i + 1])) for i in range(len(gaps))]
        final = sweep_days[-1]
        for day in sweep_days + [final + timedelta(days=1)]:
            always = day > final  # the last sweep: the provider accepts everything
            for item in schedules.due_contributions(session, day):
                if item.stokvel_id != stokvel.id:
                    continue
                wallet += pay(session, day, item, "contribution", item.amount, item.key, item.member_id, item.period,
                              always or next(draws))
                if item.penalty:
                    wallet += pay(session, day, item, "penalty", item.penalty, item.penalty_key, item.member_id,
                                  item.period, always or next(draws))
            for item in schedules.due_payouts(session, day):
                if item.stokvel_id != stokvel.id:
                    continue
                wallet -= pay(session, day, item, item.kind, item.amount, item.key, item.member_id, item.period,
                              always or next(draws))
            assert ledger.balance(session, stokvel.id).minor == wallet
            assert wallet >= 0
        # Every period up to the last sweep is collected exactly once from every member.
        last = final + timedelta(days=1)
        for _ in range(100):  # rotation pays one turn per run: settle the backlog
            due = [item for item in schedules.due_payouts(session, last) if item.stokvel_id == stokvel.id]
            if not due:
                break
            for item in due:
                wallet -= pay(session, last, item, item.kind, item.amount, item.key, item.member_id,
                              item.period, True)
        assert ledger.balance(session, stokvel.id).minor == wallet
        known = {e.idempotency_key: e for e in ledger.entries(session, stokvel.id)}
        assert schedules.outstanding_rotation_payouts(session, stokvel, last, known) == [] or kind == "savings"
        payout_dates = schedules.savings_payout_dates(stokvel.constitutions[0], start, last)
        if kind == "savings" and payout_dates:
            for membership in rotation.active_memberships(session, stokvel.id):
                assert ledger.member_share(session, stokvel.id, membership.member_id,
                                           as_of=payout_dates[-1]).minor == 0
        periods = [p for p, _ in schedules.contribution_periods(stokvel.constitutions, start, last)]
        for membership in rotation.active_memberships(session, stokvel.id):
            paid = sorted(e.period for e in ledger.entries(session, stokvel.id, membership.member_id)
                          if e.kind == "contribution" and e.status == "completed")
            assert paid == periods
    engine.dispose()
