"""``jembatan status``: every link at a glance."""

from __future__ import annotations

import click

from ..console import print_table
from ..status import link_statuses


def _counts(counter) -> str:
    return ", ".join(f"{name} {count}" for name, count in sorted(counter.items())) or "-"


@click.command()
@click.pass_obj
def status(app) -> None:
    """Show per link what is connected, bound, mapped, pending and failed."""
    with app.session() as session:
        rows = [(s.link_id, f"{s.commerce} → {s.accounting}",
                 "yes" if s.connected else "NO", s.warehouses_bound, s.accounts_mapped,
                 ", ".join(s.features) or "-", _counts(s.orders), _counts(s.jobs),
                 s.records_failed) for s in link_statuses(session)]
    print_table("Status", ["link", "platforms", "connected", "warehouses", "accounts",
                           "features", "orders", "jobs", "failed records"], rows)


COMMANDS = [status]
