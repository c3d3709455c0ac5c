"""The command line as a newcomer meets it: words and counts, one link at a time, clear errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from framework.app import App
from framework.storage.models import Job, Link

from .conftest import S, Scene


def test_the_demo_takes_the_database_option_its_help_promises(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from framework.cli import build_cli

    helped = CliRunner().invoke(build_cli(), ["demo", "--help"])
    assert "--database" in helped.output


def test_postgres_without_its_driver_is_one_line_naming_the_extra(tmp_path: Path) -> None:
    code = ("import sys; sys.modules['psycopg'] = None; sys.modules['psycopg2'] = None\n"
            "from framework.cli import main; sys.argv = ['jembatan', '--database', "
            "'postgresql://nobody@127.0.0.1:1/x', 'status']; main()")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=tmp_path, timeout=120, check=False)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "pip install 'jembatan[postgres]'" in lines[0], result.stderr


def test_commands_for_one_link_run_only_that_links_jobs(scene: Scene) -> None:
    scene.go_live(products=False)
    other = f"{scene.link}-b"
    scene.jembatan("link", "create", other, "--store", scene.store.platform)
    app = App.create(scene.jembatan.database_url)
    try:
        from framework.jobs import JobRequest
        from framework.runtime.queue import enqueue

        with app.session() as session:
            enqueue(session, other, JobRequest(kind="core.set_store_stock", key="other-link",
                                               payload={"warehouse_id": "x", "levels": []}))
        pushed = scene.jembatan("products", "sync", "--link", scene.link).output
        assert "items to push" in pushed and "created in Accurate" in pushed
        assert "{" not in pushed  # words and counts, not Python dicts
        with app.session() as session:
            job = session.scalars(select(Job).where(Job.link_id == other)).one()
        assert job.status.value == "queued"  # the other link's job was left alone
    finally:
        app.close()


def test_link_delete_asks_and_refuses_while_jobs_are_pending(scene: Scene) -> None:
    scene.go_live(products=False)
    order_id = scene.order(state=S.PAID)
    scene.jembatan("orders", "sync", "--link", scene.link)
    line = scene.jembatan.fails("link", "delete", scene.link, "--yes")
    assert "pending" in line and "--force" in line
    scene.jembatan.fails("link", "delete", scene.link, "--force", input="n\n")
    deleted = scene.jembatan("link", "delete", scene.link, "--force", input="y\n").output
    assert "deleted" in deleted and "nothing was changed in the store or in Accurate" in deleted
    app = App.create(scene.jembatan.database_url)
    try:
        with app.session() as session:
            assert session.scalars(select(Link)).all() == []
            assert session.scalars(select(Job)).all() == []
    finally:
        app.close()
    assert scene.order_documents("sales_order", order_id) == []  # nothing was sent either


def test_check_reports_every_link_on_its_own_and_every_channel_needs_a_customer(
        scene: Scene) -> None:
    scene.go_live(products=False)
    broken = f"{scene.link}-broken"
    scene.jembatan("link", "create", broken, "--store", scene.store.platform)  # no credentials
    result = scene.jembatan("check", ok=False)
    out = result.output
    assert f"Check of {broken}" in out and f"Check of {scene.link}" in out
    assert "go-live blocked on" in out and "cannot-check" in out


def test_one_channels_customer_does_not_satisfy_the_every_channel_check(scene: Scene) -> None:
    from jembatan_demo.world import WAREHOUSE

    scene.create_link()
    scene.jembatan("warehouses", "bind", "--link", scene.link, str(scene.store.warehouse_id),
                   WAREHOUSE)
    scene.jembatan("accounts", "map", "--link", scene.link, "--channel", "SHOPEE", "customer",
                   "C.SHOPEE")
    flat = " ".join(scene.jembatan("check", "--link", scene.link, ok=False).output.split())
    assert "unmapped-account customer" in flat and "only for SHOPEE" in flat
    # the fixes name the real values, never a placeholder to fill in
    spare = scene.store.spare_warehouse_id
    assert f"jembatan warehouses bind --link {scene.link} {spare}" in flat
    assert "<STORE-WAREHOUSE>" not in flat and "<LINK>" not in flat


@pytest.mark.parametrize("scene", ["ginee"], indirect=True)
def test_accounts_map_refuses_a_missing_or_wrong_type_account(scene: Scene) -> None:
    scene.create_link()
    missing = scene.jembatan.fails("accounts", "map", "--link", scene.link, "bank", "9999")
    assert "9999 does not exist" in missing and "1101 (Kas & Bank)" in missing
    wrong = scene.jembatan.fails("accounts", "map", "--link", scene.link, "bank", "4102")
    assert "is a REVENUE account" in wrong and "cash/bank" in wrong
    fine = scene.jembatan("accounts", "map", "--link", scene.link, "bank", "1101").output
    assert "bank → 1101 (Kas & Bank)" in fine
    new_customer = scene.jembatan("accounts", "map", "--link", scene.link, "customer",
                                  "C.BARU").output
    assert "created with the first order" in new_customer


def test_plugins_settings_explain_each_platform_and_the_status_says_not_verified(
        scene: Scene) -> None:
    shown = scene.jembatan("plugins", "--settings", "forstok").output
    for key in ("auth_url", "base_url", "seller_id", "user_id", "secret_key"):
        assert key in shown
    assert "obtained and renewed by jembatan itself" in shown
    scene.create_link()
    status = scene.jembatan("status").output
    assert "not verified" in status and "jembatan check tries them" in status
