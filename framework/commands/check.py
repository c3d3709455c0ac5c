"""``jembatan check``: the pre-flight the seed guides ask for."""

from __future__ import annotations

import click
from sqlalchemy import select

from ..checks import CheckContext, Problem, Severity
from ..configuration import account_mappings, warehouse_bindings
from ..console import print_table
from ..links import build_accounting, build_commerce, get_link, link_info
from ..models import Link


def run_checks(app, link_id: str) -> list[Problem]:
    """Run every plugin's ``check_link`` for one link and return the problems found."""
    with app.session() as session:
        link = get_link(session, link_id)
        bindings = {b.store_warehouse_id: b.accounting_warehouse
                    for b in warehouse_bindings(session, link_id)}
        mappings = {(m.role.value, m.qualifier): m.value
                    for m in account_mappings(session, link_id)}
        info = link_info(link)
    with build_commerce(app, link) as commerce, build_accounting(app, link) as accounting:
        context = CheckContext(info, commerce, accounting, bindings, mappings)
        found = app.plugins.hook.check_link(context=context)
    return [problem for problems in found for problem in problems or ()]


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
