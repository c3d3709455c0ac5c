"""Configuration Management per link: warehouses, feature switches, CoA mapping, pre-flight."""

from __future__ import annotations

from starlette.responses import Response

from ...errors import ConfigError
from ...jobs import RECEIPT_MODE_SETTING, AccountRole, Feature, ReceiptMode
from ...setup.configuration import (
    enabled_features,
    set_feature,
    set_receipt_mode,
    unbind_warehouse,
)
from ...setup.links import get_link
from ...setup.operations import (
    account_choices,
    bind_known_warehouse,
    map_checked_accounts,
    run_checks,
    warehouse_overview,
)
from ...sync.webhook_receipt import link_webhook_token
from ..pages import Page, screen

FEATURE_HELP = {
    Feature.INVOICE: "Create the Sales Invoice when an order is ready to ship.",
    Feature.AUTO_PAID: "Create the Sales Receipt right after the invoice (Auto Paid).",
    Feature.STOCK_SYNC: "The worker keeps pulling Accurate stock into the store.",
    Feature.SALES_RETURN: "Book a sales return for returned orders (else left to you).",
}
ROLE_HELP = {
    AccountRole.CUSTOMER: "Customer for marketplace orders (every channel without its own)",
    AccountRole.BANK: "Cash / bank account receiving Auto Paid receipts",
    AccountRole.SHIPPING_FEE: "Account for the shipping fee charged on invoices",
    AccountRole.DISCOUNT: "Account for order-level discounts",
    AccountRole.MARKETPLACE_BALANCE: "Marketplace balance (cash/bank) receiving net payouts",
    AccountRole.COMMISSION_FEE: "Marketplace commission fee",
    AccountRole.SERVICE_FEE: "Marketplace service fee",
    AccountRole.PAYMENT_FEE: "Payment (transaction) fee",
    AccountRole.SHIPPING_DIFFERENCE: "Shipping cost difference",
    AccountRole.SELLER_VOUCHER: "Seller-funded voucher",
    AccountRole.PLATFORM_SUBSIDY: "Platform subsidies and rebates (income)",
    AccountRole.OTHER_FEE: "Any other fee (fallback)",
}
RECEIPT_HELP = {
    ReceiptMode.AUTO_PAID.value: "Auto Paid: the whole invoice into the bank right after it",
    ReceiptMode.PAYOUT.value: "Payout: the marketplace's net payout at settlement, fee by fee",
    ReceiptMode.OFF.value: "Off: receipts are entered by hand in Accurate",
}
#: the roles the payout receipt mode needs, shown in their own group
PAYOUT_ROLES = (AccountRole.MARKETPLACE_BALANCE, AccountRole.COMMISSION_FEE,
                AccountRole.SERVICE_FEE, AccountRole.PAYMENT_FEE,
                AccountRole.SHIPPING_DIFFERENCE, AccountRole.SELLER_VOUCHER,
                AccountRole.PLATFORM_SUBSIDY, AccountRole.OTHER_FEE)


def _link_id(page: Page) -> str:
    return page.link(page.request.path_params["link_id"]).id


@screen()
def configuration(page: Page) -> Response:
    """Warehouses bound and unbound, with Bind / Unbind / Product Sync / Pull Stock."""
    link = page.link(page.request.path_params["link_id"])
    overview = warehouse_overview(page.app, link.id)
    return page.render("configuration.html", link=link, tab="config", overview=overview,
                       features=list(Feature), feature_help=FEATURE_HELP,
                       enabled=enabled_features(link), receipt_modes=list(ReceiptMode),
                       receipt_help=RECEIPT_HELP,
                       receipt_mode=_receipt_mode(link))


def _receipt_mode(link) -> str:  # noqa: ANN001 - a detached Link
    return str((link.accounting_settings or {}).get(RECEIPT_MODE_SETTING) or "")


@screen(methods=("POST",))
def bind(page: Page) -> Response:
    """Bind a store warehouse to an accounting warehouse."""
    link_id = _link_id(page)
    store, books = page.value("store_warehouse"), page.value("accounting_warehouse")
    bind_known_warehouse(page.app, link_id, store, books)
    return page.redirect(f"/links/{link_id}", page.t("Warehouse {store} bound to {books}.",
                                                     store=store, books=books))


@screen()
def confirm_unbind(page: Page) -> Response:
    """Ask before unbinding: nothing already sent is deleted."""
    link = page.link(page.request.path_params["link_id"])
    return page.render("confirm_unbind.html", link=link, tab="config",
                       warehouse=page.request.path_params["warehouse"])


@screen(methods=("POST",))
def unbind(page: Page) -> Response:
    """Unbind a store warehouse."""
    link_id = _link_id(page)
    warehouse = page.request.path_params["warehouse"]
    with page.app.session() as session:
        unbind_warehouse(session, get_link(session, link_id), warehouse)
    return page.redirect(f"/links/{link_id}", page.t(
        "Warehouse {store} unbound. Its products, orders and stock are no longer synced; "
        "nothing already sent to Accurate was deleted.", store=warehouse))


@screen(methods=("POST",))
def features(page: Page) -> Response:
    """Switch the features on or off as ticked."""
    link_id = _link_id(page)
    with page.app.session() as session:
        link = get_link(session, link_id)
        for feature in Feature:
            set_feature(link, feature, page.value(f"feature_{feature.value}") == "on")
        mode = page.value("receipt_mode")
        set_receipt_mode(link, ReceiptMode(mode) if mode else None)
    return page.redirect(f"/links/{link_id}", page.t("Features saved."))


@screen()
def accounts(page: Page) -> Response:
    """The CoA mapping, with choices read from Accurate's chart of accounts by type."""
    link = page.link(page.request.path_params["link_id"])
    choices = account_choices(page.app, link.id)
    basic = [role for role in AccountRole if role not in PAYOUT_ROLES]
    payout = [role for role in AccountRole if role in PAYOUT_ROLES]
    return page.render("accounts.html", link=link, tab="accounts", choices=choices,
                       groups=[("Orders and invoices", basic), ("Payout receipts", payout)],
                       role_help=ROLE_HELP, customer=AccountRole.CUSTOMER)


@screen(methods=("POST",))
def map_accounts(page: Page) -> Response:
    """Save the chosen account per role (and a customer per channel, if given).

    Every choice is checked as `jembatan accounts map` checks it (it exists, with a type the
    role can use) before any is saved; a refusal is shown on the page with its fix.
    """
    link_id = _link_id(page)
    wanted = [(role, page.value(f"role_{role.value}"), "") for role in AccountRole
              if page.value(f"role_{role.value}")]
    channel, customer = page.value("channel"), page.value("channel_customer")
    if channel and customer:
        wanted.append((AccountRole.CUSTOMER, customer, channel))
    try:  # the check of `jembatan accounts map`: a missing or mistyped account is refused
        map_checked_accounts(page.app, link_id, wanted)
    except ConfigError as error:
        return page.redirect(f"/links/{link_id}/accounts", page.t(
            "Account mapping not saved: {reason}", reason=error.message), "error", error.fix)
    return page.redirect(f"/links/{link_id}/accounts", page.t("Account mapping saved."))


@screen()
def check(page: Page) -> Response:
    """The pre-flight check: each problem with its fix."""
    link = page.link(page.request.path_params["link_id"])
    problems = run_checks(page.app, link.id)
    return page.render("check.html", link=link, tab="check", problems=problems)


@screen(methods=("POST",))
def webhook_url(page: Page) -> Response:
    """Show (making it on first use, or anew with ``rotate``) the link's secret webhook URL."""
    link = page.link(page.request.path_params["link_id"])
    token = link_webhook_token(page.app, link.id, rotate=page.value("rotate") == "1")
    base = page.value("base_url").rstrip("/") or "http://HOST:PORT"
    return page.render("webhook_url.html", link=link, tab="config", base=base,
                       url=f"{base}/webhooks/{link.id}/{token}",
                       rotated=page.value("rotate") == "1")


ROUTES = [
    ("/links/{link_id}", configuration), ("/links/{link_id}/bind", bind),
    ("/links/{link_id}/warehouses/{warehouse}/unbind", confirm_unbind),
    ("/links/{link_id}/warehouses/{warehouse}/unbind/confirm", unbind),
    ("/links/{link_id}/features", features), ("/links/{link_id}/accounts", accounts),
    ("/links/{link_id}/accounts/save", map_accounts), ("/links/{link_id}/check", check),
    ("/links/{link_id}/webhook-url", webhook_url),
]
