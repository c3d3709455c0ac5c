"""``DatabaseJobContext``: what a job handler sees, backed by the database.

Built by the runner for one attempt of one job. Every write a handler makes through it
(``bind``, ``record``) commits at once in its own short transaction: a document created in
the accounting system must never be forgotten because the job fails a moment later, and no
transaction stays open while the handler talks to a platform (on SQLite that would hold the
only write lock). Follow-up jobs are the exception: they commit with the job's success.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from .configuration import unbound_warehouse, unmapped_account
from .connectors import AccountingConnector, CommerceConnector, Connector
from .jobs import (
    AccountRole,
    DocumentBinding,
    JobRequest,
    LinkInfo,
    RecordKind,
    RecordStatus,
)
from .links import build_accounting, build_commerce, get_link, link_info
from .models import AccountMapping, DocumentBindingRow, Job, Link, WarehouseBinding, utcnow
from .records import write_record

if TYPE_CHECKING:
    from .app import App


class DatabaseJobContext:
    """A ``framework.jobs.JobContext`` over the installation's database.

    Args:
        app: the application.
        job: the claimed job (detached copy).
        link: the job's link if the caller loaded it already (saves a query).

    Raises:
        ConfigError: the job's link no longer exists.
    """

    def __init__(self, app: App, job: Job, link: Link | None = None) -> None:
        self.app = app
        self.job_id = job.id
        self.kind = job.kind
        self.key = job.key
        self.payload: Mapping[str, Any] = job.payload or {}
        self.attempt = job.attempts
        self.follow_ups: list[JobRequest] = []
        if link is None:
            with app.session() as session:
                link = get_link(session, job.link_id)
        self._link_row: Link = link
        self.link: LinkInfo = link_info(self._link_row)
        self._connectors: dict[str, Connector] = {}

    def accounting(self) -> AccountingConnector:
        """Return the link's accounting connector (built once per attempt)."""
        if "accounting" not in self._connectors:
            self._connectors["accounting"] = build_accounting(self.app, self._link_row)
        return self._connectors["accounting"]  # type: ignore[return-value]

    def commerce(self) -> CommerceConnector:
        """Return the link's commerce connector (built once per attempt)."""
        if "commerce" not in self._connectors:
            self._connectors["commerce"] = build_commerce(self.app, self._link_row)
        return self._connectors["commerce"]  # type: ignore[return-value]

    def close(self) -> None:
        """Close the connectors built for this attempt."""
        for connector in self._connectors.values():
            connector.close()
        self._connectors.clear()

    def binding(self, kind: str, ref: str) -> DocumentBinding | None:
        """Return what we know the accounting system holds for ``(kind, ref)``."""
        with self.app.session() as session:
            row = session.scalars(select(DocumentBindingRow).where(
                DocumentBindingRow.link_id == self.link.id, DocumentBindingRow.kind == kind,
                DocumentBindingRow.ref == ref)).one_or_none()
        if row is None:
            return None
        return DocumentBinding(row.kind, row.ref, row.accounting_id, row.accounting_number)

    def bind(self, kind: str, ref: str, accounting_id: str | None, number: str | None) -> None:
        """Remember the accounting id/number for ``(kind, ref)``; committed immediately."""
        values = {"accounting_id": accounting_id, "accounting_number": number}
        with self.app.session() as session:
            insert = (postgresql.insert if session.get_bind().dialect.name == "postgresql"
                      else sqlite.insert)(DocumentBindingRow)
            session.execute(
                insert.values(link_id=self.link.id, kind=kind, ref=ref, created_at=utcnow(),
                              **values)
                .on_conflict_do_update(index_elements=["link_id", "kind", "ref"], set_=values))

    def accounting_warehouse(self, store_warehouse_id: str | None) -> str:
        """Return the accounting warehouse bound to a store warehouse.

        With ``None`` (the platform did not say), the link's only binding is used.

        Raises:
            ConfigError: the warehouse is unbound; the message names it and the bind command.
        """
        with self.app.session() as session:
            rows = list(session.scalars(select(WarehouseBinding).where(
                WarehouseBinding.link_id == self.link.id)))
        if store_warehouse_id is None and len(rows) == 1:
            return rows[0].accounting_warehouse
        for row in rows:
            if row.store_warehouse_id == store_warehouse_id:
                return row.accounting_warehouse
        raise unbound_warehouse(self.link.id, store_warehouse_id)

    def account(self, role: AccountRole, qualifier: str = "") -> str:
        """Return the mapped account or customer for ``role`` (the qualifier, else the default).

        Raises:
            ConfigError: nothing is mapped; the message names the map command.
        """
        with self.app.session() as session:
            rows = {row.qualifier: row.value for row in session.scalars(
                select(AccountMapping).where(AccountMapping.link_id == self.link.id,
                                             AccountMapping.role == role,
                                             AccountMapping.qualifier.in_([qualifier, ""])))}
        for candidate in (qualifier, ""):
            if candidate in rows:
                return rows[candidate]
        raise unmapped_account(self.link.id, role, qualifier)

    def awaiting_invoice(self, store_warehouse_id: str) -> Mapping[str, int]:
        """Quantities per SKU the store deducted whose accounting documents are still queued."""
        from .stock import awaiting_invoice  # stock builds on links and queue, not on us

        with self.app.session() as session:
            return dict(awaiting_invoice(session, self.link.id, store_warehouse_id))

    def record(  # noqa: PLR0913 - a record is these fields
        self, kind: RecordKind, ref: str, document: str, status: RecordStatus, *,
        sent: Any = None, received: Any = None, reason: str = "",
    ) -> None:
        """Write (or update) the push record for ``(kind, ref, document)``; committed now."""
        with self.app.session() as session:
            write_record(session, link_id=self.link.id, kind=kind, ref=ref, document=document,
                         status=status, sent=sent, received=received, reason=reason,
                         job_id=self.job_id, attempts=self.attempt)

    def enqueue(self, request: JobRequest) -> None:
        """Queue a follow-up job, committed only if this job succeeds."""
        self.follow_ups.append(request)
