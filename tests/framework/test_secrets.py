from __future__ import annotations

import logging
import stat

import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet
from sqlalchemy import text

from framework.commands.records import records
from framework.errors import ConfigError
from framework.jobs import JobRequest
from framework.queue import enqueue
from framework.runner import Runner
from framework.secrets import SecretBox, install_redaction, redact, remember_secret
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
            logging.getLogger("framework.runner").exception("failed")
    assert "rt-0123456789abcdef" not in caplog.text
    assert "refreshing with ***" in caplog.text
    assert redact("x rt-0123456789abcdef y") == "x *** y"


def test_short_values_are_not_redacted():
    remember_secret("1")
    assert redact("page 1 of 10") == "page 1 of 10"


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
