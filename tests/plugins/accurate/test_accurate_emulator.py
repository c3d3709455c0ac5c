"""The emulator's accounting rules and Accurate's error texts, through the HTTP API."""

from __future__ import annotations

import httpx
import pytest

from framework import ProviderConfigError, ProviderPermanentError
from plugins.accurate.auth import AccurateConfig
from plugins.accurate.client import AccurateClient

WH = "Gudang Utama"


@pytest.fixture
def client(emulator, db):
    config = AccurateConfig.from_link(
        {"auth": "api_token", "account_url": emulator.base_url},
        {"api_token": emulator.api_token_for(db),
         "signature_secret": emulator.auth.signature_secret})
    emulator.add_customer(db, "C1", "Pelanggan Satu")
    with AccurateClient(config, retries=1) as built:
        yield built


def sales_order(client, number="SO.1", qty=2):
    return client.save("sales-order", {"number": number, "customerNo": "C1",
                                       "transDate": "01/11/2026",
                                       "detailItem": [{"itemNo": "A1", "quantity": qty,
                                                       "unitPrice": 50000, "warehouseName": WH}]})


def invoice(client, number, so="SO.1", qty=2):
    return client.save("sales-invoice", {"number": number, "customerNo": "C1", "detailItem": [
        {"itemNo": "A1", "quantity": qty, "unitPrice": 50000, "warehouseName": WH,
         "salesOrderNumber": so}]})


def test_invoicing_an_order_twice_is_refused(client, emulator, db) -> None:
    sales_order(client)
    invoice(client, "SI.1")
    with pytest.raises(ProviderPermanentError, match="terdeteksi terproses dua kali"):
        invoice(client, "SI.2")
    assert emulator.stock(db, "A1", WH) == (8, 0)


def test_duplicate_numbers_and_bad_dates(client) -> None:
    sales_order(client)
    with pytest.raises(ProviderPermanentError, match="Sudah ada data lain dengan No Pesanan"):
        sales_order(client)
    with pytest.raises(ProviderPermanentError, match="dd/MM/yyyy"):
        client.save("sales-order", {"customerNo": "C1", "transDate": "2026-11-01",
                                    "detailItem": [{"itemNo": "A1", "quantity": 1}]})


def test_receipt_lowers_outstanding(client, emulator, db) -> None:
    sales_order(client)
    invoice(client, "SI.1")
    pay = {"customerNo": "C1", "bankNo": "1101", "transDate": "02/11/2026",
           "chequeAmount": 30000, "detailInvoice": [{"invoiceNo": "SI.1", "paymentAmount": 30000}]}
    client.save("sales-receipt", pay)
    assert client.detail("sales-invoice", number="SI.1")["outstanding"] == 70000
    short = dict(pay, chequeAmount=100, number="SR.2")
    with pytest.raises(ProviderPermanentError, match="Nilai Pembayaran tidak mencukupi"):
        client.save("sales-receipt", short)
    listed = list(client.iter_list("sales-invoice", ("id", "number", "totalAmount")))
    assert listed[0]["totalAmount"] == 100000 and "outstanding" not in listed[0]


def test_bulk_save_limit_and_unknown_endpoint(client, emulator) -> None:
    with pytest.raises(ProviderPermanentError, match="maksimum 100"):
        client.data("POST", "item/bulk-save.do", body={"data": [{"no": f"x{n}", "name": "x"}
                                                                for n in range(101)]})
    with pytest.raises(ProviderConfigError, match="URL API tidak tepat"):
        client.data("GET", "nothing/list.do")


def test_state_and_session_check(client, emulator, db) -> None:
    sales_order(client)
    state = httpx.get(f"{emulator.base_url}/_emulator/state").json()
    database = state["databases"][str(db)]
    assert [so["number"] for so in database["sales_order"]] == ["SO.1"]
    assert database["stock"]["A1"]["reserved"] == {WH: 2}
    creds = emulator.credentials()
    assert set(creds) == {"account_url", "client_id", "client_secret", "api_token",
                          "signature_secret", "databases"}
    assert creds["databases"] == [{"id": db, "alias": "PT Toko Maju",
                                   "api_token": emulator.api_token_for(db)}]
