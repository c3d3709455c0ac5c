"""A benchmark worker: warm up, say ``ready``, run from ``go`` until ``stop`` (stdin lines).

``python benchmarks/_worker.py DATABASE_URL CONCURRENCY`` prints ``ready`` once the engine,
plugins and gate are built; after ``go`` it runs as ``jembatan worker`` does
(``Runner.run_forever``: LISTEN/NOTIFY wake-ups on PostgreSQL), until ``stop``.
"""

from __future__ import annotations

import os
import sys
import threading

from framework.app import App
from framework.runtime.runner import Runner


def main(url: str, concurrency: int) -> None:
    """Warm up, wait for the signal, drain, report."""
    plugins = os.environ["JEMBATAN_LOAD_PLUGINS"].split(",")
    app = App.create(url, plugin_modules=plugins)
    runner = Runner(app, concurrency=concurrency)
    with app.session():
        pass
    print("ready", flush=True)
    sys.stdin.readline()
    stop = threading.Event()
    worker = threading.Thread(target=runner.run_forever, args=(stop,))
    worker.start()
    sys.stdin.readline()
    stop.set()
    worker.join()
    app.close()
    print("{}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
