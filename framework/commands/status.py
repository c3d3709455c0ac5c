"""``jembatan status``: every link at a glance."""

from __future__ import annotations

import click

from ..console import plural, print_table
from ..jobs import JobStatus
from ..setup.status import LinkStatus, link_statuses

#: job statuses still to run (the rest are done, one way or the other)
WAITING = (JobStatus.QUEUED.value, JobStatus.RUNNING.value)


def _credentials(status: LinkStatus) -> str:
    if not status.connected:
        return "disconnected"
    unverified = [side for side, ok in sorted(status.verified.items()) if not ok]
    if not unverified:
        return "verified"
    if len(unverified) == len(status.verified):
        return "not verified"
    return f"{' and '.join(unverified)} not verified"


def _row(status: LinkStatus) -> tuple:
    waiting = sum(status.jobs.get(name, 0) for name in WAITING)
    return (status.link_id, f"{status.commerce}→{status.accounting}", _credentials(status),
            f"{status.warehouses_bound} wh, {status.accounts_mapped} acc",
            sum(status.orders.values()), waiting,
            status.records_failed, status.records_needs_operator)


@click.command()
@click.pass_obj
def status(app) -> None:
    """Show per link: credentials, set-up, orders seen, jobs waiting and what needs you.

    \b
    Columns: credentials verified or not; warehouses bound and accounts mapped; orders
    seen; jobs waiting to run; records failed; records waiting on an operator.

    "not verified" means the credentials were stored but never used successfully yet
    (`jembatan check` tries them). Records that failed need a fix and a re-push; records
    that need an operator wait on a decision (`jembatan records --needs-operator`).
    """
    with app.session() as session:
        statuses = link_statuses(session)
    print_table("Status", ["link", "platforms", "credentials", "set up", "orders", "waiting",
                           "failed", "operator"],
                [_row(s) for s in statuses])
    failed = sum(s.records_failed for s in statuses)
    waiting = sum(s.records_needs_operator for s in statuses)
    if failed:
        click.echo(f"{plural(failed, 'record')} failed: jembatan records --failed")
    if waiting:
        click.echo(f"{plural(waiting, 'record')} need an operator: "
                   "jembatan records --needs-operator")
    if any(s.connected and not all(s.verified.values()) for s in statuses):
        click.echo("not verified: credentials never used successfully yet; jembatan check "
                   "tries them")


COMMANDS = [status]
