"""Connecting links: API token discovery, OAuth with a local callback and state, the CLI."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlparse

import httpx
import pytest
from click.testing import CliRunner

from framework import ConfigError
from framework.emulation import free_port
from plugins.accurate import connect


def test_api_token_connection_finds_database_and_host(emulator, db) -> None:
    found = connect.connect_api_token(emulator.base_url, emulator.api_token_for(db),
                                      emulator.auth.signature_secret)
    assert found.settings == {"auth": "api_token", "account_url": emulator.base_url,
                              "database_id": str(db), "host": emulator.base_url}
    assert found.alias == "PT Toko Maju"


def test_oauth_connection_with_local_callback(emulator, db) -> None:
    second = emulator.add_database("PT Kedua")
    found = connect.connect_oauth(emulator.base_url, emulator.auth.client_id,
                                  emulator.auth.client_secret, str(second), free_port(),
                                  lambda url: httpx.get(url, follow_redirects=True))
    assert found.settings["database_id"] == str(second) and found.alias == "PT Kedua"
    assert {"access_token", "refresh_token", "session"} <= set(found.credentials)
    assert emulator.auth.sessions[found.credentials["session"]] == second


def test_oauth_callback_with_wrong_state_is_refused(emulator, db) -> None:
    def forged(url: str) -> None:
        location = httpx.get(url).headers["location"]
        parsed = urlparse(location)
        query = {k: v[0] for k, v in parse_qs(parsed.query).items()} | {"state": "forged"}
        httpx.get(f"{parsed.scheme}://{parsed.netloc}{parsed.path}?{urlencode(query)}")

    with pytest.raises(ConfigError, match="state does not match"):
        connect.connect_oauth(emulator.base_url, emulator.auth.client_id,
                              emulator.auth.client_secret, None, free_port(), forged)


def test_other_database_on_connected_link_is_refused() -> None:
    other = connect.Connection({"database_id": "2"}, {}, "B")
    with pytest.raises(ConfigError, match="disconnect and re-integrate"):
        connect.check_same_database("toko", {"database_id": "1"}, True, other)
    connect.check_same_database("toko", {"database_id": "1"}, False, other)
    connect.check_same_database("toko", {}, True, other)


def test_cli_connect_and_databases(emulator, db, tmp_path, monkeypatch) -> None:
    from framework.app import App
    from framework.cli import build_cli
    from framework.setup.links import accounting_context, create_link, get_link

    url = f"sqlite:///{tmp_path}/jembatan.db"
    monkeypatch.setenv("JEMBATAN_LOAD_PLUGINS", "plugins.accurate.hooks")
    app = App.create(database_url=url)
    with app.session() as session:
        create_link(session, app.secrets, id="toko", name="toko", commerce="ginee",
                    accounting="accurate", commerce_settings={}, commerce_credentials={},
                    accounting_settings={}, accounting_credentials={})
    # Secrets come from the environment (a literal would show in `ps` and shell history).
    monkeypatch.setenv("TEST_ACCURATE_TOKEN", emulator.api_token_for(db))
    monkeypatch.setenv("TEST_ACCURATE_SECRET", emulator.auth.signature_secret)
    runner = CliRunner()
    args = ["--database", url, "accurate", "connect", "--link", "toko", "--account-url",
            emulator.base_url, "--token", "env:TEST_ACCURATE_TOKEN", "--signature-secret",
            "env:TEST_ACCURATE_SECRET"]
    result = runner.invoke(build_cli(), args)
    assert result.exit_code == 0, result.output
    assert f"database {db} (PT Toko Maju)" in result.output
    with app.session() as session:
        context = accounting_context(app, get_link(session, "toko"))
    assert context.settings["database_id"] == str(db)
    assert context.credentials["api_token"] == emulator.api_token_for(db)
    listed = runner.invoke(build_cli(), ["--database", url, "accurate", "databases",
                                         "--link", "toko"])
    assert listed.exit_code == 0 and f"{db}\tPT Toko Maju" in listed.output
    other = emulator.add_database("PT Lain")
    monkeypatch.setenv("TEST_ACCURATE_TOKEN", emulator.api_token_for(other))
    refused = runner.invoke(build_cli(), args)
    assert refused.exit_code != 0 and "disconnect and re-integrate" in refused.output
    app.close()


def _oauth_cli(emulator, tmp_path, monkeypatch, link_ids):
    """An App with ``link_ids`` unconnected, and ``connect(*args)`` running the CLI's OAuth.

    The browser is an HTTP client following Accurate's consent page (auto-consent on); each
    authorization it is sent to is counted.
    """
    from framework.app import App
    from framework.cli import build_cli
    from framework.setup.links import create_link
    from plugins.accurate import cli

    url = f"sqlite:///{tmp_path}/jembatan.db"
    monkeypatch.setenv("JEMBATAN_LOAD_PLUGINS", "plugins.accurate.hooks")
    monkeypatch.setenv("TEST_ACCURATE_CLIENT_SECRET", emulator.auth.client_secret)
    app = App.create(database_url=url)
    with app.session() as session:
        for link_id in link_ids:
            create_link(session, app.secrets, id=link_id, name=link_id, commerce="ginee",
                        accounting="accurate", commerce_settings={}, commerce_credentials={},
                        accounting_settings={}, accounting_credentials={})
    authorizations = []

    def browser(address: str) -> None:
        authorizations.append(address)
        httpx.get(address, follow_redirects=True)

    monkeypatch.setattr(cli.webbrowser, "open", browser)

    def connect_links(*args: str):
        return CliRunner().invoke(build_cli(), [
            "--database", url, "accurate", "connect", "--account-url", emulator.base_url,
            "--client-id", emulator.auth.client_id,
            "--client-secret", "env:TEST_ACCURATE_CLIENT_SECRET", "--port", str(free_port()),
            *args])

    return app, connect_links, authorizations


def _works(app, link_id: str) -> bool:
    from framework.setup.links import build_accounting, get_link

    with app.session() as session:
        link = get_link(session, link_id)
    with build_accounting(app, link) as books:
        return bool(books.list_warehouses())


def test_links_connected_one_after_another_share_one_oauth_grant(
        emulator, seed_database, tmp_path, monkeypatch) -> None:
    seed = seed_database
    first, second = seed(emulator, "PT Satu"), seed(emulator, "PT Dua")
    app, connect_links, authorizations = _oauth_cli(emulator, tmp_path, monkeypatch,
                                                    ("toko-a", "toko-b"))
    try:
        done = connect_links("--link", "toko-a", "--database", str(first))
        assert done.exit_code == 0, done.output
        later = connect_links("--link", "toko-b", "--database", str(second))
        assert later.exit_code == 0, later.output
        assert len(authorizations) == 1  # a second one would revoke toko-a's tokens
        assert _works(app, "toko-a") and _works(app, "toko-b")
        assert "authorization toko-a holds" in later.output
        emulator.expire_access_tokens()  # toko-a refreshes; toko-b follows the rotation
        assert _works(app, "toko-a") and _works(app, "toko-b")
    finally:
        app.close()


def test_several_links_connect_with_one_authorization(emulator, seed_database, tmp_path,
                                                      monkeypatch) -> None:
    seed = seed_database
    first, second = seed(emulator, "PT Satu"), seed(emulator, "PT Dua")
    app, connect_links, authorizations = _oauth_cli(emulator, tmp_path, monkeypatch,
                                                    ("toko-a", "toko-b"))
    try:
        done = connect_links("--link", "toko-a", "--database", str(first),
                             "--link", "toko-b", "--database", str(second))
        assert done.exit_code == 0, done.output
        assert f"link toko-a connected to Accurate database {first} (PT Satu)" in done.output
        assert f"link toko-b connected to Accurate database {second} (PT Dua)" in done.output
        assert len(authorizations) == 1
        assert _works(app, "toko-a") and _works(app, "toko-b")
        mismatched = connect_links("--link", "toko-a", "--link", "toko-b", "--database", "1")
        assert mismatched.exit_code != 0 and "one --database per --link" in mismatched.output
    finally:
        app.close()


def test_a_new_authorization_revokes_the_earlier_tokens_in_the_emulator(emulator, db) -> None:
    # accurate-api.md §1.1: what makes sharing one grant necessary
    earlier = connect.connect_oauth(emulator.base_url, emulator.auth.client_id,
                                    emulator.auth.client_secret, str(db), free_port(),
                                    lambda url: httpx.get(url, follow_redirects=True))
    connect.connect_oauth(emulator.base_url, emulator.auth.client_id,
                          emulator.auth.client_secret, str(db), free_port(),
                          lambda url: httpx.get(url, follow_redirects=True))
    assert earlier.credentials["access_token"] not in emulator.auth.access_tokens
    assert earlier.credentials["refresh_token"] not in emulator.auth.refresh_tokens
