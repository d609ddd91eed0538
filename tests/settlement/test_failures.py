"""Collections that fail: why the member is told, retries on later days up to the
constitution's limit, the late-payment penalty once, and expired or revoked grants."""

from __future__ import annotations

from datetime import date, timedelta

from stokvel import settlement
from stokvel.db import session_scope
from stokvel.models import PaymentGrant
from stokvel.payments import AccessToken, platform_client
from stokvel.services import ledger
from tests.settlement.conftest import TOKEN_TTL_DAYS, ledger_rows, start_day


def contribution_of(person_number: str):
    return [r for r in ledger_rows("contribution") if r.member.number == person_number]


def test_insufficient_funds_is_explained_retried_next_day_and_not_charged_twice(world, stack):
    day = start_day()
    alice, bongi = world.person("Alice", 100_000), world.person("Bongi", 0)
    world.create_stokvel(alice, start_date=day)
    world.join(bongi)
    stack.set_clock(day)

    first = settlement.run_sweep(day)
    again_same_day = settlement.run_sweep(day)

    [failed] = first.failures
    assert (failed.member_number, failed.status) == (bongi.number, "failed")
    assert failed.reason.startswith("insufficient_funds")
    # A failure is retried on a later day, not the same one.
    assert [(o.member_number, o.status) for o in again_same_day.outcomes] == [(bongi.number, "skipped")]
    [row] = contribution_of(bongi.number)
    assert (row.status, row.attempts) == ("failed", 1)
    [told] = stack.outbox(bongi.number)
    assert "not enough money" in told and "try again tomorrow" in told
    assert any("did not go through" in m and bongi.number in m for m in stack.outbox(alice.number))

    stack.set_balance(bongi.wallet, 60_000)
    stack.set_clock(day + timedelta(days=1))
    retried = settlement.run_sweep(day + timedelta(days=1))

    assert [(o.member_number, o.kind, o.amount_minor) for o in retried.collected] == [
        (bongi.number, "contribution", 50_000)]
    [row] = contribution_of(bongi.number)
    assert (row.status, row.attempts) == ("completed", 2)
    assert world.balances() == {"Alice": 50_000, "Bongi": 10_000, "pot": 100_000}
    assert any("received your" in m and "R500.00" in m for m in stack.outbox(bongi.number))


def test_retries_stop_at_the_constitutions_limit(world, stack):
    day = start_day()
    alice, bongi = world.person("Alice", 100_000), world.person("Bongi", 0)
    world.create_stokvel(alice, start_date=day, max_collection_retries=1, late_penalty="R0")
    world.join(bongi)

    tried = []
    for offset in range(4):
        stack.set_clock(day + timedelta(days=offset))
        summary = settlement.run_sweep(day + timedelta(days=offset))
        tried.append(len([o for o in summary.failures if o.member_number == bongi.number]))

    assert tried == [1, 1, 0, 0]  # the first attempt and one retry, then no more
    [row] = contribution_of(bongi.number)
    assert (row.status, row.attempts) == ("failed", 2)
    assert world.balances()["Bongi"] == 0
    first, last = stack.outbox(bongi.number)
    assert "try again tomorrow" in first and "try again" not in last


def test_the_late_penalty_is_charged_once_after_the_grace_days(world, stack):
    day = start_day()
    alice, bongi = world.person("Alice", 100_000), world.person("Bongi", 0)
    world.create_stokvel(alice, start_date=day, grace_days=3, late_penalty="R50", max_collection_retries=9)
    world.join(bongi)

    for offset in range(4):  # within the grace days: no penalty yet
        stack.set_clock(day + timedelta(days=offset))
        settlement.run_sweep(day + timedelta(days=offset), notify=False)
    assert ledger_rows("penalty") == []

    stack.set_balance(bongi.wallet, 100_000)
    for offset in (4, 5, 6):
        stack.set_clock(day + timedelta(days=offset))
        settlement.run_sweep(day + timedelta(days=offset), notify=False)

    [penalty] = ledger_rows("penalty")
    assert (penalty.member.number, penalty.status, penalty.amount_minor) == (bongi.number, "completed", 5_000)
    # Alice's turn came after the grace days with only her R500 confirmed: that was paid
    # out; Bongi's late R500 and the R50 penalty wait in the pot for the next turn.
    assert world.balances() == {"Alice": 100_000, "Bongi": 100_000 - 50_000 - 5_000, "pot": 55_000}


def test_an_expired_token_is_rotated_and_a_revoked_grant_asks_to_authorise_again(world, stack):
    day = start_day()
    alice, bongi = world.person("Alice", 100_000), world.person("Bongi", 100_000)
    world.create_stokvel(alice, start_date=day)
    world.join(bongi)
    with session_scope() as session:
        grants = {g.membership.member.number: (g.id, g.access_token, g.manage_url)
                  for g in session.query(PaymentGrant).filter_by(purpose="contribution")}
    # Bongi cancels the allowance at their wallet; Alice's token has merely expired: the
    # provider's clock is past the tokens' lifetime (still in the first contribution period).
    _id, token, manage = grants[bongi.number]
    platform_client().revoke_token(AccessToken(token, manage))
    stack.set_clock(date.today() + timedelta(days=TOKEN_TTL_DAYS + 1))

    summary = settlement.run_sweep(day)

    assert [o.member_number for o in summary.collected] == [alice.number]
    [failed] = summary.failures
    assert (failed.member_number, failed.reason.split(":")[0]) == (bongi.number, "grant_expired")
    with session_scope() as session:
        alice_grant = session.get(PaymentGrant, grants[alice.number][0])
        assert alice_grant.access_token != grants[alice.number][1]  # rotated and stored
        assert ledger.get(session, failed.key).status == "failed"
    [told] = stack.outbox(bongi.number)
    assert "authorisation has expired" in told and "http://forms.test/l/" in told
    assert world.balances()["Bongi"] == 100_000
