"""``jembatan check``: the pre-flight the seed guides ask for."""

from __future__ import annotations

import click
from sqlalchemy import select

from ..checks import Severity
from ..console import print_table
from ..models import Link
from ..operations import run_checks


@click.command()
@click.option("--link", "link_id", default=None, help="Only this link (default: every link).")
@click.pass_obj
def check(app, link_id) -> None:
    """Pre-flight: list what blocks or endangers go-live, one line per problem with its fix.

    Checks SKUs with a pending action in the store, the same SKU named differently in the
    store and in Accurate, SKUs missing on either side, unbound warehouses, unmapped
    accounts and missing API scopes. Exits 1 when a blocker is found.
    """
    with app.session() as session:
        ids = [link_id] if link_id else list(session.scalars(select(Link.id).order_by(Link.id)))
    blockers = 0
    for each in ids:
        problems = run_checks(app, each)
        blockers += sum(problem.severity is Severity.BLOCKER for problem in problems)
        rows = [(p.severity.value, p.check, p.subject, p.message, p.fix) for p in problems]
        print_table(f"Check of {each}", ["severity", "check", "subject", "problem", "fix"], rows)
    if blockers:
        raise click.ClickException(f"{blockers} problem(s) block go-live; fix them and re-run")
    click.echo("ready to go live" if ids else "no links yet: jembatan link create --help")


COMMANDS = [check]
