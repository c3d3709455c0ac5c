"""API-Token signatures and header checks, against the reference's vector and the emulator."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest

from framework import ConfigError, ProviderConfigError
from framework.webhooks import sign_base64
from plugins.accurate.auth import AccurateConfig, api_token_headers, sign_timestamp
from plugins.accurate.connector import AccurateConnector
from plugins.accurate.emulator.auth import parse_timestamp

VECTOR_TS, VECTOR_SECRET = "02/11/2023 09:01:01", "31d49b3dc632614495ff8071e5be44a1"


def test_signature_matches_reference_vector() -> None:
    assert sign_timestamp(VECTOR_SECRET, VECTOR_TS) == (
        "f0dc6fca5c3031c8c6cb35572b4a9bc0dbc516ecc7a7013db440a5955c0b91ba")
    assert sign_base64(VECTOR_SECRET, VECTOR_TS) == "8NxvylwwMcjGyzVXK0qbwNvFFuzHpwE9tECllVwLkbo="


def test_timestamp_forms_are_the_same_instant() -> None:
    jakarta = parse_timestamp("02/11/2023 16:32:43")
    assert jakarta == parse_timestamp("2023-11-02T09:32:43Z")
    assert jakarta == parse_timestamp(str(int(jakarta)))
    assert jakarta == parse_timestamp(str(int(jakarta * 1000)))


def _get(emulator, headers):
    return httpx.get(f"{emulator.base_url}/accurate/api/item/list.do", headers=headers)


def test_emulator_accepts_hex_and_base64_and_refuses_skew(emulator, db) -> None:
    token, secret = emulator.api_token_for(db), emulator.auth.signature_secret
    stamp = datetime.now(timezone(timedelta(hours=7))).strftime("%d/%m/%Y %H:%M:%S")
    for signature in (sign_timestamp(secret, stamp), sign_base64(secret, stamp)):
        answer = _get(emulator, {"Authorization": f"Bearer {token}", "X-Api-Timestamp": stamp,
                                 "X-Api-Signature": signature})
        assert answer.json()["s"] is True
    old = api_token_headers(token, secret, datetime.now(timezone.utc) - timedelta(seconds=700))
    refused = _get(emulator, old)
    assert refused.status_code == 401
    assert "difference more than 600 seconds" in refused.json()["d"][0]
    missing = _get(emulator, {"Authorization": f"Bearer {token}"})
    assert missing.json()["d"] == ["Header X-Api-Signature is required"]


def test_wrong_secret_is_a_config_error_naming_the_fix(emulator, db, link_for) -> None:
    link = link_for(emulator, db, signature_secret="0" * 32)
    with AccurateConnector(link) as connector, pytest.raises(ProviderConfigError) as caught:
        connector.list_warehouses()
    assert "Require Application" in str(caught.value)
    assert "Signature Secret" in str(caught.value)


def test_wrong_token_asks_to_reconnect(emulator, db, link_for) -> None:
    link = link_for(emulator, db, api_token="aat.bogus.token")
    with AccurateConnector(link) as connector, pytest.raises(ProviderConfigError) as caught:
        connector.list_warehouses()
    assert "Invalid or Revoked API Token" in str(caught.value)
    assert "reconnect" in str(caught.value)


def test_incomplete_config_names_what_is_missing() -> None:
    with pytest.raises(ConfigError, match="signature_secret"):
        AccurateConfig.from_link({"auth": "api_token"}, {"api_token": "aat.x.y"})
    with pytest.raises(ConfigError, match="database_id"):
        AccurateConfig.from_link({"auth": "oauth"}, {"client_id": "c", "client_secret": "s",
                                                     "access_token": "t"})
