"""The client against the emulator: signing, envelope errors, paging limits, faults."""

import httpx
import pytest
from ginee_support import make_connector

from framework.emulation import serve_in_thread
from framework.errors import (
    ErrorAction,
    ProviderConfigError,
    ProviderPermanentError,
    ProviderTransientError,
)
from plugins.ginee import client as api
from plugins.ginee.client import GineeClient
from plugins.ginee.emulator import GineeEmulator
from plugins.ginee.errors import ERROR_MAP, action_for


def test_wrong_secret_is_a_config_error_with_ginee_message(emulator, clock, world):
    with make_connector(emulator, clock, secret_key="not-the-secret") as bad:
        with pytest.raises(ProviderConfigError) as info:
            bad.list_warehouses()
    assert info.value.code == "IAM_FAILED"
    assert info.value.status_code == 200  # Ginee fails with HTTP 200 and an envelope code
    assert "IAM authentication failed" in str(info.value)  # Ginee's own message, kept
    assert info.value.request_id and len(info.value.request_id) == 16  # the transactionId


def test_missing_country_header_is_refused(emulator, clock, world):
    # The connector refuses such a link itself; the emulator refuses the raw request too.
    from plugins.ginee.client import GineeClient

    creds = emulator.credentials()
    client = GineeClient(emulator.base_url, creds["access_key"], creds["secret_key"],
                         country="XX")
    try:
        with pytest.raises(ProviderPermanentError, match="X-Advai-Country"):
            next(client.iter_rows(api.WAREHOUSES))
    finally:
        client.close()


@pytest.mark.parametrize(("path", "limit"), [
    (api.SHOPS, 199), (api.LIST_ORDERS, 100), (api.MASTER_PRODUCTS, 499),
    (api.WAREHOUSE_STOCK, 49)])
def test_documented_page_sizes_are_enforced(connector, world, clock, path, limit):
    body = {"page": 0, "warehouseId": world.main,
            "lastUpdateSince": api.format_time(clock()),
            "lastUpdateTo": api.format_time(clock())}
    connector.client.post(path, {**body, "size": limit})  # the documented maximum is fine
    with pytest.raises(ProviderPermanentError, match=f"size must be between 1 and {limit}") as info:
        connector.client.post(path, {**body, "size": limit + 1})
    assert info.value.code == "PARAMETER_ERROR"


def test_shops_and_warehouses(connector, world):
    shops = list(connector.client.iter_shops())
    assert [(s["shopId"], s["channel"]) for s in shops] == [
        (world.shopee, "SHOPEE_ID"), (world.tokopedia, "TOKOPEDIA_ID")]
    assert [(w.id, w.name) for w in connector.list_warehouses()] == [
        (world.main, "Gudang Jakarta"), (world.second, "Gudang Surabaya")]


@pytest.mark.parametrize("count", [0, 1, 99, 100, 101, 250])
def test_numbered_pages_stop_exactly(emulator, connector, count):
    for number in range(count):
        emulator.add_warehouse(f"Gudang {number}")
    pages = list(connector.client.iter_pages(api.WAREHOUSES))
    assert [len(page) for page in pages] == [100] * (count // 100) + (
        [count % 100] if count % 100 else [])
    names = [row["name"] for page in pages for row in page]
    assert names == [f"Gudang {n}" for n in range(count)]


def test_pages_are_fetched_lazily(emulator, connector):
    for number in range(150):
        emulator.add_warehouse(f"Gudang {number}")
    rows = connector.client.iter_rows(api.WAREHOUSES)
    assert emulator.requests_seen == []
    first = [next(rows) for _ in range(100)]
    assert len(emulator.requests_seen) == 1 and first[0]["name"] == "Gudang 0"
    rest = list(rows)
    assert len(rest) == 50 and len(emulator.requests_seen) == 2


@pytest.mark.parametrize("fault", ["server_error", "rate_limit", "reset"])
def test_faults_on_reads_are_retried_and_the_result_is_complete(emulator, connector, world, fault):
    emulator.seed_catalogue(260, seed=3)
    expected = {p.sku for p in connector.iter_products()}
    emulator.faults.add("/openapi/product/master/v1/list", fault, times=1)
    emulator.faults.add("/openapi/warehouse-inventory/v1/sku/list", fault, times=1)
    emulator.faults.add("/openapi/product/variation/v1/list-price", fault, times=1)
    got = {p.sku for p in connector.iter_products()}
    assert got == expected and len(got) == 264
    assert [f for _, f in emulator.faults.injected].count(fault) == 3


def test_a_fault_that_does_not_stop_becomes_a_transient_error(emulator, connector, world):
    emulator.faults.add("/openapi/warehouse/v1/search", "server_error", times=-1)
    with pytest.raises(ProviderTransientError) as info:
        connector.list_warehouses()
    assert info.value.code == "ERROR" and info.value.status_code == 500  # 5xx: retried


def test_overload_answers_service_busy_and_the_client_waits_and_completes(clock):
    emulator = GineeEmulator(seed=1, now=clock, rate_limit=10)
    with serve_in_thread(emulator):
        for number in range(3):
            emulator.add_warehouse(f"Gudang {number}")
        with make_connector(emulator, clock) as conn:
            results = [conn.list_warehouses() for _ in range(14)]
        assert all(len(result) == 3 for result in results)
        assert emulator.meter.snapshot()["rejected"]  # Ginee did say SERVICE_BUSY
        assert max(emulator.meter.snapshot()["peak_per_second"].values()) <= 10


def test_malformed_answers_are_transient():
    transport = httpx.MockTransport(lambda request: httpx.Response(200, text="<html>bad gateway"))
    client = GineeClient("http://ginee.test", "ak", "sk", transport=transport, retries=1)
    with pytest.raises(ProviderTransientError, match="not Ginee's envelope"):
        client.post(api.SHOPS, {})


def test_error_table_sorts_the_documented_codes_and_statuses():
    assert ERROR_MAP["PARAMETER_ERROR"] is ErrorAction.FAIL
    assert ERROR_MAP["BUSINESS_ERROR"] is ErrorAction.FAIL
    assert ERROR_MAP["ERROR"] is ErrorAction.FAIL
    assert ERROR_MAP["IAM_FAILED"] is ErrorAction.CONFIG
    assert ERROR_MAP["SERVICE_BUSY"] is ErrorAction.RETRY
    for withdrawn in ("INVALID_PARAMETER", "SIGNATURE_ERROR", "TOO_MANY_REQUESTS",
                      "SYSTEM_ERROR"):
        assert withdrawn not in ERROR_MAP  # no evidence for them [reference v2]
    assert action_for("SOMETHING_NEW", 200) is ErrorAction.FAIL
    assert action_for("ERROR", 500) is ErrorAction.RETRY
    assert action_for(None, 502) is ErrorAction.RETRY
    assert action_for(None, 429) is ErrorAction.RETRY
    assert action_for(None, 401) is ErrorAction.CONFIG
    assert action_for(None, 404) is ErrorAction.FAIL


def test_an_unreadable_warehouse_row_is_skipped_not_raised(emulator, connector, world):
    emulator.store.warehouses["BROKEN"] = {"id": None, "name": "tanpa id"}
    assert [w.id for w in connector.list_warehouses()] == [world.main, world.second]
