"""What every console screen shares: the guard (session, CSRF, link access), rendering, flash.

A screen is a plain function ``handler(page) -> Response`` wrapped by ``screen(...)``. The
guard runs before it: no session → the login page (or 401 for a POST); a POST without the
session's CSRF token → 403; ``page.link(id)`` → 404 unless the viewer may see that link.
Screens call core functions only; templates only display.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..errors import IntegrationError
from ..runtime.workers import worker_recently_seen
from ..setup.users import may_see, visible_links
from ..storage.models import ConsoleUser, Link
from . import auth
from .i18n import language_of, translator

if TYPE_CHECKING:
    from .app import Console

log = logging.getLogger(__name__)
Handler = Callable[["Page"], Response]


@dataclass
class Page:
    """One request to a screen, after the guard let it through."""

    console: Console
    request: Request
    viewer: auth.Viewer
    form: Mapping[str, Any] = field(default_factory=dict)

    @property
    def app(self) -> Any:
        """The jembatan ``App`` (database, plugins, secrets)."""
        return self.console.app

    @property
    def lang(self) -> str:
        """``id`` or ``en``."""
        return language_of(self.request)

    def t(self, text: str, **values: Any) -> str:
        """Translate ``text`` into the viewer's language."""
        return translator(self.lang)(text, **values)

    def user(self, session: Any) -> ConsoleUser:
        """The viewer's user row in ``session``."""
        user = session.get(ConsoleUser, self.viewer.user_id)
        if user is None:
            raise HTTPException(401)
        return user

    def link(self, link_id: str) -> Link:
        """Return the link (detached) if the viewer may see it; 404 otherwise.

        Not-granted links answer exactly like missing ones, so ids cannot be probed.
        """
        with self.app.session() as session:
            if not may_see(session, self.user(session), link_id):
                raise HTTPException(404)
            link = session.get(Link, link_id)
            session.expunge(link)
            return link

    def links(self) -> list[Link]:
        """Every link the viewer may see (detached)."""
        with self.app.session() as session:
            links = visible_links(session, self.user(session))
            for link in links:
                session.expunge(link)
            return links

    def require_admin(self) -> None:
        """Refuse (403) unless the viewer is an admin."""
        if not self.viewer.is_admin:
            raise HTTPException(403)

    def value(self, name: str, default: str = "") -> str:
        """A form field (POST) or query parameter (GET), stripped."""
        raw = self.form.get(name) if self.form else self.request.query_params.get(name)
        return str(raw if raw is not None else default).strip()

    def render(self, template: str, status_code: int = 200, **context: Any) -> Response:
        """Render ``template`` with the layout's context."""
        return self.console.render(self.request, template, status_code=status_code,
                                   viewer=self.viewer, **context)

    def redirect(self, url: str, message: str | None = None, kind: str = "ok",
                 detail: str | None = None) -> Response:
        """Go to ``url`` (303), showing ``message`` there."""
        if message:
            auth.set_flash(self.app, self.viewer.session_id,
                           {"kind": kind, "message": message, "detail": detail})
        return RedirectResponse(url, status_code=303)


def screen(*, methods: tuple[str, ...] = ("GET",), admin: bool = False) -> Callable:
    """Wrap a screen handler in the guard; see the module docstring."""

    def wrap(handler: Handler) -> Callable:
        async def endpoint(request: Request) -> Response:
            console: Console = request.app.state.console
            form = dict(await request.form()) if request.method == "POST" else {}
            return await run_in_threadpool(_guarded, console, request, form, handler, admin)

        endpoint.__name__ = handler.__name__
        endpoint.__doc__ = handler.__doc__
        endpoint.methods = methods  # type: ignore[attr-defined]
        return endpoint

    return wrap


def _guarded(console: Console, request: Request, form: dict[str, Any], handler: Handler,
             admin: bool) -> Response:
    token = console.signer.unsign(request.cookies.get(auth.COOKIE))
    viewer = auth.load_viewer(console.app, token)
    if viewer is None:
        if request.method != "GET":
            raise HTTPException(401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
    if request.method == "POST" and not auth.csrf_ok(viewer, form.get("csrf")):
        raise HTTPException(403, "CSRF token missing or wrong")
    page = Page(console, request, viewer, form)
    if admin:
        page.require_admin()
    try:
        return handler(page)
    except IntegrationError as error:
        log.info("console action refused: %s", error)
        if request.method == "POST":
            back = str(form.get("back") or request.headers.get("referer") or "/")
            return page.redirect(_local(back), error.message, "error", error.fix)
        return page.render("error.html", status_code=409, error=error)


def _local(url: str) -> str:
    """Keep a redirect inside the console (no open redirect through ``back``)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    path = parts.path if parts.path.startswith("/") and not parts.path.startswith("//") else "/"
    return path + (f"?{parts.query}" if parts.query else "")


def safe_next(url: str | None) -> str:
    """Return ``url`` if it is a path inside the console, else ``/``."""
    return _local(url or "/")


def query(**values: Any) -> str:
    """A query string of the non-empty ``values`` (for filter and paging links)."""
    return urlencode({k: v for k, v in values.items() if v not in (None, "")})


def worker_banner(app: Any) -> bool:
    """Return whether to warn that no worker was seen recently."""
    with app.session() as session:
        return not worker_recently_seen(session)
