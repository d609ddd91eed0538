"""What every part of the sandbox provider shares: its state, clock, URLs and answers."""

from __future__ import annotations

import datetime
import functools
import re
import threading
from dataclasses import dataclass, field

import requests
from flask import current_app, jsonify
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from sandbox.openpayments.ledger import ClientKey, Wallet

RESERVED_NAMES = {"auth", "admin", "health", "incoming-payments", "outgoing-payments", "quotes",
                  "outgoing-payment-grant"}
WALLET_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


@dataclass
class Fault:
    mode: str  # "error", "timeout" or "accept_then_timeout"
    remaining: int
    path_prefix: str
    seconds: float


@dataclass
class Provider:
    sessions: sessionmaker
    base_url: str | None = None  # set once the server knows its port
    token_ttl_seconds: int = 600
    continue_wait_seconds: int = 1
    quote_fee: int = 0
    clock_offset: datetime.timedelta = datetime.timedelta(0)
    faults: list[Fault] = field(default_factory=list)
    # One writer at a time: the sandbox's ledger changes are small and must not interleave.
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    faults_lock: threading.Lock = field(default_factory=threading.Lock)

    def now(self) -> datetime.datetime:
        return datetime.datetime.now(datetime.timezone.utc) + self.clock_offset

    @property
    def auth_server(self) -> str:
        return f"{self.base_url}/auth"

    def take_fault(self, path: str) -> Fault | None:
        with self.faults_lock:
            for fault in self.faults:
                if fault.remaining > 0 and path.startswith(fault.path_prefix):
                    fault.remaining -= 1
                    return fault
        return None


def provider() -> Provider:
    return current_app.extensions["openpayments"]


def serialised(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        with provider().write_lock:
            return view(*args, **kwargs)
    return wrapper


def error(status: int, code: str, description: str):
    return jsonify({"error": {"code": code, "description": description}}), status


class Problem(Exception):
    """An answer other than success, raised from deep in a handler."""

    def __init__(self, status: int, code: str, description: str):
        super().__init__(description)
        self.status, self.code, self.description = status, code, description


def iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def wallet_url(wallet: Wallet) -> str:
    return f"{provider().base_url}/{wallet.name}"


def amount_doc(value: int, wallet: Wallet) -> dict:
    return {"value": str(value), "assetCode": wallet.asset_code, "assetScale": wallet.asset_scale}


def parse_amount(document, wallet: Wallet, what: str) -> int:
    if not isinstance(document, dict):
        raise Problem(400, "invalid_request", f"{what} must be an amount object")
    value = document.get("value")
    if not isinstance(value, str) or not value.isdigit() or int(value) <= 0:
        raise Problem(400, "invalid_request", f"{what}.value must be a positive integer string")
    if document.get("assetCode") != wallet.asset_code or document.get("assetScale") != wallet.asset_scale:
        raise Problem(400, "invalid_request",
                      f"{what} must be in {wallet.asset_code} at scale {wallet.asset_scale}")
    return int(value)


def local_wallet(session: Session, url) -> Wallet | None:
    base = provider().base_url
    if not isinstance(url, str) or not url.rstrip("/").startswith(base + "/"):
        return None
    name = url.rstrip("/")[len(base) + 1:]
    return session.execute(select(Wallet).where(Wallet.name == name)).scalar_one_or_none()


def client_jwks(session: Session, client_url: str) -> list[dict]:
    """The keys a client publishes at its wallet address's /jwks.json."""
    wallet = local_wallet(session, client_url)
    if wallet is not None:
        return [k.jwk for k in session.execute(
            select(ClientKey).where(ClientKey.wallet_id == wallet.id)).scalars()]
    try:
        response = requests.get(client_url.rstrip("/") + "/jwks.json", timeout=5,
                                headers={"Accept": "application/json"})
        keys = response.json().get("keys", []) if response.ok else []
        return [k for k in keys if isinstance(k, dict)]
    except (requests.RequestException, ValueError, AttributeError):
        return []
