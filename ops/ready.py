"""Waits until every process of the local stack answers its health check, then says where
to chat. Runs as one of honcho's processes: it stays alive once all is up (honcho stops
everything when any process ends) and exits non-zero, stopping the stack, if something
never comes up.
"""

from __future__ import annotations

import os
import signal
import sys
import time

import requests

from stokvel.config import Settings, get_settings
from stokvel.payments import ensure_platform_registered

# A busy machine loads the Rasa model slowly: READY_TIMEOUT_SECONDS gives it longer.
TIMEOUT_SECONDS = int(os.environ.get("READY_TIMEOUT_SECONDS", "300"))


def health_checks(settings: Settings) -> dict[str, str]:
    actions = settings.action_server_url.removesuffix("/webhook")
    return {
        "payment sandbox": f"{settings.open_payments_provider_url}/health",
        "Twilio sandbox": f"{settings.twilio_api_base}/health",
        "action server": f"{actions}/health",
        # Rasa answers only once its model is loaded.
        "Rasa server": f"{settings.rasa_url}/",
        "web forms": f"{settings.forms_base_url}/health",
        "scheduler": f"http://localhost:{settings.scheduler_health_port}/health",
    }


def wait_for(name: str, url: str, deadline: float) -> None:
    while True:
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            sys.exit(f"{name} did not answer {url} within {TIMEOUT_SECONDS} s: see its log above.")
        time.sleep(0.5)


def main() -> None:
    settings = get_settings()
    started = time.monotonic()
    deadline = started + TIMEOUT_SECONDS
    for name, url in health_checks(settings).items():
        wait_for(name, url, deadline)
        print(f"  ok  {name:<16} {url}", flush=True)
    ensure_platform_registered()
    print(
        f"\nDigiStokvel is up ({time.monotonic() - started:.0f} s).\n"
        f"  Chat as a WhatsApp member:  {settings.twilio_api_base}/   (or `make chat` in another terminal)\n"
        f"  Web forms:                  {settings.forms_base_url}\n"
        f"  Payment sandbox:            {settings.open_payments_provider_url}\n"
        f"Press Ctrl-C to stop everything.",
        flush=True,
    )
    signal.pause()


if __name__ == "__main__":
    main()
