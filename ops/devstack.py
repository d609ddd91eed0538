"""A throwaway local stack for browser tests and screenshots: a migrated temporary
database, the Twilio and payment sandboxes and the forms app as real processes on free
ports, all sharing one environment (the calling process gets it too, so it can make
personal links and read the database). Never the default ports, never var/digistokvel.db.
"""

from __future__ import annotations

import os
import secrets
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import requests

from ops import servers
from ops.servers import free_port

ROOT = Path(__file__).resolve().parent.parent

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
PHONE = {"width": 360, "height": 740}


@dataclass(frozen=True)
class Stack:
    forms: str
    twilio: str
    payments: str

    def whatsapp_to(self, number: str) -> list[str]:
        """What was sent to `number` on WhatsApp (template texts rendered), oldest first."""
        sent = requests.get(f"{self.twilio}/outbox", params={"to": f"whatsapp:{number}"}, timeout=5)
        sent.raise_for_status()
        return [message["body"] for message in sent.json()]

    def wallet(self, name: str, balance: int = 1_000_000) -> str:
        """A new ZAR wallet at the payment sandbox; its address."""
        created = requests.post(f"{self.payments}/admin/wallets", json={
            "name": name, "asset_code": "ZAR", "asset_scale": 2, "balance": balance}, timeout=5)
        created.raise_for_status()
        return created.json()["wallet_address"]


@contextmanager
def local_settings(tmp: Path) -> Iterator[dict[str, int]]:
    """Point this process's settings at a fresh database and secrets under `tmp`, migrated
    by Alembic; restored afterwards. Yields the free ports the servers will use."""
    from alembic import command
    from alembic.config import Config

    from stokvel.config import get_settings

    # "nobody": the bot's webhook, which is not started here; status callbacks find no one.
    ports = {name: free_port() for name in ("forms", "twilio", "payments", "nobody")}
    env = {
        "DATABASE_URL": f"sqlite:///{tmp / 'digistokvel.db'}",
        "DIGISTOKVEL_VAR_DIR": str(tmp / "var"),
        "SECRET_KEY": secrets.token_hex(32),
        "TWILIO_AUTH_TOKEN": secrets.token_hex(16),
        "FORMS_BASE_URL": f"http://127.0.0.1:{ports['forms']}",
        "TWILIO_API_BASE": f"http://127.0.0.1:{ports['twilio']}",
        "OPEN_PAYMENTS_PROVIDER_URL": f"http://127.0.0.1:{ports['payments']}",
        "WEBHOOK_PUBLIC_URL": f"http://127.0.0.1:{ports['nobody']}/webhooks/whatsapp/webhook",
        "LINK_TTL_SECONDS": "900",
    }
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    get_settings.cache_clear()
    try:
        command.upgrade(Config(str(ROOT / "alembic.ini")), "heads")
        yield ports
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        get_settings.cache_clear()


@contextmanager
def local_servers(tmp: Path, ports: dict[str, int]) -> Iterator[Stack]:
    """The sandboxes and the forms app, started with local_settings' environment."""
    from stokvel.payments import ensure_platform_registered

    env = dict(os.environ)
    payments = f"http://127.0.0.1:{ports['payments']}"
    with running("sandbox.twilio", ports["twilio"], env, tmp,
                 "--webhook-url", env["WEBHOOK_PUBLIC_URL"]) as twilio, \
            running("sandbox.openpayments", ports["payments"], env, tmp,
                    "--db", str(tmp / "openpayments.db"), "--public-url", payments):
        ensure_platform_registered()  # our platform's wallet and public key at the provider
        with running("forms_web", ports["forms"], env, tmp) as forms:
            yield Stack(forms=forms, twilio=twilio, payments=payments)


@contextmanager
def running(module: str, port: int, env: dict[str, str], log_dir: Path,
            *args: str) -> Iterator[str]:
    """`python -m module --port port *args` until the block ends; yields its base URL."""
    url = f"http://127.0.0.1:{port}"
    with servers.running([sys.executable, "-m", module, "--port", str(port), *args], env=env,
                         log=log_dir / f"{module}.log", health_url=f"{url}/health"):
        yield url


@contextmanager
def chromium():
    """Debian's Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def phone_page(browser, timeout_ms: int):
    """A fresh page in its own browser context, the size of a cheap phone's screen."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    try:
        yield page
    finally:
        context.close()


def open_link(page, url: str) -> None:
    """What a member does with a personal link: open it, tap Continue."""
    page.goto(url)
    page.get_by_role("button", name="Continue").click()
