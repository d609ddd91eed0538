"""Wallet addresses: what members type (`$ilp.example/alice`, `https://ilp.example/alice`)
and what their provider says about them (auth server, resource server, asset)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

from stokvel.payments.errors import InvalidWalletAddress, NotFoundAtProvider, PaymentError
from stokvel.payments.transport import Transport, json_body

_HOST = re.compile(r"^[A-Za-z0-9.-]+(:\d+)?$")


@dataclass(frozen=True)
class WalletAddress:
    id: str
    auth_server: str
    resource_server: str
    asset_code: str
    asset_scale: int
    public_name: str | None = None


def wallet_address_url(text: str) -> str:
    """`$host/path` (payment pointer) or `host/path` -> `https://host/path`; http(s) URLs as given."""
    value = (text or "").strip()
    if value.startswith("$"):
        value = "https://" + value[1:]
    elif not re.match(r"^https?://", value, re.IGNORECASE):
        value = "https://" + value
    parts = urlsplit(value)
    host = parts.hostname or ""
    if not _HOST.match(parts.netloc) or not ("." in host or host == "localhost") \
            or parts.query or parts.fragment:
        raise InvalidWalletAddress(
            f"“{text.strip()}” is not a wallet address. It looks like $wallet.example/yourname "
            "or https://wallet.example/yourname.")
    # A bare payment pointer ($wallet.example) means its well-known path.
    path = parts.path.rstrip("/") or "/.well-known/pay"
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}"


def resolve_wallet_address(text: str, transport: Transport | None = None) -> WalletAddress:
    """Fetch the wallet address document; InvalidWalletAddress if it is not one."""
    url = wallet_address_url(text)
    transport = transport or Transport.from_env()
    request = requests.Request("GET", transport.local_url(url),
                               headers={"Accept": "application/json"}).prepare()
    try:
        document = json_body(transport.send(request))
    except NotFoundAtProvider:
        raise InvalidWalletAddress(f"No wallet was found at {url}. Please check the address.") from None
    except PaymentError as error:
        if error.outcome_unknown or error.status is None:
            raise
        raise InvalidWalletAddress(f"{url} is not a wallet address we can use.",
                                   status=error.status) from None
    try:
        return WalletAddress(
            id=str(document["id"]),
            auth_server=str(document["authServer"]),
            resource_server=str(document["resourceServer"]),
            asset_code=str(document["assetCode"]),
            asset_scale=int(document["assetScale"]),
            public_name=document.get("publicName"),
        )
    except (KeyError, TypeError, ValueError):
        raise InvalidWalletAddress(f"{url} is not an Open Payments wallet address.") from None
