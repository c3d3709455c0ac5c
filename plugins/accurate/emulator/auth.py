"""Accurate's two authentication schemes, as the emulator checks them.

API Token: ``Authorization: Bearer aat.…`` plus ``X-Api-Timestamp`` and ``X-Api-Signature``
(HMAC-SHA256 of the timestamp string under the app's Signature Secret, hex or Base64, at most
600 s of clock skew). OAuth: a bearer access token from ``/oauth/token`` and, on data calls,
an ``X-Session-ID`` from ``open-db.do``. Failures carry Accurate's exact texts.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from framework.webhooks import sign_base64, sign_hex, signature_matches

from .state import WIB

MAX_SKEW = 600.0
APP_NAME = "Jembatan"
ALL_SCOPES = frozenset(
    f"{module}_{action}"
    for module in ("item", "warehouse", "glaccount", "customer", "sales_order", "sales_invoice",
                   "sales_receipt", "sales_return", "item_adjustment")
    for action in ("view", "save", "delete")
)


class AuthFailure(Exception):
    """A request refused before it reaches the data: status, body and content type."""

    def __init__(self, status: int, body: Any, media_type: str = "application/json") -> None:
        super().__init__(str(body))
        self.status = status
        self.body = body
        self.media_type = media_type


def envelope_failure(status: int, message: str) -> AuthFailure:
    """Return a failure in Accurate's ``{s: false, d: [...]}`` envelope."""
    return AuthFailure(status, {"s": False, "d": [message]})


def bearer_token(headers: Any) -> str:
    """Return the token of ``Authorization: Bearer <token>``, the scheme in any case (RFC 7235)."""
    scheme, _, token = str(headers.get("authorization", "")).strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def parse_timestamp(value: str) -> float:
    """Read ``X-Api-Timestamp`` in any accepted form and return Unix seconds.

    Accepted: ``dd/MM/yyyy HH:mm:ss`` (Jakarta time), ISO-8601 (``Z``, an offset, or none =
    Jakarta time), and Unix time in seconds or milliseconds.
    """
    text = value.strip()
    if text.isdigit():
        number = int(text)
        return number / 1000 if number > 10**11 else float(number)
    for parse in (lambda t: datetime.strptime(t, "%d/%m/%Y %H:%M:%S"),  # noqa: DTZ007 - WIB below
                  lambda t: datetime.fromisoformat(t.replace("Z", "+00:00"))):
        try:
            moment = parse(text)
        except ValueError:
            continue
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=WIB)
        return moment.timestamp()
    raise ValueError(text)


@dataclass
class AuthRegistry:
    """The app's secrets and every token, code and session the emulator handed out."""

    client_id: str = field(default_factory=lambda: "cid-" + secrets.token_hex(6))
    client_secret: str = field(default_factory=lambda: secrets.token_hex(16))
    signature_secret: str = field(default_factory=lambda: secrets.token_hex(16))
    api_tokens: dict[str, int] = field(default_factory=dict)
    codes: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)
    access_tokens: dict[str, frozenset[str]] = field(default_factory=dict)
    refresh_tokens: dict[str, frozenset[str]] = field(default_factory=dict)
    sessions: dict[str, int] = field(default_factory=dict)
    revoked: dict[str, set[str]] = field(default_factory=dict)
    #: a new authorization of the (one) owner account for this app revokes the access and
    #: refresh tokens of every earlier one (accurate-api.md §1.1, observed in production)
    revoke_earlier_grants: bool = True

    def issue_api_token(self, db_id: int) -> str:
        """Create an API token for one database (``aat.<a>.<b>`` with a JSON tail)."""
        tail = base64.urlsafe_b64encode(json.dumps(
            {"ak": self.client_id, "an": APP_NAME, "ap": 1, "d": db_id}).encode()).decode()
        token = f"aat.{secrets.token_hex(8)}.{tail.rstrip('=')}"
        self.api_tokens[token] = db_id
        return token

    def issue_code(self, redirect_uri: str, scopes: frozenset[str]) -> str:
        """Create a one-time authorization code."""
        code = secrets.token_urlsafe(12)
        self.codes[code] = (redirect_uri, scopes)
        return code

    def authorize_anew(self) -> None:
        """A new code grant: revoke the earlier grants' tokens (when ``revoke_earlier_grants``)."""
        if self.revoke_earlier_grants:
            self.access_tokens.clear()
            self.refresh_tokens.clear()

    def issue_tokens(self, scopes: frozenset[str]) -> dict[str, Any]:
        """Create an access token and a (single-use) refresh token."""
        access, refresh = secrets.token_urlsafe(18), secrets.token_urlsafe(18)
        self.access_tokens[access] = scopes
        self.refresh_tokens[refresh] = scopes
        return {"access_token": access, "refresh_token": refresh, "token_type": "bearer",
                "expires_in": 15 * 24 * 3600, "scope": " ".join(sorted(scopes)),
                "user": {"id": 36000, "email": "owner@example.id", "name": "Owner"}}

    def check_client(self, authorization: str) -> None:
        """Check the Basic credentials of a token request."""
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if not signature_matches(authorization.removeprefix("Basic ").strip(), expected):
            raise AuthFailure(401, {"error": "invalid_client",
                                    "error_description": "Bad client credentials"})

    def api_token_database(self, headers: Any) -> tuple[str, int]:
        """Check the three API-Token headers; return the token and its database id."""
        token = bearer_token(headers)
        signature = headers.get("x-api-signature")
        stamp = headers.get("x-api-timestamp")
        if not signature:
            raise envelope_failure(401, "Header X-Api-Signature is required")
        if not stamp:
            raise envelope_failure(401, "Header X-Api-Timestamp is required")
        try:
            moment = parse_timestamp(stamp)
        except ValueError:
            raise envelope_failure(401, "Header X-Api-Timestamp invalid") from None
        if abs(time.time() - moment) > MAX_SKEW:
            raise envelope_failure(401, "Header X-Api Timestamp difference more than 600 "
                                        "seconds from server time")
        if token not in self.api_tokens:
            raise envelope_failure(401, "Invalid or Revoked API Token")
        if not (signature_matches(signature, sign_hex(self.signature_secret, stamp))
                or signature_matches(signature, sign_base64(self.signature_secret, stamp))):
            raise envelope_failure(
                401, f"Header X-Api-Signature invalid: Require Application '{APP_NAME}' signature")
        return token, self.api_tokens[token]

    def access_scopes(self, headers: Any) -> tuple[str, frozenset[str]]:
        """Check an OAuth bearer token; return it with its granted scopes."""
        token = bearer_token(headers)
        if token not in self.access_tokens:
            raise AuthFailure(401, {"error": "invalid_token",
                                    "error_description": "Invalid access token: " + token[:6]})
        return token, self.access_tokens[token]

    def session_database(self, headers: Any) -> int:
        """Return the database of the request's ``X-Session-ID`` or refuse."""
        session = headers.get("x-session-id", "")
        if session not in self.sessions:
            raise envelope_failure(401, "Data Session Key tidak tepat")
        return self.sessions[session]

    def open_session(self, db_id: int) -> str:
        """Create a data session for a database."""
        session = secrets.token_hex(16)
        self.sessions[session] = db_id
        return session

    def check_scope(self, keys: tuple[str, ...], granted: frozenset[str], scope: str) -> None:
        """Refuse with Accurate's 403 XML when ``scope`` is not granted or was revoked."""
        revoked = any(scope in self.revoked.get(key, set()) for key in keys)
        if scope in granted and not revoked:
            return
        xml = ("<InsufficientScopeException><error>insufficient_scope</error>"
               "<error_description>Insufficient scope for this resource</error_description>"
               f"<scope>{scope}</scope></InsufficientScopeException>")
        raise AuthFailure(403, xml, media_type="application/xml")


def now_utc_iso() -> str:
    """Return the current time as ISO-8601 UTC (handy for tests signing requests)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
