"""The seed guides, step by step, in a real browser: one operator's session, in order.

Log in, add the Ginee and Forstok stores, connect Accurate by OAuth choosing both databases
(one link each), bind and unbind warehouses, map accounts, switch features, run the
pre-flight, synchronize products and pull stock with their previews, then see a failed
order, fix its cause, re-push it and watch it succeed. Every step asserts on what the
emulators (or jembatan's database) now hold, not only on the page.
"""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import select

from framework.domain import OrderState
from framework.jobs import Feature, RecordStatus
from framework.setup.configuration import account_mappings, enabled_features, warehouse_bindings
from framework.setup.links import get_link
from framework.storage.models import PushRecord
from framework.sync.intake import sync_orders
from jembatan_demo.world import PAYOUT_ACCOUNT_MAP, WAREHOUSE, link_settings
from plugins.accurate.emulator.consent import OWNER_EMAIL, OWNER_PASSWORD

from .conftest import ADMIN, Site, shoot, submit, wait_for

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def page(site: Site):
    page = site.new_page()
    try:
        yield page
    finally:
        page.context.close()


def _store(site: Site, platform: str):
    return next(s for s in site.world.stores if s.platform == platform)


def _link(site: Site, link_id: str):
    with site.app.session() as session:
        link = get_link(session, link_id)
        session.expunge(link)
        return link


def test_no_page_is_reachable_logged_out(site: Site, page) -> None:
    with httpx.Client(base_url=site.url, follow_redirects=False, timeout=30) as client:
        for path in ("/", "/links/toko-ginee", "/links/toko-ginee/records?kind=order",
                     "/links/toko-ginee/jobs", "/connect/accurate", "/links/new?platform=ginee"):
            answer = client.get(path)
            assert answer.status_code == 303 and answer.headers["location"].startswith(
                "/login"), path
        for path in ("/links/toko-ginee/features", "/links/new/save", "/logout",
                     "/links/toko-ginee/records/1/repush"):
            assert client.post(path, data={"csrf": "x"}).status_code == 401, path
    page.goto(f"{site.url}/links/toko-ginee")
    assert page.url.startswith(f"{site.url}/login")
    shoot(page, "01-login")


def test_login_refuses_a_wrong_password_then_logs_in(site: Site, page) -> None:
    page.goto(f"{site.url}/login")
    page.fill("input[name=name]", ADMIN)
    page.fill("input[name=password]", "not-the-password")
    submit(page, "button[type=submit].primary")
    assert "salah" in page.text_content("#login-error")  # Indonesian by the browser's locale
    site.login(page)
    assert page.is_visible("#logout")
    cookie = next(c for c in page.context.cookies() if c["name"] == "jembatan_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"


def test_add_the_ginee_and_forstok_store_links(site: Site, page) -> None:
    for store in site.world.stores:
        settings = link_settings(site.world, store)
        page.goto(f"{site.url}/")
        submit(page, f"#add-{store.platform}")
        page.fill("input[name=link_id]", store.link_id)
        page.fill("input[name=name]", f"Toko {store.platform.title()}")
        for key, value in settings["commerce_settings"].items():
            page.fill(f"input[name=setting_{key}]", str(value))
        for key, value in settings["commerce_credentials"].items():
            page.fill(f"input[name=secret_{key}]", str(value))
        if store.platform == "ginee":
            shoot(page, "02-add-store-link")
        submit(page, "#new-link button[type=submit]")
        assert store.link_id in page.text_content("#flash")
        link = _link(site, store.link_id)
        assert link.commerce == store.platform and link.accounting_credentials == ""
        assert site.app.secrets.decrypt(link.commerce_credentials) == {
            k: str(v) for k, v in settings["commerce_credentials"].items()}


def test_connect_accurate_by_oauth_choosing_two_databases(site: Site, page) -> None:
    accurate = site.world.accurate
    page.goto(f"{site.url}/")
    submit(page, "#connect-accurate")
    shoot(page, "03-connect-accurate")
    page.fill("#oauth-form input[name=account_url]", accurate.base_url)
    page.fill("#oauth-form input[name=client_id]", accurate.auth.client_id)
    page.fill("#oauth-form input[name=client_secret]", accurate.auth.client_secret)
    submit(page, "#oauth-start")
    # Accurate's own pages (the emulator's): owner login, then "Beri Akses"
    page.wait_for_selector("#accurate-email")
    assert page.url.startswith(accurate.base_url)
    page.fill("#accurate-email", OWNER_EMAIL)
    page.fill("#accurate-password", OWNER_PASSWORD)
    submit(page, "#accurate-login")
    page.wait_for_selector("#beri-akses")
    shoot(page, "04-accurate-beri-akses")
    submit(page, "#beri-akses")
    page.wait_for_selector("#databases-form")
    assert page.url.startswith(site.url)
    for store in site.world.stores:
        page.check(f"#use_{store.database_id}")
        page.select_option(f"select[name=link_{store.database_id}]", store.link_id)
    shoot(page, "05-choose-databases")
    submit(page, "#save-databases")
    flash = page.text_content("#flash")
    for store in site.world.stores:
        assert store.link_id in flash
        link = _link(site, store.link_id)
        assert link.accounting_settings["database_id"] == str(store.database_id)
        assert link.accounting_settings["auth"] == "oauth"
        credentials = site.app.secrets.decrypt(link.accounting_credentials)
        # each link holds its own data session, opened on its own database
        assert accurate.auth.sessions[credentials["session"]] == store.database_id
    shoot(page, "06-integrations")


def test_bind_and_unbind_a_warehouse(site: Site, page) -> None:
    for store in site.world.stores:
        page.goto(f"{site.url}/links/{store.link_id}")
        row = f"#wh-{store.warehouse_id}"
        page.select_option(f"{row} select[name=accounting_warehouse]", WAREHOUSE)
        submit(page, f"{row} button[type=submit]")
        assert "Gudang Utama" in page.text_content("#flash")
        spare = f"#wh-{store.spare_warehouse_id}"
        page.select_option(f"{spare} select[name=accounting_warehouse]", "Gudang Retur")
        submit(page, f"{spare} button[type=submit]")
        with site.app.session() as session:
            bound = {b.store_warehouse_id: b.accounting_warehouse
                     for b in warehouse_bindings(session, store.link_id)}
        assert bound == {str(store.warehouse_id): WAREHOUSE,
                         str(store.spare_warehouse_id): "Gudang Retur"}
        if store.platform == "ginee":
            shoot(page, "07-configuration")
        submit(page, f"{spare} a.danger")
        assert "Nothing already sent" in page.text_content("main") or "Tidak ada yang sudah" in \
            page.text_content("main")
        shoot(page, "08-unbind-confirm") if store.platform == "ginee" else None
        submit(page, "#confirm-unbind")
        page.wait_for_selector("#flash")
        with site.app.session() as session:
            bound = {b.store_warehouse_id for b in warehouse_bindings(session, store.link_id)}
        assert bound == {str(store.warehouse_id)}


def test_map_accounts_with_choices_from_accurates_chart(site: Site, page) -> None:
    for store in site.world.stores:
        page.goto(f"{site.url}/links/{store.link_id}/accounts")
        bank_choices = page.eval_on_selector_all("#role_bank option", "os => os.map(o => o.value)")
        assert bank_choices == ["", "1101", "1102"]  # only CASH_BANK accounts for the bank
        page.select_option("#role_customer", "C.MARKETPLACE")
        page.select_option("#role_bank", "1101")
        page.select_option("#role_shipping_fee", "4102")
        page.select_option("#role_discount", "4103")
        for role, number, _channel in PAYOUT_ACCOUNT_MAP:
            page.select_option(f"#role_{role}", number)
        page.fill("input[name=channel]", "shopee")
        page.select_option("select[name=channel_customer]", "C.MARKETPLACE")
        submit(page, "#accounts-form button[type=submit]")
        page.wait_for_selector("#flash")
        with site.app.session() as session:
            mapped = {(m.role.value, m.qualifier): m.value
                      for m in account_mappings(session, store.link_id)}
        assert mapped == {("customer", ""): "C.MARKETPLACE", ("customer", "SHOPEE"):
                          "C.MARKETPLACE", ("bank", ""): "1101",
                          ("shipping_fee", ""): "4102", ("discount", ""): "4103",
                          **{(role, ""): number for role, number, _ in PAYOUT_ACCOUNT_MAP}}
        if store.platform == "ginee":
            shoot(page, "09-account-mapping")


def test_switch_features(site: Site, page) -> None:
    for store in site.world.stores:
        page.goto(f"{site.url}/links/{store.link_id}")
        page.check("input[name=feature_auto_paid]")
        page.uncheck("input[name=feature_stock_sync]")
        mode = "payout" if store.platform == "ginee" else ""  # ginee's money comes by payout
        page.select_option("#receipt_mode", mode)
        submit(page, "#features button[type=submit]")
        page.wait_for_selector("#flash")
        link = _link(site, store.link_id)
        assert enabled_features(link) == {Feature.INVOICE, Feature.AUTO_PAID}
        assert link.accounting_settings.get("receipt_mode", "") == mode


def test_preflight_check_lists_each_problem_with_its_fix(site: Site, page) -> None:
    store = _store(site, "ginee")
    page.goto(f"{site.url}/links/{store.link_id}/check")
    table = page.text_content("#problems")
    assert "sku-name-mismatch" in table and store.mismatched_sku in table
    assert "jembatan products sync" in table  # SKUs not in Accurate yet, with the fix
    shoot(page, "10-preflight-check")


def test_product_sync_with_preview_then_confirm(site: Site, page) -> None:
    for store in site.world.stores:
        accurate_items = {i["no"] for i in site.world.accurate.documents(store.database_id,
                                                                          "item")}
        page.goto(f"{site.url}/links/{store.link_id}")
        submit(page, f"#wh-{store.warehouse_id} >> text=/Sinkronisasi Produk|Product Sync/")
        to_push = int(page.text_content("#to-push"))
        preview = page.text_content("#sync-preview")
        assert to_push >= 1 and store.skus[0] in preview
        assert store.mismatched_sku not in preview  # already in Accurate: never pushed again
        # nothing is sent before the confirmation
        assert {i["no"] for i in site.world.accurate.documents(store.database_id, "item")} \
            == accurate_items
        if store.platform == "ginee":
            shoot(page, "11-product-sync-preview")
        submit(page, "#confirm-sync")
        page.wait_for_selector("#flash")
        wait_for(lambda s=store: set(s.skus) <= {i["no"] for i in site.world.accurate.documents(
            s.database_id, "item")}, "the worker to push the products")
        page.goto(f"{site.url}/links/{store.link_id}/records?kind=product")
        wait_for(lambda s=store, n=to_push: _count(site, s.link_id, "product",
                                                   RecordStatus.SUCCEEDED) >= n,
                 "product records")
        page.reload()
        assert "succeeded" in page.text_content("#records") or "berhasil" in \
            page.text_content("#records")
    page.goto(f"{site.url}/links/{_store(site, 'ginee').link_id}/products")
    assert _store(site, "ginee").skus[0] in page.text_content("#products")
    shoot(page, "12-product-information")


def _count(site: Site, link_id: str, kind: str, status: RecordStatus) -> int:
    with site.app.session() as session:
        return len(list(session.scalars(select(PushRecord).where(
            PushRecord.link_id == link_id, PushRecord.kind == kind,
            PushRecord.status == status))))


def test_pull_stock_with_preview_and_confirm(site: Site, page) -> None:
    store = _store(site, "ginee")
    sku = store.skus[1]
    site.world.accurate.set_on_hand(store.database_id, sku, WAREHOUSE, 7)  # a stock opname
    before = int(store.emulator.stock(store.warehouse_id, sku))
    assert before != 7
    page.goto(f"{site.url}/links/{store.link_id}/stock/pull?warehouse={store.warehouse_id}")
    assert page.is_visible("#careful")
    new = page.locator(f"#stock-preview tr:has-text('{sku}') td").last.text_content()
    assert new.strip() == "7"
    assert int(store.emulator.stock(store.warehouse_id, sku)) == before  # not before confirming
    shoot(page, "13-pull-stock-preview")
    submit(page, "#confirm-pull")
    page.wait_for_selector("#flash")
    wait_for(lambda: int(store.emulator.stock(store.warehouse_id, sku)) == 7,
             "the store's stock to be overwritten")
    page.goto(f"{site.url}/links/{store.link_id}/records?kind=stock")
    shoot(page, "14-push-stock-record")


def test_a_failed_order_is_fixed_and_repushed_until_it_succeeds(site: Site, page) -> None:
    store = _store(site, "ginee")
    sku = store.skus[2]
    order_id = store.emulator.create_order(store.shops[0], store.spare_warehouse_id,
                                           [(sku, 1, store.prices[sku])],
                                           status=store.statuses[OrderState.PAID])
    sync_orders(site.app, store.link_id)  # the store poll the worker would run
    number = wait_for(lambda: _failed_order(site, store.link_id), "the order's record to fail")
    page.goto(f"{site.url}/links/{store.link_id}/records?kind=order&status=failed")
    row = page.locator(f"#records tr:has-text('{number}')")
    assert "not bound" in row.text_content() and "warehouses bind" in row.text_content()
    shoot(page, "15-push-order-record-failed")
    # the fix the reason names: bind that warehouse (in the browser)
    page.goto(f"{site.url}/links/{store.link_id}")
    spare = f"#wh-{store.spare_warehouse_id}"
    page.select_option(f"{spare} select[name=accounting_warehouse]", "Gudang Retur")
    submit(page, f"{spare} button[type=submit]")
    page.goto(f"{site.url}/links/{store.link_id}/records?kind=order&q={number}")
    with page.expect_navigation():
        page.locator(f"#records tr:has-text('{number}') button").first.click()
    assert number in page.text_content("#flash")
    wait_for(lambda: any(number in str(doc) for doc in site.world.accurate.documents(
        store.database_id, "sales_order")), "the sales order to reach Accurate")
    wait_for(lambda: _failed_order(site, store.link_id) is None, "no failed record left")
    page.goto(f"{site.url}/links/{store.link_id}/records?kind=order&q={number}")
    assert "—" != page.locator(f"#records tr:has-text('{number}') td").nth(3).text_content()
    shoot(page, "16-push-order-record-succeeded")
    orders = [d for d in site.world.accurate.documents(store.database_id, "sales_order")
              if number in str(d)]
    assert len(orders) == 1  # exactly once, after the failure and the re-push
    site.state["order_number"] = number
    site.state["order_id"] = order_id


def _failed_order(site: Site, link_id: str) -> str | None:
    with site.app.session() as session:
        record = session.scalars(select(PushRecord).where(
            PushRecord.link_id == link_id, PushRecord.kind == "order",
            PushRecord.status == RecordStatus.FAILED)).first()
        return record.ref if record else None


def test_the_orders_timeline_shows_its_events_and_documents(site: Site, page) -> None:
    store = _store(site, "ginee")
    number = site.state["order_number"]
    sync_orders(site.app, store.link_id)  # the poll's overlap reads the order again, unchanged
    page.goto(f"{site.url}/links/{store.link_id}/records?kind=order&q={number}")
    submit(page, f"#records a:has-text('{number}')")
    page.wait_for_selector("#timeline")
    ignored = page.locator("#timeline li.ignored")
    assert ignored.count() >= 1 and "duplicate" in ignored.first.text_content()
    assert "paid" in page.text_content("#timeline").lower() or "dibayar" in \
        page.text_content("#timeline").lower()
    documents = page.text_content("#documents")
    accurate_number = next(d for d in site.world.accurate.documents(
        store.database_id, "sales_order") if number in str(d))["number"]
    assert accurate_number in documents
    shoot(page, "17-order-timeline")


def test_payouts_list_the_settled_order_and_take_a_settlement_file(site: Site, page,
                                                                     tmp_path) -> None:
    store = _store(site, "ginee")
    number, order_id = site.state["order_number"], site.state["order_id"]
    store.emulator.advance_order(order_id, store.statuses[OrderState.DELIVERED])
    sync_orders(site.app, store.link_id)
    page.goto(f"{site.url}/links/{store.link_id}/payouts")
    row = page.locator(f"#payouts tr:has-text('{number}')")
    assert row.count() == 1
    with page.expect_download() as download:
        page.click("a[href*='payouts.csv']")  # a download, not a navigation
    assert number in download.value.path().read_text()
    settlement = tmp_path / "settlement.csv"
    settlement.write_text("order_number,released_amount,release_date\n"
                          f"{number},1000,2026-12-01\n", encoding="utf-8")
    page.set_input_files("#settlement-form input[type=file]", str(settlement))
    submit(page, "#settlement-form button[type=submit]")
    flash = page.text_content("#flash")
    assert re.search(r"^\s*1 ", flash), flash  # one payout receipt queued
    wait_for(lambda: number in _booked(site, store.link_id), "the payout receipt to be booked")
    page.goto(f"{site.url}/links/{store.link_id}/payouts")
    cells = page.locator(f"#payouts tr:has-text('{number}') td")
    assert cells.nth(5).text_content().strip() == "Rp 1.000"  # booked, as the file said
    shoot(page, "19-payouts")


def _booked(site: Site, link_id: str) -> dict:
    from framework.money.payouts import booked_payouts

    with site.app.session() as session:
        return booked_payouts(session, link_id)


def test_jobs_page_counts_and_no_worker_banner_while_one_runs(site: Site, page) -> None:
    store = _store(site, "ginee")
    page.goto(f"{site.url}/links/{store.link_id}/jobs")
    assert int(page.text_content("#count-succeeded .num")) >= 1
    assert not page.is_visible("#no-worker")
    shoot(page, "18-jobs")


def test_disconnect_then_reintegrate_on_another_database_with_an_api_token(site: Site,
                                                                           page) -> None:
    accurate = site.world.accurate
    store = _store(site, "forstok")
    other = accurate.add_database("PT Forstok Cabang Baru")
    accurate.add_warehouse(other, WAREHOUSE)
    page.goto(f"{site.url}/links/{store.link_id}/disconnect")
    submit(page, "#confirm-disconnect")
    assert _link(site, store.link_id).disconnected_at is not None
    page.goto(f"{site.url}/connect/accurate?link={store.link_id}")
    page.fill("#token-form input[name=account_url]", accurate.base_url)
    page.fill("#token-form input[name=api_token]", accurate.api_token_for(other))
    page.fill("#token-form input[name=signature_secret]", accurate.auth.signature_secret)
    submit(page, "#token-form button[type=submit]")
    assert store.link_id in page.text_content("#flash")
    link = _link(site, store.link_id)
    assert link.disconnected_at is None and link.accounting_settings["database_id"] == str(other)
    assert re.fullmatch(r"\d+", link.accounting_settings["database_id"])
