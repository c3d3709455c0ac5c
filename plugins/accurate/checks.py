"""``jembatan check`` for Accurate: bound warehouses, mapped accounts and OAuth scopes exist."""

from __future__ import annotations

from framework import AccountRole, CheckContext, Problem, Severity

from .auth import OAUTH, SCOPES
from .connector import AccurateConnector

GL_ROLES = (AccountRole.BANK, AccountRole.SHIPPING_FEE, AccountRole.DISCOUNT)


def check_accurate_link(context: CheckContext) -> list[Problem] | None:
    """Return what blocks go-live on the Accurate side (``None`` for other systems)."""
    connector = context.accounting
    if context.link.accounting != "accurate" or not isinstance(connector, AccurateConnector):
        return None
    problems = _warehouse_problems(context, connector) + _account_problems(context, connector)
    if connector.client.config.auth == OAUTH:
        problems += _scope_problems(context, connector)
    return problems


def _warehouse_problems(context: CheckContext, connector: AccurateConnector) -> list[Problem]:
    known = {warehouse.name for warehouse in connector.list_warehouses()}
    return [Problem("accurate-warehouse", name,
                    f"warehouse {name!r} bound to store warehouse {store} is not in Accurate",
                    f"create it in Accurate or rebind: jembatan warehouses bind --link "
                    f"{context.link.id} {store} <ACCURATE-WAREHOUSE>")
            for store, name in context.bindings.items() if name not in known]


def _account_problems(context: CheckContext, connector: AccurateConnector) -> list[Problem]:
    numbers = {account.number for account in connector.list_accounts()}
    problems = []
    for (role, _qualifier), value in context.mappings.items():
        if role in {r.value for r in GL_ROLES} and value not in numbers:
            problems.append(Problem(
                "accurate-account", value, f"{role} account {value} is not in Accurate's chart "
                "of accounts", f"jembatan accounts map --link {context.link.id} {role} <NUMBER>"))
    return problems


def _scope_problems(context: CheckContext, connector: AccurateConnector) -> list[Problem]:
    granted = set(connector.client.account("approved-scope").d or [])
    return [Problem("accurate-scope", scope, f"the Accurate app was not granted {scope}",
                    f"reconnect and approve every scope: jembatan accurate connect --link "
                    f"{context.link.id} --client-id … --client-secret …", Severity.BLOCKER)
            for scope in SCOPES if scope not in granted]
