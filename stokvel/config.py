"""Settings for every process, read from environment variables (and `.env` if present).

Defaults run everything locally against the two sandboxes with no account anywhere.
Secrets are never defaults: the ones the local setup needs (link-signing key, the
sandbox Twilio auth token) are generated once into `var/secrets/` and reused, so the
repository holds none. Production sets them through the environment instead.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dotenv import load_dotenv

ROOT = Path(__file__).resolve().parent.parent


def _var_dir() -> Path:
    return Path(os.environ.get("DIGISTOKVEL_VAR_DIR", ROOT / "var"))


def local_secret(name: str, nbytes: int = 32) -> str:
    """A random secret generated on first use and kept in var/secrets/<name>.

    Every process on this machine reads the same file, so they agree without the
    secret ever being committed.
    """
    path = _var_dir() / "secrets" / name
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(nbytes)
    # O_EXCL: when two processes start at once, the first writer wins and the other re-reads.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(value)
    return value


DEFAULT_PORTS = {
    "payments": "4000",
    "twilio": "4010",
    "forms": "5000",
    "rasa": "5005",
    "actions": "5055",
    "scheduler": "5070",
}


def _env(name: str, default: str) -> str:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


@dataclass(frozen=True)
class Settings:
    var_dir: Path
    database_url: str
    timezone: str
    # Where each process listens / is reached.
    rasa_url: str
    action_server_url: str
    forms_base_url: str
    # Twilio (the sandbox by default).
    twilio_api_base: str
    twilio_account_sid: str
    twilio_auth_token: str
    twilio_whatsapp_from: str
    webhook_public_url: str
    # Open Payments: our platform's identity at the provider (the sandbox by default).
    open_payments_provider_url: str
    platform_wallet_address: str
    platform_key_id: str
    platform_private_key_path: Path
    # Web forms.
    secret_key: str
    link_ttl_seconds: int
    # Scheduler.
    sweep_time: str
    scheduler_health_port: int

    @property
    def twilio_sandbox(self) -> bool:
        return "api.twilio.com" not in self.twilio_api_base


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    load_dotenv(ROOT / ".env")
    var_dir = _var_dir()
    # Each process's port can be moved (tests run a whole second stack beside `make run`);
    # the URLs default to those ports on this machine.
    port = {name: _env(f"{name.upper()}_PORT", default) for name, default in DEFAULT_PORTS.items()}
    provider = _env("OPEN_PAYMENTS_PROVIDER_URL", f"http://localhost:{port['payments']}")
    return Settings(
        var_dir=var_dir,
        database_url=_env("DATABASE_URL", f"sqlite:///{var_dir / 'digistokvel.db'}"),
        timezone=_env("DIGISTOKVEL_TIMEZONE", "Africa/Johannesburg"),
        rasa_url=_env("RASA_URL", f"http://localhost:{port['rasa']}"),
        action_server_url=_env("ACTION_SERVER_URL", f"http://localhost:{port['actions']}/webhook"),
        forms_base_url=_env("FORMS_BASE_URL", f"http://localhost:{port['forms']}"),
        twilio_api_base=_env("TWILIO_API_BASE", f"http://localhost:{port['twilio']}"),
        twilio_account_sid=_env("TWILIO_ACCOUNT_SID", "AC" + "0" * 32),
        twilio_auth_token=_env("TWILIO_AUTH_TOKEN", "") or local_secret("twilio_auth_token", 16),
        twilio_whatsapp_from=_env("TWILIO_WHATSAPP_FROM", "whatsapp:+14155238886"),
        webhook_public_url=_env(
            "WEBHOOK_PUBLIC_URL", f"http://localhost:{port['rasa']}/webhooks/whatsapp/webhook"
        ),
        scheduler_health_port=int(port["scheduler"]),
        open_payments_provider_url=provider,
        platform_wallet_address=_env("PLATFORM_WALLET_ADDRESS", f"{provider}/digistokvel"),
        platform_key_id=_env("PLATFORM_KEY_ID", "digistokvel-key-1"),
        platform_private_key_path=Path(
            _env("PLATFORM_PRIVATE_KEY_PATH", str(var_dir / "secrets" / "platform_ed25519.pem"))
        ),
        secret_key=_env("SECRET_KEY", "") or local_secret("secret_key"),
        link_ttl_seconds=int(_env("LINK_TTL_SECONDS", "900")),
        sweep_time=_env("SWEEP_TIME", "06:00"),
    )
