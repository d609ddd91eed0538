"""Opening a personal link.

GET shows a "Continue" button and POST claims the link. Claiming on GET would let link
previewers and virus scanners, which fetch URLs before the member taps them, use up a
single-use link.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for

from forms_web.auth import start_session
from stokvel.links import LinkClaims, LinkError, claim_link, peek_link

bp = Blueprint("links", __name__)


# Where each purpose of link lands; the link's params fill the page's URL.
LANDING = {
    "register": "members.register",
    "profile": "members.profile",
    "create": "stokvels.create",
    "join": "joining.join",
    "approvals": "joining.approvals",
    "settings": "stokvels.settings",
    "statement": "statements.statement",
    "authorise": "grants.authorise",
}


def landing_url(claims: LinkClaims) -> str:
    return url_for(LANDING[claims.purpose], **claims.params)


def _refused(error: LinkError):
    return render_template("message.html", title="Link not valid", message=error.message), 403


@bp.get("/l/<token>")
def open_link(token: str):
    try:
        claims = peek_link(token)
    except LinkError as error:
        return _refused(error)
    return render_template("open_link.html", token=token, purpose=claims.purpose)


@bp.post("/l/<token>")
def claim(token: str):
    try:
        claims = claim_link(token)
    except LinkError as error:
        return _refused(error)
    start_session(claims)
    return redirect(landing_url(claims))
