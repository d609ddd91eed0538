"""The resource server: incoming payments, quotes, outgoing payments, grant spent amounts.

Outgoing payments settle at once inside the sandbox's ledger: the payer is debited (never
below zero), the receiver credited, within the grant's limits for the current interval.
Creates carrying `metadata.idempotencyKey` already seen for that wallet return the first
resource again, unchanged, charging nothing twice.
"""

from __future__ import annotations

import datetime
import secrets
import uuid

from flask import Blueprint, jsonify, request
from sqlalchemy import func, select

from sandbox.openpayments import intervals
from sandbox.openpayments.common import (
    Problem, amount_doc, client_jwks, error, iso, local_wallet, parse_amount, provider, serialised,
    wallet_url,
)
from sandbox.openpayments.ledger import (
    Grant, IncomingPayment, OutgoingPayment, Quote, Token, Wallet, credit, debit,
)
from sandbox.openpayments.signatures import verify_request

bp = Blueprint("resources", __name__)
IDEMPOTENCY_FIELD = "idempotencyKey"
QUOTE_TTL = datetime.timedelta(minutes=5)


@bp.errorhandler(Problem)
def _problem(problem: Problem):
    return error(problem.status, problem.code, problem.description)


def _authorize(session, kind: str, action: str, wallet: Wallet | None = None) -> tuple[Grant, dict]:
    """The grant and access item allowing `action` on `kind` (for `wallet`), or 401/403."""
    header = request.headers.get("Authorization", "")
    value = header[len("GNAP "):] if header.startswith("GNAP ") else None
    token = session.execute(select(Token).where(Token.value == value)).scalar_one_or_none() if value else None
    if token is None or token.revoked:
        raise Problem(401, "invalid_token", "missing, unknown or revoked access token")
    if provider().now() >= token.expires_at:
        raise Problem(401, "invalid_token", "the access token has expired; rotate it")
    grant = session.get(Grant, token.grant_id)
    if grant.state != "finalized":
        raise Problem(401, "invalid_token", "the grant is no longer active")
    keys = [grant.client_jwk] if grant.client_jwk else client_jwks(session, grant.client)
    why = verify_request(request, keys)
    if why:
        raise Problem(401, "invalid_signature", why)
    for item in grant.access:
        if item.get("type") != kind or not ({action, f"{action}-all"} & set(item.get("actions", []))):
            continue
        if wallet is not None and item.get("identifier") and item["identifier"].rstrip("/") != wallet_url(wallet):
            continue
        return grant, item
    raise Problem(403, "forbidden", f"the access token does not allow {kind} {action} here")


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Problem(400, "invalid_request", "the body must be a JSON object")
    return body


def _body_wallet(session, body: dict) -> Wallet:
    wallet = local_wallet(session, body.get("walletAddress"))
    if wallet is None:
        raise Problem(400, "invalid_request", "walletAddress is not a wallet at this provider")
    return wallet


def _idempotency_key(body: dict) -> str | None:
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise Problem(400, "invalid_request", "metadata must be an object")
    key = (metadata or {}).get(IDEMPOTENCY_FIELD)
    return str(key) if key is not None else None


# -- incoming payments ---------------------------------------------------------------------
def incoming_doc(session, payment: IncomingPayment, *, with_methods: bool = True) -> dict:
    wallet = session.get(Wallet, payment.wallet_id)
    doc = {"id": f"{provider().base_url}/incoming-payments/{payment.id}",
           "walletAddress": wallet_url(wallet), "completed": payment.completed,
           "receivedAmount": amount_doc(payment.received_amount, wallet),
           "createdAt": iso(payment.created_at)}
    if payment.incoming_amount is not None:
        doc["incomingAmount"] = amount_doc(payment.incoming_amount, wallet)
    if payment.expires_at is not None:
        doc["expiresAt"] = iso(payment.expires_at)
    if payment.meta:
        doc["metadata"] = payment.meta
    if with_methods:
        doc["methods"] = [{"type": "ilp", "ilpAddress": f"test.sandbox.{wallet.name}.{payment.id[:8]}",
                           "sharedSecret": secrets.token_urlsafe(32)}]
    return doc


@bp.post("/incoming-payments")
@serialised
def create_incoming_payment():
    body = _body()
    unknown = set(body) - {"walletAddress", "incomingAmount", "expiresAt", "metadata"}
    if unknown:
        raise Problem(400, "invalid_request", f"unexpected fields: {', '.join(sorted(unknown))}")
    with provider().sessions.begin() as session:
        wallet = _body_wallet(session, body)
        _authorize(session, "incoming-payment", "create", wallet)
        key = _idempotency_key(body)
        if key is not None:
            existing = session.execute(select(IncomingPayment).where(
                IncomingPayment.wallet_id == wallet.id, IncomingPayment.idempotency_key == key)).scalar_one_or_none()
            if existing is not None:
                return jsonify(incoming_doc(session, existing)), 201
        amount = parse_amount(body["incomingAmount"], wallet, "incomingAmount") if "incomingAmount" in body else None
        expires_at = None
        if "expiresAt" in body:
            try:
                expires_at = datetime.datetime.fromisoformat(str(body["expiresAt"]).replace("Z", "+00:00"))
            except ValueError:
                raise Problem(400, "invalid_request", "expiresAt must be a date-time") from None
        payment = IncomingPayment(id=str(uuid.uuid4()), wallet_id=wallet.id, incoming_amount=amount,
                                  received_amount=0, completed=False, expires_at=expires_at,
                                  meta=body.get("metadata"), idempotency_key=key,
                                  created_at=provider().now())
        session.add(payment)
        session.flush()
        return jsonify(incoming_doc(session, payment)), 201


def _incoming(session, payment_id: str) -> IncomingPayment:
    payment = session.get(IncomingPayment, payment_id)
    if payment is None:
        raise Problem(404, "not_found", "no such incoming payment")
    return payment


@bp.get("/incoming-payments/<payment_id>")
def get_incoming_payment(payment_id: str):
    with provider().sessions() as session:
        payment = _incoming(session, payment_id)
        wallet = session.get(Wallet, payment.wallet_id)
        if "Authorization" not in request.headers:  # the public view anyone may read
            return jsonify({"receivedAmount": amount_doc(payment.received_amount, wallet),
                            "authServer": provider().auth_server})
        _authorize(session, "incoming-payment", "read", wallet)
        return jsonify(incoming_doc(session, payment))


@bp.post("/incoming-payments/<payment_id>/complete")
@serialised
def complete_incoming_payment(payment_id: str):
    with provider().sessions.begin() as session:
        payment = _incoming(session, payment_id)
        _authorize(session, "incoming-payment", "complete", session.get(Wallet, payment.wallet_id))
        payment.completed = True
        return jsonify(incoming_doc(session, payment, with_methods=False))


# -- quotes -----------------------------------------------------------------------------------
def quote_doc(session, quote: Quote) -> dict:
    wallet = session.get(Wallet, quote.wallet_id)
    return {"id": f"{provider().base_url}/quotes/{quote.id}", "walletAddress": wallet_url(wallet),
            "receiver": f"{provider().base_url}/incoming-payments/{quote.incoming_payment_id}",
            "debitAmount": amount_doc(quote.debit_amount, wallet),
            "receiveAmount": amount_doc(quote.receive_amount, wallet),
            "method": "ilp", "createdAt": iso(quote.created_at), "expiresAt": iso(quote.expires_at)}


def _receiver(session, url) -> IncomingPayment:
    prefix = f"{provider().base_url}/incoming-payments/"
    payment = session.get(IncomingPayment, url[len(prefix):]) if isinstance(url, str) and url.startswith(prefix) else None
    if payment is None:
        raise Problem(400, "invalid_receiver", "receiver is not an incoming payment at this provider")
    if payment.completed or (payment.expires_at and provider().now() >= payment.expires_at):
        raise Problem(400, "invalid_receiver", "the incoming payment no longer accepts payments")
    return payment


@bp.post("/quotes")
@serialised
def create_quote():
    body = _body()
    p = provider()
    with p.sessions.begin() as session:
        wallet = _body_wallet(session, body)
        _authorize(session, "quote", "create", wallet)
        if body.get("method") != "ilp":
            raise Problem(400, "invalid_request", "method must be ilp")
        receiver = _receiver(session, body.get("receiver"))
        receiving_wallet = session.get(Wallet, receiver.wallet_id)
        if (receiving_wallet.asset_code, receiving_wallet.asset_scale) != (wallet.asset_code, wallet.asset_scale):
            raise Problem(400, "invalid_request", "the sandbox does not exchange currencies")
        if "debitAmount" in body and "receiveAmount" in body:
            raise Problem(400, "invalid_request", "give debitAmount or receiveAmount, not both")
        if "debitAmount" in body:
            debit_amount = parse_amount(body["debitAmount"], wallet, "debitAmount")
            receive_amount = debit_amount - p.quote_fee
        elif "receiveAmount" in body:
            receive_amount = parse_amount(body["receiveAmount"], wallet, "receiveAmount")
            debit_amount = receive_amount + p.quote_fee
        elif receiver.incoming_amount is not None:
            receive_amount = receiver.incoming_amount - receiver.received_amount
            debit_amount = receive_amount + p.quote_fee
        else:
            raise Problem(400, "invalid_request", "no amount given and the receiver expects none")
        if receive_amount <= 0:
            raise Problem(400, "invalid_request", "the amount does not cover the fee")
        if receiver.incoming_amount is not None and \
                receive_amount > receiver.incoming_amount - receiver.received_amount:
            raise Problem(400, "invalid_request", "more than the incoming payment still expects")
        quote = Quote(id=str(uuid.uuid4()), wallet_id=wallet.id, incoming_payment_id=receiver.id,
                      debit_amount=debit_amount, receive_amount=receive_amount,
                      created_at=p.now(), expires_at=p.now() + QUOTE_TTL)
        session.add(quote)
        session.flush()
        return jsonify(quote_doc(session, quote)), 201


@bp.get("/quotes/<quote_id>")
def get_quote(quote_id: str):
    with provider().sessions() as session:
        quote = session.get(Quote, quote_id)
        if quote is None:
            raise Problem(404, "not_found", "no such quote")
        _authorize(session, "quote", "read", session.get(Wallet, quote.wallet_id))
        return jsonify(quote_doc(session, quote))


# -- outgoing payments ------------------------------------------------------------------------
def outgoing_doc(session, payment: OutgoingPayment, spent: tuple[int, int] | None = None) -> dict:
    wallet = session.get(Wallet, payment.wallet_id)
    base = provider().base_url
    doc = {"id": f"{base}/outgoing-payments/{payment.id}", "walletAddress": wallet_url(wallet),
           "quoteId": f"{base}/quotes/{payment.quote_id}", "failed": False,
           "receiver": f"{base}/incoming-payments/{payment.incoming_payment_id}",
           "debitAmount": amount_doc(payment.debit_amount, wallet),
           "receiveAmount": amount_doc(payment.receive_amount, wallet),
           "sentAmount": amount_doc(payment.receive_amount, wallet),
           "createdAt": iso(payment.created_at)}
    if payment.meta:
        doc["metadata"] = payment.meta
    if spent is not None:
        doc["grantSpentDebitAmount"] = amount_doc(spent[0], wallet)
        doc["grantSpentReceiveAmount"] = amount_doc(spent[1], wallet)
    return doc


def _spent(session, grant: Grant, window) -> tuple[int, int]:
    query = select(func.coalesce(func.sum(OutgoingPayment.debit_amount), 0),
                   func.coalesce(func.sum(OutgoingPayment.receive_amount), 0)
                   ).where(OutgoingPayment.grant_id == grant.id)
    if window is not None:
        query = query.where(OutgoingPayment.created_at >= window[0], OutgoingPayment.created_at < window[1])
    debit_total, receive_total = session.execute(query).one()
    return int(debit_total), int(receive_total)


def _current_window(item: dict):
    """The interval the grant's limits apply to now; None means the grant's whole life."""
    interval = (item.get("limits") or {}).get("interval")
    if not interval:
        return None
    window = intervals.containing(interval, provider().now())
    if window is None:
        raise Problem(403, "insufficient_grant", "the grant's interval does not cover this moment")
    return window


@bp.post("/outgoing-payments")
@serialised
def create_outgoing_payment():
    body = _body()
    p = provider()
    with p.sessions.begin() as session:
        wallet = _body_wallet(session, body)
        grant, item = _authorize(session, "outgoing-payment", "create", wallet)
        key = _idempotency_key(body)
        if key is not None:
            existing = session.execute(select(OutgoingPayment).where(
                OutgoingPayment.wallet_id == wallet.id, OutgoingPayment.idempotency_key == key)).scalar_one_or_none()
            if existing is not None:
                return jsonify(outgoing_doc(session, existing)), 201
        quote_url = body.get("quoteId")
        prefix = f"{p.base_url}/quotes/"
        quote = session.get(Quote, quote_url[len(prefix):]) if isinstance(quote_url, str) and quote_url.startswith(prefix) else None
        if quote is None or quote.wallet_id != wallet.id:
            raise Problem(400, "invalid_quote", "quoteId is not a quote for this wallet")
        if p.now() >= quote.expires_at:
            raise Problem(400, "invalid_quote", "the quote has expired")
        if session.execute(select(OutgoingPayment).where(OutgoingPayment.quote_id == quote.id)).first():
            raise Problem(400, "invalid_quote", "the quote was already used")
        limits = item.get("limits") or {}
        receiver_url = f"{p.base_url}/incoming-payments/{quote.incoming_payment_id}"
        if limits.get("receiver") and limits["receiver"] != receiver_url:
            raise Problem(403, "insufficient_grant", "the grant does not allow paying this receiver")
        window = _current_window(item)
        spent_debit, spent_receive = _spent(session, grant, window)
        if "debitAmount" in limits and spent_debit + quote.debit_amount > int(limits["debitAmount"]["value"]):
            raise Problem(403, "insufficient_grant", "the payment exceeds what the grant allows for this interval")
        if "receiveAmount" in limits and spent_receive + quote.receive_amount > int(limits["receiveAmount"]["value"]):
            raise Problem(403, "insufficient_grant", "the payment exceeds what the grant allows for this interval")
        receiver = _receiver(session, receiver_url)
        if not debit(session, wallet, quote.debit_amount):
            raise Problem(403, "insufficient_balance", "the wallet does not hold enough money for this payment")
        credit(session, session.get(Wallet, receiver.wallet_id), quote.receive_amount)
        receiver.received_amount += quote.receive_amount
        if receiver.incoming_amount is not None and receiver.received_amount >= receiver.incoming_amount:
            receiver.completed = True
        payment = OutgoingPayment(id=str(uuid.uuid4()), wallet_id=wallet.id, grant_id=grant.id,
                                  quote_id=quote.id, incoming_payment_id=receiver.id,
                                  debit_amount=quote.debit_amount, receive_amount=quote.receive_amount,
                                  meta=body.get("metadata"), idempotency_key=key, created_at=p.now())
        session.add(payment)
        session.flush()
        return jsonify(outgoing_doc(session, payment, (spent_debit + quote.debit_amount,
                                                       spent_receive + quote.receive_amount))), 201


@bp.get("/outgoing-payments/<payment_id>")
def get_outgoing_payment(payment_id: str):
    with provider().sessions() as session:
        payment = session.get(OutgoingPayment, payment_id)
        if payment is None:
            raise Problem(404, "not_found", "no such outgoing payment")
        _authorize(session, "outgoing-payment", "read", session.get(Wallet, payment.wallet_id))
        return jsonify(outgoing_doc(session, payment))


@bp.get("/outgoing-payments")
def list_outgoing_payments():
    with provider().sessions() as session:
        wallet = local_wallet(session, request.args.get("wallet-address"))
        if wallet is None:
            raise Problem(400, "invalid_request", "wallet-address is not a wallet at this provider")
        _authorize(session, "outgoing-payment", "list", wallet)
        first = request.args.get("first", "10")
        if not first.isdigit() or not 1 <= int(first) <= 100:
            raise Problem(400, "invalid_request", "first must be a whole number from 1 to 100")
        first = int(first)
        query = select(OutgoingPayment).where(OutgoingPayment.wallet_id == wallet.id).order_by(
            OutgoingPayment.created_at, OutgoingPayment.id)
        if request.args.get("cursor"):
            after = session.get(OutgoingPayment, request.args["cursor"])
            if after is not None:
                query = query.where((OutgoingPayment.created_at > after.created_at) | (
                    (OutgoingPayment.created_at == after.created_at) & (OutgoingPayment.id > after.id)))
        rows = list(session.execute(query.limit(first + 1)).scalars())
        page, more = rows[:first], len(rows) > first
        info = {"hasNextPage": more, "hasPreviousPage": bool(request.args.get("cursor"))}
        if page:
            info.update(startCursor=page[0].id, endCursor=page[-1].id)
        return jsonify({"pagination": info, "result": [outgoing_doc(session, r) for r in page]})


@bp.get("/outgoing-payment-grant")
def outgoing_payment_grant():
    with provider().sessions() as session:
        grant, item = _authorize(session, "outgoing-payment", "read")
        wallet = local_wallet(session, item.get("identifier"))
        try:
            window = _current_window(item)
        except Problem:
            return jsonify({"spentDebitAmount": None, "spentReceiveAmount": None})
        spent_debit, spent_receive = _spent(session, grant, window)
        if not spent_debit:
            return jsonify({"spentDebitAmount": None, "spentReceiveAmount": None})
        return jsonify({"spentDebitAmount": amount_doc(spent_debit, wallet),
                        "spentReceiveAmount": amount_doc(spent_receive, wallet)})
