"""Payouts per link: each settled order's expected net against the receipt booked.

Also the same rows as CSV, and the settlement import (the marketplace's export, uploaded).
"""

from __future__ import annotations

from datetime import date

from starlette.responses import Response

from ...errors import ConfigError
from ...money.payouts import DEFAULT_LATE_DAYS, payout_rows, rows_csv
from ...money.settlements import import_settlements, read_settlements
from ..pages import Page, screen

MAX_UPLOAD = 5 * 1024 * 1024


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise ConfigError(f"not a date: {text!r}", fix="use YYYY-MM-DD") from None


def _rows(page: Page, link_id: str) -> list:
    late = page.value("late_days")
    with page.app.session() as session:
        return payout_rows(session, link_id, since=_day(page.value("since")),
                           until=_day(page.value("until")),
                           late_days=int(late) if late.isdigit() and int(late) > 0
                           else DEFAULT_LATE_DAYS)


@screen()
def payouts(page: Page) -> Response:
    """The payouts table with its totals."""
    link = page.link(page.request.path_params["link_id"])
    rows = _rows(page, link.id)
    filters = {name: page.value(name) for name in ("since", "until", "late_days")}
    return page.render("payouts.html", link=link, tab="payouts", rows=rows, filters=filters,
                       booked=sum(1 for r in rows if r.booked is not None),
                       off=sum(1 for r in rows if r.difference),
                       late=sum(1 for r in rows if r.late))


@screen()
def payouts_csv(page: Page) -> Response:
    """The same rows as CSV (``jembatan payouts --csv``)."""
    link = page.link(page.request.path_params["link_id"])
    return Response(rows_csv(_rows(page, link.id)), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition":
                             f'attachment; filename="payouts-{link.id}.csv"'})


@screen(methods=("POST",))
def import_settlement(page: Page) -> Response:
    """Book or correct payout receipts from an uploaded settlement CSV."""
    link = page.link(page.request.path_params["link_id"])
    upload = page.form.get("file")
    raw = b""
    if hasattr(upload, "file"):
        try:
            raw = upload.file.read(MAX_UPLOAD + 1)
        finally:
            upload.file.close()  # the spooled temporary file would otherwise stay open
    if not raw or len(raw) > MAX_UPLOAD:
        raise ConfigError(page.t("Choose a settlement CSV file (at most 5 MB)."),
                          fix=page.t("export it from the marketplace's settlement page"))
    try:
        rows, errors = read_settlements(raw.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as error:
        raise ConfigError(str(error), fix="see the layout in docs/money.md") from None
    with page.app.session() as session:
        outcomes = import_settlements(session, page.app.plugins.hook, link.id, rows)
    queued = sum(1 for o in outcomes if o.action == "queued")
    return page.redirect(f"/links/{link.id}/payouts", page.t(
        "{queued} payout receipt(s) queued, {same} unchanged, {bad} unreadable line(s).",
        queued=queued, same=len(outcomes) - queued, bad=len(errors)),
        detail="; ".join(errors[:5]) or None)


ROUTES = [("/links/{link_id}/payouts", payouts), ("/links/{link_id}/payouts.csv", payouts_csv),
          ("/links/{link_id}/payouts/import", import_settlement)]
