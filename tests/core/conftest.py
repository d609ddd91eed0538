"""Fixtures for the domain core: a database built by the Alembic migration, and a few
ready-made members and stokvels.

The migration runs once per test session into a template SQLite file; each test gets its
own copy, so tests are isolated and the suite stays fast.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime, time, timezone
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy.orm import Session

from stokvel.db import make_engine
from stokvel.services import grants, members, stokvels

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_REVISION = "0001_domain"


def migrate(url: str, revision: str = DOMAIN_REVISION) -> None:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, revision)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("core-db") / "template.db"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture
def db_url(migrated_template, tmp_path) -> str:
    path = tmp_path / "core.db"
    shutil.copy(migrated_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def session(db_url):
    engine = make_engine(db_url)
    with Session(engine, future=True) as s:
        yield s
    engine.dispose()


# --- ready-made people and stokvels ---------------------------------------------------------

ALICE, BONGI, CARO, DUMI = "+27821234567", "+27831234567", "+27841234567", "+27721234567"


def register(session: Session, number: str, name: str) -> None:
    members.register(session, number=number, name=name, surname="Test",
                     wallet_address=f"$wallet.example/{name.lower()}", language="en", consent=True)


def rules(**overrides) -> dict:
    base = dict(name="Mamelodi Savers", kind="rotating", contribution="R500",
                contribution_frequency="monthly", start_date=date(2026, 1, 31), max_members=4,
                payout_order="join_order", late_penalty="R50", grace_days=3,
                wallet_address="$wallet.example/mamelodi")
    base.update(overrides)
    return base


def activate(session: Session, membership, today: date) -> None:
    """Grant the membership's recurring contribution (as the grant-finish callback would)."""
    grant = grants.start(session, stokvel_id=membership.stokvel_id, purpose="contribution",
                         membership_id=membership.id, wallet_address="$wallet.example/x")
    grants.activate(session, grant.id, access_token="token", manage_url="https://auth.example/m/1",
                    today=today)
    # As if the member had granted on `today` (activation stamps the real clock).
    membership.activated_at = datetime.combine(today, time(9), tzinfo=timezone.utc)
    session.flush()


@pytest.fixture
def people(session):
    for number, name in ((ALICE, "Alice"), (BONGI, "Bongi"), (CARO, "Caro"), (DUMI, "Dumi")):
        register(session, number, name)
    return session


def join(session: Session, stokvel_id: int, number: str, admin: str = ALICE, today: date | None = None):
    """Apply, be approved and grant: an active membership."""
    from stokvel.services import applications

    application = applications.apply(session, number, stokvel_id=stokvel_id)
    membership = applications.approve(session, application.id, admin)
    activate(session, membership, today or date(2026, 1, 1))
    return membership


@pytest.fixture
def rotating(people):
    """A monthly rotating stokvel from 31 Jan 2026: Alice (admin), Bongi and Caro, all active."""
    session = people
    stokvel = stokvels.create(session, ALICE, rules())
    activate(session, stokvel.memberships[0], date(2026, 1, 1))
    join(session, stokvel.id, BONGI)
    join(session, stokvel.id, CARO)
    return stokvel
