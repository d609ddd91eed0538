"""Who is using the site: a member's number, proven by claiming a personal link, kept in a
short signed session cookie (see create_app for its lifetime and flags)."""

from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import render_template, session

from stokvel.links import LinkClaims


def start_session(claims: LinkClaims) -> None:
    # A new link replaces whatever session the browser had (someone else's, perhaps).
    session.clear()
    session.permanent = True
    # The link proves the number; what the member may do with it, the domain core decides.
    session["number"] = claims.number


def current_number() -> str | None:
    return session.get("number")


def member_required(view: Callable) -> Callable:
    """Refuse a page to anyone who has not opened a personal link in the last 30 minutes."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_number():
            return (
                render_template(
                    "message.html",
                    title="Please open your link",
                    message="This page opens only from the personal link DigiStokvel sends "
                    "you on WhatsApp, and for 30 minutes after. Ask the bot for a new link.",
                ),
                401,
            )
        return view(*args, **kwargs)

    return wrapper
