"""HTTP to Open Payments providers: timeouts, typed errors, and local host mapping.

Real providers are reached at the https URLs they publish. A local provider that serves
plain HTTP behind https identifiers (e.g. a Rafiki in docker) is reached through
`OPEN_PAYMENTS_HTTP_HOSTS`, a comma-separated mapping such as
`https://wallet.example=http://localhost:3000,https://auth.wallet.example=http://localhost:3006`.
The sandbox needs none: it publishes plain http URLs itself.

Requests are signed over the URL actually sent.
"""

from __future__ import annotations

import json
import os
from typing import Callable, Iterable

import requests

from stokvel.payments.errors import (
    GrantLimitExceeded, InsufficientFunds, InvalidProviderResponse, NotFoundAtProvider, PaymentError,
    ProviderRejected, ProviderTimeout, ProviderUnauthorized, ProviderUnavailable,
)

DEFAULT_TIMEOUT_SECONDS = 10.0

# A hook sees every exchange (used by contract tests to validate what goes over the wire).
Observer = Callable[[requests.PreparedRequest, requests.Response], None]


def parse_host_map(text: str) -> dict[str, str]:
    mapping = {}
    for pair in filter(None, (p.strip() for p in (text or "").split(","))):
        public, sep, local = pair.partition("=")
        if not sep or not public.strip() or not local.strip():
            raise ValueError(f"OPEN_PAYMENTS_HTTP_HOSTS entry {pair!r} is not public=local")
        mapping[public.strip().rstrip("/")] = local.strip().rstrip("/")
    return mapping


class Transport:
    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT_SECONDS,
                 host_map: dict[str, str] | None = None,
                 observers: Iterable[Observer] = ()):
        self.timeout = timeout
        self.host_map = dict(host_map or {})
        self.observers = list(observers)
        self.session = requests.Session()

    @classmethod
    def from_env(cls) -> "Transport":
        return cls(timeout=float(os.environ.get("OPEN_PAYMENTS_TIMEOUT_SECONDS") or DEFAULT_TIMEOUT_SECONDS),
                   host_map=parse_host_map(os.environ.get("OPEN_PAYMENTS_HTTP_HOSTS", "")))

    def local_url(self, url: str) -> str:
        for public, local in self.host_map.items():
            if url == public or url.startswith(public + "/"):
                return local + url[len(public):]
        return url

    def send(self, request: requests.PreparedRequest) -> requests.Response:
        """Send a prepared (already signed) request; raise a typed error unless 2xx."""
        try:
            response = self.session.send(request, timeout=self.timeout, allow_redirects=False)
        except requests.Timeout:
            raise ProviderTimeout(
                "The payment provider did not answer in time. We will check whether the "
                "payment went through before trying again.") from None
        except requests.ConnectionError:
            error = ProviderUnavailable(
                "We could not reach the payment provider right now. Please try again later.")
            error.outcome_unknown = False  # nothing reached the provider
            raise error from None
        for observe in self.observers:
            observe(request, response)
        if response.status_code >= 300:
            raise error_for(response)
        return response


def json_body(response: requests.Response) -> dict:
    try:
        document = response.json()
    except ValueError:
        raise InvalidProviderResponse(
            "The payment provider sent an answer we could not read.",
            status=response.status_code) from None
    if not isinstance(document, dict):
        raise InvalidProviderResponse("The payment provider sent an answer we could not read.",
                                      status=response.status_code)
    return document


def error_for(response: requests.Response) -> PaymentError:
    code = description = None
    try:
        error = json.loads(response.content or b"{}").get("error") or {}
        if isinstance(error, dict):
            code, description = error.get("code"), error.get("description")
    except (ValueError, AttributeError):
        pass
    status = response.status_code
    detail = dict(status=status, code=code, description=description)
    if status == 401:
        return ProviderUnauthorized(
            "The payment provider did not accept our authorisation. The wallet owner may "
            "need to approve access again.", **detail)
    if status == 403:
        if code == "insufficient_balance":
            return InsufficientFunds(
                "There is not enough money in the wallet for this payment. Nothing was paid.",
                **detail)
        return GrantLimitExceeded(
            "This payment is more than the wallet owner allowed for this period. Nothing was paid.",
            **detail)
    if status == 404:
        return NotFoundAtProvider("The payment provider could not find that.", **detail)
    if status >= 500:
        return ProviderUnavailable(
            "The payment provider had a problem. We will check whether the payment went "
            "through before trying again.", **detail)
    return ProviderRejected(
        "The payment provider refused the request" + (f": {description}" if description else "."),
        **detail)
