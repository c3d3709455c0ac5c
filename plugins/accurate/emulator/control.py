"""``POST /_emulator/<action>``: drive the emulator over HTTP as a test or a seed rehearsal does.

Each action takes a JSON body of the same keyword arguments as the ``AccurateEmulator``
method of that name and answers ``{"ok": true, "result": ...}``; a refused action answers 400
with ``{"ok": false, "error": "..."}``. So each step of a seed (a new database, an item, a
stock opname that sets the counted quantity) can be rehearsed against a running emulator.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .state import AccurateRefusal

if TYPE_CHECKING:
    from .app import AccurateEmulator

#: the emulator methods reachable over HTTP, with the arguments each takes
ACTIONS = {
    "add_database": ("alias",),
    "add_warehouse": ("database_id", "name"),
    "add_account": ("database_id", "no", "name", "type"),
    "add_branch": ("database_id", "name"),
    "add_customer": ("database_id", "no", "name"),
    "add_item": ("database_id", "no", "name", "price", "quantities"),
    "adjust_stock": ("database_id", "item_no", "warehouse", "quantity"),
    "move_database": ("database_id",),
    "revoke_scope": ("token_or_db", "scope"),
    "expire_sessions": (),
    "expire_access_tokens": (),
    "set_webhook": ("url", "types"),
    "flush_webhooks": (),
    "advance_clock": ("seconds",),
}


def routes(emulator: AccurateEmulator) -> list[Route]:
    """Return one ``POST /_emulator/<action>`` route per entry of ``ACTIONS``."""
    return [Route(f"/_emulator/{action}", _endpoint(emulator, action), methods=["POST"])
            for action in ACTIONS]


def _endpoint(emulator: AccurateEmulator, action: str) -> Any:
    async def endpoint(request: Request) -> Response:
        raw = await request.body()
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = None
        if not isinstance(body, dict) or set(body) - set(ACTIONS[action]):
            return JSONResponse({"ok": False, "error": f"{action} takes a JSON object with "
                                 f"{', '.join(ACTIONS[action]) or 'no keys'}"}, status_code=400)
        try:
            result = await run_in_threadpool(getattr(emulator, action), **body)
        except (AccurateRefusal, KeyError, TypeError, ValueError) as error:
            message = error.message if isinstance(error, AccurateRefusal) else repr(error)
            return JSONResponse({"ok": False, "error": message}, status_code=400)
        return JSONResponse(json.loads(json.dumps({"ok": True, "result": result}, default=str)))
    return endpoint
