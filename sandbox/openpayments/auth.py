"""The GNAP authorization server: grant requests, the approval page, continue, tokens."""

from __future__ import annotations

import base64
import datetime
import hashlib
import secrets
import uuid
from html import escape
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, abort, jsonify, redirect, render_template_string, request
from sqlalchemy import select

from sandbox.openpayments import intervals
from sandbox.openpayments.common import (
    Problem, client_jwks, error, local_wallet, parse_amount, provider, serialised,
)
from sandbox.openpayments.ledger import Grant, Token
from sandbox.openpayments.signatures import verify_request

bp = Blueprint("auth", __name__)


@bp.errorhandler(Problem)
def _problem(problem: Problem):
    return error(problem.status, problem.code, problem.description)


def _client_of(body: dict) -> tuple[str | None, dict | None]:
    client = body.get("client")
    if isinstance(client, str):
        return client, None
    if isinstance(client, dict) and isinstance(client.get("walletAddress"), str):
        return client["walletAddress"], None
    if isinstance(client, dict) and isinstance(client.get("jwk"), dict):
        return None, client["jwk"]
    raise Problem(400, "invalid_client", "client must be a wallet address or {walletAddress} or {jwk}")


def _check_signature(session, grant_or_client) -> None:
    client, jwk = grant_or_client
    keys = [jwk] if jwk else client_jwks(session, client)
    why = verify_request(request, keys)
    if why:
        raise Problem(401, "invalid_client", why)


def _token_doc(token: Token, grant: Grant) -> dict:
    p = provider()
    return {"value": token.value, "manage": f"{p.auth_server}/token/{token.id}",
            "expires_in": max(int((token.expires_at - p.now()).total_seconds()), 0),
            "access": grant.access}


def _continue_doc(grant: Grant, wait: int | None = None) -> dict:
    doc = {"access_token": {"value": grant.continue_token},
           "uri": f"{provider().auth_server}/continue/{grant.continue_id}"}
    if wait is not None:
        doc["wait"] = wait
    return doc


def _issue_token(session, grant: Grant) -> Token:
    p = provider()
    token = Token(id=str(uuid.uuid4()), grant_id=grant.id, value=secrets.token_hex(20),
                  expires_at=p.now() + datetime.timedelta(seconds=p.token_ttl_seconds), revoked=False)
    session.add(token)
    return token


def _check_outgoing_access(session, item: dict) -> None:
    wallet = local_wallet(session, item.get("identifier"))
    if wallet is None:
        raise Problem(400, "invalid_request", "outgoing-payment access needs the identifier of a wallet here")
    limits = item.get("limits") or {}
    if "debitAmount" in limits and "receiveAmount" in limits:
        raise Problem(400, "invalid_request", "limits may set debitAmount or receiveAmount, not both")
    for name in ("debitAmount", "receiveAmount"):
        if name in limits:
            parse_amount(limits[name], wallet, f"limits.{name}")
    if "interval" in limits:
        try:
            intervals.parse(limits["interval"])
        except (ValueError, TypeError) as exc:
            raise Problem(400, "invalid_request", f"limits.interval: {exc}") from None


def finish_hash(grant: Grant) -> str:
    message = "\n".join([grant.client_nonce, grant.interact_nonce, grant.interact_ref,
                         provider().auth_server])
    return base64.b64encode(hashlib.sha256(message.encode()).digest()).decode()


@bp.post("/auth", strict_slashes=False)
@serialised
def grant_request():
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance((body.get("access_token") or {}).get("access"), list):
        raise Problem(400, "invalid_request", "access_token.access is required")
    client, jwk = _client_of(body)
    access = body["access_token"]["access"]
    p = provider()
    with p.sessions.begin() as session:
        _check_signature(session, (client, jwk))
        types = {item.get("type") for item in access if isinstance(item, dict)}
        if not types or not types <= {"incoming-payment", "quote", "outgoing-payment"}:
            raise Problem(400, "invalid_request", "unknown access type")
        interactive = "outgoing-payment" in types
        grant = Grant(id=str(uuid.uuid4()), client=client, client_jwk=jwk, access=access,
                      continue_id=str(uuid.uuid4()), continue_token=secrets.token_hex(16),
                      created_at=p.now(), state="finalized")
        if not interactive:
            session.add(grant)
            session.flush()
            token = _issue_token(session, grant)
            session.flush()
            return jsonify({"access_token": _token_doc(token, grant), "continue": _continue_doc(grant)})
        if jwk is not None:
            raise Problem(400, "invalid_client", "interactive grants need a client wallet address")
        for item in access:
            if item.get("type") == "outgoing-payment":
                _check_outgoing_access(session, item)
        interact = body.get("interact") or {}
        finish = interact.get("finish") or {}
        if "redirect" not in (interact.get("start") or []) or finish.get("method") != "redirect" \
                or not finish.get("uri") or not finish.get("nonce"):
            raise Problem(400, "invalid_request", "outgoing payments need interact.start redirect and a finish redirect")
        grant.state = "pending"
        grant.finish_uri, grant.client_nonce = finish["uri"], finish["nonce"]
        grant.interact_id, grant.interact_nonce = str(uuid.uuid4()), secrets.token_hex(16)
        grant.wait_until = p.now() + datetime.timedelta(seconds=p.continue_wait_seconds)
        session.add(grant)
        return jsonify({
            "interact": {"redirect": f"{p.auth_server}/interact/{grant.interact_id}/{grant.interact_nonce}",
                         "finish": grant.interact_nonce},
            "continue": _continue_doc(grant, p.continue_wait_seconds),
        })


APPROVAL_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Approve a payment allowance</title></head>
<body>
<h1>{{ client }} asks to take payments from your wallet</h1>
<p>Wallet: <strong>{{ wallet }}</strong></p>
<ul>{% for line in lines %}<li>{{ line }}</li>{% endfor %}</ul>
<form method="post" action="{{ action }}">
  <button type="submit" name="decision" value="accept">Accept</button>
  <button type="submit" name="decision" value="reject">Reject</button>
</form>
</body></html>"""


def _describe(item: dict) -> list[str]:
    limits = item.get("limits") or {}
    lines = []
    for name, words in (("debitAmount", "Up to"), ("receiveAmount", "Delivering up to")):
        if name in limits:
            a = limits[name]
            major = int(a["value"]) / (10 ** a["assetScale"])
            lines.append(f"{words} {a['assetCode']} {major:,.{a['assetScale']}f}")
    if "interval" in limits:
        start, _period, repetitions = intervals.parse(limits["interval"])
        period = limits["interval"].split("/")[-1]
        how_often = {"P1M": "every month", "P1W": "every week", "P7D": "every week",
                     "P1Y": "every year", "P1D": "every day"}.get(period, f"every {period}")
        times = "" if repetitions is None else f", {repetitions + 1} times"
        lines.append(f"{how_often} from {start:%d %B %Y}{times}")
    else:
        lines.append("once (no repeating interval)")
    return lines


def _pending_interaction(session, interact_id: str, nonce: str) -> Grant:
    grant = session.execute(select(Grant).where(Grant.interact_id == interact_id)).scalar_one_or_none()
    if grant is None or not secrets.compare_digest(grant.interact_nonce or "", nonce):
        abort(404)
    return grant


@bp.get("/auth/interact/<interact_id>/<nonce>")
def approval_page(interact_id: str, nonce: str):
    with provider().sessions() as session:
        grant = _pending_interaction(session, interact_id, nonce)
        if grant.state != "pending":
            return f"<p>This request was already {escape(grant.state)}.</p>", 409
        item = next(i for i in grant.access if i.get("type") == "outgoing-payment")
        client = urlsplit(grant.client).netloc + urlsplit(grant.client).path
        client_wallet = local_wallet(session, grant.client)
        return render_template_string(
            APPROVAL_PAGE, client=(client_wallet.public_name if client_wallet and client_wallet.public_name else client),
            wallet=item["identifier"], lines=_describe(item),
            action=f"{provider().auth_server}/interact/{interact_id}/{nonce}")


@bp.post("/auth/interact/<interact_id>/<nonce>")
@serialised
def decide(interact_id: str, nonce: str):
    decision = request.form.get("decision")
    if decision not in ("accept", "reject"):
        return "<p>Please choose Accept or Reject.</p>", 400
    with provider().sessions.begin() as session:
        grant = _pending_interaction(session, interact_id, nonce)
        if grant.state != "pending":
            return f"<p>This request was already {escape(grant.state)}.</p>", 409
        if decision == "reject":
            grant.state = "rejected"
            params = {"result": "grant_rejected"}
        else:
            grant.state, grant.interact_ref = "approved", str(uuid.uuid4())
            params = {"hash": finish_hash(grant), "interact_ref": grant.interact_ref}
        separator = "&" if urlsplit(grant.finish_uri).query else "?"
        return redirect(grant.finish_uri + separator + urlencode(params), code=302)


def _grant_by_continuation(session, continue_id: str) -> Grant:
    grant = session.execute(select(Grant).where(Grant.continue_id == continue_id)).scalar_one_or_none()
    if grant is None:
        raise Problem(404, "invalid_continuation", "unknown continuation")
    header = request.headers.get("Authorization", "")
    if not secrets.compare_digest(header, f"GNAP {grant.continue_token}"):
        raise Problem(401, "invalid_continuation", "wrong continuation token")
    _check_signature(session, (grant.client, grant.client_jwk))
    return grant


@bp.post("/auth/continue/<continue_id>")
@serialised
def continue_grant(continue_id: str):
    p = provider()
    with p.sessions.begin() as session:
        grant = _grant_by_continuation(session, continue_id)
        if grant.state == "rejected":
            raise Problem(401, "request_denied", "the wallet owner rejected this grant")
        if grant.state == "revoked":
            raise Problem(401, "invalid_continuation", "this grant was cancelled")
        if grant.wait_until and p.now() < grant.wait_until:
            raise Problem(400, "too_fast", "continued before the wait period")
        if grant.state == "pending":
            grant.wait_until = p.now() + datetime.timedelta(seconds=p.continue_wait_seconds)
            return jsonify({"continue": _continue_doc(grant, p.continue_wait_seconds)})
        interact_ref = (request.get_json(silent=True) or {}).get("interact_ref")
        if not interact_ref or not secrets.compare_digest(str(interact_ref), grant.interact_ref or ""):
            raise Problem(401, "invalid_continuation", "wrong interact_ref")
        token = None
        if grant.state == "finalized":  # a retried continue gets the token it was given
            token = session.execute(select(Token).where(Token.grant_id == grant.id, Token.revoked.is_(False))
                                    ).scalars().first()
        if token is None:
            grant.state = "finalized"
            token = _issue_token(session, grant)
            session.flush()
        return jsonify({"access_token": _token_doc(token, grant), "continue": _continue_doc(grant)})


@bp.delete("/auth/continue/<continue_id>")
@serialised
def cancel_grant(continue_id: str):
    with provider().sessions.begin() as session:
        grant = _grant_by_continuation(session, continue_id)
        grant.state = "revoked"
        for token in session.execute(select(Token).where(Token.grant_id == grant.id)).scalars():
            token.revoked = True
        return "", 204


def _managed_token(session, token_id: str) -> tuple[Token, Grant]:
    token = session.get(Token, token_id)
    header = request.headers.get("Authorization", "")
    if token is None or token.revoked or not secrets.compare_digest(header, f"GNAP {token.value}"):
        raise Problem(401, "invalid_client", "unknown or revoked token")
    grant = session.get(Grant, token.grant_id)
    if grant.state != "finalized":
        raise Problem(401, "invalid_client", "the grant is no longer active")
    _check_signature(session, (grant.client, grant.client_jwk))
    return token, grant


@bp.post("/auth/token/<token_id>")
@serialised
def rotate_token(token_id: str):
    """Expired tokens may be rotated (as at Rafiki); revoked ones may not."""
    with provider().sessions.begin() as session:
        token, grant = _managed_token(session, token_id)
        token.revoked = True
        fresh = _issue_token(session, grant)
        session.flush()
        return jsonify({"access_token": _token_doc(fresh, grant)})


@bp.delete("/auth/token/<token_id>")
@serialised
def revoke_token(token_id: str):
    with provider().sessions.begin() as session:
        token, _grant = _managed_token(session, token_id)
        token.revoked = True
        return "", 204
