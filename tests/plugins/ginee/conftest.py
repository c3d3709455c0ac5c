"""Fixtures for the Ginee plugin's tests: a controllable clock, a running emulator, a connector."""

from __future__ import annotations

import sys
from pathlib import Path

# pytest's rootdir insertion puts tests/ on sys.path, where tests/plugins/ (no __init__.py) is
# a namespace package that shadows the real, editable-installed ``plugins`` package (the
# editable finder runs after the path finder). Put the repository first and forget a shadowed
# import. The lasting fix belongs in pyproject.toml (pytest ``pythonpath = ["."]``).
_ROOT = str(Path(__file__).resolve().parents[3])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)
if getattr(sys.modules.get("plugins"), "__file__", "") is None:
    for _name in [name for name in sys.modules if name == "plugins" or name.startswith("plugins.")]:
        del sys.modules[_name]

from collections.abc import Iterator  # noqa: E402 - after the path fix above

import pytest  # noqa: E402
from ginee_support import Clock, World, make_connector  # noqa: E402

from framework.emulation import serve_in_thread  # noqa: E402
from plugins.ginee.connector import GineeConnector  # noqa: E402
from plugins.ginee.emulator import GineeEmulator  # noqa: E402


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def emulator(clock: Clock) -> Iterator[GineeEmulator]:
    # The rate limit is off here so bulk tests are not slowed; tests of the limit turn it on.
    emu = GineeEmulator(seed=7, now=clock, rate_limit=None)
    with serve_in_thread(emu):
        yield emu


@pytest.fixture
def connector(emulator: GineeEmulator, clock: Clock) -> Iterator[GineeConnector]:
    with make_connector(emulator, clock) as conn:
        yield conn


@pytest.fixture
def world(emulator: GineeEmulator) -> World:
    shopee = emulator.add_shop("SHOPEE")
    tokopedia = emulator.add_shop("TOKOPEDIA")
    main = emulator.add_warehouse("Gudang Jakarta")
    second = emulator.add_warehouse("Gudang Surabaya")
    emulator.add_product("Kaos Polos", [
        {"sku": "KAOS-M", "price": "50000", "option": "M", "stock": {main: 10, second: 3}},
        {"sku": "KAOS-L", "price": "52000", "option": "L", "stock": {main: 7}},
    ])
    emulator.add_product("Kopi Gayo 250g", [
        {"sku": "KOPI-250", "price": "85000.50", "stock": {second: 20}, "pending_action": True},
    ])
    emulator.add_product("Sambal Roa", [{"sku": "SMBL-1", "price": "30000", "stock": {main: 0}}])
    return World(shopee, tokopedia, main, second)
