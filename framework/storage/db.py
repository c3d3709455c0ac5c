"""Durable storage: the database URL, engines for SQLite and PostgreSQL, and migrations.

SQLite is the embedded default (one file, one writer at a time across processes); PostgreSQL
is for many workers on many machines. Both get the same schema from the Alembic revisions in
``framework/storage/migrations``, applied programmatically by ``migrate``.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import ConfigError

log = logging.getLogger(__name__)

DEFAULT_DATABASE_URL = "sqlite:///./jembatan.db"
ENV_DATABASE_URL = "JEMBATAN_DATABASE_URL"
EXPECTED_FORMS = "sqlite:///path/to/file.db or postgresql://user@host:5432/dbname"
#: how long a SQLite writer waits for another process's write transaction to end
SQLITE_BUSY_TIMEOUT_MS = 30_000
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def database_url(explicit: str | None = None) -> str:
    """Return the database URL to use, checked and normalised.

    Args:
        explicit: a URL given on the command line; otherwise ``JEMBATAN_DATABASE_URL``, then
            the embedded default ``sqlite:///./jembatan.db``.

    Raises:
        ConfigError: the URL cannot be parsed or names an unsupported database.
    """
    raw = explicit or os.environ.get(ENV_DATABASE_URL) or DEFAULT_DATABASE_URL
    return _normalise(_parse(raw)).render_as_string(hide_password=False)


def _parse(raw: str) -> URL:
    try:
        url = make_url(raw)
    except ArgumentError:
        raise ConfigError(f"malformed database URL {raw!r}; expected {EXPECTED_FORMS}") from None
    if url.get_backend_name() not in ("sqlite", "postgresql", "postgres"):
        raise ConfigError(f"unsupported database URL {raw!r}; expected {EXPECTED_FORMS}")
    if url.get_backend_name() != "sqlite" and not url.database:
        raise ConfigError(f"database URL {raw!r} names no database; expected {EXPECTED_FORMS}")
    return url


def _normalise(url: URL) -> URL:
    # psycopg 3 is the only PostgreSQL driver we ship with; plain postgresql:// means it.
    if url.get_backend_name() in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    return url


def is_sqlite(engine: Engine) -> bool:
    """Return whether ``engine`` talks to SQLite."""
    return engine.dialect.name == "sqlite"


def make_engine(url: str) -> Engine:
    """Create an engine tuned for jembatan's concurrency model.

    SQLite: WAL journal, a generous busy timeout, foreign keys on, and every transaction begun
    with ``BEGIN IMMEDIATE`` so that exactly one process writes at a time (no deadlocking
    read-then-write upgrades). PostgreSQL: psycopg 3, connections recycled.

    Args:
        url: a URL accepted by ``database_url``.
    """
    parsed = _normalise(_parse(url))
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    # No pre-ping: it doubles the round trips of the runner's many short transactions;
    # recycling connections covers servers that drop idle ones.
    try:
        return create_engine(parsed, pool_recycle=300, pool_size=10, max_overflow=20)
    except ModuleNotFoundError as error:  # the driver is an extra: say how to get it
        raise ConfigError(
            f"PostgreSQL needs its driver ({error.name}), which the default install leaves out",
            fix="pip install 'jembatan[postgres]'") from None


def _sqlite_engine(url: URL) -> Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        pool_size=10,
        max_overflow=20,
    )
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control away from pysqlite so that our BEGIN IMMEDIATE is the one used.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_on_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock up front: two processes can never both read and then
    # both try to upgrade to writing (which SQLite resolves by failing one of them).
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory; objects stay readable after commit (no expiry)."""
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(engine: Engine | None = None) -> Any:
    """Return an Alembic ``Config`` for jembatan's migrations, built in code (no ini file)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        config.set_main_option(
            "sqlalchemy.url",
            engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return config


#: serialises the migrations of one installation (its schema): advisory locks are shared by
#: the whole database, and another schema's installation must not wait on this one
MIGRATION_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended('jembatan-migrate:' || " \
                 "current_schema(), 0))"


def migrate(engine: Engine) -> None:
    """Bring the database schema to the newest revision (safe to call from many processes).

    Args:
        engine: the engine to migrate; PostgreSQL migrations hold an advisory lock so that
            workers starting together migrate once.
    """
    from alembic import command

    config = alembic_config(engine)
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        connection.commit()
    log.debug("database at %s migrated to head", engine.url.render_as_string())
