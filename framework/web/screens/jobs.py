"""Jobs per link: queued, running, failed and dead, and whether a worker is running."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.responses import Response

from ...jobs import JobStatus
from ...runtime.workers import last_seen
from ...setup.views import job_counts, list_jobs
from ..pages import Page, screen


@screen()
def jobs(page: Page) -> Response:
    """The link's jobs by status, newest first."""
    link = page.link(page.request.path_params["link_id"])
    wanted = page.value("status")
    try:
        status = JobStatus(wanted) if wanted else None
    except ValueError:
        raise HTTPException(400) from None
    with page.app.session() as session:
        counts = job_counts(session, link.id)
        rows = list_jobs(session, link.id, status)
        seen = last_seen(session)
    return page.render("jobs.html", link=link, tab="jobs", counts=counts, rows=rows,
                       statuses=list(JobStatus), wanted=wanted, seen=seen)


ROUTES = [("/links/{link_id}/jobs", jobs)]
