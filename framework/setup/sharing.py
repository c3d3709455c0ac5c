"""Which links may share a store account and an accounting database.

Two links on the same store account and the same accounting database would both post the
same orders; the second one used to "succeed" by adopting the first one's documents. Such a
link is refused unless the operator allows it explicitly (``--allow-shared-database``); an
allowed link's accounting settings then carry a ``document_tag`` (its id), which accounting
plugins put into its document numbers so that they stay distinct from the other link's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ..errors import ConfigError
from ..storage.models import Link
from .reconnection import DATABASE_SETTINGS

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..app import App

#: accounting settings the core writes on a link allowed to share its database
SHARED_DATABASE = "shared_database"
DOCUMENT_TAG = "document_tag"


def check_shared_database(  # noqa: PLR0913 - the two sides of the link being made
    app: App, session: Session, *, link_id: str, commerce: str,
    commerce_credentials: Mapping[str, Any], accounting: str,
    accounting_settings: Mapping[str, Any], allow: bool = False,
) -> dict[str, Any]:
    """Refuse a link whose store account and database another link already uses.

    Returns:
        The accounting settings to add: the shared-database marks when ``allow`` let a
        shared database through, else nothing.

    Raises:
        ConfigError: another link has the same store account and database, and ``allow``
            is false; the message names it and the option.
    """
    other = _twin(app, session, link_id, commerce, commerce_credentials, accounting,
                  accounting_settings)
    if other is None:
        return {}
    if not allow:
        raise ConfigError(
            f"link {other.id} already joins this {commerce} store account to {accounting} "
            f"database {_database(accounting_settings)}; a second link would post the same "
            "orders again",
            fix=f"use link {other.id}, or another database; only if two links must share it, "
                "add --allow-shared-database (their documents get numbers of their own)")
    return {SHARED_DATABASE: True, DOCUMENT_TAG: link_id}


def _twin(app: App, session: Session, link_id: str, commerce: str,  # noqa: PLR0913
          credentials: Mapping[str, Any], accounting: str,
          settings: Mapping[str, Any]) -> Link | None:
    database = _database(settings)
    if not database:
        return None
    identity = _store_identity(app, commerce, credentials)
    if not identity:
        return None
    for other in session.scalars(select(Link).where(
            Link.id != link_id, Link.commerce == commerce, Link.accounting == accounting)):
        if _database(other.accounting_settings or {}) != database:
            continue
        stored = app.secrets.decrypt(other.commerce_credentials)
        if _store_identity(app, commerce, stored) == identity:
            return other
    return None


def _database(settings: Mapping[str, Any]) -> str:
    return "/".join(str(settings.get(key) or "") for key in DATABASE_SETTINGS).strip("/")


def _store_identity(app: App, commerce: str,
                    credentials: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    # The secrets the operator gives (not the tokens a connector derives) name the account.
    try:
        connector = app.plugins.registry.commerce(commerce)
    except ConfigError:  # the store's plugin is not loaded here: every secret counts
        fields = sorted(credentials)
    else:
        fields = [name for name in connector.credential_fields
                  if name not in connector.derived_credentials]
    return tuple((name, str(credentials[name])) for name in fields if credentials.get(name))
