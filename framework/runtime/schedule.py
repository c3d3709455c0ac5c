"""What a long-running worker does besides running jobs: poll orders and keep stock in step.

``jembatan worker`` (without ``--burst``) runs these as the runner's periodic tasks:

- every ``poll_seconds``: poll every connected link's orders (webhooks are the fast path, the
  poll is the safety net that never misses an order: it reads with an overlap window);
- every ``stock_seconds``, and sooner when an order of the link reached ready to ship since the
  last pull (its invoice lowers Accurate's on-hand): a stock pull for links whose
  ``stock_sync`` feature is on;
- every hour: delete webhook deliveries older than their keeping time (default 14 days).

Each link is handled on its own: a link whose platform is down is logged and retried at the
next tick; the others carry on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from ..domain import OrderState
from ..errors import IntegrationError
from ..jobs import Feature
from ..setup.configuration import enabled_features
from ..setup.links import connected_links as links_in_use
from ..storage.models import Link, OrderRecord, OrderTransition, utcnow
from ..sync.intake import sync_orders
from ..sync.stock import prepare_stock_pull, queue_stock_pull
from ..sync.webhook_receipt import KEEP_DELIVERIES, prune_deliveries
from .runner import PeriodicTask

log = logging.getLogger(__name__)

#: how often the stock-sync task looks whether a pull is due
STOCK_TICK_SECONDS = 15.0


def connected_links(app: Any) -> list[Link]:
    """Return every connected link, detached so it can be read after the session."""
    with app.session() as session:
        links = links_in_use(session)
        session.expunge_all()
        return links


def poll_orders(app: Any) -> None:
    """Poll once every connected link's orders; a failing link does not stop the others."""
    for link in connected_links(app):
        try:
            summary = sync_orders(app, link.id)
        except IntegrationError as error:
            log.warning("polling orders of %s failed: %s", link.id, error)
            continue
        except Exception:  # noqa: BLE001 - task boundary: one link's bug never stops the rest
            log.exception("polling orders of %s crashed", link.id)
            continue
        log.info("polled %s: %d results, %d jobs queued", link.id, len(summary.results),
                 summary.jobs_queued)


@dataclass
class StockSync:
    """The periodic stock pull of links with ``stock_sync`` on (callable as a task)."""

    interval_seconds: float
    last_pull: dict[str, datetime] = field(default_factory=dict)

    def __call__(self, app: Any) -> None:
        """Pull stock for every stock-sync link that is due."""
        for link in connected_links(app):
            if Feature.STOCK_SYNC not in enabled_features(link):
                continue
            if self.due(app, link.id):
                self.pull(app, link.id)

    def due(self, app: Any, link_id: str) -> bool:
        """Due when never pulled, when the interval passed, or after a ready-to-ship order."""
        last = self.last_pull.get(link_id)
        if last is None or (utcnow() - last).total_seconds() >= self.interval_seconds:
            return True
        return shipped_since(app, link_id, last) > 0

    def pull(self, app: Any, link_id: str) -> None:
        """Plan and queue one link's pull; the jobs run like any other."""
        # Marked first: a link that cannot be pulled (no binding, a platform down) is tried
        # again after the interval, not at every tick.
        self.last_pull[link_id] = utcnow()
        try:
            changes = prepare_stock_pull(app, link_id)
        except IntegrationError as error:
            log.warning("stock sync of %s skipped: %s", link_id, error)
            return
        # the skipped SKUs (named differently on the two sides) are recorded and logged there
        queued = queue_stock_pull(app, link_id, changes)
        skipped = sum(change.skipped for change in changes)
        log.info("stock sync of %s: %d jobs queued%s", link_id, queued,
                 f", {skipped} SKUs named differently left alone" if skipped else "")


def shipped_since(app: Any, link_id: str, moment: datetime) -> int:
    """Count the link's orders that entered ready to ship after ``moment``."""
    with app.session() as session:
        return session.scalar(
            select(func.count()).select_from(OrderTransition)
            .join(OrderRecord, OrderRecord.id == OrderTransition.order_id)
            .where(OrderRecord.link_id == link_id,
                   OrderTransition.to_state == OrderState.READY_TO_SHIP,
                   OrderTransition.ignored.is_(False),
                   OrderTransition.occurred_at > moment)) or 0


#: how often the worker prunes webhook deliveries older than their keeping time
PRUNE_SECONDS = 3600.0


@dataclass
class PruneDeliveries:
    """The periodic pruning of webhook deliveries kept longer than ``keep_days``."""

    keep_days: float = KEEP_DELIVERIES.days

    def __call__(self, app: Any) -> None:
        """Delete the deliveries received more than ``keep_days`` ago."""
        gone = prune_deliveries(app, timedelta(days=self.keep_days))
        if gone:
            log.info("pruned %d webhook deliveries older than %g days", gone, self.keep_days)


def worker_tasks(poll_seconds: float, stock_seconds: float,
                 keep_webhooks_days: float = KEEP_DELIVERIES.days) -> list[PeriodicTask]:
    """Return the worker's periodic tasks; an interval of 0 switches a task off."""
    tasks: list[PeriodicTask] = [(PRUNE_SECONDS, PruneDeliveries(keep_webhooks_days))]
    if poll_seconds > 0:
        tasks.append((poll_seconds, poll_orders))
    if stock_seconds > 0:
        tasks.append((STOCK_TICK_SECONDS, StockSync(stock_seconds)))
    return tasks
