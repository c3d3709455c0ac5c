"""``jembatan orders``: poll orders, backfill, inspect an order's path."""

from __future__ import annotations

from datetime import UTC

import click

from ..console import print_table, progress
from ..setup.links import connected_links, get_link
from ..setup.views import order_timeline
from ..sync.intake import sync_orders
from ..sync.orders import IngestOutcome


@click.group()
def orders() -> None:
    """Orders: fetch from the store, run the lifecycle, queue Accurate documents.

    `orders sync` polls once; `jembatan worker` polls on a schedule and posts the documents.
    """


@orders.command("sync")
@click.option("--link", "link_id", default=None, help="Only this link (default: every link).")
@click.pass_obj
def sync(app, link_id) -> None:
    """Poll each link's orders updated since the last poll (with an overlap) and queue jobs."""
    for each in _link_ids(app, link_id):
        with progress(f"orders of {each}") as advance:
            summary = sync_orders(app, each, on_result=lambda _r: advance(1))
        _echo_summary(each, summary)


@orders.command("backfill")
@click.option("--link", "link_id", required=True, help="The link.")
@click.option("--since", type=click.DateTime(), required=True,
              help="Send orders created since this time (UTC), even before the integration.")
@click.pass_obj
def backfill(app, link_id, since) -> None:
    """Send orders from before the integration, created since --since (operator's choice)."""
    since = since.replace(tzinfo=UTC)
    with progress(f"backfill of {link_id}") as advance:
        summary = sync_orders(app, link_id, since=since, backfill=True,
                              on_result=lambda _r: advance(1))
    _echo_summary(link_id, summary)


@orders.command("show")
@click.option("--link", "link_id", required=True, help="The link.")
@click.argument("order_number")
@click.pass_obj
def show(app, link_id, order_number) -> None:
    """Show an order's state and every event applied to it (moves and ignored ones)."""
    with app.session() as session:
        get_link(session, link_id)
        timeline = order_timeline(session, link_id, order_number)
        order = timeline.order
        rows = [(t.occurred_at.isoformat(timespec="seconds"), t.source, t.platform_status,
                 t.from_state.value, t.to_state.value,
                 "ignored" if t.ignored else ("passed" if t.passed_through else "moved"), t.note)
                for t in timeline.transitions]
        documents = [(d.kind, d.accounting_number or "-", d.accounting_id or "-")
                     for d in timeline.documents]
        click.echo(f"{order.order_number} ({order.channel}) is {order.state.value}"
                   + (f"; skipped: {order.skipped_reason}" if order.skipped_reason else ""))
    print_table("Events", ["at", "source", "platform", "from", "to", "effect", "note"], rows)
    print_table("Accounting documents", ["document", "number", "id"], documents)


def _link_ids(app, link_id: str | None) -> list[str]:
    with app.session() as session:
        if link_id:
            return [get_link(session, link_id).id]
        return [link.id for link in connected_links(session)]


def _echo_summary(link_id: str, summary) -> None:
    click.echo(f"{link_id}: {summary.count(IngestOutcome.MOVED)} moved, "
               f"{summary.count(IngestOutcome.IGNORED)} ignored (stale/duplicate), "
               f"{summary.count(IngestOutcome.SKIPPED)} skipped (before integration), "
               f"{summary.count(IngestOutcome.REJECTED)} rejected; "
               f"{summary.jobs_queued} jobs queued")


COMMANDS = [orders]
