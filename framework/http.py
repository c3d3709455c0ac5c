"""The HTTP plumbing every platform client shares.

``PlatformClient`` owns one ``httpx.Client`` (explicit timeouts, injectable transport), admits
each request through the link's ``RequestGate`` lane, turns network failures into
``TransientError`` and retries transient failures a few times in-process, honouring
``Retry-After``. A plugin's client subclasses it and implements ``parse`` (the platform's
envelope and error table). Whatever is still failing after the in-process retries goes back to
the runner, which retries the job later with backoff.
"""

from __future__ import annotations

import functools
import logging
import random
import ssl
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import httpx

from .connectors import OpenGate, RequestGate
from .errors import ProviderTransientError, TransientError

log = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)


class PlatformClient:
    """Base of the platform clients: one httpx client, the gate, and ``should_retry``.

    Args:
        base_url: the platform's API root (configurable per link: emulator, sandbox, production).
        lane: the rate-limit lane every request of this client passes through.
        gate: cross-worker admission; defaults to admitting everything.
        transport: an ``httpx`` transport for tests.
        retries: in-process attempts for transient failures before giving up to the runner.
    """

    provider = "platform"

    def __init__(  # noqa: PLR0913 - the client's knobs, all optional but base_url
        self,
        base_url: str,
        *,
        lane: str | None = None,
        gate: RequestGate | None = None,
        transport: httpx.BaseTransport | None = None,
        retries: int = 3,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.lane = lane or self.provider
        self.gate = gate or OpenGate()
        self.retries = retries
        self.http = httpx.Client(timeout=timeout, transport=transport, follow_redirects=False,
                                 verify=ssl_context())

    def close(self) -> None:
        """Close the underlying connection pool."""
        self.http.close()

    def __enter__(self) -> PlatformClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send one request through the gate; network failures become ``TransientError``."""
        if not url.startswith("http"):
            url = self.base_url + url
        with self.gate.permit(self.lane) as permit:
            if permit is not None and hasattr(permit, "sent"):
                kwargs["extensions"] = {"trace": _sent_tracer(permit)}
            try:
                return self.http.request(method, url, **kwargs)
            except httpx.TimeoutException as exc:
                raise ProviderTransientError(
                    f"timed out calling {method} {httpx.URL(url).path}",
                    provider=self.provider) from exc
            except httpx.TransportError as exc:
                raise ProviderTransientError(
                    f"network error calling {method} {httpx.URL(url).path}: {exc}",
                    provider=self.provider) from exc

    def call(self, operation: Callable[[], T]) -> T:
        """Run ``operation`` (request + parse), retrying transient failures in-process."""
        for attempt in range(1, self.retries + 1):
            try:
                return operation()
            except TransientError as exc:
                if attempt == self.retries:
                    raise
                delay = should_retry(exc, attempt)
                log.info("retrying %s after %.2fs: %s", self.provider, delay, exc)
                time.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover


@functools.cache
def ssl_context() -> ssl.SSLContext:
    """The one verified TLS context every HTTP client of the process uses.

    Building one loads the CA bundle (~30-70 ms): a job batch builds a client per link, and an
    emulator's webhook outbox one per delivery round.
    """
    return httpx.create_ssl_context()


def _sent_tracer(permit: Any) -> Callable[[str, Any], None]:
    """An httpcore trace hook telling the gate's permit when the request has left us."""
    def trace(event: str, _info: Any) -> None:
        if event.endswith("send_request_body.complete"):
            permit.sent()
    return trace


def should_retry(error: TransientError, attempt: int, base: float = 0.2,
                 cap: float = 5.0) -> float:
    """Return how long to wait before retry ``attempt + 1``: Retry-After, else backoff+jitter."""
    if error.retry_after is not None:
        return min(float(error.retry_after), cap)
    return min(cap, base * 2 ** (attempt - 1)) * (0.5 + random.random() / 2)  # noqa: S311


def retry_after_seconds(response: httpx.Response) -> float | None:
    """Read a ``Retry-After`` header given in seconds, if any."""
    value = response.headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def iter_numbered_pages(fetch: Callable[[int], tuple[list[T], bool]],
                        first: int = 1) -> Iterator[T]:
    """Yield items from a page-numbered list; ``fetch(page)`` returns ``(items, more)``.

    Stops when a page is empty or ``more`` is false, so a wrong total never loops forever.
    """
    page = first
    while True:
        items, more = fetch(page)
        yield from items
        if not items or not more:
            return
        page += 1
