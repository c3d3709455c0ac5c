"""Links: one store joined to one accounting database, and the connectors built for them.

A connector never reads the database: the core gives it a ``LinkContext`` with the link's
settings, its decrypted credentials, the shared request gate, and a callback that stores
rotated credentials encrypted again.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..connectors import AccountingConnector, CommerceConnector, LinkContext
from ..errors import ConfigError
from ..jobs import Feature, LinkInfo
from ..storage.models import Link, utcnow
from ..storage.secrets import SecretBox
from .grants import (
    Side,
    grant_fields,
    lock_platform_links,
    platform_of,
    share_rotated_grant,
    store_token,
    stored_token,
)

if TYPE_CHECKING:
    from ..app import App


def get_link(session: Session, link_id: str) -> Link:
    """Return the link called ``link_id``.

    Raises:
        ConfigError: no such link.
    """
    link = session.get(Link, link_id)
    if link is None:
        raise ConfigError(f"unknown link {link_id!r}", fix="`jembatan link list` shows the links")
    return link


def link_info(link: Link) -> LinkInfo:
    """Return the link's identity and feature switches as handlers and reactions see them."""
    known = {feature.value: feature for feature in Feature}
    features = frozenset(known[name] for name, on in (link.features or {}).items()
                         if on and name in known)
    return LinkInfo(id=link.id, commerce=link.commerce, accounting=link.accounting,
                    features=features, integrated_at=link.integrated_at,
                    settings=dict(link.accounting_settings or {}))


def _context(app: App, link: Link, side: Side) -> LinkContext:
    settings = link.commerce_settings if side == "commerce" else link.accounting_settings
    link_id = link.id

    def save_credentials(credentials: Mapping[str, Any]) -> None:
        save_link_credentials(app, link_id, side, credentials)

    def load_credentials() -> Mapping[str, Any]:
        return load_link_credentials(app, link_id, side)

    return LinkContext(link_id=link.id, settings=dict(settings or {}),
                       credentials=app.secrets.decrypt(stored_token(link, side)),
                       save_credentials=save_credentials, gate=app.gate,
                       integrated_at=link.integrated_at, load_credentials=load_credentials)


def load_link_credentials(app: App, link_id: str, side: Side) -> dict[str, Any]:
    """Return the decrypted credentials one side of a link holds now (freshly read)."""
    with app.session() as session:
        return app.secrets.decrypt(stored_token(get_link(session, link_id), side))


def save_link_credentials(app: App, link_id: str, side: Side,
                          credentials: Mapping[str, Any]) -> None:
    """Encrypt and store rotated credentials for one side of a link, in their own transaction.

    Committed at once: a refresh token a platform just handed out must survive even if the
    job that caused the refresh fails afterwards. When the platform's connector declares
    ``grant_credentials`` and the grant rotated, every other link that held the old grant
    gets the new one in the same transaction (``framework.setup.grants``).
    """
    token = app.secrets.encrypt(credentials)
    with app.session() as session:
        link = get_link(session, link_id)
        fields = grant_fields(app, platform_of(link, side), side)
        if not fields:
            store_token(link, side, token)
            return
        others = [row for row in lock_platform_links(session, platform_of(link, side), side)
                  if row.id != link_id]
        before = app.secrets.decrypt(stored_token(link, side))  # re-read under the lock
        store_token(link, side, token)
        share_rotated_grant(app, others, side, fields, before, credentials)


def commerce_context(app: App, link: Link) -> LinkContext:
    """Return the context a commerce connector of ``link`` is built with."""
    return _context(app, link, "commerce")


def accounting_context(app: App, link: Link) -> LinkContext:
    """Return the context an accounting connector of ``link`` is built with."""
    return _context(app, link, "accounting")


def accounting_contexts(app: App, platform: str) -> list[LinkContext]:
    """Return the accounting context of every connected link on ``platform``, by link id.

    For a plugin looking for a grant it can share: a platform that revokes earlier tokens on a
    new authorization (Accurate) opens a further database with the grant a link already holds.
    """
    with app.session() as session:
        return [accounting_context(app, link) for link in connected_links(session)
                if link.accounting == platform]


def build_commerce(app: App, link: Link) -> CommerceConnector:
    """Build the link's commerce connector from the plugin that registered its platform."""
    return app.plugins.registry.commerce(link.commerce)(commerce_context(app, link))


def build_accounting(app: App, link: Link) -> AccountingConnector:
    """Build the link's accounting connector from the plugin that registered its system."""
    return app.plugins.registry.accounting(link.accounting)(accounting_context(app, link))


def connected_links(session: Session) -> list[Link]:
    """Return every link that is not disconnected, by id."""
    return list(session.scalars(select(Link).where(Link.disconnected_at.is_(None))
                                .order_by(Link.id)))


def live_now() -> datetime:
    """The moment a link goes live, to the whole second.

    Stores report order times in whole seconds: an order placed in the second the link went
    live is after the integration, not before it.
    """
    return utcnow().replace(microsecond=0)


def reintegrate(link: Link, accounting_settings: Mapping[str, Any], encrypted_credentials: str,
                ) -> None:
    """Connect a link's accounting side again (maybe to another database); it goes live now.

    Orders created before this moment are not sent; the poll starts afresh.
    """
    link.accounting_settings = {**(link.accounting_settings or {}), **accounting_settings}
    link.accounting_credentials = encrypted_credentials
    link.disconnected_at = None
    link.integrated_at = live_now()
    link.order_cursor = None


def create_link(  # noqa: PLR0913 - a link is these fields
    session: Session, box: SecretBox, *, id: str, name: str, commerce: str, accounting: str,
    commerce_settings: Mapping[str, Any], commerce_credentials: Mapping[str, Any],
    accounting_settings: Mapping[str, Any], accounting_credentials: Mapping[str, Any],
    integrated_at: datetime | None = None, features: Mapping[str, bool] | None = None,
) -> Link:
    """Add a link with its credentials encrypted (the caller commits).

    Raises:
        ConfigError: a link with that id exists already.
    """
    if session.get(Link, id) is not None:
        raise ConfigError(f"link {id!r} already exists",
                          fix="choose another id, or see `jembatan link list`")
    link = Link(
        id=id, name=name, commerce=commerce, accounting=accounting,
        commerce_settings=dict(commerce_settings), accounting_settings=dict(accounting_settings),
        commerce_credentials=box.encrypt(commerce_credentials),
        accounting_credentials=box.encrypt(accounting_credentials),
        features={str(Feature(key).value): bool(on) for key, on in (features or {}).items()},
        integrated_at=integrated_at,
    )
    session.add(link)
    session.flush()
    return link
