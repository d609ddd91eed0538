"""Open Payments: our client for any Open Payments provider (Rafiki-based wallets, or the
local sandbox in `sandbox.openpayments`).

- `OpenPaymentsClient`: GNAP grants (non-interactive for incoming payments and quotes,
  interactive for outgoing payments with limits and a repeating interval), continue,
  rotate/revoke, incoming payments, quotes, outgoing payments, spent amounts. Every
  request is signed (`signatures`); every create carries our idempotency key.
- `platform_client()` / `ensure_platform_registered()`: our platform's identity.
- `verify_finish_hash(...)`: checks a grant-finish callback before anything is stored.
- `resolve_wallet_address(text)`: what a member typed -> `WalletAddress`.
- `parse_repeating_interval`, `repeating_interval`: calendar-correct grant intervals.
- Errors are `PaymentError` subclasses with `.message` in plain words.

Imports only the standard library, requests, cryptography, http-message-signatures,
isodate, dateutil and `stokvel.money` / `stokvel.errors` / `stokvel.config`.
"""

from stokvel.payments.client import OpenPaymentsClient, grant_endpoint
from stokvel.payments.errors import (
    GrantLimitExceeded, GrantPending, GrantRejected, InsufficientFunds, InvalidFinishHash,
    InvalidProviderResponse, InvalidWalletAddress, NotFoundAtProvider, PaymentError,
    ProviderRejected, ProviderTimeout, ProviderUnauthorized, ProviderUnavailable,
)
from stokvel.payments.finish_hash import finish_hash, verify_finish_hash
from stokvel.payments.intervals import parse_repeating_interval, repeating_interval
from stokvel.payments.keys import load_or_create_private_key, public_jwk
from stokvel.payments.platform import ensure_platform_registered, platform_client
from stokvel.payments.resources import (
    IDEMPOTENCY_FIELD, AccessToken, Continuation, Grant, IncomingPayment, OutgoingPayment,
    PendingGrant, Quote, SpentAmounts,
)
from stokvel.payments.transport import Transport
from stokvel.payments.wallet import WalletAddress, resolve_wallet_address, wallet_address_url

__all__ = [
    "OpenPaymentsClient", "grant_endpoint", "platform_client", "ensure_platform_registered",
    "verify_finish_hash", "finish_hash", "resolve_wallet_address", "wallet_address_url",
    "WalletAddress", "parse_repeating_interval", "repeating_interval",
    "load_or_create_private_key", "public_jwk", "Transport", "IDEMPOTENCY_FIELD",
    "AccessToken", "Continuation", "Grant", "PendingGrant", "IncomingPayment", "Quote",
    "OutgoingPayment", "SpentAmounts", "PaymentError", "GrantLimitExceeded", "GrantPending",
    "GrantRejected", "InsufficientFunds", "InvalidFinishHash", "InvalidProviderResponse",
    "InvalidWalletAddress", "NotFoundAtProvider", "ProviderRejected", "ProviderTimeout",
    "ProviderUnauthorized", "ProviderUnavailable",
]
