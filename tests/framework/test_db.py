from __future__ import annotations

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from framework.errors import ConfigError
from framework.storage.db import database_url, make_engine, migrate
from framework.storage.models import Base


def test_database_url_prefers_explicit_then_env_then_default(monkeypatch):
    monkeypatch.delenv("JEMBATAN_DATABASE_URL", raising=False)
    assert database_url() == "sqlite:///./jembatan.db"
    monkeypatch.setenv("JEMBATAN_DATABASE_URL", "sqlite:////tmp/env.db")
    assert database_url() == "sqlite:////tmp/env.db"
    assert database_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"


def test_plain_postgresql_url_means_psycopg3():
    assert database_url("postgresql://u:p@db:5432/j") == "postgresql+psycopg://u:p@db:5432/j"
    assert database_url("postgres://u@db/j") == "postgresql+psycopg://u@db/j"


@pytest.mark.parametrize("url", ["not a url", "mysql://x@y/z", "postgresql://host"])
def test_malformed_url_is_a_one_line_config_error_naming_it(url):
    with pytest.raises(ConfigError) as caught:
        database_url(url)
    message = str(caught.value)
    assert url in message and "expected" in message and "\n" not in message


def test_migrated_schema_matches_the_models_exactly(database_url):
    engine = make_engine(database_url)
    migrate(engine)
    migrate(engine)  # a second run is a no-op, not an error
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert diff == []
        assert set(inspect(connection).get_table_names()) == set(Base.metadata.tables) | {
            "alembic_version"}
    engine.dispose()


def test_sqlite_runs_in_wal_with_foreign_keys(sqlite_url):
    engine = make_engine(sqlite_url)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
    engine.dispose()


def test_sqlite_write_transactions_exclude_each_other(sqlite_url):
    engine = make_engine(sqlite_url)
    migrate(engine)
    path = sqlite_url.removeprefix("sqlite:///")
    with engine.connect() as first:
        first.execute(text("SELECT 1"))  # BEGIN IMMEDIATE: the write lock is ours now
        other = sqlite3.connect(path, timeout=0.05, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()
    engine.dispose()


def test_a_migration_never_waits_on_another_schemas_migration(postgres_url):
    # Advisory locks are shared by the whole database: an installation in another schema
    # that is migrating (holding its lock) must not hold this one's migration up.
    import threading

    from framework.storage.db import MIGRATION_LOCK
    from framework.testing.fixtures import postgres_base_url
    from framework.testing.schemas import connect, fresh_schema

    with fresh_schema(postgres_base_url(), "t_") as other_url, connect(other_url) as holder:
        holder.autocommit = False
        holder.execute(MIGRATION_LOCK)  # held until the transaction ends
        engine = make_engine(postgres_url)
        migrating = threading.Thread(target=migrate, args=(engine,), daemon=True)
        migrating.start()
        migrating.join(timeout=120)
        finished = not migrating.is_alive()
        holder.rollback()  # lets a waiting migration go on, so the thread always ends
        migrating.join(timeout=120)
        engine.dispose()
    assert finished
