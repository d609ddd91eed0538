"""WhatsApp numbers: one normal form (E.164) for every way a member's number arrives."""

from __future__ import annotations

import phonenumbers

from stokvel.errors import InvalidInput

DEFAULT_REGION = "ZA"


def normalise_number(text: str) -> str:
    """"0821234567", "+27 82 123 4567", "whatsapp:+27821234567" -> "+27821234567"."""
    raw = (text or "").strip()
    if raw.lower().startswith("whatsapp:"):
        raw = raw[len("whatsapp:"):].strip()
    try:
        parsed = phonenumbers.parse(raw, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        raise InvalidInput(f"'{text}' is not a phone number I recognise.") from None
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidInput(f"'{text}' is not a valid phone number.")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
