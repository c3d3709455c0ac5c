"""Accurate's credentials: API-Token signatures, OAuth URLs and forms, per-link config.

Pure functions and value objects; the HTTP calls that use them live in ``client.py``.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlencode

from framework import LINK_PLACEHOLDER, ConfigError
from framework.webhooks import sign_hex

DEFAULT_ACCOUNT_URL = "https://account.accurate.id"
#: what jembatan asks for on OAuth: items, customers, CoA, warehouses, the four sales documents
SCOPES = (
    "item_view", "item_save", "customer_view", "customer_save", "glaccount_view",
    "warehouse_view", "sales_order_view", "sales_order_save", "sales_invoice_view",
    "sales_invoice_save", "sales_receipt_view", "sales_receipt_save", "sales_return_view",
    "sales_return_save",
)
API_TOKEN, OAUTH = "api_token", "oauth"
CREDENTIAL_FIELDS = ("api_token", "signature_secret", "client_id", "client_secret",
                     "access_token", "refresh_token", "session", "host")


def format_timestamp(moment: datetime | None = None) -> str:
    """Return an ``X-Api-Timestamp`` value: ISO-8601 in UTC, never ambiguous about the zone."""
    moment = moment or datetime.now(timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign_timestamp(signature_secret: str, timestamp: str) -> str:
    """Return the ``X-Api-Signature``: HMAC-SHA256 of the timestamp string, lowercase hex."""
    return sign_hex(signature_secret, timestamp)


def api_token_headers(api_token: str, signature_secret: str,
                      moment: datetime | None = None) -> dict[str, str]:
    """Return the three headers every API-Token request carries (fresh timestamp each time)."""
    timestamp = format_timestamp(moment)
    return {"Authorization": f"Bearer {api_token}", "X-Api-Timestamp": timestamp,
            "X-Api-Signature": sign_timestamp(signature_secret, timestamp)}


def basic_auth(client_id: str, client_secret: str) -> str:
    """Return the ``Authorization`` value of a token request."""
    pair = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
    return f"Basic {pair}"


def authorize_url(account_url: str, client_id: str, redirect_uri: str, state: str,
                  scopes: tuple[str, ...] = SCOPES) -> str:
    """Return the URL the operator opens to grant jembatan access (code grant with state)."""
    query = urlencode({"client_id": client_id, "response_type": "code",
                       "redirect_uri": redirect_uri, "scope": " ".join(scopes), "state": state})
    return f"{account_url.rstrip('/')}/oauth/authorize?{query}"


@dataclass(frozen=True, slots=True)
class AccurateConfig:
    """One link's Accurate connection: where, which database, and how to authenticate.

    Built from ``LinkContext.settings`` (``account_url``, ``host``, ``database_id``, ``auth``)
    and ``LinkContext.credentials`` (``api_token``/``signature_secret`` or
    ``client_id``/``client_secret``/``access_token``/``refresh_token``/``session``; a ``host``
    credential is the data host learnt at run time and wins over the setting).
    """

    auth: str
    account_url: str = DEFAULT_ACCOUNT_URL
    database_id: str | None = None
    host: str | None = None
    api_token: str | None = None
    signature_secret: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    access_token: str | None = None
    refresh_token: str | None = None
    session: str | None = None

    @classmethod
    def from_link(cls, settings: Mapping[str, Any], credentials: Mapping[str, Any]
                  ) -> AccurateConfig:
        """Read a link's settings and credentials; raise ``ConfigError`` when incomplete."""
        auth = str(settings.get("auth") or (OAUTH if credentials.get("client_id") else API_TOKEN))
        values = {k: (str(credentials[k]) if credentials.get(k) not in (None, "") else None)
                  for k in CREDENTIAL_FIELDS}
        host = values.pop("host") or (str(settings["host"]) if settings.get("host") else None)
        database = settings.get("database_id")
        config = cls(auth=auth, account_url=str(settings.get("account_url") or DEFAULT_ACCOUNT_URL),
                     database_id=str(database) if database not in (None, "") else None,
                     host=host, **values)
        config.require()
        return config

    def require(self) -> None:
        """Raise ``ConfigError`` naming what is missing for this auth scheme."""
        needed = (("api_token", "signature_secret") if self.auth == API_TOKEN
                  else ("client_id", "client_secret", "access_token", "database_id"))
        if self.auth not in (API_TOKEN, OAUTH):
            raise ConfigError(f"unknown Accurate auth scheme {self.auth!r}",
                              fix="set the link's auth setting to api_token or oauth")
        missing = [name for name in needed if not getattr(self, name)]
        if missing:
            raise ConfigError(f"the Accurate connection lacks {', '.join(missing)}",
                              fix=f"run `jembatan accurate connect --link {LINK_PLACEHOLDER} ...`")

    def with_updates(self, **changes: Any) -> AccurateConfig:
        """Return a copy with rotated secrets or a new host."""
        return replace(self, **changes)

    def credentials(self) -> dict[str, str]:
        """Return the secrets to persist (only those set)."""
        return {name: getattr(self, name) for name in CREDENTIAL_FIELDS
                if getattr(self, name) is not None}
