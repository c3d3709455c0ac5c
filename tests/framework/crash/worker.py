"""A worker process for the multi-process tests: ``worker.py URL CONCURRENCY LEASE_SECONDS``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from framework.app import App  # noqa: E402
from framework.runtime.runner import RetryPolicy, Runner  # noqa: E402

PLUGINS = ["framework.testing.plugins", "counter_plugin"]


def main() -> None:
    url, concurrency, lease_seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    app = App.create(url, plugin_modules=PLUGINS)
    runner = Runner(app, concurrency=concurrency, lease_seconds=lease_seconds,
                    retry=RetryPolicy(base_seconds=0.05, cap_seconds=1))
    counts = runner.run_burst()
    sys.stdout.write(json.dumps(counts) + "\n")
    app.close()


if __name__ == "__main__":
    main()
