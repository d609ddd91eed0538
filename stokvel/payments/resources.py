"""What the client returns: Open Payments documents as typed values, amounts as `Money`."""

from __future__ import annotations

from dataclasses import dataclass, field

from stokvel.money import Money
from stokvel.payments.errors import InvalidProviderResponse

# Where every create carries our idempotency key, so a retry finds the first attempt.
IDEMPOTENCY_FIELD = "idempotencyKey"


def amount_json(money: Money) -> dict:
    return {"value": str(money.minor), "assetCode": money.currency, "assetScale": money.scale}


def money_from(document: dict | None) -> Money | None:
    if document is None:
        return None
    try:
        return Money(int(document["value"]), str(document["assetCode"]), int(document["assetScale"]))
    except (KeyError, TypeError, ValueError):
        raise InvalidProviderResponse("The payment provider sent an amount we could not read.") from None


@dataclass(frozen=True)
class AccessToken:
    value: str
    manage: str
    expires_in: int | None = None
    access: list = field(default_factory=list, compare=False)

    @classmethod
    def from_json(cls, document: dict) -> "AccessToken":
        return cls(value=document["value"], manage=document["manage"],
                   expires_in=document.get("expires_in"), access=document.get("access", []))


@dataclass(frozen=True)
class Continuation:
    uri: str
    token: str
    wait: int = 0

    @classmethod
    def from_json(cls, document: dict) -> "Continuation":
        return cls(uri=document["uri"], token=document["access_token"]["value"],
                   wait=int(document.get("wait") or 0))


@dataclass(frozen=True)
class Grant:
    access_token: AccessToken
    continuation: Continuation | None = None


@dataclass(frozen=True)
class PendingGrant:
    """An interactive grant waiting for the wallet owner: send them to `redirect`; keep the
    rest to verify the finish callback and to continue the grant."""

    redirect: str
    interact_nonce: str
    client_nonce: str
    grant_endpoint: str
    continuation: Continuation


@dataclass(frozen=True)
class IncomingPayment:
    id: str
    wallet_address: str
    received_amount: Money
    incoming_amount: Money | None
    completed: bool
    metadata: dict

    @classmethod
    def from_json(cls, d: dict) -> "IncomingPayment":
        return cls(id=d["id"], wallet_address=d["walletAddress"],
                   received_amount=money_from(d["receivedAmount"]),
                   incoming_amount=money_from(d.get("incomingAmount")),
                   completed=bool(d.get("completed")), metadata=d.get("metadata") or {})


@dataclass(frozen=True)
class Quote:
    id: str
    wallet_address: str
    receiver: str
    debit_amount: Money
    receive_amount: Money
    expires_at: str | None

    @property
    def fee(self) -> Money:
        """What the sender pays on top of what arrives (same asset only)."""
        return self.debit_amount - self.receive_amount

    @classmethod
    def from_json(cls, d: dict) -> "Quote":
        return cls(id=d["id"], wallet_address=d["walletAddress"], receiver=d["receiver"],
                   debit_amount=money_from(d["debitAmount"]),
                   receive_amount=money_from(d["receiveAmount"]), expires_at=d.get("expiresAt"))


@dataclass(frozen=True)
class OutgoingPayment:
    id: str
    wallet_address: str
    receiver: str
    debit_amount: Money
    receive_amount: Money
    sent_amount: Money
    failed: bool
    metadata: dict
    grant_spent_debit_amount: Money | None = None

    @property
    def idempotency_key(self) -> str | None:
        return self.metadata.get(IDEMPOTENCY_FIELD)

    @classmethod
    def from_json(cls, d: dict) -> "OutgoingPayment":
        return cls(id=d["id"], wallet_address=d["walletAddress"], receiver=d["receiver"],
                   debit_amount=money_from(d["debitAmount"]),
                   receive_amount=money_from(d["receiveAmount"]),
                   sent_amount=money_from(d["sentAmount"]), failed=bool(d.get("failed")),
                   metadata=d.get("metadata") or {},
                   grant_spent_debit_amount=money_from(d.get("grantSpentDebitAmount")))


@dataclass(frozen=True)
class SpentAmounts:
    """What has been spent under an outgoing-payment grant in its current interval."""

    debit: Money | None
    receive: Money | None
