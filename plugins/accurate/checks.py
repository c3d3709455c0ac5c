"""``jembatan check`` for Accurate: bound warehouses, mapped accounts and OAuth scopes exist."""

from __future__ import annotations

from framework import AccountRole, CheckContext, Feature, Problem, ReceiptMode, Severity

from . import mapping
from .auth import OAUTH, SCOPES
from .connector import AccurateConnector
from .payout import FEE_ROLES

GL_ROLES = (AccountRole.BANK, AccountRole.SHIPPING_FEE, AccountRole.DISCOUNT,
            AccountRole.MARKETPLACE_BALANCE, AccountRole.PLATFORM_SUBSIDY, *FEE_ROLES.values())
#: receipt mode payout: without these nothing can be received
PAYOUT_NEEDS = ((AccountRole.MARKETPLACE_BALANCE, "marketplace balance (Saldo <marketplace>) "
                 "Kas/Bank account the payouts go into"),
                (AccountRole.OTHER_FEE, "fallback fee account for fee types with no account"),
                (AccountRole.PLATFORM_SUBSIDY, "other-income account for platform subsidies"))


def check_accurate_link(context: CheckContext) -> list[Problem] | None:
    """Return what blocks go-live on the Accurate side (``None`` for other systems)."""
    connector = context.accounting
    if context.link.accounting != "accurate" or not isinstance(connector, AccurateConnector):
        return None
    problems = _warehouse_problems(context, connector) + _account_problems(context, connector)
    problems += money_problems(context)
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


def money_problems(context: CheckContext) -> list[Problem]:
    """Return what the link's receipt mode and PPN settings still miss."""
    link, fix_set = context.link, f"jembatan link set {context.link.id} --accounting-setting"
    try:
        mapping.tax_settings(link.settings)
    except ValueError as error:
        return [Problem("accurate-tax", str(link.settings.get("tax")), str(error),
                        f"{fix_set} tax=ppn")]
    try:
        mode = link.receipt_mode
    except ValueError:
        return [Problem("receipt-mode", str(link.settings.get("receipt_mode")),
                        "unknown receipt mode: no receipt is booked",
                        f"{fix_set} receipt_mode=payout (or auto-paid, off)")]
    if mode is not ReceiptMode.PAYOUT or not link.has(Feature.INVOICE):
        return []
    roles = {role for role, _qualifier in context.mappings}
    problems = [Problem("unmapped-account", role.value, f"receipt mode payout: no {what} is "
                        "mapped", f"jembatan accounts map --link {link.id} {role.value} <NUMBER>")
                for role, what in PAYOUT_NEEDS if role.value not in roles]
    problems += [Problem("unmapped-account", role.value, f"receipt mode payout: {fee.value} "
                         "fees go to the fallback fee account (each with a warning record)",
                         f"jembatan accounts map --link {link.id} {role.value} <NUMBER>",
                         Severity.WARNING)
                 for fee, role in FEE_ROLES.items()
                 if role is not AccountRole.OTHER_FEE and role.value not in roles]
    return problems
