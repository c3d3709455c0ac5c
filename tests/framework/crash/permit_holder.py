"""Hold every in-flight permit of a lane, say so, wait to be killed: ``permit_holder.py URL``."""

from __future__ import annotations

import contextlib
import sys
import time

from framework.app import App
from framework.testing.plugins import MEMBOOKS_IN_FLIGHT


def main() -> None:
    app = App.create(sys.argv[1], plugin_modules=["framework.testing.plugins"])
    with contextlib.ExitStack() as held:
        for _ in range(MEMBOOKS_IN_FLIGHT):
            held.enter_context(app.gate.permit("membooks:shop"))
        sys.stdout.write("held\n")
        sys.stdout.flush()
        while True:  # a request that never ends, until SIGKILL
            time.sleep(1)


if __name__ == "__main__":
    main()
