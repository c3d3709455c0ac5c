"""Tolerant reading: optional fields absent or null, unknown fields ignored, bad values clean.

The emulator never answers a malformed record, so these answers are fed to the client's real
call path through an ``httpx`` transport (the shapes are the documented ones, bent).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from framework import LinkContext, ProviderAPIError
from plugins.accurate.auth import AccurateConfig
from plugins.accurate.client import AccurateClient
from plugins.accurate.connector import AccurateConnector

SP = {"page": 1, "pageSize": 100, "pageCount": 1, "rowCount": 3}


def _answering(body: Any, status: int = 200) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(status, json=body))


def _client(body: Any, **config: Any) -> AccurateClient:
    settings = {"auth": "api_token", "account_url": "https://account.accurate.id",
                "host": "https://zeus.accurate.id", "database_id": "96400",
                "api_token": "aat.x.y", "signature_secret": "s", **config}
    return AccurateClient(AccurateConfig(**settings), transport=_answering(body), retries=1)


def _connector(body: Any) -> AccurateConnector:
    link = LinkContext("toko", {"auth": "api_token", "host": "https://zeus.accurate.id",
                                "database_id": "96400"},
                       {"api_token": "aat.x.y", "signature_secret": "s"})
    return AccurateConnector(link, transport=_answering(body))


def test_item_rows_with_nulls_unknown_fields_and_bad_values() -> None:
    rows = [{"id": 1, "no": "A1", "name": None, "unitPrice": None, "newField": {"x": 1}},
            {"id": 2, "no": "B2", "name": "Baik", "unitPrice": "abc"},
            {"id": 3, "name": "tanpa kode"}]
    with _connector({"s": True, "d": rows, "sp": SP}) as connector:
        products = list(connector.iter_items())
    assert [(p.sku, p.name, p.price) for p in products] == [("A1", "A1", 0)]


def test_stock_rows_with_bad_quantities_are_skipped() -> None:
    rows = [{"no": "A1", "quantity": 4}, {"no": "B2", "quantity": "x"}, {"no": None},
            {"no": "C3"}]
    with _connector({"s": True, "d": rows, "sp": SP}) as connector:
        levels = list(connector.read_stock("Gudang Utama"))
    assert [(s.sku, s.quantity) for s in levels] == [("A1", 4), ("C3", 0)]


@pytest.mark.parametrize("sp", [None, {}, {"pageCount": None}, {"pageCount": "x"}, "?"])
def test_a_list_without_usable_paging_is_one_page(sp: Any) -> None:
    with _client({"s": True, "d": [{"id": 1}, "junk", None], "sp": sp}) as client:
        assert list(client.iter_list("item", ("id",))) == [{"id": 1}]


@pytest.mark.parametrize("d", [None, "text", 5, {"id": 1}])
def test_a_list_answer_without_rows_is_a_clean_error(d: Any) -> None:
    with _client({"s": True, "d": d}) as client, pytest.raises(ProviderAPIError,
                                                               match="answered no list"):
        list(client.iter_list("item", ("id",)))


def test_a_detail_answer_without_a_record_is_a_clean_error() -> None:
    with _client({"s": True, "d": ["?"]}) as client, pytest.raises(ProviderAPIError,
                                                                   match="no record"):
        client.detail("sales-invoice", number="SI.1")


def test_open_db_and_refresh_without_session_are_clean_errors() -> None:
    oauth = {"auth": "oauth", "client_id": "c", "client_secret": "s", "access_token": "t",
             "session": "old"}
    with _client({"s": True, "d": ["Proses Berhasil Dilakukan"]}, **oauth) as client, \
            pytest.raises(ProviderAPIError, match="no data session"):
        client.open_database("96400")
    with _client({"s": True, "d": {"host": "https://x"}}, **oauth) as client, \
            pytest.raises(ProviderAPIError, match="no data session"):
        client.refresh_session()
    with _client({"s": True, "d": [], "session": "abc"}, **oauth) as client, \
            pytest.raises(ProviderAPIError, match="no data host"):
        client.open_database("96400")


def test_open_db_without_the_optional_fields_still_opens() -> None:
    oauth = {"auth": "oauth", "client_id": "c", "client_secret": "s", "access_token": "t"}
    with _client({"s": True, "session": "abc", "host": "https://zeus.accurate.id/"},
                 **oauth) as client:
        assert client.open_database("96400") == {"host": "https://zeus.accurate.id/"}
        assert client.config.host == "https://zeus.accurate.id"


def test_api_token_answer_with_nulls_and_no_id_keeps_the_configured_database() -> None:
    body = {"s": True, "d": {"database": {"host": "https://iris.accurate.id", "id": None,
                                          "license": None}, "application": None, "user": None}}
    with _client(body) as client:
        assert client.discover_host()["id"] == "96400"
        assert client.config.host == "https://iris.accurate.id"


def test_an_error_body_with_message_instead_of_d_keeps_the_text() -> None:
    body = {"s": False, "message": "Invalid or Revoked API Token"}
    with _client(body, ) as client, pytest.raises(ProviderAPIError) as caught:
        client.data("GET", "item/list.do")
    assert caught.value.code == "invalid_token" and "Invalid or Revoked" in str(caught.value)


def test_a_non_json_answer_is_a_clean_error() -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(502, text="<html>Bad Gateway"))
    config = AccurateConfig(auth="api_token", host="https://zeus.accurate.id",
                            database_id="1", api_token="aat.x.y", signature_secret="s")
    with AccurateClient(config, transport=transport, retries=1) as client, \
            pytest.raises(ProviderAPIError) as caught:
        client.data("GET", "item/list.do")
    assert caught.value.code == "server_error" and "Bad Gateway" in str(caught.value)
