"""A benchmark worker: warm up, say ``ready``, run from ``go`` until ``stop`` (stdin lines).

``python benchmarks/_worker.py DATABASE_URL CONCURRENCY`` prints ``ready`` once the engine,
plugins and gate are built; after ``go`` it runs as ``jembatan worker`` does
(``Runner.run_forever``: LISTEN/NOTIFY wake-ups on PostgreSQL), until ``stop``. Its last line
is a JSON report: with ``JEMBATAN_BENCH_SPLIT`` set, the thread CPU of each step since the
last ``mark`` line (``_split``); otherwise ``{}``.
"""

from __future__ import annotations

import json
import os
import sys
import threading

import _split

from framework.app import App
from framework.runtime.runner import Runner


def main(url: str, concurrency: int) -> None:
    """Warm up, wait for the signal, drain, report."""
    plugins = os.environ["JEMBATAN_LOAD_PLUGINS"].split(",")
    split = bool(os.environ.get("JEMBATAN_BENCH_SPLIT"))
    if split:
        _split.install()
    app = App.create(url, plugin_modules=plugins)
    runner = Runner(app, concurrency=concurrency)
    with app.session():
        pass
    print("ready", flush=True)
    sys.stdin.readline()
    stop = threading.Event()
    worker = threading.Thread(target=runner.run_forever, args=(stop,))
    worker.start()
    for line in iter(sys.stdin.readline, ""):
        if line.strip() != "mark":
            break
        _split.reset()
    stop.set()
    worker.join()
    app.close()
    print(json.dumps(_split.report() if split else {}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
