"""save.do with id updates, delete.do, detail.do's documented fields, keywords and sort."""

from __future__ import annotations

import httpx
import pytest

from framework import ProviderPermanentError
from plugins.accurate.auth import api_token_headers

WH = "Gudang Utama"


@pytest.fixture
def client(emulator, db, token_client):
    emulator.add_customer(db, "C1", "Pelanggan Satu")
    with token_client(emulator, db) as built:
        yield built


def _order(client, number="SO.1", qty=2, **extra):
    return client.save("sales-order", {"number": number, "customerNo": "C1",
                                       "transDate": "01/11/2026", **extra,
                                       "detailItem": [{"itemNo": "A1", "quantity": qty,
                                                       "unitPrice": 50000, "warehouseName": WH}]})


def _invoice(client, number="SI.1", so="SO.1", qty=2, **extra):
    return client.save("sales-invoice", {"number": number, "customerNo": "C1",
                                         "transDate": "02/11/2026", **extra, "detailItem": [
                                             {"itemNo": "A1", "quantity": qty, "unitPrice": 50000,
                                              "warehouseName": WH, "salesOrderNumber": so}]})


def test_save_with_id_updates_the_same_record(client, emulator, db) -> None:
    saved = _order(client).r
    line_id = saved["detailItem"][0]["id"]
    updated = client.update("sales-order", saved["id"], {
        "description": "diubah", "detailItem": [{"id": line_id, "quantity": 5},
                                                {"itemNo": "B2", "quantity": 1,
                                                 "warehouseName": WH}]}).r
    assert updated["id"] == saved["id"] and updated["number"] == "SO.1"
    [held] = emulator.documents(db, "sales_order")
    assert held["description"] == "diubah"
    assert [(line["itemNo"], line["quantity"]) for line in held["detailItem"]] == [
        ("A1", 5), ("B2", 1)]
    assert held["detailItem"][0]["id"] == line_id
    assert held["totalAmount"] == 5 * 50000 + 25000
    assert emulator.stock(db, "A1", WH) == (10, 5) and emulator.stock(db, "B2", WH) == (5, 1)
    client.update("sales-order", saved["id"], {"detailItem": [
        {"id": held["detailItem"][1]["id"], "_status": "delete"}]})
    assert emulator.stock(db, "B2", WH) == (5, 0)
    assert len(emulator.documents(db, "sales_order")) == 1


def test_a_refused_update_leaves_the_old_version(client, emulator, db) -> None:
    saved = _order(client).r
    with pytest.raises(ProviderPermanentError, match="Barang & Jasa NOPE tidak tepat"):
        client.update("sales-order", saved["id"], {"detailItem": [{"itemNo": "NOPE",
                                                                    "quantity": 1}]})
    [held] = emulator.documents(db, "sales_order")
    assert [line["itemNo"] for line in held["detailItem"]] == ["A1"]
    assert emulator.stock(db, "A1", WH) == (10, 2)
    with pytest.raises(ProviderPermanentError, match="Pesanan Penjualan tidak tepat"):
        client.update("sales-order", 999999, {"description": "x"})


def test_an_invoiced_order_and_a_paid_invoice_cannot_change(client, emulator, db) -> None:
    order = _order(client).r
    invoice = _invoice(client).r
    with pytest.raises(ProviderPermanentError, match="sudah diproses oleh Faktur Penjualan"):
        client.update("sales-order", order["id"], {"description": "x"})
    client.save("sales-receipt", {"customerNo": "C1", "bankNo": "1101", "number": "SR.1",
                                  "chequeAmount": 10000, "transDate": "03/11/2026",
                                  "detailInvoice": [{"invoiceNo": "SI.1",
                                                     "paymentAmount": 10000}]})
    with pytest.raises(ProviderPermanentError, match="sudah diproses oleh Penerimaan"):
        client.delete("sales-invoice", id=invoice["id"])
    client.delete("sales-receipt", number="SR.1")
    assert client.detail("sales-invoice", id=invoice["id"])["outstanding"] == 100000
    client.delete("sales-invoice", id=invoice["id"])
    assert emulator.stock(db, "A1", WH) == (10, 2)  # back to the order's reservation
    assert client.detail("sales-order", number="SO.1")["status"] == "QUEUE"


def test_delete_undoes_stock_and_balances(client, emulator, db) -> None:
    _order(client)
    _invoice(client)
    assert emulator.balances(db)
    answer = client.delete("sales-invoice", number="SI.1")
    assert answer.d == ["Data berhasil dihapus"]
    client.delete("sales-order", number="SO.1")
    assert emulator.stock(db, "A1", WH) == (10, 0)
    assert emulator.balances(db) == {}
    assert client.detail("sales-invoice", number="SI.1") is None
    with pytest.raises(ProviderPermanentError, match="Faktur Penjualan tidak tepat"):
        client.delete("sales-invoice", number="SI.1")


def test_delete_uses_the_delete_method_with_the_key_in_the_query(client, emulator, db) -> None:
    client.save("item", {"no": "DEL1", "name": "Hapus saya"})
    headers = api_token_headers(emulator.api_token_for(db), emulator.auth.signature_secret)
    answer = httpx.delete(f"{emulator.base_url}/accurate/api/item/delete.do",
                          params={"no": "DEL1"}, headers=headers).json()
    assert answer == {"s": True, "d": ["Data berhasil dihapus"]}
    assert "DEL1" not in {i["no"] for i in emulator.documents(db, "item")}
    with pytest.raises(ProviderPermanentError, match="sudah digunakan"):
        _order(client)
        client.delete("item", no="A1")


def test_master_data_updates_by_id(client, emulator, db) -> None:
    item = client.save("item", {"no": "U1", "name": "Lama", "unitPrice": 1000}).r
    client.update("item", item["id"], {"name": "Baru", "unitPrice": 2000})
    held = client.detail("item", id=item["id"])
    assert (held["no"], held["name"], held["unitPrice"]) == ("U1", "Baru", 2000)
    assert sum(1 for i in emulator.documents(db, "item") if i["no"] == "U1") == 1
    customer = client.detail("customer", customerNo="C1")
    client.update("customer", customer["id"], {"email": "c1@example.id"})
    assert client.detail("customer", id=customer["id"])["email"] == "c1@example.id"


def test_invoice_detail_has_the_documented_fields(client) -> None:
    _order(client)
    _invoice(client, paymentTermName="net 30")
    d = client.detail("sales-invoice", number="SI.1")
    for name in ("id", "number", "transDate", "dueDate", "customerId", "customer", "status",
                 "statusName", "approvalStatus", "subTotal", "totalAmount", "outstanding",
                 "primeOwing", "receiptHistory", "detailItem", "lastUpdate"):
        assert name in d, name
    assert d["dueDate"] == "02/12/2026" and d["approvalStatus"] == "APPROVED"
    assert d["customer"]["customerNo"] == "C1" and d["customerId"] == d["customer"]["id"]
    assert d["subTotal"] == 100000 and d["primeOwing"] == 100000 and d["receiptHistory"] == []
    [line] = d["detailItem"]
    assert line["id"] == d["id"] and line["seq"] == 1
    assert line["item"]["no"] == "A1" and line["item"]["name"] == "Kaos Polos Hitam"
    client.save("sales-receipt", {"customerNo": "C1", "bankNo": "1101", "number": "SR.9",
                                  "chequeAmount": 40000, "transDate": "03/11/2026",
                                  "detailInvoice": [{"invoiceNo": "SI.1",
                                                     "paymentAmount": 40000}]})
    d = client.detail("sales-invoice", number="SI.1")
    assert [(h["historyNumber"], h["paymentAmount"]) for h in d["receiptHistory"]] == [
        ("SR.9", 40000)]
    assert d["statusName"] == "Belum Lunas"
    order = client.detail("sales-order", number="SO.1")
    assert order["status"] == "CLOSED" and order["statusName"]
    assert "manualClosed" not in order  # only job orders have it, not sales orders


def test_line_ids_count_up_from_the_header_id(client) -> None:
    saved = client.save("sales-order", {"customerNo": "C1", "detailItem": [
        {"itemNo": "A1", "quantity": 1}, {"itemNo": "B2", "quantity": 1}]}).r
    next_one = _order(client, "SO.2").r
    ids = [line["id"] for line in saved["detailItem"]]
    assert ids == [saved["id"], saved["id"] + 1] and next_one["id"] > ids[-1]


def test_keywords_and_sort(client, emulator, db) -> None:
    for no, name, price in (("K1", "Kemeja Biru", 3000), ("K2", "Kemeja Merah", 1000),
                            ("K3", "Celana Biru", 2000)):
        emulator.add_item(db, no, name, price)
    found = list(client.iter_list("item", ("no",), extra={"filter.keywords.val": "biru"}))
    assert sorted(r["no"] for r in found) == ["K1", "K3"]
    plain = list(client.iter_list("item", ("no",), extra={"filter.keywords": "kemeja merah"}))
    assert [r["no"] for r in plain] == ["K2"]
    by_price = list(client.iter_list("item", ("no", "unitPrice"),
                                     extra={"filter.no.op": "CONTAIN", "filter.no.val": "K",
                                            "sp.sort": "unitPrice|desc"}))
    assert [r["no"] for r in by_price] == ["K1", "K3", "K2"]
    two_keys = list(client.iter_list("item", ("no",), extra={"sp.sort": "name|asc;no|desc"}))
    names = [r["no"] for r in two_keys]
    assert names.index("K3") < names.index("K1") < names.index("K2")
    with pytest.raises(ProviderPermanentError, match="sp.sort"):
        list(client.iter_list("item", ("no",), extra={"sp.sort": "name|sideways"}))


def test_list_rows_have_no_owing_amounts_and_filter_by_customer(client) -> None:
    _order(client)
    _invoice(client)
    rows = list(client.iter_list("sales-invoice", ("id", "number", "customerNo", "outstanding",
                                                   "totalAmount"),
                                 extra={"filter.customerNo": "C1"}))
    assert rows == [{"id": rows[0]["id"], "number": "SI.1", "customerNo": "C1",
                     "totalAmount": 100000}]
