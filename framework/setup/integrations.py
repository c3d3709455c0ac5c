"""Integrations: adding a store link, connecting and disconnecting its accounting side.

The CLI (``link create``/``disconnect``, ``accurate connect``) and the console call these, so
both enforce the same rules: the database of a connected link never changes silently (the
operator disconnects and re-integrates), and re-integration makes the link live from now.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError
from ..storage.models import Link, utcnow
from .links import create_link, get_link, live_now
from .reconnection import DATABASE_SETTINGS, reconnect_accounting
from .sharing import SHARED_DATABASE, check_shared_database

if TYPE_CHECKING:
    from ..app import App



@dataclass(frozen=True, slots=True)
class PlatformForm:
    """What the console asks for to add or connect one platform."""

    name: str
    title: str
    settings: Mapping[str, str]  # setting -> help text
    secrets: tuple[str, ...]  # credentials the operator types (derived ones left out)


def platform_form(app: App, side: str, name: str) -> PlatformForm:
    """Return the settings and secrets a platform's connector declares.

    Raises:
        ConfigError: no plugin registered that platform.
    """
    registry = app.plugins.registry
    cls = registry.commerce(name) if side == "commerce" else registry.accounting(name)
    secrets = tuple(field for field in cls.credential_fields
                    if field not in cls.derived_credentials)
    return PlatformForm(cls.name, cls.title, dict(cls.setting_fields), secrets)


def add_store_link(  # noqa: PLR0913 - a link is these fields
    app: App, link_id: str, *, commerce: str, settings: Mapping[str, Any],
    credentials: Mapping[str, Any], name: str = "", accounting: str = "accurate",
    accounting_settings: Mapping[str, Any] | None = None,
    accounting_credentials: Mapping[str, Any] | None = None,
) -> Link:
    """Create a link for a store account, live from now, with the invoice feature on.

    Without accounting credentials the link waits for its accounting side to be connected
    (``connect_accounting``).
    """
    registry = app.plugins.registry
    registry.commerce(commerce)
    registry.accounting(accounting)
    link_id = link_id.strip()
    if not link_id or len(link_id) > 64 or not all(c.isalnum() or c in "-_." for c in link_id):
        raise ConfigError(f"the link id {link_id!r} is not a slug (letters, digits, - _ .)",
                          fix="choose an id like toko-ginee")
    with app.session() as session:
        accounting_settings = {**(accounting_settings or {}), **check_shared_database(
            app, session, link_id=link_id, commerce=commerce, commerce_credentials=credentials,
            accounting=accounting, accounting_settings=accounting_settings or {})}
        link = create_link(session, app.secrets, id=link_id, name=name or link_id,
                           commerce=commerce, accounting=accounting,
                           commerce_settings=settings, commerce_credentials=credentials,
                           accounting_settings=accounting_settings or {},
                           accounting_credentials=accounting_credentials or {},
                           integrated_at=live_now(), features={"invoice": True})
        if not accounting_credentials:
            link.accounting_credentials = ""  # nothing to decrypt: not connected yet
        session.flush()
        session.expunge(link)
    return link


def accounting_connected(link: Link) -> bool:
    """Return whether a link's accounting side holds credentials and is not disconnected."""
    return bool(link.accounting_credentials) and link.disconnected_at is None


def connect_accounting(app: App, link_id: str, settings: Mapping[str, Any],
                       credentials: Mapping[str, Any]) -> list[str]:
    """Store an accounting connection on a link (new, or a re-integration); return notes.

    A disconnected link goes live again from now (maybe on another database). A connected
    link keeps its database: pointing it at another one is refused.

    Raises:
        ConfigError: unknown link, or a connected link asked to change its database.
    """
    with app.session() as session:
        link = get_link(session, link_id)
        current = link.accounting_settings or {}
        if accounting_connected(link):
            for key in DATABASE_SETTINGS:
                old, new = current.get(key), settings.get(key)
                if old not in (None, "") and new is not None and str(old) != str(new):
                    raise ConfigError(
                        f"link {link_id} is connected to {link.accounting} database {old}; "
                        f"choosing database {new} needs a new integration: disconnect and "
                        "re-integrate",
                        fix=f"jembatan link disconnect {link_id}, then connect again")
        if link.disconnected_at is None:
            settings = {**settings, **check_shared_database(
                app, session, link_id=link_id, commerce=link.commerce,
                commerce_credentials=app.secrets.decrypt(link.commerce_credentials),
                accounting=link.accounting, accounting_settings={**current, **settings},
                allow=bool(current.get(SHARED_DATABASE)))}
            link.accounting_settings = {**current, **settings}
            link.accounting_credentials = app.secrets.encrypt(credentials)
            return []
    # A re-integration proves the connection and forgets the old database's memory.
    return reconnect_accounting(app, link_id, settings, credentials)


def disconnect_accounting(app: App, link_id: str) -> None:
    """Disconnect a link's accounting side: sync stops, nothing sent is deleted.

    Its secrets are forgotten; connecting again (maybe to another database) goes live anew.
    """
    with app.session() as session:
        link = get_link(session, link_id)
        link.accounting_credentials = ""
        link.disconnected_at = utcnow()


def unconnected_links(app: App, link_ids: list[str] | None = None) -> list[Link]:
    """Return the links whose accounting side waits for a connection (new or disconnected)."""
    with app.session() as session:
        links = [link for link in session.query(Link).order_by(Link.id)
                 if not accounting_connected(link)
                 and (link_ids is None or link.id in link_ids)]
        for link in links:
            session.expunge(link)
    return links
