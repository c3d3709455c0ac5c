"""``jembatan worker``: run the queued sync jobs (documents, items, stock)."""

from __future__ import annotations

import signal
import threading
from typing import Any

import click

from ..errors import IntegrationError
from ..runner import Runner


@click.command()
@click.option("--burst", is_flag=True,
              help="Run what is due now, then exit (cron, CI, the demo).")
@click.option("--concurrency", default=1, show_default=True, type=click.IntRange(1, 64),
              metavar="N", help="Jobs run at once by this process.")
@click.option("--lease-seconds", default=30.0, show_default=True, type=click.FloatRange(2),
              help="How long a claimed job stays ours without a heartbeat; a killed worker's "
                   "jobs are run again after this.")
@click.pass_obj
def worker(app: Any, burst: bool, concurrency: int, lease_seconds: float) -> None:
    r"""Run sync jobs: create Accurate documents and items, push stock.

    Orders, product syncs and stock pulls queue jobs in the database; workers run them.
    Start as many workers as you like, on as many machines as share the database
    (PostgreSQL for more than one machine): each job runs once at a time, jobs of one order
    run in order, and every platform's rate limit (Accurate: 8 requests a second, 8 at
    once, per database) holds across all of them.

    \b
    A job that fails is classified:
      temporary (network, 5xx, 429)   retried with backoff, then "dead"
      permanent (validation, mapping) "failed" with the platform's message
    Fix the cause, then `jembatan repush ID` or `jembatan repush --all-failed`.

    \b
    Examples:
      jembatan worker                     run until Ctrl-C
      jembatan worker --burst             drain what is due and exit
      jembatan worker --concurrency 4     four jobs at once
    """
    try:
        runner = Runner(app.get() if hasattr(app, "get") else app, concurrency=concurrency,
                        lease_seconds=lease_seconds, periodic=getattr(app, "periodic", ()))
        if burst:
            counts = runner.run_burst()
            summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
            click.echo(f"worker {runner.worker_id}: {summary or 'nothing to do'}")
            return
        _run_until_signalled(runner)
    except IntegrationError as error:
        raise click.ClickException(str(error)) from None


def _run_until_signalled(runner: Runner) -> None:
    stop = threading.Event()

    def on_signal(_signum: int, _frame: object) -> None:
        stop.set()  # finish the jobs in hand, claim no more

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    click.echo(f"worker {runner.worker_id} running; Ctrl-C stops after the jobs in hand")
    runner.run_forever(stop)


COMMANDS = [worker]
