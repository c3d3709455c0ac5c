"""One OAuth grant held by several links: a rotated refresh token reaches all of them.

A console or CLI may open several databases of one accounting account with a single grant,
one link each; those links then hold the same access and refresh token. Platforms whose
refresh tokens are single-use (Accurate) spend the old one at every refresh, so when one link
saves a rotated grant, every other link that held the old grant is given the new one in the
same transaction. The grant is recognised by its first ``grant_credentials`` field (the
refresh token) and only on the same platform and side; the values stay encrypted.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import ConfigError
from ..storage.models import Link

if TYPE_CHECKING:
    from ..app import App

log = logging.getLogger(__name__)

Side = Literal["commerce", "accounting"]


def platform_of(link: Link, side: Side) -> str:
    """Return the platform of one side of a link (``ginee``, ``accurate``…)."""
    return link.commerce if side == "commerce" else link.accounting


def stored_token(link: Link, side: Side) -> str:
    """Return the encrypted credentials of one side of a link."""
    return link.commerce_credentials if side == "commerce" else link.accounting_credentials


def store_token(link: Link, side: Side, token: str) -> None:
    """Replace the encrypted credentials of one side of a link."""
    if side == "commerce":
        link.commerce_credentials = token
    else:
        link.accounting_credentials = token


def grant_fields(app: App, platform: str, side: Side) -> tuple[str, ...]:
    """Return the platform connector's ``grant_credentials`` (none when it is not installed)."""
    registry = app.plugins.registry
    try:
        cls = registry.commerce(platform) if side == "commerce" else registry.accounting(platform)
    except ConfigError:
        return ()
    return tuple(cls.grant_credentials)


def lock_platform_links(session: Session, platform: str, side: Side) -> list[Link]:
    """Lock every link on ``platform`` (in id order, so two refreshes never deadlock)."""
    column = Link.commerce if side == "commerce" else Link.accounting
    query = (select(Link).where(column == platform).order_by(Link.id).with_for_update()
             .execution_options(populate_existing=True))
    return list(session.scalars(query))


def share_rotated_grant(  # noqa: PLR0913 - the two links' sides and both grant states
    app: App, others: list[Link], side: Side, fields: tuple[str, ...],
    before: Mapping[str, Any], after: Mapping[str, Any],
) -> list[str]:
    """Give ``after``'s grant to the ``others`` that still held ``before``'s; return their ids.

    The caller holds the rows locked and commits: the rotation lands everywhere or nowhere.
    """
    key = fields[0]
    old, new = before.get(key), after.get(key)
    if not old or not new or old == new:
        return []
    grant = {name: after[name] for name in fields if name in after}
    followed: list[str] = []
    for other in others:
        try:
            held = app.secrets.decrypt(stored_token(other, side))
        except ConfigError:
            continue  # under another key: it cannot hold this grant in any readable form
        if held.get(key) == old:
            store_token(other, side, app.secrets.encrypt({**held, **grant}))
            followed.append(other.id)
    if followed:
        log.info("rotated %s grant also stored for links %s", key, ", ".join(followed))
    return followed
