"""How orders come in: polling with an overlap window and backfills (webhooks: webhook_receipt).

Every path ends in ``framework.sync.orders.ingest_order``, one order per transaction, so one bad
order never blocks the rest and a crash mid-poll loses nothing (the cursor moves only after
the window was read; the overlap re-reads the edge, and re-reading is harmless).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.exc import DataError, OperationalError, StatementError

from ..domain import Rejected
from ..setup.links import build_commerce, get_link, link_info
from .orders import IngestOutcome, IngestResult, ingest_order, record_rejected

log = logging.getLogger(__name__)

#: re-read this much before the cursor: an order updated while a page was read is not missed
OVERLAP = timedelta(minutes=30)
#: a link polled for the first time looks back this far (never before its integration)
FIRST_LOOKBACK = timedelta(days=3)


@dataclass
class IntakeSummary:
    """Counts of what a poll or backfill did."""

    results: list[IngestResult] = field(default_factory=list)
    #: what the operator should know (a window clipped to the platform's horizon…)
    warnings: list[str] = field(default_factory=list)

    def count(self, outcome: IngestOutcome) -> int:
        """Return how many orders had ``outcome``."""
        return sum(1 for result in self.results if result.outcome == outcome)

    @property
    def jobs_queued(self) -> int:
        """Jobs queued by all the events together."""
        return sum(result.jobs_queued for result in self.results)


def sync_orders(app: Any, link_id: str, *, since: datetime | None = None,  # noqa: PLR0913
                until: datetime | None = None, backfill: bool = False,
                on_result: Callable[[IngestResult], None] | None = None) -> IntakeSummary:
    """Poll one link's orders updated since its cursor (minus the overlap) and ingest them.

    The range is read in the connector's ``order_window`` steps and the cursor moves after
    each, so a link behind by any gap catches up and a failure keeps what was read; a start
    before the connector's ``order_horizon`` is clipped with a warning. With ``backfill`` the
    range starts at ``since`` and orders created since then are sent even if they predate
    the integration; the cursor is left alone.
    """
    until = until or datetime.now(UTC)
    with app.session() as session:
        link = get_link(session, link_id)
        info = link_info(link)
        start = since if backfill and since else _poll_start(link, until)
    summary = IntakeSummary()
    with build_commerce(app, link) as commerce:
        start = _clip_to_horizon(commerce, link_id, start, until, summary)
        for window_start, window_end in order_windows(start, until, commerce.order_window):
            for item in commerce.iter_orders(window_start, window_end):
                result = _ingest_one(app, info, link_id, item, backfill, since)
                summary.results.append(result)
                if on_result:
                    on_result(result)
            if not backfill:
                with app.session() as session:
                    get_link(session, link_id).order_cursor = window_end
    return summary


def order_windows(start: datetime, until: datetime,
                  width: timedelta | None) -> Iterator[tuple[datetime, datetime]]:
    """Yield consecutive ``(start, end)`` windows of at most ``width`` covering the range.

    An empty range still yields one window, so a poll always reaches the connector (and the
    cursor moves to ``until``).
    """
    if width is None or until - start <= width:
        yield start, until
        return
    while start < until:
        end = min(start + width, until)
        yield start, end
        start = end


def _clip_to_horizon(commerce: Any, link_id: str, start: datetime, until: datetime,
                     summary: IntakeSummary) -> datetime:
    horizon = commerce.order_horizon
    if horizon is None or start >= until - horizon:
        return start
    clipped = until - horizon
    warning = (f"{link_id}: the store lists orders of the last {horizon} only; "
               f"the window start {start:%Y-%m-%d %H:%M} UTC was clipped to "
               f"{clipped:%Y-%m-%d %H:%M} UTC (older orders cannot be fetched)")
    log.warning(warning)
    summary.warnings.append(warning)
    return clipped


def _poll_start(link: Any, until: datetime) -> datetime:
    if link.order_cursor is not None:
        return link.order_cursor - OVERLAP
    start = until - FIRST_LOOKBACK
    return max(start, link.integrated_at) if link.integrated_at else start


def _ingest_one(app: Any, info: Any, link_id: str, item: Any, backfill: bool,  # noqa: PLR0913
                since: datetime | None) -> IngestResult:
    try:
        with app.session() as session:
            if isinstance(item, Rejected):
                return record_rejected(session, link_id, item)
            return ingest_order(session, app.plugins.hook, info, item,
                                source="backfill" if backfill else "poll",
                                not_before=since if backfill else None)
    except (DataError, StatementError) as error:
        # The last line of defence: a value the checks missed fails this order only.
        if isinstance(error, OperationalError):
            raise  # the database itself is unwell: not this order's fault
        reason = "the database refused the order: " + str(error.orig or error).splitlines()[0]
        with app.session() as session:
            return record_rejected(session, link_id, Rejected(
                kind="order", ref=getattr(item, "order_number", None) or "?", reason=reason))
