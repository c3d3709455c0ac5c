"""Suite-wide settings; the shared fixtures live in ``framework.testing.fixtures`` (pytest11)."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.fernet import Fernet

_KEY = Fernet.generate_key().decode()

#: Modules whose tests are one operator's session in order (one site, one logged-in page
#: shared through module fixtures): xdist runs each of them whole, in order, on one process.
SESSION_MODULES = frozenset({
    "tests/web/test_console_seed_flow.py",
    "tests/web/test_console_isolation.py",
})


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Spread tests one by one over the processes, except a session module, sent whole.

    (xdist's own ``xdist_group`` marker does not group under pytest 9.2, whose node ids no
    longer take the suffix it appends, hence a scheduler of our own.)
    """
    from xdist.scheduler import LoadScopeScheduling

    class SessionModulesTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return module if module in SESSION_MODULES else nodeid

    return SessionModulesTogether(config, log)


@pytest.fixture(autouse=True)
def _secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    # No test may create ./.jembatan/secret.key in the working tree; subprocesses inherit it.
    monkeypatch.setenv("JEMBATAN_SECRET_KEY", _KEY)
