"""Order ingestion: one event about one order becomes transitions and jobs, atomically.

Whatever brought the order (a poll, a webhook, a backfill, the demo), ``ingest_order`` locks the
order's row, asks the lifecycle what the event does, stores every transition (or the reason it
was ignored) and the jobs the accounting plugin plans for each state entered, all in the
caller's transaction: the transactional outbox. A crash loses neither the transition nor its
jobs, and a job key already queued is never queued again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..domain import Order, OrderState, Rejected
from ..jobs import LinkInfo, RecordKind, RecordStatus
from ..runtime.queue import enqueue
from ..storage import storable
from ..storage.models import OrderRecord, OrderTransition, utcnow
from . import lifecycle
from .records import write_record


class IngestOutcome(StrEnum):
    """What an event did to an order."""

    MOVED = "moved"
    IGNORED = "ignored"
    SKIPPED = "skipped"  # created before the integration: never sent
    REJECTED = "rejected"  # the platform's data could not be read


@dataclass(frozen=True, slots=True)
class IngestResult:
    """The effect of one event, for progress output and tests."""

    ref: str
    outcome: IngestOutcome
    entered: tuple[OrderState, ...] = ()
    jobs_queued: int = 0
    note: str = ""


def ingest_order(  # noqa: PLR0913 - the event and where it applies
    session: Session,
    hook: Any,
    link: LinkInfo,
    order: Order,
    *,
    source: str,
    not_before: datetime | None = None,
) -> IngestResult:
    """Apply one event about ``order`` inside the caller's transaction.

    Args:
        session: an open session; the caller commits (transition + jobs together).
        hook: the plugin manager's ``hook`` relay (``plan_order_reactions`` is called on it).
        link: the link the order belongs to.
        order: the order as the platform reports it now.
        source: what brought the event: ``poll``, ``webhook``, ``backfill``…
        not_before: orders created before this are skipped; defaults to the link's
            ``integrated_at`` (a backfill passes an earlier time).
    """
    problem = unstorable_order(order)
    if problem:
        return record_rejected(session, link.id, Rejected(
            kind="order", ref=order.order_number or order.external_id,
            reason=f"order cannot be stored: {problem}", raw=_raw(order)))
    cutoff = not_before if not_before is not None else link.integrated_at
    row = _locked_row(session, link.id, order)
    if row is None:
        row = _insert_row(session, link.id, order)
    if cutoff is not None and order.created_at < cutoff:
        return _skip(session, link, row, order, cutoff)
    row.skipped_reason = None
    plan = lifecycle.advance(row.state, order.state)
    if plan.ignored:
        _store_transition(session, row, order, source, note=plan.ignored_reason or "",
                          ignored=True)
        _refresh_snapshot(row, order)
        return IngestResult(order.order_number, IngestOutcome.IGNORED,
                            note=plan.ignored_reason or "")
    queued = _apply_steps(session, hook, link, row, order, plan, source)
    return IngestResult(order.order_number, IngestOutcome.MOVED, plan.entered, queued)


def unstorable_order(order: Order) -> str | None:
    """Return why the database cannot hold ``order`` (``None`` when it can).

    The canonical model refuses these values already; the core checks again because a plugin
    may build an order without validating it, and one bad order must never fail a statement.
    """
    problem = storable.first_problem((
        ("external_id", order.external_id, storable.EXTERNAL_ID),
        ("order_number", order.order_number, storable.ORDER_NUMBER),
        ("channel", order.channel, storable.CHANNEL),
        ("platform_status", order.platform_status, storable.PLATFORM_STATUS),
    ))
    if problem:
        return problem
    try:  # every other rule of the canonical model (NUL, dates, amounts), checked again
        Order.model_validate(order.model_dump())
    except ValidationError as error:
        first = error.errors()[0]
        return f"{'.'.join(str(part) for part in first['loc'])}: {first['msg']}"
    return None


def _raw(order: Order) -> str:
    return json.dumps(order.model_dump(mode="json"), default=str)


def _apply_steps(  # noqa: PLR0913 - the pieces of one transition
    session: Session, hook: Any, link: LinkInfo, row: OrderRecord, order: Order,
    plan: lifecycle.Advance, source: str,
) -> int:
    reached = set(_reached_states(session, row))
    queued = 0
    for step in plan.steps:
        _store_transition(session, row, order, source, step=step)
        for requests in hook.plan_order_reactions(
            link=link, order=order, entered=step.dest, reached=frozenset(reached)
        ):
            for request in requests or ():
                queued += enqueue(session, link.id, request) is not None
        reached.add(step.dest)
    row.state = order.state
    _refresh_snapshot(row, order)
    return queued


def _reached_states(session: Session, row: OrderRecord) -> list[OrderState]:
    if row.id is None:
        return []
    states = session.scalars(
        select(OrderTransition.to_state).where(
            OrderTransition.order_id == row.id, OrderTransition.ignored.is_(False))
    ).all()
    return list(states)


def _locked_row(session: Session, link_id: str, order: Order) -> OrderRecord | None:
    # FOR UPDATE serialises concurrent events about one order on PostgreSQL; SQLite
    # serialises all writers anyway.
    query = (
        select(OrderRecord)
        .where(OrderRecord.link_id == link_id, OrderRecord.external_id == order.external_id)
        .with_for_update()
    )
    return session.scalars(query).one_or_none()


def _insert_row(session: Session, link_id: str, order: Order) -> OrderRecord:
    row = OrderRecord(
        link_id=link_id, external_id=order.external_id, order_number=order.order_number,
        channel=order.channel, state=OrderState.NEW, platform_status=order.platform_status,
        snapshot=order.model_dump(mode="json"), created_at_platform=order.created_at,
        updated_at_platform=order.updated_at,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        # Another worker inserted the same order first: lock theirs.
        existing = _locked_row(session, link_id, order)
        assert existing is not None
        return existing
    return row


def _skip(session: Session, link: LinkInfo, row: OrderRecord, order: Order,
          cutoff: datetime) -> IngestResult:
    reason = (f"created {order.created_at.isoformat()}, before the integration "
              f"({cutoff.isoformat()}); not sent (use `jembatan orders backfill` to send it)")
    row.skipped_reason = reason
    _refresh_snapshot(row, order)
    write_record(session, link_id=link.id, kind=RecordKind.ORDER, ref=order.order_number,
                 document="order", status=RecordStatus.SKIPPED, reason=reason)
    return IngestResult(order.order_number, IngestOutcome.SKIPPED, note=reason)


def record_rejected(session: Session, link_id: str, rejected: Rejected) -> IngestResult:
    """Store a platform record that could not be read as a failed push record."""
    kind = RecordKind.ORDER if rejected.kind == "order" else RecordKind.PRODUCT
    ref = storable.storable(rejected.ref, storable.ORDER_NUMBER)  # the very value may be bad
    write_record(session, link_id=link_id, kind=kind, ref=ref, document=rejected.kind,
                 status=RecordStatus.FAILED, sent=None,
                 received=storable.storable_json(rejected.raw) or None,
                 reason=storable.storable(rejected.reason, 4000))
    return IngestResult(ref, IngestOutcome.REJECTED, note=rejected.reason)


def _store_transition(  # noqa: PLR0913 - a transition row's fields
    session: Session, row: OrderRecord, order: Order, source: str, *,
    step: lifecycle.Step | None = None, note: str = "", ignored: bool = False,
) -> None:
    session.flush()  # the order row needs its id
    session.add(OrderTransition(
        order_id=row.id,
        from_state=step.source if step else row.state,
        to_state=step.dest if step else order.state,
        trigger=step.trigger if step else "ignored",
        source=source,
        platform_status=order.platform_status,
        passed_through=step.passed_through if step else False,
        ignored=ignored,
        note=note,
        occurred_at=utcnow(),
    ))


def _refresh_snapshot(row: OrderRecord, order: Order) -> None:
    if order.updated_at < row.updated_at_platform:
        return  # a stale event must not overwrite a newer snapshot
    row.platform_status = order.platform_status
    row.snapshot = order.model_dump(mode="json")
    row.updated_at_platform = max(row.updated_at_platform, order.updated_at)
