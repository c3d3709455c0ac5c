"""An order's timeline: every event (moves and ignored ones, with why) and its documents."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.responses import Response

from ...errors import ConfigError
from ...setup.views import order_timeline
from ..pages import Page, screen


@screen()
def timeline(page: Page) -> Response:
    """The order's path through the lifecycle and the Accurate documents made for it."""
    link = page.link(page.request.path_params["link_id"])
    with page.app.session() as session:
        try:
            found = order_timeline(session, link.id, page.request.path_params["number"])
        except ConfigError:
            raise HTTPException(404) from None
    return page.render("order.html", link=link, tab="order", timeline=found)


ROUTES = [("/links/{link_id}/orders/{number}", timeline)]
