"""Connecting the accounting side: OAuth in the browser (one or several databases), or a token.

The seeds' flow: Add Integration → Accurate → log in with the owner account → "Beri Akses" →
back here → choose the database(s), one link each → Save. The grant's tokens stay on the
server until Save, then live encrypted on each chosen link.
"""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from ...connectors import ConnectFlow
from ...errors import ConfigError
from ...setup.integrations import connect_accounting, unconnected_links
from ..pages import Page, screen


def _flow(page: Page) -> tuple[str, str, ConnectFlow]:
    platform = page.request.path_params["platform"]
    try:
        cls = page.app.plugins.registry.accounting(platform)
    except ConfigError:
        raise HTTPException(404) from None
    if cls.connect_flow is None:
        raise HTTPException(404)
    return platform, cls.title, cls.connect_flow


def _waiting(page: Page, platform: str) -> list[Any]:
    visible = [link.id for link in page.links() if link.accounting == platform]
    return unconnected_links(page.app, visible)


@screen()
def start(page: Page) -> Response:
    """The two ways in: OAuth (owner account) or an API token."""
    platform, title, flow = _flow(page)
    return page.render("connect.html", platform=platform, title=title, flow=flow,
                       waiting=_waiting(page, platform), chosen=page.value("link"))


@screen(methods=("POST",))
def oauth(page: Page) -> Response:
    """Send the browser to the system's login and consent page."""
    platform, _title, flow = _flow(page)
    values = {key: page.value(key) for key in flow.oauth_fields}
    state = page.console.keep_pending(page.viewer.user_id,
                                      {"platform": platform, "values": values})
    redirect_uri = page.console.callback_url(page.request, f"/connect/{platform}/callback")
    return RedirectResponse(flow.authorize_url(values, redirect_uri, state), status_code=303)


@screen()
def callback(page: Page) -> Response:
    """Back from the consent page: trade the code, then let the operator pick databases."""
    platform, _title, flow = _flow(page)
    state = page.value("state")
    pending = page.console.pending(state, page.viewer.user_id)
    if pending is None or pending["platform"] != platform:
        return page.redirect(f"/connect/{platform}", page.t(
            "This authorization is unknown or expired. Please start again."), "error")
    if page.value("error") or not page.value("code"):
        page.console.drop_pending(state)
        return page.redirect(f"/connect/{platform}", page.t(
            "Access was not granted ({error}).", error=page.value("error") or "no code"), "error")
    redirect_uri = page.console.callback_url(page.request, f"/connect/{platform}/callback")
    pending["grant"] = flow.grant(pending["values"], page.value("code"), redirect_uri)
    return RedirectResponse(f"/connect/{platform}/databases?state={state}", status_code=303)


def _grant(page: Page, platform: str) -> tuple[str, Any]:
    state = page.value("state")
    pending = page.console.pending(state, page.viewer.user_id)
    if pending is None or "grant" not in pending or pending["platform"] != platform:
        raise HTTPException(404)
    return state, pending["grant"]


@screen()
def databases(page: Page) -> Response:
    """Choose one database, or several at once, each for one link."""
    platform, title, _flow_ = _flow(page)
    state, grant = _grant(page, platform)
    return page.render("connect_databases.html", platform=platform, title=title, state=state,
                       databases=grant.databases, waiting=_waiting(page, platform))


@screen(methods=("POST",))
def save(page: Page) -> Response:
    """Connect each chosen database to its link (one link each)."""
    platform, _title, flow = _flow(page)
    state, grant = _grant(page, platform)
    picks = _picks(page, grant)
    allowed = {link.id for link in _waiting(page, platform)}
    for _database, link_id in picks:
        if link_id not in allowed:
            raise HTTPException(404)
    done = []
    for database_id, link_id in picks:
        connection = flow.open_database(grant, database_id)
        connect_accounting(page.app, link_id, connection.settings, connection.credentials)
        done.append(f"{link_id} ↔ {connection.alias} ({database_id})")
    page.console.drop_pending(state)
    return page.redirect("/", page.t("Connected: {links}.", links="; ".join(done)))


def _picks(page: Page, grant: Any) -> list[tuple[str, str]]:
    known = {database_id for database_id, _alias in grant.databases}
    selected = [key.removeprefix("use_") for key in page.form
                if key.startswith("use_") and key.removeprefix("use_") in known]
    picks = [(database_id, page.value(f"link_{database_id}")) for database_id in selected]
    if not picks:
        raise ConfigError(page.t("Choose at least one database."),
                          fix=page.t("tick a database and pick the link it belongs to"))
    links = [link_id for _db, link_id in picks]
    if "" in links or len(set(links)) != len(links):
        raise ConfigError(page.t("Each chosen database needs its own link."),
                          fix=page.t("pick a different link for every database"))
    return picks


@screen(methods=("POST",))
def token(page: Page) -> Response:
    """Connect one link with an API token."""
    platform, _title, flow = _flow(page)
    link = page.link(page.value("link"))
    if link.id not in {each.id for each in _waiting(page, platform)}:
        raise HTTPException(404)
    values = {key: str(page.form.get(key, "")) for key in flow.token_fields}
    connection = flow.connect_token(values)
    connect_accounting(page.app, link.id, connection.settings, connection.credentials)
    return page.redirect("/", page.t("Connected: {links}.", links=f"{link.id} ↔ "
                                     f"{connection.alias}"))


ROUTES = [("/connect/{platform}", start), ("/connect/{platform}/oauth", oauth),
          ("/connect/{platform}/callback", callback),
          ("/connect/{platform}/databases", databases), ("/connect/{platform}/save", save),
          ("/connect/{platform}/token", token)]
