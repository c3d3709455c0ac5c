"""Pull Stock: Accurate's on-hand into the store, previewed, then confirmed."""

from __future__ import annotations

from starlette.responses import Response

from ...sync.stock import prepare_stock_pull, queue_stock_pull
from ..pages import Page, screen


@screen()
def preview(page: Page) -> Response:
    """The changes a pull would make to the store's stock (operate carefully)."""
    link = page.link(page.request.path_params["link_id"])
    warehouse = page.value("warehouse") or None
    changes = prepare_stock_pull(page.app, link.id, warehouse)
    return page.render("stock_preview.html", link=link, tab="config", changes=changes,
                       changing=[c for c in changes if c.changes],
                       skipped=[c for c in changes if c.skipped], warehouse=warehouse or "")


@screen(methods=("POST",))
def confirm(page: Page) -> Response:
    """Queue the store stock updates (recomputed now, so they are current)."""
    link = page.link(page.request.path_params["link_id"])
    changes = prepare_stock_pull(page.app, link.id, page.value("warehouse") or None)
    changing = [c for c in changes if c.changes]
    queue_stock_pull(page.app, link.id, changes)  # records the skipped SKUs as skipped
    return page.redirect(f"/links/{link.id}/records?kind=stock", page.t(
        "{n} stock level(s) queued for the store; the worker sends them. Their outcome "
        "appears below.", n=len(changing)))


ROUTES = [("/links/{link_id}/stock/pull", preview),
          ("/links/{link_id}/stock/pull/confirm", confirm)]
