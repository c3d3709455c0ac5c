"""What every platform emulator shares: fault injection, request metering, serving.

An emulator is a Starlette app plus the state it holds. Plugins subclass ``Emulator``; this
module gives each of them the same fault plan (5xx, rate limit, slow answer, connection reset,
succeed-then-drop-the-answer), the same per-key request meter (limits enforced and the highest
rates seen kept for tests), the same ``/_emulator/*`` control routes, and the same ways to run:
in a thread for tests (``serve_in_thread``) or in the foreground for ``jembatan emulator``.
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import json
import random
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send


class Fault(StrEnum):
    """Kinds of injected failure."""

    SERVER_ERROR = "server_error"  # HTTP 500 in the platform's envelope, nothing done
    RATE_LIMIT = "rate_limit"  # the platform's rate-limit answer, nothing done
    SLOW = "slow"  # wait ``delay`` seconds, then answer normally
    RESET = "reset"  # drop the connection before doing anything
    DROP_ANSWER = "drop_answer"  # do the work, then drop the connection: the answer is lost


@dataclass
class FaultRule:
    """Inject ``fault`` into requests whose path matches ``route`` (a glob)."""

    route: str
    fault: Fault
    times: int = 1  # how many requests to hit; -1 for every one
    probability: float = 1.0
    delay: float = 2.0

    def matches(self, path: str) -> bool:
        """Return whether this rule applies to ``path``."""
        return fnmatch.fnmatchcase(path, self.route)


class FaultPlan:
    """A thread-safe list of fault rules, consumed as matching requests arrive."""

    def __init__(self, seed: int | None = None) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()
        self._random = random.Random(seed)
        self.injected: list[tuple[str, Fault]] = []

    def add(self, route: str, fault: Fault | str, **options: Any) -> FaultRule:
        """Add a rule; see ``FaultRule`` for ``times``, ``probability`` and ``delay``."""
        rule = FaultRule(route=route, fault=Fault(fault), **options)
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        """Remove every rule."""
        with self._lock:
            self._rules.clear()

    def take(self, path: str) -> FaultRule | None:
        """Return the fault to inject into a request for ``path``, consuming one use."""
        with self._lock:
            for rule in self._rules:
                if rule.times == 0 or not rule.matches(path):
                    continue
                if self._random.random() >= rule.probability:
                    continue
                if rule.times > 0:
                    rule.times -= 1
                self.injected.append((path, rule.fault))
                return rule
        return None


class RequestMeter:
    """Per-key request accounting: enforces limits and remembers the peaks it saw.

    ``enter(key)`` admits a request or returns ``False`` when it would exceed ``per_second``
    requests in the last second or ``in_flight`` concurrent ones; ``leave(key)`` ends it.
    ``peak_per_second`` and ``peak_in_flight`` are what tests assert against.
    """

    def __init__(self, per_second: int | None, in_flight: int | None) -> None:
        self.per_second = per_second
        self.in_flight = in_flight
        self._lock = threading.Lock()
        self._recent: dict[str, deque[float]] = {}
        self._active: dict[str, int] = {}
        self.peak_per_second: dict[str, int] = {}
        self.peak_in_flight: dict[str, int] = {}
        self.rejected: dict[str, int] = {}

    def enter(self, key: str) -> bool:
        """Admit one request for ``key`` unless a limit would be exceeded."""
        with self._lock:
            # Read the clock under the lock: arrivals must enter the window in time order,
            # or an older arrival behind a newer one outlives its second and is over-counted.
            now = time.monotonic()
            recent = self._recent.setdefault(key, deque())
            while recent and recent[0] <= now - 1.0:
                recent.popleft()
            active = self._active.get(key, 0)
            over_rate = self.per_second is not None and len(recent) >= self.per_second
            over_flight = self.in_flight is not None and active >= self.in_flight
            if over_rate or over_flight:
                self.rejected[key] = self.rejected.get(key, 0) + 1
                return False
            recent.append(now)
            self._active[key] = active + 1
            self.peak_per_second[key] = max(self.peak_per_second.get(key, 0), len(recent))
            self.peak_in_flight[key] = max(self.peak_in_flight.get(key, 0), active + 1)
            return True

    def leave(self, key: str) -> None:
        """End one admitted request for ``key``."""
        with self._lock:
            self._active[key] = max(0, self._active.get(key, 0) - 1)

    def snapshot(self) -> dict[str, Any]:
        """Return the peaks and rejections seen so far."""
        with self._lock:
            return {
                "peak_per_second": dict(self.peak_per_second),
                "peak_in_flight": dict(self.peak_in_flight),
                "rejected": dict(self.rejected),
            }


class _ConnectionDropped(Exception):
    """Raised inside the ASGI app to make the server cut the connection mid-answer."""


class FaultMiddleware:
    """Applies an emulator's ``FaultPlan`` to every request except the control routes."""

    def __init__(self, app: ASGIApp, emulator: Emulator) -> None:
        self.app = app
        self.emulator = emulator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Apply the emulator's faults and meter to every platform request."""
        if scope["type"] != "http" or scope["path"].startswith("/_emulator"):
            await self.app(scope, receive, send)
            return
        rule = self.emulator.faults.take(scope["path"])
        if rule is None:
            await self.app(scope, receive, send)
        elif rule.fault is Fault.SLOW:
            await asyncio.sleep(rule.delay)
            await self.app(scope, receive, send)
        elif rule.fault is Fault.RESET:
            await _drop_connection(send)
        elif rule.fault is Fault.DROP_ANSWER:
            await self.app(scope, receive, _swallow_send)
            await _drop_connection(send)
        else:
            response = (
                self.emulator.rate_limit_response()
                if rule.fault is Fault.RATE_LIMIT
                else self.emulator.server_error_response()
            )
            await response(scope, receive, send)


async def _swallow_send(message: dict[str, Any]) -> None:
    """Discard the app's answer (the work is done, the client never hears of it)."""


async def _drop_connection(send: Send) -> None:
    # Announce a body that never comes, then fail: the server closes the socket and the
    # client sees an incomplete response, as when a proxy or the network drops it.
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-length", b"1000")]})
    raise _ConnectionDropped("fault injected: connection dropped")


class Emulator:
    """Base class of a platform emulator: a Starlette app with state, faults and a meter.

    Subclasses implement ``routes()``, ``credentials()``, ``rate_limit_response()``,
    ``server_error_response()`` and ``state()`` (what the emulator holds, for inspection).
    """

    name: str = "emulator"

    def __init__(self, seed: int | None = None) -> None:
        self.faults = FaultPlan(seed)
        self.lock = threading.RLock()
        self.base_url: str = ""
        self._app: ASGIApp | None = None

    def routes(self) -> list[Route]:
        """Return the platform's routes."""
        raise NotImplementedError

    def seed_example(self) -> None:  # noqa: B027 - optional: an empty emulator is valid
        """Give an emulator started on its own something to serve (``jembatan emulator``)."""

    def credentials(self) -> dict[str, Any]:
        """Return what a client needs to connect (printed as the first line on start)."""
        raise NotImplementedError

    def rate_limit_response(self) -> Response:
        """Return the platform's own rate-limit answer."""
        raise NotImplementedError

    def server_error_response(self) -> Response:
        """Return the platform's own answer to an internal error."""
        return JSONResponse({"error": "Internal Server Error"}, status_code=500)

    def state(self) -> dict[str, Any]:
        """Return a JSON-able view of everything the emulator holds."""
        raise NotImplementedError

    def error_response(self, status: int, message: str) -> Response:
        """Return the platform's answer to an unknown path (404) or method (405).

        Platforms answer those in their JSON envelope, not as plain text; override to match.
        """
        return JSONResponse({"error": message}, status_code=status)

    @property
    def app(self) -> ASGIApp:
        """The ASGI application: platform routes, control routes, fault middleware."""
        if self._app is None:
            starlette = Starlette(routes=[*self.routes(), *self._control_routes()],
                                  exception_handlers={HTTPException: self._http_error})
            self._app = FaultMiddleware(starlette, self)
        return self._app

    async def _http_error(self, request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        return self.error_response(status, str(getattr(exc, "detail", "")) or "error")

    def _control_routes(self) -> list[Route]:
        return [
            Route("/_emulator/state", self._state_endpoint, methods=["GET"]),
            Route("/_emulator/faults", self._faults_endpoint, methods=["POST", "DELETE"]),
        ]

    async def _state_endpoint(self, request: Request) -> Response:
        with self.lock:
            return JSONResponse(json.loads(json.dumps(self.state(), default=str)))

    async def _faults_endpoint(self, request: Request) -> Response:
        if request.method == "DELETE":
            self.faults.clear()
            return JSONResponse({"ok": True})
        body = await request.json()
        rule = self.faults.add(body.pop("route"), body.pop("fault"), **body)
        return JSONResponse({"ok": True, "rule": rule.__dict__})


def free_port() -> int:
    """Return a free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningServer:
    """A uvicorn server running in a background thread."""

    server: uvicorn.Server
    thread: threading.Thread
    base_url: str
    stopped: threading.Event = field(default_factory=threading.Event)

    def stop(self) -> None:
        """Stop the server and wait for its thread."""
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_in_thread(app: ASGIApp, port: int | None = None) -> RunningServer:
    """Start ``app`` on 127.0.0.1 in a daemon thread; return once it accepts connections."""
    port = port or free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical",
                            access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"emulator:{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"emulator did not start on port {port}")
        time.sleep(0.01)
    return RunningServer(server, thread, f"http://127.0.0.1:{port}")


@contextlib.contextmanager
def serve_in_thread(emulator: Emulator, port: int | None = None) -> Iterator[Emulator]:
    """Run an emulator for the duration of a ``with`` block; sets ``emulator.base_url``."""
    running = start_in_thread(emulator.app, port)
    emulator.base_url = running.base_url
    try:
        yield emulator
    finally:
        running.stop()


def serve_forever(emulator: Emulator, port: int, host: str = "127.0.0.1") -> None:
    """Run an emulator in the foreground, printing its credentials as the first line."""
    emulator.base_url = f"http://{host}:{port}"
    sys.stdout.write(json.dumps(emulator.credentials()) + "\n")
    sys.stdout.flush()
    uvicorn.run(emulator.app, host=host, port=port, log_level="warning", lifespan="off")


WebhookSender = Callable[[str, bytes, dict[str, str]], Awaitable[None]]


class WebhookOutbox:
    """Delivers an emulator's webhooks like a platform does: late, retried, sometimes twice.

    ``deliver(url, body, headers)`` posts from a background thread; failed deliveries are
    retried a few times; with ``duplicate_rate`` some are sent twice, and with ``shuffle`` the
    queue is drained in a random order (out-of-order delivery).
    """

    def __init__(self, duplicate_rate: float = 0.0, shuffle: bool = False,
                 seed: int | None = None, attempts: int = 3) -> None:
        self.duplicate_rate = duplicate_rate
        self.shuffle = shuffle
        self.attempts = attempts
        self._random = random.Random(seed)
        self._queue: list[tuple[str, bytes, dict[str, str]]] = []
        self._lock = threading.Lock()
        self.delivered: list[tuple[str, int]] = []

    def deliver(self, url: str, body: bytes, headers: dict[str, str]) -> None:
        """Queue one delivery (and perhaps a duplicate of it)."""
        with self._lock:
            self._queue.append((url, body, headers))
            if self._random.random() < self.duplicate_rate:
                self._queue.append((url, body, headers))

    def flush(self) -> int:
        """Send everything queued now (in this thread); return how many were accepted."""
        import httpx  # local: emulators that never send webhooks need no client

        from .http import ssl_context

        with self._lock:
            batch, self._queue = self._queue, []
        if self.shuffle:
            self._random.shuffle(batch)
        accepted = 0
        # The process's one TLS context: a client's own costs ~40 ms a flush, which a
        # platform's warm sender never spends (it showed as webhook latency).
        with httpx.Client(timeout=5, verify=ssl_context()) as client:
            for url, body, headers in batch:
                accepted += self._send_with_retries(client, url, body, headers)
        return accepted

    def _send_with_retries(self, client: Any, url: str, body: bytes,
                           headers: dict[str, str]) -> int:
        for attempt in range(self.attempts):
            try:
                status = client.post(url, content=body, headers=headers).status_code
            except Exception:  # noqa: BLE001 - a platform retries on any delivery failure
                status = 0
            self.delivered.append((url, status))
            if 200 <= status < 300:
                return 1
            time.sleep(0.05 * (attempt + 1))
        return 0
