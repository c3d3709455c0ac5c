"""Hook implementations of the ginee plugin: each one delegates to the plugin's modules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from framework import hookimpl
from framework.domain import OrderState

from . import assumptions as A
from .connector import GineeConnector
from .emulator import GineeEmulator
from .mapping import canonical_state

PLATFORM = GineeConnector.name


@hookimpl
def register_connectors(register: Callable[[type], None]) -> None:
    """Register ``GineeConnector`` as the ``ginee`` commerce platform."""
    register(GineeConnector)


@hookimpl
def map_order_status(platform: str, platform_status: str) -> OrderState | None:
    """Map a Ginee order status; ``None`` for other platforms, ``PermanentError`` if unknown."""
    if platform != PLATFORM:
        return None
    return canonical_state(platform_status)


@hookimpl
def register_lanes(register: Callable[[str, float, int], None]) -> None:
    """Declare Ginee's limit: 10 requests per second per access key."""
    register(PLATFORM, A.RATE_LIMIT_PER_SECOND, A.IN_FLIGHT_LIMIT)


@hookimpl
def register_emulators(register: Callable[[str, Callable[..., Any]], None]) -> None:
    """Register the Ginee emulator."""
    register(PLATFORM, GineeEmulator)

