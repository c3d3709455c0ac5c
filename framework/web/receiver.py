"""The web side: webhook receiver and the operator's status page (Starlette).

``POST /webhooks/{link_id}/{token}`` takes a platform's webhook (see
``framework.webhook_receipt``: token and signature checked before anything is stored, bodies
over 1 MB refused unread, 5xx when jembatan could not finish so the platform retries).
``GET /`` shows every link's status and the failed push records with their reasons and a
re-push button; ``GET /api/status`` is the same as JSON.
"""

from __future__ import annotations

import html
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..jobs import RecordStatus
from ..records import list_records, repush
from ..status import link_statuses
from ..webhook_receipt import BODY_LIMIT, receive_webhook


def create_web_app(app: Any) -> Starlette:
    """Return the ASGI app serving webhooks and the status page for ``app``."""

    async def webhook(request: Request) -> Response:
        body = await read_limited(request, BODY_LIMIT)
        if body is None:
            return JSONResponse({"ok": False, "error": f"body over {BODY_LIMIT} bytes"},
                                status_code=413)
        receipt = await run_in_threadpool(
            receive_webhook, app, request.path_params["link_id"], request.path_params["token"],
            dict(request.headers), body)
        ok = receipt.status_code < 400
        return JSONResponse({"ok": ok, "outcome": receipt.outcome} if ok else
                            {"ok": False, "error": receipt.outcome},
                            status_code=receipt.status_code)

    async def webhook_without_token(request: Request) -> Response:
        return JSONResponse({"ok": False, "error": "the webhook URL carries the link's token: "
                             "`jembatan link webhook-url LINK` shows it"}, status_code=404)

    async def status_json(request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(_status_data, app))

    async def page(request: Request) -> Response:
        return HTMLResponse(_render(await run_in_threadpool(_status_data, app)))

    async def repush_record(request: Request) -> Response:
        record_id = int(request.path_params["record_id"])
        await run_in_threadpool(_repush, app, record_id)
        return RedirectResponse("/", status_code=303)

    return Starlette(routes=[
        Route("/", page),
        Route("/api/status", status_json),
        Route("/webhooks/{link_id}/{token}", webhook, methods=["POST"]),
        Route("/webhooks/{link_id}", webhook_without_token, methods=["POST"]),
        Route("/records/{record_id:int}/repush", repush_record, methods=["POST"]),
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


def _repush(app: Any, record_id: int) -> None:
    with app.session() as session:
        repush(session, record_id)


def _status_data(app: Any) -> dict[str, Any]:
    with app.session() as session:
        links = [{
            "link": s.link_id, "platforms": f"{s.commerce} → {s.accounting}",
            "connected": s.connected, "warehouses": s.warehouses_bound,
            "accounts": s.accounts_mapped, "features": s.features, "orders": dict(s.orders),
            "jobs": dict(s.jobs), "failed_records": s.records_failed,
        } for s in link_statuses(session)]
        failed = [{
            "id": r.id, "link": r.link_id, "kind": r.kind.value, "ref": r.ref,
            "document": r.document, "status": r.status.value, "reason": r.reason,
        } for r in list_records(session, failed_only=True, limit=100)
            if r.status in (RecordStatus.FAILED, RecordStatus.NEEDS_OPERATOR)]
    return {"links": links, "failed_records": failed}


def _render(data: dict[str, Any]) -> str:
    esc = html.escape
    link_rows = "".join(
        f"<tr><td>{esc(link['link'])}</td><td>{esc(link['platforms'])}</td>"
        f"<td>{'yes' if link['connected'] else 'NO'}</td><td>{link['warehouses']}</td>"
        f"<td>{link['accounts']}</td><td>{esc(', '.join(link['features']))}</td>"
        f"<td>{esc(_pairs(link['orders']))}</td><td>{esc(_pairs(link['jobs']))}</td>"
        f"<td>{link['failed_records']}</td></tr>" for link in data["links"])
    record_rows = "".join(
        f"<tr><td>{r['id']}</td><td>{esc(r['link'])}</td><td>{esc(r['kind'])}</td>"
        f"<td>{esc(r['ref'])}</td><td>{esc(r['document'])}</td><td>{esc(r['status'])}</td>"
        f"<td>{esc(r['reason'])}</td><td><form method='post' action='/records/{r['id']}/repush'>"
        f"<button type='submit'>Re-push</button></form></td></tr>"
        for r in data["failed_records"])
    return _PAGE.format(links=link_rows or "<tr><td colspan=9>no links yet</td></tr>",
                        records=record_rows or "<tr><td colspan=8>nothing failed</td></tr>")


def _pairs(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "-"


_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>jembatan status</title><style>
body{{font-family:system-ui,sans-serif;margin:2em}}table{{border-collapse:collapse;margin-bottom:2em}}
td,th{{border:1px solid #ccc;padding:.3em .6em;text-align:left}}th{{background:#f3f3f3}}
</style></head><body><h1>jembatan</h1>
<h2>Links</h2><table id="links"><tr><th>link</th><th>platforms</th><th>connected</th>
<th>warehouses</th><th>accounts</th><th>features</th><th>orders</th><th>jobs</th>
<th>failed records</th></tr>{links}</table>
<h2>Failed push records</h2><table id="failed"><tr><th>id</th><th>link</th><th>kind</th>
<th>ref</th><th>document</th><th>status</th><th>reason</th><th></th></tr>{records}</table>
</body></html>"""
