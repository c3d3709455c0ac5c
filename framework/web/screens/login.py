"""Logging in and out, and the language switch."""

from __future__ import annotations

import hmac
import secrets

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ...setup.users import authenticate
from .. import auth
from ..i18n import LANGUAGES, translator
from ..pages import Page, safe_next, screen


def _secure(request: Request) -> bool:
    console = request.app.state.console
    return request.url.scheme == "https" or bool(
        console.public_url and console.public_url.startswith("https://"))


def _login_form(request: Request, status_code: int = 200, error: str | None = None,
                name: str = "") -> Response:
    console = request.app.state.console
    token = secrets.token_urlsafe(24)
    response = console.render(request, "login.html", status_code=status_code, login_token=token,
                              error=error, name=name,
                              next=safe_next(request.query_params.get("next")))
    response.set_cookie(auth.LOGIN_COOKIE, console.signer.sign(token), max_age=3600,
                        httponly=True, samesite="strict", secure=_secure(request))
    return response


async def login_page(request: Request) -> Response:
    """The login form (or home, when already logged in)."""
    console = request.app.state.console
    token = console.signer.unsign(request.cookies.get(auth.COOKIE))
    if await run_in_threadpool(auth.load_viewer, console.app, token) is not None:
        return RedirectResponse("/", status_code=303)
    return _login_form(request)


async def login_submit(request: Request) -> Response:
    """Check the login form's token, the throttle, then the password."""
    console = request.app.state.console
    form = await request.form()
    _ = translator(_language(request))
    expected = console.signer.unsign(request.cookies.get(auth.LOGIN_COOKIE)) or ""
    if not expected or not hmac.compare_digest(expected, str(form.get("login_token", ""))):
        return _login_form(request, 403, _("The login form expired; please try again."))
    name, password = str(form.get("name", "")).strip(), str(form.get("password", ""))
    keys = (f"name:{name.lower()}", f"ip:{request.client.host if request.client else '-'}")
    wait = console.throttle.wait_seconds(*keys)
    if wait > 0:
        return _login_form(request, 429, _("Too many failed attempts. Try again in {seconds} "
                                           "seconds.", seconds=int(wait) + 1), name)
    user = await run_in_threadpool(_authenticate, console.app, name, password)
    if user is None:
        console.throttle.failed(*keys)
        return _login_form(request, 401, _("Wrong user name or password."), name)
    console.throttle.succeeded(*keys)
    token = await run_in_threadpool(auth.open_session, console.app, user)
    response = RedirectResponse(safe_next(str(form.get("next") or "/")), status_code=303)
    response.set_cookie(auth.COOKIE, console.signer.sign(token),
                        max_age=int(auth.SESSION_LIFETIME.total_seconds()), httponly=True,
                        samesite="lax", secure=_secure(request))
    response.delete_cookie(auth.LOGIN_COOKIE)
    return response


def _authenticate(app, name: str, password: str):  # noqa: ANN001, ANN202
    with app.session() as session:
        user = authenticate(session, name, password)
        if user is not None:
            session.expunge(user)
        return user


def _language(request: Request) -> str:
    from ..i18n import language_of

    return language_of(request)


@screen(methods=("POST",))
def logout(page: Page) -> Response:
    """End this session."""
    auth.close_session(page.app, page.viewer.session_id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(auth.COOKIE)
    return response


async def switch_language(request: Request) -> Response:
    """Remember the chosen language in a cookie (the form carries a CSRF token)."""
    console = request.app.state.console
    form = await request.form()
    submitted = str(form.get("csrf", ""))
    token = console.signer.unsign(request.cookies.get(auth.COOKIE))
    viewer = await run_in_threadpool(auth.load_viewer, console.app, token)
    login_token = console.signer.unsign(request.cookies.get(auth.LOGIN_COOKIE)) or ""
    allowed = (viewer is not None and auth.csrf_ok(viewer, submitted)) or (
        bool(login_token) and hmac.compare_digest(login_token, submitted))
    lang = str(form.get("lang", ""))
    if not allowed or lang not in LANGUAGES:
        return Response("forbidden", status_code=403)
    response = RedirectResponse(safe_next(str(form.get("back") or "/")), status_code=303)
    response.set_cookie("lang", lang, max_age=365 * 24 * 3600, httponly=True, samesite="lax",
                        secure=_secure(request))
    return response


login_page.methods = ("GET",)  # type: ignore[attr-defined]
login_submit.methods = ("POST",)  # type: ignore[attr-defined]
switch_language.methods = ("POST",)  # type: ignore[attr-defined]

ROUTES = [("/login", login_page), ("/login/submit", login_submit), ("/logout", logout),
          ("/lang", switch_language)]
