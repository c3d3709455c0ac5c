"""Re-integrating a disconnected link, maybe to another accounting database, wholly.

``reconnect_accounting`` first proves the new connection works (it lists the database's
warehouses and accounts with the new settings and credentials: a link without working
credentials is refused and stays disconnected), then re-integrates the link (live from now).
When the database changed, what the link remembered about the old one goes: the document
bindings (item and customer memory, the old database's documents) are forgotten, warehouse
bindings to a warehouse the new database lacks are removed, and account mappings to accounts
it lacks are reported, each with the fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select

from ..connectors import LinkContext
from ..domain import Account, Warehouse
from ..errors import ConfigError, IntegrationError
from ..jobs import AccountRole
from ..storage.models import AccountMapping, DocumentBindingRow, Link, WarehouseBinding
from .links import get_link, reintegrate

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..app import App

#: accounting settings that name the database: a change means another database
DATABASE_SETTINGS = ("database_id",)


def reconnect_accounting(app: App, link_id: str, settings: Mapping[str, Any],
                         credentials: Mapping[str, Any]) -> list[str]:
    """Re-integrate a disconnected link after proving its new connection; return the notes.

    Raises:
        ConfigError: the link is connected (disconnect it first), or the new settings and
            credentials do not reach the accounting system (nothing is changed then).
    """
    with app.session() as session:
        link = get_link(session, link_id)
        if link.disconnected_at is None:
            raise ConfigError(f"link {link_id} is connected; changing its database requires "
                              "re-integration",
                              fix=f"jembatan link disconnect {link_id}, then reconnect")
        merged = {**(link.accounting_settings or {}), **settings}
        session.expunge(link)
    warehouses, accounts = probe_accounting(app, link, merged, credentials)
    with app.session() as session:
        link = get_link(session, link_id)
        from .sharing import SHARED_DATABASE, check_shared_database  # sharing builds on us

        settings = {**settings, **check_shared_database(
            app, session, link_id=link_id, commerce=link.commerce,
            commerce_credentials=app.secrets.decrypt(link.commerce_credentials),
            accounting=link.accounting, accounting_settings=merged,
            allow=bool(merged.get(SHARED_DATABASE)))}
        changed = database_changed(link.accounting_settings or {}, merged)
        reintegrate(link, settings, app.secrets.encrypt(credentials))
        if not changed:
            return []
        return forget_old_database(session, link, warehouses, accounts)


def probe_accounting(app: App, link: Link, settings: Mapping[str, Any],
                     credentials: Mapping[str, Any]) -> tuple[list[Warehouse], list[Account]]:
    """List the warehouses and accounts reachable with ``settings`` and ``credentials``.

    Raises:
        ConfigError: they do not reach the accounting system; the message says why.
    """
    connector_class = app.plugins.registry.accounting(link.accounting)
    context = LinkContext(link_id=link.id, settings=dict(settings),
                          credentials=dict(credentials), gate=app.gate)
    try:
        with connector_class(context) as books:
            return books.list_warehouses(), books.list_accounts()
    except IntegrationError as error:
        raise ConfigError(f"link {link.id} not reconnected: {error}",
                          fix="give the new database's credentials, e.g. "
                              "--accounting-credential api_token=env:VAR, or connect with "
                              "`jembatan accurate connect`") from None


def database_changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
    """Return whether the settings name another database than before."""
    return any(str(before.get(key, "")) != str(after.get(key, "")) for key in DATABASE_SETTINGS)


def forget_old_database(session: Session, link: Link, warehouses: list[Warehouse],
                        accounts: list[Account]) -> list[str]:
    """Forget what the link knew of its old database; re-check bindings and mappings."""
    session.execute(delete(DocumentBindingRow).where(DocumentBindingRow.link_id == link.id))
    database = next((str(link.accounting_settings.get(key)) for key in DATABASE_SETTINGS
                     if link.accounting_settings.get(key) is not None), "the new database")
    notes = [f"database changed: the item, customer and document memory of the old database "
             f"is forgotten; `jembatan products sync --link {link.id}` pushes the items to "
             f"database {database}"]
    names = {w.name for w in warehouses} | {w.id for w in warehouses}
    for binding in session.scalars(select(WarehouseBinding).where(
            WarehouseBinding.link_id == link.id)):
        if binding.accounting_warehouse not in names:
            session.delete(binding)
            notes.append(
                f"warehouse binding {binding.store_warehouse_id} ↔ "
                f"{binding.accounting_warehouse} removed: database {database} has no "
                f"warehouse {binding.accounting_warehouse}. Fix: jembatan warehouses bind "
                f"--link {link.id} {binding.store_warehouse_id} <warehouse>")
    numbers = {account.number for account in accounts if account.kind != "CUSTOMER"}
    for mapping in session.scalars(select(AccountMapping).where(
            AccountMapping.link_id == link.id, AccountMapping.role != AccountRole.CUSTOMER)):
        if mapping.value not in numbers:
            notes.append(f"account mapping {mapping.role.value} → {mapping.value}: database "
                         f"{database} has no account {mapping.value}. Fix: jembatan accounts "
                         f"map --link {link.id} {mapping.role.value} <account>")
    return notes
