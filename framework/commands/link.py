"""``jembatan link``: join a store to an accounting database, list, show, disconnect, delete."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import click
from sqlalchemy import delete, func, select

from ..console import parse_pairs, print_table
from ..errors import ConfigError
from ..jobs import JobStatus
from ..secret_input import parse_secret_pairs
from ..setup.configuration import account_mappings, enabled_features, warehouse_bindings
from ..setup.integrations import DATABASE_SETTINGS, disconnect_accounting
from ..setup.links import create_link, get_link, live_now
from ..setup.reconnection import reconnect_accounting
from ..setup.sharing import check_shared_database
from ..storage.models import Job, Link

#: the four repeatable KEY=VALUE options of ``link create`` and ``link set``
PAIR_OPTIONS = (
    ("--store-setting", "Store setting, e.g. base_url=https://api.ginee.com."),
    ("--store-credential", "Store secret, encrypted at rest: KEY=env:VAR, KEY=file:PATH or "
                           "KEY=prompt (never a literal)."),
    ("--accounting-setting", "Accounting setting, e.g. account_url=…, database_id=… (the "
                             "database of a connected link cannot change)."),
    ("--accounting-credential", "Accounting secret (api_token, signature_secret…): env:VAR, "
                                "file:PATH or prompt."),
)


def _pair_options(command: Any) -> Any:
    for flag, text in reversed(PAIR_OPTIONS):
        command = click.option(flag, multiple=True, metavar="KEY=VALUE",
                               help=f"{text} Repeatable.")(command)
    return command


@click.group()
def link() -> None:
    """Links: one store (Ginee or Forstok) joined to one Accurate database.

    Everything else (warehouses, accounts, features, orders, records) is per link. Several
    Accurate databases authorised at once become several links.
    """


@link.command("create")
@click.argument("link_id")
@click.option("--store", "commerce", required=True, help="Store platform, e.g. ginee, forstok.")
@click.option("--accounting", default="accurate", show_default=True,
              help="Accounting system.")
@click.option("--name", default="", help="A readable name for tables.")
@_pair_options
@click.option("--integrated-at", type=click.DateTime(), default=None,
              help="When the link goes live (UTC); orders created before it are not sent. "
                   "Default: now.")
@click.option("--allow-shared-database", is_flag=True,
              help="Allow a second link on the same store account and accounting database "
                   "(its documents get numbers of their own). Refused without it.")
@click.pass_obj
def create(app, link_id, commerce, accounting, name, store_setting, store_credential,  # noqa: PLR0913
           accounting_setting, accounting_credential, integrated_at,
           allow_shared_database) -> None:
    """Create LINK_ID, joining a store account to one accounting database.

    \b
    Example (API token):
      jembatan link create toko --store ginee \\
        --store-credential access_key=env:GINEE_KEY \\
        --store-credential secret_key=env:GINEE_SECRET \\
        --accounting-setting database_id=1 --accounting-credential api_token=env:ACCURATE_TOKEN \\
        --accounting-credential signature_secret=env:ACCURATE_SECRET
    """
    registry = app.plugins.registry
    registry.commerce(commerce)
    registry.accounting(accounting)
    live = integrated_at.replace(tzinfo=UTC) if integrated_at else live_now()
    store_credentials = parse_secret_pairs(store_credential, "--store-credential")
    books_settings = parse_pairs(accounting_setting, "--accounting-setting")
    with app.session() as session:
        books_settings |= check_shared_database(
            app, session, link_id=link_id, commerce=commerce,
            commerce_credentials=store_credentials, accounting=accounting,
            accounting_settings=books_settings, allow=allow_shared_database)
        create_link(session, app.secrets, id=link_id, name=name or link_id,
                    commerce=commerce, accounting=accounting,
                    commerce_settings=parse_pairs(store_setting, "--store-setting"),
                    commerce_credentials=store_credentials,
                    accounting_settings=books_settings,
                    accounting_credentials=parse_secret_pairs(accounting_credential,
                                                       "--accounting-credential"),
                    integrated_at=live, features={"invoice": True})
    click.echo(f"link {link_id} created: {commerce} → {accounting}, live since "
               f"{live.isoformat(timespec='seconds')}")


@link.command("list")
@click.pass_obj
def list_command(app) -> None:
    """List every link with its platforms and state."""
    with app.session() as session:
        rows = [(entry.id, entry.commerce, entry.accounting,
                 entry.accounting_settings.get("database_id", ""), _when(entry.integrated_at),
                 "disconnected" if entry.disconnected_at else "connected")
                for entry in session.scalars(select(Link).order_by(Link.id))]
    print_table("Links", ["link", "store", "accounting", "database", "live since", "state"], rows)


@link.command("show")
@click.argument("link_id")
@click.pass_obj
def show(app, link_id) -> None:
    """Show a link: settings (secrets redacted), features, bindings, mappings."""
    with app.session() as session:
        entry = get_link(session, link_id)
        click.echo(f"link {entry.id} ({entry.name}): {entry.commerce} → {entry.accounting}")
        click.echo(f"  live since: {_when(entry.integrated_at)}; "
                   f"order cursor: {_when(entry.order_cursor)}")
        click.echo(f"  state: {'disconnected' if entry.disconnected_at else 'connected'}")
        click.echo(f"  store settings: {dict(entry.commerce_settings)}")
        click.echo(f"  accounting settings: {dict(entry.accounting_settings)}")
        click.echo("  secrets: stored encrypted (never shown)")
        click.echo("  features: " + ", ".join(sorted(f.value for f in enabled_features(entry))))
        for binding in warehouse_bindings(session, entry.id):
            click.echo(f"  warehouse {binding.store_warehouse_id} ↔ {binding.accounting_warehouse}")
        for mapping in account_mappings(session, entry.id):
            qualifier = f" [{mapping.qualifier}]" if mapping.qualifier else ""
            click.echo(f"  account {mapping.role.value}{qualifier} → {mapping.value}")


@link.command("disconnect")
@click.argument("link_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def disconnect(app, link_id, yes) -> None:
    """Disconnect the accounting side of a link (stops all sync; deletes nothing sent).

    To use another Accurate database, disconnect, then `jembatan link reconnect`.
    """
    if not yes and not click.confirm(f"Disconnect {link_id}? Sync stops until reconnected"):
        raise click.ClickException("not confirmed; nothing changed (use --yes to skip asking)")
    disconnect_accounting(app, link_id)
    click.echo(f"link {link_id} disconnected; reconnect with `jembatan link reconnect {link_id}`")


@link.command("reconnect")
@click.argument("link_id")
@click.option("--accounting-setting", multiple=True, metavar="KEY=VALUE",
              help="Accounting setting (e.g. the new database_id).")
@click.option("--accounting-credential", multiple=True, metavar="KEY=VALUE",
              help="Accounting secret: KEY=env:VAR, KEY=file:PATH or KEY=prompt.")
@click.pass_obj
def reconnect(app, link_id, accounting_setting, accounting_credential) -> None:
    """Re-integrate a disconnected link, possibly with another database; goes live now.

    The new connection is tried first (its warehouses and accounts are listed): without
    working credentials the link stays disconnected. After a database change the old
    database's item and customer memory is forgotten, and bindings and mappings the new
    database lacks are named with their fix.
    """
    notes = reconnect_accounting(
        app, link_id, parse_pairs(accounting_setting, "--accounting-setting"),
        parse_secret_pairs(accounting_credential, "--accounting-credential"))
    click.echo(f"link {link_id} reconnected; orders created from now on are sent")
    for note in notes:
        click.echo(f"  {note}")


@link.command("set")
@click.argument("link_id")
@_pair_options
@click.pass_obj
def set_command(app, link_id, store_setting, accounting_setting,  # noqa: PLR0913
                store_credential, accounting_credential) -> None:
    """Change a link's settings or replace its secrets; the database stays the same.

    \b
    Example (rotated Ginee keys):
      jembatan link set toko --store-credential secret_key=env:GINEE_SECRET
    """
    accounting = parse_pairs(accounting_setting, "--accounting-setting")
    with app.session() as session:
        entry = get_link(session, link_id)
        for key in DATABASE_SETTINGS:
            if key in accounting and accounting[key] != str(entry.accounting_settings.get(key)):
                raise ConfigError(
                    f"link {link_id} is connected to database "
                    f"{entry.accounting_settings.get(key)}; changing the database requires "
                    "re-integration",
                    fix=f"jembatan link disconnect {link_id}, then jembatan link reconnect "
                        f"{link_id} --accounting-setting {key}={accounting[key]} …")
        entry.commerce_settings = {**entry.commerce_settings, **parse_pairs(store_setting,
                                                                    "--store-setting")}
        entry.accounting_settings = {**entry.accounting_settings, **accounting}
        registry = app.plugins.registry
        for column, pairs, option, connector in (
                ("commerce_credentials", store_credential, "--store-credential",
                 registry.commerce(entry.commerce)),
                ("accounting_credentials", accounting_credential, "--accounting-credential",
                 registry.accounting(entry.accounting))):
            if pairs:
                stored = getattr(entry, column)
                current = app.secrets.decrypt(stored) if stored else {}
                kept = {k: v for k, v in current.items()
                        if k not in connector.derived_credentials}  # stale with the new secret
                setattr(entry, column,
                        app.secrets.encrypt({**kept, **parse_secret_pairs(pairs, option)}))
    click.echo(f"link {link_id} updated")


@link.command("webhook-url")
@click.argument("link_id")
@click.option("--base-url", default="http://HOST:PORT", show_default=True,
              help="Where `jembatan worker --listen` is reached from the "
                   "internet, e.g. https://jembatan.example.com.")
@click.option("--rotate", is_flag=True,
              help="Make a new token; the old URL is refused from then on.")
@click.pass_obj
def webhook_url(app, link_id, base_url, rotate) -> None:
    """Show the secret URL to register as LINK_ID's webhook in the store's settings.

    The last part of the URL is the link's own random token (stored encrypted): a delivery
    to a wrong token is refused before anything is stored. Keep the URL secret; if it leaked,
    --rotate and register the new one.

    \b
    Example:
      jembatan link webhook-url toko --base-url https://jembatan.example.com
    """
    from ..sync.webhook_receipt import link_webhook_token

    token = link_webhook_token(app, link_id, rotate=rotate)
    # Deliberately shown: the operator copies it into the store's webhook settings.
    click.echo(f"{base_url.rstrip('/')}/webhooks/{link_id}/{token}")
    if rotate:
        click.echo("new token made: register this URL in the store; the old one is refused")


@link.command("delete")
@click.argument("link_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--force", is_flag=True,
              help="Delete even while the link has jobs pending (they are dropped, unsent).")
@click.pass_obj
def delete_command(app, link_id, yes, force) -> None:
    """Delete LINK_ID and everything jembatan keeps for it (bindings, orders, jobs, records).

    Nothing is deleted in the store or in Accurate. Asks first; refuses while jobs are still
    queued or running (let `jembatan worker --burst` finish them) unless --force.
    """
    with app.session() as session:
        get_link(session, link_id)
        pending = session.scalar(select(func.count()).select_from(Job).where(
            Job.link_id == link_id, Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]))) or 0
    if pending and not force:
        raise ConfigError(f"link {link_id} has {pending} job(s) pending; deleting it would drop "
                          "them unsent",
                          fix="let them finish (jembatan worker --burst), or add --force to "
                              "drop them")
    dropped = f" and drop its {pending} pending job(s)" if pending else ""
    if not yes and not click.confirm(f"Delete link {link_id}{dropped}? Its bindings, mappings, "
                                     "orders and records go too"):
        raise click.ClickException("not confirmed; nothing deleted (use --yes to skip asking)")
    with app.session() as session:
        session.execute(delete(Link).where(Link.id == link_id))
    click.echo(f"link {link_id} deleted; nothing was changed in the store or in Accurate")


def _when(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else "-"


COMMANDS = [link]
