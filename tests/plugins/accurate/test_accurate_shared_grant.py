"""Several links connected from ONE OAuth grant share its rotating refresh token.

The console (and ``jembatan accurate connect``) may open several Accurate databases with one
grant, one link each. Accurate's refresh tokens are single-use (accurate-api.md §1.1): when
one link refreshes, the others must follow the rotation instead of spending the old token.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import httpx
import pytest

from framework.app import App
from framework.setup.links import build_accounting, create_link, get_link
from plugins.accurate.webconnect import AccurateConnectFlow


@pytest.fixture
def accurate_app(database_url: str, secret_box) -> Iterator[App]:  # noqa: ANN001
    app = App.create(database_url, plugin_modules=["plugins.accurate.hooks"], secrets=secret_box)
    try:
        yield app
    finally:
        app.close()


def connect_two_links_from_one_grant(app: App, emulator, first: int, second: int,
                                     ids: tuple[str, str] = ("toko-a", "toko-b")) -> None:
    """Run the console's flow: one code grant, two databases opened, one link each."""
    flow = AccurateConnectFlow()
    values = {"account_url": emulator.base_url, "client_id": emulator.auth.client_id,
              "client_secret": emulator.auth.client_secret}
    state, redirect = secrets.token_urlsafe(8), "http://127.0.0.1:9/callback"
    answer = httpx.get(flow.authorize_url(values, redirect, state))
    code = httpx.URL(answer.headers["location"]).params["code"]
    grant = flow.grant(values, code, redirect)
    for link_id, database in zip(ids, (first, second), strict=True):
        connection = flow.open_database(grant, str(database))
        with app.session() as session:
            create_link(session, app.secrets, id=link_id, name=link_id, commerce="ginee",
                        accounting="accurate", commerce_settings={}, commerce_credentials={},
                        accounting_settings=connection.settings,
                        accounting_credentials=connection.credentials)


def stored(app: App, link_id: str) -> dict:
    with app.session() as session:
        return app.secrets.decrypt(get_link(session, link_id).accounting_credentials)


def connector(app: App, link_id: str):  # noqa: ANN201 - an AccurateConnector
    with app.session() as session:
        return build_accounting(app, get_link(session, link_id))


def test_links_of_one_grant_survive_each_others_refresh(accurate_app, emulator,
                                                        seed_database) -> None:
    app = accurate_app
    first, second = seed_database(emulator, "PT Satu"), seed_database(emulator, "PT Dua")
    connect_two_links_from_one_grant(app, emulator, first, second)
    assert stored(app, "toko-a")["refresh_token"] == stored(app, "toko-b")["refresh_token"]
    # two long-lived connectors (two workers), both built before any refresh
    a, b = connector(app, "toko-a"), connector(app, "toko-b")
    try:
        assert a.list_warehouses() and b.list_warehouses()
        spent = stored(app, "toko-a")["refresh_token"]
        emulator.expire_access_tokens()
        assert a.list_warehouses()  # link A refreshes: the grant's refresh token rotates
        assert spent not in emulator.auth.refresh_tokens  # the emulator spent it
        # link B still holds the spent token in memory; its next call must succeed
        assert {w.name for w in b.list_warehouses()} == {"Gudang Utama", "Gudang Retur"}
        live = set(emulator.auth.refresh_tokens)
        assert len(live) == 1  # one grant, one live refresh token: nobody forked it
        assert stored(app, "toko-a")["refresh_token"] in live
        assert stored(app, "toko-b")["refresh_token"] in live
        # B's own saves (here: a new data session) never put the spent token back
        emulator.expire_sessions()
        assert b.list_warehouses()
        assert stored(app, "toko-b")["refresh_token"] in emulator.auth.refresh_tokens
    finally:
        a.close()
        b.close()
    # connectors built afresh from the database (another process) work too, after a refresh
    emulator.expire_access_tokens()
    for link_id in ("toko-b", "toko-a"):
        fresh = connector(app, link_id)
        try:
            assert fresh.list_warehouses()
        finally:
            fresh.close()
    assert stored(app, "toko-a")["refresh_token"] == stored(app, "toko-b")["refresh_token"]
    assert set(emulator.auth.refresh_tokens) == {stored(app, "toko-a")["refresh_token"]}
    # the secrets stay encrypted at rest
    with app.session() as session:
        raw = get_link(session, "toko-a").accounting_credentials
    assert stored(app, "toko-a")["refresh_token"] not in str(raw)


def test_a_link_refreshes_itself_when_the_shared_token_expired_too(accurate_app, emulator,
                                                                  seed_database) -> None:
    app = accurate_app
    first, second = seed_database(emulator, "PT Satu"), seed_database(emulator, "PT Dua")
    connect_two_links_from_one_grant(app, emulator, first, second)
    a, b = connector(app, "toko-a"), connector(app, "toko-b")
    try:
        emulator.expire_access_tokens()
        assert a.list_warehouses()  # A rotates the grant
        emulator.expire_access_tokens()  # ... and the access token A obtained expires as well
        # B takes the stored grant, finds its access token dead, refreshes with the rotated one
        assert b.list_warehouses()
        assert set(emulator.auth.refresh_tokens) == {stored(app, "toko-b")["refresh_token"]}
        assert stored(app, "toko-a")["refresh_token"] == stored(app, "toko-b")["refresh_token"]
        assert a.list_warehouses()  # and A follows B's rotation in turn
    finally:
        a.close()
        b.close()
    assert len(emulator.auth.refresh_tokens) == 1


def test_a_link_of_another_grant_keeps_its_own_tokens(accurate_app, emulator,
                                                      seed_database) -> None:
    app = accurate_app
    first, second = seed_database(emulator, "PT Satu"), seed_database(emulator, "PT Dua")
    # two grants standing for two Accurate accounts: the emulator has one owner, whose new
    # authorization would revoke the first grant, so that rule is off here
    emulator.auth.revoke_earlier_grants = False
    connect_two_links_from_one_grant(app, emulator, first, second)
    connect_two_links_from_one_grant(app, emulator, first, second, ids=("lain-a", "lain-b"))
    before = stored(app, "lain-a")
    emulator.expire_access_tokens()
    a = connector(app, "toko-a")
    try:
        assert a.list_warehouses()
    finally:
        a.close()
    assert stored(app, "toko-b")["refresh_token"] == stored(app, "toko-a")["refresh_token"]
    assert stored(app, "lain-a") == before  # the other grant is not touched
    assert before["refresh_token"] in emulator.auth.refresh_tokens
