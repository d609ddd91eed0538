"""Our Rasa channel for WhatsApp through Twilio (configured in credentials.yml as
`rasa_bot.whatsapp.WhatsAppInput`).

- `POST /webhooks/whatsapp/webhook`: Twilio's inbound messages. Verified with the twilio
  library's RequestValidator (403 otherwise), de-duplicated on MessageSid (persisted), then
  acknowledged at once with empty TwiML; the turn runs in the background, one at a time and
  in order per member.
- `POST /webhooks/whatsapp/status`: Twilio's delivery status callbacks (also verified).
- `GET /webhooks/whatsapp/`: health.

All settings come from the environment through stokvel.config, none from credentials.yml.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text
from urllib.parse import parse_qs

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from rasa_bot.blocking import in_db_thread
from rasa_bot.inbound import Inbound, as_member_text, parse_webhook
from rasa_bot.output import WhatsAppOutput
from rasa_bot.serial import SerialByKey
from stokvel.config import get_settings
from stokvel.errors import InvalidInput
from stokvel.notify import claim_inbound, record_status
from stokvel.notify.menus import take_choice
from stokvel.notify.sender import status_callback_url

log = logging.getLogger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
TEXT_ONLY = "Sorry, I can only read text for now. Please type your message."
WENT_WRONG = "Sorry, something went wrong on our side. Please try again in a minute."


def _form(request: Request) -> Dict[str, str]:
    # Not request.form: it drops blank fields (an empty Body or ProfileName), yet Twilio
    # signs them, so the signature would no longer match.
    fields = parse_qs(request.body.decode("utf-8"), keep_blank_values=True)
    return {key: values[0] for key, values in fields.items()}


def _signed_by_twilio(request: Request, public_url: str, form: Dict[str, str]) -> bool:
    """Twilio signs the exact URL it called (ours as the public sees it) and the form fields."""
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return False
    url = f"{public_url}?{request.query_string}" if request.query_string else public_url
    return RequestValidator(get_settings().twilio_auth_token).validate(url, form, signature)


class WhatsAppInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "whatsapp"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        return cls()

    def __init__(self) -> None:
        self.turns = SerialByKey()

    def get_output_channel(self) -> OutputChannel:
        return WhatsAppOutput()

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        bp = Blueprint("whatsapp_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            form = _form(request)
            if not _signed_by_twilio(request, get_settings().webhook_public_url, form):
                log.warning("Rejected a WhatsApp webhook without a valid Twilio signature")
                return response.text("Forbidden: invalid Twilio signature.", status=403)
            try:
                message = parse_webhook(form)
            except InvalidInput as error:
                return response.text(error.message, status=400)
            if not message.message_sid:
                return response.text("MessageSid is required.", status=400)
            if await in_db_thread(claim_inbound, message.message_sid, message.number):
                self.turns.submit(message.number, lambda: self._handle(message, on_new_message))
            else:
                log.info("Ignored duplicate WhatsApp message %s", message.message_sid)
            return response.text(EMPTY_TWIML, content_type="text/xml")

        @bp.route("/status", methods=["POST"])
        async def status(request: Request) -> HTTPResponse:
            form = _form(request)
            if not _signed_by_twilio(request, status_callback_url(), form):
                return response.text("Forbidden: invalid Twilio signature.", status=403)
            if not form.get("MessageSid") or not form.get("MessageStatus"):
                return response.text("MessageSid and MessageStatus are required.", status=400)
            code = form.get("ErrorCode")
            await in_db_thread(
                record_status,
                form["MessageSid"],
                form["MessageStatus"],
                int(code) if code and code.isdigit() else None,
                form.get("ErrorMessage"),
            )
            return response.empty()

        return bp

    async def _handle(
        self, message: Inbound, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> None:
        output = WhatsAppOutput()
        try:
            if message.has_non_text:
                await output.send_text_message(message.number, TEXT_ONLY)
            if not message.text:
                return
            payload = await in_db_thread(take_choice, message.number, message.text)
            await on_new_message(
                UserMessage(
                    payload or as_member_text(message.text),
                    output,
                    message.number,
                    input_channel=self.name(),
                    message_id=message.message_sid,
                    metadata=message.metadata,
                )
            )
        except Exception:
            log.exception("WhatsApp message %s could not be handled", message.message_sid)
            await output.send_text_message(message.number, WENT_WRONG)
