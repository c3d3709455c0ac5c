"""``jembatan payouts``: settled orders against their booked receipts; settlement imports."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from ..console import print_table
from ..errors import ConfigError
from ..money.payouts import DEFAULT_LATE_DAYS, ROW_COLUMNS, payout_rows, rows_csv
from ..money.settlements import import_settlements, read_settlements
from ..setup.links import get_link


def _app(obj: Any) -> Any:
    return obj.get() if hasattr(obj, "get") else obj


def _day(value: Any) -> date | None:
    return value.date() if value else None


@click.group(invoke_without_command=True)
@click.option("--link", "link_id", metavar="LINK", help="The link (required to list).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Delivered on or after.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Delivered on or before.")
@click.option("--late-days", default=DEFAULT_LATE_DAYS, show_default=True,
              type=click.IntRange(1), help="Flag orders with no payout this long after delivery.")
@click.option("--csv", "as_csv", is_flag=True, help="Write CSV to stdout instead of a table.")
@click.pass_context
def payouts(ctx: click.Context, link_id: str | None, since: Any, until: Any,  # noqa: PLR0913
            late_days: int, as_csv: bool) -> None:
    """Compare each settled order's expected net payout with the receipt booked.

    A settled order is delivered, completed, returned or cancelled after its invoice. The
    difference is booked minus expected; "late" means nothing was booked LATE-DAYS days after
    delivery. docs/money.md explains every column.

    \b
    Examples:
      jembatan payouts --link toko-ginee --since 2026-11-01
      jembatan payouts --link toko-ginee --csv > payouts.csv
      jembatan payouts import settlement.csv --link toko-ginee
    """
    if ctx.invoked_subcommand is not None:
        return
    if not link_id:
        raise click.UsageError("--link is required")
    with _app(ctx.obj).session() as session:
        get_link(session, link_id)
        rows = payout_rows(session, link_id, since=_day(since), until=_day(until),
                           late_days=late_days)
    if as_csv:
        click.echo(rows_csv(rows), nl=False)
        return
    print_table(f"payouts of {link_id}", ROW_COLUMNS, [row.cells() for row in rows])
    booked = [row for row in rows if row.booked is not None]
    off = [row for row in booked if row.difference]
    late = [row for row in rows if row.late]
    click.echo(f"{len(rows)} settled, {len(booked)} booked, {len(off)} with a difference, "
               f"{len(late)} late")


@payouts.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--link", "link_id", metavar="LINK", required=True, help="The link.")
@click.pass_obj
def import_command(obj: Any, file: Path, link_id: str) -> None:
    """Book or correct payout receipts from a marketplace settlement export (CSV).

    Columns: order_number, released_amount, release_date and optionally commission_fee,
    service_fee, payment_fee, shipping_difference, seller_voucher, other_fee,
    platform_subsidy (docs/money.md). Each order is booked once; importing the same file
    again changes nothing, a corrected figure corrects the receipt. The worker posts them.
    """
    try:
        rows, errors = read_settlements(file.read_text(encoding="utf-8-sig"))
    except ValueError as error:
        raise ConfigError(str(error), fix="see the layout in docs/money.md") from None
    app = _app(obj)
    with app.session() as session:
        outcomes = import_settlements(session, app.plugins.hook, link_id, rows)
    print_table(f"settlement import for {link_id}", ("order", "action", "detail"),
                [(o.order_number, o.action, o.detail) for o in outcomes])
    for error in errors:
        click.echo(f"skipped {error}")
    queued = sum(1 for o in outcomes if o.action == "queued")
    click.echo(f"{queued} queued (run `jembatan worker` to post them), "
               f"{len(outcomes) - queued} unchanged, {len(errors)} unreadable")


COMMANDS = [payouts]
