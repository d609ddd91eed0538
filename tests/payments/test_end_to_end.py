"""A member's recurring contribution allowance, three monthly collections, a fourth refused
by the grant's limit, and a payout — through real HTTP to the sandbox provider process."""

from __future__ import annotations

import pytest

from stokvel.money import Money
from stokvel.payments import GrantLimitExceeded, ProviderUnauthorized
from tests.payments.sandbox_helpers import approve_grant

CONTRIBUTION = Money(50_000)  # R500.00


def collect(client, sandbox, member, stokvel, token, key):
    """One contribution, as settlement makes it: incoming payment, quote, outgoing payment."""
    incoming_token = client.grant_incoming_payments(stokvel).access_token
    incoming = client.create_incoming_payment(stokvel, incoming_token, idempotency_key=key,
                                              incoming_amount=CONTRIBUTION)
    quote_token = client.grant_quotes(member).access_token
    quote = client.create_quote(member, quote_token, receiver=incoming.id)
    payment = client.create_outgoing_payment(member, token, quote_id=quote.id, idempotency_key=key)
    # A retry with the same key (a lost answer, a second scheduler) gets the same payment.
    assert client.create_incoming_payment(stokvel, incoming_token, idempotency_key=key,
                                          incoming_amount=CONTRIBUTION).id == incoming.id
    assert client.create_outgoing_payment(member, token, quote_id=quote.id,
                                          idempotency_key=key).id == payment.id
    return payment


def test_recurring_contributions_then_payout(client, sandbox, unique):
    member_name, stokvel_name, payee_name = unique("thandi"), unique("savers"), unique("sipho")
    sandbox.create_wallet(member_name, balance=200_000)
    sandbox.create_wallet(stokvel_name, balance=0)
    sandbox.create_wallet(payee_name, balance=0)
    member = client.resolve(f"{sandbox.base_url}/{member_name}")
    stokvel = client.resolve(f"{sandbox.base_url}/{stokvel_name}")
    payee = client.resolve(f"{sandbox.base_url}/{payee_name}")

    sandbox.set_clock("2026-01-31T08:00:00Z")
    grant = approve_grant(client, sandbox, member, debit_amount=CONTRIBUTION,
                          interval="R/2026-01-31T00:00:00Z/P1M")
    token = grant.access_token

    for moment in ("2026-01-31T09:00:00Z", "2026-02-28T09:00:00Z", "2026-03-31T09:00:00Z"):
        sandbox.set_clock(moment)
        if moment != "2026-01-31T09:00:00Z":
            with pytest.raises(ProviderUnauthorized):  # last month's token has expired
                client.spent_amounts(member, token)
        token = client.rotate_token(token)
        key = f"contribution:savers:thandi:{moment[:7]}"
        payment = collect(client, sandbox, member, stokvel, token, key)
        assert payment.debit_amount == CONTRIBUTION and not payment.failed
        assert payment.grant_spent_debit_amount == CONTRIBUTION
        assert client.spent_amounts(member, token).debit == CONTRIBUTION

    sandbox.set_clock("2026-04-15T09:00:00Z")  # inside the interval that began on 31 March
    token = client.rotate_token(token)
    with pytest.raises(GrantLimitExceeded) as refused:
        collect(client, sandbox, member, stokvel, token, "contribution:savers:thandi:extra")
    assert "allowed" in refused.value.message
    assert sandbox.balance(member_name) == 200_000 - 3 * 50_000
    assert sandbox.balance(stokvel_name) == 3 * 50_000

    # The payout: the stokvel's wallet owner allows the platform one payout of the pot.
    payout_grant = approve_grant(client, sandbox, stokvel, debit_amount=Money(150_000))
    incoming_token = client.grant_incoming_payments(payee).access_token
    incoming = client.create_incoming_payment(payee, incoming_token, idempotency_key="payout:savers:1",
                                              incoming_amount=Money(150_000))
    quote = client.create_quote(stokvel, client.grant_quotes(stokvel).access_token, receiver=incoming.id)
    assert quote.fee == Money(0)
    payout = client.create_outgoing_payment(stokvel, payout_grant.access_token, quote_id=quote.id,
                                            idempotency_key="payout:savers:1")
    assert payout.receive_amount == Money(150_000)
    assert client.get_incoming_payment(incoming.id, incoming_token).completed
    assert client.get_outgoing_payment(payout.id, payout_grant.access_token).id == payout.id
    assert client.find_outgoing_payment(stokvel, payout_grant.access_token, "payout:savers:1").id == payout.id
    assert (sandbox.balance(member_name), sandbox.balance(stokvel_name), sandbox.balance(payee_name)) == (
        50_000, 0, 150_000)

    client.revoke_token(token)
    with pytest.raises(ProviderUnauthorized):
        client.spent_amounts(member, token)
