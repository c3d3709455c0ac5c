"""The webhook receiver (Starlette), served where the worker listens.

``POST /webhooks/{link_id}/{token}`` takes a platform's webhook (see
``framework.sync.webhook_receipt``: token and signature checked before anything is stored, bodies
over 1 MB refused unread, 5xx when jembatan could not finish so the platform retries).
It serves nothing else: the operator's pages are the console (``framework.web.app``,
``jembatan web``), behind a login.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..sync.webhook_receipt import BODY_LIMIT, Verdict, receive_webhook


def create_web_app(app: Any) -> Starlette:
    """Return the ASGI app serving webhooks for ``app``."""

    async def webhook(request: Request) -> Response:
        body = await read_limited(request, BODY_LIMIT)
        if body is None:
            return JSONResponse({"ok": False, "error": f"body over {BODY_LIMIT} bytes"},
                                status_code=413)
        receipt = await run_in_threadpool(
            receive_webhook, app, request.path_params["link_id"], request.path_params["token"],
            dict(request.headers), body)
        ok = receipt.status_code < 400
        answer: dict[str, Any] = ({"ok": ok, "outcome": receipt.outcome} if ok else
                                  {"ok": False, "error": receipt.outcome})
        if receipt.verdict is Verdict.IGNORED:
            answer["ignored"] = True
        return JSONResponse(answer, status_code=receipt.status_code)

    async def webhook_without_token(request: Request) -> Response:
        return JSONResponse({"ok": False, "error": "the webhook URL carries the link's token: "
                             "`jembatan link webhook-url LINK` shows it"}, status_code=404)

    return Starlette(routes=[
        Route("/webhooks/{link_id}/{token}", webhook, methods=["POST"]),
        Route("/webhooks/{link_id}", webhook_without_token, methods=["POST"]),
    ])


async def read_limited(request: Request, limit: int) -> bytes | None:
    """Return the request body, or ``None`` once it is over ``limit`` bytes (read no further)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None  # refused before reading a byte of it
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
