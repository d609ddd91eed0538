"""The schema comes from Alembic migrations alone, and the same migrations build the same
tables on SQLite (the default) and on PostgreSQL (selected by DATABASE_URL)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import sqlalchemy as sa

from ops.postgres import temporary_postgres
from ops.stack import ROOT
from stokvel.schema import metadata


def migrate(url: str, target: str = "heads", command: str = "upgrade") -> None:
    subprocess.run(
        [sys.executable, "-m", "alembic", command, target], cwd=ROOT, check=True, capture_output=True,
        env={**os.environ, "DATABASE_URL": url},
    )


def tables(url: str) -> set[str]:
    return set(sa.inspect(sa.create_engine(url, future=True)).get_table_names()) - {"alembic_version"}


@pytest.fixture(scope="module")
def postgres_url():
    with temporary_postgres() as url:
        yield url


def test_migrations_build_every_model_table_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    migrate(url)
    assert tables(url) == set(metadata.tables)


def test_migrations_build_the_same_tables_on_postgresql(tmp_path, postgres_url):
    sqlite_url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    migrate(sqlite_url)
    migrate(postgres_url)
    assert tables(postgres_url) == tables(sqlite_url)


def test_migrations_downgrade_to_nothing_and_up_again(postgres_url):
    migrate(postgres_url, "base", "downgrade")
    assert tables(postgres_url) == set()
    migrate(postgres_url)
    assert tables(postgres_url)
