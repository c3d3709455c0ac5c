"""Read-only views of a link's records, orders and jobs (console screens and CLI tables).

Every function takes the link id and filters by it first, so a screen can never show another
link's rows even for an id typed into a URL.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from ..errors import ConfigError
from ..jobs import JobStatus, RecordKind, RecordStatus
from ..storage.models import DocumentBindingRow, Job, OrderRecord, OrderTransition, PushRecord
from ..sync.records import repush


@dataclass(frozen=True, slots=True)
class RecordFilter:
    """What a records table shows: kind, status, document, time window, a search, a page."""

    kind: RecordKind | None = None
    status: RecordStatus | None = None
    document: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    search: str = ""  # order number or SKU, a part of it is enough
    page: int = 1
    per_page: int = 50


@dataclass
class RecordPage:
    """One page of records and the totals the filters match."""

    records: list[PushRecord]
    total: int
    page: int
    pages: int
    documents: list[str] = field(default_factory=list)  # the documents this kind has


def _filtered(link_id: str, wanted: RecordFilter) -> Select:
    query = select(PushRecord).where(PushRecord.link_id == link_id)
    if wanted.kind is not None:
        query = query.where(PushRecord.kind == wanted.kind)
    if wanted.status is not None:
        query = query.where(PushRecord.status == wanted.status)
    if wanted.document:
        query = query.where(PushRecord.document == wanted.document)
    if wanted.since is not None:
        query = query.where(PushRecord.updated_at >= wanted.since)
    if wanted.until is not None:
        query = query.where(PushRecord.updated_at < wanted.until)
    if wanted.search:
        query = query.where(PushRecord.ref.contains(wanted.search.strip(), autoescape=True))
    return query


def search_records(session: Session, link_id: str, wanted: RecordFilter) -> RecordPage:
    """Return the page of the link's records that ``wanted`` asks for, newest first."""
    query = _filtered(link_id, wanted)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // wanted.per_page))
    page = min(max(1, wanted.page), pages)
    rows = list(session.scalars(query.order_by(PushRecord.updated_at.desc(),
                                               PushRecord.id.desc())
                                .offset((page - 1) * wanted.per_page).limit(wanted.per_page)))
    kinds = select(PushRecord.document).where(PushRecord.link_id == link_id).distinct()
    if wanted.kind is not None:
        kinds = kinds.where(PushRecord.kind == wanted.kind)
    return RecordPage(rows, total, page, pages, sorted(session.scalars(kinds)))


def needs_operator(session: Session, link_id: str, kind: RecordKind | None = None
                   ) -> list[PushRecord]:
    """Return the records waiting for a person (returns, cancels after invoice…)."""
    query = select(PushRecord).where(PushRecord.link_id == link_id,
                                     PushRecord.status == RecordStatus.NEEDS_OPERATOR)
    if kind is not None:
        query = query.where(PushRecord.kind == kind)
    return list(session.scalars(query.order_by(PushRecord.updated_at.desc()).limit(200)))


def link_record(session: Session, link_id: str, record_id: int) -> PushRecord:
    """Return one of the link's records.

    Raises:
        ConfigError: no such record on this link (another link's id answers the same).
    """
    record = session.get(PushRecord, record_id)
    if record is None or record.link_id != link_id:
        raise ConfigError(f"no push record {record_id} on link {link_id}",
                          fix="open the records list of that link")
    return record


def repush_on_link(session: Session, link_id: str, record_id: int) -> Job:
    """Re-push one of the link's records (after the operator fixed the cause)."""
    link_record(session, link_id, record_id)
    return repush(session, record_id)


def repush_filtered(session: Session, link_id: str, wanted: RecordFilter) -> int:
    """Re-push every failed record the filters match (each job once); return jobs queued."""
    query = _filtered(link_id, RecordFilter(**{**_as_dict(wanted),
                                               "status": RecordStatus.FAILED}))
    jobs: set[int] = set()
    for record in session.scalars(query):
        if record.job_id is None or record.job_id in jobs:
            continue
        repush(session, record.id)
        jobs.add(record.job_id)
    return len(jobs)


def _as_dict(wanted: RecordFilter) -> dict:
    return {name: getattr(wanted, name) for name in RecordFilter.__slots__}


@dataclass
class OrderTimeline:
    """An order, every event applied to it, and every accounting document made for it."""

    order: OrderRecord
    transitions: list[OrderTransition]
    documents: list[DocumentBindingRow]
    records: list[PushRecord]


def order_timeline(session: Session, link_id: str, order_number: str) -> OrderTimeline:
    """Return an order's timeline on one link.

    Raises:
        ConfigError: the link has no such order.
    """
    order = session.scalars(select(OrderRecord).where(
        OrderRecord.link_id == link_id, OrderRecord.order_number == order_number)).first()
    if order is None:
        raise ConfigError(f"no order {order_number!r} on link {link_id}",
                          fix="search the order records of that link")
    transitions = list(session.scalars(select(OrderTransition).where(
        OrderTransition.order_id == order.id).order_by(OrderTransition.id)))
    documents = list(session.scalars(select(DocumentBindingRow).where(
        DocumentBindingRow.link_id == link_id,
        or_(DocumentBindingRow.ref == order_number,
            DocumentBindingRow.ref == order.external_id)).order_by(DocumentBindingRow.id)))
    records = list(session.scalars(select(PushRecord).where(
        PushRecord.link_id == link_id, PushRecord.kind == RecordKind.ORDER,
        PushRecord.ref == order_number).order_by(PushRecord.id)))
    return OrderTimeline(order, transitions, documents, records)


def job_counts(session: Session, link_id: str) -> Counter[str]:
    """Return how many of the link's jobs are in each status."""
    return Counter({status.value: count for status, count in session.execute(
        select(Job.status, func.count()).where(Job.link_id == link_id).group_by(Job.status))})


def list_jobs(session: Session, link_id: str, status: JobStatus | None = None,
              limit: int = 100) -> list[Job]:
    """Return the link's jobs (of one status), the most recent first."""
    query = select(Job).where(Job.link_id == link_id)
    if status is not None:
        query = query.where(Job.status == status)
    return list(session.scalars(query.order_by(Job.id.desc()).limit(limit)))


def document_numbers(session: Session, link_id: str, records: list[PushRecord]
                     ) -> dict[int, str]:
    """Return the accounting number (or id) each record's document got, by record id."""
    orders = {o.order_number: o.external_id for o in session.scalars(select(OrderRecord).where(
        OrderRecord.link_id == link_id,
        OrderRecord.order_number.in_({r.ref for r in records if r.kind == RecordKind.ORDER})))}
    refs = {r.ref for r in records} | set(orders.values())
    bound = {(b.kind, b.ref): b.accounting_number or b.accounting_id or ""
             for b in session.scalars(select(DocumentBindingRow).where(
                 DocumentBindingRow.link_id == link_id, DocumentBindingRow.ref.in_(refs)))}
    numbers = {}
    for record in records:
        number = bound.get((record.document, orders.get(record.ref, record.ref))) or bound.get(
            (record.document, record.ref))
        if number:
            numbers[record.id] = number
    return numbers
