"""Connecting Accurate from jembatan's web console: OAuth in the browser, or an API token.

The console sends the operator to Accurate's login and consent page ("Beri Akses"), gets the
code back on its own callback, and lists the databases the grant opens; the operator picks
one or several (one link each). The same client calls as ``jembatan accurate connect``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from framework import AccountingConnection, ConnectFlow, OAuthGrant

from . import connect as connecting
from .auth import DEFAULT_ACCOUNT_URL, OAUTH, AccurateConfig, authorize_url
from .client import AccurateClient


class AccurateConnectFlow(ConnectFlow):
    """Accurate's two ways in, as console forms."""

    oauth_fields: ClassVar[Mapping[str, str]] = {
        "account_url": f"Accurate account host (default {DEFAULT_ACCOUNT_URL})",
        "client_id": "Client ID of jembatan's Accurate app (Developer Area)",
        "client_secret": "Client Secret of that app",
    }
    token_fields: ClassVar[Mapping[str, str]] = {
        "account_url": f"Accurate account host (default {DEFAULT_ACCOUNT_URL})",
        "api_token": "API Token (Pengaturan > Accurate Store > API Token), aat.…",
        "signature_secret": "Signature Secret of the app the token belongs to",
    }
    secret_fields: ClassVar[tuple[str, ...]] = ("client_secret", "api_token", "signature_secret")

    def authorize_url(self, values: Mapping[str, str], redirect_uri: str, state: str) -> str:
        """Return Accurate's authorize URL (code grant, jembatan's scopes, ``state``)."""
        return authorize_url(_account_url(values), str(values.get("client_id", "")),
                             redirect_uri, state)

    def grant(self, values: Mapping[str, str], code: str, redirect_uri: str) -> OAuthGrant:
        """Trade the code for tokens and list the databases the owner account can open."""
        config = AccurateConfig(auth=OAUTH, account_url=_account_url(values),
                                client_id=values.get("client_id"),
                                client_secret=values.get("client_secret"))
        with AccurateClient(config) as client:
            client.exchange_code(code, redirect_uri)
            databases = [(str(d["id"]), str(d.get("alias") or d["id"]))
                         for d in client.list_databases()]
            held = {"account_url": config.account_url, **client.config.credentials()}
        return OAuthGrant(databases, held)

    def open_database(self, grant: OAuthGrant, database_id: str) -> AccountingConnection:
        """Open one database with the grant's token: its session and data host."""
        held: dict[str, Any] = dict(grant.held)
        account_url = str(held.pop("account_url"))
        config = AccurateConfig(auth=OAUTH, account_url=account_url, **held)
        with AccurateClient(config) as client:
            client.open_database(database_id)
            credentials = client.config.credentials()
        alias = dict(grant.databases).get(str(database_id), str(database_id))
        return AccountingConnection(
            {"auth": OAUTH, "account_url": account_url, "database_id": str(database_id),
             "host": credentials.pop("host")}, credentials, alias)

    def connect_token(self, values: Mapping[str, str]) -> AccountingConnection:
        """Check an API token through ``api-token.do`` and find its database."""
        found = connecting.connect_api_token(_account_url(values),
                                             str(values.get("api_token", "")).strip(),
                                             str(values.get("signature_secret", "")).strip())
        return AccountingConnection(found.settings, found.credentials, found.alias)


def _account_url(values: Mapping[str, str]) -> str:
    return (str(values.get("account_url") or "").strip() or DEFAULT_ACCOUNT_URL).rstrip("/")
