"""An in-memory ``JobContext`` for unit-testing job handlers without a database.

The runner's real context stores bindings, records and follow-up jobs in the database in the
job's transaction; this one keeps them in dicts so a plugin author can call a handler directly
and assert on what the emulator now holds and what was recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..connectors import AccountingConnector, CommerceConnector
from ..jobs import (
    AccountRole,
    DocumentBinding,
    JobRequest,
    LinkInfo,
    RecordKind,
    RecordStatus,
)
from ..setup.configuration import unbound_warehouse, unmapped_account


@dataclass
class MemoryRecord:
    """A push record as the in-memory context keeps it."""

    status: RecordStatus
    sent: Any = None
    received: Any = None
    reason: str = ""


@dataclass
class MemoryJobContext:
    """A ``JobContext`` over plain dicts; share ``bindings`` between contexts of one link."""

    link: LinkInfo
    kind: str
    payload: Mapping[str, Any]
    accounting_connector: AccountingConnector | None = None
    commerce_connector: CommerceConnector | None = None
    key: str = "test"
    job_id: int = 1
    attempt: int = 1
    warehouses: dict[str, str] = field(default_factory=dict)
    accounts: dict[tuple[AccountRole, str], str] = field(default_factory=dict)
    bindings: dict[tuple[str, str], DocumentBinding] = field(default_factory=dict)
    records: dict[tuple[RecordKind, str, str], MemoryRecord] = field(default_factory=dict)
    enqueued: list[JobRequest] = field(default_factory=list)
    awaiting: dict[str, dict[str, int]] = field(default_factory=dict)

    def accounting(self) -> AccountingConnector:
        """Return the accounting connector given at construction."""
        assert self.accounting_connector is not None, "no accounting connector given"
        return self.accounting_connector

    def commerce(self) -> CommerceConnector:
        """Return the commerce connector given at construction."""
        assert self.commerce_connector is not None, "no commerce connector given"
        return self.commerce_connector

    def binding(self, kind: str, ref: str) -> DocumentBinding | None:
        """Return the remembered binding for ``(kind, ref)``."""
        return self.bindings.get((kind, ref))

    def bind(self, kind: str, ref: str, accounting_id: str | None, number: str | None) -> None:
        """Remember a binding."""
        self.bindings[(kind, ref)] = DocumentBinding(kind, ref, accounting_id, number)

    def accounting_warehouse(self, store_warehouse_id: str | None) -> str:
        """Return the bound accounting warehouse or raise ``ConfigError``."""
        if store_warehouse_id is None and len(self.warehouses) == 1:
            return next(iter(self.warehouses.values()))
        try:
            return self.warehouses[store_warehouse_id or ""]
        except KeyError:
            raise unbound_warehouse(self.link.id, store_warehouse_id) from None

    def account(self, role: AccountRole, qualifier: str = "") -> str:
        """Return the mapped value or raise ``ConfigError``."""
        for candidate in (qualifier, ""):
            if (role, candidate) in self.accounts:
                return self.accounts[(role, candidate)]
        raise unmapped_account(self.link.id, role, qualifier)

    def awaiting_invoice(self, store_warehouse_id: str) -> Mapping[str, int]:
        """Return ``awaiting[store_warehouse_id]`` (empty unless the test set it)."""
        return self.awaiting.get(store_warehouse_id, {})

    def record(  # noqa: PLR0913 - mirrors JobContext.record
        self, kind: RecordKind, ref: str, document: str, status: RecordStatus, *,
        sent: Any = None, received: Any = None, reason: str = "",
    ) -> None:
        """Keep the record in ``records``."""
        self.records[(kind, ref, document)] = MemoryRecord(status, sent, received, reason)

    def enqueue(self, request: JobRequest) -> None:
        """Keep the follow-up job in ``enqueued``."""
        self.enqueued.append(request)
