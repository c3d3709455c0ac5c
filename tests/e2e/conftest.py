"""End-to-end fixtures: the three emulators on loopback, and the ``jembatan`` CLI against them.

Each test gets a fresh SQLite database, a running Accurate emulator and one store emulator
(Ginee or Forstok: every test runs for both), seeded by the demo's own world builder. Tests
drive jembatan only through its command line and assert on what the emulators now hold.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from framework.cli import build_cli
from framework.domain import OrderState
from jembatan_demo.world import (
    PAYOUT_ACCOUNT_MAP,
    WAREHOUSE,
    Store,
    World,
    link_settings,
    start_world,
)

S = OrderState

#: End-to-end modules fast enough for the quick subset (``pytest -m "not slow"``); every
#: other test here drives whole seed-guide stories through emulators at Accurate's real rate
#: limit, and is marked ``slow`` (CI runs them all).
QUICK_MODULES = frozenset({"test_cli_errors.py", "test_emulator_command.py"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark this folder's story tests ``slow``, all but ``QUICK_MODULES``."""
    here = Path(__file__).parent
    for item in items:
        path = Path(item.path)
        if path.parent == here and path.name not in QUICK_MODULES:
            item.add_marker(pytest.mark.slow)


@dataclass
class Jembatan:
    """The ``jembatan`` command line on one database, as an operator would type it."""

    database_url: str
    #: environment variables holding the secrets given as ``env:NAME`` (never literally)
    env: dict[str, str] = field(default_factory=dict)

    def secret(self, value: str) -> str:
        """Put ``value`` in an environment variable for the commands; return ``env:NAME``."""
        name = f"JEMBATAN_TEST_SECRET_{len(self.env)}"
        self.env[name] = value
        return f"env:{name}"

    def __call__(self, *args: str, input: str | None = None, ok: bool = True) -> Result:  # noqa: A002
        """Run ``jembatan ARGS``; with ``ok`` the exit status must be 0, else non-zero."""
        result = CliRunner().invoke(build_cli(), ["--database", self.database_url, *args],
                                    input=input, catch_exceptions=False, env=self.env)
        if ok:
            assert result.exit_code == 0, f"jembatan {' '.join(args)}:\n{result.output}"
        else:
            assert result.exit_code != 0, f"jembatan {' '.join(args)} succeeded:\n{result.output}"
        return result

    def fails(self, *args: str, input: str | None = None) -> str:  # noqa: A002
        """Run a command that must fail with one clear line (no traceback); return it."""
        result = self(*args, input=input, ok=False)
        assert "Traceback" not in result.output
        error_lines = [line for line in result.output.splitlines() if line.startswith("Error")]
        assert len(error_lines) == 1, result.output
        return error_lines[0]


@dataclass
class Scene:
    """One store linked (or about to be) to its Accurate database."""

    world: World
    store: Store
    jembatan: Jembatan

    @property
    def link(self) -> str:
        """The link id."""
        return self.store.link_id

    @property
    def accurate(self) -> Any:
        """The Accurate emulator."""
        return self.world.accurate

    def documents(self, kind: str) -> list[dict[str, Any]]:
        """What this link's Accurate database holds of ``kind``."""
        return self.accurate.documents(self.store.database_id, kind)

    def on_hand(self, sku: str) -> int:
        """Accurate's on-hand of ``sku`` in the bound warehouse."""
        return int(self.accurate.stock(self.store.database_id, sku, WAREHOUSE)[0])

    def store_stock(self, sku: str, warehouse: Any = None) -> int:
        """The store's stock of ``sku`` (default: the bound warehouse)."""
        return int(self.store.emulator.stock(warehouse or self.store.warehouse_id, sku))

    def create_link(self, *extra: str) -> None:
        """``jembatan link create`` with the emulators' settings and secrets."""
        self.jembatan(*self.create_link_args(self.link, *extra))

    def create_link_args(self, link_id: str, *extra: str) -> list[str]:
        """The arguments of ``jembatan link create LINK_ID`` for this store and database."""
        settings = link_settings(self.world, self.store)
        args = ["link", "create", link_id, "--store", self.store.platform, *extra]
        for option, key in (("--store-setting", "commerce_settings"),
                            ("--store-credential", "commerce_credentials"),
                            ("--accounting-setting", "accounting_settings"),
                            ("--accounting-credential", "accounting_credentials")):
            secret = "credential" in option
            args += [part for name, value in settings[key].items()
                     for part in (option, f"{name}="
                                  f"{self.jembatan.secret(value) if secret else value}")]
        return args

    def go_live(self, *features: str, products: bool = True) -> None:
        """Create the link, bind the warehouse, map accounts, switch ``features`` on and
        (unless ``products`` is false) push the store's products to Accurate."""
        self.create_link()
        self.jembatan("warehouses", "bind", "--link", self.link, str(self.store.warehouse_id),
                      WAREHOUSE)
        for role, number, channel in (("customer", "C.MARKETPLACE", ""), ("bank", "1101", ""),
                                      ("shipping_fee", "4102", ""), ("discount", "4103", ""),
                                      *PAYOUT_ACCOUNT_MAP):
            self.jembatan("accounts", "map", "--link", self.link, "--channel", channel, role,
                          number)
        for feature in features:
            self.jembatan("features", "set", "--link", self.link, feature, "on")
        if products:
            self.jembatan("products", "sync", "--link", self.link)

    def order(self, sku_count: int = 1, state: OrderState = S.PAID, quantity: int = 1,
              created_at: datetime | None = None, offset: int = 0) -> Any:
        """Create an order in the store of ``sku_count`` seeded SKUs; return its id."""
        skus = self.store.skus[offset:offset + sku_count]
        return self.store.emulator.create_order(
            self.store.shops[0], self.store.warehouse_id,
            [(sku, quantity, self.store.prices[sku]) for sku in skus],
            status=self.store.statuses[state], created_at=created_at)

    def move(self, order_id: Any, state: OrderState) -> None:
        """Move an order in the store."""
        self.store.emulator.advance_order(order_id, self.store.statuses[state])

    def sync(self) -> str:
        """Poll orders and drain the worker, as an operator would; return the poll's output."""
        polled = self.jembatan("orders", "sync", "--link", self.link).output
        self.jembatan("worker", "--burst")
        return polled

    def order_documents(self, kind: str, order_id: Any) -> list[dict[str, Any]]:
        """Accurate documents of ``kind`` that carry the store order's key."""
        number = self.order_number(order_id)
        return [d for d in self.documents(kind) if number in str(d)]

    def order_number(self, order_id: Any) -> str:
        """The store's order number of ``order_id`` (what the documents carry)."""
        for raw in self.store.emulator.orders():
            if str(raw.get("orderId") or raw.get("id")) == str(order_id):
                return str(raw.get("externalOrderSn") or raw["local_id"])
        raise AssertionError(f"no order {order_id} in the store emulator")


@pytest.fixture(params=["ginee", "forstok"])
def scene(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Scene]:
    """A fresh world for one store platform and a fresh jembatan database."""
    world = start_world(seed=11, products=25)
    store = next(s for s in world.stores if s.platform == request.param)
    try:
        yield Scene(world, store, Jembatan(f"sqlite:///{tmp_path / 'jembatan.db'}"))
    finally:
        world.stop()


def yesterday() -> datetime:
    """A moment well before any link created by a test went live."""
    return datetime.now(UTC) - timedelta(days=1)
