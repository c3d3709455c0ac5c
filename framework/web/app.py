"""The operator's web console: a Starlette app of its own, separate from the webhook receiver.

``jembatan web`` serves it (127.0.0.1 by default; put a TLS proxy in front to reach it from
elsewhere, see docs/console.md). Every page needs a session; every POST a CSRF token; every
link, record and order id in a URL is checked against the links the viewer may see.
"""

from __future__ import annotations

import secrets
import threading
import time
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import auth
from .i18n import LANGUAGES, language_of, money_formatter, translator
from .pages import query, worker_banner

HERE = Path(__file__).parent
#: what browsers may load: only the console's own files (no CDN, no inline script)
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
PENDING_LIFETIME = 900.0  # seconds an OAuth round trip may take


class Console:
    """One console: the jembatan ``App``, cookie signer, templates and in-flight OAuth flows.

    Args:
        app: the jembatan ``App``.
        public_url: the console's address as the browser sees it (behind a proxy), used for
            the OAuth callback; default: the address of each request.
    """

    def __init__(self, app: Any, public_url: str | None = None) -> None:
        self.app = app
        self.public_url = public_url.rstrip("/") if public_url else None
        self.signer = auth.Signer(app.secrets.derive_key("console-cookies"))
        self.throttle = auth.LoginThrottle()
        self.templates = Environment(loader=FileSystemLoader(HERE / "templates"),
                                     autoescape=select_autoescape(["html"]))
        self._pending: dict[str, tuple[float, int, dict[str, Any]]] = {}
        self._pending_lock = threading.Lock()

    def render(self, request: Request, template: str, status_code: int = 200,
               viewer: auth.Viewer | None = None, **context: Any) -> Response:
        """Render a template with the layout's context (language, user, flash, banner)."""
        lang = language_of(request)
        layout: dict[str, Any] = {"_": translator(lang), "lang": lang, "languages": LANGUAGES,
                                  "money": money_formatter(lang),
                                  "viewer": viewer, "request": request, "query": query,
                                  "path": request.url.path}
        if viewer is not None:
            layout.update(csrf=viewer.csrf, flash=auth.take_flash(self.app, viewer),
                          no_worker=worker_banner(self.app))
        body = self.templates.get_template(template).render(**layout, **context)
        return HTMLResponse(body, status_code=status_code)

    def callback_url(self, request: Request, path: str) -> str:
        """The absolute URL of ``path`` as the operator's browser reaches it."""
        base = self.public_url or str(request.base_url).rstrip("/")
        return base + path

    def keep_pending(self, user_id: int, data: dict[str, Any]) -> str:
        """Hold an OAuth flow's secrets server-side; return its ``state``."""
        state = secrets.token_urlsafe(24)
        with self._pending_lock:
            now = time.monotonic()
            for key in [k for k, (at, _u, _d) in self._pending.items()
                        if now - at > PENDING_LIFETIME]:
                del self._pending[key]
            self._pending[state] = (now, user_id, data)
        return state

    def pending(self, state: str, user_id: int) -> dict[str, Any] | None:
        """Return the flow behind ``state`` if it is this user's and still fresh."""
        with self._pending_lock:
            found = self._pending.get(state)
        if not found or found[1] != user_id or time.monotonic() - found[0] > PENDING_LIFETIME:
            return None
        return found[2]

    def drop_pending(self, state: str) -> None:
        """Forget a finished flow (its tokens now live encrypted on the links)."""
        with self._pending_lock:
            self._pending.pop(state, None)


class SecurityHeaders:
    """Adds the console's security headers to every answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; decorate the answer's headers."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"content-security-policy", CSP.encode()),
                            (b"x-content-type-options", b"nosniff"),
                            (b"x-frame-options", b"DENY"),
                            (b"referrer-policy", b"same-origin"),
                            (b"cache-control", b"no-store")]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _routes() -> list[Route | Mount]:
    from .screens import SCREENS

    routes: list[Route | Mount] = []
    for module in SCREENS:
        for path, endpoint in module.ROUTES:
            routes.append(Route(path, endpoint, methods=list(endpoint.methods)))
    routes.append(Mount("/static", StaticFiles(directory=HERE / "static"), name="static"))
    return routes


def create_console_app(app: Any, public_url: str | None = None) -> Starlette:
    """Return the console's ASGI app for the jembatan ``app``."""
    console = Console(app, public_url)

    async def http_error(request: Request, error: Exception) -> Response:
        status = getattr(error, "status_code", 500)
        return console.render(request, "status.html", status_code=status, status=status)

    web = Starlette(routes=_routes(), middleware=[Middleware(SecurityHeaders)],
                    exception_handlers={HTTPException: http_error})
    web.state.console = console
    return web
