"""Configuration Management per link: warehouses, feature switches, CoA mapping, pre-flight."""

from __future__ import annotations

from starlette.responses import Response

from ...configuration import enabled_features, map_account, set_feature, unbind_warehouse
from ...jobs import AccountRole, Feature
from ...links import get_link
from ...operations import account_choices, bind_known_warehouse, run_checks, warehouse_overview
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
}


def _link_id(page: Page) -> str:
    return page.link(page.request.path_params["link_id"]).id


@screen()
def configuration(page: Page) -> Response:
    """Warehouses bound and unbound, with Bind / Unbind / Product Sync / Pull Stock."""
    link = page.link(page.request.path_params["link_id"])
    overview = warehouse_overview(page.app, link.id)
    return page.render("configuration.html", link=link, tab="config", overview=overview,
                       features=list(Feature), feature_help=FEATURE_HELP,
                       enabled=enabled_features(link))


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
    return page.redirect(f"/links/{link_id}", page.t("Features saved."))


@screen()
def accounts(page: Page) -> Response:
    """The CoA mapping, with choices read from Accurate's chart of accounts by type."""
    link = page.link(page.request.path_params["link_id"])
    choices = account_choices(page.app, link.id)
    return page.render("accounts.html", link=link, tab="accounts", choices=choices,
                       roles=list(AccountRole), role_help=ROLE_HELP)


@screen(methods=("POST",))
def map_accounts(page: Page) -> Response:
    """Save the chosen account per role (and a customer per channel, if given)."""
    link_id = _link_id(page)
    with page.app.session() as session:
        link = get_link(session, link_id)
        for role in AccountRole:
            value = page.value(f"role_{role.value}")
            if value:
                map_account(session, link, role, value)
        channel, customer = page.value("channel"), page.value("channel_customer")
        if channel and customer:
            map_account(session, link, AccountRole.CUSTOMER, customer, channel)
    return page.redirect(f"/links/{link_id}/accounts", page.t("Account mapping saved."))


@screen()
def check(page: Page) -> Response:
    """The pre-flight check: each problem with its fix."""
    link = page.link(page.request.path_params["link_id"])
    problems = run_checks(page.app, link.id)
    return page.render("check.html", link=link, tab="check", problems=problems)


ROUTES = [
    ("/links/{link_id}", configuration), ("/links/{link_id}/bind", bind),
    ("/links/{link_id}/warehouses/{warehouse}/unbind", confirm_unbind),
    ("/links/{link_id}/warehouses/{warehouse}/unbind/confirm", unbind),
    ("/links/{link_id}/features", features), ("/links/{link_id}/accounts", accounts),
    ("/links/{link_id}/accounts/save", map_accounts), ("/links/{link_id}/check", check),
]
