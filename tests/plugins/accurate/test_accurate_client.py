"""AccurateClient against the emulator: host discovery, OAuth, sessions, 308, lists, bulk-save."""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from framework import LinkContext, ProviderConfigError, ProviderPermanentError, TransientError
from framework.emulation import Fault
from plugins.accurate.auth import AccurateConfig, authorize_url
from plugins.accurate.client import AccurateClient, Filter
from plugins.accurate.connector import AccurateConnector

_opened: list[AccurateClient] = []


@pytest.fixture(autouse=True)
def _close_clients():
    """Every client a test opens is closed after it (no socket left to the garbage collector)."""
    yield
    while _opened:
        _opened.pop().close()


def api_client(emulator, db, **settings) -> AccurateClient:
    config = AccurateConfig.from_link(
        {"auth": "api_token", "account_url": emulator.base_url, **settings},
        {"api_token": emulator.api_token_for(db),
         "signature_secret": emulator.auth.signature_secret})
    _opened.append(AccurateClient(config, retries=1))
    return _opened[-1]


def oauth_login(emulator, saved: list) -> AccurateClient:
    """Run the code grant the way the CLI does (minus the browser) and return a client."""
    config = AccurateConfig(auth="oauth", account_url=emulator.base_url,
                            client_id=emulator.auth.client_id,
                            client_secret=emulator.auth.client_secret)
    client = AccurateClient(config, retries=1, on_credentials=saved.append)
    _opened.append(client)
    state, redirect = secrets.token_urlsafe(8), "http://127.0.0.1:9/callback"
    answer = httpx.get(authorize_url(emulator.base_url, config.client_id, redirect, state))
    query = parse_qs(urlparse(answer.headers["location"]).query)
    assert query["state"] == [state]
    client.exchange_code(query["code"][0], redirect)
    return client


def test_api_token_discovers_host_and_database(emulator, db) -> None:
    client = api_client(emulator, db)
    database = client.discover_host()
    assert database["id"] == db and client.config.host == emulator.base_url
    assert client.lane == f"accurate:{db}"
    rows = list(client.iter_list("warehouse", ("id", "name")))
    assert {row["name"] for row in rows} == {"Gudang Utama", "Gudang Retur"}


def test_moved_database_is_followed_and_remembered(emulator, db, link_for) -> None:
    link = link_for(emulator, db)
    with AccurateConnector(link) as connector:
        connector.list_warehouses()
        new_host = emulator.move_database(db)
        created = connector.create_items([], "Gudang Utama")  # no-op, no request
        assert created == []
        assert [w.name for w in connector.list_warehouses()]  # 308 followed
        assert connector.client.config.host == new_host
    assert link.save_credentials.latest["host"] == new_host
    # a connector built from the saved credentials goes straight to the new host
    relinked = LinkContext("toko", link.settings, link.save_credentials.latest)
    with AccurateConnector(relinked) as connector:
        assert connector.client.config.host == new_host
        connector.find_items(["A1"])


def test_moved_database_post_keeps_method_and_body(emulator, db) -> None:
    client = api_client(emulator, db)
    client.discover_host()
    emulator.move_database(db)
    envelope = client.save("customer", {"customerNo": "C.X", "name": "Pelanggan X"})
    assert envelope.r["customerNo"] == "C.X"
    assert [c["customerNo"] for c in emulator.documents(db, "customer")] == ["C.X"]


def test_oauth_flow_session_and_token_refresh(emulator, db) -> None:
    saved: list = []
    client = oauth_login(emulator, saved)
    assert [d["id"] for d in client.list_databases()] == [db]
    client.open_database(db)
    assert client.config.session and client.config.host == emulator.base_url
    assert list(client.iter_list("item", ("id", "no")))
    emulator.expire_sessions()  # next call: 401 "Data Session Key tidak tepat"
    old_session = client.config.session
    assert list(client.iter_list("item", ("id", "no")))
    assert client.config.session != old_session
    emulator.expire_access_tokens()  # next call: 401 invalid_token -> refresh (rotating)
    old_refresh = client.config.refresh_token
    assert list(client.iter_list("item", ("id", "no")))
    assert client.config.refresh_token != old_refresh
    assert saved[-1]["refresh_token"] == client.config.refresh_token
    assert saved[-1]["session"] == client.config.session


def test_oauth_spent_refresh_token_asks_to_reconnect(emulator, db) -> None:
    client = oauth_login(emulator, [])
    client.open_database(db)
    emulator.expire_access_tokens()
    emulator.auth.refresh_tokens.clear()
    with pytest.raises(ProviderConfigError, match="reconnect"):
        list(client.iter_list("item", ("id",)))


def test_revoked_scope_names_the_scope(emulator, db) -> None:
    client = oauth_login(emulator, [])
    client.open_database(db)
    emulator.revoke_scope(db, "sales_order_save")
    with pytest.raises(ProviderConfigError) as caught:
        client.save("sales-order", {"customerNo": "C1"})
    assert "sales_order_save" in str(caught.value) and caught.value.status_code == 403


def test_pagination_past_100_and_filters(emulator, db) -> None:
    for n in range(230):
        emulator.add_item(db, f"P{n:03d}", f"Produk {n}", 1000)
    client = api_client(emulator, db)
    rows = list(client.iter_list("item", ("id", "no"), page_size=500))
    assert len(rows) == 232 and len({r["no"] for r in rows}) == 232
    wanted = ("P001", "P150", "P229")
    found = list(client.iter_list("item", ("no",), filters={"no": Filter("EQUAL", wanted)}))
    assert sorted(r["no"] for r in found) == list(wanted)
    contains = list(client.iter_list("item", ("no",),
                                     filters={"name": Filter("CONTAIN", ("Kaos",))}))
    assert [r["no"] for r in contains] == ["A1"]


def test_bulk_save_mixed_results_and_chunks(emulator, db) -> None:
    client = api_client(emulator, db)
    records = [{"no": f"N{n:03d}", "name": f"Baru {n}"} for n in range(150)]
    records[3] = {"no": "A1", "name": "dup"}
    records[120] = {"no": "X" * 31, "name": "too long"}
    results = client.bulk_save("item", records)
    assert len(results) == 150
    failed = {r.index: r.message for r in results if not r.ok}
    assert set(failed) == {3, 120}
    assert "Sudah ada data lain dengan Kode Barang" in failed[3]
    assert "Maksimal 30 karakter" in failed[120]
    assert len(emulator.documents(db, "item")) == 2 + 148


def test_form_body_with_flat_names(emulator, db) -> None:
    client = api_client(emulator, db)
    client.discover_host()
    headers = client._data_headers()
    form = {"customerNo": "C1", "name": "Form"}
    httpx.post(f"{emulator.base_url}/accurate/api/customer/save.do", data=form, headers=headers)
    so = {"customerNo": "C1", "number": "SO.F1", "detailItem[0].itemNo": "A1",
          "detailItem[0].quantity": "2", "detailItem[1].itemNo": "B2",
          "detailItem[1].quantity": "1", "detailItem[1].warehouseName": "Gudang Retur"}
    answer = httpx.post(f"{emulator.base_url}/accurate/api/sales-order/save.do", data=so,
                        headers=client._data_headers()).json()
    assert answer["s"] is True, answer
    assert emulator.stock(db, "A1", "Gudang Utama") == (10, 2)
    assert emulator.stock(db, "B2", "Gudang Retur") == (2, 1)


def test_not_found_and_validation_keep_accurate_text(emulator, db) -> None:
    client = api_client(emulator, db)
    assert client.detail("sales-invoice", number="SI.NOPE") is None
    emulator.add_customer(db, "C0", "Pelanggan Nol")
    with pytest.raises(ProviderPermanentError, match="Barang & Jasa ZZZ tidak tepat"):
        client.save("sales-order", {"customerNo": "C0", "detailItem": [{"itemNo": "ZZZ"}]})


def test_rate_limit_and_server_errors_are_transient(emulator, db) -> None:
    client = api_client(emulator, db)
    client.discover_host()
    emulator.faults.add("/accurate/api/item/list.do", Fault.RATE_LIMIT)
    with pytest.raises(TransientError, match="melebihi toleransi") as caught:
        list(client.iter_list("item", ("id",)))
    assert caught.value.retry_after == 1
    emulator.faults.add("/accurate/api/item/list.do", Fault.SERVER_ERROR)
    with pytest.raises(TransientError):
        list(client.iter_list("item", ("id",)))
    emulator.faults.add("/accurate/api/item/list.do", Fault.RESET)
    with pytest.raises(TransientError):
        list(client.iter_list("item", ("id",)))
    assert list(client.iter_list("item", ("id",)))  # healthy again
