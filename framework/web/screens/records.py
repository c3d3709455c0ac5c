"""Push Order / Stock / Product Record: every record, filtered and paged, with re-push."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from starlette.exceptions import HTTPException
from starlette.responses import Response

from ...errors import ConfigError
from ...jobs import RecordKind, RecordStatus
from ...setup.views import (
    RecordFilter,
    document_numbers,
    link_record,
    needs_operator,
    repush_filtered,
    repush_on_link,
    search_records,
)
from ...storage.secrets import redact
from ..pages import Page, query, screen

FILTER_FIELDS = ("kind", "status", "document", "since", "until", "q")


def _date(text: str, *, end: bool = False) -> datetime | None:
    if not text:
        return None
    try:
        day = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise ConfigError(f"not a date: {text!r}", fix="use YYYY-MM-DD") from None
    return day + timedelta(days=1) if end else day


def _enum(cls, text: str):  # noqa: ANN001, ANN202
    try:
        return cls(text) if text else None
    except ValueError:
        raise HTTPException(400) from None


def record_filter(page: Page) -> RecordFilter:
    """Read the filters from the query string (GET) or the form (POST)."""
    number = page.value("page")
    return RecordFilter(kind=_enum(RecordKind, page.value("kind")),
                        status=_enum(RecordStatus, page.value("status")),
                        document=page.value("document") or None,
                        since=_date(page.value("since")), until=_date(page.value("until"),
                                                                      end=True),
                        search=page.value("q"), page=int(number) if number.isdigit() else 1)


@screen()
def records(page: Page) -> Response:
    """The records table (the seeds' Push Order Record / Push Stock Record)."""
    link = page.link(page.request.path_params["link_id"])
    wanted = record_filter(page)
    with page.app.session() as session:
        found = search_records(session, link.id, wanted)
        numbers = document_numbers(session, link.id, found.records)
        waiting = needs_operator(session, link.id, wanted.kind)
    filters = {name: page.value(name) for name in FILTER_FIELDS}
    tab = wanted.kind.value if wanted.kind else "order"
    return page.render("records.html", link=link, tab=tab, found=found, numbers=numbers,
                       waiting=waiting, filters=filters, statuses=list(RecordStatus),
                       kinds=list(RecordKind), redact=redact, here=query(**filters))


@screen(methods=("POST",))
def repush_one(page: Page) -> Response:
    """Re-push one record of this link (404 for another link's record)."""
    link = page.link(page.request.path_params["link_id"])
    record_id = int(page.request.path_params["record_id"])
    with page.app.session() as session:
        try:
            record = link_record(session, link.id, record_id)
        except ConfigError:
            raise HTTPException(404) from None
        ref = record.ref
        job = repush_on_link(session, link.id, record_id)
    back = f"/links/{link.id}/records?{page.value('here')}"
    return page.redirect(back, page.t("{ref}: queued again (job {job}). The worker sends it; "
                                      "this list shows the outcome.", ref=ref, job=job.id))


@screen(methods=("POST",))
def repush_all(page: Page) -> Response:
    """Re-push every failed record the current filters match."""
    link = page.link(page.request.path_params["link_id"])
    wanted = record_filter(page)
    with page.app.session() as session:
        jobs = repush_filtered(session, link.id, wanted)
    filters = {name: page.value(name) for name in FILTER_FIELDS}
    return page.redirect(f"/links/{link.id}/records?{query(**filters)}", page.t(
        "{n} job(s) queued again; the worker sends them.", n=jobs))


ROUTES = [("/links/{link_id}/records", records),
          ("/links/{link_id}/records/{record_id:int}/repush", repush_one),
          ("/links/{link_id}/records/repush-failed", repush_all)]
