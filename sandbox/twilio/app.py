"""The Twilio sandbox's HTTP API (Flask)."""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path

from flask import Flask, jsonify, request, send_file

from sandbox.twilio.delivery import deliver_webhook, send_status_callbacks
from sandbox.twilio.errors import twilio_error
from sandbox.twilio.state import State, bare
from sandbox.twilio.templates import TEMPLATES, render

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
CONTENT_SID = re.compile(r"^HX[0-9a-fA-F]{32}$")
MAX_BODY = 1600
# WhatsApp: a free-form message outside the member's 24-hour window is not delivered.
OUTSIDE_WINDOW = 63016


@dataclass(frozen=True)
class Config:
    account_sid: str
    auth_token: str
    webhook_url: str  # the bot's inbound webhook
    status_url: str = ""  # status callbacks when a message names no StatusCallback
    whatsapp_number: str = "whatsapp:+14155238886"  # the bot's sender


def new_sid(prefix: str) -> str:
    return prefix + uuid.uuid4().hex


def create_app(config: Config) -> Flask:
    app = Flask(__name__)
    state = State()
    app.config["SANDBOX_STATE"] = state

    @app.get("/health")
    def health():
        return jsonify(status="ok")

    @app.get("/")
    def chat_page():
        return send_file(Path(__file__).parent / "static" / "chat.html")

    @app.post("/2010-04-01/Accounts/<account_sid>/Messages.json")
    def create_message(account_sid: str):
        state.record_request(
            {
                "method": request.method,
                "path": request.path,
                "user_agent": request.headers.get("User-Agent", ""),
                "form": request.form.to_dict(flat=False),
            }
        )
        auth = request.authorization
        if (
            account_sid != config.account_sid
            or auth is None
            or auth.username != config.account_sid
            or auth.password != config.auth_token
        ):
            return twilio_error(401, 20003, "Authenticate")
        fault = state.take_fault()
        if fault:
            return twilio_error(fault, 20500 if fault >= 500 else 20429, "Injected failure")
        form = request.form
        problem = _invalid_message(form, config)
        if problem:
            return twilio_error(400, *problem)
        message = _new_message(form, config)
        state.add_outbound(message)
        if form.get("Body") and not form.get("ContentSid") and not state.in_window(form["To"]):
            steps = [{"status": "queued"}, {"status": "failed", "error_code": OUTSIDE_WINDOW}]
        else:
            steps = [{"status": s} for s in ("queued", "sent", "delivered", "read")]
        send_status_callbacks(
            form.get("StatusCallback") or config.status_url,
            {
                "MessageSid": message["sid"],
                "SmsSid": message["sid"],
                "AccountSid": config.account_sid,
                "From": message["from"],
                "To": message["to"],
                "ApiVersion": "2010-04-01",
            },
            steps,
            config.auth_token,
            lambda step: state.update_outbound(
                message["sid"], status=step["status"], error_code=step.get("error_code")
            ),
        )
        return jsonify(_resource(message, config)), 201

    @app.get("/outbox")
    def outbox():
        return jsonify(state.sent_to(request.args.get("to")))

    @app.get("/requests")
    def api_requests():
        """Every Messages API request received, as sent (for contract tests)."""
        with state.lock:
            return jsonify(list(state.api_requests))

    @app.get("/conversation")
    def conversation():
        number = request.args.get("number", "")
        if not E164.match(number):
            return jsonify(error="number must be like +27821234567"), 400
        return jsonify(state.conversation(number))

    @app.post("/faults")
    def faults():
        """{"status": 503, "count": 2}: fail the next 2 Messages API calls with 503."""
        body = request.get_json(silent=True) or {}
        status, count = body.get("status"), body.get("count", 1)
        if not isinstance(status, int) or not 400 <= status <= 599 or not isinstance(count, int):
            return jsonify(error="give an HTTP error status (400-599) and a count"), 400
        with state.lock:
            state.faults.status, state.faults.remaining = status, count
        return jsonify(status=status, count=count)

    @app.post("/inbound")
    def inbound():
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return jsonify(error="send a JSON object"), 400
        number = str(body.get("from", "")).strip()
        if not E164.match(number):
            return jsonify(error="'from' must be a number like +27821234567"), 400
        text = body.get("body", "")
        if not isinstance(text, str):
            return jsonify(error="'body' must be text"), 400
        times, retries = body.get("duplicate", 1), body.get("retries", 0)
        if not isinstance(times, int) or not isinstance(retries, int) or times < 1 or retries < 0:
            return jsonify(error="'duplicate' must be 1 or more and 'retries' 0 or more"), 400
        sid = str(body.get("message_sid") or new_sid("SM"))
        form = _inbound_form(number, text, sid, body, config)
        state.record_inbound({"from": number, "body": text, "message_sid": sid, "at": time.time()})
        statuses = deliver_webhook(config.webhook_url, form, config.auth_token, times, retries)
        return jsonify(message_sid=sid, deliveries=statuses)

    return app


def _invalid_message(form, config: Config):
    """(code, message) for a request Twilio would refuse, or None."""
    to, sender = form.get("To", ""), form.get("From", "")
    if not to:
        return 21604, "A 'To' phone number is required."
    if not to.startswith("whatsapp:") or not E164.match(bare(to)):
        return 21211, f"Invalid 'To' Phone Number: {to}"
    if not sender and not form.get("MessagingServiceSid"):
        return 21603, "A 'From' phone number is required."
    if sender and sender != config.whatsapp_number:
        return 63007, "Twilio could not find a Channel with the specified From address"
    content_sid = form.get("ContentSid")
    if not form.get("Body") and not content_sid and not form.get("MediaUrl"):
        return 21619, "A text message body or media url must be specified."
    if len(form.get("Body", "")) > MAX_BODY:
        return 21617, "The concatenated message body exceeds the 1600 character limit."
    if content_sid and (not CONTENT_SID.match(content_sid) or content_sid not in TEMPLATES):
        return 21655, "The ContentSid is Invalid."
    if "ContentVariables" in form:
        try:
            variables = json.loads(form["ContentVariables"])
        except ValueError:
            variables = None
        if not isinstance(variables, dict):
            return 21656, "The ContentVariables Parameter is invalid."
    return None


def _new_message(form, config: Config) -> dict:
    content_sid = form.get("ContentSid")
    variables = json.loads(form.get("ContentVariables") or "{}")
    return {
        "sid": new_sid("SM"),
        "to": form["To"],
        "from": form.get("From") or config.whatsapp_number,
        "body": render(content_sid, variables) if content_sid else form.get("Body", ""),
        "content_sid": content_sid,
        "content_variables": variables if content_sid else None,
        "media_url": form.getlist("MediaUrl"),
        "status_callback": form.get("StatusCallback"),
        "status": "queued",
        "error_code": None,
        "at": time.time(),
    }


def _resource(message: dict, config: Config) -> dict:
    """The Message resource as Twilio's API returns it."""
    now = formatdate(usegmt=True)
    uri = f"/2010-04-01/Accounts/{config.account_sid}/Messages/{message['sid']}"
    return {
        "account_sid": config.account_sid,
        "api_version": "2010-04-01",
        "body": message["body"],
        "date_created": now,
        "date_sent": None,
        "date_updated": now,
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": message["from"],
        "messaging_service_sid": None,
        "num_media": str(len(message["media_url"])),
        "num_segments": "1",
        "price": None,
        "price_unit": None,
        "sid": message["sid"],
        "status": "queued",
        "subresource_uris": {"media": f"{uri}/Media.json"},
        "tags": None,
        "to": message["to"],
        "uri": f"{uri}.json",
    }


def _inbound_form(number: str, text: str, sid: str, body: dict, config: Config) -> dict:
    """The form fields Twilio posts to the webhook for a WhatsApp message."""
    form = {
        "SmsMessageSid": sid,
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": config.account_sid,
        "From": f"whatsapp:{number}",
        "To": config.whatsapp_number,
        "Body": text,
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsStatus": "received",
        "ApiVersion": "2010-04-01",
        "WaId": number.lstrip("+"),
        "ProfileName": str(body.get("profile_name") or ""),
        "MessageType": "text",
    }
    if body.get("media_url"):
        form.update(
            NumMedia="1",
            MediaUrl0=str(body["media_url"]),
            MediaContentType0=str(body.get("media_content_type") or "image/jpeg"),
            MessageType="image",
        )
    if body.get("latitude") is not None and body.get("longitude") is not None:
        form.update(Latitude=str(body["latitude"]), Longitude=str(body["longitude"]), MessageType="location")
    return form
