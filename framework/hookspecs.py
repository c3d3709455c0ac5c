"""Every hook a jembatan plugin can implement. The docstring of each spec is its contract.

Plugins implement hooks with ``framework.hookimpl`` in their ``hooks.py`` and are found through
the ``jembatan`` entry-point group (the bundled Accurate, Ginee and Forstok plugins too).
A hook that does not apply to a plugin's platform returns ``None``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click

    from .connectors import Connector
    from .domain import Order, OrderState
    from .emulation import Emulator
    from .jobs import JobHandler, JobRequest, LinkInfo
    from .setup.checks import CheckContext, Problem

hookspec = pluggy.HookspecMarker("jembatan")


# ---------------------------------------------------------------------------- Registration


@hookspec
def register_connectors(register: Callable[[type[Connector]], None]) -> None:
    """Register the connector classes this plugin provides.

    Called once when the plugin manager starts. Call ``register(cls)`` for each subclass of
    ``CommerceConnector`` or ``AccountingConnector``; ``cls.name`` becomes the platform name
    used in links (``jembatan link create --store ginee``). Two plugins registering the same
    name is an error at start-up.

    Args:
        register: callback taking a connector class.

    Implemented by: every platform plugin.
    """


@hookspec
def register_job_handlers(register: Callable[[str, JobHandler], None]) -> None:
    """Register handlers for the job kinds this plugin queues.

    Called once at start-up. ``register(kind, handler)``; ``kind`` is namespaced by the plugin
    (``"accurate.sales_invoice"``). The runner calls ``handler(ctx)`` with a ``JobContext``;
    the handler returns normally on success and raises ``framework.errors`` classes otherwise.
    Handlers must be idempotent: a job may run again after a crash or a lost answer.

    Args:
        register: callback taking the job kind and its handler.

    Implemented by: plugins whose reactions or commands queue jobs.
    """


@hookspec
def register_lanes(register: Callable[[str, float, int], None]) -> None:
    """Declare request limits for the lanes this plugin's clients use.

    Called once at start-up. ``register(prefix, per_second, in_flight)``: every lane whose name
    is ``prefix`` or starts with ``prefix + ":"`` admits at most ``per_second`` requests in any
    one-second window and ``in_flight`` concurrent requests, across all worker processes of the
    installation (Accurate: ``register("accurate", 8, 8)``, lanes ``"accurate:<database>"``).

    Args:
        register: callback taking the lane prefix, requests per second and requests in flight.

    Implemented by: plugins with an HTTP client.
    """


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add click commands or groups to the ``jembatan`` command line.

    Called once when the CLI starts. Add with ``cli.add_command(...)``; name a group after the
    plugin (``jembatan accurate connect``). Every command needs a docstring (its ``--help``).

    Args:
        cli: the top-level click group.

    Implemented by: plugins with operator commands.
    """


@hookspec
def register_emulators(register: Callable[[str, Callable[..., Emulator]], None]) -> None:
    """Register a local emulator of the plugin's platform.

    Called when ``jembatan emulator NAME`` or ``jembatan demo`` starts. ``register(name,
    factory)``; ``factory(seed=…)`` returns a ``framework.emulation.Emulator``.

    Args:
        register: callback taking the emulator name and a factory.

    Implemented by: every platform plugin (the standards require an emulator).
    """


# --------------------------------------------------------------------------- Order lifecycle


@hookspec(firstresult=True)
def map_order_status(platform: str, platform_status: str) -> OrderState | None:
    """Translate a commerce platform's order status word into a canonical state.

    Called for every order the core ingests (poll, webhook, backfill). ``firstresult``: the
    first plugin that knows ``platform`` answers. Return ``None`` when ``platform`` is not
    yours; raise ``PermanentError`` naming the status when it is yours but unknown, so the
    order ends as a readable record instead of a crash.

    Args:
        platform: the connector name, e.g. ``"ginee"``.
        platform_status: the status word exactly as the platform sent it.

    Returns:
        The canonical ``OrderState``, or ``None`` if the platform is not this plugin's.

    Implemented by: commerce plugins.
    """


@hookspec
def plan_order_reactions(
    link: LinkInfo, order: Order, entered: OrderState, reached: frozenset[OrderState]
) -> list[JobRequest] | None:
    """Say which jobs an order owes because it entered a state.

    Called once for every state an order enters, including states passed through on the way
    (an order first seen shipped enters ready_to_ship first), inside the transaction that
    stores the transition: the returned jobs commit with it. Must be pure: no I/O, decide from
    the arguments only. Return ``None`` when ``link.accounting`` is not your system.

    Args:
        link: the link's identity and feature switches.
        order: the order as last fetched.
        entered: the state entered now.
        reached: the states the order had reached before this one.

    Returns:
        Jobs to queue; a job whose key already exists for the link is not queued again.

    Implemented by: accounting plugins.
    """


@hookspec
def plan_settlement(link: LinkInfo, order: Order, imported: Mapping[str, Any],
                    fingerprint: str) -> list[JobRequest] | None:
    """Say which jobs book (or correct) an order's payout from an imported settlement.

    Called by ``jembatan payouts import`` for each row of a settlement export, inside the
    transaction that queues the returned jobs. Must be pure, like ``plan_order_reactions``.
    Return ``None`` when ``link.accounting`` is not your system.

    Args:
        link: the link's identity, features and accounting settings.
        order: the order as last fetched from the store.
        imported: the ``OrderMoney`` fields the settlement replaces, as JSON (``settlement``
            always; ``fees`` and ``subsidies`` when the export has those columns).
        fingerprint: a digest of the imported figures; put it in the job key so the same
            figures are queued once and corrected figures again.

    Returns:
        Jobs to queue; a job whose key already exists for the link is not queued again.

    Implemented by: accounting plugins that book payouts.
    """


# ----------------------------------------------------------------------------- Health


@hookspec
def check_link(context: CheckContext) -> list[Problem] | None:
    """Report what blocks or endangers go-live for one link (``jembatan check``).

    Called by ``jembatan check`` and ``jembatan demo``. May call the platforms through the
    connectors in ``context``. Return ``None`` when the link uses none of your platforms.

    Args:
        context: the link, its bindings and mappings, and its connectors.

    Returns:
        Problems found, each with a fix; an empty list when all is well.

    Implemented by: any plugin that can detect a misconfiguration.
    """
