"""Processes a test starts are always stopped, whatever the test does or however it fails."""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
from collections.abc import Iterator, Sequence
from typing import Any

#: how long a process gets to stop on its own signal before it is killed
GRACE_SECONDS = 30


@contextlib.contextmanager
def running(command: Sequence[str], *, stop_signal: int = signal.SIGTERM,
            **popen: Any) -> Iterator[subprocess.Popen]:
    """Start ``command``; on leaving the block stop it (``stop_signal``, then SIGKILL).

    The pipes are closed and the process reaped in every case, so no test leaves a process
    running or a file open when it times out or an assertion fails.
    """
    process = subprocess.Popen(command, **popen)  # noqa: S603 - the test's own command
    try:
        yield process
    finally:
        stop(process, stop_signal)


def stop(process: subprocess.Popen, stop_signal: int = signal.SIGTERM) -> None:
    """Stop ``process`` if it still runs, reap it and close its pipes."""
    if process.poll() is None:
        process.send_signal(stop_signal)
        try:
            process.wait(timeout=GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
    with contextlib.suppress(ValueError, OSError):  # pipes already read and closed
        process.communicate(timeout=GRACE_SECONDS)
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None:
            stream.close()


def accepts(port: int, host: str = "127.0.0.1") -> bool:
    """Whether something accepts connections on ``host:port`` now (a server is up)."""
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex((host, port)) == 0
