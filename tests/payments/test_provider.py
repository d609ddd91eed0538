"""What the provider refuses and how our client reports it: signatures, limits, funds,
faults, timeouts, idempotent retries — through real HTTP to the sandbox process."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from stokvel.config import ROOT
from stokvel.money import Money
from stokvel.payments import (
    GrantPending, GrantRejected, InsufficientFunds, InvalidFinishHash, InvalidWalletAddress,
    NotFoundAtProvider, finish_hash,
    OpenPaymentsClient, ProviderTimeout, ProviderUnauthorized, ProviderUnavailable, Transport,
    ensure_platform_registered,
)
from stokvel.payments.signatures import compact_json, sign_request
from tests.payments.sandbox_helpers import FINISH_URI, approve_grant, approve_in_browser


@pytest.fixture
def plain_client(client):
    """The same identity without the contract observer (faults answer off-contract on purpose)."""
    return OpenPaymentsClient(wallet_address=client.wallet_address, key_id=client.key_id,
                              private_key=client.private_key, transport=Transport(timeout=1.0))


def pay(client, sandbox, payer, payee, token, key, amount=Money(10_000)):
    incoming = client.create_incoming_payment(payee, client.grant_incoming_payments(payee).access_token,
                                              idempotency_key=key, incoming_amount=amount)
    quote = client.create_quote(payer, client.grant_quotes(payer).access_token, receiver=incoming.id)
    return client.create_outgoing_payment(payer, token, quote_id=quote.id, idempotency_key=key)


@pytest.fixture
def wallets(client, sandbox, unique):
    names = unique("payer"), unique("payee")
    sandbox.create_wallet(names[0], balance=30_000)
    sandbox.create_wallet(names[1], balance=0)
    return names, [client.resolve(f"{sandbox.base_url}/{n}") for n in names]


def test_an_unknown_key_is_refused(client, sandbox, wallets):
    _names, (payer, _payee) = wallets
    impostor = OpenPaymentsClient(wallet_address=client.wallet_address, key_id=client.key_id,
                                  private_key=Ed25519PrivateKey.generate(), transport=Transport(timeout=5))
    with pytest.raises(ProviderUnauthorized) as refused:
        impostor.grant_quotes(payer)
    assert refused.value.status == 401 and refused.value.message


def _signed_grant_request(client, payer, *, body: bytes) -> requests.Response:
    request = requests.Request("POST", payer.auth_server, data=body,
                               headers={"Content-Type": "application/json"}).prepare()
    sign_request(request, key_id=client.key_id, private_key=client.private_key)
    return request


def test_bodies_must_be_compact_json_and_untampered(client, sandbox, wallets):
    _names, (payer, _payee) = wallets
    document = {"access_token": {"access": [{"type": "quote", "actions": ["create"]}]},
                "client": client.wallet_address}
    good = _signed_grant_request(client, payer, body=compact_json(document))
    assert requests.Session().send(good).status_code == 200
    pretty = _signed_grant_request(client, payer, body=json.dumps(document, indent=2).encode())
    assert requests.Session().send(pretty).status_code == 401  # as at Rafiki
    tampered = _signed_grant_request(client, payer, body=compact_json(document))
    tampered.body = tampered.body.replace(b'"create"', b'"read"  ')
    assert requests.Session().send(tampered).status_code == 401
    unsigned = requests.post(payer.auth_server, json=document, timeout=5)
    assert unsigned.status_code == 401 and unsigned.json()["error"]["code"] == "invalid_client"


def test_insufficient_funds_fail_cleanly_and_change_nothing(client, sandbox, wallets):
    (payer_name, payee_name), (payer, payee) = wallets
    grant = approve_grant(client, sandbox, payer, debit_amount=Money(100_000))
    with pytest.raises(InsufficientFunds) as refused:
        pay(client, sandbox, payer, payee, grant.access_token, "too-much", Money(40_000))
    assert "not enough money" in refused.value.message
    assert (sandbox.balance(payer_name), sandbox.balance(payee_name)) == (30_000, 0)
    assert client.spent_amounts(payer, grant.access_token).debit is None
    pay(client, sandbox, payer, payee, grant.access_token, "affordable", Money(30_000))
    assert (sandbox.balance(payer_name), sandbox.balance(payee_name)) == (0, 30_000)


def test_a_payment_accepted_then_timed_out_is_retried_without_paying_twice(client, plain_client, sandbox, wallets):
    (payer_name, payee_name), (payer, payee) = wallets
    grant = approve_grant(client, sandbox, payer, debit_amount=Money(30_000))
    incoming = client.create_incoming_payment(payee, client.grant_incoming_payments(payee).access_token,
                                              idempotency_key="retry-1", incoming_amount=Money(10_000))
    quote = client.create_quote(payer, client.grant_quotes(payer).access_token, receiver=incoming.id)
    sandbox.fault("accept_then_timeout", path_prefix="/outgoing-payments", seconds=2.0)
    with pytest.raises(ProviderTimeout) as lost:
        plain_client.create_outgoing_payment(payer, grant.access_token, quote_id=quote.id, idempotency_key="retry-1")
    assert lost.value.outcome_unknown
    assert sandbox.balance(payer_name) == 20_000  # the provider did pay
    found = client.find_outgoing_payment(payer, grant.access_token, "retry-1")
    again = client.create_outgoing_payment(payer, grant.access_token, quote_id=quote.id, idempotency_key="retry-1")
    assert found.id == again.id
    assert (sandbox.balance(payer_name), sandbox.balance(payee_name)) == (20_000, 10_000)


def test_provider_failures_become_typed_errors(plain_client, sandbox, wallets):
    _names, (payer, _payee) = wallets
    sandbox.fault("error", path_prefix="/auth")
    with pytest.raises(ProviderUnavailable) as failed:
        plain_client.grant_quotes(payer)
    assert failed.value.status == 500 and failed.value.outcome_unknown
    sandbox.fault("timeout", path_prefix="/auth", seconds=2.0)
    with pytest.raises(ProviderTimeout):
        plain_client.grant_quotes(payer)
    token = plain_client.grant_incoming_payments(payer).access_token
    with pytest.raises(NotFoundAtProvider):
        plain_client.get_incoming_payment(f"{sandbox.base_url}/incoming-payments/nope", token)
    with pytest.raises(InvalidWalletAddress):
        plain_client.resolve(f"{sandbox.base_url}/nobody-here")


def test_an_unreachable_provider_is_reported_as_such():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ProviderUnavailable) as unreachable:
        Transport(timeout=2).send(requests.Request("GET", f"http://127.0.0.1:{port}/x").prepare())
    assert not unreachable.value.outcome_unknown and "could not reach" in unreachable.value.message


def test_continue_before_approval_waits_then_reports_pending(client, sandbox, wallets):
    _names, (payer, _payee) = wallets
    naps = []
    patient = OpenPaymentsClient(wallet_address=client.wallet_address, key_id=client.key_id,
                                 private_key=client.private_key, transport=client.transport, sleep=naps.append)
    pending = patient.start_outgoing_payment_grant(payer, finish_uri="http://localhost:5000/finish",
                                                   debit_amount=Money(5_000))
    with pytest.raises(GrantPending):
        patient.continue_grant(pending.continuation, "no-ref-yet", max_wait_seconds=3)
    assert naps and all(n >= pending.continuation.wait for n in naps)


def test_a_forged_finish_callback_changes_nothing(client, sandbox, wallets):
    (payer_name, _), (payer, _payee) = wallets
    pending = client.start_outgoing_payment_grant(payer, finish_uri=FINISH_URI, debit_amount=Money(5_000))
    query = parse_qs(urlsplit(approve_in_browser(pending.redirect).headers["Location"]).query)
    finish = dict(client_nonce=pending.client_nonce, interact_nonce=pending.interact_nonce,
                  auth_server=payer.auth_server, continuation=pending.continuation,
                  interact_ref=query["interact_ref"][0])
    with pytest.raises(InvalidFinishHash):
        client.finish_grant(**finish, received_hash=finish_hash("forged", "x", "y", "z"))
    grant = client.finish_grant(**finish, received_hash=query["hash"][0])  # the real one still works
    assert grant.access_token.value


def test_a_rejected_grant_is_reported_and_grants_nothing(client, sandbox, wallets):
    _names, (payer, _payee) = wallets
    pending = client.start_outgoing_payment_grant(payer, finish_uri="http://localhost:5000/finish",
                                                  debit_amount=Money(5_000), interval="R/2026-01-01T00:00:00Z/P1M")
    page = requests.get(pending.redirect, timeout=5).text
    assert "ZAR 50.00" in page and "every month" in page  # who asks for how much, how often
    finish = approve_in_browser(pending.redirect, "reject")
    query = parse_qs(urlsplit(finish.headers["Location"]).query)
    assert query == {"result": ["grant_rejected"]}
    with pytest.raises(GrantRejected) as rejected:
        client.continue_grant(pending.continuation, "any")
    assert "did not approve" in rejected.value.message
    assert requests.get(pending.redirect, timeout=5).status_code == 409  # decided once, for good


def test_platform_registration_is_idempotent(client, sandbox):
    ensure_platform_registered()
    keys = requests.get(f"{client.wallet_address}/jwks.json", timeout=5).json()["keys"]
    assert [k["kid"] for k in keys] == [client.key_id]


def test_admin_balances_are_whole_and_never_negative(sandbox, unique):
    name = unique("admin")
    sandbox.create_wallet(name, balance=100)
    assert sandbox.admin("PUT", f"/wallets/{name}/balance", balance=2_500).json()["balance"] == 2_500
    refused = requests.put(f"{sandbox.base_url}/admin/wallets/{name}/balance", json={"balance": -1}, timeout=5)
    assert refused.status_code == 400 and sandbox.balance(name) == 2_500
    for body in ({"name": "Bad Name!"}, {"name": "ok-name", "balance": -1}, {"name": "auth"}):
        response = requests.post(f"{sandbox.base_url}/admin/wallets", json=body, timeout=5)
        assert response.status_code == 400 and response.json()["error"]["description"]


def test_make_run_registration_command(platform_settings):
    """`python -m stokvel.payments register`, as `make run` calls it (settings from env)."""
    done = subprocess.run([sys.executable, "-m", "stokvel.payments", "register"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert f"platform wallet {platform_settings.platform_wallet_address} publishes our key" in done.stdout
