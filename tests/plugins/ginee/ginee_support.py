"""Helpers shared by the Ginee tests (conftest.py holds the fixtures built on them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from framework.connectors import LinkContext
from plugins.ginee.connector import GineeConnector
from plugins.ginee.emulator import GineeEmulator

START = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


@dataclass
class Clock:
    """A clock tests move by hand; emulator and connector share it."""

    moment: datetime = START
    log: list[datetime] = field(default_factory=list)

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> datetime:
        self.moment += timedelta(**delta)
        return self.moment


def make_connector(emulator: GineeEmulator, clock: Clock, **overrides: object) -> GineeConnector:
    creds = emulator.credentials()
    settings = {"base_url": emulator.base_url, "country": "ID"}
    credentials = {"access_key": creds["access_key"], "secret_key": creds["secret_key"]}
    for key, value in overrides.items():
        (credentials if key in credentials else settings)[key] = value
    link = LinkContext(link_id="toko-ginee", settings=settings, credentials=credentials)
    return GineeConnector(link, clock=clock)


@dataclass
class World:
    """A small store: two shops, two warehouses, three products."""

    shopee: str
    tokopedia: str
    main: str
    second: str
