"""``AccurateEmulator``: both Accurate host layers on one local server.

Account host routes (``/oauth/*``, ``/api/*.do``) and data host routes
(``/accurate/api/<module>/<action>.do``) share one port. A database moved with
``move_database`` is served under ``/h<n>/accurate/api/...``; calls to its old host get HTTP 308
to the new one, as Accurate answers when a database changes cloud server.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from framework.emulation import Emulator, RequestMeter, WebhookOutbox
from plugins.accurate.assumptions import (
    BULK_TOP_LEVEL_S,
    EMULATOR_DATABASE_KEY,
    RATE_LIMIT_RETRY_AFTER,
    RATE_LIMIT_STATUS,
)

from . import accounts, consent, control, data, records
from .auth import AuthFailure, AuthRegistry
from .params import read_params
from .payments import target_adjustment
from .state import WIB, AccurateRefusal, Database
from .views import document_view
from .webhooks import Webhooks

RATE_LIMIT_TEXT = ("Jumlah request API melebihi toleransi yang diperbolehkan. Batas maksimum yang "
                   "diperbolehkan yaitu 8 proses paralel per Token dan 8 request/detik.")
KINDS = ("sales_order", "sales_invoice", "sales_receipt", "sales_return", "journal_voucher",
         "item_adjustment", "item", "customer")
WRITES = ("save", "bulk-save", "manual-close-order", "save-target-quantity")


class AccurateEmulator(Emulator):
    """A faithful local Accurate Online: auth, envelopes, limits, documents, stock, journal.

    Args:
        seed: seeds the fault plan's randomness.
        latency: seconds each data call takes (lets tests see requests in flight).
        api_token_key: where ``api-token.do`` puts the database: ``database`` (documented),
            ``data usaha`` or ``dataUsaha`` (older keys), or ``host`` (fields right in ``d``).
        bulk_top_level_s: ``all`` or ``true``, see ``assumptions.BULK_TOP_LEVEL_S``.
    """

    name = "accurate"

    def __init__(self, seed: int | None = None, latency: float = 0.0, *,
                 api_token_key: str = EMULATOR_DATABASE_KEY,
                 bulk_top_level_s: str = BULK_TOP_LEVEL_S) -> None:
        super().__init__(seed)
        self.latency = latency
        self.api_token_key = api_token_key
        self.bulk_top_level_s = bulk_top_level_s
        self.data_version = 20260611103014
        self.auth = AuthRegistry()
        self.consent = consent.ConsentDesk()
        self.auto_consent = False  # True: /oauth/authorize answers the code without pages
        self.meter = RequestMeter(per_second=8, in_flight=8)
        self.databases: dict[int, Database] = {}
        self._tokens_by_db: dict[int, str] = {}
        self._clock_offset = timedelta(0)
        self.webhooks = Webhooks(now=self.now, outbox=WebhookOutbox(seed=seed))

    # ------------------------------------------------------------------ Python API (seeding)

    def now(self) -> datetime:
        """Return the emulator's time (Jakarta), moved by ``advance_clock``."""
        return datetime.now(WIB) + self._clock_offset

    def advance_clock(self, seconds: float) -> str:
        """Move the emulator's clock forward (webhook expiry); return the new time."""
        self._clock_offset += timedelta(seconds=float(seconds))
        return self.now().isoformat()

    def seed_example(self) -> None:
        """One database with two warehouses, the accounts an order needs, and no items."""
        db_id = self.add_database("PT Contoh Jembatan")
        for warehouse in ("Gudang Utama", "Gudang Retur"):
            self.add_warehouse(db_id, warehouse)
        for number, name, kind in (("1101", "Kas & Bank", "CASH_BANK"),
                                   ("4102", "Pendapatan Ongkos Kirim", "REVENUE"),
                                   ("4103", "Potongan Penjualan", "EXPENSE")):
            self.add_account(db_id, number, name, kind)

    def add_database(self, alias: str) -> int:
        """Create a company database (one account may hold several); return its id."""
        with self.lock:
            db_id = 96400 + len(self.databases) * 11
            self.databases[db_id] = Database(db_id, str(alias))
            return db_id

    def add_warehouse(self, database_id: int, name: str) -> None:
        """Create a warehouse in a database."""
        with self.lock:
            db = self.databases[int(database_id)]
            db.warehouses[name] = {"id": db.next_id(), "name": name, "suspended": False}

    def add_branch(self, database_id: int, name: str) -> None:
        """Create a branch; with two or more, transactions must name their ``branchName``."""
        with self.lock:
            db = self.databases[int(database_id)]
            db.branches[name] = {"id": db.next_id(), "name": name}

    def add_account(self, database_id: int, no: str, name: str, type: str) -> None:  # noqa: A002
        """Create a GL account (``type`` e.g. CASH_BANK, REVENUE, EXPENSE)."""
        with self.lock:
            db = self.databases[int(database_id)]
            db.accounts[no] = {"id": db.next_id(), "no": no, "name": name, "accountType": type}

    def add_item(self, database_id: int, no: str, name: str, price: Decimal | int | str,
                 quantities: dict[str, int] | None = None) -> None:
        """Create an item with on-hand quantities per warehouse."""
        with self.lock:
            self.databases[int(database_id)].add_item(
                no, name, Decimal(str(price)),
                {w: Decimal(str(q)) for w, q in (quantities or {}).items()})

    def add_customer(self, database_id: int, no: str, name: str) -> None:
        """Create a customer."""
        with self.lock:
            self.databases[int(database_id)].add_customer(no, name)

    def adjust_stock(self, database_id: int, item_no: str, warehouse: str,
                     quantity: int | str) -> str | None:
        """Stock opname: set the counted on-hand through an item adjustment, as Accurate does.

        Returns the adjustment's number (``None`` when the count already matched).
        """
        with self.lock:
            db = self.databases[int(database_id)]
            body = target_adjustment(db, {"detail": [
                {"itemNo": item_no, "targetQuantity": quantity, "warehouseName": warehouse}]})
            if body is None:
                return None
            return records.save(db, "item_adjustment", body).number

    def set_on_hand(self, database_id: int, item_no: str, warehouse: str, quantity: int) -> None:
        """Set an item's on-hand in a warehouse (a stock opname done in Accurate's UI)."""
        self.adjust_stock(database_id, item_no, warehouse, quantity)

    def documents(self, database_id: int, kind: str) -> list[dict[str, Any]]:
        """Return every record of ``kind`` (see ``KINDS``) as detail.do would show it.

        Sales orders also carry ``manualClosed`` (emulator bookkeeping: closed by
        ``manual-close-order.do`` rather than by an invoice; Accurate's detail.do has no such
        field on sales orders).
        """
        with self.lock:
            db = self.databases[int(database_id)]
            if kind == "item":
                return [item.view() for item in db.items.values()]
            if kind == "customer":
                return [dict(c) for c in db.customers.values()]
            views = [document_view(db, doc) for doc in db.documents[kind].values()]
            if kind == "sales_order":
                for view, doc in zip(views, db.documents[kind].values(), strict=True):
                    view["manualClosed"] = doc.closed
            return views

    def balances(self, database_id: int) -> dict[str, Decimal]:
        """Return the journal balance of every GL account used (debit positive)."""
        with self.lock:
            return {no: amount for no, amount in
                    sorted(self.databases[int(database_id)].balances.items()) if amount}

    def stock(self, database_id: int, item_no: str, warehouse: str) -> tuple[Decimal, Decimal]:
        """Return ``(on_hand, reserved)`` of an item in a warehouse."""
        with self.lock:
            item = self.databases[int(database_id)].items[item_no]
            return (item.on_hand.get(warehouse, Decimal(0)),
                    item.reserved.get(warehouse, Decimal(0)))

    def api_token_for(self, database_id: int) -> str:
        """Return the API token of a database (created on first use)."""
        with self.lock:
            database_id = int(database_id)
            if database_id not in self._tokens_by_db:
                self._tokens_by_db[database_id] = self.auth.issue_api_token(database_id)
            return self._tokens_by_db[database_id]

    def revoke_scope(self, token_or_db: str | int, scope: str) -> None:
        """Withdraw ``scope`` from one token or from every token of a database."""
        with self.lock:
            self.auth.revoked.setdefault(str(token_or_db), set()).add(scope)

    def move_database(self, database_id: int) -> str:
        """Move a database to another data host; return the new host URL."""
        with self.lock:
            self.databases[int(database_id)].host_id += 1
            return self.host_of(self.databases[int(database_id)])

    def expire_sessions(self) -> None:
        """Forget every data session (the next OAuth data call gets a 401)."""
        with self.lock:
            self.auth.sessions.clear()

    def expire_access_tokens(self) -> None:
        """Forget every OAuth access token (refresh tokens stay valid)."""
        with self.lock:
            self.auth.access_tokens.clear()

    def set_webhook(self, url: str, types: list[str] | None = None) -> str:
        """Register the app's webhook (Developer Area); return its expiry date."""
        with self.lock:
            return self.webhooks.register(url, types)

    def flush_webhooks(self) -> int:
        """Send the queued webhook deliveries now; return how many were accepted."""
        return self.webhooks.outbox.flush()

    def host_of(self, db: Database) -> str:
        """Return the data host base URL that serves ``db``."""
        return self.base_url + (f"/h{db.host_id}" if db.host_id else "")

    def credentials(self) -> dict[str, Any]:
        """Return what a client needs to connect (API token valid for the first database)."""
        first = next(iter(self.databases), None)
        return {"account_url": self.base_url, "client_id": self.auth.client_id,
                "client_secret": self.auth.client_secret,
                "api_token": self.api_token_for(first) if first is not None else None,
                "signature_secret": self.auth.signature_secret,
                "databases": [{"id": d.id, "alias": d.alias, "api_token": self.api_token_for(d.id)}
                              for d in self.databases.values()]}

    def state(self) -> dict[str, Any]:
        """Return every database's master data, documents, stock and balances, plus meters."""
        with self.lock:
            return _jsonable({"databases": {db_id: {"alias": db.alias, "host": self.host_of(db),
                                          **{kind: self.documents(db_id, kind) for kind in KINDS},
                                          "stock": {i.no: {"on_hand": i.on_hand,
                                                           "reserved": i.reserved}
                                                    for i in db.items.values()},
                                          "balances": self.balances(db_id)}
                                  for db_id, db in self.databases.items()},
                    "meter": self.meter.snapshot(),
                    "webhooks": {"url": self.webhooks.url, "active": self.webhooks.active(),
                                 "sent": len(self.webhooks.history)},
                    "faults": [f"{path}:{fault}" for path, fault in self.faults.injected]})

    # ------------------------------------------------------------------ HTTP

    def rate_limit_response(self) -> Response:
        """Return Accurate's rate-limit answer (429 with the envelope)."""
        return JSONResponse({"s": False, "d": [RATE_LIMIT_TEXT]}, status_code=RATE_LIMIT_STATUS,
                            headers={"Retry-After": str(RATE_LIMIT_RETRY_AFTER)})

    def error_response(self, status: int, message: str) -> Response:
        """Answer an unknown path or method as Accurate does: ``URL API tidak tepat``."""
        return JSONResponse({"s": False, "d": ["URL API tidak tepat"]}, status_code=status)

    def server_error_response(self) -> Response:
        """Return an internal error as Accurate's envelope."""
        return JSONResponse({"s": False, "d": ["Terjadi kesalahan pada server"]}, status_code=500)

    def routes(self) -> list[Route]:
        """Return the account-host and data-host routes."""
        return [
            *consent.routes(self),  # login form and "Beri Akses" page
            Route("/oauth/token", self._token, methods=["POST"]),
            Route("/api/{name}.do", self._account_api, methods=["GET", "POST"]),
            Route("/accurate/api/{module}/{action}.do", self._data_api,
                  methods=["GET", "POST", "DELETE"]),
            Route("/h{host:int}/accurate/api/{module}/{action}.do", self._data_api,
                  methods=["GET", "POST", "DELETE"]),
            *control.routes(self),
        ]

    async def _token(self, request: Request) -> Response:
        form = await read_params(request)
        try:
            with self.lock:
                self.auth.check_client(request.headers.get("authorization", ""))
                return JSONResponse(accounts.grant(self.auth, form))
        except AuthFailure as failure:
            return JSONResponse(failure.body, status_code=failure.status)

    async def _account_api(self, request: Request) -> Response:
        params = await read_params(request)
        headers = dict(request.headers)
        return await run_in_threadpool(self._serve_account, request.path_params["name"],
                                       headers, params)

    def _serve_account(self, name: str, headers: dict[str, str],
                       params: dict[str, Any]) -> Response:
        try:
            with self.lock:
                return accounts.serve(self, name, headers, params)
        except AuthFailure as failure:
            return _failure_response(failure)
        except AccurateRefusal as refusal:
            return JSONResponse({"s": False, "d": [refusal.message]}, status_code=refusal.status)

    async def _data_api(self, request: Request) -> Response:
        params = await read_params(request)
        return await run_in_threadpool(self._serve_data, request, params)

    def _serve_data(self, request: Request, params: dict[str, Any]) -> Response:
        module, action = request.path_params["module"], request.path_params["action"]
        try:
            with self.lock:
                key, db = accounts.authenticate_data(self, dict(request.headers), module, action)
            if not self.meter.enter(key):
                return self.rate_limit_response()
            try:
                return self._answer_data(request, db, module, action, params)
            finally:
                self.meter.leave(key)
        except AuthFailure as failure:
            return _failure_response(failure)

    def _answer_data(self, request: Request, db: Database, module: str, action: str,
                     params: dict[str, Any]) -> Response:
        if request.path_params.get("host", 0) != db.host_id:
            target = self.host_of(db) + f"/accurate/api/{module}/{action}.do"
            if request.url.query:
                target += "?" + request.url.query
            return RedirectResponse(target, status_code=308)
        if self.latency:
            time.sleep(self.latency)
        try:
            with self.lock:
                deleted = data.record_id(db, module, params) if action == "delete" else None
                answer = data.dispatch(db, module, action, params, bulk_s=self.bulk_top_level_s)
                self._notify(db, module, action, answer, deleted)
                return _DataAnswer(answer)
        except AccurateRefusal as refusal:
            return JSONResponse({"s": False, "d": [refusal.message]}, status_code=refusal.status)
        except data.UnknownEndpoint:
            return JSONResponse({"s": False, "d": ["URL API tidak tepat"]}, status_code=404)


    def _notify(self, db: Database, module: str, action: str, answer: dict[str, Any],
                deleted: Any) -> None:
        """Queue the webhook of a write (``WRITE``) or a delete (``DELETE``)."""
        if action == "delete":
            self.webhooks.notify(db.id, module, "DELETE", [deleted])
        elif action in WRITES:
            results = answer["d"] if action == "bulk-save" else [answer]
            ids = [(r.get("r") or {}).get("id") for r in results if r.get("s")]
            self.webhooks.notify(db.id, module, "WRITE", [i for i in ids if i is not None])


def _failure_response(failure: AuthFailure) -> Response:
    if failure.media_type == "application/json":
        return JSONResponse(failure.body, status_code=failure.status)
    return Response(failure.body, status_code=failure.status, media_type=failure.media_type)


class _DataAnswer(JSONResponse):
    """A data answer rendered as ``JSONResponse`` does, Decimals as numbers (ints when whole).

    The encoder meets a Decimal only where one is (``default``): walking every answer in
    Python first to convert them cost an eighth of the emulator's time serving bulk saves.
    """

    def render(self, content: Any) -> bytes:
        """Encode ``content`` as compact UTF-8 JSON."""
        return json.dumps(content, ensure_ascii=False, allow_nan=False, indent=None,
                          separators=(",", ":"), default=_number).encode("utf-8")


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return _jsonable(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _jsonable(value: Any) -> Any:
    """Turn Decimals into JSON numbers (ints when whole), recursively."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value
