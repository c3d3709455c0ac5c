"""bulk-save.do as documented: at most 100 records, one result ``{s, d, r}`` per record."""

from __future__ import annotations

import httpx
import pytest

from framework import ProviderConfigError
from framework.emulation import serve_in_thread
from plugins.accurate.auth import api_token_headers
from plugins.accurate.client import bulk_result
from plugins.accurate.emulator import AccurateEmulator

WAREHOUSE = "Gudang Utama"


def _order(number: str, qty: int = 1, item: str = "A1") -> dict:
    return {"number": number, "customerNo": "C1", "transDate": "01/11/2026",
            "detailItem": [{"itemNo": item, "quantity": qty, "unitPrice": 50000,
                            "warehouseName": WAREHOUSE}]}


def test_each_record_has_its_own_result_and_saved_record(emulator, db, token_client) -> None:
    emulator.add_customer(db, "C1", "Pelanggan Satu")
    orders = [_order("SO.B1"), _order("SO.B2", item="NOPE"), _order("SO.B1"), _order("SO.B3")]
    with token_client(emulator, db) as client:
        results = client.bulk_save("sales-order", orders)
    assert [r.ok for r in results] == [True, False, False, True]
    assert results[0].record["number"] == "SO.B1" and results[0].record["id"]
    assert results[0].record["detailItem"][0]["id"] == results[0].record["id"]
    assert "Barang & Jasa NOPE tidak tepat" in results[1].message
    assert "Sudah ada data lain dengan No Pesanan SO.B1" in results[2].message
    assert results[1].record is None
    held = [so["number"] for so in emulator.documents(db, "sales_order")]
    assert held == ["SO.B1", "SO.B3"]
    assert emulator.stock(db, "A1", WAREHOUSE) == (10, 2)  # refused records moved nothing


def _raw_bulk(emulator: AccurateEmulator, db: int, **kwargs) -> dict:
    headers = api_token_headers(emulator.api_token_for(db), emulator.auth.signature_secret)
    return httpx.post(f"{emulator.base_url}/accurate/api/item/bulk-save.do", headers=headers,
                      **kwargs).json()


def test_the_flat_data_n_form_and_the_json_form_are_the_same(emulator, db) -> None:
    flat = _raw_bulk(emulator, db, data={"data[0].no": "F1", "data[0].name": "Flat satu",
                                         "data[1].no": "F2", "data[1].name": "Flat dua"})
    assert flat["s"] is True and [r["r"]["no"] for r in flat["d"]] == ["F1", "F2"]
    as_json = _raw_bulk(emulator, db, json={"data": [{"no": "J1", "name": "Json"}]})
    assert as_json["d"][0]["s"] is True and as_json["d"][0]["d"][0].endswith("berhasil disimpan")
    assert {"F1", "F2", "J1"} <= {i["no"] for i in emulator.documents(db, "item")}


def test_at_most_100_records(emulator, db) -> None:
    exactly = [{"no": f"M{n:03d}", "name": f"Barang {n}"} for n in range(100)]
    answer = _raw_bulk(emulator, db, json={"data": exactly})
    assert len(answer["d"]) == 100 and answer["s"] is True
    over = _raw_bulk(emulator, db, json={"data": [*exactly, {"no": "M100", "name": "x"}]})
    assert over == {"s": False, "d": ["Jumlah data melebihi batas maksimum 100"]}
    assert "M100" not in {i["no"] for i in emulator.documents(db, "item")}
    assert _raw_bulk(emulator, db, json={"data": []})["s"] is False


def test_a_bulk_record_with_id_updates_instead_of_creating(emulator, db, token_client) -> None:
    emulator.add_customer(db, "C1", "Pelanggan Satu")
    with token_client(emulator, db) as client:
        [first] = client.bulk_save("sales-order", [_order("SO.U1", qty=1)])
        [again] = client.bulk_save("sales-order", [{"id": first.record["id"], "detailItem": [
            {"id": first.record["detailItem"][0]["id"], "quantity": 3}]}])
    assert again.ok, again.message
    [held] = emulator.documents(db, "sales_order")
    assert held["id"] == first.record["id"] and held["detailItem"][0]["quantity"] == 3
    assert emulator.stock(db, "A1", WAREHOUSE) == (10, 3)


@pytest.mark.parametrize("top_level", ["all", "true"])
def test_the_client_reads_per_record_results_whatever_the_top_level_s(
        top_level: str, token_client, seed_database) -> None:
    with serve_in_thread(AccurateEmulator(bulk_top_level_s=top_level)) as emulator:
        db = seed_database(emulator)
        answer = _raw_bulk(emulator, db, json={"data": [{"no": "A1", "name": "dup"},
                                                        {"no": "Z9", "name": "baru"}]})
        assert answer["s"] is (top_level == "true")
        with token_client(emulator, db) as client:
            results = client.bulk_save("item", [{"no": "A1", "name": "dup"},
                                                {"no": "Z8", "name": "baru"}])
        assert [r.ok for r in results] == [False, True]


def test_warehouse_has_no_bulk_save(emulator, db, token_client) -> None:
    with token_client(emulator, db) as client, pytest.raises(ProviderConfigError,
                                                        match="URL API tidak tepat"):
        client.bulk_save("warehouse", [{"name": "Gudang X"}])


def test_an_unreadable_record_result_is_that_record_s_error() -> None:
    assert bulk_result(0, None).ok is False
    assert "unreadable" in bulk_result(1, "oops").message
    assert bulk_result(2, {"s": True, "d": ["ok"], "r": "x"}).record is None
    assert bulk_result(3, {"s": "true"}).ok is False  # only JSON true counts
