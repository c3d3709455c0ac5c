"""``jembatan emulator NAME --port P``: each emulator runs on its own for any client."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import httpx
import pytest

from framework.testing.processes import running

URL_KEYS = {"accurate": "account_url", "ginee": "base_url", "forstok": "base_url"}


@pytest.mark.parametrize("name", sorted(URL_KEYS))
def test_an_emulator_runs_alone_and_says_first_how_to_reach_it(name: str) -> None:
    with running([sys.executable, "-m", "framework", "emulator", name, "--port", "0"],
                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                 env={**os.environ, "PYTHONUNBUFFERED": "1"}) as process:
        first = json.loads(process.stdout.readline())
        base = first[URL_KEYS[name]]
        state = _state(base)
    assert not base.endswith(":0")
    if name == "accurate":  # the API token is valid for the first database
        assert first["api_token"] and first["databases"][0]["alias"]
        assert first["databases"][0]["id"]
    assert any(state.get(key) for key in ("databases", "products"))  # example data


def _state(base: str) -> dict:
    for _ in range(100):
        try:
            return httpx.get(f"{base}/_emulator/state", timeout=2).json()
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"nothing answers at {base}")
