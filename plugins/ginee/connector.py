"""``GineeConnector``: the core's view of one Ginee seller account.

It composes the client (HTTP, paging), the mapping (JSON -> core models) and the webhook
reading, and adds what Ginee's limits demand: order windows of at most 15 days in whole
seconds, clipped to the 3-month horizon; details fetched by batches of 100; products streamed
a page at a time with their prices and per-warehouse stock; stock written 20 SKUs a call.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar

import httpx
from pydantic import ValidationError

from framework.connectors import CommerceConnector, LinkContext, WebhookHint
from framework.domain import ItemResult, Order, Product, Rejected, StockLevel, Warehouse
from framework.errors import ConfigError, PermanentError, ProviderPermanentError

from . import assumptions as A
from .client import (
    BATCH_GET_LIMIT,
    COUNTRIES,
    DEFAULT_BASE_URL,
    STOCK_UPDATE_MAX_ITEMS,
    GineeClient,
    chunked,
)
from .mapping import order_from_json, products_from_master, raw_text, stock_level
from .models import GineePrice, GineeStockRow, GineeWarehouse
from .webhook import verify_webhook

log = logging.getLogger(__name__)

#: one list-order request may span at most 15 days [C].
ORDER_WINDOW = timedelta(days=15)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """Return the current time, aware, in UTC."""
    return datetime.now(UTC)


def floor_second(moment: datetime) -> datetime:
    """Drop the fraction of a second (Ginee's filters have whole seconds)."""
    return moment.replace(microsecond=0)


def ceil_second(moment: datetime) -> datetime:
    """Round up to the next whole second unless already whole."""
    whole = moment.replace(microsecond=0)
    return whole + timedelta(seconds=1) if whole != moment else whole


def split_windows(since: datetime, until: datetime,
                  width: timedelta = ORDER_WINDOW) -> Iterator[tuple[datetime, datetime]]:
    """Yield consecutive ``(start, end)`` windows of at most ``width`` covering the range."""
    start = since
    while start < until:
        end = min(start + width, until)
        yield start, end
        start = end


def lane_for(access_key: str) -> str:
    """Return the gate lane of an account: ``ginee:<digest>`` (the key itself is not logged)."""
    return "ginee:" + hashlib.sha256(access_key.encode()).hexdigest()[:12]


class GineeConnector(CommerceConnector):
    """A Ginee seller account as a commerce connector.

    Args:
        link: the link's settings (``base_url``, ``country``) and credentials
            (``access_key``, ``secret_key``).
        transport: an ``httpx`` transport for tests.
        clock: returns "now" (aware); used for the order horizon and webhook staleness.
        retries: in-process attempts for transient failures.
    """

    name: ClassVar[str] = "ginee"
    title: ClassVar[str] = "Ginee"
    #: Ginee does not sign webhooks: a delivery is authenticated only by the link's secret URL.
    signs_webhooks: ClassVar[bool] = False
    #: one second short of 15 days: widening a window to whole seconds adds up to one.
    order_window: ClassVar[timedelta | None] = ORDER_WINDOW - timedelta(seconds=1)
    #: a little inside Ginee's horizon, so clock skew never turns a valid request invalid.
    order_horizon: ClassVar[timedelta | None] = A.ORDER_HORIZON - A.ORDER_HORIZON_MARGIN
    credential_fields: ClassVar[tuple[str, ...]] = ("access_key", "secret_key")
    setting_fields: ClassVar[Mapping[str, str]] = {
        "base_url": f"Ginee OpenAPI root (default {DEFAULT_BASE_URL})",
        "country": "X-Advai-Country header, the seller's country (default ID)",
    }
    credential_help: ClassVar[Mapping[str, str]] = {
        "access_key": "the Ginee OpenAPI Access Key (Ginee: Settings > Open API)",
        "secret_key": "the Ginee OpenAPI Secret Key; signs every request",
    }

    def __init__(self, link: LinkContext, *, transport: httpx.BaseTransport | None = None,
                 clock: Clock | None = None, retries: int = 3) -> None:
        super().__init__(link)
        missing = [key for key in self.credential_fields if not link.credentials.get(key)]
        if missing:
            raise ConfigError(f"Ginee link {link.link_id} has no {', '.join(missing)}",
                              fix=f"jembatan link set {link.link_id} --store-credential "
                                  "access_key=env:GINEE_ACCESS_KEY --store-credential "
                                  "secret_key=env:GINEE_SECRET_KEY")
        country = str(link.settings.get("country") or "ID")
        if country not in COUNTRIES:
            raise ConfigError(f"Ginee link {link.link_id}: country {country!r} is not one of "
                              f"{', '.join(COUNTRIES)}",
                              fix=f"jembatan link set {link.link_id} --store-setting country=ID")
        self.clock = clock or utc_now
        self._secret_key = str(link.credentials["secret_key"])
        access_key = str(link.credentials["access_key"])
        self.client = GineeClient(
            str(link.settings.get("base_url") or DEFAULT_BASE_URL), access_key, self._secret_key,
            country=country, lane=lane_for(access_key),
            gate=link.gate, transport=transport, retries=retries)

    def close(self) -> None:
        """Close the HTTP client."""
        self.client.close()

    # ------------------------------------------------------------------ orders

    def iter_orders(self, updated_since: datetime,
                    updated_until: datetime) -> Iterator[Order | Rejected]:
        """Yield every order updated in the window, ``Rejected`` for unreadable ones.

        The window is widened to whole seconds (Ginee's filters have no fraction), clipped
        to Ginee's 3-month horizon (older updates cannot be listed; a warning says so) and
        split into requests of at most 15 days, bounds included. An order seen twice (window
        edges, an update while paging) is yielded once.
        """
        seen: set[str] = set()
        start, end = floor_second(self._clip(updated_since)), ceil_second(updated_until)
        for since, until in split_windows(start, end):
            for summaries in chunked(self.client.iter_order_summaries(since, until),
                                     BATCH_GET_LIMIT):
                yield from self._details(summaries, seen)

    def _clip(self, since: datetime) -> datetime:
        horizon = ceil_second(self.clock() - A.ORDER_HORIZON + A.ORDER_HORIZON_MARGIN)
        if since < horizon:
            log.warning("Ginee lists orders of the last %s only; window start %s clipped to %s",
                        A.ORDER_HORIZON, since.isoformat(), horizon.isoformat())
            return horizon
        return since

    def _details(self, summaries: list[Any], seen: set[str]) -> Iterator[Order | Rejected]:
        ids: list[str] = []
        for raw in summaries:
            # Only the id is needed here: a bad value elsewhere in the row is judged (and
            # rejected with its reason) on the detail batch-get returns.
            order_id = raw.get("orderId") if isinstance(raw, dict) else None
            if not isinstance(order_id, str) or not order_id:
                yield Rejected(kind="order", ref="?", reason="list-order row without orderId",
                               raw=raw_text(raw))
                continue
            if order_id not in seen:
                seen.add(order_id)
                ids.append(order_id)
        if not ids:
            return
        returned = set()
        for raw in self.client.batch_get_orders(ids):
            mapped = order_from_json(raw)
            returned.add(mapped.external_id if isinstance(mapped, Order) else mapped.ref)
            yield mapped
        missing = [order_id for order_id in ids if order_id not in returned]
        if missing:
            # Listed but gone from batch-get (deleted or merged in Ginee): nothing to map.
            log.warning("Ginee batch-get did not return listed orders %s", ", ".join(missing))

    def get_order(self, external_id: str) -> Order:
        """Fetch one order by Ginee's ``orderId``.

        Raises:
            PermanentError: Ginee does not know the order, or it cannot be mapped.
        """
        for raw in self.client.batch_get_orders([external_id]):
            if not isinstance(raw, dict) or raw.get("orderId") in (external_id, None):
                mapped = order_from_json(raw)
                if isinstance(mapped, Rejected):
                    raise PermanentError(f"Ginee order {external_id}: {mapped.reason}")
                return mapped
        raise PermanentError(f"Ginee has no order {external_id}")

    # ---------------------------------------------------------------- products

    def iter_products(self, warehouse_id: str | None = None) -> Iterator[Product | Rejected]:
        """Stream one ``Product`` per variant SKU, a page of master products at a time.

        Args:
            warehouse_id: take ``available`` from this warehouse; by default from the first
                warehouse holding a stock row for the SKU.
        """
        for page in self.client.iter_master_product_pages():
            variation_ids, skus = _variation_keys(page)
            prices = self._prices(variation_ids)
            stock = self._stock_by_sku(skus, warehouse_id)
            for raw in page:
                yield from products_from_master(raw, prices, stock, warehouse_id)

    def _prices(self, variation_ids: list[str]) -> dict[str, Decimal]:
        prices: dict[str, Decimal] = {}
        for raw in self.client.variation_prices(variation_ids):
            try:
                row = GineePrice.model_validate(raw)
            except ValidationError:
                log.warning("ignoring unreadable Ginee price row %s", raw_text(raw)[:200])
                continue
            prices[row.master_variation_id] = row.selling_price
        return prices

    def _stock_by_sku(self, skus: list[str],
                      warehouse_id: str | None) -> dict[str, list[GineeStockRow]]:
        # Ginee's stock list takes one warehouse per call [D]; without one, ask each in turn.
        warehouse_ids = ([warehouse_id] if warehouse_id is not None
                         else [w.id for w in self.list_warehouses()])
        stock: dict[str, list[GineeStockRow]] = defaultdict(list)
        for each in warehouse_ids:
            for row in self._stock_rows(each, skus):
                stock[row.sku].append(row)
        return stock

    def _stock_rows(self, warehouse_id: str,
                    skus: list[str] | None = None) -> Iterator[GineeStockRow]:
        for raw in self.client.stock_rows(warehouse_id, skus):
            try:
                yield GineeStockRow.model_validate(raw)
            except ValidationError:
                log.warning("ignoring unreadable Ginee stock row %s", raw_text(raw)[:200])

    # ------------------------------------------------------------------- stock

    def list_warehouses(self) -> list[Warehouse]:
        """Return the seller's Ginee warehouses."""
        warehouses = []
        for raw in self.client.iter_warehouses():
            try:
                row = GineeWarehouse.model_validate(raw)
            except ValidationError:
                log.warning("ignoring unreadable Ginee warehouse row %s", raw_text(raw)[:200])
                continue
            warehouses.append(Warehouse(id=row.id, name=row.name or row.id))
        return warehouses

    def read_stock(self, warehouse_id: str) -> Iterator[StockLevel]:
        """Yield on-hand (``warehouseInventory.warehouseStock``) per master SKU in one warehouse."""
        for row in self._stock_rows(warehouse_id):
            if row.warehouse_id == warehouse_id:
                yield stock_level(row)

    def set_stock(self, warehouse_id: str, levels: list[StockLevel]) -> list[ItemResult]:
        """Overwrite on-hand stock of the listed SKUs, 20 per call [D]; one result per SKU.

        A level for another warehouse is refused without a call. A batch Ginee refuses as a
        whole (a permanent error) is retried one SKU a call, so one bad SKU fails alone with
        Ginee's message; transient and credential errors propagate so the runner retries or
        asks for a fix.
        """
        results: list[ItemResult] = []
        mine = []
        for level in levels:
            if level.warehouse_id != warehouse_id:
                results.append(ItemResult(sku=level.sku, ok=False, message=(
                    f"level is for warehouse {level.warehouse_id}, not {warehouse_id}")))
            else:
                mine.append(level)
        for batch in chunked(mine, STOCK_UPDATE_MAX_ITEMS):
            results.extend(self._set_batch(warehouse_id, batch))
        return results

    def _set_batch(self, warehouse_id: str, batch: list[StockLevel]) -> list[ItemResult]:
        try:
            data = self.client.update_stock(warehouse_id, [(lv.sku, lv.quantity) for lv in batch])
        except ProviderPermanentError as exc:
            if len(batch) == 1:
                return [ItemResult(sku=batch[0].sku, ok=False, message=str(exc))]
            log.warning("Ginee refused a stock batch (%s); retrying its %d SKUs one by one",
                        exc, len(batch))
            return [result for level in batch
                    for result in self._set_batch(warehouse_id, [level])]
        return _item_results(batch, data if isinstance(data, dict) else {})

    # ---------------------------------------------------------------- webhooks

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookHint:
        """Read a delivery ``{id, entity, action, createAt, payload}`` into a hint.

        Ginee does not sign its webhooks [D: none shown], so nothing here proves who sent
        it (``signs_webhooks`` is false; the per-link secret URL is the core's check): the
        hint only says which order to fetch, and the order is fetched before acting.

        Raises:
            PermanentError: the body is malformed or not an order event.
        """
        return verify_webhook(body)


def _variation_keys(page: list[Any]) -> tuple[list[str], list[str]]:
    """Collect a page's master variation ids and SKUs, tolerating malformed rows.

    They are ``variationBriefs[].id`` and ``.sku`` [D].
    """
    ids: list[str] = []
    skus: list[str] = []
    for product in page:
        briefs = product.get("variationBriefs") if isinstance(product, dict) else None
        for brief in briefs if isinstance(briefs, list) else ():
            if not isinstance(brief, dict):
                continue
            if isinstance(brief.get("id"), str):
                ids.append(brief["id"])
            if isinstance(brief.get("sku"), str):
                skus.append(brief["sku"])
    return ids, skus


def _item_results(batch: list[StockLevel], data: dict[str, Any]) -> list[ItemResult]:
    """Read set-stock's ``data.stockList[]`` [D]: a SKU listed with the asked on-hand is set."""
    answered: dict[Any, Any] = {row.get("masterSku"): row.get("warehouseStock")
                                for row in data.get("stockList") or [] if isinstance(row, dict)}
    results = []
    for level in batch:
        if level.sku not in answered:
            results.append(ItemResult(sku=level.sku, ok=False,
                                      message="Ginee reported no result for this SKU"))
        elif answered[level.sku] is not None and _int(answered[level.sku]) != level.quantity:
            results.append(ItemResult(sku=level.sku, ok=False, message=(
                f"Ginee answered on-hand {answered[level.sku]} for {level.sku}, "
                f"not {level.quantity}")))
        else:
            results.append(ItemResult(sku=level.sku, ok=True))
    return results


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
