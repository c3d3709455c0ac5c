"""``AccurateClient``: Accurate Online's HTTP API with both auth schemes.

One client per link. It finds the data host (``api-token.do`` for API tokens, ``open-db.do``
for OAuth), signs or session-stamps every data call, follows HTTP 308 when the database moved
(and reports the new host through ``on_credentials``), refreshes an expired data session or
access token once, parses the ``{s, d, r, sp}`` envelope in one place and sorts failures through
``errors.ERROR_MAP``. Every request passes the link's gate on lane ``accurate:<database id>``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from framework import ProviderAPIError, RequestGate
from framework.http import PlatformClient, iter_numbered_pages, retry_after_seconds

from .assumptions import BULK_MAX, DATABASE_KEYS, PAGE_MAX
from .auth import API_TOKEN, OAUTH, AccurateConfig, api_token_headers, basic_auth
from .errors import PROVIDER, accurate_error, malformed

log = logging.getLogger(__name__)

MAX_REDIRECTS = 3


@dataclass(frozen=True, slots=True)
class Envelope:
    """A successful answer: ``d`` (data or messages), ``r`` (saved record), ``sp`` (paging)."""

    d: Any
    r: Any = None
    sp: Mapping[str, Any] | None = None
    raw: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class BulkResult:
    """The outcome of one record of a bulk-save."""

    index: int
    ok: bool
    message: str
    record: Mapping[str, Any] | None


@dataclass(frozen=True, slots=True)
class Filter:
    """A list filter: ``filter.<field>.op=<op>`` with one or more ``val``."""

    op: str
    values: tuple[Any, ...]


def filter_params(filters: Mapping[str, Filter]) -> dict[str, Any]:
    """Return ``filter.x.op`` / ``filter.x.val[i]`` query parameters."""
    params: dict[str, Any] = {}
    for name, condition in filters.items():
        params[f"filter.{name}.op"] = condition.op
        if len(condition.values) == 1:
            params[f"filter.{name}.val"] = condition.values[0]
        else:
            for index, value in enumerate(condition.values):
                params[f"filter.{name}.val[{index}]"] = value
    return params


def _message(body: Any, text: str) -> str:
    if isinstance(body, dict):
        d = body.get("d")
        if isinstance(d, list) and d:
            return "; ".join(str(part) for part in d)
        for key in ("message", "m", "error_description", "error"):
            if body.get(key):
                return str(body[key]) if key != "error_description" else \
                    f"{body.get('error', '')}: {body[key]}"
        if d:
            return str(d)
    return text.strip()[:500] or "empty answer"


def database_of(d: Any) -> dict[str, Any]:
    """Return the database of an ``api-token.do`` answer's ``d``, whichever key holds it.

    ``d.database`` is what the live API answers; ``d["data usaha"]``, ``d.dataUsaha`` and the
    fields right in ``d`` (the "old structure") are still read (reference §2.2).
    """
    if isinstance(d, Mapping):
        for key in DATABASE_KEYS:
            database = d.get(key)
            if isinstance(database, Mapping) and database.get("host"):
                return dict(database)
        if d.get("host"):
            return {k: v for k, v in d.items() if not isinstance(v, Mapping) or k == "license"}
    raise malformed("api-token.do names no database host", d)


def session_of(answer: Mapping[str, Any]) -> tuple[str, str | None]:
    """Return ``(session, host)``: top level in ``open-db.do``, in ``d`` in db-refresh-session."""
    for source in (answer, answer.get("d")):
        if isinstance(source, Mapping) and source.get("session"):
            host = source.get("host")
            return str(source["session"]), str(host).rstrip("/") if host else None
    raise malformed("no data session in the answer", answer)


def parse(response: httpx.Response) -> Envelope:
    """Read Accurate's envelope once; raise the ``ERROR_MAP`` error for any failure."""
    try:
        body = response.json()
    except ValueError:
        body = None
    status = response.status_code
    if isinstance(body, dict) and status < 400:
        d = body.get("d")
        per_record = isinstance(d, list) and d and all(isinstance(x, dict) and "s" in x for x in d)
        if body.get("s") is True or per_record:
            return Envelope(d=d, r=body.get("r"), sp=body.get("sp"), raw=body)
    raise accurate_error(status, _message(body, response.text), body=response.text[:2000],
                         retry_after=retry_after_seconds(response))


class AccurateClient(PlatformClient):
    """Accurate Online for one link (one database).

    Args:
        config: where and how to connect (see ``AccurateConfig``).
        gate: the installation's request gate; lane ``accurate:<database id>``.
        transport: an ``httpx`` transport for tests.
        retries: in-process attempts for transient failures.
        on_credentials: called with every credential set that changed (rotated refresh token,
            new session, new host); the connector persists it with ``save_credentials``.
        reload_credentials: returns the link's stored credentials now; read before every
            token refresh, because links opened from one grant share its single-use refresh
            token and another one may have rotated it already.
    """

    provider = PROVIDER

    def __init__(  # noqa: PLR0913 - knobs of one client, all but config optional
        self, config: AccurateConfig, *, gate: RequestGate | None = None,
        transport: httpx.BaseTransport | None = None, retries: int = 3,
        on_credentials: Callable[[Mapping[str, Any]], None] | None = None,
        reload_credentials: Callable[[], Mapping[str, Any]] | None = None,
    ) -> None:
        super().__init__(config.account_url, lane=f"accurate:{config.database_id or 'account'}",
                         gate=gate, transport=transport, retries=retries)
        self.config = config
        self.on_credentials = on_credentials or (lambda _credentials: None)
        self.reload_credentials = reload_credentials

    def __enter__(self) -> AccurateClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ credentials

    def _update(self, **changes: Any) -> None:
        self.config = self.config.with_updates(**changes)
        if self.config.database_id:
            self.lane = f"accurate:{self.config.database_id}"
        self.on_credentials(self.config.credentials())

    def _account_headers(self) -> dict[str, str]:
        if self.config.auth == API_TOKEN:
            return self._signed()
        return {"Authorization": f"Bearer {self.config.access_token}"}

    def _signed(self) -> dict[str, str]:
        return api_token_headers(self.config.api_token or "", self.config.signature_secret or "")

    def account(self, name: str, params: Mapping[str, Any] | None = None) -> Envelope:
        """Call an account-host API (``/api/<name>.do``), refreshing the token once if needed."""
        def once() -> Envelope:
            response = self.request("GET", f"/api/{name}.do", params=params,
                                    headers=self._account_headers())
            if self._token_expired(response):
                response = self._with_fresh_token(lambda: self.request(
                    "GET", f"/api/{name}.do", params=params, headers=self._account_headers()))
            return parse(response)
        return self.call(once)

    def _with_fresh_token(self, send: Callable[[], httpx.Response]) -> httpx.Response:
        """Renew the access token and send again; refresh for real if the stored one expired."""
        adopted = self.refresh_access_token()
        response = send()
        if adopted and self._token_expired(response):  # the other link's token expired too
            self.refresh_access_token()
            response = send()
        return response

    def _token_expired(self, response: httpx.Response) -> bool:
        return (self.config.auth == OAUTH and response.status_code == 401
                and "invalid_token" in response.text and bool(self.config.refresh_token))

    def token_request(self, form: Mapping[str, str]) -> dict[str, Any]:
        """POST ``/oauth/token`` with Basic client auth; return the token answer."""
        client = basic_auth(self.config.client_id or "", self.config.client_secret or "")
        response = self.request("POST", "/oauth/token", data=dict(form),
                                headers={"Authorization": client})
        if response.status_code != 200:
            raise accurate_error(401, f"invalid_token: {_message(_json(response), response.text)}",
                                 body=response.text[:2000])
        return response.json()

    def exchange_code(self, code: str, redirect_uri: str) -> dict[str, Any]:
        """Trade an authorization code for tokens (and remember them)."""
        tokens = self.token_request({"grant_type": "authorization_code", "code": code,
                                     "redirect_uri": redirect_uri})
        self._update(access_token=tokens["access_token"], refresh_token=tokens["refresh_token"])
        return tokens

    def refresh_access_token(self) -> bool:
        """Get a new access token; the refresh token rotates, so the new one is saved.

        When the stored grant differs from the one in memory, another link of the same grant
        (or another process) refreshed it already: its tokens are taken instead of spending a
        refresh token that is no longer valid. The same check follows a refused refresh.

        Returns:
            True when the stored tokens were taken (no refresh was made).
        """
        if self._adopt_stored_grant():
            return True
        log.info("refreshing the Accurate access token")
        try:
            tokens = self.token_request({"grant_type": "refresh_token",
                                         "refresh_token": self.config.refresh_token or ""})
        except ProviderAPIError:
            if self._adopt_stored_grant():  # rotated by someone else while we asked
                return True
            raise
        self._update(access_token=tokens["access_token"],
                     refresh_token=tokens.get("refresh_token", self.config.refresh_token))
        return False

    def _adopt_stored_grant(self) -> bool:
        """Take the stored access and refresh token when they are newer than ours."""
        if self.reload_credentials is None:
            return False
        stored = self.reload_credentials()
        refresh, access = stored.get("refresh_token"), stored.get("access_token")
        if not refresh or not access or refresh == self.config.refresh_token:
            return False
        log.info("the Accurate grant was refreshed by another link: taking its tokens")
        self.config = self.config.with_updates(access_token=str(access),
                                               refresh_token=str(refresh))
        return True

    def list_databases(self) -> list[dict[str, Any]]:
        """Return the databases the OAuth user can open: ``[{id, alias, ...}]``."""
        rows = self.account("db-list").d
        return [dict(row) for row in rows or [] if isinstance(row, Mapping) and "id" in row]

    def open_database(self, database_id: str | int) -> dict[str, Any]:
        """Open a database (OAuth): remember its session and data host.

        Returns the rest of the answer (``accessibleUntil``, ``licenseEnd``, ``dataVersion``,
        ``admin``, ``trial`` when Accurate sends them).
        """
        answer = self.account("open-db", {"id": database_id}).raw or {}
        session, host = session_of(answer)
        if host is None:
            raise malformed("open-db.do names no data host", answer)
        self._update(database_id=str(database_id), session=session, host=host)
        return {k: v for k, v in answer.items() if k not in ("s", "d", "session")}

    def refresh_session(self) -> None:
        """Replace an expired data session (OAuth) through ``db-refresh-session.do``."""
        log.info("refreshing the Accurate data session")
        answer = self.account("db-refresh-session", {"id": self.config.database_id,
                                                     "session": self.config.session or ""}).raw
        session, host = session_of(answer or {})
        self._update(session=session, host=host or self.config.host)

    def discover_host(self) -> dict[str, Any]:
        """Find the data host (and database) of an API token through ``api-token.do``."""
        database = database_of(self.account("api-token").d)
        database_id = database.get("id") or self.config.database_id
        if database_id in (None, ""):
            raise malformed("api-token.do names no database id", database)
        database["id"] = database_id
        self._update(host=str(database["host"]).rstrip("/"), database_id=str(database_id))
        return database

    def data_host(self) -> str:
        """Return the data host, discovering it (and opening a session) on first use.

        With an API token, one client of the process asks ``api-token.do`` at a time for a
        database; the others then take the host it stored with the link's credentials
        (batches of one link starting together used to discover it once each).
        """
        if self.config.auth == OAUTH and not self.config.session:
            self.open_database(self.config.database_id or "")
        if not self.config.host:
            if self.config.auth == API_TOKEN:
                with database_lock("host", self.config.account_url, self.config.database_id):
                    if not self._adopt_stored_host():
                        self.discover_host()
            else:
                self.open_database(self.config.database_id or "")
        return str(self.config.host)

    def _adopt_stored_host(self) -> bool:
        """Take the data host another client stored for this link meanwhile (API token)."""
        if self.reload_credentials is None:
            return False
        stored = self.reload_credentials()
        if not stored.get("host") or stored.get("api_token") != self.config.api_token:
            return False  # none yet, or stored for a token we do not hold: discover
        self.config = self.config.with_updates(host=str(stored["host"]).rstrip("/"))
        return True

    # ------------------------------------------------------------------ data API

    def _data_headers(self) -> dict[str, str]:
        if self.config.auth == API_TOKEN:
            return self._signed()
        return {"Authorization": f"Bearer {self.config.access_token}",
                "X-Session-ID": self.config.session or ""}

    def _send(self, method: str, path: str, params: Mapping[str, Any] | None,
              body: Mapping[str, Any] | None) -> httpx.Response:
        url = f"{self.data_host()}/accurate/api/{path}"
        for _ in range(MAX_REDIRECTS):
            response = self.request(method, url, params=params, json=body,
                                    headers=self._data_headers())
            if response.status_code not in (307, 308):
                return response
            url, params = response.headers["location"], None  # the location keeps the query
            moved = url.split("/accurate/api/")[0]
            log.warning("Accurate database %s moved to %s", self.config.database_id, moved)
            self._update(host=moved)
        return response

    def _data_once(self, method: str, path: str, params: Mapping[str, Any] | None,
                   body: Mapping[str, Any] | None) -> Envelope:
        response = self._send(method, path, params, body)
        if self.config.auth == OAUTH and response.status_code == 401:
            if "Data Session Key tidak tepat" in response.text:
                self.refresh_session()
                response = self._send(method, path, params, body)
            elif self._token_expired(response):
                response = self._with_fresh_token(
                    lambda: self._send(method, path, params, body))
        return parse(response)

    def data(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
             body: Mapping[str, Any] | None = None) -> Envelope:
        """Call ``/accurate/api/<path>`` (e.g. ``item/list.do``) and parse the envelope."""
        return self.call(lambda: self._data_once(method, path, params, body))

    def iter_list(self, module: str, fields: tuple[str, ...], *,  # noqa: PLR0913
                  filters: Mapping[str, Filter] | None = None, page_size: int = PAGE_MAX,
                  action: str = "list", extra: Mapping[str, Any] | None = None
                  ) -> Iterator[dict[str, Any]]:
        """Yield every row of ``<module>/<action>.do``, page after page (``sp.page`` from 1)."""
        size = max(1, min(page_size, PAGE_MAX))

        def fetch(page: int) -> tuple[list[dict[str, Any]], bool]:
            params = {"fields": ",".join(fields), "sp.page": page, "sp.pageSize": size,
                      **filter_params(filters or {}), **(extra or {})}
            envelope = self.data("GET", f"{module}/{action}.do", params=params)
            if not isinstance(envelope.d, list):
                raise malformed(f"{module}/{action}.do answered no list", envelope.raw)
            return ([dict(row) for row in envelope.d if isinstance(row, Mapping)],
                    page < _page_count(envelope.sp))

        return iter_numbered_pages(fetch)

    def detail(self, module: str, **key: Any) -> dict[str, Any] | None:
        """Return one record by id, number or code; ``None`` when Accurate says it is unknown."""
        try:
            d = self.data("GET", f"{module}/detail.do", params=key).d
        except ProviderAPIError as error:
            if error.code == "not_found":
                return None
            raise
        if not isinstance(d, Mapping):
            raise malformed(f"{module}/detail.do answered no record", d)
        return dict(d)

    def save(self, module: str, body: Mapping[str, Any]) -> Envelope:
        """POST ``<module>/save.do``; the saved record is ``Envelope.r``.

        With ``id`` in ``body`` Accurate updates that record instead of creating one.
        """
        return self.data("POST", f"{module}/save.do", body=body)

    def update(self, module: str, record_id: Any, changes: Mapping[str, Any]) -> Envelope:
        """Change the record with internal ``record_id`` (``save.do`` with ``id``)."""
        return self.save(module, {**changes, "id": record_id})

    def delete(self, module: str, **key: Any) -> Envelope:
        """Delete a record by ``id``, ``number`` or code (``DELETE <module>/delete.do``)."""
        return self.data("DELETE", f"{module}/delete.do", params=key)

    def bulk_save(self, module: str, records: list[Mapping[str, Any]]) -> list[BulkResult]:
        """Save records in chunks of 100; one result per record, in order."""
        results: list[BulkResult] = []
        for start in range(0, len(records), BULK_MAX):
            chunk = records[start:start + BULK_MAX]
            envelope = self.data("POST", f"{module}/bulk-save.do", body={"data": chunk})
            answers = envelope.d if isinstance(envelope.d, list) else []
            for offset in range(len(chunk)):
                answer = answers[offset] if offset < len(answers) else None
                results.append(bulk_result(start + offset, answer))
        return results

    def close_sales_order(self, number: str) -> Envelope:
        """Close a sales order by number (``manual-close-order.do``)."""
        return self.data("POST", "sales-order/manual-close-order.do",
                         body={"number": number, "orderClosed": True})


_DATABASE_LOCKS: dict[tuple[str | None, ...], threading.Lock] = {}
_DATABASE_LOCKS_LOCK = threading.Lock()


def database_lock(purpose: str, account_url: str, database_id: str | None,
                  *key: str) -> threading.Lock:
    """This process's lock for one piece of set-up in one Accurate database.

    Threads whose batches reach the same database at once take turns on it (finding the
    host, creating the marketplace customer), so the first does the work and the others
    find it done instead of asking Accurate again.
    """
    with _DATABASE_LOCKS_LOCK:
        return _DATABASE_LOCKS.setdefault((purpose, account_url, database_id, *key),
                                          threading.Lock())


def bulk_result(index: int, answer: Any) -> BulkResult:
    """Read one per-record result ``{s, d: [messages], r}`` of a bulk-save."""
    if not isinstance(answer, Mapping):
        return BulkResult(index, False, "unreadable answer from Accurate: no result for this "
                          "record", None)
    messages = answer.get("d") or []
    text = "; ".join(str(m) for m in messages) if isinstance(messages, list) else str(messages)
    record = answer.get("r")
    return BulkResult(index, answer.get("s") is True, text,
                      record if isinstance(record, Mapping) else None)


def _page_count(sp: Any) -> int:
    try:
        return int((sp or {}).get("pageCount") or 0)
    except (TypeError, ValueError, AttributeError):
        return 0


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
