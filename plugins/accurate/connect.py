"""Connecting a link to an Accurate database: API token, or OAuth with a local callback.

The functions return the link's accounting ``settings`` and ``credentials``; ``cli.py``
stores them. The database of a connected link never changes silently: ``apply_connection``
refuses, and the operator disconnects and re-integrates instead.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from framework import ConfigError, IntegrationError, LinkContext

from .auth import API_TOKEN, DEFAULT_ACCOUNT_URL, OAUTH, AccurateConfig, authorize_url
from .client import AccurateClient

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Connection:
    """What a link stores for its Accurate side."""

    settings: dict[str, Any]
    credentials: dict[str, Any]
    alias: str
    #: the link whose OAuth grant opened this database (empty: a grant of its own)
    grant_of: str = ""


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
    [connection] = connect_oauth_databases(account_url, client_id, client_secret, [database_id],
                                           port, open_url, **client_options)
    return connection


def grant_holder(contexts: Iterable[LinkContext], account_url: str,
                 client_id: str) -> LinkContext | None:
    """Return the first link holding an OAuth grant of this app (``client_id``) on this host.

    A new authorization of the same Accurate account for the same app revokes the earlier
    access and refresh tokens (accurate-api.md §1.1): a further link is opened with the grant a
    link already holds, as the console's multi-database flow does, never with a new one.
    """
    host = account_url.rstrip("/")
    for context in contexts:
        settings, held = context.settings, context.credentials
        if (settings.get("auth") == OAUTH and held.get("refresh_token")
                and held.get("client_id") == client_id
                and str(settings.get("account_url") or DEFAULT_ACCOUNT_URL).rstrip("/") == host):
            return context
    return None


def connect_oauth_databases(  # noqa: PLR0913 - the flow's inputs
    account_url: str, client_id: str, client_secret: str, database_ids: Sequence[str | None],
    port: int, open_url: Callable[[str], Any], holder: LinkContext | None = None,
    **client_options: Any,
) -> list[Connection]:
    """Open each of ``database_ids`` with ONE OAuth grant; return a connection per database.

    With a ``holder`` (``grant_holder``) whose grant can open every database, its grant is
    used and no authorization is asked for; a refresh it needs meanwhile is saved on the
    holder (and so on every link of the grant). Otherwise one code grant is run with a local
    callback. ``None`` in ``database_ids`` means the account's only database.

    Raises:
        ConfigError: a database is not among those the grant opens, or the grant is refused.
    """
    config = AccurateConfig(auth=OAUTH, account_url=account_url, client_id=client_id,
                            client_secret=client_secret)
    tokens: dict[str, Any] = {}
    databases: dict[str, Mapping[str, Any]] = {}
    if holder is not None:
        try:
            tokens, databases = _holder_grant(holder, **client_options)
        except IntegrationError as error:  # its grant no longer works: a new one is needed
            log.warning("the Accurate grant of %s cannot be used (%s): authorizing anew",
                        holder.link_id, error)
            holder = None
    if holder is not None and None in database_ids:
        _choose(databases, None)  # several databases: ask which before authorizing anew
    if holder is not None and not _opens(databases, database_ids):
        log.warning("%s's Accurate grant does not open database %s: authorizing anew (log in "
                    "as the account that owns it)", holder.link_id,
                    ", ".join(str(d) for d in database_ids))
        holder = None
    if holder is None:
        state, redirect = secrets.token_urlsafe(16), f"http://127.0.0.1:{port}/callback"
        code = receive_code(port, state, open_url,
                            authorize_url(account_url, client_id, redirect, state))
        with AccurateClient(config, **client_options) as client:
            client.exchange_code(code, redirect)
            databases = {str(d["id"]): d for d in client.list_databases()}
            tokens = {"access_token": client.config.access_token,
                      "refresh_token": client.config.refresh_token}
    chosen = [_choose(databases, database_id) for database_id in database_ids]
    connections = []
    for database_id in chosen:
        with AccurateClient(config.with_updates(**tokens),
                            on_credentials=_keep_grant_on(holder), **client_options) as client:
            client.open_database(database_id)
            credentials = client.config.credentials()
            tokens = {"access_token": client.config.access_token,
                      "refresh_token": client.config.refresh_token}
        connections.append(Connection(
            {"auth": OAUTH, "account_url": account_url, "database_id": database_id,
             "host": credentials.pop("host")}, credentials,
            str(databases[database_id].get("alias")), holder.link_id if holder else ""))
    return connections


def _holder_grant(holder: LinkContext, **client_options: Any
                  ) -> tuple[dict[str, Any], dict[str, Mapping[str, Any]]]:
    """The holder's current tokens and the databases its grant opens (refreshed if needed)."""
    from .connector import AccurateConnector

    with AccurateConnector(holder, transport=client_options.get("transport")) as connector:
        databases = {str(d["id"]): d for d in connector.client.list_databases()}
        held = connector.client.config
        return {"access_token": held.access_token, "refresh_token": held.refresh_token}, databases


def _opens(databases: Mapping[str, Any], wanted: Sequence[str | None]) -> bool:
    if any(database_id is None for database_id in wanted):
        return len(databases) == 1
    return all(str(database_id) in databases for database_id in wanted)


def _choose(databases: Mapping[str, Mapping[str, Any]], database_id: str | None) -> str:
    if database_id is None and len(databases) == 1:
        return next(iter(databases))
    if database_id is None or str(database_id) not in databases:
        raise ConfigError(f"choose the Accurate database: {_names(databases)}",
                          fix="run the command again with --database <ID>")
    return str(database_id)


def _keep_grant_on(holder: LinkContext | None) -> Callable[[Mapping[str, Any]], None]:
    """Save a grant refreshed while opening a database on the link that holds it."""
    def saved(credentials: Mapping[str, Any]) -> None:
        if holder is None:
            return
        stored = dict(holder.load_credentials() if holder.load_credentials else
                      holder.credentials)
        if credentials.get("refresh_token") not in (None, stored.get("refresh_token")):
            holder.save_credentials({**stored, "access_token": credentials["access_token"],
                                     "refresh_token": credentials["refresh_token"]})
    return saved


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
