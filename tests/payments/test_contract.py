"""Every Open Payments operation our client uses, in both directions, against the 1.3.0
specs: the `client` fixture validates each request and response as it goes over the wire."""

from __future__ import annotations

import pytest
import requests

from stokvel.money import Money
from stokvel.payments import (
    GrantLimitExceeded, NotFoundAtProvider, ProviderUnauthorized, ensure_platform_registered,
)
from tests.payments.contract import check_response, operation_for
from tests.payments.sandbox_helpers import approve_grant

EXPECTED = {
    ("wallet-address-server", "GET", "/", 200), ("wallet-address-server", "GET", "/jwks.json", 200),
    ("auth-server", "POST", "/", 200), ("auth-server", "POST", "/continue/{id}", 200),
    ("auth-server", "DELETE", "/continue/{id}", 204), ("auth-server", "POST", "/token/{id}", 200),
    ("auth-server", "DELETE", "/token/{id}", 204),
    ("resource-server", "POST", "/incoming-payments", 201),
    ("resource-server", "GET", "/incoming-payments/{id}", 200),
    ("resource-server", "GET", "/incoming-payments/{id}", 404),
    ("resource-server", "POST", "/incoming-payments/{id}/complete", 200),
    ("resource-server", "POST", "/quotes", 201), ("resource-server", "GET", "/quotes/{id}", 200),
    ("resource-server", "POST", "/outgoing-payments", 201),
    ("resource-server", "POST", "/outgoing-payments", 403),
    ("resource-server", "GET", "/outgoing-payments/{id}", 200),
    ("resource-server", "GET", "/outgoing-payments", 200),
    ("resource-server", "GET", "/outgoing-payment-grant", 200),
    ("resource-server", "GET", "/outgoing-payment-grant", 401),
}


def test_every_operation_matches_the_specs(client, sandbox, unique, exchanges):
    first = len(exchanges)
    ensure_platform_registered(client.transport)  # idempotent; reads our JWKS back
    payer_name, payee_name = unique("lerato"), unique("club")
    sandbox.create_wallet(payer_name, balance=10_000)
    sandbox.create_wallet(payee_name)
    payer = client.resolve(f"{sandbox.base_url}/{payer_name}")
    payee = client.resolve(f"{sandbox.base_url}/{payee_name}")

    incoming_grant = client.grant_incoming_payments(payee)
    incoming = client.create_incoming_payment(payee, incoming_grant.access_token, idempotency_key="c-1",
                                              incoming_amount=Money(2_500), metadata={"stokvel": "Club"})
    assert client.get_incoming_payment(incoming.id, incoming_grant.access_token).metadata["stokvel"] == "Club"
    with pytest.raises(NotFoundAtProvider):
        client.get_incoming_payment(f"{sandbox.base_url}/incoming-payments/missing", incoming_grant.access_token)
    quotes = client.grant_quotes(payer).access_token
    quote = client.create_quote(payer, quotes, receiver=incoming.id, debit_amount=Money(2_500))
    assert client.get_quote(quote.id, quotes).debit_amount == Money(2_500)

    grant = approve_grant(client, sandbox, payer, receive_amount=Money(2_500),
                          interval="R11/2026-01-01T00:00:00Z/P1M")
    payment = client.create_outgoing_payment(payer, grant.access_token, quote_id=quote.id, idempotency_key="c-1")
    assert client.get_outgoing_payment(payment.id, grant.access_token).sent_amount == Money(2_500)
    assert client.find_outgoing_payment(payer, grant.access_token, "c-1").id == payment.id
    assert client.spent_amounts(payer, grant.access_token).receive == Money(2_500)
    second = client.create_incoming_payment(payee, incoming_grant.access_token, idempotency_key="c-2")
    with pytest.raises(GrantLimitExceeded):
        client.create_outgoing_payment(payer, grant.access_token, idempotency_key="c-2", quote_id=client.create_quote(
            payer, quotes, receiver=second.id, receive_amount=Money(1)).id)
    client.complete_incoming_payment(second.id, incoming_grant.access_token)

    rotated = client.rotate_token(grant.access_token)
    client.revoke_token(rotated)
    with pytest.raises(ProviderUnauthorized):
        client.spent_amounts(payer, rotated)
    client.cancel_grant(client.start_outgoing_payment_grant(
        payer, finish_uri="http://localhost:5000/finish", debit_amount=Money(1)).continuation)

    seen = {entry for entry in exchanges[first:]}
    assert EXPECTED <= seen, f"not exercised: {EXPECTED - seen}"


def test_the_public_view_of_an_incoming_payment_matches_the_spec(client, sandbox, unique):
    name = unique("public")
    sandbox.create_wallet(name)
    wallet = client.resolve(f"{sandbox.base_url}/{name}")
    incoming = client.create_incoming_payment(wallet, client.grant_incoming_payments(wallet).access_token,
                                              idempotency_key="p-1")
    response = requests.get(incoming.id, headers={"Accept": "application/json"}, timeout=5)
    spec_name, template, operation = operation_for("GET", incoming.id)
    check_response(spec_name, template, operation, response)
    assert set(response.json()) == {"receivedAmount", "authServer"}
