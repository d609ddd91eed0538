"""The end-to-end stack: the real `make run` (ops.stack.LocalStack) on free ports with its
own var dir, once on the embedded SQLite database and once on a throw-away PostgreSQL."""

from __future__ import annotations

from contextlib import ExitStack

import pytest

from ops.devstack import chromium, phone_page
from ops.postgres import temporary_postgres
from ops.stack import LocalStack

STARTUP_SECONDS = 900


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def stack(request, tmp_path_factory):
    var_dir = tmp_path_factory.mktemp(f"e2e-{request.param}")
    with ExitStack() as cleanup:
        extra_env = {}
        if request.param == "postgresql":
            extra_env["DATABASE_URL"] = cleanup.enter_context(temporary_postgres())
        else:
            extra_env["DATABASE_URL"] = f"sqlite:///{var_dir / 'digistokvel.db'}"
        # Rasa loads its model slowly on a busy machine; the default suits an idle one.
        extra_env["READY_TIMEOUT_SECONDS"] = str(STARTUP_SECONDS)
        local = LocalStack(var_dir, extra_env=extra_env)
        cleanup.callback(local.kill)
        yield local.start(timeout=STARTUP_SECONDS + 60)


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser):
    with phone_page(browser, timeout_ms=20_000) as page:
        yield page
