"""``jembatan check``: the pre-flight the seed guides ask for."""

from __future__ import annotations

import click
from sqlalchemy import select

from ..console import plural
from ..errors import IntegrationError
from ..setup.checks import Problem, Severity
from ..setup.operations import run_checks
from ..storage.models import Link


@click.command()
@click.option("--link", "link_id", default=None, help="Only this link (default: every link).")
@click.pass_obj
def check(app, link_id) -> None:
    """Pre-flight: list what blocks or endangers go-live, each problem with its fix.

    Checks SKUs with a pending action in the store, the same SKU named differently in the
    store and in Accurate, SKUs missing on either side, unbound warehouses, unmapped
    accounts and missing API scopes. Without --link every link is checked and reported on
    its own (one that cannot be reached does not stop the others). Exits 1 when a blocker is
    found.
    """
    with app.session() as session:
        ids = [link_id] if link_id else list(session.scalars(select(Link.id).order_by(Link.id)))
    blocked = []
    for each in ids:
        try:
            problems = run_checks(app, each)
        except IntegrationError as error:
            if link_id:  # asked for this one link: its error is the answer
                raise
            problems = [Problem("cannot-check", each, f"the link could not be checked: "
                                f"{error.message}", error.fix or f"jembatan link show {each}")]
        report(each, problems)
        if any(problem.severity is Severity.BLOCKER for problem in problems):
            blocked.append(each)
    if blocked:
        raise click.ClickException(f"go-live blocked on {', '.join(blocked)}: fix the problems "
                                   "above and re-run `jembatan check`")
    click.echo("ready to go live" if ids else "no links yet: jembatan link create --help")


def report(link_id: str, problems: list[Problem]) -> None:
    """Print one link's problems: a headline with the counts, then each with its fix."""
    blockers = sum(problem.severity is Severity.BLOCKER for problem in problems)
    warnings = len(problems) - blockers
    if not problems:
        click.echo(f"Check of {link_id}: no problems")
        return
    click.secho(f"Check of {link_id}: {plural(blockers, 'blocker')}, "
                f"{plural(warnings, 'warning')}", bold=True)
    for problem in problems:
        mark = "BLOCKER" if problem.severity is Severity.BLOCKER else "warning"
        click.echo(f"  {mark:<7}  {problem.check}  {problem.subject}")
        click.echo(f"           {problem.message}")
        click.echo(f"           fix: {problem.fix}")


COMMANDS = [check]
