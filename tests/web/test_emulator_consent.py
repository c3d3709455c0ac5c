"""The Accurate emulator's OAuth pages: login with the owner account, then Beri Akses / Tolak."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlparse

import httpx
import pytest

from framework.emulation import serve_in_thread
from plugins.accurate.auth import authorize_url
from plugins.accurate.emulator import AccurateEmulator
from plugins.accurate.emulator.consent import OWNER_EMAIL, OWNER_PASSWORD

REDIRECT = "http://127.0.0.1:9/callback"


@pytest.fixture
def emulator():
    with serve_in_thread(AccurateEmulator(seed=3)) as served:
        served.add_database("PT Satu")
        served.add_database("PT Dua")
        yield served


def _hidden(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))


def _login(client: httpx.Client, emulator, password: str = OWNER_PASSWORD) -> httpx.Response:
    page = client.get(authorize_url(emulator.base_url, emulator.auth.client_id, REDIRECT, "st8"))
    assert page.status_code == 200 and 'id="accurate-login"' in page.text
    return client.post("/oauth/login", data={**_hidden(page.text), "email": OWNER_EMAIL,
                                             "password": password})


def test_login_then_beri_akses_gives_a_code_that_opens_both_databases(emulator) -> None:
    with httpx.Client(base_url=emulator.base_url, follow_redirects=True) as client:
        consent = _login(client, emulator)
        assert "Beri Akses" in consent.text and OWNER_EMAIL in consent.text
        answer = client.post("/oauth/consent", data={**_hidden(consent.text),
                                                     "decision": "allow"},
                             follow_redirects=False)
    assert answer.status_code == 302
    query = parse_qs(urlparse(answer.headers["location"]).query)
    assert query["state"] == ["st8"]
    code = query["code"][0]
    assert emulator.auth.codes[code][0] == REDIRECT  # redeemable once, for this redirect


def test_tolak_answers_access_denied_and_wrong_passwords_and_replays_are_refused(emulator):
    with httpx.Client(base_url=emulator.base_url, follow_redirects=True) as client:
        wrong = _login(client, emulator, password="bukan-ini")
        assert wrong.status_code == 401 and "salah" in wrong.text
        consent = _login(client, emulator)
        form = _hidden(consent.text)
        denied = client.post("/oauth/consent", data={**form, "decision": "deny"},
                             follow_redirects=False)
        assert parse_qs(urlparse(denied.headers["location"]).query) == {
            "error": ["access_denied"], "state": ["st8"]}
        replay = client.post("/oauth/consent", data={**form, "decision": "allow"},
                             follow_redirects=False)
        assert replay.status_code == 400  # the page's one-time token is spent
    assert emulator.auth.codes == {}
    with httpx.Client(base_url=emulator.base_url) as stranger:  # no login cookie
        answer = stranger.post("/oauth/consent", data={**form, "decision": "allow"})
        assert answer.status_code == 400 and emulator.auth.codes == {}
        bad = stranger.get(f"/oauth/authorize?{urlencode({'client_id': 'other'})}")
        assert bad.status_code == 400 and bad.json() == {"error": "invalid_client"}
