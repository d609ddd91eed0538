"""Never charge twice, never lose a payment the provider completed: provider down, an answer
lost after the provider acted, a crash between payment and ledger write, two sweeps at once."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import timedelta

import pytest

from stokvel import settlement
from stokvel.services import ledger
from tests.settlement.conftest import CLIENT_TIMEOUT_SECONDS, ROOT, ledger_rows


def settled_once(world) -> bool:
    return (world.balances() == {"Alice": 50_000, "Bongi": 50_000, "pot": 100_000}
            and [r.status for r in ledger_rows("contribution")] == ["completed", "completed"])


def test_provider_down_leaves_payments_pending_then_the_next_sweep_finishes_them(world, stack, two_members,
                                                                                monkeypatch):
    day = two_members
    stack.payments_down()
    try:
        down = settlement.run_sweep(day, notify=False)
    finally:
        stack.payments_up()

    # Nothing reached the provider: no attempt is used up, no member is blamed.
    assert [o.status for o in down.outcomes] == ["pending", "pending"]
    assert world.balances() == {"Alice": 100_000, "Bongi": 100_000, "pot": 0}
    monkeypatch.setattr(settlement, "STALE_AFTER", timedelta(0))
    stack.set_clock(day + timedelta(days=1))

    back = settlement.run_sweep(day + timedelta(days=1), notify=False)

    assert sorted(o.status for o in back.outcomes) == ["collected", "collected"]
    assert settled_once(world)
    assert [r.attempts for r in ledger_rows("contribution")] == [1, 1]


def test_provider_errors_leave_payments_pending_then_the_next_sweep_finishes_them(world, stack, two_members,
                                                                                 monkeypatch):
    day = two_members
    stack.fault("error", "/", count=1000)  # every provider call fails with a 500

    failing = settlement.run_sweep(day, notify=False)

    assert [o.status for o in failing.outcomes] == ["pending", "pending"]
    stack.admin("DELETE", "/faults")
    monkeypatch.setattr(settlement, "STALE_AFTER", timedelta(0))

    back = settlement.run_sweep(day + timedelta(days=1), notify=False)

    assert sorted(o.status for o in back.outcomes) == ["collected", "collected"]
    assert settled_once(world)


def test_an_answer_lost_after_the_provider_paid_is_reconciled_not_paid_again(world, stack, two_members,
                                                                            monkeypatch):
    day = two_members
    # The provider makes the first outgoing payment, then answers too late for the client.
    stack.fault("accept_then_timeout", "/outgoing-payments", count=1, seconds=CLIENT_TIMEOUT_SECONDS + 1.5)
    monkeypatch.setattr(settlement, "WORKERS", 1)  # the first payment is the one that times out

    first = settlement.run_sweep(day, notify=False)

    assert sorted(o.status for o in first.outcomes) == ["collected", "pending"]
    assert world.balances()["pot"] == 100_000  # the provider did take both
    monkeypatch.setattr(settlement, "STALE_AFTER", timedelta(0))

    later = settlement.run_sweep(day + timedelta(days=1), notify=False)

    assert [o.status for o in later.outcomes] == ["collected"]
    assert settled_once(world)


def test_a_crash_between_payment_and_ledger_write_loses_nothing(world, stack, two_members, monkeypatch):
    day = two_members
    real_complete = ledger.complete

    class Crash(BaseException):
        """Stands for the process being killed: nothing after it runs."""

    def crash(*args, **kwargs):
        raise Crash()

    monkeypatch.setattr(ledger, "complete", crash)
    with pytest.raises(Crash):
        settlement.run_sweep(day, notify=False)
    assert [r.status for r in ledger_rows("contribution")] == ["pending", "pending"]
    assert world.balances()["pot"] == 100_000  # the provider has the money; our ledger does not know yet

    monkeypatch.setattr(ledger, "complete", real_complete)
    monkeypatch.setattr(settlement, "STALE_AFTER", timedelta(0))
    settlement.run_sweep(day, notify=False)

    assert settled_once(world)


def test_two_sweeps_at_once_charge_each_member_once(world, stack, two_members):
    day = two_members
    results, errors = [], []

    def sweep():
        try:
            results.append(settlement.run_sweep(day, notify=False))
        except settlement.SweepAlreadyRunning as busy:
            errors.append(busy)

    threads = [threading.Thread(target=sweep) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) + len(errors) == 3 and results
    assert settled_once(world)


def test_two_scheduler_processes_sweeping_the_same_day_charge_each_member_once(world, stack, two_members):
    day = two_members
    command = [sys.executable, "-m", "scheduler", "sweep", "--date", day.isoformat()]
    processes = [subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=120)[0] for p in processes]

    assert sorted(p.returncode for p in processes) in ([0, 0], [0, 3]), "\n".join(outputs)
    assert settled_once(world)
