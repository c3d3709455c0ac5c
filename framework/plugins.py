"""The plugin manager: entry-point discovery and the registries filled by registration hooks.

Bundled plugins (Accurate, Ginee, Forstok) are listed in ``DEFAULT_PLUGINS`` and loaded exactly
like third-party ones, through the ``jembatan`` entry-point group; the core never imports them
by name. ``JEMBATAN_LOAD_PLUGINS`` (comma-separated module names) replaces discovery, which is
what tests and plugin authors use; ``JEMBATAN_TRACE_HOOKS=1`` logs every hook call.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import ModuleType

import pluggy

from . import hookspecs
from .connectors import AccountingConnector, CommerceConnector, Connector
from .errors import ConfigError
from .jobs import JobHandler

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "jembatan"
#: the bundled plugins, as entry-point names; loaded through the same group as any other.
DEFAULT_PLUGINS = ("accurate", "ginee", "forstok")
#: the core's own plugin, always loaded
CORE_PLUGINS = ("framework.builtin",)


@dataclass(frozen=True, slots=True)
class LaneLimit:
    """Requests per second and in flight allowed on every lane under ``prefix``."""

    prefix: str
    per_second: float
    in_flight: int


@dataclass
class Registry:
    """What the plugins registered: connectors, job handlers, lanes, emulators."""

    connectors: dict[str, type[Connector]] = field(default_factory=dict)
    job_handlers: dict[str, JobHandler] = field(default_factory=dict)
    lanes: dict[str, LaneLimit] = field(default_factory=dict)
    emulators: dict[str, Callable[..., object]] = field(default_factory=dict)

    def commerce(self, name: str) -> type[CommerceConnector]:
        """Return the commerce connector class called ``name``."""
        return self._connector(name, CommerceConnector)  # type: ignore[return-value]

    def accounting(self, name: str) -> type[AccountingConnector]:
        """Return the accounting connector class called ``name``."""
        return self._connector(name, AccountingConnector)  # type: ignore[return-value]

    def _connector(self, name: str, base: type[Connector]) -> type[Connector]:
        cls = self.connectors.get(name)
        if cls is None or not issubclass(cls, base):
            known = ", ".join(sorted(n for n, c in self.connectors.items() if issubclass(c, base)))
            raise ConfigError(f"no {base.__name__} named {name!r} is installed "
                              f"(known: {known or 'none'})",
                              fix="install the plugin, or check `jembatan plugins`")
        return cls

    def lane_limit(self, lane: str) -> LaneLimit | None:
        """Return the limit that applies to ``lane`` (longest matching prefix)."""
        best = None
        for prefix, limit in self.lanes.items():
            if (lane == prefix or lane.startswith(prefix + ":")) and (
                best is None or len(prefix) > len(best.prefix)
            ):
                best = limit
        return best


class PluginManager(pluggy.PluginManager):
    """A pluggy manager for the ``jembatan`` project with the registries filled in."""

    def __init__(self) -> None:
        super().__init__("jembatan")
        self.add_hookspecs(hookspecs)
        self.registry = Registry()

    def load_modules(self, names: Iterable[str]) -> None:
        """Import and register plugins by dotted name: ``module`` or ``module:object``."""
        for name in names:
            module_name, _, attribute = name.partition(":")
            plugin = importlib.import_module(module_name)
            if attribute:
                plugin = getattr(plugin, attribute)
            if not self.is_registered(plugin):
                self.register(plugin, name=name)

    def load_entry_points(self) -> None:
        """Register every plugin in the ``jembatan`` entry-point group."""
        self.load_setuptools_entrypoints(ENTRY_POINT_GROUP)

    def start(self) -> PluginManager:
        """Check every hook implementation against its spec and fill the registries."""
        self.check_pending()
        registry = self.registry
        self.hook.register_connectors(register=self._register_connector)
        self.hook.register_job_handlers(register=self._register_job_handler)
        self.hook.register_lanes(
            register=lambda prefix, per_second, in_flight: registry.lanes.__setitem__(
                prefix, LaneLimit(prefix, per_second, in_flight)))
        self.hook.register_emulators(register=registry.emulators.__setitem__)
        return self

    def _register_connector(self, cls: type[Connector]) -> None:
        existing = self.registry.connectors.get(cls.name)
        if existing is not None and existing is not cls:
            raise ConfigError(f"two plugins register a connector named {cls.name!r}")
        self.registry.connectors[cls.name] = cls

    def _register_job_handler(self, kind: str, handler: JobHandler) -> None:
        if kind in self.registry.job_handlers:
            raise ConfigError(f"two plugins register a handler for job kind {kind!r}")
        self.registry.job_handlers[kind] = handler

    def plugin_infos(self) -> list[PluginInfo]:
        """Describe every registered plugin: name, version, implemented hooks."""
        infos = []
        dists = {name: dist for name, dist in self.list_plugin_distinfo_names()}
        for name, plugin in self.list_name_plugin():
            hooks = sorted(impl.name for impl in self.get_hookcallers(plugin) or [])
            dist = dists.get(name)
            infos.append(PluginInfo(name, _module_name(plugin), dist, hooks))
        return sorted(infos, key=lambda info: info.name)

    def list_plugin_distinfo_names(self) -> list[tuple[str, str]]:
        """Return ``(plugin name, "dist version")`` for plugins loaded from entry points."""
        names = []
        for plugin, dist in self.list_plugin_distinfo():
            names.append((self.get_name(plugin) or "", f"{dist.metadata['name']} {dist.version}"))
        return names


@dataclass(frozen=True, slots=True)
class PluginInfo:
    """One line of ``jembatan plugins``."""

    name: str
    module: str
    distribution: str | None
    hooks: list[str]


def _module_name(plugin: object) -> str:
    if isinstance(plugin, ModuleType):
        return plugin.__name__
    return getattr(plugin, "__name__", type(plugin).__name__)


def make_plugin_manager(modules: Iterable[str] | None = None) -> PluginManager:
    """Build and start a fresh plugin manager.

    Args:
        modules: plugin modules to load instead of discovering entry points (tests use this);
            ``JEMBATAN_LOAD_PLUGINS`` has the same effect from the environment.
    """
    manager = PluginManager()
    manager.load_modules(CORE_PLUGINS)
    env = os.environ.get("JEMBATAN_LOAD_PLUGINS")
    if modules is None and env is not None:
        modules = [name.strip() for name in env.split(",") if name.strip()]
    if modules is None:
        manager.load_entry_points()
    else:
        manager.load_modules(modules)
    if os.environ.get("JEMBATAN_TRACE_HOOKS"):
        manager.trace.root.setwriter(log.debug)
        manager.enable_tracing()
    return manager.start()
