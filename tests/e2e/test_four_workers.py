"""Four worker processes on one PostgreSQL database, measured at Accurate's end."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

import pytest

from framework.testing.processes import running

from .conftest import Jembatan, S, Scene


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("scene", ["ginee"], indirect=True)
def test_four_worker_processes_stay_within_accurates_limits_and_post_each_document_once(
        scene: Scene, postgres_url: str) -> None:
    scene.jembatan = Jembatan(postgres_url)
    scene.go_live("auto-paid")
    scene.accurate.latency = 0.05  # slow enough answers for requests to pile up in flight
    orders = [scene.order(state=S.PAID, offset=n % 5) for n in range(24)]
    scene.jembatan("orders", "sync", "--link", scene.link)
    for order_id in orders[::2]:  # half move on before any worker runs: SO and SI queued
        scene.move(order_id, S.READY_TO_SHIP)
    scene.jembatan("orders", "sync", "--link", scene.link)

    with contextlib.ExitStack() as stack:  # every worker stopped, whatever happens
        workers = [stack.enter_context(running(
            [sys.executable, "-m", "framework", "--database", postgres_url, "worker", "--burst",
             "--concurrency", "4"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env=os.environ.copy())) for _ in range(4)]
        outputs = [worker.communicate(timeout=600)[0] for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0, 0, 0], outputs

    token = scene.accurate.api_token_for(scene.store.database_id)
    seen = scene.accurate.meter.snapshot()
    assert seen["rejected"].get(token, 0) == 0
    assert seen["peak_per_second"][token] <= 8
    # batched, 24 orders are a few bulk calls: how many overlap is up to the scheduler
    assert 1 <= seen["peak_in_flight"][token] <= 8
    for n, order_id in enumerate(orders):
        shipped = n % 2 == 0
        assert len(scene.order_documents("sales_order", order_id)) == 1
        assert len(scene.order_documents("sales_invoice", order_id)) == int(shipped)
        assert len(scene.order_documents("sales_receipt", order_id)) == int(shipped)


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("scene", ["forstok"], indirect=True)
def test_a_worker_killed_mid_document_leaves_exactly_one_document_per_order(
        scene: Scene, postgres_url: str) -> None:
    scene.jembatan = Jembatan(postgres_url)
    scene.go_live()
    orders = [scene.order(state=S.PAID, offset=n % 5) for n in range(12)]
    scene.jembatan("orders", "sync", "--link", scene.link)
    for order_id in orders:
        scene.move(order_id, S.READY_TO_SHIP)
    scene.jembatan("orders", "sync", "--link", scene.link)
    # Slow answers: the worker dies with the invoices' bulk-save sent and unanswered, which
    # Accurate completes anyway (its answer is lost with the worker).
    scene.accurate.latency = 1.0
    with running([sys.executable, "-m", "framework", "--database", postgres_url, "worker",
                  "--concurrency", "4", "--lease-seconds", "2", "--poll-every", "0",
                  "--stock-every", "0"], stop_signal=signal.SIGKILL, stdout=subprocess.DEVNULL,
                 stderr=subprocess.DEVNULL, env=os.environ.copy()):
        deadline = time.monotonic() + 120
        while len(scene.documents("sales_order")) < len(orders) and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.3)  # the sales orders' answer is in, the invoices' batch is on its way
    # leaving the block SIGKILLed the worker (and reaped it)
    assert len(scene.documents("sales_order")) == len(orders)
    assert len(scene.documents("sales_invoice")) < len(orders), "the kill did not land mid-run"

    time.sleep(2.5)  # the dead worker's leases run out and its last request is answered
    scene.accurate.latency = 0.0
    scene.jembatan("worker", "--burst", "--concurrency", "4")
    for order_id in orders:
        assert len(scene.order_documents("sales_order", order_id)) == 1
        assert len(scene.order_documents("sales_invoice", order_id)) == 1
