"""python -m sandbox.twilio --port 4010 --webhook-url URL [--status-url URL]

The account SID and auth token are the product's (same env vars, same local secret file),
so the sandbox accepts the product's API calls and the product accepts its signatures.
"""

from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

import waitress

from sandbox.twilio.app import Config, create_app

ROOT = Path(__file__).resolve().parents[2]


def _auth_token(token_file: Path) -> str:
    """TWILIO_AUTH_TOKEN, else the local secret file the product generates (made here if the
    sandbox starts first: the same first-writer-wins rule as stokvel.config)."""
    if os.environ.get("TWILIO_AUTH_TOKEN"):
        return os.environ["TWILIO_AUTH_TOKEN"]
    if not token_file.exists():
        token_file.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(os.urandom(16).hex())
        except FileExistsError:
            pass
    return token_file.read_text().strip()


def main() -> None:
    var_dir = Path(os.environ.get("DIGISTOKVEL_VAR_DIR", ROOT / "var"))
    parser = argparse.ArgumentParser(prog="python -m sandbox.twilio", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4010)
    # The same default as the bot's settings: a stack moved to other ports (RASA_PORT) is
    # still reached.
    webhook = os.environ.get("WEBHOOK_PUBLIC_URL") or (
        f"http://localhost:{os.environ.get('RASA_PORT') or 5005}/webhooks/whatsapp/webhook")
    parser.add_argument("--webhook-url", default=webhook, help="the bot's inbound webhook")
    parser.add_argument("--status-url", default="", help="status callbacks for messages naming none")
    parser.add_argument("--account-sid", default=os.environ.get("TWILIO_ACCOUNT_SID") or "AC" + "0" * 32)
    parser.add_argument("--auth-token-file", type=Path, default=var_dir / "secrets" / "twilio_auth_token")
    parser.add_argument(
        "--whatsapp-number", default=os.environ.get("TWILIO_WHATSAPP_FROM") or "whatsapp:+14155238886"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s [twilio-sandbox] %(message)s")
    config = Config(
        account_sid=args.account_sid,
        auth_token=_auth_token(args.auth_token_file),
        webhook_url=args.webhook_url,
        status_url=args.status_url,
        whatsapp_number=args.whatsapp_number,
    )
    logging.info("Twilio sandbox on http://%s:%d (webhook %s)", args.host, args.port, args.webhook_url)
    waitress.serve(create_app(config), host=args.host, port=args.port, threads=64, _quiet=True)


if __name__ == "__main__":
    main()
