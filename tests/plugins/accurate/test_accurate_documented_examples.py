"""Request/response examples shaped as the reference states them, through client AND emulator.

Each ``tests/fixtures/accurate/*.json`` holds one documented exchange: the request, the
documented answer, and which client call reads it. The client test feeds the documented answer
to the client's real call path (an ``httpx`` transport that answers with the fixture); the
emulator test sends the documented request to a running emulator and checks that its answer
has the documented shape (every documented key, with the same JSON type). So the client and the
emulator can no longer agree on a shape the reference does not state.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from framework import ProviderAPIError
from framework.emulation import Fault, serve_in_thread
from framework.testing.shapes import kind
from plugins.accurate.auth import AccurateConfig, api_token_headers, authorize_url, basic_auth
from plugins.accurate.client import AccurateClient
from plugins.accurate.emulator import AccurateEmulator

FIXTURES = sorted((Path(__file__).parents[2] / "fixtures" / "accurate").glob("*.json"))
DOC_HOST, DOC_DB = "https://zeus.accurate.id", "96400"


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def test_there_are_documented_examples() -> None:
    assert len(FIXTURES) >= 25
    for path in FIXTURES:
        fixture = load(path)
        assert fixture["reference"].startswith("§"), path.name  # names its section


# ------------------------------------------------------------------ the client reads them


def _documented(fixture: dict[str, Any]) -> httpx.MockTransport:
    answer = fixture["response"]

    def handler(request: httpx.Request) -> httpx.Response:
        if "text" in answer:
            return httpx.Response(answer["status"], text=answer["text"],
                                  headers={"Content-Type": "application/xml"})
        return httpx.Response(answer["status"], json=answer["body"])
    return httpx.MockTransport(handler)


def _client(fixture: dict[str, Any]) -> AccurateClient:
    api = fixture["request"]["auth"].startswith("api_token")
    config = AccurateConfig(auth="api_token" if api else "oauth",
                            account_url="https://account.accurate.id", host=DOC_HOST,
                            database_id=DOC_DB, api_token="aat.x.y", signature_secret="s",
                            client_id="cid", client_secret="secret", access_token="tok",
                            session="sess")
    return AccurateClient(config, transport=_documented(fixture), retries=1)


def _call(client: AccurateClient, request: dict[str, Any]) -> Any:
    path = request["path"]
    if path.startswith("/api/"):
        return client.account(path.removeprefix("/api/").removesuffix(".do"),
                              request.get("params"))
    return client.data(request["method"], path.removeprefix("/accurate/api/"),
                       params=request.get("params"), body=request.get("json"))


def _module(request: dict[str, Any]) -> str:
    return request["path"].removeprefix("/accurate/api/").split("/")[0]


def _check_read(client: AccurateClient, fixture: dict[str, Any]) -> None:  # noqa: C901 - one a kind
    request, body, kind = fixture["request"], fixture["response"].get("body"), fixture["client"]
    if kind == "discover_host":
        database = client.discover_host()
        assert database["host"] == DOC_HOST == client.config.host
    elif kind == "exchange_code":
        client.exchange_code("code", "http://127.0.0.1/cb")
        assert client.config.access_token == body["access_token"]
        assert client.config.refresh_token == body["refresh_token"]
    elif kind == "list_databases":
        assert client.list_databases() == body["d"]
    elif kind == "open_database":
        info = client.open_database(DOC_DB)
        assert client.config.session == body["session"] and client.config.host == DOC_HOST
        assert {k: info[k] for k in ("accessibleUntil", "licenseEnd", "dataVersion")} == {
            k: body[k] for k in ("accessibleUntil", "licenseEnd", "dataVersion")}
    elif kind == "refresh_session":
        client.refresh_session()
        assert client.config.session == body["d"]["session"]
    elif kind in ("account", "data"):
        assert _call(client, request).d == body["d"]
    elif kind == "iter_list":
        fields = tuple((request.get("params") or {}).get("fields", "id").split(","))
        assert list(client.iter_list(_module(request), fields)) == body["d"]
    elif kind == "save":
        assert client.save(_module(request), request["json"]).r == body["r"]
    elif kind == "detail":
        assert client.detail(_module(request), **request["params"]) == body["d"]
    elif kind == "detail_missing":
        assert client.detail(_module(request), **request["params"]) is None
    elif kind == "bulk_save":
        results = client.bulk_save(_module(request), request["json"]["data"])
        assert [r.ok for r in results] == [x["s"] for x in body["d"]]
        assert [r.record for r in results] == [x.get("r") for x in body["d"]]
    elif kind == "close_sales_order":
        assert client.close_sales_order(request["json"]["number"]).d == body["d"]
    elif kind == "delete":
        assert client.delete(_module(request), **request["params"]).d == body["d"]
    else:
        code = kind.removeprefix("error:")
        with pytest.raises(ProviderAPIError) as caught:
            _call(client, request)
        assert caught.value.code == code
        if body and isinstance(body.get("d"), list):
            assert body["d"][0] in str(caught.value)  # Accurate's own message is kept


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_the_client_reads_the_documented_answer(path: Path) -> None:
    fixture = load(path)
    with _client(fixture) as client:
        _check_read(client, fixture)  # asserts what the client read


# ------------------------------------------------------------------ the emulator answers them


def assert_same_shape(documented: Any, answered: Any, where: str = "$") -> None:
    """Every documented key is answered, with the same JSON kind (null matches anything).

    One-way, unlike ``shape_differences``: Accurate's answers hold far more fields than any
    documented example shows, so keys the example leaves out are allowed.
    """
    if documented is None:
        return
    assert kind(answered) == kind(documented), f"{where}: {answered!r} vs {documented!r}"
    if isinstance(documented, dict):
        for key, value in documented.items():
            assert key in answered, f"{where}.{key} missing in {sorted(answered)}"
            assert_same_shape(value, answered[key], f"{where}.{key}")
    elif isinstance(documented, list) and documented:
        assert answered, f"{where}: empty list answered"
        pairs = (zip(documented, answered, strict=True) if len(documented) == len(answered)
                 else ((documented[0], item) for item in answered))
        for index, (want, got) in enumerate(pairs):
            assert_same_shape(want, got, f"{where}[{index}]")


class Caller:
    """Sends fixture requests to a seeded emulator with the credentials each one names."""

    def __init__(self, emulator: AccurateEmulator, db: int) -> None:
        self.emulator, self.db = emulator, db
        self.oauth: dict[str, str] = {}

    def _oauth(self) -> dict[str, str]:
        if not self.oauth:
            redirect, code = self.code()
            form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect}
            tokens = httpx.post(f"{self.emulator.base_url}/oauth/token", data=form,
                                headers=self.basic()).json()
            opened = httpx.get(f"{self.emulator.base_url}/api/open-db.do",
                               params={"id": self.db},
                               headers={"Authorization": f"Bearer {tokens['access_token']}"})
            self.oauth = {"Authorization": f"Bearer {tokens['access_token']}",
                          "X-Session-ID": opened.json()["session"]}
        return self.oauth

    def basic(self) -> dict[str, str]:
        auth = self.emulator.auth
        return {"Authorization": basic_auth(auth.client_id, auth.client_secret)}

    def code(self) -> tuple[str, str]:
        redirect = "http://127.0.0.1:9/callback"
        url = authorize_url(self.emulator.base_url, self.emulator.auth.client_id, redirect,
                            secrets.token_urlsafe(8))
        location = httpx.get(url).headers["location"]
        return redirect, parse_qs(urlparse(location).query)["code"][0]

    def headers(self, auth: str) -> dict[str, str]:
        signed = api_token_headers(self.emulator.api_token_for(self.db),
                                   self.emulator.auth.signature_secret)
        return {"api_token": lambda: signed,
                "api_token_unsigned": lambda: {"Authorization": signed["Authorization"]},
                "oauth": self._oauth,
                "oauth_bad_session": lambda: {**self._oauth(), "X-Session-ID": "nope"},
                "bogus_bearer": lambda: {"Authorization": "Bearer nope"},
                "basic": self.basic}[auth]()

    def send(self, request: dict[str, Any]) -> httpx.Response:
        params = {k: str(v).replace("{db}", str(self.db))
                  for k, v in (request.get("params") or {}).items()}
        form = dict(request.get("form") or {})
        if form.get("code") == "{code}":
            form["redirect_uri"], form["code"] = self.code()
        return httpx.request(request["method"], self.emulator.base_url + request["path"],
                             params=params, json=request.get("json"), data=form or None,
                             headers=self.headers(request.get("auth", "api_token")), timeout=10)


def _prepare(emulator: AccurateEmulator, fixture: dict[str, Any], db: int) -> None:
    setup = fixture.get("setup") or {}
    if "revoke_scope" in setup:
        emulator.revoke_scope(db, setup["revoke_scope"])
    if setup.get("fault") == "rate_limit":
        emulator.faults.add(fixture["request"]["path"], Fault.RATE_LIMIT)


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_the_emulator_answers_the_documented_shape(path: Path, seed_database) -> None:
    fixture = load(path)
    emulator = AccurateEmulator(**fixture.get("emulator_options", {}))
    emulator.auto_consent = True  # the code grant without a browser (no login page)
    with serve_in_thread(emulator):
        db = seed_database(emulator)
        emulator.add_customer(db, "C1", "Pelanggan Satu")
        caller = Caller(emulator, db)
        for before in fixture.get("before", []):
            assert caller.send(before).json()["s"] is True, before
        _prepare(emulator, fixture, db)
        answer = caller.send(fixture["request"])
        documented = fixture["response"]
        assert answer.status_code == documented["status"], answer.text
        if "text" in documented:
            assert answer.headers["content-type"].startswith("application/xml")
            assert answer.text == documented["text"]
            return
        body = answer.json()
        assert_same_shape(documented["body"], body)
        if fixture.get("exact"):
            assert body == documented["body"]
        if fixture.get("exact_row_keys"):
            assert all(set(row) == set(documented["body"]["d"][0]) for row in body["d"])
        for key, value in (fixture.get("check") or {}).items():
            assert body["r"][key] == value
        _after(caller, fixture)


def _after(caller: Caller, fixture: dict[str, Any]) -> None:
    after = fixture.get("after")
    if not after:
        return
    module, params = after["detail"]
    detail = caller.send({"method": "GET", "path": f"/accurate/api/{module}/detail.do",
                          "params": params}).json()["d"]
    for key, value in after["expect"].items():
        assert detail[key] == value, (key, detail[key])
