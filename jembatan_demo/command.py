"""The ``jembatan demo`` command: the seeds' flow, in order, against local emulators."""

from __future__ import annotations

import contextlib
import signal
import threading
from datetime import UTC, datetime
from pathlib import Path

import click
from sqlalchemy import func, select

from framework.app import App
from framework.commands.accounts import map_command
from framework.commands.check import check
from framework.commands.orders import sync as orders_sync
from framework.commands.products import sync as products_sync
from framework.commands.stock import pull as stock_pull
from framework.commands.warehouses import bind
from framework.console import describe_counts, plural
from framework.domain import OrderState
from framework.emulation import start_in_thread
from framework.jobs import JobStatus
from framework.runtime.runner import Runner
from framework.setup.links import create_link
from framework.storage.models import Job
from framework.sync.webhook_receipt import webhook_path
from framework.web import create_web_app

from .story import PHASES, plan_orders, play_phase
from .summary import print_summary, sample_stock
from .world import (
    FEE_ACCOUNT_MAP,
    PAYOUT_ACCOUNT_MAP,
    WAREHOUSE,
    World,
    create_old_orders,
    link_settings,
    start_world,
)

#: where every other command looks by default, so `jembatan status` shows the demo's links
DEFAULT_DATABASE = Path("jembatan.db")
#: used instead when ./jembatan.db already holds links that are not the demo's
DEMO_DATABASE = Path("jembatan-demo.db")
DEMO_LINKS = {"toko-ginee", "toko-forstok"}


@click.command()
@click.option("--database", "database_url", metavar="URL", default=None,
              help="Database for the demo's links (default: ./jembatan.db, unless it holds "
                   "links of yours: then ./jembatan-demo.db).")
@click.option("--keep-running", is_flag=True,
              help="Keep the emulators and the web page up afterwards (Ctrl-C to stop).")
@click.option("--products", default=120, show_default=True,
              help="Products per store (each with 1-4 variant SKUs).")
@click.option("--orders", "per_scenario", default=4, show_default=True,
              help="Orders per scenario per store (7 scenarios).")
@click.option("--seed", default=7, show_default=True, help="Seed for the generated data.")
@click.pass_obj
def demo(lazy_app, database_url, keep_running, products, per_scenario, seed) -> None:  # noqa: PLR0913
    """Run the seed guides' whole flow against local Accurate, Ginee and Forstok emulators.

    Starts the three emulators on loopback ports, links a Ginee store and a Forstok store to
    two Accurate databases (in ./jembatan.db, where every other command looks, unless that
    holds links of yours or --database is given), then: check (showing the two planted
    problems), product sync, stock pull, a day of orders (paid, unpaid, cancelled before and
    after shipping, first seen already shipped, returned, duplicated webhooks), the worker
    until the queue is drained, and a summary of what reached Accurate, with what to try next.
    Exits 0 and leaves nothing running unless --keep-running.
    """
    explicit = database_url or getattr(lazy_app, "database_url", None)
    url, option = _demo_database(explicit)
    app = App.create(url)
    world = start_world(seed, products)
    web = start_in_thread(create_web_app(app))
    try:
        _run(app, world, web.base_url, per_scenario, seed)
        _next_steps(option)
        if keep_running:
            _wait(world, web.base_url)
    finally:
        web.stop()
        world.stop()
        app.close()


def _demo_database(explicit: str | None) -> tuple[str, str]:
    """Return the demo's database URL and the ``--database`` option other commands need."""
    if explicit:
        return explicit, f"--database {explicit} "
    if not DEFAULT_DATABASE.exists() or _only_demo_links(DEFAULT_DATABASE):
        chosen, option = DEFAULT_DATABASE, ""
    else:
        chosen = DEMO_DATABASE
        option = f"--database sqlite:///{DEMO_DATABASE} "
        click.echo(f"./{DEFAULT_DATABASE} holds links of yours: the demo uses ./{DEMO_DATABASE}")
    for path in (chosen, Path(f"{chosen}-wal"), Path(f"{chosen}-shm")):
        path.unlink(missing_ok=True)  # a fresh run each time
    return f"sqlite:///{chosen}", option


def _only_demo_links(path: Path) -> bool:
    import sqlite3

    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        ids = {row[0] for row in connection.execute("SELECT id FROM link")}
    except sqlite3.DatabaseError:  # not a jembatan database (or no link table yet)
        return False
    finally:
        connection.close()
    return ids <= DEMO_LINKS


def _next_steps(option: str) -> None:
    click.secho("\nWhat to try next", bold=True)
    click.echo(f"  jembatan {option}status                   every link at a glance")
    click.echo(f"  jembatan {option}records --needs-operator what waits on you, and why")
    click.echo(f"  jembatan {option}web                      the console in your browser")


def _run(app: App, world: World, web_url: str, per_scenario: int, seed: int) -> None:
    ctx = click.get_current_context()
    ctx.obj = app
    integrated_at = datetime.now(UTC)
    _step("1. Connect each store to its own Accurate database (one link each)")
    for store in world.stores:
        create_old_orders(store, integrated_at)
        with app.session() as session:
            create_link(session, app.secrets, id=store.link_id, name=store.link_id,
                        integrated_at=integrated_at, features=_features(store.platform),
                        **link_settings(world, store))
        click.echo(f"  {store.link_id}: {store.platform} → Accurate database "
                   f"{store.database_id}, live since {integrated_at:%H:%M:%S} UTC")
    _step("2. Bind warehouses one-to-one and map accounts")
    for store in world.stores:
        ctx.invoke(bind, link_id=store.link_id, store_warehouse=str(store.warehouse_id),
                   accounting_warehouse=WAREHOUSE)
        for role, number, channel in (("customer", "C.MARKETPLACE", ""),
                                      ("customer", "C.SHOPEE", "SHOPEE"), ("bank", "1101", ""),
                                      ("shipping_fee", "4102", ""), ("discount", "4103", ""),
                                      *PAYOUT_ACCOUNT_MAP, *FEE_ACCOUNT_MAP):
            ctx.invoke(map_command, link_id=store.link_id, role=role, number=number,
                       channel=channel)
    _step("3. Pre-flight check (the demo planted a renamed SKU and a pending action)")
    for store in world.stores:
        with contextlib.suppress(click.ClickException):
            ctx.invoke(check, link_id=store.link_id)
    _step("4. Product sync, store → Accurate (new SKUs only; pending actions held back)")
    for store in world.stores:
        ctx.invoke(products_sync, link_id=store.link_id, store_warehouse=None,
                   include_pending=False)
    _step("5. Stock pull, Accurate → store (overwrites store stock; --yes given)")
    before = sample_stock(world)
    for store in world.stores:
        ctx.invoke(stock_pull, link_id=store.link_id, store_warehouse=None, dry_run=False,
                   yes=True)
    _step("6. A day of orders: webhooks (with duplicates), polling, worker")
    _play_day(app, world, web_url, per_scenario, seed)
    print_summary(app, world, before)


def _play_day(app: App, world: World, web_url: str, per_scenario: int, seed: int) -> None:
    ctx = click.get_current_context()
    planned = {store.link_id: plan_orders(store, per_scenario, seed) for store in world.stores}
    for store in world.stores:
        store.emulator.set_webhook(web_url + webhook_path(app, store.link_id),
                                   duplicate_rate=0.3, shuffle=True)
        store.planned = planned[store.link_id]
    for phase in range(PHASES):
        click.echo(f"  phase {phase + 1} of {PHASES}")
        for store in world.stores:
            events = play_phase(store, planned[store.link_id], phase)
            if phase == 1:  # the old orders move on too, after the integration
                for order_id, scenario in list(store.order_ids.items()):
                    if scenario == "before integration":
                        store.emulator.advance_order(
                            order_id, store.statuses[OrderState.READY_TO_SHIP])
                        events += 1
            accepted = store.emulator.flush_webhooks()
            click.echo(f"    {store.link_id}: {events} store events, {accepted} webhooks "
                       "delivered")
        ctx.invoke(orders_sync, link_id=None)
        queued = _queued(app)
        click.echo(f"    worker: {plural(queued, 'job')} for Accurate; "
                   f"{_rate_limit_note(app, queued)}")
        counts = Runner(app, concurrency=4).run_burst()  # the two links have separate lanes
        click.echo(f"    worker: {describe_counts(counts, 'job')}")


def _queued(app: App) -> int:
    with app.session() as session:
        return session.scalar(select(func.count()).select_from(Job).where(
            Job.status == JobStatus.QUEUED)) or 0


def _rate_limit_note(app: App, queued: int) -> str:
    limit = app.plugins.registry.lanes.get("accurate")
    if limit is None or not queued:
        return "sending"
    # about two requests a job (look-up, then save), spread over the two databases' lanes
    seconds = round(queued * 2 / (limit.per_second * 2))
    return (f"waiting on Accurate's rate limit ({limit.per_second:g} requests a second per "
            f"database), about {seconds} s")


def _features(platform: str) -> dict[str, bool]:
    # Ginee link: invoices with Auto Paid receipts; Forstok link: invoices only.
    return {"invoice": True, "auto_paid": platform == "ginee"}


def _step(title: str) -> None:
    click.secho(f"\n{title}", bold=True)


def _wait(world: World, web_url: str) -> None:
    click.echo(f"\nWebhooks: {web_url}/webhooks/<link> (the console: `jembatan web`)")
    click.echo(f"Accurate emulator: {world.accurate.base_url}")
    for store in world.stores:
        click.echo(f"{store.platform} emulator: {store.emulator.base_url}")
    # Ctrl-C sets an event instead of raising KeyboardInterrupt wherever the main thread
    # happens to be (before the wait, or inside the servers' shutdown), so it always ends
    # in the orderly stop below and exit status 0.
    stopping = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda _signum, _frame: stopping.set())
    try:
        click.echo("Press Ctrl-C to stop.")
        while not stopping.wait(0.5):
            pass
    finally:
        signal.signal(signal.SIGINT, previous)
