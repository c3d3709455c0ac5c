"""Connecting a link to an Accurate database: API token, or OAuth with a local callback.

The functions return the link's accounting ``settings`` and ``credentials``; ``cli.py``
stores them. The database of a connected link never changes silently: ``apply_connection``
refuses, and the operator disconnects and re-integrates instead.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from framework import ConfigError

from .auth import API_TOKEN, OAUTH, AccurateConfig, authorize_url
from .client import AccurateClient


@dataclass(frozen=True, slots=True)
class Connection:
    """What a link stores for its Accurate side."""

    settings: dict[str, Any]
    credentials: dict[str, Any]
    alias: str


def connect_api_token(account_url: str, api_token: str, signature_secret: str,
                      **client_options: Any) -> Connection:
    """Check an API token and find its database and data host through ``api-token.do``."""
    config = AccurateConfig(auth=API_TOKEN, account_url=account_url, api_token=api_token,
                            signature_secret=signature_secret)
    with AccurateClient(config, **client_options) as client:
        database = client.discover_host()
    return Connection({"auth": API_TOKEN, "account_url": account_url,
                       "database_id": str(database["id"]), "host": str(database["host"])},
                      {"api_token": api_token, "signature_secret": signature_secret},
                      str(database.get("alias") or database["id"]))


def list_databases(config: AccurateConfig, **client_options: Any) -> list[dict[str, Any]]:
    """Return the databases an OAuth access token (or the API token's one) can open."""
    with AccurateClient(config, **client_options) as client:
        if config.auth == API_TOKEN:
            return [client.discover_host()]
        return client.list_databases()


class _Callback(BaseHTTPRequestHandler):
    """Receives ``/callback?code=…&state=…`` once."""

    result: dict[str, str] = {}
    done = threading.Event()

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        """Keep the code when ``state`` matches; answer a short page either way."""
        query = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
        type(self).result = query
        type(self).done.set()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.end_headers()
        self.wfile.write(b"jembatan: you can close this window.\n")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's name
        """Stay quiet (the CLI reports the outcome)."""


def receive_code(port: int, state: str, open_url: Callable[[str], Any], url: str,
                 timeout: float = 300.0) -> str:
    """Serve the callback on 127.0.0.1, open ``url``, and return the code if ``state`` matches."""
    handler = type("Callback", (_Callback,), {"result": {}, "done": threading.Event()})
    server = HTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        open_url(url)
        if not handler.done.wait(timeout):
            raise ConfigError("no answer from Accurate's authorization page",
                              fix="run the command again and approve access in the browser")
    finally:
        server.shutdown()
        server.server_close()
    answer = handler.result
    if not secrets.compare_digest(answer.get("state", ""), state):
        raise ConfigError("the OAuth callback's state does not match: the answer was refused",
                          fix="run the command again from this machine")
    if "code" not in answer:
        raise ConfigError(f"Accurate refused access: {answer.get('error', 'no code')}",
                          fix="approve the requested scopes")
    return answer["code"]


def connect_oauth(  # noqa: PLR0913 - the flow's inputs
    account_url: str, client_id: str, client_secret: str, database_id: str | None, port: int,
    open_url: Callable[[str], Any], **client_options: Any,
) -> Connection:
    """Run the code grant with a local callback, then open the chosen database."""
    state, redirect = secrets.token_urlsafe(16), f"http://127.0.0.1:{port}/callback"
    code = receive_code(port, state, open_url,
                        authorize_url(account_url, client_id, redirect, state))
    config = AccurateConfig(auth=OAUTH, account_url=account_url, client_id=client_id,
                            client_secret=client_secret)
    with AccurateClient(config, **client_options) as client:
        client.exchange_code(code, redirect)
        databases = {str(d["id"]): d for d in client.list_databases()}
        if database_id is None and len(databases) == 1:
            database_id = next(iter(databases))
        if database_id not in databases:
            raise ConfigError(f"choose the Accurate database: {_names(databases)}",
                              fix="run the command again with --database <ID>")
        client.open_database(database_id)
        credentials = client.config.credentials()
    return Connection({"auth": OAUTH, "account_url": account_url, "database_id": database_id,
                       "host": credentials.pop("host")}, credentials,
                      str(databases[database_id].get("alias")))


def _names(databases: Mapping[str, Mapping[str, Any]]) -> str:
    return ", ".join(f"{key} ({d.get('alias')})" for key, d in databases.items()) or "none"


def check_same_database(link_id: str, current: Mapping[str, Any], connected: bool,
                        connection: Connection) -> None:
    """Refuse to point a connected link at another database (re-integration required)."""
    old = current.get("database_id")
    new = connection.settings.get("database_id")
    if connected and old not in (None, "") and str(old) != str(new):
        raise ConfigError(
            f"link {link_id} is connected to Accurate database {old}; choosing database {new} "
            "needs a new integration: disconnect and re-integrate",
            fix=f"jembatan link disconnect {link_id}, then connect again")
