"""The ledger: idempotent by key, records what the provider confirmed, balances derived."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import func, select

from stokvel.errors import InvalidInput, InvalidState, NotFound
from stokvel.models import LedgerEntry
from stokvel.money import Money
from stokvel.services import ledger, members
from tests.core.conftest import ALICE, BONGI


def count(session):
    return session.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()


def snapshot(session):
    rows = session.execute(select(LedgerEntry).order_by(LedgerEntry.id)).scalars()
    return [(r.idempotency_key, r.status, r.amount_minor, r.attempts, r.outgoing_payment_url,
             r.failure_reason) for r in rows]


def test_contribution_lifecycle_and_balance(session, rotating):
    alice = members.get_by_number(session, ALICE)
    key = ledger.contribution_key(rotating.id, alice.id, date(2026, 1, 31))
    assert key == f"contribution:{rotating.id}:{alice.id}:2026-01-31"
    entry = ledger.begin(session, key, "contribution", stokvel_id=rotating.id, amount=Money(50000),
                         member_id=alice.id, period=date(2026, 1, 31))
    assert entry.status == "pending"
    assert ledger.balance(session, rotating.id) == Money(0)  # nothing confirmed yet
    ledger.record_provider(session, key, incoming_payment_url="https://rs.example/ip/1",
                           quote_url="https://rs.example/q/1")
    ledger.complete(session, key, outgoing_payment_url="https://rs.example/op/1")
    assert (entry.status, entry.outgoing_payment_url) == ("completed", "https://rs.example/op/1")
    assert ledger.balance(session, rotating.id) == Money(50000)
    payout_key = ledger.rotation_payout_key(rotating.id, date(2026, 1, 31))
    ledger.begin(session, payout_key, "payout", stokvel_id=rotating.id, amount=Money(20000), member_id=alice.id)
    assert ledger.available(session, rotating.id) == Money(30000)  # pending out is set aside
    ledger.complete(session, payout_key)
    assert ledger.balance(session, rotating.id) == Money(30000)
    assert ledger.member_share(session, rotating.id, alice.id) == Money(30000)


def test_a_completed_payment_never_fails_and_a_key_is_never_reused(session, rotating):
    alice = members.get_by_number(session, ALICE)
    ledger.begin(session, "k1", "contribution", stokvel_id=rotating.id, amount=Money(100), member_id=alice.id)
    ledger.complete(session, "k1")
    with pytest.raises(InvalidState, match="already confirmed"):
        ledger.fail(session, "k1", "timeout")
    with pytest.raises(InvalidState, match="different payment"):
        ledger.begin(session, "k1", "contribution", stokvel_id=rotating.id, amount=Money(999), member_id=alice.id)
    with pytest.raises(InvalidInput):
        ledger.begin(session, "k2", "contribution", stokvel_id=rotating.id, amount=Money(0))
    with pytest.raises(NotFound):
        ledger.complete(session, "nope")
    assert count(session) == 1


def test_failed_payment_completes_if_the_provider_later_confirms(session, rotating):
    ledger.begin(session, "k", "payout", stokvel_id=rotating.id, amount=Money(100))
    ledger.fail(session, "k", "provider timed out")
    entry = ledger.complete(session, "k", outgoing_payment_url="https://rs.example/op/9")
    assert (entry.status, entry.failure_reason) == ("completed", None)


def test_retry_reopens_a_failed_payment_within_the_limit(session, rotating):
    ledger.begin(session, "k", "contribution", stokvel_id=rotating.id, amount=Money(100))
    ledger.fail(session, "k", "insufficient funds")
    entry = ledger.retry(session, "k", max_attempts=2)
    assert (entry.status, entry.attempts) == ("pending", 2)
    ledger.fail(session, "k", "insufficient funds")
    with pytest.raises(InvalidState, match="maximum"):
        ledger.retry(session, "k", max_attempts=2)


EVENTS = st.lists(st.tuples(st.sampled_from(["begin", "record", "complete", "fail"]),
                            st.integers(min_value=0, max_value=3)), min_size=1, max_size=12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(EVENTS)
def test_applying_the_same_event_twice_changes_nothing(session, rotating, events):
    """Any sequence of provider events, each delivered twice in a row, leaves the ledger
    exactly as after the first delivery; the balance always equals completed in minus out."""
    bongi = members.get_by_number(session, BONGI)

    def deliver(event, n):
        key, kind = f"prop:{n}", ("contribution" if n % 2 == 0 else "payout")
        try:
            if event == "begin":
                ledger.begin(session, key, kind, stokvel_id=rotating.id, amount=Money(100 * (n + 1)),
                             member_id=bongi.id)
            elif event == "record":
                ledger.record_provider(session, key, outgoing_payment_url=f"https://rs.example/op/{n}")
            elif event == "complete":
                ledger.complete(session, key)
            else:
                ledger.fail(session, key, "refused")
        except (NotFound, InvalidState) as refused:
            return type(refused)
        return "ok"

    nested = session.begin_nested()
    try:
        for event, n in events:
            before = snapshot(session)
            first_outcome = deliver(event, n)
            after_first = snapshot(session)
            if first_outcome != "ok":
                assert after_first == before  # a refused event changes nothing
            assert deliver(event, n) == first_outcome
            assert snapshot(session) == after_first
        rows = session.execute(select(LedgerEntry)).scalars().all()
        expected = sum(r.signed_minor for r in rows if r.status == "completed")
        assert ledger.balance(session, rotating.id) == Money(expected)
    finally:
        nested.rollback()


def test_concurrent_begin_of_the_same_key_yields_one_row(db_url, session, rotating, monkeypatch):
    """Another process inserts the same payment between our look-up and our insert: we get
    its row, not an error and not a second row."""
    from sqlalchemy.orm import Session

    from stokvel.db import make_engine

    first = ledger.begin(session, "race", "contribution", stokvel_id=rotating.id, amount=Money(100))
    session.commit()
    real_get, calls = ledger.get, []

    def get_missing_the_other_insert(s, key):
        calls.append(key)
        return None if len(calls) == 1 else real_get(s, key)

    monkeypatch.setattr(ledger, "get", get_missing_the_other_insert)
    with Session(make_engine(db_url), future=True) as other:
        second = ledger.begin(other, "race", "contribution", stokvel_id=rotating.id, amount=Money(100))
        other.commit()
        assert second.id == first.id and len(calls) == 2
        assert count(other) == 1
