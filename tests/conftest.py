"""Suite-wide settings; the shared fixtures live in ``framework.testing.fixtures`` (pytest11)."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

_KEY = Fernet.generate_key().decode()


@pytest.fixture(autouse=True)
def _secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    # No test may create ./.jembatan/secret.key in the working tree; subprocesses inherit it.
    monkeypatch.setenv("JEMBATAN_SECRET_KEY", _KEY)
