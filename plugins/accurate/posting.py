"""Saving many orders' documents of one kind with ``bulk-save.do``, each exactly once.

No look-up before a save: every document has a deterministic number
(``mapping.document_number``), and Accurate refuses a second document with a number it holds
("Sudah ada data lain dengan No ..."), so saving again is always safe. Posting documents is:

1. a document already bound (we saw Accurate save it) costs nothing;
2. the others are built and sent, up to 100 a ``bulk-save.do`` call (one call for one order);
3. each per-record result maps back to its order: saved -> bound and recorded; refused ->
   the refused numbers are looked up in bulk (one ``list.do`` filtered by the numbers): a
   document Accurate holds under our number is ours (an earlier save whose answer was lost,
   or a crash before its binding was committed) and is *adopted*, never saved again; a
   refusal whose document does not exist is that order's readable failed record, while the
   rest of the batch carries on. Every refusal is looked up, not only "Sudah ada data lain
   dengan No ...": Accurate may check other rules first (an invoice sent again is refused
   because its sales order "terdeteksi terproses dua kali", by our own invoice).

What goes *into* a document is ``mapping``'s business; the callers pass a builder per order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from framework import (
    IntegrationError,
    JobContext,
    Order,
    RecordKind,
    RecordStatus,
    TransientError,
)

from . import mapping
from .client import BULK_MAX, BulkResult, Filter
from .connector import AccurateConnector
from .errors import accurate_error

log = logging.getLogger(__name__)

SALES_ORDER, SALES_INVOICE = "sales_order", "sales_invoice"
SALES_RECEIPT, SALES_RETURN = "sales_receipt", "sales_return"
FEES_JOURNAL = "fees_journal"  # fees kept after a full refund (receipt mode payout)
MODULES = {SALES_ORDER: "sales-order", SALES_INVOICE: "sales-invoice",
           SALES_RECEIPT: "sales-receipt", SALES_RETURN: "sales-return",
           FEES_JOURNAL: "journal-voucher"}
PREFIXES = {SALES_ORDER: mapping.SALES_ORDER, SALES_INVOICE: mapping.SALES_INVOICE,
            SALES_RECEIPT: mapping.SALES_RECEIPT, SALES_RETURN: mapping.SALES_RETURN,
            FEES_JOURNAL: mapping.JOURNAL_VOUCHER}
#: the fragment of Accurate's duplicate-number refusal for transactions (not item codes)
DUPLICATE_NUMBER = "dengan No"
ADOPT_FIELDS = ("id", "number", "totalAmount")


@dataclass(frozen=True, slots=True)
class Posted:
    """A document Accurate holds for an order."""

    document: str
    number: str
    accounting_id: str | None
    created: bool
    detail: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Due:
    """One document owed for one job's order; ``build`` returns its body (may raise)."""

    ctx: JobContext
    order: Order
    build: Callable[[], dict[str, Any]]


Result = Posted | IntegrationError


def number_of(document: str, order: Order) -> str:
    """Return the deterministic number of the order's document."""
    return mapping.document_number(PREFIXES[document], order.order_number)


def bound(ctx: JobContext, document: str, order: Order) -> Posted | None:
    """Return the document if we already know Accurate holds it (no request)."""
    binding = ctx.binding(document, order.external_id)
    if binding is None or not binding.accounting_number:
        return None
    return Posted(document, binding.accounting_number, binding.accounting_id, created=False)


def post_many(connector: AccurateConnector, document: str, dues: Sequence[Due], *,
              trust_bindings: bool = True) -> list[Result]:
    """Post one kind of document for many orders; one result per due, in order.

    A failure is returned (and recorded for its order), never raised; a bulk call that
    fails as a whole after the client's own retries gives its orders that error.
    ``trust_bindings=False`` saves even what a binding names (after deleting it on purpose).
    """
    results: list[Result | None] = [bound(due.ctx, document, due.order) if trust_bindings
                                    else None for due in dues]
    bodies: dict[int, dict[str, Any]] = {}
    for index, due in enumerate(dues):
        if results[index] is not None:
            continue
        try:
            bodies[index] = due.build()
        except IntegrationError as error:
            results[index] = _failed(due, document, None, error)
    todo = list(bodies)
    for start in range(0, len(todo), BULK_MAX):
        chunk = todo[start:start + BULK_MAX]
        _save_chunk(connector, document, [dues[i] for i in chunk], [bodies[i] for i in chunk],
                    chunk, results)
    assert all(result is not None for result in results)  # every due got its result
    return results  # type: ignore[return-value]


def _save_chunk(connector: AccurateConnector, document: str, dues: list[Due],  # noqa: PLR0913
                bodies: list[dict[str, Any]], indexes: list[int],
                results: list[Result | None]) -> None:
    module = MODULES[document]
    try:
        answers = connector.client.bulk_save(module, bodies)
        if len(answers) != len(bodies):
            raise TransientError(f"Accurate answered {len(answers)} results for "
                                 f"{len(bodies)} {module} records")
    except IntegrationError as error:
        for index, due, body in zip(indexes, dues, bodies, strict=True):
            results[index] = _failed(due, document, body, error)
        return
    refused: list[tuple[int, Due, dict[str, Any], str]] = []
    for index, due, body, answer in zip(indexes, dues, bodies, answers, strict=True):
        if answer.ok:
            results[index] = _saved(due, document, body, answer)
        else:  # perhaps saved before, its answer never reached us: look before failing
            refused.append((index, due, body, answer.message))
    if refused:
        _adopt(connector, document, refused, results)


def _saved(due: Due, document: str, body: dict[str, Any], answer: BulkResult) -> Posted:
    saved = dict(answer.record or {})
    number = str(saved.get("number") or body["number"])
    accounting_id = str(saved["id"]) if saved.get("id") is not None else None
    due.ctx.bind(document, due.order.external_id, accounting_id, number)
    due.ctx.record(RecordKind.ORDER, due.order.order_number, document, RecordStatus.SUCCEEDED,
                   sent=body, received={"d": [answer.message], "r": saved})
    return Posted(document, number, accounting_id, created=True, detail=saved)


def _adopt(connector: AccurateConnector, document: str,
           refused: list[tuple[int, Due, dict[str, Any], str]],
           results: list[Result | None]) -> None:
    """Bind refused documents Accurate holds under our numbers (one list.do per 100)."""
    module = MODULES[document]
    numbers = [str(body["number"]) for _, _, body, _ in refused]
    try:
        rows = {str(row.get("number")): row for start in range(0, len(numbers), BULK_MAX)
                for row in connector.client.iter_list(
                    module, ADOPT_FIELDS,
                    filters={"number": Filter("EQUAL", tuple(numbers[start:start + BULK_MAX]))})}
    except IntegrationError as error:
        for index, due, body, _ in refused:
            results[index] = _failed(due, document, body, error)
        return
    if rows:
        log.info("%d %s already in Accurate (answers lost earlier); adopting them", len(rows),
                 module)
    for index, due, body, message in refused:
        row = rows.get(str(body["number"]))
        if row is None and DUPLICATE_NUMBER in message:  # a duplicate not listed yet
            results[index] = _failed(due, document, body, TransientError(
                f"Accurate refused {module} {body['number']} as a duplicate but does not list "
                "it yet"))
            continue
        if row is None:
            results[index] = _failed(due, document, body,
                                     accurate_error(200, message, body=message))
            continue
        accounting_id = str(row["id"]) if row.get("id") is not None else None
        due.ctx.bind(document, due.order.external_id, accounting_id, str(body["number"]))
        due.ctx.record(RecordKind.ORDER, due.order.order_number, document,
                       RecordStatus.SUCCEEDED, sent=body, received=row,
                       reason="already in Accurate")
        results[index] = Posted(document, str(body["number"]), accounting_id, created=False,
                                detail=row)


def _failed(due: Due, document: str, body: dict[str, Any] | None,
            error: IntegrationError) -> IntegrationError:
    status = RecordStatus.PENDING if isinstance(error, TransientError) else RecordStatus.FAILED
    due.ctx.record(RecordKind.ORDER, due.order.order_number, document, status, sent=body,
                   reason=str(error))
    return error


def post_one(ctx: JobContext, connector: AccurateConnector, order: Order, document: str,  # noqa: PLR0913
             build: Callable[[], dict[str, Any]], *, trust_bindings: bool = True) -> Posted:
    """Post one order's document (a batch of one); raise its error."""
    [result] = post_many(connector, document, [Due(ctx, order, build)],
                         trust_bindings=trust_bindings)
    if isinstance(result, IntegrationError):
        raise result
    return result
