"""Browser fixtures: the emulators, jembatan's console and a worker, driven by Chromium.

One world per test module (emulators, database, console server, worker thread, browser), so
a module's tests are one operator's session through the seed steps, in order. Chromium is
Debian's (``/usr/bin/chromium``); without it the tests are skipped, except in CI where they
fail. ``JEMBATAN_SCREENSHOTS=1`` writes each screen to ``docs/console/`` for the docs.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from framework.app import App
from framework.cli import build_cli
from framework.emulation import RunningServer, start_in_thread
from framework.runtime.runner import Runner
from framework.web import create_console_app
from jembatan_demo.world import World, start_world

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "console"
ADMIN, ADMIN_PASSWORD = "siti", "siti-rahasia-123"
OPERATOR, OPERATOR_PASSWORD = "budi", "budi-rahasia-123"


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 60.0) -> Any:
    """Poll ``condition`` until it is truthy (generous deadline for a loaded machine)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@dataclass
class Site:
    """Everything one module's browser tests share."""

    world: World
    app: App
    database_url: str
    console: RunningServer
    browser: Any
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """The console's base URL."""
        return self.console.base_url

    def jembatan(self, *args: str, input: str | None = None) -> str:  # noqa: A002
        """Run the ``jembatan`` CLI on the site's database; it must succeed."""
        result = CliRunner().invoke(build_cli(), ["--database", self.database_url, *args],
                                    input=input, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    def new_page(self, width: int = 1280, height: int = 860, **options: Any) -> Any:
        """A page in a fresh browser context (no cookies)."""
        context = self.browser.new_context(viewport={"width": width, "height": height},
                                           locale=options.pop("locale", "id-ID"), **options)
        page = context.new_page()
        page.set_default_timeout(30_000)
        return page

    def login(self, page: Any, name: str = ADMIN, password: str = ADMIN_PASSWORD) -> None:
        """Log in through the form."""
        page.goto(f"{self.url}/login")
        page.fill("input[name=name]", name)
        page.fill("input[name=password]", password)
        submit(page, "button[type=submit].primary")
        assert page.url.endswith("/"), page.url


def log_in(client: Any, name: str, password: str) -> Any:
    """Log ``client`` (a Starlette ``TestClient``) in through the form; return it."""
    form = client.get("/login").text
    token = re.search(r'name="login_token" value="([^"]+)"', form).group(1)
    answer = client.post("/login/submit", data={"name": name, "password": password,
                                                 "login_token": token, "next": "/"},
                         follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return client


def submit(page: Any, selector: str) -> None:
    """Click something that loads a new page, and wait until that page has loaded.

    Without the wait, a check right after the click could still read the previous page.
    """
    with page.expect_navigation():
        page.click(selector)


def shoot(page: Any, name: str, full_page: bool = True) -> None:
    """Save a screenshot for docs/console.md when ``JEMBATAN_SCREENSHOTS=1``."""
    if os.environ.get("JEMBATAN_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("/usr/bin/chromium is missing in CI: .ci/run installs it with apt-get")
        pytest.skip("/usr/bin/chromium is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def site(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Emulators, a fresh database with an admin and an operator, the console, a worker."""
    world = start_world(seed=7, products=12)
    database_url = f"sqlite:///{tmp_path_factory.mktemp('console') / 'jembatan.db'}"
    app = App.create(database_url)
    console = start_in_thread(create_console_app(app))
    stop = threading.Event()
    worker = threading.Thread(target=Runner(app, lease_seconds=9).run_forever, args=(stop,),
                              name="console-test-worker", daemon=True)
    site = Site(world, app, database_url, console, browser)
    try:
        for store in world.stores:
            world.accurate.add_customer(store.database_id, "C.MARKETPLACE",
                                        "Pelanggan Marketplace")
        site.jembatan("users", "add", ADMIN, "--admin", input=f"{ADMIN_PASSWORD}\n" * 2)
        site.jembatan("users", "add", OPERATOR, input=f"{OPERATOR_PASSWORD}\n" * 2)
        worker.start()
        yield site
    finally:
        stop.set()
        if worker.is_alive():
            worker.join(timeout=30)
        console.stop()
        app.close()
        world.stop()
