from __future__ import annotations

import logging
import stat

import click
import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet
from sqlalchemy import text

from framework.commands.records import records
from framework.errors import ConfigError
from framework.jobs import JobRequest
from framework.runtime.queue import enqueue
from framework.runtime.runner import Runner
from framework.storage.secrets import SecretBox, install_redaction, redact, remember_secret
from framework.testing.plugins import create_mem_link

TOKEN = "tok-9f8e7d6c5b4a-very-secret"


def test_roundtrip_and_key_file_created_private(tmp_path, monkeypatch):
    monkeypatch.delenv("JEMBATAN_SECRET_KEY")
    box = SecretBox(key_path=tmp_path / "conf" / "secret.key")
    token = box.encrypt({"access_key": "ak", "secret_key": TOKEN})
    assert TOKEN not in token
    assert SecretBox(key_path=tmp_path / "conf" / "secret.key").decrypt(token) == {
        "access_key": "ak", "secret_key": TOKEN}
    assert stat.S_IMODE((tmp_path / "conf" / "secret.key").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "conf").stat().st_mode) == 0o700


def test_env_key_wins_and_a_changed_key_is_named(monkeypatch):
    token = SecretBox().encrypt({"a": TOKEN})  # JEMBATAN_SECRET_KEY from conftest
    monkeypatch.setenv("JEMBATAN_SECRET_KEY", Fernet.generate_key().decode())
    with pytest.raises(ConfigError, match="the secret key changed"):
        SecretBox().decrypt(token)
    monkeypatch.setenv("JEMBATAN_SECRET_KEY", "not-a-key")
    with pytest.raises(ConfigError, match="not a valid Fernet key"):
        SecretBox().encrypt({})


def test_credentials_are_encrypted_at_rest(app):
    create_mem_link(app, "shop", token=TOKEN)
    with app.engine.connect() as connection:
        raw = connection.execute(text(
            "SELECT commerce_credentials, accounting_credentials FROM link")).one()
    assert TOKEN not in "".join(raw)
    assert app.secrets.decrypt(raw[0]) == {"token": TOKEN}


def test_decrypted_values_are_redacted_from_every_log_record(caplog):
    install_redaction()
    box = SecretBox()
    box.decrypt(box.encrypt({"refresh_token": "rt-0123456789abcdef"}))
    with caplog.at_level(logging.INFO):
        logging.getLogger("plugins.accurate.client").info(
            "refreshing with %s", "rt-0123456789abcdef")
        try:
            raise ValueError("server echoed rt-0123456789abcdef")
        except ValueError:
            logging.getLogger("framework.runtime.runner").exception("failed")
    assert "rt-0123456789abcdef" not in caplog.text
    assert "refreshing with ***" in caplog.text
    assert redact("x rt-0123456789abcdef y") == "x *** y"


def test_short_values_and_plain_addresses_are_not_redacted():
    remember_secret("1")
    assert redact("page 1 of 10") == "page 1 of 10"
    remember_secret("http://127.0.0.1:8801")  # a data host kept with the credentials
    remember_secret("https://u:hunter22@example.com/x")  # user info: a secret
    assert redact("emulator at http://127.0.0.1:8801") == "emulator at http://127.0.0.1:8801"
    assert redact("https://u:hunter22@example.com/x") == "***"


def test_token_never_reaches_push_records_or_cli_output(app, caplog):
    install_redaction()
    create_mem_link(app, "shop", token=TOKEN)

    def leaky(ctx):
        credentials = ctx.accounting().link.credentials
        ctx.record("order", "SO-1", "document", "pending", sent={"auth": credentials["token"]})
        logging.getLogger("plugins.leaky").warning("calling with %s", credentials["token"])
        raise ValueError(f"platform said: bad token {credentials['token']}")

    app.plugins.registry.job_handlers["test.leaky"] = leaky
    with app.session() as session:
        enqueue(session, "shop", JobRequest(kind="test.leaky", key="k"))
    with caplog.at_level(logging.INFO):
        assert Runner(app).run_burst() == {"failed": 1}
    with app.engine.connect() as connection:
        dumped = " ".join(str(row) for table in ("push_record", "job") for row in
                          connection.execute(text(f"SELECT * FROM {table}")))
    assert "platform said: bad token ***" in dumped
    result = CliRunner().invoke(records, ["--failed"], obj=app)
    assert result.exit_code == 0 and "bad token ***" in result.output
    for text_seen in (dumped, result.output, caplog.text):
        assert TOKEN not in text_seen


def _jembatan(database_url, *args, env=None, input=None):  # noqa: A002
    from framework.cli import build_cli

    return CliRunner().invoke(build_cli(), ["--database", database_url, *args], env=env,
                              input=input)


GINEE = ["link", "create", "toko", "--store", "ginee", "--accounting-setting", "database_id=1"]


def test_a_literal_secret_on_the_command_line_is_refused_with_the_fix(sqlite_url):
    result = _jembatan(sqlite_url, *GINEE, "--store-credential", f"secret_key={TOKEN}")
    assert result.exit_code == 2
    assert "never taken literally" in result.output
    assert "secret_key=env:VAR, secret_key=file:PATH or secret_key=prompt" in result.output
    assert TOKEN not in result.output  # not even in the refusal
    listed = _jembatan(sqlite_url, "link", "list")
    assert "Links: none" in listed.output


def test_secrets_come_from_env_a_file_or_a_prompt(sqlite_url, tmp_path):
    from framework.app import App
    from framework.setup.links import get_link

    (tmp_path / "key.txt").write_text("from-a-file-123\n")
    result = _jembatan(sqlite_url, *GINEE, "--store-credential", "access_key=env:GINEE_AK",
                       "--store-credential", f"secret_key=file:{tmp_path / 'key.txt'}",
                       "--accounting-credential", "api_token=prompt",
                       env={"GINEE_AK": "from-the-env-456"}, input="typed-at-prompt-789\n")
    assert result.exit_code == 0, result.output
    assert "typed-at-prompt-789" not in result.output  # hidden input
    app = App.create(sqlite_url)
    try:
        with app.session() as session:
            link = get_link(session, "toko")
            assert app.secrets.decrypt(link.commerce_credentials) == {
                "access_key": "from-the-env-456", "secret_key": "from-a-file-123"}
            assert app.secrets.decrypt(link.accounting_credentials) == {
                "api_token": "typed-at-prompt-789"}
    finally:
        app.close()
    missing = _jembatan(sqlite_url, "link", "set", "toko", "--store-credential",
                        "secret_key=env:NOT_SET_ANYWHERE")
    assert missing.exit_code == 2 and "NOT_SET_ANYWHERE is not set" in missing.output


def test_every_line_the_cli_prints_is_redacted_even_a_token_a_platform_echoes(monkeypatch):
    from framework.cli import JembatanGroup
    from framework.console import print_table
    from framework.errors import ProviderAPIError

    group = JembatanGroup("j")

    @group.command("call")
    def call() -> None:
        remember_secret(TOKEN)  # as SecretBox.decrypt does for every credential it opens
        click.echo(f"calling with {TOKEN}")
        print_table("Sent", ["header"], [(f"Bearer {TOKEN}",)])
        raise ProviderAPIError(f"invalid token {TOKEN}", provider="ginee", status_code=401)

    result = CliRunner().invoke(group, ["call"])
    assert result.exit_code == 1
    assert "calling with ***" in result.output and "Bearer ***" in result.output
    assert "invalid token ***" in result.output
    assert TOKEN not in result.output


def test_one_key_location_whatever_the_folder_and_no_second_key(tmp_path, monkeypatch):
    monkeypatch.delenv("JEMBATAN_SECRET_KEY")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    env = {"GINEE_SK": TOKEN}
    for folder in ("here", "elsewhere"):
        (tmp_path / folder).mkdir()
    monkeypatch.chdir(tmp_path / "here")
    created = _jembatan(url, *GINEE, "--store-credential", "secret_key=env:GINEE_SK", env=env)
    assert created.exit_code == 0, created.output
    key = tmp_path / "config" / "jembatan" / "secret.key"
    assert key.exists()
    monkeypatch.chdir(tmp_path / "elsewhere")
    # link set opens the stored credentials to merge the new one: it needs the same key
    again = _jembatan(url, "link", "set", "toko", "--store-credential", "access_key=env:GINEE_SK",
                      env=env)
    assert again.exit_code == 0, again.output
    assert not (tmp_path / "here" / ".jembatan").exists()
    assert not (tmp_path / "elsewhere" / ".jembatan").exists()
    key.unlink()
    lost = _jembatan(url, "link", "set", "toko", "--store-credential", "access_key=env:GINEE_SK",
                     env=env)
    assert lost.exit_code == 1
    assert "holds the credentials of 1 link(s) but there is no key" in lost.output
    assert str(key) in lost.output and "Traceback" not in lost.output
    assert not key.exists()  # no new key was made next to data it cannot open


def test_a_setting_from_the_environment_is_read_and_an_unset_one_refused(monkeypatch) -> None:
    import click

    from framework.console import parse_pairs

    monkeypatch.setenv("JEMBATAN_TEST_DATABASE_ID", "123456")
    assert parse_pairs(["database_id=env:JEMBATAN_TEST_DATABASE_ID", "host=h"],
                       "--accounting-setting") == {"database_id": "123456", "host": "h"}
    with pytest.raises(click.BadParameter, match="NOT_SET_ANYWHERE is not set"):
        parse_pairs(["database_id=env:NOT_SET_ANYWHERE"], "--accounting-setting")
