"""Alembic environment: migrates the database that DATABASE_URL names."""

from logging.config import fileConfig

from alembic import context

from stokvel.config import get_settings
from stokvel.db import engine_for
from stokvel.schema import metadata

if context.config.config_file_name:
    fileConfig(context.config.config_file_name, disable_existing_loggers=False)

url = context.config.get_main_option("sqlalchemy.url") or get_settings().database_url


def run_offline() -> None:
    context.configure(url=url, target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    engine = engine_for(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    # Close the pooled connections: SQLite then folds its write-ahead log into the file, so
    # the migrated database is complete on disk (tests copy it as a template).
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
