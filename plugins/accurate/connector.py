"""``AccurateConnector``: the accounting side of a link, on top of ``AccurateClient``."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from typing import Any, ClassVar

from framework import (
    Account,
    AccountingConnector,
    ItemResult,
    LinkContext,
    Product,
    StockLevel,
    Warehouse,
)

from . import mapping
from .auth import AccurateConfig
from .client import AccurateClient, Filter
from .webconnect import AccurateConnectFlow

log = logging.getLogger(__name__)

LOOKUP_CHUNK = 100  # item codes per list.do filter (one page of answers)
ITEM_FIELDS = ("id", "no", "name", "unitPrice")


class AccurateConnector(AccountingConnector):
    """Accurate Online for one link: warehouses, accounts, items and stock.

    Args:
        link: the link's settings, credentials, ``save_credentials`` and gate.
        transport: an ``httpx`` transport for tests.
    """

    name = "accurate"
    title = "Accurate Online"
    credential_fields: ClassVar[tuple[str, ...]] = (
        "api_token", "signature_secret", "client_id", "client_secret", "access_token",
        "refresh_token", "session", "host")
    derived_credentials: ClassVar[tuple[str, ...]] = ("access_token", "session", "host")
    # one grant may open several databases (one link each); its refresh token is single-use
    grant_credentials: ClassVar[tuple[str, ...]] = ("refresh_token", "access_token")
    connect_flow = AccurateConnectFlow()  # the console's OAuth / API-token forms
    setting_fields: ClassVar[Mapping[str, str]] = {
        "auth": "api_token or oauth",
        "account_url": "account host, e.g. https://account.accurate.id (or an emulator)",
        "host": "data host; found through api-token.do/open-db.do when empty",
        "database_id": "the Accurate database (data usaha) id",
        "receipt_mode": "auto-paid, payout (default for marketplace links) or off "
                        "(docs/money.md)",
        "taxable": "true when invoices carry PPN (the seller is PKP)",
        "inclusive_tax": "true (default) when marketplace prices include the tax",
        "tax": "the tax used on lines: ppn (default), ppnbm or pph23",
        "branch_name": "the Accurate branch (cabang) of every document, where there are branches",
    }
    credential_help: ClassVar[Mapping[str, str]] = {
        "api_token": "API token (aat.…) of the app (Accurate: Pengaturan > Aplikasi Saya)",
        "signature_secret": "the app's Signature Secret, signs API-token requests",
        "client_id": "OAuth client id (OAuth links)",
        "client_secret": "OAuth client secret (OAuth links)",
        "access_token": "OAuth access token, obtained by `jembatan accurate connect`",
        "refresh_token": "OAuth refresh token, obtained by `jembatan accurate connect`",
        "session": "database session, obtained by jembatan itself (open-db.do)",
        "host": "data host, found by jembatan itself",
    }

    def __init__(self, link: LinkContext, *, transport: Any = None) -> None:
        super().__init__(link)
        self._saved = dict(link.credentials)
        self.client = AccurateClient(
            AccurateConfig.from_link(link.settings, link.credentials), gate=link.gate,
            transport=transport, on_credentials=self._save_credentials,
            reload_credentials=self._stored_credentials if link.load_credentials else None)

    def _stored_credentials(self) -> Mapping[str, Any]:
        """What the link holds now: another link of the same grant may have refreshed it."""
        if self.link.load_credentials is None:
            return dict(self._saved)
        return dict(self.link.load_credentials())

    def _save_credentials(self, credentials: Mapping[str, Any]) -> None:
        # rotated refresh tokens, renewed sessions and a moved host must survive this process;
        # only what this client changed is written over what is stored now, so a token that
        # another link of the grant rotated meanwhile is never put back to its spent value
        changed = {k: v for k, v in credentials.items() if self._saved.get(k) != v}
        self._saved = {**self._stored_credentials(), **changed}
        self.link.save_credentials(dict(self._saved))

    def close(self) -> None:
        """Close the HTTP client."""
        self.client.close()

    def list_warehouses(self) -> list[Warehouse]:
        """Return Accurate's warehouses (id and name are the warehouse name)."""
        rows = self.client.iter_list("warehouse", ("id", "name", "suspended"))
        return [mapping.warehouse_from_row(row) for row in rows if not row.get("suspended")]

    def list_accounts(self) -> list[Account]:
        """Return the chart of accounts followed by the customers."""
        accounts = [mapping.account_from_glaccount(row) for row in
                    self.client.iter_list("glaccount", ("id", "no", "name", "accountType"))]
        customers = [mapping.account_from_customer(row) for row in
                     self.client.iter_list("customer", ("id", "customerNo", "name"))]
        return accounts + customers

    def _items(self, rows: Iterator[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], Product]]:
        """Read item rows tolerantly: a row without a code or with a bad price is skipped."""
        for row in rows:
            try:
                yield row, mapping.product_from_item(row)
            except (KeyError, ValueError, ArithmeticError, TypeError) as error:
                log.warning("skipping an unreadable Accurate item row %r: %r", row, error)

    def find_item_rows(self, skus: list[str]) -> dict[str, dict[str, Any]]:
        """Return Accurate's item rows for the given codes, keyed by code."""
        found: dict[str, dict[str, Any]] = {}
        unique = sorted(set(skus))
        for start in range(0, len(unique), LOOKUP_CHUNK):
            chunk = tuple(unique[start:start + LOOKUP_CHUNK])
            rows = self.client.iter_list("item", ITEM_FIELDS,
                                         filters={"no": Filter("EQUAL", chunk)})
            for row, product in self._items(rows):
                found[product.sku] = row
        return found

    def iter_items(self) -> Iterator[Product]:
        """Yield every Accurate item, 100 a page."""
        for _row, product in self._items(self.client.iter_list("item", ITEM_FIELDS)):
            yield product

    def find_items(self, skus: list[str]) -> dict[str, Product]:
        """Return the items that already exist, keyed by SKU (item code)."""
        return {sku: mapping.product_from_item(row)
                for sku, row in self.find_item_rows(skus).items()}

    def create_items(self, products: list[Product], warehouse: str) -> list[ItemResult]:
        """Create the products Accurate lacks, 100 per bulk-save; one result per product.

        Codes already in Accurate (found first, or refused as "Sudah ada data lain dengan
        Kode Barang" when a lost answer made us send twice) count as created.
        """
        unique = list({product.sku: product for product in products}.values())
        existing = self.find_item_rows([product.sku for product in unique])
        results: dict[str, ItemResult] = {}
        todo: list[Product] = []
        for product in unique:
            if product.sku in existing:
                results[product.sku] = ItemResult(sku=product.sku, ok=True,
                                                  message="already in Accurate",
                                                  accounting_id=str(existing[product.sku]["id"]))
            elif len(product.sku) > mapping.ITEM_NO_MAX:
                results[product.sku] = ItemResult(
                    sku=product.sku, ok=False,
                    message=f"item code {product.sku!r} is longer than Accurate's 30 characters;"
                            " shorten the SKU in the store")
            else:
                todo.append(product)
        now = datetime.now(timezone.utc)
        bodies = [mapping.item_body(product, warehouse, now) for product in todo]
        duplicates: list[str] = []
        for product, outcome in zip(todo, self.client.bulk_save("item", bodies), strict=True):
            if outcome.ok:
                results[product.sku] = ItemResult(
                    sku=product.sku, ok=True, message="created",
                    accounting_id=str((outcome.record or {}).get("id") or "") or None)
            elif "Sudah ada data lain dengan Kode Barang" in outcome.message:
                duplicates.append(product.sku)  # saved by an earlier, unanswered request
            else:
                results[product.sku] = ItemResult(sku=product.sku, ok=False,
                                                  message=f"Accurate: {outcome.message}")
        found = self.find_item_rows(duplicates) if duplicates else {}
        for sku in duplicates:
            results[sku] = ItemResult(sku=sku, ok=True, message="already in Accurate",
                                      accounting_id=str(found.get(sku, {}).get("id") or "") or None)
        return [results[product.sku] for product in unique]

    def read_stock(self, warehouse: str, skus: list[str] | None = None) -> Iterator[StockLevel]:
        """Yield on-hand quantity per SKU in one warehouse (``item/list-stock.do``).

        On hand, not available-to-sell: the store subtracts its own reservations. SKUs that
        Accurate does not hold are not yielded.
        """
        wanted = set(skus) if skus is not None else None
        for row in self.client.iter_list("item", ("id", "no", "name", "quantity"),
                                         action="list-stock",
                                         extra={"warehouseName": warehouse}):
            sku = str(row.get("no") or "")
            if not sku or (wanted is not None and sku not in wanted):
                continue
            try:
                quantity = int(mapping.money(row.get("quantity")))
            except (ValueError, ArithmeticError) as error:
                log.warning("skipping Accurate stock of %s: unreadable quantity (%r)", sku, error)
                continue
            yield StockLevel(sku=sku, warehouse_id=warehouse, quantity=quantity)
