"""The twilio library's REST client, pointed at Twilio or at the Twilio sandbox by
configuration alone, and message creation with retries.
"""

from __future__ import annotations

import logging
import time
from functools import lru_cache

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from stokvel.config import get_settings

log = logging.getLogger(__name__)
# The library logs every request and its headers at INFO: keep only its warnings.
_http_log = logging.getLogger("twilio.http_client.requests")
_http_log.setLevel(logging.WARNING)

TWILIO_API = "https://api.twilio.com"
ATTEMPTS = 4
BACKOFF_SECONDS = 0.5  # doubled after each failed attempt


class SandboxHttpClient(TwilioHttpClient):
    """Sends what the library addresses to https://api.twilio.com to the sandbox instead."""

    def __init__(self, base_url: str, **kwargs):
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")

    def request(self, method, url, *args, **kwargs):
        if url.startswith(TWILIO_API):
            url = self.base_url + url[len(TWILIO_API):]
        return super().request(method, url, *args, **kwargs)


@lru_cache(maxsize=4)
def _client(api_base: str, account_sid: str, auth_token: str) -> Client:
    if TWILIO_API in api_base:
        http = TwilioHttpClient(timeout=10, logger=_http_log)
    else:
        http = SandboxHttpClient(api_base, timeout=10, logger=_http_log)
    return Client(account_sid, auth_token, http_client=http)


def twilio_client() -> Client:
    s = get_settings()
    return _client(s.twilio_api_base, s.twilio_account_sid, s.twilio_auth_token)


def _retryable(error: Exception) -> bool:
    if isinstance(error, TwilioRestException):
        return error.status == 429 or error.status >= 500
    return isinstance(error, (requests.ConnectionError, requests.Timeout))


def create_message(**params):
    """`client.messages.create(**params)`, retried on 429, 5xx and network errors.

    Raises the last error once the attempts are used up (or at once for a 4xx: the
    request itself is wrong and would fail again).
    """
    delay = BACKOFF_SECONDS
    for attempt in range(1, ATTEMPTS):
        try:
            return twilio_client().messages.create(**params)
        except Exception as error:  # noqa: BLE001 - classified just below
            if not _retryable(error):
                raise
            log.warning("Twilio send attempt %d failed (%s); retrying in %.1fs", attempt, error, delay)
            time.sleep(delay)
            delay *= 2
    return twilio_client().messages.create(**params)
