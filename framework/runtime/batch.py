"""Batch job handlers: one call for every due job of one kind, link and lane.

A plugin whose platform takes many records per request (Accurate's ``bulk-save.do``: up to
100) registers a *batch handler*: ``@batch_handler(100)`` on a function of a ``JobBatch``.
The runner claims up to that many due jobs of the same kind, link and lane at once and hands
them over together; a single due job is a batch of one, so batching never adds waiting.

The handler returns the jobs that did not succeed, as ``{job_id: error}`` (the runner settles
each one by its error class, exactly as for a plain handler); raising settles the whole batch
with that error. Called with a single ``JobContext`` (unit tests, plain callers), a batch
handler runs a batch of one and raises that job's error.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from ..connectors import AccountingConnector, CommerceConnector
from ..jobs import JobContext, LinkInfo

#: the most jobs a batch handler is handed at once unless it asks for fewer
DEFAULT_BATCH = 100
#: what ``prefetch_many`` loads: ``{kind: refs}``, or a function returning it once the link's
#: warehouses and account mappings are read (for refs that depend on them)
Wanted = Mapping[str, Iterable[str]] | Callable[[], Mapping[str, Iterable[str]]]


@runtime_checkable
class JobBatch(Protocol):
    """The due jobs of one kind and link, handed to a batch handler together.

    Every job's context (``jobs``) works as in a plain handler; the batch shares one
    accounting and commerce connector between them, and writes made through the contexts
    (``bind``, ``record``) may be held until ``flush`` so a batch commits them together.
    """

    link: LinkInfo
    jobs: Sequence[JobContext]

    def accounting(self) -> AccountingConnector:
        """Return the link's accounting connector (one for the whole batch)."""
        ...

    def commerce(self) -> CommerceConnector:
        """Return the link's commerce connector (one for the whole batch)."""
        ...

    def prefetch_bindings(self, kind: str, refs: Iterable[str]) -> None:
        """Load the bindings of ``refs`` in one query, so ``ctx.binding`` asks no more."""
        ...

    def prefetch_many(self, wanted: Wanted) -> None:
        """``prefetch_bindings`` for several kinds at once (``{kind: refs}``, one query).

        ``wanted`` may be a function returning that mapping: it is called after the link's
        warehouses and account mappings are read, in the same transaction.
        """
        ...

    def flush(self) -> None:
        """Commit the writes the contexts hold (bindings and records) in one transaction."""
        ...


BatchResult = Mapping[int, BaseException]


class ContextBatch:
    """A ``JobBatch`` over ready-made contexts (``MemoryJobContext`` in tests).

    Args:
        contexts: the jobs' contexts, all of one link.
    """

    def __init__(self, contexts: Sequence[JobContext]) -> None:
        if not contexts:
            raise ValueError("a batch needs at least one job")
        self.jobs = list(contexts)
        self.link = self.jobs[0].link

    def accounting(self) -> AccountingConnector:
        """Return the first context's accounting connector."""
        return self.jobs[0].accounting()

    def commerce(self) -> CommerceConnector:
        """Return the first context's commerce connector."""
        return self.jobs[0].commerce()

    def prefetch_bindings(self, kind: str, refs: Iterable[str]) -> None:
        """Load the bindings of ``refs`` of ``kind`` (``prefetch_many`` of one kind)."""
        self.prefetch_many({kind: refs})

    def prefetch_many(self, wanted: Wanted) -> None:
        """Nothing to load: the contexts answer ``binding`` themselves."""

    def flush(self) -> None:
        """Nothing held: the contexts write at once."""


class BatchHandler:
    """A job handler taking a ``JobBatch``; made by ``batch_handler``.

    Attributes:
        batch_size: the most jobs handed over at once.
    """

    def __init__(self, function: Callable[[JobBatch], BatchResult | None],
                 batch_size: int) -> None:
        self.function = function
        self.batch_size = max(1, batch_size)
        functools.update_wrapper(self, function)

    def __call__(self, work: JobBatch | JobContext) -> BatchResult | None:
        """Run a batch (returning failed jobs) or one context (raising its error)."""
        if isinstance(work, JobBatch):
            return self.function(work) or {}
        single: Any = work
        errors = self.function(ContextBatch([single])) or {}
        error = errors.get(single.job_id)
        if error is not None:
            raise error
        return None


def batch_handler(batch_size: int = DEFAULT_BATCH
                  ) -> Callable[[Callable[[JobBatch], BatchResult | None]], BatchHandler]:
    """Mark a function of a ``JobBatch`` as a batch handler of up to ``batch_size`` jobs."""
    def mark(function: Callable[[JobBatch], BatchResult | None]) -> BatchHandler:
        return BatchHandler(function, batch_size)
    return mark


def batch_size(handler: object) -> int:
    """Return how many jobs batch handler ``handler`` takes at once; 0 for a plain handler."""
    return handler.batch_size if isinstance(handler, BatchHandler) else 0
