"""Forstok's pre-flight check: no SKU may have a pending action before item sync.

The Forstok seed insists on it: item sync sends every SKU Forstok holds, including those
whose listing change still awaits the seller's confirmation.
"""

from __future__ import annotations

from framework.checks import Problem, Severity
from framework.connectors import CommerceConnector
from framework.domain import Product

CHECK_PENDING_ACTION = "sku-pending-action"


def pending_action_problems(commerce: CommerceConnector) -> list[Problem]:
    """Return one problem per variant SKU that Forstok marks with a pending action."""
    problems = []
    for product in commerce.iter_products():
        if isinstance(product, Product) and product.pending_action:
            problems.append(Problem(
                check=CHECK_PENDING_ACTION,
                subject=product.sku,
                message=(f"SKU {product.sku} ({product.name}) has a pending action in Forstok; "
                         "item sync would send it with the unconfirmed change"),
                fix=("resolve the pending action in Forstok first (confirm or discard the "
                     "listing change under Products > Pending Actions), then run "
                     "`jembatan check` again"),
                severity=Severity.BLOCKER,
            ))
    return problems
