"""Four worker processes on one PostgreSQL database, measured at Accurate's end."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import Jembatan, S, Scene


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

    workers = [subprocess.Popen(
        [sys.executable, "-m", "framework", "--database", postgres_url, "worker", "--burst",
         "--concurrency", "4"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=os.environ.copy()) for _ in range(4)]
    outputs = [worker.communicate(timeout=300)[0] for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0, 0, 0], outputs

    token = scene.accurate.api_token_for(scene.store.database_id)
    seen = scene.accurate.meter.snapshot()
    assert seen["rejected"].get(token, 0) == 0
    assert seen["peak_per_second"][token] <= 8
    assert 2 <= seen["peak_in_flight"][token] <= 8
    for n, order_id in enumerate(orders):
        shipped = n % 2 == 0
        assert len(scene.order_documents("sales_order", order_id)) == 1
        assert len(scene.order_documents("sales_invoice", order_id)) == int(shipped)
        assert len(scene.order_documents("sales_receipt", order_id)) == int(shipped)
