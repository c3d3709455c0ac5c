"""A link's state at a glance: for ``jembatan status`` and the web page."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .configuration import account_mappings, enabled_features, warehouse_bindings
from .jobs import RecordStatus
from .models import Job, Link, OrderRecord, PushRecord


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
    status.records_failed = session.scalar(select(func.count()).select_from(PushRecord).where(
        PushRecord.link_id == link.id,
        PushRecord.status.in_([RecordStatus.FAILED, RecordStatus.NEEDS_OPERATOR]))) or 0
    return status
