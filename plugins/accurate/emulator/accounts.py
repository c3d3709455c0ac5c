"""The account host (``/oauth/token``, ``/api/*.do``) and who may call the data host.

Called with the emulator's lock held; raises ``AuthFailure`` with Accurate's own answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.responses import JSONResponse, Response

from plugins.accurate.assumptions import EMULATOR_LICENSE_END

from .auth import ALL_SCOPES, APP_NAME, AuthFailure, AuthRegistry, bearer_token, envelope_failure
from .data import scope_for
from .state import Database

if TYPE_CHECKING:
    from .app import AccurateEmulator

USER = {"id": 36000, "email": "owner@example.id", "name": "Owner"}


def grant(auth: AuthRegistry, form: dict[str, Any]) -> dict[str, Any]:
    """Answer ``/oauth/token`` for the authorization-code and refresh-token grants."""
    grant_type = form.get("grant_type")
    if grant_type == "authorization_code":
        issued = auth.codes.pop(str(form.get("code") or ""), None)
        if issued is None or issued[0] != form.get("redirect_uri"):
            raise AuthFailure(400, {"error": "invalid_grant",
                                    "error_description": "Invalid authorization code"})
        auth.authorize_anew()  # the account's earlier tokens for this app stop working
        return auth.issue_tokens(issued[1])
    if grant_type == "refresh_token":
        # refresh tokens rotate: the one used here is spent
        scopes = auth.refresh_tokens.pop(str(form.get("refresh_token") or ""), None)
        if scopes is None:
            raise AuthFailure(400, {"error": "invalid_grant",
                                    "error_description": "Invalid refresh token"})
        return auth.issue_tokens(scopes)
    raise AuthFailure(400, {"error": "unsupported_grant_type"})


def _database(emulator: AccurateEmulator, db_id: Any) -> Database:
    try:
        return emulator.databases[int(db_id)]
    except (TypeError, ValueError, KeyError):
        raise envelope_failure(200, "Data Usaha tidak ditemukan atau sudah dihapus") from None


def _api_token_answer(emulator: AccurateEmulator, headers: dict[str, str]) -> dict[str, Any]:
    _, db_id = emulator.auth.api_token_database(headers)
    db = emulator.databases[db_id]
    database = {"id": db.id, "alias": db.alias, "host": emulator.host_of(db), "admin": True,
                "license": {"licenseEnd": EMULATOR_LICENSE_END, "trial": False}}
    d: dict[str, Any] = {
        "application": {"name": APP_NAME, "appKey": emulator.auth.client_id},
        "user": dict(USER, fullName=USER["name"]), "tokenType": "api"}
    if emulator.api_token_key == "host":  # the "old structure": the database fields in d
        d.update(database)
    else:
        d[emulator.api_token_key] = database
    return {"s": True, "d": d}


def _open_db(emulator: AccurateEmulator, db: Database) -> dict[str, Any]:
    return {"s": True, "d": ["Proses Berhasil Dilakukan"],
            "session": emulator.auth.open_session(db.id), "host": emulator.host_of(db),
            "dataVersion": emulator.data_version, "licenseEnd": EMULATOR_LICENSE_END,
            "admin": True, "accessibleUntil": EMULATOR_LICENSE_END, "trial": False}


def _api_token_account_call(emulator: AccurateEmulator, name: str, headers: dict[str, str],
                            params: dict[str, Any]) -> Response:
    """Account calls that also take the API-Token headers (§1.2, §7 item 9)."""
    if name == "api-token":
        return JSONResponse(_api_token_answer(emulator, headers))
    if bearer_token(headers).startswith("aat."):
        emulator.auth.api_token_database(headers)
    else:
        emulator.auth.access_scopes(headers)
    if name == "webhook-renew":
        return JSONResponse({"s": True, "d": emulator.webhooks.renew()})
    return JSONResponse(emulator.webhooks.history_between(params))


def serve(emulator: AccurateEmulator, name: str, headers: dict[str, str],
          params: dict[str, Any]) -> Response:
    """Answer one account-host API call."""
    auth = emulator.auth
    if name in ("api-token", "webhook-renew", "webhook-history"):
        return _api_token_account_call(emulator, name, headers, params)
    token, scopes = auth.access_scopes(headers)
    if name == "db-list":
        return JSONResponse({"s": True, "d": [
            {"id": db.id, "alias": db.alias, "trial": False, "expired": False}
            for db in emulator.databases.values()]})
    if name == "approved-scope":
        return JSONResponse({"s": True, "d": sorted(scopes - auth.revoked.get(token, set()))})
    if name in ("auth-info", "userinfo"):
        return JSONResponse({"s": True, "d": dict(USER)})
    if name in ("open-db", "db-detail", "db-status"):
        db = _database(emulator, params.get("id"))
        if name != "open-db":
            return JSONResponse({"s": True, "d": {"id": db.id, "alias": db.alias,
                                                  "licenseEnd": EMULATOR_LICENSE_END}})
        return JSONResponse(_open_db(emulator, db))
    if name == "db-check-session":
        return JSONResponse({"s": True, "d": str(params.get("session")) in auth.sessions})
    if name == "db-refresh-session":
        db = _database(emulator, params.get("id"))
        session = str(params.get("session") or "")
        if auth.sessions.get(session) != db.id:
            session = auth.open_session(db.id)
        return JSONResponse({"s": True, "d": {"session": session, "host": emulator.host_of(db)}})
    return JSONResponse({"s": False, "d": ["URL API tidak tepat"]}, status_code=404)


def authenticate_data(emulator: AccurateEmulator, headers: dict[str, str], module: str,
                      action: str) -> tuple[str, Database]:
    """Check a data-host call's credentials and scope; return the meter key and database."""
    auth = emulator.auth
    bearer = bearer_token(headers)
    if not bearer:
        raise envelope_failure(401, "Unauthorized")
    if bearer.startswith("aat."):
        token, db_id = auth.api_token_database(headers)
        granted = ALL_SCOPES
    else:
        token, granted = auth.access_scopes(headers)
        db_id = auth.session_database(headers)
    scope = scope_for(module, action)
    if scope in ALL_SCOPES:  # an unknown endpoint is answered 404 by the data layer
        auth.check_scope((token, str(db_id)), granted, scope)
    return token, emulator.databases[db_id]
