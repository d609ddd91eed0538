"""Authorising a recurring contribution at the member's own wallet (an Open Payments
interactive outgoing-payment grant), and the wallet's finish redirect.

The finish redirect is trusted only once its GNAP hash verifies against the nonces we
stored when the grant started; then the grant is continued at the provider, the
membership activated and the member told on WhatsApp. Anything else changes nothing.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from forms_web import notices
from forms_web.auth import current_number, member_required
from forms_web.describe import long_date
from forms_web.forms import EmptyForm
from stokvel.config import get_settings
from stokvel.db import session_scope
from stokvel.payments import (
    Continuation, PaymentError, grant_endpoint, parse_repeating_interval, platform_client,
    verify_finish_hash,
)
from stokvel.services import grants, roles, stokvels

bp = Blueprint("grants", __name__)

_EVERY = {"P1W": "every week", "P2W": "every two weeks", "P1M": "every month"}
# Where "Try again" leads after a member rejected at their wallet.
RETRY = {"contribution": "grants.authorise", "payout": "grants.authorise_payouts"}


def _terms(session, stokvel_id: int, number: str):
    member, membership = roles.require_member(session, stokvel_id, number)
    limit, interval = grants.contribution_terms(session, membership.id)
    return member, membership, limit, interval


def _message(title: str, message: str, status: int = 200):
    return render_template("message.html", title=title, message=message), status


@bp.route("/stokvels/<int:stokvel_id>/authorise", methods=["GET", "POST"])
@member_required
def authorise(stokvel_id: int):
    number = current_number()
    with session_scope() as session:
        member, membership, limit, interval = _terms(session, stokvel_id, number)
        stokvel_name = stokvels.get(session, stokvel_id).name
        wallet_text, membership_id, status = member.wallet_address, membership.id, membership.status
    if status == "active":
        return _message("Already authorised",
                        f"Your contribution to {stokvel_name} is already authorised.")
    form = EmptyForm()
    if not form.validate_on_submit():
        repeat = parse_repeating_interval(interval)
        return render_template(
            "authorise.html", form=form, stokvel_name=stokvel_name, limit=limit,
            every=_EVERY[interval.rsplit("/", 1)[1]], first=long_date(repeat.start.date()),
            wallet=wallet_text)
    return _to_wallet(stokvel_id, "contribution", wallet_text, limit, interval, membership_id)


@bp.route("/stokvels/<int:stokvel_id>/authorise-payouts", methods=["GET", "POST"])
@member_required
def authorise_payouts(stokvel_id: int):
    """An admin lets the platform pay out of the stokvel's wallet (the pot)."""
    number = current_number()
    with session_scope() as session:
        roles.require_admin(session, stokvel_id, number)
        stokvel = stokvels.get(session, stokvel_id)
        stokvel_name, pot_wallet = stokvel.name, stokvel.wallet_address
        already = grants.active_payout_grant(session, stokvel_id) is not None
        limit, interval = grants.payout_terms(session, stokvel_id)
    if already:
        return _next_step(stokvel_id, "Payouts already authorised",
                          f"Payouts from {stokvel_name}'s wallet are already authorised.")
    form = EmptyForm()
    if not form.validate_on_submit():
        return render_template("authorise_payouts.html", form=form, stokvel_name=stokvel_name,
                               limit=limit, wallet=pot_wallet)
    return _to_wallet(stokvel_id, "payout", pot_wallet, limit, interval, None)


def _to_wallet(stokvel_id: int, purpose: str, wallet_text: str, limit, interval: str,
               membership_id: int | None):
    """Ask the wallet's provider for the allowance and send the browser there to approve."""
    client = platform_client()
    wallet = client.resolve(wallet_text)
    with session_scope() as session:
        grant_id = grants.start(
            session, stokvel_id=stokvel_id, purpose=purpose, wallet_address=wallet.id,
            membership_id=membership_id, limit=limit, interval=interval,
            auth_server=wallet.auth_server).id
    finish_uri = f"{get_settings().forms_base_url.rstrip('/')}/grants/finish?grant={grant_id}"
    try:
        pending = client.start_outgoing_payment_grant(
            wallet, finish_uri=finish_uri, debit_amount=limit, interval=interval)
    except PaymentError:
        with session_scope() as session:
            grants.reject(session, grant_id)
        raise
    with session_scope() as session:
        grant = grants.record_interaction(
            session, grant_id, interact_redirect=pending.redirect,
            interact_nonce=pending.interact_nonce, continue_uri=pending.continuation.uri,
            continue_token=pending.continuation.token)
        # The payments client draws the nonce it sends; the finish hash is checked against it.
        grant.client_nonce = pending.client_nonce
    return redirect(pending.redirect)


@bp.get("/grants/finish")
def finish():
    """Where the wallet sends the member back. Needs no session: the hash is the proof."""
    try:
        grant_id = int(request.args.get("grant", ""))
    except ValueError:
        return _message("Not recognised", "This page was opened without a valid authorisation "
                        "reference, so nothing was changed.", 400)
    with session_scope() as session:
        grant = grants.get(session, grant_id)
        stokvel_id, stokvel_name, purpose = grant.stokvel_id, grant.stokvel.name, grant.purpose
        number = grant.membership.member.number if grant.membership else None
        stored = dict(status=grant.status, client_nonce=grant.client_nonce,
                      interact_nonce=grant.interact_nonce, auth_server=grant.auth_server,
                      continue_uri=grant.continue_uri, continue_token=grant.continue_token)
    if stored["status"] != "pending":
        return _message("Nothing to do", f"This authorisation is already {stored['status']}; "
                        "nothing was changed.", 409)
    if request.args.get("result") == "grant_rejected":
        waiting = (f"your place in {stokvel_name} waits until you do" if purpose == "contribution"
                   else f"{stokvel_name} cannot pay anyone out until you do")
        return render_template(
            "message.html", title="Not authorised",
            message=f"You did not approve the payments at your wallet, so nothing changed: "
                    f"{waiting}.",
            retry=url_for(RETRY[purpose], stokvel_id=stokvel_id))
    interact_ref = request.args.get("interact_ref", "")
    if not verify_finish_hash(stored["client_nonce"], stored["interact_nonce"] or "", interact_ref,
                              grant_endpoint(stored["auth_server"] or ""),
                              request.args.get("hash")):
        return _message("Not verified", "We could not verify that this answer came from your "
                        "wallet, so nothing was changed. Please try again from a new link.", 400)
    continuation = Continuation(uri=stored["continue_uri"], token=stored["continue_token"])
    issued = platform_client().continue_grant(continuation, interact_ref)
    with session_scope() as session:
        grants.activate(
            session, grant_id, access_token=issued.access_token.value,
            manage_url=issued.access_token.manage,
            continue_uri=issued.continuation.uri if issued.continuation else None,
            continue_token=issued.continuation.token if issued.continuation else None)
    if purpose == "payout":
        return _next_step(stokvel_id, "Payouts authorised",
                          f"DigiStokvel may now pay each payout out of {stokvel_name}'s wallet.")
    if number:
        notices.contribution_authorised(number, stokvel_name)
    return render_template("authorised.html", stokvel_name=stokvel_name)


def _next_step(stokvel_id: int, title: str, message: str):
    """After the payout allowance, the admin authorises their own contribution."""
    return render_template("message.html", title=title, message=message,
                           next_url=url_for("grants.authorise", stokvel_id=stokvel_id),
                           next_label="Next: authorise your own contribution")
