"""A plugin and a receiving server for the multi-process tests.

``CounterEmulator`` is the receiving end: it stores every document POSTed to it *without*
deduplicating (so a duplicate side effect is visible) and meters requests per lane with the
limits the plugin declares, so a gate that let too much through shows in its peaks.
The ``counter.post`` job posts one document per job; with ``lookup`` it first asks whether the
document exists (the idempotent pattern jembatan's plugins use against Accurate).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

import httpx
import pluggy
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from framework.emulation import Emulator, RequestMeter
from framework.errors import TransientError
from framework.jobs import JobContext
from framework.testing.plugins import MemBooks

hookimpl = pluggy.HookimplMarker("jembatan")

#: one client per process: building an httpx client (its SSL context) costs ~30 ms
_HTTP = httpx.Client(timeout=10)
LANE = "counter"
PER_SECOND = 150
IN_FLIGHT = 4


class CounterEmulator(Emulator):
    """Counts documents per number; answers 429 past the lane's limits."""

    name = "counter"

    def __init__(self, hold_seconds: float = 0.002) -> None:
        super().__init__(seed=1)
        self.meter = RequestMeter(per_second=PER_SECOND, in_flight=IN_FLIGHT)
        self.created: Counter[str] = Counter()
        self.hold_seconds = hold_seconds

    def routes(self) -> list[Route]:
        return [Route("/documents", self._create, methods=["POST"]),
                Route("/documents/{number}", self._read, methods=["GET"])]

    def credentials(self) -> dict[str, Any]:
        return {"base_url": self.base_url}

    def rate_limit_response(self) -> Response:
        return JSONResponse({"error": "Too Many Requests"}, status_code=429)

    def state(self) -> dict[str, Any]:
        return {"created": dict(self.created), **self.meter.snapshot()}

    async def _metered(self, lane: str, answer) -> Response:  # noqa: ANN001
        if not self.meter.enter(lane):
            return self.rate_limit_response()
        try:
            await asyncio.sleep(self.hold_seconds)
            return answer()
        finally:
            self.meter.leave(lane)

    async def _create(self, request: Request) -> Response:
        body = await request.json()

        def create() -> Response:
            with self.lock:
                self.created[body["number"]] += 1
            return JSONResponse({"number": body["number"]}, status_code=201)

        return await self._metered(request.headers["x-lane"], create)

    async def _read(self, request: Request) -> Response:
        number = request.path_params["number"]

        def read() -> Response:
            with self.lock:
                found = number in self.created
            return JSONResponse({"number": number}, status_code=200 if found else 404)

        return await self._metered(request.headers["x-lane"], read)


class CounterBooks(MemBooks):
    """An accounting connector whose documents live in a ``CounterEmulator``."""

    name = "counterbooks"
    title = "Counter"

    @property
    def lane(self) -> str:
        return f"{LANE}:{self.link.link_id}"

    def _send(self, method: str, path: str, **options: Any) -> httpx.Response:
        with self.link.gate.permit(self.lane):
            response = _HTTP.request(method, self.link.settings["base_url"] + path,
                                     headers={"x-lane": LANE}, **options)
        if response.status_code == 429:
            raise TransientError("counter: Too Many Requests (HTTP 429)")
        return response

    def create_document(self, number: str, body: Any) -> dict[str, Any]:
        """POST the document (after a lookup, when asked to be idempotent)."""
        if body.get("lookup") and self._send("GET", f"/documents/{number}").status_code == 200:
            return {"number": number, "existing": True}
        self._send("POST", "/documents", json={"number": number})
        return {"number": number}


def post(ctx: JobContext) -> None:
    """Job ``counter.post``: one document per job, then some more work (a crash window)."""
    ctx.accounting().create_document(ctx.key, ctx.payload)
    time.sleep(float(ctx.payload.get("linger", 0)))


@hookimpl
def register_connectors(register) -> None:  # noqa: ANN001
    register(CounterBooks)


@hookimpl
def register_lanes(register) -> None:  # noqa: ANN001
    register(LANE, PER_SECOND, IN_FLIGHT)


@hookimpl
def register_job_handlers(register) -> None:  # noqa: ANN001
    register("counter.post", post)
