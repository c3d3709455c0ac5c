"""Control routes (``/_emulator/...``), stok opname, and webhooks with their 7-day life."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import httpx
import pytest

from framework import ProviderPermanentError
from framework.emulation import free_port
from plugins.accurate.connect import connect_api_token


def control(emulator, action: str, **body):
    return httpx.post(f"{emulator.base_url}/_emulator/{action}", json=body, timeout=10)


def test_a_seed_rehearsed_step_by_step_over_http(emulator, token_client) -> None:
    created = control(emulator, "add_database", alias="PT Baru Rekan").json()
    assert created["ok"] is True
    db = created["result"]
    assert control(emulator, "add_warehouse", database_id=db, name="Gudang A").json()["ok"]
    assert control(emulator, "add_item", database_id=db, no="SKU-1", name="Barang Satu",
                   price="15000", quantities={"Gudang A": 4}).json()["ok"]
    token = emulator.api_token_for(db)
    connection = connect_api_token(emulator.base_url, token, emulator.auth.signature_secret)
    assert connection.alias == "PT Baru Rekan"
    opname = control(emulator, "adjust_stock", database_id=db, item_no="SKU-1",
                     warehouse="Gudang A", quantity=9).json()
    assert opname["ok"] and opname["result"].startswith("IA.")
    with token_client(emulator, db) as client:
        [row] = list(client.iter_list("item", ("no",), action="list-stock",
                                      extra={"warehouseName": "Gudang A"}))
        adjustment = client.detail("item-adjustment", number=opname["result"])
    assert row["quantity"] == 9
    [line] = adjustment["detailItem"]
    assert (line["itemAdjustmentType"], line["quantity"]) == ("ADJUSTMENT_IN", 5)
    down = control(emulator, "adjust_stock", database_id=db, item_no="SKU-1",
                   warehouse="Gudang A", quantity=2).json()
    assert emulator.stock(db, "SKU-1", "Gudang A") == (2, 0) and down["ok"]
    same = control(emulator, "adjust_stock", database_id=db, item_no="SKU-1",
                   warehouse="Gudang A", quantity=2).json()
    assert same == {"ok": True, "result": None}
    state = httpx.get(f"{emulator.base_url}/_emulator/state").json()
    assert len(state["databases"][str(db)]["item_adjustment"]) == 2


def test_control_routes_refuse_cleanly(emulator, db) -> None:
    wrong = control(emulator, "add_item", database_id=db, no="A1", name="dup", price=1)
    assert wrong.status_code == 400 and "Sudah ada data lain dengan Kode Barang" in wrong.json()[
        "error"]
    unknown_key = control(emulator, "add_database", alias="x", colour="red")
    assert unknown_key.status_code == 400 and "alias" in unknown_key.json()["error"]
    assert control(emulator, "add_warehouse", database_id=1, name="x").status_code == 400
    assert control(emulator, "add_branch", database_id=db, name="Cabang 2").json()["ok"]


def test_save_target_quantity_is_the_documented_stock_opname(emulator, db, token_client) -> None:
    with token_client(emulator, db) as client:
        answer = client.data("POST", "item-adjustment/save-target-quantity.do", body={
            "transDate": "01/12/2026", "detail": [
                {"itemNo": "A1", "targetQuantity": 3, "warehouseName": "Gudang Utama"},
                {"itemNo": "B2", "targetQuantity": 5, "warehouseName": "Gudang Utama"}]})
    assert answer.r["number"].startswith("IA.")
    assert emulator.stock(db, "A1", "Gudang Utama") == (3, 0)
    assert [line["itemNo"] for line in answer.r["detailItem"]] == ["A1"]  # B2 already 5


class _Receiver(BaseHTTPRequestHandler):
    bodies: list = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        length = int(self.headers["Content-Length"])
        type(self).bodies.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, format, *args) -> None:  # noqa: A002
        pass


@pytest.fixture
def receiver():
    handler = type("Receiver", (_Receiver,), {"bodies": []})
    server = HTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/hook", handler.bodies
    finally:
        server.shutdown()
        server.server_close()


def test_webhooks_in_the_data_shape_stop_after_7_days_unless_renewed(
        emulator, db, token_client, receiver) -> None:
    url, bodies = receiver
    assert control(emulator, "set_webhook", url=url).json()["ok"]
    emulator.add_customer(db, "C1", "Pelanggan")
    with token_client(emulator, db) as client:
        saved = client.save("sales-invoice", {"customerNo": "C1", "detailItem": [
            {"itemNo": "A1", "quantity": 1}]}).r
        assert emulator.flush_webhooks() == 1
        assert bodies[-1] == {"type": "SALES_INVOICE", "databaseId": db,
                              "data": [{"action": "WRITE", "salesInvoiceId": saved["id"]}]}
        client.delete("sales-invoice", id=saved["id"])
        emulator.flush_webhooks()
        assert bodies[-1]["data"] == [{"action": "DELETE", "salesInvoiceId": saved["id"]}]
        control(emulator, "advance_clock", seconds=6 * 86400)
        client.account("webhook-renew")  # renewed on day 6: good until day 13
        control(emulator, "advance_clock", seconds=5 * 86400)
        client.save("item", {"no": "W1", "name": "Masih dikirim"})
        assert emulator.flush_webhooks() == 1 and bodies[-1]["type"] == "ITEM"
        control(emulator, "advance_clock", seconds=3 * 86400)  # day 14: expired, silently
        client.save("item", {"no": "W2", "name": "Tidak dikirim"})
        assert emulator.flush_webhooks() == 0 and len(bodies) == 3
    history = emulator.webhooks.history
    assert [entry["type"] for entry in history] == ["SALES_INVOICE", "SALES_INVOICE", "ITEM"]


def test_webhook_history_takes_api_token_headers_and_at_most_24_hours(
        emulator, db, token_client) -> None:
    emulator.set_webhook("http://127.0.0.1:9/hook")
    with token_client(emulator, db) as client:
        client.save("item", {"no": "H1", "name": "Riwayat"})
        now = emulator.now()
        window = {"from": (now - timedelta(hours=1)).strftime("%d/%m/%Y %H:%M:%S"),
                  "to": (now + timedelta(hours=1)).strftime("%d/%m/%Y %H:%M:%S")}
        history = client.account("webhook-history", {**window, "databaseId": db})
        assert [row["type"] for row in history.d] == ["ITEM"] and history.raw["sp"]["rowCount"]
        assert client.account("webhook-history", {**window, "type": "SALES_ORDER"}).d == []
        too_long = {**window, "to": (now + timedelta(hours=30)).strftime("%d/%m/%Y %H:%M:%S")}
        with pytest.raises(ProviderPermanentError, match="24 jam"):
            client.account("webhook-history", too_long)
