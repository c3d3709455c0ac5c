"""``ForstokConnector``: the core's view of one Forstok seller account.

It wires a link's settings and credentials into a ``ForstokClient`` and turns the client's raw
records into canonical models through ``mapping``; it holds no platform JSON itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime

import httpx

from framework.connectors import CommerceConnector, LinkContext, WebhookHint
from framework.domain import ItemResult, Order, Product, Rejected, StockLevel, Warehouse
from framework.errors import ConfigError, PermanentError

from . import assumptions as contract
from .client import ForstokAccount, ForstokClient
from .mapping import (
    item_results,
    order_from_payload,
    order_or_raise,
    products_from_item,
    stock_level_from_payload,
    stock_update_body,
    warehouse_from_payload,
)
from .webhook import verify_order_webhook

log = logging.getLogger(__name__)

_REQUIRED_SETTINGS = ("auth_url", "base_url", "seller_id", "user_id")


class ForstokConnector(CommerceConnector):
    """A Forstok seller account as a commerce connector.

    Args:
        link: the link's settings (``auth_url``, ``base_url``, ``seller_id``, ``user_id``),
            credentials (``secret_key``, optional cached ``token``), gate and saver.
        transport: an ``httpx`` transport for tests.
        clock: returns the current aware time (webhook freshness); defaults to the wall clock.
    """

    name = "forstok"
    title = "Forstok"
    credential_fields = ("secret_key", "token")
    derived_credentials = ("token",)
    setting_fields: Mapping[str, str] = {
        "auth_url": "root of Forstok's auth service, e.g. https://integration.forstok.com",
        "base_url": "root of Forstok's seller API, e.g. https://accounts.forstok.com",
        "seller_id": "the seller's Forstok id (used to obtain a token)",
        "user_id": "the seller's Forstok login email (sent as user_id on every call)",
    }
    credential_help: Mapping[str, str] = {
        "secret_key": "the seller's Forstok secret key, exchanged for a token",
        "token": "obtained and renewed by jembatan itself (never entered)",
    }

    def __init__(self, link: LinkContext, *, transport: httpx.BaseTransport | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        super().__init__(link)
        missing = [key for key in _REQUIRED_SETTINGS if not link.settings.get(key)]
        if missing:
            raise ConfigError(f"Forstok link {link.link_id} lacks settings: {', '.join(missing)}",
                              fix=f"jembatan link set {link.link_id} --store-setting KEY=VALUE for "
                                  "each (what they mean: jembatan plugins --settings forstok)")
        if not link.credentials.get("secret_key"):
            raise ConfigError(f"Forstok link {link.link_id} has no secret_key",
                              fix="enter the seller's Forstok secret key for the link")
        self.clock = clock or (lambda: datetime.now(UTC))
        account = ForstokAccount(
            base_url=str(link.settings["base_url"]), auth_url=str(link.settings["auth_url"]),
            seller_id=str(link.settings["seller_id"]), user_id=str(link.settings["user_id"]),
            credentials=link.credentials, save_credentials=link.save_credentials)
        self.client = ForstokClient(account, gate=link.gate, transport=transport)

    def close(self) -> None:
        """Close the HTTP client."""
        self.client.close()

    def iter_orders(self, updated_since: datetime,
                    updated_until: datetime) -> Iterator[Order | Rejected]:
        """Yield every order updated in the window; unreadable ones as ``Rejected``."""
        for raw in self.client.iter_orders(updated_since, updated_until):
            yield order_from_payload(raw)

    def get_order(self, external_id: str) -> Order:
        """Fetch and map one order (``PermanentError`` if unknown or unreadable)."""
        return order_or_raise(self.client.get_order(external_id))

    def iter_products(self) -> Iterator[Product | Rejected]:
        """Stream one ``Product`` per variant SKU, a page of items in memory at a time."""
        for item in self.client.iter_items():
            yield from products_from_item(item)

    def list_warehouses(self) -> list[Warehouse]:
        """Return the seller's warehouses."""
        return [warehouse_from_payload(raw) for raw in self.client.iter_warehouses()]

    def read_stock(self, warehouse_id: str) -> Iterator[StockLevel]:
        """Yield on-hand stock per SKU in one warehouse; unreadable rows are logged, skipped."""
        for raw in self.client.iter_quantities(warehouse_id):
            level = stock_level_from_payload(raw)
            if isinstance(level, Rejected):
                log.warning("skipping unreadable Forstok stock row %s: %s", level.ref,
                            level.reason)
            elif level.warehouse_id == str(warehouse_id):
                yield level

    def set_stock(self, warehouse_id: str, levels: list[StockLevel]) -> list[ItemResult]:
        """Overwrite on-hand stock in batches of ``MAX_STOCK_BATCH``; one result per SKU.

        A batch Forstok refuses as a whole fails each of its SKUs with Forstok's message;
        transient failures propagate so the runner retries the job (overwrites are idempotent).
        """
        results = [ItemResult(sku=level.sku, ok=False,
                              message=f"belongs to warehouse {level.warehouse_id}, "
                                      f"not {warehouse_id}; not sent")
                   for level in levels if level.warehouse_id != str(warehouse_id)]
        sendable = [level for level in levels if level.warehouse_id == str(warehouse_id)]
        for start in range(0, len(sendable), contract.MAX_STOCK_BATCH):
            batch = sendable[start:start + contract.MAX_STOCK_BATCH]
            try:
                answer = self.client.update_quantities(stock_update_body(warehouse_id, batch))
            except PermanentError as exc:
                results.extend(ItemResult(sku=level.sku, ok=False, message=str(exc))
                               for level in batch)
                continue
            results.extend(item_results(batch, answer))
        return results

    def verify_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookHint:
        """Check an ``order.updated`` webhook's signature and age; return the order hint."""
        return verify_order_webhook(headers, body, str(self.link.credentials["secret_key"]),
                                    self.clock())
