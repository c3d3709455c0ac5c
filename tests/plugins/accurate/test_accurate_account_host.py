"""The account host as the reference documents it: api-token.do, open-db.do, Bearer, webhooks."""

from __future__ import annotations

import httpx
import pytest

from framework import ProviderConfigError, ProviderPermanentError
from framework.emulation import serve_in_thread
from plugins.accurate.auth import api_token_headers
from plugins.accurate.client import database_of
from plugins.accurate.connect import connect_api_token
from plugins.accurate.emulator import AccurateEmulator


def test_api_token_answers_the_documented_database_key(emulator, db) -> None:
    headers = api_token_headers(emulator.api_token_for(db), emulator.auth.signature_secret)
    d = httpx.get(f"{emulator.base_url}/api/api-token.do", headers=headers).json()["d"]
    assert set(d) == {"database", "application", "user", "tokenType"}
    assert d["database"]["id"] == db and d["database"]["host"] == emulator.base_url
    assert d["application"]["appKey"] == emulator.auth.client_id
    assert d["user"]["id"] == 36000 and d["tokenType"] == "api"
    posted = httpx.post(f"{emulator.base_url}/api/api-token.do", headers=headers).json()
    assert posted["d"]["database"]["id"] == db  # GET and POST both work


@pytest.mark.parametrize("key", ["database", "data usaha", "dataUsaha", "host"])
def test_client_finds_the_host_under_every_known_key(key: str) -> None:
    with serve_in_thread(AccurateEmulator(api_token_key=key)) as emulator:
        db = emulator.add_database("PT Kunci")
        emulator.add_warehouse(db, "Gudang Utama")
        connection = connect_api_token(emulator.base_url, emulator.api_token_for(db),
                                       emulator.auth.signature_secret)
        assert connection.settings["database_id"] == str(db)
        assert connection.settings["host"] == emulator.base_url
        assert connection.alias == "PT Kunci"


def test_an_answer_without_a_host_is_a_clean_error() -> None:
    for d in ({}, {"database": {"id": 1}}, None, ["x"], {"database": "zeus"}):
        with pytest.raises(ProviderPermanentError, match="names no database host"):
            database_of(d)


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "Bearer", "bEaReR"])
def test_bearer_scheme_is_matched_in_any_case(emulator, db, scheme: str, oauth_for) -> None:
    oauth = oauth_for(emulator, [])
    oauth.open_database(db)
    answer = httpx.get(f"{emulator.base_url}/accurate/api/item/list.do",
                       headers={"Authorization": f"{scheme} {oauth.config.access_token}",
                                "X-Session-ID": oauth.config.session or ""})
    assert answer.status_code == 200 and answer.json()["s"] is True
    headers = api_token_headers(emulator.api_token_for(db), emulator.auth.signature_secret)
    headers["Authorization"] = headers["Authorization"].replace("Bearer", scheme)
    assert httpx.get(f"{emulator.base_url}/accurate/api/item/list.do",
                     headers=headers).json()["s"] is True
    oauth.close()


def test_token_type_comes_back_lower_case_and_the_client_sends_bearer(emulator, oauth_for) -> None:
    saved: list = []
    client = oauth_for(emulator, saved)
    assert client._account_headers()["Authorization"].startswith("Bearer ")
    tokens = emulator.auth.issue_tokens(frozenset({"item_view"}))
    assert tokens["token_type"] == "bearer"
    client.close()


def test_open_db_answers_licence_fields_and_the_client_keeps_them(emulator, db, oauth_for) -> None:
    client = oauth_for(emulator, [])
    info = client.open_database(db)
    assert info["host"] == emulator.base_url
    assert {"accessibleUntil", "licenseEnd", "dataVersion", "admin", "trial"} <= set(info)
    assert isinstance(info["dataVersion"], int)
    raw = httpx.get(f"{emulator.base_url}/api/open-db.do", params={"id": db},
                    headers={"Authorization": f"Bearer {client.config.access_token}"}).json()
    assert raw["d"] == ["Proses Berhasil Dilakukan"] and raw["session"] and raw["host"]
    client.close()


def test_webhook_renew_takes_api_token_headers(emulator, db, token_client) -> None:
    with token_client(emulator, db) as client:
        expiry = client.account("webhook-renew").d
    assert isinstance(expiry, str) and len(expiry.split("/")) == 3
    bad = httpx.get(f"{emulator.base_url}/api/webhook-renew.do",
                    headers={"Authorization": f"Bearer {emulator.api_token_for(db)}"})
    assert bad.status_code == 401 and bad.json()["d"] == ["Header X-Api-Signature is required"]


def test_webhook_renew_with_oauth_bearer_too(emulator, db, oauth_for) -> None:
    client = oauth_for(emulator, [])
    assert client.account("webhook-renew").d
    client.close()


def test_several_databases_per_account(emulator, db, token_client, oauth_for) -> None:
    second = emulator.add_database("PT Cabang Dua")
    emulator.add_warehouse(second, "Gudang Dua")
    oauth = oauth_for(emulator, [])
    assert {d["id"] for d in oauth.list_databases()} == {db, second}
    oauth.close()
    with token_client(emulator, second) as client:
        assert client.discover_host()["id"] == second
        names = {row["name"] for row in client.iter_list("warehouse", ("name",))}
    assert names == {"Gudang Dua"}  # each database has its own data
    with token_client(emulator, db) as client:
        assert "Gudang Dua" not in {row["name"] for row in client.iter_list("warehouse",
                                                                             ("name",))}


def test_db_list_refuses_an_api_token(emulator, db, token_client) -> None:
    with token_client(emulator, db) as client, pytest.raises(ProviderConfigError,
                                                        match="invalid_token"):
        client.account("db-list")
