"""Driving the sandbox provider from tests: start it as a real process on a free port, use its
admin API, and approve grants on its page the way a browser would."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import requests

from stokvel.config import ROOT
from stokvel.payments import verify_finish_hash


@dataclass
class Sandbox:
    base_url: str
    process: subprocess.Popen

    def admin(self, method: str, path: str, **json) -> requests.Response:
        response = requests.request(method, f"{self.base_url}/admin{path}", json=json or None, timeout=10)
        assert response.status_code < 300, response.text
        return response

    def create_wallet(self, name: str, balance: int = 0, asset_code: str = "ZAR", asset_scale: int = 2) -> str:
        return self.admin("POST", "/wallets", name=name, balance=balance, asset_code=asset_code,
                          asset_scale=asset_scale).json()["wallet_address"]

    def balance(self, name: str) -> int:
        return self.admin("GET", f"/wallets/{name}").json()["balance"]

    def set_clock(self, iso: str) -> None:
        self.admin("POST", "/clock", now=iso)

    def fault(self, mode: str, count: int = 1, path_prefix: str = "/", seconds: float = 2.0) -> None:
        self.admin("POST", "/faults", mode=mode, count=count, path_prefix=path_prefix, seconds=seconds)

    def reset(self) -> None:
        requests.delete(f"{self.base_url}/admin/faults", timeout=10)
        requests.delete(f"{self.base_url}/admin/clock", timeout=10)


def start_sandbox(db: Path, *extra: str) -> Sandbox:
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox.openpayments", "--port", "0", "--db", str(db), *extra],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line = process.stdout.readline()
    match = re.search(r"listening on [\d.]+:(\d+)", line)
    assert match, f"sandbox did not start: {line}{process.stdout.read() if process.poll() is not None else ''}"
    sandbox = Sandbox(base_url=f"http://localhost:{match.group(1)}", process=process)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{sandbox.base_url}/health", timeout=1).ok:
                return sandbox
        except requests.ConnectionError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("sandbox did not become healthy")


def stop(sandbox: Sandbox) -> None:
    sandbox.process.terminate()
    try:
        sandbox.process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        sandbox.process.kill()


FINISH_URI = "http://localhost:5000/grants/finish?grant=42"


def approve_grant(client, sandbox, wallet, **limits):
    """An outgoing-payment grant approved on the sandbox's page, its finish hash verified."""
    pending = client.start_outgoing_payment_grant(wallet, finish_uri=FINISH_URI, **limits)
    finish = approve_in_browser(pending.redirect, "accept")
    assert finish.status_code == 302
    location = urlsplit(finish.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == FINISH_URI.split("?")[0]
    query = parse_qs(location.query)
    assert query["grant"] == ["42"]  # our own query parameters survive
    assert verify_finish_hash(pending.client_nonce, pending.interact_nonce, query["interact_ref"][0],
                              pending.grant_endpoint, query["hash"][0])
    return client.continue_grant(pending.continuation, query["interact_ref"][0])


def approve_in_browser(redirect_url: str, decision: str = "accept") -> requests.Response:
    """Open the approval page and submit its form as a browser would; return the redirect."""
    browser = requests.Session()
    page = browser.get(redirect_url, timeout=10)
    assert page.status_code == 200, page.text
    form = _FormReader()
    form.feed(page.text)
    assert decision in form.choices, f"no {decision} button on the approval page"
    action = urljoin(page.url, form.action)
    return browser.post(action, data={form.choice_name: decision}, allow_redirects=False, timeout=10)


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.action, self.choice_name, self.choices = None, None, []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and attributes.get("method", "get").lower() == "post":
            self.action = attributes.get("action")
        if tag == "button" and attributes.get("type") == "submit":
            self.choice_name = attributes.get("name")
            self.choices.append(attributes.get("value"))
