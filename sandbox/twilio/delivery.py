"""Requests the sandbox makes as Twilio would: signed inbound webhooks and status callbacks."""

from __future__ import annotations

import logging
import threading
import time
from typing import Dict, List

import requests
from twilio.request_validator import RequestValidator

log = logging.getLogger(__name__)

STATUS_STEP_SECONDS = 0.2  # between two status callbacks of one message


def post_signed(url: str, form: Dict[str, str], auth_token: str) -> int:
    """POST `form` to `url` signed with X-Twilio-Signature; the HTTP status (0 if unreachable)."""
    signature = RequestValidator(auth_token).compute_signature(url, form)
    try:
        reply = requests.post(url, data=form, headers={"X-Twilio-Signature": signature}, timeout=15)
    except requests.RequestException as error:
        log.warning("Could not reach %s: %s", url, error)
        return 0
    return reply.status_code


def deliver_webhook(url: str, form: Dict[str, str], auth_token: str, times: int, retries: int) -> List[int]:
    """Deliver one inbound message `times` times (duplicates on demand), each retried up to
    `retries` times while the bot answers with an error, as Twilio retries. The statuses seen."""
    statuses = []
    for _ in range(times):
        for _attempt in range(retries + 1):
            statuses.append(post_signed(url, form, auth_token))
            if 200 <= statuses[-1] < 300:
                break
    return statuses


def send_status_callbacks(url: str, base_form: Dict[str, str], statuses: List[dict], auth_token: str, on_status) -> None:
    """In the background, report each status in turn (`{"status": ..., "error_code": ...}`)."""

    def run() -> None:
        for step in statuses:
            time.sleep(STATUS_STEP_SECONDS)
            on_status(step)
            form = dict(base_form, MessageStatus=step["status"], SmsStatus=step["status"])
            if step.get("error_code"):
                form["ErrorCode"] = str(step["error_code"])
            if url:
                post_signed(url, form, auth_token)

    threading.Thread(target=run, daemon=True).start()
