"""Console authentication: server-side sessions behind signed cookies, CSRF, login throttling.

The cookie holds a random token and its HMAC (key derived from the installation's secret
key); the database holds only the token's SHA-256, so a leaked table opens no session. Each
session has its own CSRF token, required on every POST. Cookies are HttpOnly, SameSite=Lax,
and Secure whenever the console is reached over https (directly or through a TLS proxy).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete

from ..storage.models import ConsoleSession, ConsoleUser, utcnow

if TYPE_CHECKING:
    from ..app import App

COOKIE = "jembatan_session"
LOGIN_COOKIE = "jembatan_login"  # the login form's own CSRF token, before any session
SESSION_LIFETIME = timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class Viewer:
    """The logged-in user as a request sees them."""

    user_id: int
    name: str
    is_admin: bool
    session_id: str
    csrf: str
    flash: Any


class Signer:
    """Signs and checks cookie values with a key derived from the secret key."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def sign(self, value: str) -> str:
        """Return ``value.signature``."""
        mac = hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()
        return f"{value}.{mac}"

    def unsign(self, signed: str | None) -> str | None:
        """Return the value if the signature holds, else ``None``."""
        if not signed or "." not in signed:
            return None
        value, mac = signed.rsplit(".", 1)
        expected = hmac.new(self._key, value.encode(), hashlib.sha256).hexdigest()
        return value if hmac.compare_digest(mac, expected) else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(app: App, user: ConsoleUser) -> str:
    """Start a session for ``user``; return the (unsigned) token for the cookie."""
    token = secrets.token_urlsafe(32)
    with app.session() as session:
        session.add(ConsoleSession(id=_digest(token), user_id=user.id,
                                   csrf=secrets.token_urlsafe(24),
                                   expires_at=utcnow() + SESSION_LIFETIME))
    return token


def load_viewer(app: App, token: str | None) -> Viewer | None:
    """Return who holds ``token``, or ``None`` when it is unknown or expired."""
    if not token:
        return None
    with app.session() as session:
        row = session.get(ConsoleSession, _digest(token))
        if row is None:
            return None
        if row.expires_at <= utcnow():
            session.delete(row)
            return None
        user = session.get(ConsoleUser, row.user_id)
        if user is None:
            return None
        return Viewer(user.id, user.name, user.is_admin, row.id, row.csrf, row.flash)


def close_session(app: App, session_id: str) -> None:
    """End one session (logout)."""
    with app.session() as session:
        session.execute(delete(ConsoleSession).where(ConsoleSession.id == session_id))


def set_flash(app: App, session_id: str, flash: Any) -> None:
    """Keep a message for the next page the session sees."""
    with app.session() as session:
        row = session.get(ConsoleSession, session_id)
        if row is not None:
            row.flash = flash


def take_flash(app: App, viewer: Viewer) -> Any:
    """Return and forget the session's pending message."""
    if viewer.flash is None:
        return None
    set_flash(app, viewer.session_id, None)
    return viewer.flash


def csrf_ok(viewer: Viewer, submitted: str | None) -> bool:
    """Return whether a form carried the session's CSRF token."""
    return bool(submitted) and hmac.compare_digest(str(submitted), viewer.csrf)


class LoginThrottle:
    """Slows password guessing per user name and per address.

    After ``limit`` failures in ``window`` seconds a key waits ``base`` seconds, twice as long
    after each further failure (at most ``ceiling`` seconds).

    Kept in memory: one console process serves an installation.
    """

    def __init__(self, limit: int = 5, window: float = 900.0, base: float = 30.0,
                 ceiling: float = 900.0) -> None:
        self.limit, self.window, self.base, self.ceiling = limit, window, base, ceiling
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, *keys: str) -> float:
        """Return how long these keys must still wait before another try (0: may try)."""
        now = time.monotonic()
        with self._lock:
            return max((self._wait(key, now) for key in keys), default=0.0)

    def _wait(self, key: str, now: float) -> float:
        failures = self._failures.get(key)
        if not failures:
            return 0.0
        while failures and now - failures[0] > self.window:
            failures.popleft()
        extra = len(failures) - self.limit
        if extra < 0:
            return 0.0
        pause = min(self.ceiling, self.base * (2 ** extra))
        return max(0.0, failures[-1] + pause - now)

    def failed(self, *keys: str) -> None:
        """Count a failed login for each key."""
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, *keys: str) -> None:
        """Forget the failures of these keys."""
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
