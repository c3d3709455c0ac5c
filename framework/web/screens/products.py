"""Product Synchronization (preview, then confirm) and Product Information."""

from __future__ import annotations

from starlette.responses import Response

from ...setup.operations import (
    planned_products,
    prepare_product_sync,
    product_information,
    queue_product_sync,
)
from ..pages import Page, screen

PER_PAGE = 50


@screen()
def preview(page: Page) -> Response:
    """What a product sync would push now: nothing is sent until confirmed."""
    link = page.link(page.request.path_params["link_id"])
    warehouse = page.value("warehouse") or None
    include_pending = page.value("include_pending") == "on"
    plan = prepare_product_sync(page.app, link.id, warehouse, include_pending=include_pending)
    return page.render("products_preview.html", link=link, tab="config", plan=plan,
                       products=planned_products(plan), warehouse=warehouse or "",
                       include_pending=include_pending)


@screen(methods=("POST",))
def confirm(page: Page) -> Response:
    """Queue the sync's jobs (a job already queued or done is never queued twice)."""
    link = page.link(page.request.path_params["link_id"])
    plan = prepare_product_sync(page.app, link.id, page.value("warehouse") or None,
                                include_pending=page.value("include_pending") == "on")
    jobs = queue_product_sync(page.app, link.id, plan)
    return page.redirect(f"/links/{link.id}/records?kind=product", page.t(
        "{n} product(s) queued for Accurate in {jobs} job(s); the worker pushes them. Their "
        "outcome appears below.", n=plan.to_push, jobs=jobs))


@screen()
def information(page: Page) -> Response:
    """Product Information: what was pushed, Accurate ids, stock per bound warehouse."""
    link = page.link(page.request.path_params["link_id"])
    number = max(1, int(page.value("page", "1") or 1)) if page.value("page").isdigit() else 1
    search = page.value("q")
    warehouses, rows = product_information(page.app, link.id, limit=PER_PAGE + 1,
                                           offset=(number - 1) * PER_PAGE, search=search)
    return page.render("products_info.html", link=link, tab="products", warehouses=warehouses,
                       rows=rows[:PER_PAGE], more=len(rows) > PER_PAGE, number=number,
                       search=search)


ROUTES = [("/links/{link_id}/products/sync", preview),
          ("/links/{link_id}/products/sync/confirm", confirm),
          ("/links/{link_id}/products", information)]
