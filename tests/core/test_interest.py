"""Interest: largest-remainder allocation, time-weighted, recorded once."""

from datetime import date, datetime, timezone

import pytest
from hypothesis import given, strategies as st

from stokvel.errors import InvalidState, NotAdmin
from stokvel.money import Money
from stokvel.services import interest, ledger, members
from tests.core.conftest import ALICE, BONGI, CARO


@given(st.integers(min_value=0, max_value=10**9),
       st.dictionaries(st.integers(0, 50), st.integers(0, 10**12), min_size=1, max_size=30)
       .filter(lambda w: any(v > 0 for v in w.values())))
def test_allocation_sums_exactly_and_is_proportional(total, weights):
    shares = interest.allocate(total, weights)
    assert sum(shares.values()) == total
    weight_sum = sum(weights.values())
    for member, share in shares.items():
        exact = total * weights[member] / weight_sum
        assert abs(share - exact) < 1  # each within one cent of its exact share
        assert share >= 0
    assert all(weights[m] > 0 for m in shares)  # nobody without money gets interest


def test_allocation_example():
    assert interest.allocate(100, {"a": 1, "b": 1, "c": 1}) == {"a": 34, "b": 33, "c": 33}
    assert interest.allocate(1000, {"a": 3, "b": 1}) == {"a": 750, "b": 250}
    with pytest.raises(ValueError):
        interest.allocate(10, {"a": 0})


def pay_in(session, stokvel_id, number, amount, on):
    member = members.get_by_number(session, number)
    key = f"test:{number}:{on}"
    ledger.begin(session, key, "contribution", stokvel_id=stokvel_id, amount=Money(amount), member_id=member.id)
    entry = ledger.complete(session, key)
    entry.completed_at = datetime.combine(on, datetime.min.time(), tzinfo=timezone.utc)
    session.flush()
    return member


def test_interest_is_shared_by_money_and_time_held(session, rotating):
    alice = pay_in(session, rotating.id, ALICE, 100000, date(2026, 1, 1))   # held 30 days
    bongi = pay_in(session, rotating.id, BONGI, 100000, date(2026, 1, 16))  # held 15 days
    earning = interest.record(session, rotating.id, Money(900), date(2026, 1, 1), date(2026, 1, 31),
                              source="provider", provider_reference="int-1")
    assert ledger.total(session, rotating.id, "interest", alice.id) == Money(600)
    assert ledger.total(session, rotating.id, "interest", bongi.id) == Money(300)
    assert ledger.balance(session, rotating.id) == Money(200900)  # wallet holds the interest too
    # The same report again records nothing more.
    again = interest.record(session, rotating.id, Money(900), date(2026, 1, 1), date(2026, 1, 31),
                            source="provider", provider_reference="int-1")
    assert again.id == earning.id
    assert ledger.total(session, rotating.id, "interest") == Money(900)


def test_only_admins_enter_interest_and_there_must_be_someone_to_share_with(session, rotating):
    with pytest.raises(NotAdmin):
        interest.record(session, rotating.id, "R10", date(2026, 1, 1), date(2026, 2, 1), source="admin",
                        by_number=BONGI)
    with pytest.raises(InvalidState, match="cannot be shared"):
        interest.record(session, rotating.id, "R10", date(2026, 1, 1), date(2026, 2, 1), source="admin",
                        by_number=ALICE)
    pay_in(session, rotating.id, CARO, 5000, date(2026, 1, 10))
    interest.record(session, rotating.id, "R10", date(2026, 1, 1), date(2026, 2, 1), source="admin",
                    by_number=ALICE)
    assert ledger.total(session, rotating.id, "interest") == Money(1000)
