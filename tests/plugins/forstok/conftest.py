"""Fixtures of the Forstok tests: a controllable clock, a served emulator, connectors on it."""

from __future__ import annotations

import sys
from pathlib import Path


def _prefer_repository_plugins() -> None:
    """Import ``plugins`` from the repository, not the ``tests/plugins`` namespace.

    pytest puts ``tests/`` on ``sys.path`` (rootdir conftest), where ``tests/plugins`` is a
    namespace package found before the editable install's finder runs. The lasting fix is
    ``pythonpath = ["."]`` in pyproject's pytest settings.
    """
    repository = str(Path(__file__).resolve().parents[3])
    if sys.path[:1] != [repository]:
        sys.path.insert(0, repository)
    shadowed = [name for name, module in sys.modules.items()
                if name.split(".")[0] == "plugins" and not getattr(module, "__file__", "")]
    for name in shadowed:
        del sys.modules[name]


_prefer_repository_plugins()

from collections.abc import Callable, Iterator  # noqa: E402 - after the import path fix
from datetime import UTC, datetime, timedelta  # noqa: E402 - after the import path fix
from typing import Any  # noqa: E402 - after the import path fix

import pytest  # noqa: E402 - after the import path fix

from framework.connectors import LinkContext  # noqa: E402 - after the import path fix
from framework.emulation import serve_in_thread  # noqa: E402 - after the import path fix
from plugins.forstok.connector import ForstokConnector  # noqa: E402 - after the import path fix
from plugins.forstok.emulator import ForstokEmulator  # noqa: E402 - after the import path fix

START = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


class Clock:
    """A test clock: fixed until advanced."""

    def __init__(self, start: datetime = START) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> datetime:
        self.moment += timedelta(**delta)
        return self.moment


@pytest.fixture
def clock() -> Clock:
    return Clock()


class Saved(dict):
    """Collects what the connector hands to ``save_credentials``."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def __call__(self, credentials: Any) -> None:
        self.calls += 1
        self.update(credentials)


def link_for(emulator: ForstokEmulator, saved: Callable[[Any], None] | None = None,
             **overrides: Any) -> LinkContext:
    info = emulator.credentials()
    settings = {key: info[key] for key in ("auth_url", "base_url", "seller_id", "user_id")}
    credentials = {"secret_key": info["secret_key"]}
    for key, value in overrides.items():
        (credentials if key in ("secret_key", "token") else settings)[key] = value
    return LinkContext(link_id="toko-forstok", settings=settings, credentials=credentials,
                       save_credentials=saved if saved is not None else (lambda _c: None))


@pytest.fixture
def saved() -> Saved:
    return Saved()


@pytest.fixture
def emulator(clock: Clock) -> Iterator[ForstokEmulator]:
    # no rate limit here, so bulk tests run at full speed; the limit has tests of its own
    with serve_in_thread(ForstokEmulator(seed=3, now=clock, rate_limit=None)) as running:
        yield running


@pytest.fixture
def connector(emulator: ForstokEmulator, saved: Saved, clock: Clock) -> Iterator[ForstokConnector]:
    with ForstokConnector(link_for(emulator, saved), clock=clock) as connector:
        yield connector


@pytest.fixture
def shop_and_warehouse(emulator: ForstokEmulator) -> tuple[int, int]:
    return emulator.add_shop("Shopee"), emulator.add_warehouse("Gudang Jakarta")
