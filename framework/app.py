"""The application object: one installation's database, plugins, secrets and request gate.

Cheap to construct: the URL is checked at once (a malformed one is a one-line error), but
nothing connects, migrates or loads plugins until first used.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from .errors import ConfigError
from .plugins import PluginManager, make_plugin_manager
from .runtime.ratelimit import DatabaseGate
from .storage.db import database_url as resolve_database_url
from .storage.db import make_engine, make_session_factory, migrate
from .storage.secrets import SecretBox

PeriodicTask = tuple[float, Callable[["App"], Any]]


def safe_url(url: str) -> str:
    """The database URL with any password hidden, for messages."""
    return make_url(url).render_as_string(hide_password=True)


class App:
    """Everything a command, the runner or the web page needs, built lazily.

    Args:
        database_url: a checked database URL (see ``framework.storage.db.database_url``).
        plugin_modules: plugin modules to load instead of entry-point discovery.
        secrets: the box holding credentials; default key from env or key file.

    Attributes:
        periodic: ``(interval_seconds, callable(app))`` tasks the ``worker`` command runs
            next to the jobs (order polling, stock sync); the CLI fills it.
    """

    def __init__(self, database_url: str, plugin_modules: Iterable[str] | None = None,
                 secrets: SecretBox | None = None) -> None:
        self.database_url = database_url
        self.plugin_modules = list(plugin_modules) if plugin_modules is not None else None
        self.secrets = secrets or SecretBox()
        if self.secrets.stored_secrets is None:
            self.secrets.stored_secrets = self._links_with_credentials
        self.periodic: list[PeriodicTask] = []
        self._lock = threading.RLock()
        self._engine: Engine | None = None
        self._session_factory: sessionmaker[Session] | None = None

    @classmethod
    def create(cls, database_url: str | None = None, plugin_modules: Iterable[str] | None = None,
               secrets: SecretBox | None = None) -> App:
        """Build an ``App``; the URL defaults to ``JEMBATAN_DATABASE_URL`` or embedded SQLite.

        Raises:
            ConfigError: the database URL is malformed.
        """
        return cls(resolve_database_url(database_url), plugin_modules, secrets)

    @property
    def engine(self) -> Engine:
        """The engine, with the schema migrated to the newest revision on first use."""
        with self._lock:  # runner threads may all reach for it first at the same moment
            if self._engine is None:
                engine = make_engine(self.database_url)
                try:
                    migrate(engine)
                except OperationalError as error:
                    engine.dispose()
                    raise ConfigError(
                        f"cannot open the database {safe_url(self.database_url)}: "
                        f"{str(error.orig or error).splitlines()[0]}",
                        fix="check the server is running and the URL (--database or "
                            "JEMBATAN_DATABASE_URL)") from None
                self._engine = engine
                self._session_factory = make_session_factory(engine)
            return self._engine

    @property
    def session_factory(self) -> sessionmaker[Session]:
        """Sessions bound to ``engine``."""
        if self._session_factory is None:
            _ = self.engine
        assert self._session_factory is not None
        return self._session_factory

    @cached_property
    def plugins(self) -> PluginManager:
        """The started plugin manager (registries filled)."""
        return make_plugin_manager(self.plugin_modules)

    @cached_property
    def gate(self) -> DatabaseGate:
        """The request gate shared by every process using this database."""
        holder = f"{socket.gethostname()}:{os.getpid()}"
        return DatabaseGate(self.engine, self.plugins.registry, holder=holder)

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """Open a session; commit if the block succeeds, roll back if it raises."""
        with self.session_factory() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def _links_with_credentials(self) -> int:
        # A plain read on a raw connection: the caller may be inside a session that holds
        # SQLite's write lock (BEGIN IMMEDIATE), which a second session would wait on.
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT count(*) FROM link WHERE commerce_credentials <> '' "
                           "OR accounting_credentials <> ''")
            count = cursor.fetchone()[0]
            cursor.close()
            connection.rollback()
            return int(count or 0)
        finally:
            connection.close()

    def close(self) -> None:
        """Release the database connections (if any were made)."""
        if self._engine is not None:
            self._engine.dispose()
