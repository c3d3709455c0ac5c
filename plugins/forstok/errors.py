"""Forstok's failures, sorted into what the runner does with them by ONE table.

Forstok answers a failure as ``{"error": "message"}`` with an HTTP status (see
``assumptions``). ``ERROR_TABLE`` maps (status, message) onto a ``framework.errors.ErrorAction``
and the fix an operator needs; ``raise_for_answer`` raises the matching provider error with
Forstok's own message and request id. Token renewal on 401 happens in the client before this
table is consulted, so a 401 that reaches the table means the credentials themselves are wrong.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import httpx

from framework.errors import ErrorAction, ProviderAPIError, provider_error
from framework.http import retry_after_seconds

from . import assumptions as contract

PROVIDER = "forstok"


@dataclass(frozen=True, slots=True)
class ErrorRow:
    """One row of the error table: which answers it matches and what to do about them.

    Attributes:
        statuses: the HTTP statuses matched (an inclusive range).
        action: what the runner does.
        message: a substring of Forstok's message that must also match, if any.
        fix: what an operator does about it, if anything.
    """

    statuses: range
    action: ErrorAction
    message: str | None = None
    fix: str | None = None

    def matches(self, status: int, message: str) -> bool:
        """Return whether this row applies to an answer."""
        if status not in self.statuses:
            return False
        return self.message is None or self.message.lower() in message.lower()


_RECONNECT = ("check the Forstok link's seller_id, user_id (the seller's email) and secret_key; "
              "re-enter them with `jembatan link` if Forstok rotated the key")

#: first matching row wins; the last rows are catch-alls per status class.
ERROR_TABLE: tuple[ErrorRow, ...] = (
    ErrorRow(range(429, 430), ErrorAction.RETRY),
    ErrorRow(range(408, 409), ErrorAction.RETRY),
    ErrorRow(range(401, 404), ErrorAction.CONFIG, fix=_RECONNECT),
    ErrorRow(range(404, 405), ErrorAction.FAIL, fix="check the id in Forstok"),
    ErrorRow(range(400, 500), ErrorAction.FAIL,
             fix="correct the data in Forstok or jembatan, then re-push"),
    ErrorRow(range(500, 600), ErrorAction.RETRY),
    # A 2xx whose body is not JSON: a proxy cut the answer; asking again usually works.
    ErrorRow(range(200, 300), ErrorAction.RETRY, message="malformed"),
)


def classify(status: int, message: str) -> ErrorRow:
    """Return the table row for an answer; an unlisted status is a permanent failure."""
    for row in ERROR_TABLE:
        if row.matches(status, message):
            return row
    return ErrorRow(range(status, status + 1), ErrorAction.FAIL)


def error_message(response: httpx.Response) -> str:
    """Return Forstok's own message from a failed answer (its ``error`` field, else the text)."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return response.text[:200] or response.reason_phrase
    if isinstance(body, dict) and body.get(contract.ERROR_KEY):
        return str(body[contract.ERROR_KEY])
    return response.text[:200] or response.reason_phrase


def answer_error(response: httpx.Response, message: str | None = None) -> ProviderAPIError:
    """Build the provider error for a failed answer through ``ERROR_TABLE``."""
    text = message or error_message(response)
    row = classify(response.status_code, text)
    return provider_error(
        row.action, text, provider=PROVIDER, status_code=response.status_code,
        request_id=response.headers.get(contract.REQUEST_ID_HEADER),
        body=response.text[:2000], retry_after=retry_after_seconds(response), fix=row.fix)


def raise_for_answer(response: httpx.Response) -> None:
    """Raise the classified provider error if ``response`` is a failure; else do nothing."""
    if response.is_success:
        return
    raise answer_error(response)
