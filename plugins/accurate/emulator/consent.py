"""The emulator's OAuth pages: Accurate's login form and its consent page ("Beri Akses").

``GET /oauth/authorize`` shows the login form (owner e-mail and password) until the browser
has an emulator login cookie, then the consent page listing the requested scopes. "Beri
Akses" sends the browser back to ``redirect_uri`` with ``code`` and ``state``; "Tolak" with
``error=access_denied``. Tests that drive the grant without a browser set
``emulator.auto_consent = True`` (the code comes back at once).
"""

from __future__ import annotations

import html
import secrets
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from .auth import ALL_SCOPES

if TYPE_CHECKING:
    from .app import AccurateEmulator

#: the emulator's owner account (the seed: log in with the owner e-mail, not another user)
OWNER_EMAIL, OWNER_PASSWORD = "owner@example.id", "rahasia-owner"
COOKIE = "accurate_emulator_login"
AUTHORIZE_PARAMS = ("client_id", "response_type", "redirect_uri", "scope", "state")


@dataclass
class ConsentDesk:
    """Who may log in to the emulator's account host, and the browsers logged in."""

    users: dict[str, str] = field(default_factory=lambda: {OWNER_EMAIL: OWNER_PASSWORD})
    logins: dict[str, str] = field(default_factory=dict)  # cookie -> e-mail
    forms: set[str] = field(default_factory=set)  # one-time tokens of the pages shown
    lock: threading.Lock = field(default_factory=threading.Lock)

    def form_token(self) -> str:
        """A token the next POST must carry (the emulator's own CSRF check)."""
        token = secrets.token_urlsafe(16)
        with self.lock:
            self.forms.add(token)
        return token

    def spend(self, token: str) -> bool:
        """Use up a form token; return whether it was valid."""
        with self.lock:
            if token in self.forms:
                self.forms.discard(token)
                return True
            return False


def routes(emulator: AccurateEmulator) -> list[Route]:
    """Return the authorize, login and consent routes of ``emulator``."""

    async def authorize(request: Request) -> Response:
        return _authorize(emulator, request)

    async def login(request: Request) -> Response:
        return _login(emulator, request, dict(await request.form()))

    async def consent(request: Request) -> Response:
        return _consent(emulator, request, dict(await request.form()))

    return [Route("/oauth/authorize", authorize, methods=["GET"]),
            Route("/oauth/login", login, methods=["POST"]),
            Route("/oauth/consent", consent, methods=["POST"])]


def _params(source: dict[str, str]) -> dict[str, str]:
    return {key: str(source[key]) for key in AUTHORIZE_PARAMS if source.get(key) is not None}


def _authorize(emulator: AccurateEmulator, request: Request) -> Response:
    params = _params(dict(request.query_params))
    if params.get("client_id") != emulator.auth.client_id:
        return JSONResponse({"error": "invalid_client"}, status_code=400)
    if getattr(emulator, "auto_consent", False):
        return _grant(emulator, params)
    desk = emulator.consent
    if request.cookies.get(COOKIE) not in desk.logins:
        return HTMLResponse(_login_page(desk.form_token(), params))
    email = desk.logins[request.cookies[COOKIE]]
    return HTMLResponse(_consent_page(desk.form_token(), params, email))


def _login(emulator: AccurateEmulator, request: Request, form: dict[str, str]) -> Response:
    desk = emulator.consent
    params = _params(form)
    if not desk.spend(str(form.get("token", ""))):
        return HTMLResponse(_login_page(desk.form_token(), params, "Sesi habis, coba lagi."),
                            status_code=400)
    email, password = str(form.get("email", "")).strip().lower(), str(form.get("password", ""))
    if desk.users.get(email) is None or not secrets.compare_digest(desk.users[email], password):
        return HTMLResponse(_login_page(desk.form_token(), params,
                                        "Email atau kata sandi salah."), status_code=401)
    cookie = secrets.token_urlsafe(16)
    with desk.lock:
        desk.logins[cookie] = email
    response = RedirectResponse(f"/oauth/authorize?{urlencode(params)}", status_code=303)
    response.set_cookie(COOKIE, cookie, httponly=True, samesite="lax")
    return response


def _consent(emulator: AccurateEmulator, request: Request, form: dict[str, str]) -> Response:
    desk = emulator.consent
    params = _params(form)
    if request.cookies.get(COOKIE) not in desk.logins or not desk.spend(str(form.get("token"))):
        return HTMLResponse(_login_page(desk.form_token(), params, "Silakan masuk lagi."),
                            status_code=400)
    if form.get("decision") != "allow":
        target = {"error": "access_denied", **({"state": params["state"]}
                                               if "state" in params else {})}
        return RedirectResponse(f"{params.get('redirect_uri', '')}?{urlencode(target)}", 302)
    return _grant(emulator, params)


def _grant(emulator: AccurateEmulator, params: dict[str, str]) -> Response:
    scopes = frozenset(params.get("scope", "").split()) or ALL_SCOPES
    with emulator.lock:
        code = emulator.auth.issue_code(params.get("redirect_uri", ""), scopes)
    target = {"code": code, **({"state": params["state"]} if "state" in params else {})}
    return RedirectResponse(f"{params.get('redirect_uri', '')}?{urlencode(target)}", 302)


def _hidden(params: dict[str, str]) -> str:
    return "".join(f'<input type="hidden" name="{k}" value="{html.escape(v)}">'
                   for k, v in params.items())


def _login_page(token: str, params: dict[str, str], error: str = "") -> str:
    alert = f'<p class="alert" id="accurate-error">{html.escape(error)}</p>' if error else ""
    return _PAGE.format(title="Masuk ke Accurate Online", body=f"""
<h1>Masuk</h1><p class="sub">Gunakan email pemilik (akun utama) database.</p>{alert}
<form method="post" action="/oauth/login">{_hidden(params)}
<input type="hidden" name="token" value="{token}">
<label>Email<input name="email" type="email" id="accurate-email" required></label>
<label>Kata Sandi<input name="password" type="password" id="accurate-password" required></label>
<button type="submit" id="accurate-login">Masuk</button></form>""")


def _consent_page(token: str, params: dict[str, str], email: str) -> str:
    scopes = "".join(f"<li>{html.escape(s)}</li>" for s in params.get("scope", "").split())
    return _PAGE.format(title="Beri Akses", body=f"""
<h1>Izinkan aplikasi Jembatan?</h1>
<p class="sub">Masuk sebagai <strong>{html.escape(email)}</strong>. Jembatan meminta akses
ke data Accurate Online Anda:</p><ul class="scopes">{scopes}</ul>
<form method="post" action="/oauth/consent">{_hidden(params)}
<input type="hidden" name="token" value="{token}">
<button type="submit" name="decision" value="allow" id="beri-akses">Beri Akses</button>
<button type="submit" name="decision" value="deny" class="secondary" id="tolak">Tolak</button>
</form>""")


_PAGE = """<!doctype html><html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>
<style>body{{margin:0;font:15px system-ui,sans-serif;background:#eef3fa;color:#1d2b3a}}
header{{background:#0b4f9c;color:#fff;padding:.8rem 1.4rem;font-weight:700}}
main{{max-width:420px;margin:2.5rem auto;background:#fff;border-radius:10px;padding:1.6rem;
box-shadow:0 2px 10px rgba(0,0,0,.08)}}h1{{font-size:1.3rem;margin:0 0 .3rem}}
.sub{{color:#55657a;margin-top:0}}label{{display:flex;flex-direction:column;gap:.2rem;
margin:.7rem 0;font-weight:600}}
input{{padding:.55rem;border:1px solid #c3cfdd;border-radius:6px;font:inherit}}
button{{background:#0b4f9c;color:#fff;border:0;border-radius:6px;padding:.6rem 1.1rem;font:inherit;
font-weight:700;margin:.6rem .4rem 0 0;cursor:pointer}}button.secondary{{background:#e4eaf2;
color:#1d2b3a}}.alert{{background:#fde8e6;color:#8a1c12;padding:.5rem .7rem;border-radius:6px}}
.scopes{{columns:2;font-size:.8rem;color:#55657a}}</style></head>
<body><header>Accurate Online · emulator</header><main>{body}</main></body></html>"""
