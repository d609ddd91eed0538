"""The Open Payments client: GNAP grants and the resource server, every request signed.

One client acts for one identity (our platform's wallet address and key). It holds no
state between calls: what must survive (pending grants, tokens) is returned to the caller
to store (see `stokvel.models.PaymentGrant`).
"""

from __future__ import annotations

import secrets
import time
from typing import Callable, TypeVar
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from stokvel.money import Money
from stokvel.payments.errors import (
    GrantPending, GrantRejected, InvalidFinishHash, InvalidProviderResponse,
    ProviderRejected, ProviderUnauthorized,
)
from stokvel.payments.finish_hash import verify_finish_hash
from stokvel.payments.intervals import parse_repeating_interval
from stokvel.payments.resources import (
    IDEMPOTENCY_FIELD, AccessToken, Continuation, Grant, IncomingPayment, OutgoingPayment,
    PendingGrant, Quote, SpentAmounts, amount_json, money_from,
)
from stokvel.payments.signatures import compact_json, sign_request
from stokvel.payments.transport import Transport, json_body
from stokvel.payments.wallet import WalletAddress, resolve_wallet_address

T = TypeVar("T")
Token = AccessToken | str


def grant_endpoint(auth_server: str) -> str:
    """The URL grant requests are posted to, as the AS spells it in the finish hash
    (a bare origin gets its '/' path, as WHATWG URL serialisation does)."""
    return auth_server if urlsplit(auth_server).path else auth_server + "/"


def _value(token: Token) -> str:
    return token.value if isinstance(token, AccessToken) else token


def _parse(build: Callable[[dict], T], document: dict) -> T:
    try:
        return build(document)
    except (KeyError, TypeError, ValueError):
        raise InvalidProviderResponse(
            "The payment provider sent an answer we could not read.") from None


class OpenPaymentsClient:
    def __init__(self, *, wallet_address: str, key_id: str, private_key: Ed25519PrivateKey,
                 transport: Transport | None = None, sleep: Callable[[float], None] = time.sleep):
        self.wallet_address = wallet_address  # the client's identity at every provider
        self.key_id = key_id
        self.private_key = private_key
        self.transport = transport or Transport.from_env()
        self._sleep = sleep

    # -- plumbing ---------------------------------------------------------------------
    def _call(self, method: str, url: str, *, token: Token | None = None,
              body: dict | None = None) -> dict | None:
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = compact_json(body)
        if token is not None:
            headers["Authorization"] = f"GNAP {_value(token)}"
        request = requests.Request(method, self.transport.local_url(url), headers=headers,
                                   data=data).prepare()
        sign_request(request, key_id=self.key_id, private_key=self.private_key)
        response = self.transport.send(request)
        return json_body(response) if response.content else None

    def resolve(self, text: str) -> WalletAddress:
        return resolve_wallet_address(text, self.transport)

    # -- grants -----------------------------------------------------------------------
    def request_grant(self, wallet: WalletAddress, access: list[dict]) -> Grant:
        """A non-interactive grant (incoming payments, quotes)."""
        body = {"access_token": {"access": access}, "client": self.wallet_address}
        document = self._call("POST", grant_endpoint(wallet.auth_server), body=body)
        if "access_token" not in document:
            raise InvalidProviderResponse("The payment provider asked for an approval we did not expect.")
        return _parse(lambda d: Grant(AccessToken.from_json(d["access_token"]),
                                      Continuation.from_json(d["continue"]) if d.get("continue") else None),
                      document)

    def grant_incoming_payments(self, wallet: WalletAddress) -> Grant:
        return self.request_grant(wallet, [{"type": "incoming-payment", "identifier": wallet.id,
                                            "actions": ["create", "read", "complete"]}])

    def grant_quotes(self, wallet: WalletAddress) -> Grant:
        return self.request_grant(wallet, [{"type": "quote", "actions": ["create", "read"]}])

    def start_outgoing_payment_grant(
        self, wallet: WalletAddress, *, finish_uri: str, debit_amount: Money | None = None,
        receive_amount: Money | None = None, interval: str | None = None,
    ) -> PendingGrant:
        """Ask the wallet owner for an allowance: `debit_amount` or `receive_amount` (not both)
        per `interval` (e.g. 'R/2026-01-01T00:00:00Z/P1M'); they approve at `redirect`."""
        if (debit_amount is None) == (receive_amount is None):
            raise ValueError("give exactly one of debit_amount or receive_amount")
        limits: dict = {}
        if debit_amount is not None:
            limits["debitAmount"] = amount_json(debit_amount)
        else:
            limits["receiveAmount"] = amount_json(receive_amount)
        if interval is not None:
            parse_repeating_interval(interval)
            limits["interval"] = interval
        client_nonce = secrets.token_urlsafe(24)
        endpoint = grant_endpoint(wallet.auth_server)
        body = {
            "access_token": {"access": [{
                "type": "outgoing-payment", "identifier": wallet.id,
                "actions": ["create", "read", "list"], "limits": limits}]},
            "client": self.wallet_address,
            "interact": {"start": ["redirect"],
                         "finish": {"method": "redirect", "uri": finish_uri, "nonce": client_nonce}},
        }
        document = self._call("POST", endpoint, body=body)
        if "interact" not in document:
            raise InvalidProviderResponse("The payment provider did not ask the wallet owner to approve.")
        return _parse(lambda d: PendingGrant(
            redirect=d["interact"]["redirect"], interact_nonce=d["interact"]["finish"],
            client_nonce=client_nonce, grant_endpoint=endpoint,
            continuation=Continuation.from_json(d["continue"])), document)

    def continue_grant(self, continuation: Continuation, interact_ref: str, *,
                       max_wait_seconds: float = 30.0) -> Grant:
        """Finish an approved grant. Honours `wait`: a too-early continue (400 too_fast) or
        a still-pending answer is retried after the wait the server asks for."""
        waited = 0.0
        wait = float(continuation.wait)
        while True:
            try:
                document = self._call("POST", continuation.uri, token=continuation.token,
                                      body={"interact_ref": interact_ref})
            except ProviderRejected as error:
                if error.code != "too_fast":
                    raise
                document = None
            except ProviderUnauthorized as error:
                if error.code == "request_denied":
                    raise GrantRejected("The wallet owner did not approve the payment allowance.",
                                        status=error.status, code=error.code,
                                        description=error.description) from None
                raise
            if document is not None and "access_token" in document:
                return _parse(lambda d: Grant(AccessToken.from_json(d["access_token"]),
                                              Continuation.from_json(d["continue"])), document)
            if document is not None and document.get("continue"):
                wait = float(document["continue"].get("wait") or wait)
            pause = max(wait, 1.0)
            if waited + pause > max_wait_seconds:
                raise GrantPending("The wallet owner has not finished approving yet.")
            self._sleep(pause)
            waited += pause

    def finish_grant(self, *, client_nonce: str, interact_nonce: str, auth_server: str,
                     continuation: Continuation, interact_ref: str | None,
                     received_hash: str | None) -> Grant:
        """Handle the wallet owner's return to our finish URI: verify the hash first (a
        forged or replayed callback raises InvalidFinishHash and changes nothing), then
        continue the grant to obtain its access token."""
        if not verify_finish_hash(client_nonce, interact_nonce, interact_ref or "",
                                  grant_endpoint(auth_server), received_hash):
            raise InvalidFinishHash("That approval link is not valid. Nothing was changed.")
        return self.continue_grant(continuation, interact_ref)

    def cancel_grant(self, continuation: Continuation) -> None:
        self._call("DELETE", continuation.uri, token=continuation.token)

    def rotate_token(self, token: AccessToken) -> AccessToken:
        """A fresh token for the same grant (the old one stops working); store the result."""
        document = self._call("POST", token.manage, token=token)
        return _parse(lambda d: AccessToken.from_json(d["access_token"]), document)

    def revoke_token(self, token: AccessToken) -> None:
        self._call("DELETE", token.manage, token=token)

    # -- resources --------------------------------------------------------------------
    def create_incoming_payment(self, wallet: WalletAddress, token: Token, *, idempotency_key: str,
                                incoming_amount: Money | None = None, expires_at: str | None = None,
                                metadata: dict | None = None) -> IncomingPayment:
        body: dict = {"walletAddress": wallet.id,
                      "metadata": {**(metadata or {}), IDEMPOTENCY_FIELD: idempotency_key}}
        if incoming_amount is not None:
            body["incomingAmount"] = amount_json(incoming_amount)
        if expires_at is not None:
            body["expiresAt"] = expires_at
        document = self._call("POST", f"{wallet.resource_server}/incoming-payments", token=token, body=body)
        return _parse(IncomingPayment.from_json, document)

    def get_incoming_payment(self, url: str, token: Token) -> IncomingPayment:
        return _parse(IncomingPayment.from_json, self._call("GET", url, token=token))

    def complete_incoming_payment(self, url: str, token: Token) -> IncomingPayment:
        return _parse(IncomingPayment.from_json, self._call("POST", f"{url}/complete", token=token))

    def create_quote(self, wallet: WalletAddress, token: Token, *, receiver: str,
                     debit_amount: Money | None = None, receive_amount: Money | None = None) -> Quote:
        """Quotes carry no metadata in Open Payments: a retry simply makes a new quote,
        which costs nothing until an outgoing payment uses it."""
        if debit_amount is not None and receive_amount is not None:
            raise ValueError("give at most one of debit_amount or receive_amount")
        body: dict = {"walletAddress": wallet.id, "receiver": receiver, "method": "ilp"}
        if debit_amount is not None:
            body["debitAmount"] = amount_json(debit_amount)
        if receive_amount is not None:
            body["receiveAmount"] = amount_json(receive_amount)
        return _parse(Quote.from_json, self._call("POST", f"{wallet.resource_server}/quotes",
                                                  token=token, body=body))

    def get_quote(self, url: str, token: Token) -> Quote:
        return _parse(Quote.from_json, self._call("GET", url, token=token))

    def create_outgoing_payment(self, wallet: WalletAddress, token: Token, *, quote_id: str,
                                idempotency_key: str, metadata: dict | None = None) -> OutgoingPayment:
        body = {"walletAddress": wallet.id, "quoteId": quote_id,
                "metadata": {**(metadata or {}), IDEMPOTENCY_FIELD: idempotency_key}}
        document = self._call("POST", f"{wallet.resource_server}/outgoing-payments", token=token, body=body)
        return _parse(OutgoingPayment.from_json, document)

    def get_outgoing_payment(self, url: str, token: Token) -> OutgoingPayment:
        return _parse(OutgoingPayment.from_json, self._call("GET", url, token=token))

    def find_outgoing_payment(self, wallet: WalletAddress, token: Token,
                              idempotency_key: str) -> OutgoingPayment | None:
        """The outgoing payment made with our idempotency key, if any: how a payment whose
        outcome was unknown (timeout) is reconciled at any provider."""
        cursor = None
        while True:
            query = f"?wallet-address={requests.utils.quote(wallet.id, safe='')}&first=100"
            if cursor:
                query += f"&cursor={requests.utils.quote(cursor, safe='')}"
            page = self._call("GET", f"{wallet.resource_server}/outgoing-payments{query}", token=token)
            for item in page.get("result", []):
                payment = _parse(OutgoingPayment.from_json, item)
                if payment.idempotency_key == idempotency_key:
                    return payment
            info = page.get("pagination") or {}
            if not info.get("hasNextPage"):
                return None
            cursor = info.get("endCursor")

    def spent_amounts(self, wallet: WalletAddress, token: Token) -> SpentAmounts:
        """What the grant behind `token` has spent in its current interval."""
        document = self._call("GET", f"{wallet.resource_server}/outgoing-payment-grant", token=token)
        return _parse(lambda d: SpentAmounts(debit=money_from(d["spentDebitAmount"]),
                                             receive=money_from(d["spentReceiveAmount"])), document)

