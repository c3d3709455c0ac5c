"""HTTP client of Forstok's seller API: auth, envelope, error table, lazy paged lists.

Every seller call carries ``Authorization: Bearer <JWT>`` and the query parameters
``user_id=<seller email>&auth_type=jwt``. A 401 renews the token once and repeats the call;
what still fails goes through ``errors.ERROR_TABLE``. Transient failures (429, 5xx, dropped
connections) are retried in-process by ``PlatformClient.call``. List endpoints are iterators
that fetch a page only when the previous one is used up.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx

from framework.connectors import RequestGate
from framework.http import PlatformClient, iter_numbered_pages

from . import assumptions as contract
from .auth import SellerToken
from .errors import PROVIDER, answer_error, raise_for_answer


@dataclass(frozen=True, slots=True)
class ForstokAccount:
    """Where and as whom a client talks to Forstok (a link's settings and credentials).

    Attributes:
        base_url: root of the seller API (``https://accounts.forstok.com``).
        auth_url: root of the auth service (``https://integration.forstok.com``).
        seller_id: the seller's Forstok id, used for the token exchange.
        user_id: the seller's email, sent as ``user_id`` on every call.
        credentials: ``secret_key`` and optionally a cached ``token``.
        save_credentials: persists a renewed token.
    """

    base_url: str
    auth_url: str
    seller_id: str
    user_id: str
    credentials: Mapping[str, Any]
    save_credentials: Callable[[Mapping[str, Any]], None] = field(default=lambda _c: None)


class ForstokClient(PlatformClient):
    """Forstok's seller API for one seller; requests go through lane ``forstok:<seller_id>``.

    Args:
        account: where and as whom to connect.
        gate: cross-worker admission (rate limit 5/s per token).
        transport: an ``httpx`` transport for tests.
        retries: in-process attempts for transient failures.
        per_page: page size of list calls (at most ``MAX_PER_PAGE``).
    """

    provider = PROVIDER

    def __init__(  # noqa: PLR0913 - the account plus the usual client knobs
        self, account: ForstokAccount, *, gate: RequestGate | None = None,
        transport: httpx.BaseTransport | None = None, retries: int = 3,
        per_page: int = contract.MAX_PER_PAGE,
    ) -> None:
        super().__init__(account.base_url, lane=f"{PROVIDER}:{account.seller_id}", gate=gate,
                         transport=transport, retries=retries)
        self.user_id = account.user_id
        self.per_page = min(per_page, contract.MAX_PER_PAGE)
        self.token = SellerToken(account.auth_url, account.seller_id, account.credentials,
                                 account.save_credentials)

    # ------------------------------------------------------------------------- plumbing

    def send(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
             body: Any = None, headers: Mapping[str, str] | None = None) -> dict[str, Any]:
        """Call a seller API path and return the parsed success body.

        ``path`` is under ``/api/v2`` unless it names its version (``/api/v1/...``).
        """
        url = self.base_url + (path if path.startswith("/api/") else contract.API_PREFIX + path)
        return self.call(lambda: _parse(self._authorised(method, url, params, body, headers)))

    def _authorised(self, method: str, url: str, params: Mapping[str, Any] | None,  # noqa: PLR0913
                    body: Any, headers: Mapping[str, str] | None) -> httpx.Response:
        token = self.token.get(self.request)
        response = self._seller_call(method, url, token, params, body, headers)
        if response.status_code == httpx.codes.UNAUTHORIZED:
            # Expired (24 h) or revoked: renew once and repeat; a second 401 is a config error.
            token = self.token.renew(self.request, refused=token)
            response = self._seller_call(method, url, token, params, body, headers)
        return response

    def _seller_call(self, method: str, url: str, token: str,  # noqa: PLR0913
                     params: Mapping[str, Any] | None, body: Any,
                     headers: Mapping[str, str] | None) -> httpx.Response:
        query = {**(params or {}), "user_id": self.user_id,
                 "auth_type": contract.AUTH_TYPE_QUERY}
        return self.request(method, url, params=query, json=body,
                            headers={**(headers or {}), "Authorization": f"Bearer {token}"})

    def iter_pages(self, path: str, params: Mapping[str, Any] | None = None) -> Iterator[Any]:
        """Yield every record of a page-numbered list, one page in memory at a time."""
        def fetch(page: int) -> tuple[list[Any], bool]:
            answer = self.send("GET", path, params={**(params or {}), "page": page,
                                                     "per_page": self.per_page})
            rows = _rows(answer)
            total = _meta_total(answer)
            more = len(rows) == self.per_page if total is None else page * self.per_page < total
            return rows, more
        return iter_numbered_pages(fetch)

    # ------------------------------------------------------------------------ endpoints

    def iter_orders(self, updated_after: datetime, updated_before: datetime) -> Iterator[Any]:
        """Yield the raw orders updated in ``[updated_after, updated_before)``.

        Pages by time, not by page number alone: after a full page the next request starts at
        the last ``updated_at`` seen (orders.json sorts by ``updated_at``, ``id``). An order
        updated while the pages are read moves out of its place without shifting the rest,
        so nothing is skipped; a record seen twice with the same ``updated_at`` is yielded once.
        """
        paging = _TimePaging(updated_after)
        while True:
            rows = _rows(self.send("GET", "/orders.json", params={
                "updated_after": _timestamp(paging.cursor),
                "updated_before": _timestamp(updated_before),
                "page": paging.page, "per_page": self.per_page}))
            yield from paging.unseen(rows)
            if len(rows) < self.per_page:
                return
            paging.advance(rows[-1])

    def get_order(self, order_id: str) -> Any:
        """Return one raw order by Forstok's id."""
        return self.send("GET", f"/orders/{order_id}.json").get(contract.DATA_KEY)

    def iter_items(self) -> Iterator[Any]:
        """Yield the raw items (master products with ``variants[]``)."""
        return self.iter_pages("/items.json")

    def iter_warehouses(self) -> Iterator[Any]:
        """Yield the raw warehouses."""
        return self.iter_pages("/warehouses.json")

    def iter_quantities(self, warehouse_id: str) -> Iterator[Any]:
        """Yield the raw stock rows of one warehouse."""
        return self.iter_pages("/variants/quantities.json", {"warehouse_id": warehouse_id})

    def update_quantities(self, body: dict[str, Any]) -> Any:
        """Overwrite on-hand quantities (at most ``MAX_STOCK_BATCH``); return per-SKU results.

        Sent as the confirmed clients send it: POST with ``X-HTTP-Method-Override: PATCH``
        [C]. An overwrite is idempotent, so a retry after a lost answer is harmless.
        """
        return self.send("POST", "/variants/quantities.json", body=body,
                         headers={"X-HTTP-Method-Override": "PATCH"}).get(contract.DATA_KEY)

    def confirm_order(self, order_id: str) -> Any:
        """Accept an open order (``POST /api/v1/orders/confirm.json`` with ``{order_id}``)."""
        return self.send("POST", contract.CONFIRM_PATH,
                         body={"order_id": _id_value(order_id)}).get(contract.DATA_KEY)

    def fulfill_order(self, order_id: str) -> Any:
        """Mark an order ready to ship (``POST /api/v2/orders/fulfills_seller.json?order_id=``)."""
        return self.send("POST", contract.FULFILL_PATH,
                         params={"order_id": order_id}).get(contract.DATA_KEY)


class _TimePaging:
    """The cursor of ``iter_orders``: a time, a page at that time, and the records seen."""

    def __init__(self, start: datetime) -> None:
        self.cursor = start
        self.page = 1
        self._seen: dict[tuple[str, str], datetime | None] = {}

    def unseen(self, rows: list[Any]) -> Iterator[Any]:
        for row in rows:
            key = (_field(row, "id"), _field(row, "updated_at"))
            if key in self._seen:
                continue
            self._seen[key] = _updated_at(row)
            yield row

    def advance(self, last: Any) -> None:
        last_time = _updated_at(last)
        if last_time is not None and last_time > self.cursor:
            self.cursor, self.page = last_time, 1
            # Only records at or after the cursor can come back; forget the rest (flat memory).
            self._seen = {key: seen for key, seen in self._seen.items()
                          if seen is None or seen >= last_time}
        else:
            # A full page all at one instant: step through that instant by page number.
            self.page += 1


def _parse(response: httpx.Response) -> dict[str, Any]:
    raise_for_answer(response)
    try:
        body = json.loads(response.content, parse_float=Decimal)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise answer_error(response, "malformed JSON answer") from None
    if not isinstance(body, dict):
        raise answer_error(response, "malformed answer: not a JSON object")
    return body


def _rows(answer: dict[str, Any]) -> list[Any]:
    rows = answer.get(contract.DATA_KEY)
    return rows if isinstance(rows, list) else []


def _meta_total(answer: dict[str, Any]) -> int | None:
    meta = answer.get(contract.META_KEY)
    total = meta.get("total") if isinstance(meta, dict) else None
    return total if isinstance(total, int) else None


def _field(row: Any, key: str) -> str:
    return str(row.get(key)) if isinstance(row, dict) else repr(row)


def _updated_at(row: Any) -> datetime | None:
    if not isinstance(row, dict) or not isinstance(row.get("updated_at"), str):
        return None
    try:
        value = datetime.fromisoformat(row["updated_at"])
    except ValueError:
        return None
    return value if value.tzinfo is not None else None


def _id_value(order_id: str) -> int | str:
    # Forstok's ids are numbers; send a number when the id is one.
    return int(order_id) if order_id.isdigit() else order_id


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()
