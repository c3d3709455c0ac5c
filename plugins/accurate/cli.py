"""``jembatan accurate …``: connect a link to Accurate, list databases."""

from __future__ import annotations

import webbrowser
from typing import Any

import click

from framework import secret_option

from . import connect as connecting
from .auth import DEFAULT_ACCOUNT_URL, AccurateConfig


@click.group("accurate")
def accurate() -> None:
    """Accurate Online: connect links and inspect databases."""


def _store(app: Any, link_id: str, connection: connecting.Connection) -> None:
    from framework import connect_accounting  # the core's rule: one database per integration

    connect_accounting(app, link_id, connection.settings, connection.credentials)


@accurate.command("connect")
@click.option("--link", "link_ids", required=True, multiple=True,
              help="The link to connect; repeat it (with one --database each) to connect "
                   "several links with one OAuth authorization.")
@click.option("--account-url", default=DEFAULT_ACCOUNT_URL, show_default=True,
              help="Accurate's account host (or an emulator's URL).")
@click.option("--token", envvar="ACCURATE_API_TOKEN", show_envvar=True, callback=secret_option,
              help="API token (aat.…): env:VAR, file:PATH or prompt, never literal; use with "
                   "--signature-secret.")
@click.option("--signature-secret", envvar="ACCURATE_SIGNATURE_SECRET", show_envvar=True,
              callback=secret_option,
              help="The app's Signature Secret (API token scheme): env:VAR, file:PATH or prompt.")
@click.option("--client-id", envvar="ACCURATE_CLIENT_ID", show_envvar=True,
              help="OAuth client id (OAuth scheme).")
@click.option("--client-secret", envvar="ACCURATE_CLIENT_SECRET", show_envvar=True,
              callback=secret_option,
              help="OAuth client secret (OAuth scheme): env:VAR, file:PATH or prompt.")
@click.option("--database", "database_ids", multiple=True,
              help="Database id to open (OAuth, several databases): one per --link, in order.")
@click.option("--port", default=8765, show_default=True, help="Local OAuth callback port.")
@click.option("--no-browser", is_flag=True, help="Print the authorization URL instead.")
@click.pass_obj
def connect_command(app: Any, link_ids: tuple[str, ...], account_url: str,  # noqa: PLR0913
                    token: str | None, signature_secret: str | None, client_id: str | None,
                    client_secret: str | None, database_ids: tuple[str, ...], port: int,
                    no_browser: bool) -> None:
    """Connect a link's accounting side to an Accurate database (API token or OAuth).

    \b
    API token (Accurate: Pengaturan > Aplikasi Saya > API Token):
      export ACCURATE_API_TOKEN=aat.… ACCURATE_SIGNATURE_SECRET=…
      jembatan accurate connect --link toko
    \b
    OAuth (owner account; opens the browser, waits on 127.0.0.1:PORT for the answer):
      jembatan accurate connect --link toko --client-id … --client-secret prompt \
        --database 123
    \b
    Several databases of one Accurate account, one link each, share ONE authorization
    (a new authorization revokes the earlier one's tokens):
      jembatan accurate connect --link toko-a --database 123 --link toko-b --database 456 …
    A link connected later (`--link toko-c --database 789`) is opened with the grant a
    link of the same app and account already holds: no browser, nothing revoked.

    The database of a connected link cannot change: disconnect and re-integrate
    (`jembatan link disconnect`, then connect again).
    """
    if database_ids and len(database_ids) != len(link_ids):
        raise click.UsageError("give one --database per --link, in the same order")
    if token:
        if not signature_secret:
            raise click.UsageError("--token needs --signature-secret")
        if len(link_ids) > 1:
            raise click.UsageError("an API token opens one database: connect one --link")
        connections = [connecting.connect_api_token(account_url, token, signature_secret)]
    elif client_id and client_secret:
        from framework import accounting_contexts

        holder = connecting.grant_holder(
            (c for c in accounting_contexts(app, "accurate") if c.link_id not in link_ids),
            account_url, client_id)
        opener = click.echo if no_browser else webbrowser.open
        wanted = list(database_ids) or [None] * len(link_ids)
        connections = connecting.connect_oauth_databases(
            account_url, client_id, client_secret, wanted, port, opener, holder=holder)
        if connections[0].grant_of:
            click.echo(f"opened with the authorization {connections[0].grant_of} holds (one "
                       "grant per Accurate account: a new one would revoke it)", err=True)
    else:
        raise click.UsageError("give --token/--signature-secret or --client-id/--client-secret")
    for link_id, connection in zip(link_ids, connections, strict=True):
        _store(app, link_id, connection)
        click.echo(f"link {link_id} connected to Accurate database "
                   f"{connection.settings['database_id']} ({connection.alias})")


@accurate.command("databases")
@click.option("--link", "link_id", required=True, help="The link whose credentials to use.")
@click.pass_obj
def databases_command(app: Any, link_id: str) -> None:
    """List the Accurate databases the link's credentials can open."""
    from framework import accounting_context, get_link

    with app.session() as session:
        context = accounting_context(app, get_link(session, link_id))
    config = AccurateConfig.from_link(context.settings, context.credentials)
    for database in connecting.list_databases(config):
        click.echo(f"{database['id']}\t{database.get('alias', '')}")
