"""The demo's closing summary: what Accurate holds, against what the table says it should."""

from __future__ import annotations

from collections import Counter
from typing import Any

import click
from sqlalchemy import func, select

from framework.app import App
from framework.console import print_table
from framework.jobs import RecordStatus
from framework.storage.models import Job, PushRecord

from .story import expected_documents
from .world import WAREHOUSE, World

SAMPLE = 3


def sample_stock(world: World) -> dict[tuple[str, str], int]:
    """Store stock of a few SKUs per store, before the pull."""
    return {(store.link_id, sku): int(store.emulator.stock(store.warehouse_id, sku))
            for store in world.stores for sku in store.skus[:SAMPLE]}


def accurate_counts(world: World, database_id: int) -> dict[str, int]:
    """Documents per kind in one Accurate database, closed sales orders counted apart."""
    accurate = world.accurate
    orders = accurate.documents(database_id, "sales_order")
    return {
        "sales_order": len(orders),
        "sales_invoice": len(accurate.documents(database_id, "sales_invoice")),
        "sales_receipt": len(accurate.documents(database_id, "sales_receipt")),
        "closed_sales_order": sum(bool(o.get("manualClosed")) for o in orders),
        "item": len(accurate.documents(database_id, "item")),
    }


def print_summary(app: App, world: World, before: dict[tuple[str, str], int]) -> dict[str, Any]:
    """Print the tables and return the numbers (the demo's test reads them)."""
    click.secho("\nSummary", bold=True)
    numbers: dict[str, Any] = {}
    rows = []
    for store in world.stores:
        held = accurate_counts(world, store.database_id)
        expected = expected_documents(store.planned, auto_paid=store.platform == "ginee")
        numbers[store.link_id] = {"held": held, "expected": expected}
        for kind in ("sales_order", "sales_invoice", "sales_receipt", "closed_sales_order"):
            mark = "✓" if held[kind] == expected[kind] else "✗"
            rows.append((store.link_id, kind, held[kind], expected[kind], mark))
        rows.append((store.link_id, "item", held["item"], "", ""))
    print_table("Documents in Accurate (emulator's own count) vs the lifecycle table",
                ["link", "document", "in Accurate", "expected", ""], rows)
    _print_stock(world, before)
    numbers["jobs"] = _print_jobs(app)
    numbers["failed"] = _print_failures(app)
    return numbers


def _print_stock(world: World, before: dict[tuple[str, str], int]) -> None:
    rows = []
    for (link_id, sku), was in before.items():
        store = next(s for s in world.stores if s.link_id == link_id)
        on_hand, reserved = world.accurate.stock(store.database_id, sku, WAREHOUSE)
        rows.append((link_id, sku, was, int(store.emulator.stock(store.warehouse_id, sku)),
                     int(on_hand), int(reserved)))
    print_table("Stock (store before the pull, store now, Accurate now)",
                ["link", "SKU", "store before", "store now", "Accurate on hand",
                 "Accurate reserved"], rows)


def _print_jobs(app: App) -> dict[str, int]:
    with app.session() as session:
        counts = Counter({status.value: count for status, count in session.execute(
            select(Job.status, func.count()).group_by(Job.status))})
    click.echo("jobs: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return dict(counts)


def _print_failures(app: App) -> list[tuple[str, str, str, str]]:
    with app.session() as session:
        records = session.scalars(select(PushRecord).where(PushRecord.status.in_(
            [RecordStatus.FAILED, RecordStatus.NEEDS_OPERATOR, RecordStatus.SKIPPED]))
            .order_by(PushRecord.link_id, PushRecord.kind, PushRecord.ref)).all()
        rows = [(r.id, r.link_id, r.kind.value, r.ref, r.status.value, r.reason)
                for r in records]
    print_table("Records that did not simply succeed",
                ["ID", "link", "kind", "ref", "status"], [row[:5] for row in rows])
    if rows:  # below the table, whole: a reason is read, not squeezed into a column
        click.echo("Why:")
        for record_id, *_rest, reason in rows:
            click.echo(f"  {record_id}: {reason[:300]}")
    return [(row[1], row[3], row[4], row[5]) for row in rows]
