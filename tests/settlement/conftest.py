"""Settlement tests run against the real payment sandbox and Twilio sandbox processes over
HTTP, on free ports, with their own temporary databases.

One sandbox pair serves the whole suite (starting them is the slow part); each test gets
its own copy of a migrated database and its own wallets (unique names), so tests do not
see each other. `World` builds members, a stokvel and real Open Payments grants approved
on the sandbox's approval page, exactly as a member would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from alembic import command
from alembic.config import Config
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ops.stack import free_port
from stokvel.config import get_settings
from stokvel.db import session_scope
from stokvel.models import LedgerEntry
from stokvel.money import Money
from stokvel.payments import ensure_platform_registered, platform_client
from stokvel.services import applications, grants, members, stokvels

ROOT = Path(__file__).resolve().parents[2]
# Short, so "the provider accepted, then never answered" costs the suite seconds, not minutes.
CLIENT_TIMEOUT_SECONDS = 1.5
# Tokens issued while a test sets up stay valid on the days it sweeps (start_day() is ten
# days ahead); a test moves the provider's clock further to see them expire.
TOKEN_TTL_DAYS = 30


def _wait_healthy(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with {process.returncode}")
        try:
            if requests.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not become healthy")


@dataclass
class Stack:
    payments_url: str
    twilio_url: str
    template_db: Path
    payments_command: list[str]
    processes: dict[str, subprocess.Popen]

    def start(self, name: str, command: list[str], url: str) -> None:
        process = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        self.processes[name] = process
        _wait_healthy(url, process)

    def stop(self, name: str) -> None:
        process = self.processes.pop(name)
        process.terminate()
        process.wait(timeout=10)

    def payments_down(self) -> None:
        """The provider's process stops: every call is refused until `payments_up`."""
        self.stop("payments")

    def payments_up(self) -> None:
        """The provider comes back with its ledger (faults and clock start afresh)."""
        self.start("payments", self.payments_command, self.payments_url)

    def admin(self, method: str, path: str, **kwargs) -> requests.Response:
        response = requests.request(method, f"{self.payments_url}/admin{path}", timeout=10, **kwargs)
        response.raise_for_status()
        return response

    def balance(self, name: str) -> int:
        return self.admin("GET", f"/wallets/{name}").json()["balance"]

    def set_balance(self, name: str, minor: int) -> None:
        self.admin("PUT", f"/wallets/{name}/balance", json={"balance": minor})

    def fault(self, mode: str, path_prefix: str, count: int = 1, seconds: float = 0) -> None:
        self.admin("POST", "/faults", json={"mode": mode, "path_prefix": path_prefix, "count": count,
                                           "seconds": seconds})

    def set_clock(self, day: date) -> None:
        """The provider's clock at the sweep's hour on `day` (06:00 SAST = 04:00 UTC)."""
        self.admin("POST", "/clock", json={"now": f"{day.isoformat()}T04:00:00+00:00"})

    def outbox(self, number: str) -> list[str]:
        messages = requests.get(f"{self.twilio_url}/outbox", params={"to": f"whatsapp:{number}"},
                                timeout=10).json()
        return [m.get("body") or m.get("content_variables") or "" for m in messages]


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    base = tmp_path_factory.mktemp("settlement")
    shm = Path(tempfile.mkdtemp(dir="/dev/shm")) if Path("/dev/shm").is_dir() else base
    payments_port, twilio_port = free_port(), free_port()
    saved = dict(os.environ)
    os.environ.update({
        "DIGISTOKVEL_VAR_DIR": str(base / "var"),
        "OPEN_PAYMENTS_PROVIDER_URL": f"http://localhost:{payments_port}",
        "OPEN_PAYMENTS_TIMEOUT_SECONDS": str(CLIENT_TIMEOUT_SECONDS),
        "TWILIO_API_BASE": f"http://localhost:{twilio_port}",
        "FORMS_BASE_URL": "http://forms.test",
        "DATABASE_URL": f"sqlite:///{base / 'template.db'}",
    })
    get_settings.cache_clear()
    get_settings()  # generates the local secrets both sandboxes read
    stack = Stack(
        payments_url=f"http://localhost:{payments_port}", twilio_url=f"http://localhost:{twilio_port}",
        template_db=base / "template.db", processes={},
        payments_command=[sys.executable, "-m", "sandbox.openpayments", "--port", str(payments_port),
                          "--db", str(shm / "openpayments.db"), "--continue-wait", "0",
                          "--token-ttl", str(TOKEN_TTL_DAYS * 86400)])
    try:
        stack.payments_up()
        stack.start("twilio", [sys.executable, "-m", "sandbox.twilio", "--port", str(twilio_port),
                               "--webhook-url", "http://localhost:9/unused"], stack.twilio_url)
        config = Config(str(ROOT / "alembic.ini"))
        config.set_main_option("script_location", str(ROOT / "migrations"))
        command.upgrade(config, "heads")
        ensure_platform_registered()
        yield stack
    finally:
        for name in list(stack.processes):
            stack.stop(name)
        os.environ.clear()
        os.environ.update(saved)
        get_settings.cache_clear()
        shutil.rmtree(shm, ignore_errors=True)


@pytest.fixture
def db(stack, tmp_path, monkeypatch):
    """This test's own database (a copy of the migrated template), in memory-backed /dev/shm
    when there is one: the sweep commits per payment and disk syncs would dominate."""
    folder = Path(tempfile.mkdtemp(dir="/dev/shm")) if Path("/dev/shm").is_dir() else tmp_path
    path = folder / "digistokvel.db"
    shutil.copy(stack.template_db, path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()
    shutil.rmtree(folder, ignore_errors=True)
    requests.delete(f"{stack.payments_url}/admin/faults", timeout=10)
    requests.delete(f"{stack.payments_url}/admin/clock", timeout=10)


@dataclass
class Person:
    number: str
    name: str
    wallet: str  # the sandbox wallet's name


@dataclass
class World:
    """Members with sandbox wallets, one stokvel, real grants."""

    stack: Stack
    prefix: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    people: list[Person] = field(default_factory=list)
    stokvel_id: int | None = None
    stokvel_wallet: str | None = None

    def wallet(self, name: str, balance: int) -> str:
        wallet = f"{self.prefix}-{name}"
        self.stack.admin("POST", "/wallets", json={"name": wallet, "asset_code": "ZAR", "asset_scale": 2,
                                                   "balance": balance})
        return wallet

    def url(self, wallet: str) -> str:
        return f"{self.stack.payments_url}/{wallet}"

    def person(self, name: str, balance: int) -> Person:
        number = f"+2782{len(self.people):03d}{int(self.prefix, 16) % 10000:04d}"
        wallet = self.wallet(name.lower(), balance)
        with session_scope() as session:
            members.register(session, number=number, name=name, surname="Test", wallet_address=self.url(wallet),
                             consent=True)
        person = Person(number, name, wallet)
        self.people.append(person)
        return person

    def create_stokvel(self, admin: Person, **rules) -> int:
        self.stokvel_wallet = self.wallet("pot", 0)
        fields = dict(name=f"Savers {self.prefix}", kind="rotating", contribution="R500",
                      contribution_frequency="monthly", max_members=10, payout_order="join_order",
                      late_penalty="R50", grace_days=3, wallet_address=self.url(self.stokvel_wallet),
                      max_collection_retries=2)
        fields.update(rules)
        with session_scope() as session:
            stokvel = stokvels.create(session, admin.number, fields)
            self.stokvel_id = stokvel.id
            membership_id = stokvel.memberships[0].id
        self.authorise(admin, membership_id)
        self.authorise_payouts()
        return self.stokvel_id

    def join(self, person: Person) -> None:
        admin = self.people[0]
        with session_scope() as session:
            application = applications.apply(session, person.number, stokvel_id=self.stokvel_id)
            membership_id = applications.approve(session, application.id, admin.number).id
        self.authorise(person, membership_id)

    def _approve(self, wallet: str, *, limit: Money, interval: str | None, purpose: str,
                 membership_id: int | None) -> None:
        """Ask for the grant, accept it on the sandbox's approval page, continue, store it."""
        client = platform_client()
        owner = client.resolve(self.url(wallet))
        pending = client.start_outgoing_payment_grant(owner, finish_uri="http://forms.test/finish",
                                                      debit_amount=limit, interval=interval)
        decided = requests.post(pending.redirect, data={"decision": "accept"}, allow_redirects=False, timeout=10)
        interact_ref = parse_qs(urlsplit(decided.headers["Location"]).query)["interact_ref"][0]
        grant = client.continue_grant(pending.continuation, interact_ref)
        with session_scope() as session:
            stored = grants.start(session, stokvel_id=self.stokvel_id, purpose=purpose, membership_id=membership_id,
                                  wallet_address=owner.id, limit=limit, interval=interval,
                                  client_nonce=pending.client_nonce)
            grants.activate(session, stored.id, access_token=grant.access_token.value,
                            manage_url=grant.access_token.manage)

    def authorise(self, person: Person, membership_id: int) -> None:
        with session_scope() as session:
            limit, interval = grants.contribution_terms(session, membership_id)
        self._approve(person.wallet, limit=limit, interval=interval, purpose="contribution",
                      membership_id=membership_id)

    def authorise_payouts(self) -> None:
        self._approve(self.stokvel_wallet, limit=Money(10**11), interval=None, purpose="payout",
                      membership_id=None)

    def balances(self) -> dict[str, int]:
        named = {p.name: self.stack.balance(p.wallet) for p in self.people}
        named["pot"] = self.stack.balance(self.stokvel_wallet)
        return named


@pytest.fixture
def world(stack, db) -> World:
    return World(stack)


def ledger_rows(kind: str | None = None) -> list[LedgerEntry]:
    with session_scope() as session:
        query = select(LedgerEntry).options(joinedload(LedgerEntry.member)).order_by(LedgerEntry.id)
        if kind:
            query = query.where(LedgerEntry.kind == kind)
        return list(session.execute(query).scalars())


def start_day() -> date:
    # A start in the near future: members joining today pay from the first period on.
    return date.today() + timedelta(days=10)


@pytest.fixture
def two_members(world, stack) -> date:
    """Alice (admin) and Bongi, R1 000 each, in a savings stokvel whose first collection day
    (returned) is where the provider's clock stands."""
    day = start_day()
    alice, bongi = world.person("Alice", 100_000), world.person("Bongi", 100_000)
    world.create_stokvel(alice, start_date=day, kind="savings", payout_frequency="yearly")
    world.join(bongi)
    stack.set_clock(day)
    return day
