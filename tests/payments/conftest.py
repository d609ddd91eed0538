"""Fixtures for the payments tests: a real sandbox provider process on a free port, and
our platform's client configured against it (its own temporary key and settings)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from stokvel.config import get_settings
from stokvel.payments import OpenPaymentsClient, Transport, ensure_platform_registered, platform_client
from tests.payments.contract import ContractObserver
from tests.payments.sandbox_helpers import Sandbox, start_sandbox, stop


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory) -> Sandbox:
    instance = start_sandbox(tmp_path_factory.mktemp("openpayments") / "ledger.db", "--continue-wait", "1")
    yield instance
    stop(instance)


@pytest.fixture(autouse=True)
def _clean_sandbox_state(request):
    yield
    if "sandbox" in request.fixturenames:
        request.getfixturevalue("sandbox").reset()


@pytest.fixture(scope="session")
def platform_key_path(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("keys") / "platform.pem"


@pytest.fixture
def platform_settings(sandbox, platform_key_path, tmp_path, monkeypatch):
    """Settings pointing our platform at the sandbox, with its own key (never var/)."""
    monkeypatch.setenv("DIGISTOKVEL_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("OPEN_PAYMENTS_PROVIDER_URL", sandbox.base_url)
    monkeypatch.setenv("PLATFORM_WALLET_ADDRESS", f"{sandbox.base_url}/digistokvel")
    monkeypatch.setenv("PLATFORM_KEY_ID", "digistokvel-test-key")
    monkeypatch.setenv("PLATFORM_PRIVATE_KEY_PATH", str(platform_key_path))
    monkeypatch.delenv("OPEN_PAYMENTS_HTTP_HOSTS", raising=False)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def exchanges() -> list:
    """Every (operation, status) the contract-checked clients saw, across the session."""
    return []


@pytest.fixture
def client(platform_settings, exchanges) -> OpenPaymentsClient:
    """Our platform's client; every exchange it makes is validated against the 1.3.0 specs."""
    transport = Transport(timeout=5, observers=[ContractObserver(exchanges)])
    ensure_platform_registered(transport)
    return platform_client(transport)


_names = iter(range(1, 10**6))


@pytest.fixture
def unique():
    """A fresh wallet name per call: tests share one sandbox process."""
    return lambda prefix: f"{prefix}-{next(_names)}-{int(time.time() * 1000) % 10**8}"
