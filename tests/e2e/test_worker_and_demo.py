"""The long-running worker and the demo, as real processes."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from framework.emulation import free_port
from framework.testing.processes import accepts, stop
from jembatan_demo.world import WAREHOUSE

from .conftest import S, Scene

JEMBATAN = [sys.executable, "-m", "framework"]


def wait_for(condition: Callable[[], bool], seconds: float = 30) -> bool:
    """Poll ``condition`` until it holds or ``seconds`` pass; return whether it held."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


@pytest.mark.slow
def test_the_worker_receives_polls_and_keeps_stock_in_step(scene: Scene) -> None:
    scene.go_live("stock-sync", "auto-paid")
    port = free_port()
    worker = subprocess.Popen(
        [*JEMBATAN, "--database", scene.jembatan.database_url, "worker", "--poll-every", "1",
         "--stock-every", "3600", "--listen", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=os.environ.copy())
    try:  # stopped in `finally`, and killed if SIGTERM is not enough
        assert wait_for(lambda: accepts(port)), "the worker never listened"
        url = scene.jembatan("link", "webhook-url", scene.link, "--base-url",
                             f"http://127.0.0.1:{port}").output.strip()
        scene.store.emulator.set_webhook(url, duplicate_rate=0.5)
        sku, counted = scene.store.skus[0], scene.store.skus[1]
        order_id = scene.order(state=S.PAID, quantity=2)
        scene.store.emulator.flush_webhooks()
        assert wait_for(lambda: len(scene.order_documents("sales_order", order_id)) == 1)
        on_hand = scene.on_hand(sku)
        # A stock count in Accurate changes another SKU; only a pull can bring it to the store.
        assert wait_for(lambda: scene.store_stock(counted) == scene.on_hand(counted))
        scene.accurate.set_on_hand(scene.store.database_id, counted, WAREHOUSE, 7)
        scene.move(order_id, S.READY_TO_SHIP)  # no webhook flushed: the poll must find it
        assert wait_for(lambda: len(scene.order_documents("sales_receipt", order_id)) == 1)
        assert scene.on_hand(sku) == on_hand - 2
        # Stock sync after the invoice (the schedule is an hour): the store has Accurate's
        # on-hand again, for the invoiced SKU and for the counted one.
        assert wait_for(lambda: scene.store_stock(counted) == 7)
        assert scene.store_stock(sku) == scene.on_hand(sku)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            output, _ = worker.communicate(timeout=60)
        finally:
            stop(worker, signal.SIGKILL)
    assert worker.returncode == 0, output
    assert "Traceback" not in output
    assert len(scene.order_documents("sales_invoice", order_id)) == 1


@pytest.mark.slow
def test_the_demo_runs_and_its_summary_matches_what_the_emulators_hold(tmp_path: Path) -> None:
    demo = subprocess.Popen(
        [*JEMBATAN, "demo", "--products", "10", "--orders", "1", "--keep-running"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})  # one pipe: a full stderr cannot block it
    try:  # the demo is stopped in `finally`, killed if Ctrl-C does not stop it
        shown = _read_until(demo, "Press Ctrl-C to stop.")
        # --keep-running: the webhook receiver and the emulators answer until Ctrl-C.
        receiver = re.search(r"Webhooks: (\S+)/webhooks/", shown).group(1)
        unknown = httpx.post(f"{receiver}/webhooks/no-such-link/token", timeout=5)
        assert unknown.status_code == 404 and unknown.json()["ok"] is False
        accurate = re.search(r"Accurate emulator: (\S+)", shown).group(1)
        assert httpx.get(f"{accurate}/_emulator/state", timeout=5).status_code == 200
    finally:
        demo.send_signal(signal.SIGINT)
        try:
            rest, _ = demo.communicate(timeout=120)
        finally:
            stop(demo, signal.SIGKILL)
    assert demo.returncode == 0, rest
    assert not accepts(int(receiver.rsplit(":", 1)[1])), "the demo left a server running"
    summary = (shown + rest).split("\nSummary", 1)[1]
    rows = re.findall(r"^(toko-\w+)\s+(\w+)\s+(\d+)\s+(\d+)\s+(\S)\s*$", summary,
                      re.MULTILINE)
    assert len(rows) == 8  # two links x SO, SI, SR, closed SO
    for link, document, held, expected, mark in rows:
        assert held == expected and mark == "✓", f"{link} {document}: {held} != {expected}"
    assert re.search(r"jobs: succeeded \d+$", summary, re.MULTILINE)
    for planted in ("sku-name-mismatch", "sku-pending-action"):
        assert planted in shown
    # it says when it waits on Accurate's limit, and ends with what to try next
    assert "waiting on Accurate's rate limit" in shown
    next_steps = shown.split("What to try next", 1)[1].splitlines()[1:4]
    assert [line.split()[1] for line in next_steps] == ["status", "records", "web"]
    # the demo's data is where the next command looks
    status = subprocess.run([*JEMBATAN, "status"], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120, check=False)
    assert status.returncode == 0, status.stderr
    assert "toko-ginee" in status.stdout and "toko-forstok" in status.stdout
    assert "Traceback" not in shown + rest


def _read_until(process: subprocess.Popen, marker: str) -> str:
    lines = []
    for line in process.stdout:
        lines.append(line)
        if marker in line:
            return "".join(lines)
    raise AssertionError("the demo ended early:\n" + "".join(lines))
