"""Integrations: every link the viewer may see, adding a store link, disconnecting."""

from __future__ import annotations

from starlette.responses import Response

from ...connectors import AccountingConnector, CommerceConnector
from ...setup.integrations import (
    accounting_connected,
    add_store_link,
    disconnect_accounting,
    platform_form,
)
from ...setup.status import link_status
from ..pages import Page, screen


@screen()
def overview(page: Page) -> Response:
    """The integrations list (the seeds' Integration – Store List)."""
    links = page.links()
    with page.app.session() as session:
        statuses = {link.id: link_status(session, link) for link in links}
    registry = page.app.plugins.registry
    return page.render("integrations.html", links=links, statuses=statuses,
                       connected={link.id: accounting_connected(link) for link in links},
                       stores=_platforms(registry, "commerce"),
                       books=_platforms(registry, "accounting"))


def _platforms(registry, side: str) -> list[tuple[str, str]]:  # noqa: ANN001
    base = CommerceConnector if side == "commerce" else AccountingConnector
    return sorted((name, cls.title) for name, cls in registry.connectors.items()
                  if issubclass(cls, base)
                  and (side == "commerce" or getattr(cls, "connect_flow", None) is not None))


@screen(admin=True)
def new_link(page: Page) -> Response:
    """The form adding a store link (its credentials and settings)."""
    platform = page.value("platform")
    form = platform_form(page.app, "commerce", platform)
    return page.render("link_new.html", form=form, values={})


@screen(methods=("POST",), admin=True)
def create_link(page: Page) -> Response:
    """Add the store link; the Accurate side is connected next."""
    form = platform_form(page.app, "commerce", page.value("platform"))
    settings = {key: page.value(f"setting_{key}") for key in form.settings
                if page.value(f"setting_{key}")}
    secrets = {key: str(page.form.get(f"secret_{key}", "")) for key in form.secrets
               if page.form.get(f"secret_{key}")}
    link_id = page.value("link_id")
    add_store_link(page.app, link_id, commerce=form.name, settings=settings,
                   credentials=secrets, name=page.value("name"))
    return page.redirect("/", page.t("Link {link} added. Now connect it to Accurate.",
                                     link=link_id))


@screen()
def confirm_disconnect(page: Page) -> Response:
    """Ask before disconnecting the accounting side."""
    link = page.link(page.request.path_params["link_id"])
    return page.render("confirm_disconnect.html", link=link)


@screen(methods=("POST",))
def disconnect(page: Page) -> Response:
    """Disconnect the accounting side (sync stops; nothing sent is deleted)."""
    link = page.link(page.request.path_params["link_id"])
    disconnect_accounting(page.app, link.id)
    return page.redirect("/", page.t("Link {link} is disconnected. Nothing already sent was "
                                     "deleted. Connect it again, to any database, to resume.",
                                     link=link.id))


ROUTES = [("/", overview), ("/links/new", new_link), ("/links/new/save", create_link),
          ("/links/{link_id}/disconnect", confirm_disconnect),
          ("/links/{link_id}/disconnect/confirm", disconnect)]
