"""Alembic environment: runs on the connection ``framework.storage.db.migrate`` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, text

from framework.storage.db import MIGRATION_LOCK
from framework.storage.models import Base


def _run(connection) -> None:  # noqa: ANN001 - alembic hands over a Connection
    context.configure(connection=connection, target_metadata=Base.metadata)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Workers starting together must not race to create the same tables.
            connection.execute(text(MIGRATION_LOCK))
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate through the caller's connection, or one made from ``sqlalchemy.url``."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(context.config.get_main_option("sqlalchemy.url"))
    with engine.connect() as fresh:
        _run(fresh)
        fresh.commit()


run_migrations_online()
