"""``jembatan worker``: run the queued sync jobs (documents, items, stock)."""

from __future__ import annotations

import signal
import threading
from typing import Any

import click

from ..errors import IntegrationError
from ..runtime.runner import Runner
from ..runtime.schedule import worker_tasks


@click.command()
@click.option("--burst", is_flag=True,
              help="Run what is due now, then exit (cron, CI, the demo).")
@click.option("--concurrency", default=1, show_default=True, type=click.IntRange(1, 64),
              metavar="N", help="Jobs run at once by this process. A thread posts one "
                   "Accurate database's batch at a time: with many links, about one thread "
                   "per link posted at once, until the cores are busy.")
@click.option("--lease-seconds", default=30.0, show_default=True, type=click.FloatRange(2),
              help="How long a claimed job stays ours without a heartbeat; a killed worker's "
                   "jobs are run again after this.")
@click.option("--poll-every", "poll_seconds", default=60.0, show_default=True,
              type=click.FloatRange(0), metavar="SECONDS",
              help="Poll every link's orders this often (0: never; webhooks only).")
@click.option("--stock-every", "stock_seconds", default=900.0, show_default=True,
              type=click.FloatRange(0), metavar="SECONDS",
              help="With the stock-sync feature on: pull Accurate stock into the store this "
                   "often, and soon after orders become ready to ship (0: never).")
@click.option("--keep-webhooks", "keep_webhooks_days", default=14.0, show_default=True,
              type=click.FloatRange(0, min_open=True), metavar="DAYS",
              help="Keep received webhook deliveries this long, then prune them.")
@click.option("--listen", default=None, metavar="HOST:PORT",
              help="Also receive webhooks and serve the status page here "
                   "(as `jembatan web` does).")
@click.pass_obj
def worker(app: Any, burst: bool, concurrency: int, lease_seconds: float,  # noqa: PLR0913
           poll_seconds: float, stock_seconds: float, keep_webhooks_days: float,
           listen: str | None) -> None:
    """Run sync jobs: create Accurate documents and items, push stock.

    Orders, product syncs and stock pulls queue jobs in the database; workers run them.
    Without --burst the worker also polls every connected link's orders (--poll-every), keeps
    stock in step for links with stock-sync on (--stock-every) and, with --listen, receives
    the stores' webhooks.
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
      jembatan worker --listen 0.0.0.0:8700 --poll-every 300
    """
    try:
        real_app = app.get() if hasattr(app, "get") else app
        periodic = [*real_app.periodic, *([] if burst else worker_tasks(
            poll_seconds, stock_seconds, keep_webhooks_days))]
        runner = Runner(real_app, concurrency=concurrency, lease_seconds=lease_seconds,
                        periodic=periodic)
        if burst:
            counts = runner.run_burst()
            summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
            click.echo(f"worker {runner.worker_id}: {summary or 'nothing to do'}")
            return
        server = _listen(real_app, listen) if listen else None
        try:
            _run_until_signalled(runner)
        finally:
            if server is not None:
                server.should_exit = True
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


def _listen(app: Any, address: str) -> Any:
    import uvicorn

    from ..web import create_web_app

    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise click.BadParameter(f"{address!r} is not HOST:PORT", param_hint="--listen")
    server = uvicorn.Server(uvicorn.Config(create_web_app(app), host=host, port=int(port),
                                           log_level="warning", lifespan="off"))
    threading.Thread(target=server.run, name="webhooks", daemon=True).start()
    click.echo(f"receiving webhooks on http://{address}/webhooks/<link>")
    return server


COMMANDS = [worker]
