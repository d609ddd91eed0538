"""Our platform's identity at Open Payments providers: its wallet address and signing key.

Locally the wallet address lives at the sandbox provider, where `ensure_platform_registered()`
creates it and registers our public key (what a real provider's dashboard does when you
upload a key). At a real provider, that step is manual; this function then only checks
that the key published at the wallet address's `/jwks.json` is ours.
"""

from __future__ import annotations

import requests

from stokvel.config import get_settings
from stokvel.payments.client import OpenPaymentsClient
from stokvel.payments.errors import PaymentError
from stokvel.payments.keys import load_or_create_private_key, public_jwk
from stokvel.payments.transport import Transport, json_body
from stokvel.payments.wallet import WalletAddress, wallet_address_url

SANDBOX_SERVICE = "openpayments-sandbox"


def platform_client(transport: Transport | None = None) -> OpenPaymentsClient:
    settings = get_settings()
    return OpenPaymentsClient(
        wallet_address=wallet_address_url(settings.platform_wallet_address),
        key_id=settings.platform_key_id,
        private_key=load_or_create_private_key(settings.platform_private_key_path),
        transport=transport,
    )


def _is_sandbox(provider_url: str, transport: Transport) -> bool:
    try:
        response = transport.send(requests.Request("GET", f"{provider_url}/health").prepare())
        return json_body(response).get("service") == SANDBOX_SERVICE
    except PaymentError:
        return False


def ensure_platform_registered(transport: Transport | None = None) -> WalletAddress:
    """Make sure our wallet address exists and publishes our key. Idempotent."""
    settings = get_settings()
    transport = transport or Transport.from_env()
    client = platform_client(transport)
    jwk = public_jwk(client.private_key, client.key_id)
    provider = settings.open_payments_provider_url.rstrip("/")
    wallet_url = client.wallet_address
    if wallet_url.startswith(provider + "/") and _is_sandbox(provider, transport):
        name = wallet_url[len(provider) + 1:]
        for path, body in ((f"{provider}/admin/wallets",
                            {"name": name, "asset_code": "ZAR", "asset_scale": 2, "balance": 0,
                             "public_name": "DigiStokvel"}),
                           (f"{provider}/admin/wallets/{name}/keys", {"jwk": jwk})):
            transport.send(requests.Request("POST", path, json=body).prepare())
    keys = json_body(transport.send(requests.Request(
        "GET", transport.local_url(f"{wallet_url}/jwks.json"),
        headers={"Accept": "application/json"}).prepare())).get("keys", [])
    if not any(k.get("kid") == jwk["kid"] and k.get("x") == jwk["x"] for k in keys):
        raise PaymentError(
            f"The payment provider does not publish our key {jwk['kid']!r} at {wallet_url}/jwks.json. "
            f"Upload this public key in the provider's dashboard: {jwk}")
    return client.resolve(wallet_url)
