"""Push records: what was sent for one thing, what came back, and why it failed.

One record per ``(link, kind, ref, document)``: an order's sales invoice, a SKU's item, a SKU's
stock in a warehouse. Writing again updates it, so the table always shows the latest outcome.
A record remembers the job that produced it, which is what a re-push queues again. Every text
is redacted before it is stored, so a credential echoed by a platform never lands in the table.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..errors import ConfigError
from ..jobs import RecordKind, RecordStatus
from ..runtime import queue
from ..storage.bulk import encode, upsert_insert, upsert_rows
from ..storage.models import Job, OrderRecord, PushRecord, utcnow
from ..storage.secrets import is_clean_json, redact, redact_value
from .catalogue import mark_for_reread


def write_record(  # noqa: PLR0913 - a record is these fields
    session: Session, *, link_id: str, kind: RecordKind, ref: str, document: str,
    status: RecordStatus, sent: Any = None, received: Any = None, reason: str = "",
    job_id: int | None = None, attempts: int | None = None,
) -> None:
    """Insert or update the push record for ``(link_id, kind, ref, document)``.

    Safe when two workers write the same record at once (a database upsert). ``job_id`` and
    ``attempts`` are kept from the previous write when not given.
    """
    now = utcnow()
    values: dict[str, Any] = {
        "status": status, "sent": redact_value(sent), "received": redact_value(received),
        "reason": redact(reason), "updated_at": now,
    }
    if job_id is not None:
        values["job_id"] = job_id
    if attempts is not None:
        values["attempts"] = attempts
    insert = upsert_insert(session.get_bind().dialect.name, PushRecord)
    statement = insert.values(link_id=link_id, kind=kind, ref=ref, document=document,
                              created_at=now, **{"attempts": 0, **values})
    statement = statement.on_conflict_do_update(index_elements=list(_RECORD_KEY), set_=values)
    session.execute(statement)


def write_records(session: Session, records: list[dict[str, Any]]) -> None:
    """``write_record`` for many records in one statement (a batch's records).

    Each dict has ``write_record``'s keyword arguments, ``job_id`` and ``attempts`` included.
    A record written twice keeps its last write (one row per key in the statement).
    """
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    for record in records:
        key = (record["link_id"], record["kind"], record["ref"], record["document"])
        rows[key] = {
            "link_id": record["link_id"], "kind": record["kind"], "ref": record["ref"],
            "document": record["document"], "status": record["status"],
            "sent": record.get("sent"), "received": record.get("received"),
            "reason": record.get("reason") or "",
            "job_id": record["job_id"], "attempts": record["attempts"]}
    values = list(rows.values())
    # One look at the batch's JSON text decides whether any secret is there at all (the
    # usual answer is no); only then are the records' own texts redacted one by one.
    text = encode(values)
    if not is_clean_json(text):
        values = [{**row, "sent": redact_value(row["sent"]),
                   "received": redact_value(row["received"]), "reason": redact(row["reason"])}
                  for row in values]
        text = encode(values)
    now = utcnow()
    upsert_rows(session, PushRecord.__table__, values, keys=_RECORD_KEY, changed=_RECORD_CHANGES,
                stamps={"created_at": now, "updated_at": now}, text=text)


_RECORD_KEY = ("link_id", "kind", "ref", "document")
_RECORD_CHANGES = ("status", "sent", "received", "reason", "updated_at", "job_id", "attempts")


def list_records(  # noqa: PLR0913 - the filters operators combine
    session: Session, *, link_id: str | None = None, kind: RecordKind | str | None = None,
    failed_only: bool = False, limit: int = 200, status: RecordStatus | None = None,
) -> list[PushRecord]:
    """Return the newest push records first, filtered as asked (``status``: only those)."""
    query = select(PushRecord).order_by(PushRecord.updated_at.desc(), PushRecord.id.desc())
    if link_id is not None:
        query = query.where(PushRecord.link_id == link_id)
    if kind is not None:
        query = query.where(PushRecord.kind == RecordKind(kind))
    if failed_only:
        query = query.where(PushRecord.status == RecordStatus.FAILED)
    if status is not None:
        query = query.where(PushRecord.status == status)
    return list(session.scalars(query.limit(limit)))


def repush(session: Session, record_id: int) -> Job:
    """Queue the job behind a push record again (after an operator fixed the cause).

    The job runs on the current state: an order job gets the order as last read from the
    store, a product job reads its products from the store again, and handlers resolve
    bindings and quantities when they run.

    Raises:
        ConfigError: there is no such record, or it has no job to run again.
    """
    record = session.get(PushRecord, record_id)
    if record is None:
        raise ConfigError(f"no push record {record_id}",
                          fix="`jembatan records` lists the records and their ids")
    if record.job_id is None:
        raise ConfigError(
            f"push record {record_id} ({record.kind.value} {record.ref}) was not made by a job, "
            "so there is nothing to re-push",
            fix="fix the record at its source; the next sync picks it up")
    job = queue.requeue(session, record.job_id)
    _refresh_order(session, job)
    mark_for_reread(job)  # a product job rebuilds its items from the store's current data
    # Every failed record of that job is now on its way again, not only the one asked for.
    session.execute(
        update(PushRecord)
        .where(PushRecord.job_id == record.job_id, PushRecord.status == RecordStatus.FAILED)
        .values(status=RecordStatus.PENDING, updated_at=utcnow()))
    return job


def _refresh_order(session: Session, job: Job) -> None:
    """Give a re-pushed order job the order as last read from the store, not as queued.

    Jobs that carry an order keep it under ``payload["order"]`` (the canonical model's JSON);
    the operator fixed the cause in the store, and the poll has read the order since.
    """
    payload = dict(job.payload or {})
    queued = payload.get("order")
    if not isinstance(queued, dict) or "external_id" not in queued:
        return
    row = session.scalars(select(OrderRecord).where(
        OrderRecord.link_id == job.link_id,
        OrderRecord.external_id == str(queued["external_id"]))).one_or_none()
    if row is not None and row.snapshot:
        payload["order"] = row.snapshot
        job.payload = payload


def repush_all_failed(session: Session, link_id: str | None = None,
                      kind: RecordKind | str | None = None) -> list[int]:
    """Re-push every failed record that has a job; return the ids of the jobs queued."""
    job_ids: list[int] = []
    for record in list_records(session, link_id=link_id, kind=kind, failed_only=True,
                               limit=1_000_000):
        if record.job_id is None or record.job_id in job_ids:
            continue
        repush(session, record.id)
        job_ids.append(record.job_id)
    return job_ids
