"""`send_whatsapp`: the one way the product tells a member something on WhatsApp."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Dict, Optional

from twilio.base.exceptions import TwilioRestException

from stokvel.config import get_settings
from stokvel.db import session_scope
from stokvel.notify import templates
from stokvel.notify.inbound import now_utc, within_window
from stokvel.notify.models import OutboundMessage
from stokvel.notify.twilio_api import ATTEMPTS, create_message
from stokvel.phone import normalise_number

log = logging.getLogger(__name__)

MAX_BODY = 1600  # Twilio's limit for one message body


@dataclass(frozen=True)
class SendResult:
    sid: Optional[str]  # Twilio's message SID, None if Twilio never accepted it
    status: str  # "queued" (or later) on success, "failed" otherwise
    template: Optional[str] = None  # the template used, None for free-form text
    error: Optional[str] = None

    @property
    def ok(self) -> bool:
        return self.status != "failed"


def status_callback_url() -> str:
    """Our status endpoint, next to the public webhook URL Twilio already reaches."""
    return get_settings().webhook_public_url.rsplit("/", 1)[0] + "/status"


def send_whatsapp(
    number: str,
    text: str,
    *,
    template: Optional[str] = None,
    variables: Optional[Dict[str, str]] = None,
) -> SendResult:
    """Send `text` to `number` if their 24-hour window is open; otherwise send the approved
    `template` with `variables` (or, without a template, the generic `notice` template
    carrying `text`). Blocking: async callers run it in a thread."""
    number = normalise_number(number)
    if text and within_window(number):
        results = [_deliver(number, body=chunk) for chunk in _chunks(text)]
        return next((r for r in results if not r.ok), results[-1])
    name = template or templates.GENERIC
    values = variables if template else {"1": " ".join(text.split())}  # one line, as WhatsApp requires
    return _deliver(
        number,
        template=name,
        content_sid=templates.content_sid(name),
        content_variables=json.dumps(values or {}),
    )


def _chunks(text: str):
    """Split a long text at line breaks (or hard, for one overlong line) into sendable bodies."""
    chunk = ""
    for line in text.splitlines(keepends=True):
        while len(line) > MAX_BODY:
            if chunk:
                yield chunk
                chunk = ""
            yield line[:MAX_BODY]
            line = line[MAX_BODY:]
        if len(chunk) + len(line) > MAX_BODY:
            yield chunk
            chunk = ""
        chunk += line
    if chunk or not text:
        yield chunk


def _deliver(number: str, *, template: Optional[str] = None, **params) -> SendResult:
    settings = get_settings()
    now = now_utc()
    with session_scope() as session:
        row = OutboundMessage(
            number=number,
            body=params.get("body"),
            content_sid=params.get("content_sid"),
            content_variables=params.get("content_variables"),
            status="pending",
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        session.flush()
        row_id = row.id
    try:
        message = create_message(
            to=f"whatsapp:{number}",
            from_=settings.twilio_whatsapp_from,
            status_callback=status_callback_url(),
            **params,
        )
    except Exception as error:  # noqa: BLE001 - recorded and reported, never lost silently
        code = error.code if isinstance(error, TwilioRestException) else None
        reason = error.msg if isinstance(error, TwilioRestException) else str(error)
        log.error(
            "WhatsApp message %d to %s FAILED after up to %d attempts (Twilio code %s): %s",
            row_id, number, ATTEMPTS, code, reason,
        )
        _finish(row_id, sid=None, status="failed", error_code=code, error_message=reason)
        return SendResult(None, "failed", template, reason)
    _finish(row_id, sid=message.sid, status=message.status or "queued")
    return SendResult(message.sid, message.status or "queued", template)


def _finish(row_id: int, *, sid, status, error_code=None, error_message=None) -> None:
    with session_scope() as session:
        row = session.get(OutboundMessage, row_id)
        row.sid = sid
        row.status = status
        row.error_code = error_code
        row.error_message = error_message
        row.updated_at = now_utc()
