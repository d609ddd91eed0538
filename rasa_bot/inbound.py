"""Reading one Twilio WhatsApp webhook (form fields) into what the bot needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Mapping

from stokvel.phone import normalise_number


@dataclass(frozen=True)
class Inbound:
    message_sid: str
    number: str  # E.164, the conversation id in Rasa
    text: str
    metadata: Dict[str, Any] = field(default_factory=dict)

    @property
    def has_non_text(self) -> bool:
        """A picture, voice note, document or location: things the bot cannot read yet."""
        return bool(self.metadata.get("media") or self.metadata.get("location"))


def parse_webhook(form: Mapping[str, str]) -> Inbound:
    """Twilio's fields -> Inbound. Raises stokvel.errors.InvalidInput for a bad sender."""
    media = [
        {"url": form.get(f"MediaUrl{i}", ""), "content_type": form.get(f"MediaContentType{i}", "")}
        for i in range(int(form.get("NumMedia") or 0))
    ]
    metadata: Dict[str, Any] = {
        "message_sid": form.get("MessageSid"),
        "profile_name": form.get("ProfileName"),
        "wa_id": form.get("WaId"),
    }
    if media:
        metadata["media"] = media
    if form.get("Latitude") and form.get("Longitude"):
        metadata["location"] = {
            "latitude": form.get("Latitude"),
            "longitude": form.get("Longitude"),
            "address": form.get("Address"),
            "label": form.get("Label"),
        }
    return Inbound(
        message_sid=form.get("MessageSid", ""),
        number=normalise_number(form.get("From", "")),
        text=(form.get("Body") or "").strip(),
        metadata={k: v for k, v in metadata.items() if v},
    )


def as_member_text(text: str) -> str:
    """Member text is only ever text: Rasa treats a message starting with "/" as an intent
    to trigger directly ("/pay{...}"), bypassing NLU. Drop the leading slashes so it is
    understood like any other words."""
    return text.lstrip("/").strip() if text.startswith("/") else text
