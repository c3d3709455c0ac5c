"""``jembatan stock``: pull Accurate stock into the store."""

from __future__ import annotations

import click
from sqlalchemy import select

from ..console import describe_counts, plural, print_table, working
from ..jobs import RecordKind, RecordStatus
from ..runtime.runner import Runner
from ..storage.models import PushRecord
from ..sync.stock import prepare_stock_pull, queue_stock_pull


@click.group()
def stock() -> None:
    """Stock, Accurate → store (the seeds' Pull Stock)."""


@stock.command("pull")
@click.option("--link", "link_id", required=True, help="The link.")
@click.option("--warehouse", "store_warehouse", default=None,
              help="Only this bound store warehouse (default: every bound one).")
@click.option("--dry-run", is_flag=True, help="Only show what would change.")
@click.option("--yes", is_flag=True, help="Do not ask before overwriting store stock.")
@click.pass_obj
def pull(app, link_id, store_warehouse, dry_run, yes) -> None:
    """Overwrite the store's stock with Accurate's, for bound warehouses only.

    \b
    new store on-hand = Accurate on-hand in the bound warehouse
                        − quantities of orders already ready to ship in the store whose
                          invoice has not reached Accurate yet
    SKUs present on one side only are left alone, and so are SKUs named differently on the
    two sides (`jembatan check` flags them). Shows the changes first and asks.
    """
    click.echo(f"reading stock of {link_id} in the store and in the accounting system…",
               err=True)
    changes = prepare_stock_pull(app, link_id, store_warehouse)  # marks the names that differ
    changing = [c for c in changes if c.changes]
    mismatched = sorted({c.sku for c in changes if c.skipped})
    print_table(f"Stock changes for {link_id}",
                ["SKU", "store wh", "store now", "Accurate on hand", "awaiting invoice", "new"],
                [(c.sku, c.store_warehouse_id, c.store_quantity, c.accounting_on_hand,
                  c.awaiting_invoice, c.new_quantity) for c in changing])
    click.echo(f"{len(changing)} of {plural(len(changes), 'SKU')} change")
    if mismatched:
        click.echo(f"skipped {plural(len(mismatched), 'SKU')} named differently in the store "
                   f"and in the accounting system ({', '.join(mismatched[:5])}"
                   f"{' …' if len(mismatched) > 5 else ''}): give them the same name, then pull "
                   f"again (jembatan check --link {link_id} lists them)")
    if dry_run:
        return
    if not changing:
        queue_stock_pull(app, link_id, changes)  # records the skipped SKUs, queues nothing
        return
    if not yes and not click.confirm("Overwrite the store's stock with these quantities?"):
        raise click.ClickException("not confirmed; store stock unchanged (use --yes)")
    queue_stock_pull(app, link_id, changes)
    with working(f"updating the store's stock of {link_id}", total=len(changing)):
        counts = Runner(app, link_ids=[link_id]).run_burst()
    click.echo(f"store stock: {_stock_outcome(app, link_id, changing)}; "
               f"{describe_counts(counts, 'job')}")


def _stock_outcome(app, link_id: str, changing: list) -> str:
    refs = {f"{c.sku}@{c.store_warehouse_id}" for c in changing}
    with app.session() as session:
        rows = session.execute(select(PushRecord.ref, PushRecord.status).where(
            PushRecord.link_id == link_id, PushRecord.kind == RecordKind.STOCK,
            PushRecord.ref.in_(sorted(refs)))).all()
    done = sum(status is RecordStatus.SUCCEEDED for ref, status in rows)
    refused = sum(status is RecordStatus.FAILED for ref, status in rows)
    text = f"{done} of {plural(len(refs), 'SKU')} updated"
    if refused:
        text += f", {refused} refused (jembatan records stock --failed --link {link_id})"
    return text


COMMANDS = [stock]
