"""Accurate's data-change webhooks, as far as the reference knows them (§6).

One webhook per application, registered in the Developer Area (here: ``register``). A delivery
is ``{"type": "SALES_INVOICE", "databaseId": 96400, "data": [{"action": "WRITE",
"salesInvoiceId": 123}]}`` [C1: the ``data`` array and its keys; the place of ``type`` and
``databaseId`` is U]. It stops sending, without any error, 7 days after it was registered or
last renewed with ``webhook-renew.do`` [C-CODE]; ``webhook-history.do`` lists what was sent,
at most 24 hours at a time.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from framework.emulation import WebhookOutbox
from plugins.accurate.assumptions import WEBHOOK_DAYS

from .state import WIB, AccurateRefusal

EVENT_OF_MODULE = {"sales-order": ("SALES_ORDER", "salesOrderId"),
                   "sales-invoice": ("SALES_INVOICE", "salesInvoiceId"),
                   "sales-receipt": ("SALES_RECEIPT", "salesReceiptId"),
                   "sales-return": ("SALES_RETURN", "salesReturnId"),
                   "item": ("ITEM", "itemId"), "customer": ("CUSTOMER", "customerId"),
                   "item-adjustment": ("ITEM_ADJUSTMENT", "itemAdjustmentId")}
STAMP = "%d/%m/%Y %H:%M:%S"


@dataclass
class Webhooks:
    """The application's webhook: where it sends, until when, and what it sent."""

    now: Callable[[], datetime]
    outbox: WebhookOutbox = field(default_factory=WebhookOutbox)
    url: str | None = None
    types: frozenset[str] = frozenset()
    active_until: datetime | None = None
    history: list[dict[str, Any]] = field(default_factory=list)

    def register(self, url: str, types: list[str] | None = None) -> str:
        """Point the webhook at ``url`` for ``types`` (all when empty); return the expiry."""
        self.url = url
        self.types = frozenset(types or [kind for kind, _ in EVENT_OF_MODULE.values()])
        return self.renew()

    def renew(self) -> str:
        """Extend the webhook by 7 days from now; return the new expiry (``dd/MM/yyyy``)."""
        self.active_until = self.now() + timedelta(days=WEBHOOK_DAYS)
        return self.active_until.strftime("%d/%m/%Y")

    def active(self) -> bool:
        """Return whether deliveries are still sent (registered and not past its 7 days)."""
        return bool(self.url and self.active_until and self.now() <= self.active_until)

    def notify(self, database_id: int, module: str, action: str, ids: list[Any]) -> None:
        """Queue one delivery for records of ``module`` that were written or deleted."""
        event = EVENT_OF_MODULE.get(module)
        if event is None or not ids or not self.active() or event[0] not in self.types:
            return
        kind, key = event
        body = {"type": kind, "databaseId": database_id,
                "data": [{"action": action, key: record_id} for record_id in ids]}
        self.history.append({"type": kind, "databaseId": database_id,
                             "sentAt": self.now().strftime(STAMP), "payload": body})
        self.outbox.deliver(str(self.url), json.dumps(body).encode(),
                            {"Content-Type": "application/json"})

    def history_between(self, params: dict[str, Any]) -> dict[str, Any]:
        """Answer ``webhook-history.do?from=&to=[&databaseId=][&type=]`` (at most 24 h)."""
        try:
            start, end = _moment(params.get("from")), _moment(params.get("to"))
        except ValueError:
            raise AccurateRefusal("Parameter from/to harus berformat dd/MM/yyyy HH:mm:ss") \
                from None
        if end < start or end - start > timedelta(hours=24):
            raise AccurateRefusal("Rentang waktu maksimal 24 jam")
        rows = [entry for entry in self.history
                if start <= _moment(entry["sentAt"]) <= end
                and str(params.get("databaseId") or entry["databaseId"])
                == str(entry["databaseId"])
                and (params.get("type") or entry["type"]) == entry["type"]]
        return {"s": True, "d": rows, "sp": {"page": 1, "pageCount": 1, "rowCount": len(rows)}}


def _moment(text: Any) -> datetime:
    """Read a ``dd/MM/yyyy HH:mm:ss`` Jakarta timestamp."""
    return datetime.strptime(str(text), STAMP).replace(tzinfo=WIB)
