"""The records screen: filters, search, paging, re-push of one and of all filtered failures,
and the records that need a person, through the console (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from starlette.testclient import TestClient

from framework.jobs import JobRequest, JobStatus, RecordKind, RecordStatus
from framework.runtime.queue import enqueue
from framework.setup.links import create_link
from framework.setup.users import add_user
from framework.setup.views import RecordFilter, search_records
from framework.storage.models import Job, PushRecord, utcnow
from framework.sync.records import write_record
from framework.web import create_console_app

from .conftest import log_in

PASSWORD = "sangat-rahasia-1"


def _failed(session, link_id: str, ref: str, kind=RecordKind.ORDER, document="sales_order"):
    job = enqueue(session, link_id, JobRequest(kind="membooks.post", key=f"{link_id}:{ref}"))
    job.status = JobStatus.FAILED
    write_record(session, link_id=link_id, kind=kind, ref=ref, document=document,
                 status=RecordStatus.FAILED, reason=f"{ref} refused", job_id=job.id, attempts=3)
    return job.id


@pytest.fixture
def client(app):
    with app.session() as session:
        for link_id in ("toko-a", "toko-b"):
            create_link(session, app.secrets, id=link_id, name=link_id, commerce="memstore",
                        accounting="membooks", commerce_settings={}, commerce_credentials={},
                        accounting_settings={}, accounting_credentials={})
        add_user(session, "admin", PASSWORD, admin=True)
    with app.session() as session:
        for n in range(60):
            _failed(session, "toko-a", f"SO-{n:03d}")
        _failed(session, "toko-a", "SKU-1@WH1", RecordKind.STOCK, "stock")
        _failed(session, "toko-b", "SO-B")
        write_record(session, link_id="toko-a", kind=RecordKind.ORDER, ref="SO-RETUR",
                     document="operator", status=RecordStatus.NEEDS_OPERATOR,
                     reason="returned after invoice: book the sales return in Accurate")
    with TestClient(create_console_app(app), headers={"accept-language": "en"}) as client:
        yield log_in(client, "admin", PASSWORD)


def _csrf(client, path):
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path).text).group(1)


def test_filters_search_and_paging(app, client) -> None:
    page = client.get("/links/toko-a/records?kind=order&status=failed").text
    assert "60 record(s) match" in page  # the returned order needs a person: not "failed"
    page = client.get("/links/toko-a/records?kind=order&q=SO-05").text
    assert len(re.findall(r'id="record-\d', page)) == 10 and "SO-B" not in page
    second = client.get("/links/toko-a/records?kind=order&status=failed&page=2").text
    assert len(re.findall(r'id="record-\d', second)) == 10  # 60 failures, 50 a page
    stock = client.get("/links/toko-a/records?kind=stock").text
    assert "SKU-1@WH1" in stock and "SO-001" not in stock
    with app.session() as session:
        found = search_records(session, "toko-a", RecordFilter(
            kind=RecordKind.ORDER, since=utcnow() + timedelta(days=1)))
        assert found.total == 0  # nothing updated tomorrow
    assert client.get("/links/toko-a/records?since=31-12-2026").status_code == 409


def test_needs_operator_records_are_listed_with_what_to_do(client) -> None:
    page = client.get("/links/toko-a/records?kind=order").text
    section = page[page.index('id="needs-operator"'):page.index('id="record-filters"')]
    assert "SO-RETUR" in section and "book the sales return in Accurate" in section


def test_repush_one_and_all_filtered_failures(app, client) -> None:
    with app.session() as session:
        one = session.query(PushRecord).filter_by(link_id="toko-a", ref="SO-000").one()
        other_link = session.query(PushRecord).filter_by(link_id="toko-b").one()
    csrf = _csrf(client, "/links/toko-a/records")
    answer = client.post(f"/links/toko-a/records/{one.id}/repush", data={"csrf": csrf})
    assert "SO-000: queued again" in answer.text
    # another link's record through this link's URL: 404, and it stays failed
    assert client.post(f"/links/toko-a/records/{other_link.id}/repush",
                       data={"csrf": csrf}).status_code == 404
    answer = client.post("/links/toko-a/records/repush-failed",
                         data={"csrf": csrf, "kind": "order", "q": "SO-01"})
    assert "10 job(s) queued again" in answer.text
    with app.session() as session:
        statuses = {r.ref: r.status for r in session.query(PushRecord)}
        queued = {j.key for j in session.query(Job).filter_by(status=JobStatus.QUEUED)}
    assert statuses["SO-000"] == RecordStatus.PENDING
    assert all(statuses[f"SO-01{n}"] == RecordStatus.PENDING for n in range(10))
    assert statuses["SO-020"] == RecordStatus.FAILED and statuses["SO-B"] == RecordStatus.FAILED
    assert statuses["SKU-1@WH1"] == RecordStatus.FAILED  # the filter said orders only
    assert len(queued) == 11
