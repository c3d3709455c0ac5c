"""``StorePlugin``: the registration hooks every store plugin implements, as one object.

A store plugin registers a connector, declares its platform's rate limit, maps its status
words and offers an emulator, and every one does it the same way. Instead of writing those
four hooks again, a plugin builds one ``StorePlugin`` in its ``hooks.py`` and points its
entry point at it::

    plugin = StorePlugin(ShopifyConnector, canonical_state, per_second=2, in_flight=4,
                         emulator="jembatan_shopify.emulator:ShopifyEmulator")

    [project.entry-points.jembatan]
    shopify = "jembatan_shopify.hooks:plugin"

Further hooks (``check_link``, ``register_commands``…) go on a subclass.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pluggy

from .connectors import Connector
from .domain import OrderState

hookimpl = pluggy.HookimplMarker("jembatan")


class StorePlugin:
    """The registration hooks of one store platform.

    Args:
        connector: the platform's ``CommerceConnector`` class (its ``name`` is the platform).
        canonical_state: the status table: a platform status word -> ``OrderState``; raises
            ``PermanentError`` naming an unknown word.
        per_second: the platform's request limit per lane (per token or seller).
        in_flight: the platform's concurrent-request limit per lane.
        emulator: ``"module:Class"`` of the plugin's emulator, imported only when asked for
            (the web server stack is not needed to sync).
    """

    def __init__(self, connector: type[Connector], canonical_state: Callable[[str], OrderState],
                 *, per_second: float, in_flight: int, emulator: str | None = None) -> None:
        self.connector = connector
        self.canonical_state = canonical_state
        self.per_second = per_second
        self.in_flight = in_flight
        self.emulator = emulator
        self.__name__ = f"{connector.__module__.rpartition('.')[0]}.hooks"

    @property
    def platform(self) -> str:
        """The platform name links use, e.g. ``"ginee"``."""
        return self.connector.name

    @hookimpl
    def register_connectors(self, register: Callable[[type], None]) -> None:
        """Register the connector under its platform name."""
        register(self.connector)

    @hookimpl
    def map_order_status(self, platform: str, platform_status: str) -> OrderState | None:
        """Map one of this platform's status words; ``None`` for other platforms."""
        return self.canonical_state(platform_status) if platform == self.platform else None

    @hookimpl
    def register_lanes(self, register: Callable[[str, float, int], None]) -> None:
        """Declare the platform's request limits."""
        register(self.platform, self.per_second, self.in_flight)

    @hookimpl
    def register_emulators(self, register: Callable[[str, Callable[..., Any]], None]) -> None:
        """Register the emulator's factory (imported on first use)."""
        if self.emulator is None:
            return
        module_name, _, class_name = self.emulator.partition(":")

        def build(*args: Any, **kwargs: Any) -> Any:
            return getattr(importlib.import_module(module_name), class_name)(*args, **kwargs)

        register(self.platform, build)
