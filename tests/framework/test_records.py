from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from framework.cli import LazyApp
from framework.commands.records import records, repush
from framework.commands.worker import worker
from framework.errors import ConfigError
from framework.jobs import AccountRole, JobRequest, JobStatus, RecordKind, RecordStatus
from framework.runtime.queue import enqueue
from framework.runtime.runner import Runner
from framework.storage.models import AccountMapping, Job
from framework.sync.records import list_records, repush_all_failed, write_record
from framework.sync.records import repush as repush_record
from framework.testing.plugins import book, create_mem_link


@pytest.fixture
def link(app):
    create_mem_link(app, "shop")
    create_mem_link(app, "other")
    return "shop"


def fail_jobs(app, link_id, *keys):
    with app.session() as session:
        for key in keys:
            enqueue(session, link_id, JobRequest(kind="membooks.script", key=key,
                                                 payload={"outcomes": ["config"],
                                                          "ref": key}))
    Runner(app).run_burst()


def map_bank(app, link_id):
    with app.session() as session:
        session.add(AccountMapping(link_id=link_id, role=AccountRole.BANK, value="1-1100"))


def test_write_record_upserts_one_row_per_thing(app, link):
    for status, reason in [(RecordStatus.PENDING, ""), (RecordStatus.FAILED, "no customer")]:
        with app.session() as session:
            write_record(session, link_id="shop", kind=RecordKind.ORDER, ref="SO-1",
                         document="sales_order", status=status, reason=reason,
                         sent={"n": 1}, attempts=2)
    with app.session() as session:
        (only,) = list_records(session)
    assert (only.status, only.reason, only.attempts, only.sent) == (
        RecordStatus.FAILED, "no customer", 2, {"n": 1})


def test_list_records_filters(app, link):
    fail_jobs(app, "shop", "A", "B")
    fail_jobs(app, "other", "C")
    with app.session() as session:
        write_record(session, link_id="shop", kind=RecordKind.STOCK, ref="SKU@WH",
                     document="stock", status=RecordStatus.SUCCEEDED)
    with app.session() as session:
        assert {r.ref for r in list_records(session, failed_only=True)} == {"A", "B", "C"}
        assert {r.ref for r in list_records(session, link_id="shop", kind="order")} == {"A", "B"}
        assert [r.ref for r in list_records(session, kind=RecordKind.STOCK)] == ["SKU@WH"]
        assert len(list_records(session, limit=2)) == 2


def test_repush_one_and_all_failed(app, link):
    fail_jobs(app, "shop", "A", "B")
    fail_jobs(app, "other", "C")
    map_bank(app, "shop")
    map_bank(app, "other")
    with app.session() as session:
        first = list_records(session, link_id="shop", failed_only=True)[0]
        job = repush_record(session, first.id)
        assert job.status == JobStatus.QUEUED and job.attempts == 0
    with app.session() as session:
        assert len(repush_all_failed(session, link_id="shop")) == 1
        with pytest.raises(ConfigError, match="no push record 999"):
            repush_record(session, 999)
    assert Runner(app).run_burst() == {"succeeded": 2}
    assert sorted(book("shop").documents) == ["A", "B"]
    with app.session() as session:
        assert [r.ref for r in list_records(session, failed_only=True)] == ["C"]


def test_records_command_shows_reasons_and_repush_requeues(app, link):
    fail_jobs(app, "shop", "A")
    runner = CliRunner()
    shown = runner.invoke(records, ["--failed", "--kind", "order", "--link", "shop"], obj=app)
    assert shown.exit_code == 0, shown.output
    assert "no bank is mapped" in shown.output and "A" in shown.output
    map_bank(app, "shop")
    with app.session() as session:
        record_id = list_records(session)[0].id
    pushed = runner.invoke(repush, [str(record_id)], obj=app)
    assert pushed.exit_code == 0 and "queued again" in pushed.output
    ran = runner.invoke(worker, ["--burst"], obj=app)
    assert ran.exit_code == 0 and "1 succeeded" in ran.output
    with app.session() as session:
        assert session.scalars(select(Job.status)).one() == JobStatus.SUCCEEDED
    assert "none" in runner.invoke(records, ["--failed"], obj=app).output


@pytest.mark.parametrize("command", [worker, records, repush])
def test_help_teaches(command):
    result = CliRunner().invoke(command, ["--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output


def one_line_error(result):
    assert result.exit_code != 0
    assert "Traceback" not in result.output and result.exception is None or isinstance(
        result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    return lines[0]


def test_unknown_record_id_is_a_one_line_error(app, link):
    line = one_line_error(CliRunner().invoke(repush, ["999"], obj=app))
    assert "no push record 999" in line


def test_repush_needs_an_id_or_all_failed(app):
    assert "--all-failed" in one_line_error(CliRunner().invoke(repush, [], obj=app))


def test_malformed_database_url_is_a_one_line_error():
    result = CliRunner().invoke(records, [], obj=LazyApp("nonsense-url"))
    line = one_line_error(result)
    assert "nonsense-url" in line and "sqlite:///" in line


def test_unknown_link_is_a_one_line_error_with_the_fix(app, link):
    line = one_line_error(CliRunner().invoke(records, ["--link", "nope"], obj=app))
    assert line == "Error: unknown link 'nope'. Fix: `jembatan link list` shows the links"
    line = one_line_error(CliRunner().invoke(repush, ["--all-failed", "--link", "nope"], obj=app))
    assert "unknown link 'nope'" in line


def test_a_batchs_records_are_written_in_one_upsert_as_given_and_redacted(app, link):
    """``write_records`` (the batch path; one JSON parameter on PostgreSQL): every value
    comes back as written, a record written twice keeps its last write, an existing row is
    updated, and a secret anywhere in a record is masked there only."""
    from framework.storage.models import PushRecord
    from framework.storage.secrets import remember_secret
    from framework.sync.records import write_records

    secret = "tok-3f9a1c77e2b14d0c"
    remember_secret(secret)
    write_record_args = {"link_id": link, "kind": RecordKind.ORDER, "document": "sales_order",
                         "job_id": None, "attempts": 1}
    with app.session() as session:
        write_records(session, [{**write_record_args, "ref": "A", "status": RecordStatus.PENDING}])
    body = {"nama": "Kopi Gayo \u2615 \"spesial\"", "qty": 2, "harga": 12500.5,
            "baris": [{"sku": "SKU-1", "catatan": None}], "aktif": True}
    with app.session() as session:
        write_records(session, [
            {**write_record_args, "ref": "A", "status": RecordStatus.FAILED, "sent": body,
             "received": {"s": False, "d": [f"token {secret} ditolak"]},
             "reason": f"refused: {secret}", "attempts": 2},
            {**write_record_args, "ref": "B", "status": RecordStatus.PENDING},
            {**write_record_args, "ref": "B", "status": RecordStatus.SUCCEEDED, "sent": [1, "dua"],
             "received": {"d": {"id": 7}}},
        ])
    with app.session() as session:
        rows = {row.ref: row for row in session.scalars(select(PushRecord))}
    assert set(rows) == {"A", "B"}
    a, b = rows["A"], rows["B"]
    assert (a.status, a.attempts, a.sent) == (RecordStatus.FAILED, 2, body)
    assert a.received == {"s": False, "d": ["token *** ditolak"]}
    assert a.reason == "refused: ***"
    assert (b.status, b.sent, b.received, b.reason) == (
        RecordStatus.SUCCEEDED, [1, "dua"], {"d": {"id": 7}}, "")
    assert a.created_at.tzinfo is not None and a.updated_at >= a.created_at
