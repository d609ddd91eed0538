"""Fixtures for the WhatsApp tests: a migrated temporary database, the Twilio sandbox and
a real `rasa run` with our credentials.yml and a tiny test assistant, each a subprocess
on a free port, reached over real HTTP."""

from __future__ import annotations

import fcntl
import hashlib
import itertools
import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from alembic import command
from alembic.config import Config

from ops.servers import free_port, start, stop
from stokvel.config import get_settings

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
ASSISTANT = Path(__file__).parent / "assistant"
MODELS = ROOT / "var" / "test-models"

_numbers = itertools.count(1)


def new_number() -> str:
    """A distinct, valid South African mobile number for each conversation in a run."""
    return f"+2782{os.getpid() % 1000:03d}{next(_numbers):04d}"


def wait_for_messages(sandbox_url: str, number: str, count: int, timeout: float = 30) -> list:
    """The bot's messages to `number` once there are at least `count` of them."""
    deadline = time.monotonic() + timeout
    while True:
        sent = requests.get(f"{sandbox_url}/outbox", params={"to": number}, timeout=5).json()
        if len(sent) >= count or time.monotonic() > deadline:
            return sent
        time.sleep(0.2)


@dataclass(frozen=True)
class Stack:
    tmp: Path
    env: dict
    sandbox_url: str
    rasa_port: int
    auth_token: str

    @property
    def webhook_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}/webhooks/whatsapp/webhook"

    def say(self, number: str, text: str, **options) -> dict:
        reply = requests.post(
            f"{self.sandbox_url}/inbound", json={"from": number, "body": text, **options}, timeout=20
        )
        assert reply.status_code == 200, reply.text
        return reply.json()


@pytest.fixture(scope="package")
def stack(tmp_path_factory):
    """Environment, database and Twilio sandbox shared by the WhatsApp tests (the Rasa
    server comes separately, from `bot`). Env changes end with this package."""
    tmp = tmp_path_factory.mktemp("whatsapp")
    sandbox_port, rasa_port = free_port(), free_port()
    token = secrets.token_hex(16)
    values = {
        "DATABASE_URL": f"sqlite:///{tmp / 'digistokvel.db'}",
        "DIGISTOKVEL_VAR_DIR": str(tmp / "var"),
        "TWILIO_API_BASE": f"http://127.0.0.1:{sandbox_port}",
        "TWILIO_AUTH_TOKEN": token,
        "WEBHOOK_PUBLIC_URL": f"http://127.0.0.1:{rasa_port}/webhooks/whatsapp/webhook",
    }
    with pytest.MonkeyPatch.context() as mp:
        for key, value in values.items():
            mp.setenv(key, value)
        get_settings.cache_clear()
        alembic = Config(str(ROOT / "alembic.ini"))
        alembic.set_main_option("script_location", str(ROOT / "migrations"))
        command.upgrade(alembic, "heads")
        env = dict(os.environ)
        sandbox = start(
            [sys.executable, "-m", "sandbox.twilio", "--port", str(sandbox_port),
             "--webhook-url", values["WEBHOOK_PUBLIC_URL"]],
            env=env, log=tmp / "sandbox.log", health_url=f"{values['TWILIO_API_BASE']}/health",
        )
        try:
            yield Stack(tmp, env, values["TWILIO_API_BASE"], rasa_port, token)
        finally:
            stop(sandbox)
    get_settings.cache_clear()


def _assistant_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted(ASSISTANT.rglob("*.yml")):
        digest.update(path.relative_to(ASSISTANT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="package")
def test_model(tmp_path_factory) -> Path:
    """The test assistant's model, trained once per content hash and cached in var/."""
    name = f"whatsapp-{_assistant_hash()}"
    model = MODELS / f"{name}.tar.gz"
    MODELS.mkdir(parents=True, exist_ok=True)
    with open(MODELS / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one training when several runs start together
        if not model.exists():
            cache = tmp_path_factory.mktemp("rasa-cache")
            training = subprocess.run(
                [str(BIN / "rasa"), "train", "--config", str(ASSISTANT / "config.yml"),
                 "--domain", str(ASSISTANT / "domain.yml"), "--data", str(ASSISTANT / "data"),
                 "--out", str(MODELS), "--fixed-model-name", name],
                cwd=cache, env=dict(os.environ, RASA_CACHE_DIRECTORY=str(cache)),
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600,
            )
            if training.returncode != 0 or not model.exists():
                raise RuntimeError(f"training the test assistant failed:\n{training.stdout[-3000:]}")
    return model


@pytest.fixture(scope="package")
def bot(stack: Stack, test_model: Path) -> Stack:
    """`rasa run` with our credentials.yml: the WhatsApp channel under test."""
    process = start(
        [str(BIN / "rasa"), "run", "--model", str(test_model), "--credentials",
         str(ROOT / "credentials.yml"), "--endpoints", str(ASSISTANT / "endpoints.yml"),
         "--interface", "127.0.0.1", "--port", str(stack.rasa_port)],
        env=stack.env, log=stack.tmp / "rasa.log",
        health_url=f"http://127.0.0.1:{stack.rasa_port}/webhooks/whatsapp/", timeout=300,
    )
    yield stack
    stop(process)


@pytest.fixture(autouse=True)
def _isolated(stack):
    """Every WhatsApp test runs against the temporary database and the sandbox."""
