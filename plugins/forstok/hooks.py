"""Hook implementations of the Forstok plugin; each delegates to the module that knows how."""

from __future__ import annotations

from collections.abc import Callable

from framework import hookimpl
from framework.domain import OrderState

from . import assumptions as contract
from .connector import ForstokConnector
from .mapping import map_status

PLATFORM = ForstokConnector.name


@hookimpl
def map_order_status(platform: str, platform_status: str) -> OrderState | None:
    """Translate a Forstok status word; ``None`` for other platforms."""
    return map_status(platform_status) if platform == PLATFORM else None


@hookimpl
def register_lanes(register: Callable[[str, float, int], None]) -> None:
    """Declare Forstok's limit: 5 requests per second per seller token."""
    register(PLATFORM, contract.RATE_LIMIT_PER_SECOND, contract.IN_FLIGHT_PER_SELLER)


@hookimpl
def register_emulators(register: Callable[[str, Callable[..., object]], None]) -> None:
    """Register the Forstok emulator (imported lazily: only tools that serve it need it)."""
    from .emulator import ForstokEmulator

    register(PLATFORM, ForstokEmulator)


@hookimpl
def register_connectors(register: Callable[[type], None]) -> None:
    """Register ``ForstokConnector`` under the platform name ``forstok``."""
    register(ForstokConnector)
