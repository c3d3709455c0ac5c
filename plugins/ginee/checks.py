"""Ginee-specific pre-flight checks for ``jembatan check``."""

from __future__ import annotations

from framework.checks import CheckContext, Problem
from framework.errors import IntegrationError

from . import assumptions as A
from .connector import GineeConnector


def check_ginee_link(context: CheckContext) -> list[Problem] | None:
    """Report a wrong country setting or keys Ginee refuses (the core checks the catalogue).

    Returns ``None`` when the link's store is not Ginee.
    """
    connector = context.commerce
    if not isinstance(connector, GineeConnector):
        return None
    problems: list[Problem] = []
    if connector.client.country not in A.COUNTRIES:
        problems.append(Problem(
            "ginee-country", connector.client.country,
            f"Ginee country {connector.client.country!r} is not one of {', '.join(A.COUNTRIES)}",
            f"jembatan link settings {context.link.id} --country ID"))
    try:
        connector.list_warehouses()
    except IntegrationError as exc:
        problems.append(Problem("ginee-access", context.link.id,
                                f"Ginee refused the link's keys: {exc.message}",
                                exc.fix or "check the access key and secret key"))
    return problems
