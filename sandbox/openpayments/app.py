"""The sandbox provider's Flask app: wallet addresses, the admin API, faults and the clock.

Routes are laid out like a Rafiki-based provider on one origin: wallet addresses at
`/{name}` (+ `/jwks.json`), the auth server at `/auth`, the resource server at the root
(`/incoming-payments`, `/quotes`, `/outgoing-payments`, `/outgoing-payment-grant`).
Clients discover all of it from the wallet address document.
"""

from __future__ import annotations

import datetime
import time

from flask import Flask, g, jsonify, request
from sqlalchemy import select

from sandbox.openpayments import auth, resources
from sandbox.openpayments.common import (
    RESERVED_NAMES, WALLET_NAME, Fault, Provider, error, provider, serialised, wallet_url,
)
from sandbox.openpayments.ledger import ClientKey, Wallet, open_ledger
from sandbox.openpayments.signatures import public_key

FAULT_MODES = ("error", "timeout", "accept_then_timeout")


def create_app(db_path: str, *, base_url: str | None = None, token_ttl_seconds: int = 600,
               continue_wait_seconds: int = 1, quote_fee: int = 0) -> Flask:
    app = Flask(__name__)
    app.extensions["openpayments"] = Provider(
        sessions=open_ledger(db_path), base_url=base_url, token_ttl_seconds=token_ttl_seconds,
        continue_wait_seconds=continue_wait_seconds, quote_fee=quote_fee)
    app.register_blueprint(auth.bp)
    app.register_blueprint(resources.bp)
    app.before_request(_inject_fault)
    app.after_request(_hang_after_commit)
    _register_admin(app)
    _register_wallet_addresses(app)  # last: `/<name>` must not shadow the routes above
    return app


# -- faults ---------------------------------------------------------------------------------
def _inject_fault():
    if request.path.startswith("/admin") or request.path == "/health":
        return None
    fault = provider().take_fault(request.path)
    if fault is None:
        return None
    if fault.mode == "error":
        return error(500, "internal_error", "injected fault")
    if fault.mode == "timeout":
        time.sleep(fault.seconds)  # the client has given up by now; nothing was done
        return error(503, "internal_error", "injected timeout")
    g.hang_seconds = fault.seconds  # accept_then_timeout: do the work, then hang
    return None


def _hang_after_commit(response):
    if getattr(g, "hang_seconds", None):
        time.sleep(g.hang_seconds)
    return response


# -- wallet addresses -------------------------------------------------------------------------
def _wallet_doc(wallet: Wallet) -> dict:
    p = provider()
    doc = {"id": wallet_url(wallet), "assetCode": wallet.asset_code, "assetScale": wallet.asset_scale,
           "authServer": p.auth_server, "resourceServer": p.base_url}
    if wallet.public_name:
        doc["publicName"] = wallet.public_name
    return doc


def _wallet(session, name: str) -> Wallet | None:
    return session.execute(select(Wallet).where(Wallet.name == name)).scalar_one_or_none()


def _register_wallet_addresses(app: Flask) -> None:
    @app.get("/health")
    def health():
        return jsonify({"status": "ok", "service": "openpayments-sandbox"})

    @app.get("/<name>")
    def wallet_address(name: str):
        with provider().sessions() as session:
            wallet = _wallet(session, name)
            if wallet is None:
                return error(404, "not_found", "no such wallet address")
            return jsonify(_wallet_doc(wallet))

    @app.get("/<name>/jwks.json")
    def wallet_keys(name: str):
        with provider().sessions() as session:
            wallet = _wallet(session, name)
            if wallet is None:
                return error(404, "not_found", "no such wallet address")
            keys = session.execute(select(ClientKey).where(ClientKey.wallet_id == wallet.id)).scalars()
            return jsonify({"keys": [k.jwk for k in keys]})


# -- admin ----------------------------------------------------------------------------------
def _json() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _whole(value, what: str, minimum: int = 0) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{what} must be a whole number of at least {minimum}")
    return value


def _register_admin(app: Flask) -> None:
    @app.post("/admin/wallets")
    @serialised
    def admin_create_wallet():
        body = _json()
        name = body.get("name")
        if not isinstance(name, str) or not WALLET_NAME.match(name) or name in RESERVED_NAMES:
            return error(400, "invalid_request", "name must be lower-case letters, digits, - or _")
        try:
            balance = _whole(body.get("balance", 0), "balance")
            scale = _whole(body.get("asset_scale", 2), "asset_scale")
        except ValueError as exc:
            return error(400, "invalid_request", str(exc))
        code = body.get("asset_code", "ZAR")
        with provider().sessions.begin() as session:
            wallet = _wallet(session, name)
            if wallet is not None:  # idempotent: an existing wallet is left as it is
                return jsonify({"wallet_address": wallet_url(wallet), "balance": wallet.balance}), 200
            wallet = Wallet(name=name, asset_code=str(code), asset_scale=scale, balance=balance,
                            public_name=body.get("public_name"))
            session.add(wallet)
            session.flush()
            return jsonify({"wallet_address": wallet_url(wallet), "balance": wallet.balance}), 201

    @app.get("/admin/wallets/<name>")
    def admin_get_wallet(name: str):
        with provider().sessions() as session:
            wallet = _wallet(session, name)
            if wallet is None:
                return error(404, "not_found", "no such wallet")
            return jsonify({"wallet_address": wallet_url(wallet), "balance": wallet.balance,
                            "asset_code": wallet.asset_code, "asset_scale": wallet.asset_scale})

    @app.put("/admin/wallets/<name>/balance")
    @serialised
    def admin_set_balance(name: str):
        try:
            balance = _whole(_json().get("balance"), "balance")
        except ValueError as exc:
            return error(400, "invalid_request", str(exc))
        with provider().sessions.begin() as session:
            wallet = _wallet(session, name)
            if wallet is None:
                return error(404, "not_found", "no such wallet")
            wallet.balance = balance
            return jsonify({"wallet_address": wallet_url(wallet), "balance": balance})

    @app.post("/admin/wallets/<name>/keys")
    @serialised
    def admin_register_key(name: str):
        jwk = _json().get("jwk")
        if not isinstance(jwk, dict) or not jwk.get("kid") or public_key(jwk) is None:
            return error(400, "invalid_request", "jwk must be an Ed25519 public JWK with a kid")
        with provider().sessions.begin() as session:
            wallet = _wallet(session, name)
            if wallet is None:
                return error(404, "not_found", "no such wallet")
            existing = session.execute(select(ClientKey).where(
                ClientKey.wallet_id == wallet.id, ClientKey.kid == jwk["kid"])).scalar_one_or_none()
            if existing is not None:
                if existing.jwk.get("x") != jwk["x"]:
                    return error(409, "conflict", "another key is registered under this kid")
                return jsonify({"keys": 1}), 200
            session.add(ClientKey(wallet_id=wallet.id, kid=jwk["kid"], jwk=jwk))
            return jsonify({"keys": 1}), 201

    @app.post("/admin/faults")
    def admin_add_fault():
        body = _json()
        if body.get("mode") not in FAULT_MODES:
            return error(400, "invalid_request", f"mode must be one of {', '.join(FAULT_MODES)}")
        try:
            count = _whole(body.get("count", 1), "count", 1)
        except ValueError as exc:
            return error(400, "invalid_request", str(exc))
        p = provider()
        with p.faults_lock:
            p.faults.append(Fault(mode=body["mode"], remaining=count,
                                  path_prefix=str(body.get("path_prefix", "/")),
                                  seconds=float(body.get("seconds", 5))))
        return jsonify({"faults": len(p.faults)}), 201

    @app.delete("/admin/faults")
    def admin_clear_faults():
        p = provider()
        with p.faults_lock:
            p.faults.clear()
        return "", 204

    @app.post("/admin/clock")
    def admin_set_clock():
        """Move the provider's clock (token expiry, quote expiry, grant intervals)."""
        try:
            now = datetime.datetime.fromisoformat(str(_json().get("now")).replace("Z", "+00:00"))
        except ValueError:
            return error(400, "invalid_request", "now must be an ISO 8601 date-time")
        if now.tzinfo is None:
            now = now.replace(tzinfo=datetime.timezone.utc)
        p = provider()
        p.clock_offset = now - datetime.datetime.now(datetime.timezone.utc)
        return jsonify({"now": p.now().isoformat()})

    @app.delete("/admin/clock")
    def admin_reset_clock():
        provider().clock_offset = datetime.timedelta(0)
        return "", 204
