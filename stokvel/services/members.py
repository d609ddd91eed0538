"""Members: one account per WhatsApp number."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from stokvel.errors import AlreadyExists, InvalidInput, NotFound
from stokvel.models import Member, utcnow
from stokvel.payments.wallet import wallet_address_url
from stokvel.phone import normalise_number

# Languages the assistant speaks or will speak; members pick one.
LANGUAGES = {"en": "English", "zu": "isiZulu", "xh": "isiXhosa", "st": "Sesotho", "af": "Afrikaans"}
_LANGUAGE_NAMES = {name.lower(): code for code, name in LANGUAGES.items()} | {
    "zulu": "zu", "xhosa": "xh", "sotho": "st", "english": "en", "afrikaans": "af",
}


def normalise_language(text: str | None) -> str:
    value = (text or "en").strip().lower()
    code = value if value in LANGUAGES else _LANGUAGE_NAMES.get(value)
    if code is None:
        choices = ", ".join(LANGUAGES.values())
        raise InvalidInput(f"I don't know the language '{text}'. Choose one of: {choices}.")
    return code


def _clean_name(text: str | None, what: str) -> str:
    value = " ".join((text or "").split())
    if not value:
        raise InvalidInput(f"Please give your {what}.")
    if len(value) > 80:
        raise InvalidInput(f"Your {what} is too long (80 characters at most).")
    return value


def find_by_number(session: Session, number: str) -> Member | None:
    return session.execute(
        select(Member).where(Member.number == normalise_number(number))
    ).scalar_one_or_none()


def get_by_number(session: Session, number: str) -> Member:
    """The member with this WhatsApp number; NotFound if they have not registered."""
    member = find_by_number(session, number)
    if member is None:
        raise NotFound("You are not registered with DigiStokvel yet. Say 'register' to sign up.")
    return member


def register(
    session: Session,
    *,
    number: str,
    name: str,
    surname: str,
    wallet_address: str,
    language: str = "en",
    consent: bool,
) -> Member:
    """Create the account for this number. Consent to the terms is required."""
    normalised = normalise_number(number)
    if not consent:
        raise InvalidInput("You need to agree to the terms before you can register.")
    member = Member(
        number=normalised,
        name=_clean_name(name, "name"),
        surname=_clean_name(surname, "surname"),
        wallet_address=wallet_address_url(wallet_address),
        language=normalise_language(language),
        consent_at=utcnow(),
    )
    if find_by_number(session, normalised) is not None:
        raise AlreadyExists("This WhatsApp number is already registered.")
    session.add(member)
    session.flush()
    return member


def update_profile(
    session: Session,
    number: str,
    *,
    name: str | None = None,
    surname: str | None = None,
    wallet_address: str | None = None,
    language: str | None = None,
) -> Member:
    """Change any of name, surname, wallet address, language (validated before any change)."""
    member = get_by_number(session, number)
    changes = {}
    if name is not None:
        changes["name"] = _clean_name(name, "name")
    if surname is not None:
        changes["surname"] = _clean_name(surname, "surname")
    if wallet_address is not None:
        changes["wallet_address"] = wallet_address_url(wallet_address)
    if language is not None:
        changes["language"] = normalise_language(language)
    for field, value in changes.items():
        setattr(member, field, value)
    session.flush()
    return member
