"""Reference §7 "Checklist for the emulator and the client": one test per item.

Several items are also covered in depth elsewhere (named in each docstring); the test here
checks the item end to end in its plainest form, so the checklist can be read off this file.
"""

from __future__ import annotations

import threading
from datetime import datetime

import httpx
import pytest

from framework import ProviderPermanentError
from framework.emulation import serve_in_thread
from framework.webhooks import sign_base64, sign_hex
from plugins.accurate.auth import api_token_headers
from plugins.accurate.emulator import RATE_LIMIT_TEXT, AccurateEmulator
from plugins.accurate.emulator.state import WIB

WH = "Gudang Utama"
ACCOUNT_CALLS = ("db-list", "open-db", "db-check-session", "db-refresh-session", "db-detail",
                 "db-status", "approved-scope", "auth-info", "userinfo", "api-token",
                 "webhook-renew", "webhook-history")


def _signed(emulator, db) -> dict[str, str]:
    return api_token_headers(emulator.api_token_for(db), emulator.auth.signature_secret)


@pytest.fixture
def oauth(emulator, db, oauth_for):
    client = oauth_for(emulator)
    client.open_database(db)
    yield client
    client.close()


def test_item_1_two_host_layers(emulator, db, oauth) -> None:
    bearer = {"Authorization": f"Bearer {oauth.config.access_token}"}
    now = datetime.now(WIB).strftime("%d/%m/%Y %H:%M:%S")
    params = {"id": db, "session": oauth.config.session, "from": now, "to": now}
    for name in ACCOUNT_CALLS:
        headers = _signed(emulator, db) if name == "api-token" else bearer
        answer = httpx.get(f"{emulator.base_url}/api/{name}.do", params=params, headers=headers)
        assert answer.status_code == 200 and answer.json()["s"] is True, (name, answer.text)
    data = httpx.get(f"{emulator.base_url}/accurate/api/item/list.do",
                     headers={**bearer, "X-Session-ID": str(oauth.config.session)})
    assert data.json()["s"] is True
    wrong = httpx.get(f"{emulator.base_url}/api/item/list.do", headers=bearer)
    assert wrong.status_code == 404 and wrong.json() == {"s": False, "d": ["URL API tidak tepat"]}
    authorize = httpx.get(f"{emulator.base_url}/oauth/authorize",
                          params={"client_id": emulator.auth.client_id, "response_type": "code",
                                  "redirect_uri": "http://127.0.0.1:9/cb"})
    assert authorize.status_code == 302 and "code=" in authorize.headers["location"]


def test_item_2_authentication_checks(emulator, db, oauth) -> None:
    """Also test_accurate_auth.py (skew, wrong secret, unknown token)."""
    url = f"{emulator.base_url}/accurate/api/item/list.do"
    no_session = httpx.get(url, headers={"Authorization": f"Bearer {oauth.config.access_token}"})
    assert no_session.status_code == 401
    assert no_session.json()["d"] == ["Data Session Key tidak tepat"]
    token, secret = emulator.api_token_for(db), emulator.auth.signature_secret
    stamp = "2023-11-02T09:32:43Z"
    assert httpx.get(url, headers={"Authorization": f"Bearer {token}", "X-Api-Timestamp": stamp,
                                   "X-Api-Signature": sign_hex(secret, stamp)}).status_code == 401
    fresh = datetime.now(WIB).strftime("%d/%m/%Y %H:%M:%S")
    for signature in (sign_hex(secret, fresh), sign_base64(secret, fresh)):
        answer = httpx.get(url, headers={"Authorization": f"Bearer {token}",
                                         "X-Api-Timestamp": fresh, "X-Api-Signature": signature})
        assert answer.json()["s"] is True


def test_item_3_response_shapes(emulator, db, token_client) -> None:
    """Also test_accurate_documented_examples.py."""
    emulator.add_customer(db, "C1", "Pelanggan")
    with token_client(emulator, db) as client:
        saved = client.save("customer", {"customerNo": "C2", "name": "Dua"})
        assert saved.r["customerNo"] == "C2" and saved.d[0].endswith("berhasil disimpan")
        listed = client.data("GET", "customer/list.do", params={"fields": "id,customerNo"})
        assert set(listed.sp) == {"page", "pageSize", "pageCount", "rowCount"}
    refused = httpx.post(f"{emulator.base_url}/accurate/api/customer/save.do",
                         json={"customerNo": "C1", "name": "dup"}, headers=_signed(emulator, db))
    assert refused.status_code == 200 and refused.json()["s"] is False


def test_item_4_request_formats(emulator, db) -> None:
    """Also test_accurate_client.py::test_form_body_with_flat_names."""
    url = f"{emulator.base_url}/accurate/api/customer/save.do"
    assert httpx.post(url, json={"customerNo": "J1", "name": "Json"},
                      headers=_signed(emulator, db)).json()["s"]
    assert httpx.post(url, data={"customerNo": "F1", "name": "Form"},
                      headers=_signed(emulator, db)).json()["s"]
    assert httpx.post(url, params={"customerNo": "Q1", "name": "Query"},
                      headers=_signed(emulator, db)).json()["s"]
    order = {"customerNo": "J1", "detailItem[0].itemNo": "A1", "detailItem[0].quantity": "1",
             "transDate": "2026-11-01"}
    refused = httpx.post(f"{emulator.base_url}/accurate/api/sales-order/save.do", data=order,
                         headers=_signed(emulator, db)).json()
    assert refused["s"] is False and "dd/MM/yyyy" in refused["d"][0]
    assert {c["customerNo"] for c in emulator.documents(db, "customer")} == {"J1", "F1", "Q1"}


def test_item_5_bulk_save(emulator, db, token_client) -> None:
    """Also test_accurate_bulk_save.py."""
    with token_client(emulator, db) as client:
        results = client.bulk_save("item", [{"no": f"BS{n}", "name": "x"} for n in range(101)]
                                   + [{"no": "A1", "name": "dup"}])
    assert len(results) == 102 and [r.ok for r in results].count(False) == 1


def test_item_6_rate_limit_keyed_by_token(emulator, db) -> None:
    slow = AccurateEmulator(latency=5.0)  # holds 8 in flight while the rest arrive
    with serve_in_thread(slow):
        first, second = slow.add_database("PT Satu"), slow.add_database("PT Dua")
        answers: list[httpx.Response] = []

        def call(database: int) -> None:
            answers.append(httpx.get(f"{slow.base_url}/accurate/api/item/list.do",
                                     headers=_signed(slow, database), timeout=30))

        threads = [threading.Thread(target=call, args=(first,)) for _ in range(12)]
        threads.append(threading.Thread(target=call, args=(second,)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        refused = [a for a in answers if a.status_code == 429]
        assert refused and all(a.json() == {"s": False, "d": [RATE_LIMIT_TEXT]} for a in refused)
        assert len(answers) - len(refused) >= 8
        peaks = slow.meter.snapshot()
        assert max(peaks["peak_in_flight"].values()) <= 8
        assert slow.api_token_for(second) not in peaks["rejected"]  # another token is untouched


def test_item_7_closing_a_sales_order(emulator, db, token_client) -> None:
    emulator.add_customer(db, "C1", "Pelanggan")
    line = {"itemNo": "A1", "quantity": 1, "warehouseName": WH}
    with token_client(emulator, db) as client:
        for number in ("SO.1", "SO.2"):
            client.save("sales-order", {"number": number, "customerNo": "C1",
                                        "detailItem": [line]})
        client.close_sales_order("SO.1")
        with pytest.raises(ProviderPermanentError, match="sudah ditutup, tidak dapat"):
            client.save("sales-invoice", {"customerNo": "C1", "detailItem": [
                {**line, "salesOrderNumber": "SO.1"}]})
        client.save("sales-invoice", {"customerNo": "C1", "detailItem": [
            {**line, "salesOrderNumber": "SO.2"}]})
        with pytest.raises(ProviderPermanentError, match="terdeteksi terproses dua kali"):
            client.save("sales-invoice", {"customerNo": "C1", "detailItem": [
                {**line, "salesOrderNumber": "SO.2"}]})
        reopened = client.data("POST", "sales-order/manual-close-order.do",
                               body={"number": "SO.1", "orderClosed": False})
        assert reopened.r["status"] == "QUEUE"
    assert emulator.stock(db, "A1", WH) == (9, 1)


def test_item_8_payments(emulator, db, token_client) -> None:
    """Also test_accurate_money_fields.py."""
    emulator.add_customer(db, "C1", "Pelanggan")
    with token_client(emulator, db) as client:
        client.save("sales-invoice", {"number": "SI.1", "customerNo": "C1", "detailItem": [
            {"itemNo": "A1", "quantity": 2, "unitPrice": 50000}]})
        client.save("sales-receipt", {
            "customerNo": "C1", "bankNo": "1101", "chequeAmount": 60000,
            "detailInvoice": [{"invoiceNo": "SI.1", "paymentAmount": 60000,
                               "detailDiscount": [{"amount": 5000, "accountNo": "6101"}]}],
            "detailTax": [{"detailInvoiceNo": "SI.1", "taxId": 51, "taxAmount": 2000}]})
        assert client.detail("sales-invoice", number="SI.1")["outstanding"] == 33000


def test_item_9_api_token_answer_and_headers_on_account_calls(emulator, db) -> None:
    """Also test_accurate_account_host.py."""
    answer = httpx.get(f"{emulator.base_url}/api/api-token.do",
                       headers=_signed(emulator, db)).json()["d"]
    assert answer["database"]["host"] == emulator.base_url and answer["application"]["appKey"]
    assert answer["user"]["id"]
    renew = httpx.post(f"{emulator.base_url}/api/webhook-renew.do",
                       headers=_signed(emulator, db)).json()
    assert renew["s"] is True and isinstance(renew["d"], str)


def test_item_10_bearer_update_delete_keywords_sort(emulator, db, token_client) -> None:
    """Also test_accurate_records.py and test_accurate_account_host.py."""
    headers = _signed(emulator, db)
    headers["Authorization"] = headers["Authorization"].replace("Bearer", "bearer")
    saved = httpx.post(f"{emulator.base_url}/accurate/api/item/save.do", headers=headers,
                       json={"no": "Z1", "name": "Zebra Cross"}).json()["r"]
    with token_client(emulator, db) as client:
        client.update("item", saved["id"], {"name": "Zebra Baru"})
        assert [i["name"] for i in emulator.documents(db, "item") if i["no"] == "Z1"] == [
            "Zebra Baru"]
        found = list(client.iter_list("item", ("no",), extra={"filter.keywords.val": "zebra"}))
        assert found == [{"no": "Z1"}]
        ordered = list(client.iter_list("item", ("no",), extra={"sp.sort": "no|desc"}))
        assert [r["no"] for r in ordered] == ["Z1", "B2", "A1"]
        client.delete("item", id=saved["id"])
    assert "Z1" not in {i["no"] for i in emulator.documents(db, "item")}


def test_item_11_webhooks(emulator, db, token_client) -> None:
    """Also test_accurate_control.py (delivered over HTTP, renewed, expired)."""
    emulator.set_webhook("http://127.0.0.1:9/hook", ["ITEM"])
    with token_client(emulator, db) as client:
        saved = client.save("item", {"no": "W1", "name": "Webhook"}).r
        emulator.advance_clock(7 * 86400 + 60)
        client.save("item", {"no": "W2", "name": "Sesudah 7 hari"})
    [sent] = emulator.webhooks.history
    assert sent["payload"] == {"type": "ITEM", "databaseId": db,
                               "data": [{"action": "WRITE", "itemId": saved["id"]}]}
