"""``jembatan records`` and ``jembatan repush``: what was sent, what failed, send it again."""

from __future__ import annotations

from typing import Any

import click

from ..console import print_table
from ..errors import ConfigError, IntegrationError
from ..jobs import RecordKind, RecordStatus
from ..setup.links import get_link
from ..storage.secrets import redact
from ..sync.records import list_records, repush_all_failed
from ..sync.records import repush as repush_record

KINDS = click.Choice([kind.value for kind in RecordKind])


def _app(obj: Any) -> Any:
    return obj.get() if hasattr(obj, "get") else obj


#: the positional word operators type, as in the seeds' "Push Order Record"
_WHAT = {"orders": "order", "products": "product", "stock": "stock", "order": "order",
         "product": "product"}


@click.command()
@click.argument("what", required=False, metavar="[orders|products|stock]",
                type=click.Choice(sorted(_WHAT)))
@click.option("--failed", is_flag=True, help="Only records that failed (they need a fix).")
@click.option("--needs-operator", is_flag=True,
              help="Only records waiting on an operator's decision (not failures).")
@click.option("--kind", type=KINDS, help="Only order, product or stock records.")
@click.option("--link", "link_id", metavar="LINK", help="Only this link's records.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1),
              help="Show at most this many, newest first.")
@click.pass_obj
def records(obj: Any, what: str | None, failed: bool, needs_operator: bool,  # noqa: PLR0913
            kind: str | None, link_id: str | None, limit: int) -> None:
    """Show push records: what was sent for each order, product and stock level.

    Every record says what happened and, for a failure, why (with the platform's own
    message). Fix the cause (a mapping, a binding, the data in the store), then re-push.

    \b
    Examples:
      jembatan records --failed
      jembatan records orders --link toko-ginee      (the seeds' Push Order Record)
      jembatan records stock --failed                (the seeds' Push Stock Record)
      jembatan repush 42
    """
    kind = _WHAT[what] if what else kind
    try:
        with _app(obj).session() as session:
            if link_id is not None:
                get_link(session, link_id)  # an unknown link is an error, not an empty table
            found = list_records(session, link_id=link_id, kind=kind, failed_only=failed,
                                 limit=limit, status=RecordStatus.NEEDS_OPERATOR
                                 if needs_operator else None)
            rows = [(r.id, r.link_id, r.kind.value, r.ref, r.document,
                     r.status.value, r.attempts,
                     r.updated_at.strftime("%m-%d %H:%M:%S")) for r in found]
            reasons = [(r.id, redact(r.reason)) for r in found if r.reason]
    except IntegrationError as error:
        raise click.ClickException(str(error)) from None
    print_table("Push records", ["ID", "Link", "Kind", "Ref", "Document", "Status", "Tries",
                                 "Updated (UTC)"], rows)
    if reasons:  # below the table, unwrapped: a reason is read (and grepped) whole
        click.echo("Why:")
        for record_id, reason in reasons:
            click.echo(f"  {record_id}: {reason}")


@click.command()
@click.argument("record_id", type=int, required=False)
@click.option("--all-failed", is_flag=True, help="Re-push every failed record.")
@click.option("--link", "link_id", metavar="LINK", help="With --all-failed: only this link.")
@click.option("--kind", type=KINDS, help="With --all-failed: only this kind.")
@click.pass_obj
def repush(obj: Any, record_id: int | None, all_failed: bool, link_id: str | None,
           kind: str | None) -> None:
    """Queue a failed record's job again, after fixing what made it fail.

    The job starts over (attempts reset) and runs on the next `jembatan worker`. Documents
    already created are not created twice: every job looks before it creates.

    \b
    Examples:
      jembatan repush 42
      jembatan repush --all-failed --link toko-ginee --kind order
    """
    try:
        if (record_id is None) == (not all_failed):
            raise ConfigError("give either a record ID or --all-failed",
                              fix="`jembatan records --failed` lists the failed records")
        with _app(obj).session() as session:
            if all_failed:
                if link_id is not None:
                    get_link(session, link_id)
                jobs = repush_all_failed(session, link_id=link_id, kind=kind)
                click.echo(f"queued {len(jobs)} job(s) again; run `jembatan worker` to send")
                return
            job = repush_record(session, record_id)
            click.echo(f"record {record_id}: job {job.id} queued again; run `jembatan worker`")
    except IntegrationError as error:
        raise click.ClickException(str(error)) from None


COMMANDS = [records, repush]
