"""``DatabaseJobContext``: what a job handler sees, backed by the database.

Built by the runner for one attempt of one job. Every write a handler makes through it
(``bind``, ``record``) commits at once in its own short transaction: a document created in
the accounting system must never be forgotten because the job fails a moment later, and no
transaction stays open while the handler talks to a platform (on SQLite that would hold the
only write lock). Follow-up jobs are the exception: they commit with the job's success.

``DatabaseJobBatch`` builds the contexts of a batch (see ``framework.runtime.batch``) over one
shared ``_Shared``: one connector per side, the link's account mappings and warehouse bindings read
once, bindings prefetched in one query, and writes held until ``flush`` (the batch handler flushes
after each bulk call, so what the platform holds is committed before the next one).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from ..connectors import AccountingConnector, CommerceConnector, Connector
from ..errors import for_link
from ..jobs import (
    AccountRole,
    DocumentBinding,
    JobRequest,
    LinkInfo,
    RecordKind,
    RecordStatus,
)
from ..setup.configuration import unbound_warehouse, unmapped_account
from ..setup.links import build_accounting, build_commerce, get_link, link_info
from ..storage.bulk import upsert_rows
from ..storage.models import AccountMapping, DocumentBindingRow, Job, Link, WarehouseBinding, utcnow
from ..sync.records import write_record, write_records
from .batch import ContextBatch, Wanted

if TYPE_CHECKING:
    from ..app import App

#: binding keys one prefetch query asks for at most
PREFETCH_CHUNK = 500


class _Shared:
    """What the contexts of one batch share (a plain job's context has its own)."""

    def __init__(self, *, hold_writes: bool) -> None:
        # A batch (hold_writes) also reads mappings once; a plain job reads them fresh.
        self.hold_writes = hold_writes
        self.connectors: dict[str, Connector] = {}
        self.bindings: dict[tuple[str, str], DocumentBinding | None] = {}
        self.accounts: dict[tuple[AccountRole, str], str] | None = None
        self.warehouses: list[tuple[str, str]] | None = None
        self.binds: list[dict[str, Any]] = []
        self.records: list[dict[str, Any]] = []

    def load_configuration(self, session: Session, link_id: str) -> None:
        """Read the link's warehouse bindings and account mappings (together, in ``session``)."""
        self.warehouses = [
            (row.store_warehouse_id, row.accounting_warehouse)
            for row in session.execute(select(
                WarehouseBinding.store_warehouse_id, WarehouseBinding.accounting_warehouse)
                .where(WarehouseBinding.link_id == link_id))]
        self.accounts = {
            (row.role, row.qualifier): row.value for row in session.execute(select(
                AccountMapping.role, AccountMapping.qualifier, AccountMapping.value)
                .where(AccountMapping.link_id == link_id))}


class DatabaseJobContext:
    """A ``framework.jobs.JobContext`` over the installation's database.

    Args:
        app: the application.
        job: the claimed job (detached copy).
        link: the job's link if the caller loaded it already (saves a query).
        shared: the batch's shared state (``DatabaseJobBatch`` passes it).

    Raises:
        ConfigError: the job's link no longer exists.
    """

    def __init__(self, app: App, job: Job, link: Link | None = None,
                 shared: _Shared | None = None) -> None:
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
        self._shared = shared or _Shared(hold_writes=False)
        self._owns_connectors = shared is None
        self._connectors = self._shared.connectors

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
        """Close the connectors built for this attempt (a batch closes its own)."""
        if not self._owns_connectors:
            return
        for connector in self._connectors.values():
            connector.close()
        self._connectors.clear()

    def binding(self, kind: str, ref: str) -> DocumentBinding | None:
        """Return what we know the accounting system holds for ``(kind, ref)``."""
        if (kind, ref) in self._shared.bindings:
            return self._shared.bindings[(kind, ref)]
        with self.app.session() as session:
            row = session.scalars(select(DocumentBindingRow).where(
                DocumentBindingRow.link_id == self.link.id, DocumentBindingRow.kind == kind,
                DocumentBindingRow.ref == ref)).one_or_none()
        found = (None if row is None else
                 DocumentBinding(row.kind, row.ref, row.accounting_id, row.accounting_number))
        if self._shared.hold_writes:  # a batch asks once (its own binds update the cache)
            self._shared.bindings[(kind, ref)] = found
        return found

    def bind(self, kind: str, ref: str, accounting_id: str | None, number: str | None) -> None:
        """Remember the accounting id/number for ``(kind, ref)``; committed immediately."""
        self._shared.bindings[(kind, ref)] = DocumentBinding(kind, ref, accounting_id, number)
        row = {"link_id": self.link.id, "kind": kind, "ref": ref,
               "accounting_id": accounting_id, "accounting_number": number}
        if self._shared.hold_writes:
            self._shared.binds.append(row)
            return
        with self.app.session() as session:
            _upsert_bindings(session, [row])

    def accounting_warehouse(self, store_warehouse_id: str | None) -> str:
        """Return the accounting warehouse bound to a store warehouse.

        With ``None`` (the platform did not say), the link's only binding is used.

        Raises:
            ConfigError: the warehouse is unbound; the message names it and the bind command.
        """
        if self._shared.warehouses is None or not self._shared.hold_writes:
            self._load_configuration()
        rows = self._shared.warehouses or []
        if store_warehouse_id is None and len(rows) == 1:
            return rows[0][1]
        for store_id, accounting_warehouse in rows:
            if store_id == store_warehouse_id:
                return accounting_warehouse
        raise unbound_warehouse(self.link.id, store_warehouse_id)

    def account(self, role: AccountRole, qualifier: str = "") -> str:
        """Return the mapped account or customer for ``role`` (the qualifier, else the default).

        Raises:
            ConfigError: nothing is mapped; the message names the map command.
        """
        if self._shared.accounts is None or not self._shared.hold_writes:
            self._load_configuration()
        accounts = self._shared.accounts or {}
        for candidate in (qualifier, ""):
            if (role, candidate) in accounts:
                return accounts[(role, candidate)]
        raise unmapped_account(self.link.id, role, qualifier)

    def _load_configuration(self) -> None:
        # A batch reads them once; a plain job's context on every use, so an operator's
        # change applies.
        with self.app.session() as session:
            self._shared.load_configuration(session, self.link.id)

    def awaiting_invoice(self, store_warehouse_id: str) -> Mapping[str, int]:
        """Quantities per SKU the store deducted whose accounting documents are still queued."""
        from ..sync.stock import awaiting_invoice  # stock builds on links and queue, not on us

        with self.app.session() as session:
            return dict(awaiting_invoice(session, self.link.id, store_warehouse_id))

    def record(  # noqa: PLR0913 - a record is these fields
        self, kind: RecordKind, ref: str, document: str, status: RecordStatus, *,
        sent: Any = None, received: Any = None, reason: str = "",
    ) -> None:
        """Write (or update) the push record for ``(kind, ref, document)``.

        Committed now; in a batch, at the batch's next ``flush``.
        """
        values = {"link_id": self.link.id, "kind": kind, "ref": ref, "document": document,
                  "status": status, "sent": sent, "received": received,
                  "reason": for_link(reason, self.link.id),
                  "job_id": self.job_id, "attempts": self.attempt}
        if self._shared.hold_writes:
            self._shared.records.append(values)
            return
        with self.app.session() as session:
            write_record(session, **values)

    def enqueue(self, request: JobRequest) -> None:
        """Queue a follow-up job, committed only if this job succeeds."""
        self.follow_ups.append(request)


class DatabaseJobBatch(ContextBatch):
    """A ``framework.runtime.batch.JobBatch`` over the installation's database.

    Args:
        app: the application.
        jobs: the claimed jobs (detached copies), all of one link.
        link: their link.
    """

    jobs: list[DatabaseJobContext]

    def __init__(self, app: App, jobs: Sequence[Job], link: Link | None) -> None:
        self.app = app
        self._shared = _Shared(hold_writes=True)  # one connector per side for the whole batch
        super().__init__([DatabaseJobContext(app, job, link, self._shared) for job in jobs])

    def prefetch_many(self, wanted: Wanted) -> None:
        """Load the bindings of several kinds at once: ``{kind: refs}``, one query per 500.

        A batch asks for its orders' documents, items and customers together (one round
        trip instead of one per kind). ``wanted`` may be a function returning that mapping:
        it is called once the link's warehouses and account mappings are read, in the same
        transaction (refs that depend on them, such as the customers orders map to, cost no
        transaction of their own).
        """
        with self.app.session() as session:
            if callable(wanted):
                if self._shared.accounts is None:
                    self._shared.load_configuration(session, self.link.id)
                wanted = wanted()
            self._prefetch(session, wanted)

    def _prefetch(self, session: Session, wanted: Mapping[str, Iterable[str]]) -> None:
        keys = [(kind, ref) for kind, refs in wanted.items() for ref in dict.fromkeys(refs)
                if (kind, ref) not in self._shared.bindings]
        for start in range(0, len(keys), PREFETCH_CHUNK):
            chunk = keys[start:start + PREFETCH_CHUNK]
            by_kind: dict[str, list[str]] = {}
            for kind, ref in chunk:
                by_kind.setdefault(kind, []).append(ref)
            rows = session.execute(select(
                DocumentBindingRow.kind, DocumentBindingRow.ref,
                DocumentBindingRow.accounting_id, DocumentBindingRow.accounting_number)
                .where(DocumentBindingRow.link_id == self.link.id,
                       or_(*(and_(DocumentBindingRow.kind == kind,
                                  DocumentBindingRow.ref.in_(refs))
                             for kind, refs in by_kind.items()))))
            found = {(row.kind, row.ref): DocumentBinding(*row) for row in rows}
            for key in chunk:
                self._shared.bindings[key] = found.get(key)

    def flush(self, session: Session | None = None) -> None:
        """Commit every held binding and record in one transaction (two statements).

        With ``session``, write them in the caller's transaction instead (the runner
        commits a batch's last writes together with its jobs' outcomes); they stay held
        until ``written`` says that transaction committed, so a failed one can write them
        again on their own.
        """
        if session is not None:
            _write_held(session, self._shared.binds, self._shared.records)
            return
        binds, self._shared.binds = self._shared.binds, []
        records, self._shared.records = self._shared.records, []
        if not binds and not records:
            return
        with self.app.session() as own:
            _write_held(own, binds, records)

    def written(self) -> None:
        """Forget the held writes: the caller's transaction (``flush(session)``) committed."""
        self._shared.binds, self._shared.records = [], []

    def close(self) -> None:
        """Close the batch's connectors."""
        for connector in self._shared.connectors.values():
            connector.close()
        self._shared.connectors.clear()


def _write_held(session: Session, binds: list[dict[str, Any]],
                records: list[dict[str, Any]]) -> None:
    if binds:
        _upsert_bindings(session, binds)
    if records:
        write_records(session, records)


def _upsert_bindings(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert or update bindings in one statement (the last write of a key wins)."""
    latest = {(row["link_id"], row["kind"], row["ref"]): row for row in rows}
    upsert_rows(session, DocumentBindingRow.__table__, list(latest.values()),
                keys=("link_id", "kind", "ref"), changed=("accounting_id", "accounting_number"),
                stamps={"created_at": utcnow()})
