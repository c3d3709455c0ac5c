"""Console security without a browser: users, passwords, sessions, CSRF, throttling, tenancy.

Runs on SQLite and PostgreSQL (the ``app`` fixture) through Starlette's test client; the
browser modules cover the same rules in Chromium.
"""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from framework.cli import build_cli
from framework.errors import ConfigError
from framework.setup.links import create_link
from framework.setup.users import add_user, authenticate, grant, list_users, visible_links
from framework.storage.models import ConsoleSession, ConsoleUser
from framework.web import create_console_app
from framework.web.auth import LoginThrottle
from framework.web.i18n import from_accept_language

from .conftest import log_in

PASSWORD = "sangat-rahasia-1"


def _links(app, *ids: str) -> None:
    with app.session() as session:
        for link_id in ids:
            create_link(session, app.secrets, id=link_id, name=link_id, commerce="memstore",
                        accounting="membooks", commerce_settings={}, commerce_credentials={},
                        accounting_settings={}, accounting_credentials={})


def _login(client: TestClient, name: str, password: str = PASSWORD) -> TestClient:
    return log_in(client, name, password)


def _csrf(client: TestClient, path: str = "/") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path).text).group(1)


@pytest.fixture
def console(app):
    _links(app, "toko-a", "toko-b")
    with app.session() as session:
        add_user(session, "admin", PASSWORD, admin=True)
        add_user(session, "ani", PASSWORD)
        grant(session, "ani", ["toko-a"])
    with TestClient(create_console_app(app)) as client:
        yield client


def test_users_commands_prompt_for_the_password_and_hash_it(database_url, secret_box) -> None:
    from framework.app import App

    runner = CliRunner()
    base = ["--database", database_url]
    result = runner.invoke(build_cli(), [*base, "users", "add", "rina", "--admin"],
                           input=f"{PASSWORD}\n{PASSWORD}\n", catch_exceptions=False)
    assert result.exit_code == 0 and "admin" in result.output
    assert PASSWORD not in result.output
    # a password given as an argument is not accepted
    refused = runner.invoke(build_cli(), [*base, "users", "add", "joko", PASSWORD])
    assert refused.exit_code != 0
    short = runner.invoke(build_cli(), [*base, "users", "add", "joko"], input="pendek\npendek\n")
    assert short.exit_code != 0 and "too short" in short.output
    app = App.create(database_url, secrets=secret_box)
    try:
        with app.session() as session:
            stored = session.query(ConsoleUser).filter_by(name="rina").one().password_hash
            assert stored.startswith("$argon2id$") and PASSWORD not in stored
            assert authenticate(session, "rina", PASSWORD) is not None
            assert authenticate(session, "rina", PASSWORD + "x") is None
            assert authenticate(session, "nobody", PASSWORD) is None
    finally:
        app.close()


def test_grant_revoke_and_list(app) -> None:
    _links(app, "toko-a", "toko-b")
    runner = CliRunner()
    base = ["--database", app.database_url]
    with app.session() as session:
        add_user(session, "ani", PASSWORD)
    assert runner.invoke(build_cli(), [*base, "users", "grant", "ani", "toko-a", "toko-b"],
                         catch_exceptions=False).exit_code == 0
    assert runner.invoke(build_cli(), [*base, "users", "revoke", "ani", "toko-b"],
                         catch_exceptions=False).exit_code == 0
    listed = runner.invoke(build_cli(), [*base, "users", "list"], catch_exceptions=False)
    assert "ani" in listed.output and "toko-a" in listed.output and "toko-b" not in listed.output
    with app.session() as session:
        assert [v.links for v in list_users(session)] == [("toko-a",)]
        with pytest.raises(ConfigError, match="unknown link"):
            grant(session, "ani", ["toko-404"])
        ani = session.query(ConsoleUser).filter_by(name="ani").one()
        assert [link.id for link in visible_links(session, ani)] == ["toko-a"]


def test_no_page_without_a_session(console: TestClient) -> None:
    for path in ("/", "/links/toko-a", "/links/toko-a/records", "/links/toko-a/jobs",
                 "/connect/membooks", "/links/toko-a/orders/X1"):
        answer = console.get(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
    assert console.post("/links/toko-a/features", data={}).status_code == 401
    # a forged cookie is no session either
    console.cookies.set("jembatan_session", "made-up.0123")
    assert console.get("/", follow_redirects=False).status_code == 303


def test_post_without_or_with_a_wrong_csrf_token_is_refused(app, console: TestClient) -> None:
    _login(console, "admin")
    before = console.get("/links/toko-a").text
    assert console.post("/links/toko-a/features", data={"feature_auto_paid": "on"}
                        ).status_code == 403
    assert console.post("/links/toko-a/features", data={"feature_auto_paid": "on",
                                                        "csrf": "wrong"}).status_code == 403
    assert console.get("/links/toko-a").text.count("checked") == before.count("checked")
    good = console.post("/links/toko-a/features", data={"feature_auto_paid": "on",
                                                        "csrf": _csrf(console, "/links/toko-a")},
                        follow_redirects=False)
    assert good.status_code == 303
    with app.session() as session:
        from framework.setup.links import get_link

        assert get_link(session, "toko-a").features.get("auto_paid") is True
    # GET never changes anything: the action routes answer only POST
    assert console.get("/links/toko-a/features").status_code == 405


def test_an_operator_sees_only_granted_links(console: TestClient) -> None:
    _login(console, "ani")
    home = console.get("/").text
    assert "toko-a" in home and "toko-b" not in home
    assert console.get("/links/toko-a").status_code == 200
    for path in ("/links/toko-b", "/links/toko-b/records", "/links/toko-b/jobs",
                 "/links/toko-b/accounts", "/links/toko-b/orders/X1", "/links/toko-404"):
        assert console.get(path).status_code == 404, path
    csrf = _csrf(console)
    assert console.post("/links/toko-b/features", data={"csrf": csrf}).status_code == 404
    assert console.post("/links/toko-b/records/1/repush", data={"csrf": csrf}).status_code == 404
    assert console.get("/links/new?platform=memstore").status_code == 403  # admins add links


def test_logout_ends_the_session_on_the_server(app, console: TestClient) -> None:
    _login(console, "admin")
    stolen = console.cookies.get("jembatan_session")
    assert console.post("/logout", data={"csrf": _csrf(console)},
                        follow_redirects=False).status_code == 303
    with app.session() as session:
        assert session.query(ConsoleSession).count() == 0
    console.cookies.set("jembatan_session", stolen)  # replaying the old cookie does not work
    assert console.get("/", follow_redirects=False).status_code == 303


def test_login_is_throttled_after_repeated_failures(console: TestClient) -> None:
    for _ in range(5):
        form = console.get("/login").text
        token = re.search(r'name="login_token" value="([^"]+)"', form).group(1)
        answer = console.post("/login/submit", data={"name": "admin", "password": "salah-terus",
                                                      "login_token": token})
        assert answer.status_code == 401
    form = console.get("/login").text
    token = re.search(r'name="login_token" value="([^"]+)"', form).group(1)
    answer = console.post("/login/submit", data={"name": "admin", "password": PASSWORD,
                                                  "login_token": token})
    assert answer.status_code == 429  # even the right password waits now


def test_throttle_doubles_the_wait_and_forgets_on_success() -> None:
    throttle = LoginThrottle(limit=2, window=600, base=10, ceiling=100)
    throttle.failed("k")
    assert throttle.wait_seconds("k") == 0
    throttle.failed("k")
    first = throttle.wait_seconds("k")  # the wait it imposes, not a measured time
    assert 0 < first <= 10
    throttle.failed("k")
    doubled = throttle.wait_seconds("k")
    assert 10 < doubled <= 20
    throttle.succeeded("k")
    assert throttle.wait_seconds("k") == 0


def test_login_without_its_form_token_is_refused(console: TestClient) -> None:
    answer = console.post("/login/submit", data={"name": "admin", "password": PASSWORD})
    assert answer.status_code == 403


def test_cookies_are_secure_over_https(app) -> None:
    _links(app, "toko-a")
    with app.session() as session:
        add_user(session, "admin", PASSWORD, admin=True)
    with TestClient(create_console_app(app), base_url="https://console.example") as client:
        form = client.get("/login")
        assert "secure" in form.headers["set-cookie"].lower()
        token = re.search(r'name="login_token" value="([^"]+)"', form.text).group(1)
        answer = client.post("/login/submit", data={"name": "admin", "password": PASSWORD,
                                                     "login_token": token},
                             follow_redirects=False)
        cookie = answer.headers["set-cookie"].lower()
        assert "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie
        headers = client.get("/").headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]


def test_language_follows_the_browser_then_the_switch(console: TestClient) -> None:
    assert from_accept_language("en-US,en;q=0.9,id;q=0.8") == "en"
    assert from_accept_language("id-ID,id;q=0.9,en;q=0.5") == "id"
    assert from_accept_language("fr-FR") == "id"
    page = console.get("/login", headers={"accept-language": "en-GB"}).text
    assert "Log in to jembatan" in page
    token = re.search(r'name="login_token" value="([^"]+)"', page).group(1)
    console.post("/lang", data={"lang": "id", "csrf": token, "back": "/login"})
    assert "Masuk ke jembatan" in console.get("/login",
                                              headers={"accept-language": "en-GB"}).text


def test_the_webhook_url_is_shown_by_post_and_can_be_rotated(app, console: TestClient) -> None:
    from framework.sync.webhook_receipt import link_webhook_token

    _login(console, "ani")
    assert console.get("/links/toko-a/webhook-url").status_code == 405  # never by GET
    csrf = _csrf(console, "/links/toko-a")
    page = console.post("/links/toko-a/webhook-url",
                        data={"csrf": csrf, "base_url": "https://hook.example.id/"}).text
    url = re.search(r'id="webhook-url" class="wrap">([^<]+)<', page).group(1)
    assert url == f"https://hook.example.id/webhooks/toko-a/{link_webhook_token(app, 'toko-a')}"
    rotated = console.post("/links/toko-a/webhook-url", data={
        "csrf": csrf, "base_url": "https://hook.example.id", "rotate": "1"}).text
    assert url not in rotated and link_webhook_token(app, "toko-a") in rotated
    assert console.post("/links/toko-b/webhook-url", data={"csrf": csrf}).status_code == 404
