"""The web-forms test stack (ops.devstack): a migrated temporary database, and real
processes on free ports (Twilio sandbox, payment sandbox, the forms app) sharing its
settings. The test process gets the same environment, so it can make personal links
(`stokvel.links.make_link`) and look at the database the servers write."""

from __future__ import annotations

import pytest

from ops.devstack import chromium, phone_page, local_servers, local_settings


@pytest.fixture(scope="package")
def test_env(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("web")
    with local_settings(tmp) as ports:
        yield tmp, ports


@pytest.fixture(scope="package")
def stack(test_env):
    with local_servers(*test_env) as servers:
        yield servers


@pytest.fixture(scope="package")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser):
    with phone_page(browser, timeout_ms=10_000) as page:
        yield page
