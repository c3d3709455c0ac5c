"""Hook implementations of the Accurate plugin: registration only, delegating elsewhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from framework import CheckContext, JobRequest, LinkInfo, Order, OrderState, Problem, hookimpl

from . import checks, handlers, reactions
from .connector import AccurateConnector


@hookimpl
def register_connectors(register: Callable[[type], None]) -> None:
    """Register ``AccurateConnector`` (platform name ``accurate``)."""
    register(AccurateConnector)


@hookimpl
def register_job_handlers(register: Callable[[str, Any], None]) -> None:
    """Register the handlers of every ``accurate.*`` job kind."""
    for kind, handler in handlers.HANDLERS.items():
        register(kind, handler)


@hookimpl
def register_lanes(register: Callable[[str, float, int], None]) -> None:
    """Accurate allows 8 requests per second and 8 in flight (per token/database)."""
    register("accurate", 8, 8)


@hookimpl
def register_emulators(register: Callable[[str, Callable[..., Any]], None]) -> None:
    """Register the Accurate emulator."""
    from .emulator import AccurateEmulator  # the server stack loads only when asked for

    register("accurate", AccurateEmulator)


@hookimpl
def register_commands(cli: Any) -> None:
    """Add the ``jembatan accurate`` command group."""
    from .cli import accurate

    cli.add_command(accurate)


@hookimpl
def plan_order_reactions(link: LinkInfo, order: Order, entered: OrderState,
                         reached: frozenset[OrderState]) -> list[JobRequest] | None:
    """Plan the Accurate documents an order owes for the state it entered."""
    return reactions.plan_reactions(link, order, entered, reached)


@hookimpl
def plan_settlement(link: LinkInfo, order: Order, imported: dict[str, Any],
                    fingerprint: str) -> list[JobRequest] | None:
    """Plan the payout receipt an imported settlement books or corrects."""
    return reactions.plan_settlement(link, order, imported, fingerprint)


@hookimpl
def check_link(context: CheckContext) -> list[Problem] | None:
    """Check that bound warehouses, mapped accounts and OAuth scopes exist in Accurate."""
    return checks.check_accurate_link(context)
