"""Where a benchmark worker's CPU goes: thread CPU time inside each step of a batch.

``install()`` wraps the runner's and the Accurate plugin's steps (``STEPS``) so that every
call adds the CPU time of its own thread (``time.thread_time``) and its wall time to that
step's totals. Steps nest (a bulk save holds its request, the request the gate's admission),
so each figure includes the steps inside it. ``reset()`` starts the count again (the worker
calls it when the clock starts); ``report()`` returns it as plain data. Benchmark-only: the
wrappers cost a few microseconds a call, and nothing outside ``benchmarks/`` installs them.
"""

from __future__ import annotations

import functools
import importlib
import threading
import time
from collections.abc import Callable
from typing import Any

#: (module, qualified name) of each step timed, in the order a batch meets them
STEPS = (
    ("framework.runtime.runner", "Runner._claim"),
    ("framework.runtime.runner", "Runner._attempt_batch"),
    ("plugins.accurate.batches", "OrderBatch.__init__"),
    ("framework.runtime.jobcontext", "DatabaseJobBatch.prefetch_many"),
    ("plugins.accurate.batches", "OrderBatch.sales_orders"),
    ("plugins.accurate.batches", "OrderBatch.invoices"),
    ("plugins.accurate.batches", "OrderBatch.receipts"),
    ("plugins.accurate.client", "AccurateClient.bulk_save"),
    ("framework.http", "PlatformClient.request"),
    ("framework.runtime.ratelimit", "DatabaseGate._try_acquire"),
    ("framework.runtime.ratelimit", "DatabaseGate._release"),
    ("framework.runtime.jobcontext", "DatabaseJobBatch.flush"),
    ("framework.runtime.runner", "Runner._settle"),
)

_lock = threading.Lock()
_totals: dict[str, list[float]] = {}  # step -> [calls, thread CPU seconds, wall seconds]


def _timed(step: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        cpu, wall = time.thread_time(), time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            used, took = time.thread_time() - cpu, time.perf_counter() - wall
            with _lock:
                total = _totals.setdefault(step, [0, 0.0, 0.0])
                total[0] += 1
                total[1] += used
                total[2] += took
    return wrapper


def install() -> None:
    """Wrap every step of ``STEPS`` (once per process)."""
    for module_name, qualified in STEPS:
        owner: Any = importlib.import_module(module_name)
        *path, name = qualified.split(".")
        for part in path:
            owner = getattr(owner, part)
        setattr(owner, name, _timed(qualified, getattr(owner, name)))


def reset() -> None:
    """Forget what was counted so far (the clock starts now)."""
    with _lock:
        _totals.clear()


def report() -> dict[str, dict[str, float]]:
    """Each step's calls, thread CPU and wall milliseconds since ``reset``."""
    with _lock:
        return {step: {"calls": int(calls), "cpu_ms": round(cpu * 1000, 1),
                       "wall_ms": round(wall * 1000, 1)}
                for step, (calls, cpu, wall) in _totals.items()}


def describe(report_of: dict[str, dict[str, float]]) -> list[str]:
    """Lines for one worker's report: per step, calls and CPU ms in all and a batch."""
    batches = max(1, int(report_of.get("Runner._attempt_batch", {}).get("calls", 1)))
    lines = [f"thread CPU by step ({batches} batches; a step includes the steps inside it)"]
    for _module, step in STEPS:
        figures = report_of.get(step)
        if figures is None:
            continue
        lines.append(f"  {step:34s} calls={figures['calls']:4d} "
                     f"cpu={figures['cpu_ms']:7.1f}ms ({figures['cpu_ms'] / batches:5.2f} ms "
                     f"a batch) wall={figures['wall_ms']:8.1f}ms")
    return lines
