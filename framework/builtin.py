"""The core's own plugin: job handlers and checks that belong to no platform.

Loaded like any other plugin (always, whatever the entry points say), so the runner and
``jembatan check`` treat the core's work and the plugins' work the same way.
"""

from __future__ import annotations

from collections.abc import Callable

import pluggy

from .jobs import JobHandler
from .setup.checks import CheckContext, Problem
from .setup.preflight import generic_problems
from .sync.catalogue import PUSH_PRODUCTS, push_product_batch
from .sync.stock import SET_STORE_STOCK, set_store_stock

hookimpl = pluggy.HookimplMarker("jembatan")


@hookimpl
def register_job_handlers(register: Callable[[str, JobHandler], None]) -> None:
    """Register product push and store stock update."""
    register(PUSH_PRODUCTS, push_product_batch)
    register(SET_STORE_STOCK, set_store_stock)


@hookimpl
def check_link(context: CheckContext) -> list[Problem]:
    """Run the generic pre-flight checks."""
    return generic_problems(context)
