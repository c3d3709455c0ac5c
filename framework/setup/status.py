"""A link's state at a glance: for ``jembatan status`` and the web page."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..jobs import RecordStatus
from ..storage.models import DocumentBindingRow, Job, Link, OrderRecord, PushRecord
from .configuration import account_mappings, enabled_features, warehouse_bindings


@dataclass
class LinkStatus:
    """What is connected, bound, mapped, pending and failed for one link."""

    link_id: str
    commerce: str
    accounting: str
    connected: bool
    features: list[str]
    warehouses_bound: int
    accounts_mapped: int
    orders: Counter[str] = field(default_factory=Counter)
    jobs: Counter[str] = field(default_factory=Counter)
    records_failed: int = 0
    #: records waiting on a decision only an operator can make (not failures: nothing to fix)
    records_needs_operator: int = 0
    #: whether each side's credentials have ever worked: ``{"store": bool, "accounting": bool}``
    verified: dict[str, bool] = field(default_factory=dict)


def link_statuses(session: Session) -> list[LinkStatus]:
    """Return the status of every link."""
    return [link_status(session, link) for link in session.scalars(select(Link).order_by(Link.id))]


def link_status(session: Session, link: Link) -> LinkStatus:
    """Return one link's status."""
    status = LinkStatus(
        link.id, link.commerce, link.accounting, link.disconnected_at is None,
        sorted(f.value for f in enabled_features(link)),
        len(warehouse_bindings(session, link.id)), len(account_mappings(session, link.id)))
    for state, count in session.execute(
            select(OrderRecord.state, func.count()).where(OrderRecord.link_id == link.id)
            .group_by(OrderRecord.state)):
        status.orders[state.value] = count
    for job_status, count in session.execute(
            select(Job.status, func.count()).where(Job.link_id == link.id)
            .group_by(Job.status)):
        status.jobs[job_status.value] = count
    for record_status, count in session.execute(
            select(PushRecord.status, func.count()).where(PushRecord.link_id == link.id)
            .group_by(PushRecord.status)):
        if record_status is RecordStatus.FAILED:
            status.records_failed = count
        elif record_status is RecordStatus.NEEDS_OPERATOR:
            status.records_needs_operator = count
    status.verified = credentials_verified(session, link)
    return status


def credentials_verified(session: Session, link: Link) -> dict[str, bool]:
    """Whether each side's credentials have ever been used successfully.

    Evidence, not a stored flag: the store answered a poll (the order cursor moved) or an order
    came in; the accounting system holds a document or item jembatan created. A link whose
    credentials were never tried shows "not verified", never "yes".
    """
    store = link.order_cursor is not None or bool(session.scalar(
        select(func.count()).select_from(OrderRecord).where(OrderRecord.link_id == link.id)))
    accounting = bool(session.scalar(select(func.count()).select_from(DocumentBindingRow).where(
        DocumentBindingRow.link_id == link.id)))
    return {"store": store, "accounting": accounting}
