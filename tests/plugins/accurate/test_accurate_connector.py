"""AccurateConnector: warehouses, accounts, item lookup and creation, stock."""

from __future__ import annotations

from decimal import Decimal

from framework import Product
from framework.emulation import Fault

WAREHOUSE = "Gudang Utama"


def product(sku: str, available: int = 0, price: str = "10000") -> Product:
    return Product(sku=sku, name=f"Produk {sku}", price=Decimal(price), available=available)


def test_warehouses_and_accounts(connector) -> None:
    assert {w.name for w in connector.list_warehouses()} == {WAREHOUSE, "Gudang Retur"}
    connector.client.save("customer", {"customerNo": "C.SHOPEE", "name": "Shopee"})
    accounts = {(a.number, a.kind) for a in connector.list_accounts()}
    assert ("1101", "CASH_BANK") in accounts and ("C.SHOPEE", "CUSTOMER") in accounts


def test_find_items_by_code(connector) -> None:
    found = connector.find_items(["A1", "NOPE", "B2"])
    assert set(found) == {"A1", "B2"}
    assert found["A1"].price == Decimal(50000) and found["A1"].name == "Kaos Polos Hitam"


def test_create_items_only_missing_with_opening_quantity(connector, emulator, db) -> None:
    products = [product("A1", 99), product("N1", 7, "15000"), product("N2", 0),
                product("Z" * 31, 3), product("N1", 7, "15000")]
    results = connector.create_items(products, WAREHOUSE)
    assert [r.sku for r in results] == ["A1", "N1", "N2", "Z" * 31]
    by_sku = {r.sku: r for r in results}
    assert by_sku["A1"].ok and by_sku["A1"].message == "already in Accurate"
    assert by_sku["N1"].ok and by_sku["N2"].ok and by_sku["N1"].accounting_id
    assert not by_sku["Z" * 31].ok and "30 characters" in by_sku["Z" * 31].message
    assert emulator.stock(db, "A1", WAREHOUSE) == (10, 0)  # existing item untouched
    assert emulator.stock(db, "N1", WAREHOUSE) == (7, 0)
    assert emulator.stock(db, "N2", WAREHOUSE) == (0, 0)
    items = {i["no"]: i for i in emulator.documents(db, "item")}
    assert items["N1"]["unitPrice"] == 15000 and "Z" * 31 not in items
    again = connector.create_items(products, WAREHOUSE)  # never twice
    assert len(emulator.documents(db, "item")) == 4
    assert all(r.ok for r in again if r.sku != "Z" * 31)


def test_create_items_in_chunks_of_100_survives_lost_answer(connector, emulator, db) -> None:
    emulator.faults.add("/accurate/api/item/bulk-save.do", Fault.DROP_ANSWER)
    products = [product(f"S{n:03d}", 1) for n in range(230)]
    results = connector.create_items(products, WAREHOUSE)
    assert len(results) == 230 and all(r.ok for r in results)
    assert len(emulator.documents(db, "item")) == 232
    bulk_calls = [p for p, _ in emulator.faults.injected]
    assert bulk_calls == ["/accurate/api/item/bulk-save.do"]
    assert emulator.stock(db, "S000", WAREHOUSE) == (1, 0)  # not booked twice


def test_read_stock_is_on_hand_not_available(connector, emulator, db) -> None:
    connector.client.save("customer", {"customerNo": "C1", "name": "C"})
    connector.client.save("sales-order", {"customerNo": "C1", "detailItem": [
        {"itemNo": "A1", "quantity": 4, "warehouseName": WAREHOUSE}]})
    assert emulator.stock(db, "A1", WAREHOUSE) == (10, 4)
    levels = {s.sku: s.quantity for s in connector.read_stock(WAREHOUSE)}
    assert levels == {"A1": 10, "B2": 5}
    only = list(connector.read_stock("Gudang Retur", ["B2"]))
    assert [(s.sku, s.warehouse_id, s.quantity) for s in only] == [("B2", "Gudang Retur", 2)]



def test_check_link_reports_missing_warehouse_account_and_scope(emulator, db) -> None:
    from framework import CheckContext, Feature, LinkContext, LinkInfo
    from plugins.accurate import hooks
    from plugins.accurate.auth import SCOPES
    from plugins.accurate.connector import AccurateConnector

    tokens = emulator.auth.issue_tokens(frozenset(SCOPES) - {"sales_receipt_save"})
    link = LinkContext("toko", {"auth": "oauth", "account_url": emulator.base_url,
                                "database_id": str(db)},
                       {"client_id": emulator.auth.client_id,
                        "client_secret": emulator.auth.client_secret, **tokens})
    info = LinkInfo("toko", "ginee", "accurate", frozenset({Feature.INVOICE}), None,
                    {"receipt_mode": "auto-paid"})  # payout mode's roles: test_accurate_payout
    with AccurateConnector(link) as oauth_connector:
        context = CheckContext(link=info, commerce=None, accounting=oauth_connector,
                               bindings={"WH1": WAREHOUSE, "WH2": "Gudang Hilang"},
                               mappings={("bank", ""): "1101", ("shipping_fee", ""): "9999",
                                         ("customer", "SHOPEE"): "C.SHOPEE"})
        problems = hooks.check_link(context=context)
    assert {(p.check, p.subject) for p in problems} == {
        ("accurate-warehouse", "Gudang Hilang"), ("accurate-account", "9999"),
        ("accurate-scope", "sales_receipt_save")}
    assert all(p.fix for p in problems)
    other = LinkInfo("toko", "ginee", "jurnal", frozenset(), None)
    assert hooks.check_link(context=CheckContext(other, None, None)) is None
