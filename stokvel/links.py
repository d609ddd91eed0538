"""Signed, expiring, single-use personal links to the web forms.

The bot sends a member a link such as `https://forms.example/l/<token>`. The token is
signed with `settings.secret_key` (itsdangerous), names the member's WhatsApp number and
what the link is for (its purpose, plus a few parameters such as a stokvel id), expires
after `settings.link_ttl_seconds` and can be claimed once: each token carries a random id
that `claim_link` records in `used_link_tokens`; a second claim finds it there and fails.

Usage:
    url = make_link("+27821234567", "register")
    url = make_link("+27821234567", "statement", stokvel_id=3)
    claims = peek_link(token)       # checks it, uses nothing up (a landing page)
    claims = claim_link(token)      # LinkClaims(number, purpose, params, token_id); once only
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Optional

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import Column, DateTime, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from stokvel.config import get_settings
from stokvel.db import Base, session_scope
from stokvel.errors import DomainError
from stokvel.phone import normalise_number

# What a personal link can open (the web forms map each to a page), and the parameters
# each needs.
PURPOSES = {
    "register": (),
    "profile": (),
    "create": (),
    "join": (),  # optionally invite_code="ABC234": opens that stokvel straight away
    "approvals": ("stokvel_id",),
    "authorise": ("stokvel_id",),
    "settings": ("stokvel_id",),
    "statement": ("stokvel_id",),
}

# Namespaces the signature: a token signed for anything else with the same key is refused.
_SALT = "digistokvel.personal-link.v1"


class UsedLinkToken(Base):
    """One row per claimed link: what makes a link single-use."""

    __tablename__ = "used_link_tokens"

    token_id = Column(String(32), primary_key=True)
    number = Column(String(20), nullable=False)
    purpose = Column(String(20), nullable=False)
    used_at = Column(DateTime(timezone=True), nullable=False)


class LinkError(DomainError):
    """A personal link that cannot be used; `.message` says why in plain words."""


class LinkInvalid(LinkError):
    def __init__(self) -> None:
        super().__init__(
            "This link is not valid. Please ask the DigiStokvel bot on WhatsApp for a new one."
        )


class LinkExpired(LinkError):
    def __init__(self) -> None:
        super().__init__(
            "This link has expired (links work for 15 minutes). "
            "Please ask the DigiStokvel bot on WhatsApp for a new one."
        )


class LinkUsed(LinkError):
    def __init__(self) -> None:
        super().__init__(
            "This link has already been used. Each link works once: "
            "please ask the DigiStokvel bot on WhatsApp for a new one."
        )


@dataclass(frozen=True)
class LinkClaims:
    number: str
    purpose: str
    params: dict[str, Any] = field(default_factory=dict)
    token_id: str = ""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().secret_key, salt=_SALT)


def make_token(number: str, purpose: str, **params: Any) -> str:
    """A signed token for `number` and `purpose`; params must be JSON-serialisable."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown link purpose {purpose!r}; expected one of {list(PURPOSES)}")
    missing = [name for name in PURPOSES[purpose] if name not in params]
    if missing:
        raise ValueError(f"a {purpose!r} link needs {', '.join(missing)}")
    payload = {"n": normalise_number(number), "p": purpose, "j": secrets.token_hex(16), "x": params}
    return _serializer().dumps(payload)


def make_link(number: str, purpose: str, **params: Any) -> str:
    """The absolute URL of a fresh personal link (on settings.forms_base_url)."""
    base = get_settings().forms_base_url.rstrip("/")
    return f"{base}/l/{make_token(number, purpose, **params)}"


def read_link(token: str) -> LinkClaims:
    """Verify signature and expiry without using the link up (for the landing page)."""
    try:
        payload = _serializer().loads(token, max_age=get_settings().link_ttl_seconds)
    except SignatureExpired as exc:
        raise LinkExpired() from exc
    except BadSignature as exc:
        raise LinkInvalid() from exc
    if not isinstance(payload, dict) or payload.get("p") not in PURPOSES:
        raise LinkInvalid()
    return LinkClaims(
        number=payload["n"], purpose=payload["p"], params=dict(payload["x"]), token_id=payload["j"]
    )


def peek_link(token: str) -> LinkClaims:
    """read_link, and LinkUsed if the link was claimed already; records nothing."""
    claims = read_link(token)
    with session_scope() as session:
        if _is_used(session, claims.token_id):
            raise LinkUsed()
    return claims


def claim_link(token: str, session: Optional[Session] = None) -> LinkClaims:
    """Verify the link and mark it used; a second claim of the same token raises LinkUsed.

    With no session, the claim is committed at once in its own unit of work, so a link
    stays used even if whatever the member does next fails.
    """
    claims = read_link(token)
    if session is None:
        with session_scope() as own:
            return _record_use(own, claims)
    return _record_use(session, claims)


def _is_used(session: Session, token_id: str) -> bool:
    return session.execute(
        select(UsedLinkToken.token_id).where(UsedLinkToken.token_id == token_id)
    ).first() is not None


def _record_use(session: Session, claims: LinkClaims) -> LinkClaims:
    if _is_used(session, claims.token_id):
        raise LinkUsed()
    try:
        # A savepoint, so that losing a race with a concurrent claim leaves the caller's
        # session usable; the primary key makes the race impossible to win twice.
        with session.begin_nested():
            session.add(
                UsedLinkToken(
                    token_id=claims.token_id,
                    number=claims.number,
                    purpose=claims.purpose,
                    used_at=datetime.now(timezone.utc),
                )
            )
    except IntegrityError as exc:
        raise LinkUsed() from exc
    return claims
