"""pytest plugin (entry point ``pytest11``) with fixtures for the core and for plugin authors.

- ``database_url``: runs the test on SQLite (a fresh file) and on PostgreSQL (a fresh schema,
  dropped afterwards, so tests never see each other's rows). PostgreSQL is skipped only when
  the server is unreachable and ``CI`` is unset; in CI an unreachable server fails the test.
- ``sqlite_url`` / ``postgres_url``: one of the two only.
- ``app``: an ``App`` on ``database_url`` with the ``memstore``/``membooks`` test plugins.
- ``app_with_receiver(...)``: a context manager for store plugins' webhook tests: an ``App``
  with the test plugins and one store plugin, its webhook receiver served in a thread.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from .schemas import connect, fresh_schema

ENV_TEST_POSTGRES_URL = "JEMBATAN_TEST_POSTGRES_URL"
DEFAULT_TEST_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TEST_PLUGINS = ("framework.testing.plugins",)


def postgres_base_url() -> str:
    """Return the PostgreSQL server tests use (``JEMBATAN_TEST_POSTGRES_URL``)."""
    return os.environ.get(ENV_TEST_POSTGRES_URL, DEFAULT_TEST_POSTGRES_URL)


@pytest.fixture(scope="session")
def _postgres_reachable() -> bool:
    import psycopg

    try:
        with connect(postgres_base_url()):
            return True
    except psycopg.OperationalError as error:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {postgres_base_url()} is unreachable in CI: {error}")
        return False


@pytest.fixture
def postgres_url(_postgres_reachable: bool) -> Iterator[str]:
    """A URL whose ``search_path`` is a fresh schema, dropped after the test."""
    if not _postgres_reachable:
        pytest.skip(f"PostgreSQL at {postgres_base_url()} is unreachable (set CI to fail)")
    with fresh_schema(postgres_base_url(), "t_") as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A URL of a fresh SQLite file."""
    return f"sqlite:///{tmp_path / 'jembatan.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """The test runs once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def secret_box(tmp_path: Path):  # noqa: ANN201 - framework.storage.secrets.SecretBox
    """A ``SecretBox`` with a key file in the test's temporary directory."""
    from framework.storage.secrets import SecretBox

    return SecretBox(key_path=tmp_path / "keys" / "secret.key")


@pytest.fixture
def app(database_url: str, secret_box) -> Iterator:  # noqa: ANN001
    """An ``App`` on ``database_url`` with the memstore/membooks plugins, memory reset."""
    from framework.app import App
    from framework.testing.plugins import reset_memory

    reset_memory()
    application = App.create(database_url, plugin_modules=TEST_PLUGINS, secrets=secret_box)
    try:
        yield application
    finally:
        application.close()
        reset_memory()


@contextlib.contextmanager
def app_with_receiver(database_url: str, secret_box, plugin: str) -> Iterator[tuple]:  # noqa: ANN001
    """Yield ``(app, receiver base URL)`` for a store plugin's webhook tests.

    The ``App`` has the test plugins and ``plugin`` (e.g. ``plugins.ginee.hooks:plugin``); its
    webhook receiver is served on a free port until the block ends.

    Args:
        database_url: where the app keeps its data.
        secret_box: the ``SecretBox`` for credentials.
        plugin: the store plugin under test, as ``module:object``.
    """
    from framework.app import App
    from framework.emulation import start_in_thread
    from framework.testing.plugins import reset_memory
    from framework.web import create_web_app

    reset_memory()
    application = App.create(database_url, secrets=secret_box,
                             plugin_modules=(*TEST_PLUGINS, plugin))
    try:
        web = start_in_thread(create_web_app(application))
        try:
            yield application, web.base_url
        finally:
            web.stop()
    finally:
        application.close()
        reset_memory()
