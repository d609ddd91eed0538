"""The schema comes from the migration, matches the models, and runs both ways."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, create_engine, inspect

import stokvel.models  # noqa: F401  (puts the domain tables on Base.metadata)
from stokvel.db import Base
from tests.core.conftest import ROOT, migrate

DOMAIN_TABLES = ("members", "stokvels", "constitutions", "memberships", "invite_codes", "applications",
                 "payment_grants", "interest_earnings", "approval_requests", "ledger_entries")


def test_migration_creates_exactly_the_models_tables(db_url):
    """Autogenerate finds nothing to add, drop or alter between the migration and models.py."""
    domain = MetaData()
    for name in DOMAIN_TABLES:
        Base.metadata.tables[name].to_metadata(domain)
    engine = create_engine(db_url, future=True)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = compare_metadata(context, domain)
    assert diffs == []
    assert set(inspect(engine).get_table_names()) == set(DOMAIN_TABLES) | {"alembic_version"}


def test_downgrade_removes_everything(tmp_path):
    url = f"sqlite:///{tmp_path / 'down.db'}"
    migrate(url)
    from alembic import command
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url)
    command.downgrade(config, "base")
    tables = set(inspect(create_engine(url)).get_table_names())
    assert tables <= {"alembic_version"}


def test_migration_renders_for_postgresql(capsys):
    """Offline mode emits the SQL: it must be valid PostgreSQL DDL (no SQLite-only types)."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", "postgresql://user@localhost/digistokvel")
    command.upgrade(config, "0001_domain", sql=True)
    sql = capsys.readouterr().out
    assert "CREATE TABLE ledger_entries" in sql
    assert "BIGINT" in sql and "TIMESTAMP WITH TIME ZONE" in sql
    assert "CONSTRAINT ck_ledger_entries_status CHECK (status IN ('pending', 'completed', 'failed'))" in sql
