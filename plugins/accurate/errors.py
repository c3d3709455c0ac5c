"""Accurate's answers sorted into what the runner does: ONE table, ``ERROR_MAP``.

Accurate mostly answers HTTP 200 with ``{"s": false, "d": ["message"]}``; the message decides.
A few answers are not envelopes (``401 {"error": "invalid_token"}``, ``403`` XML for a missing
scope) and the rate limit's status is undocumented, so rows match on a message fragment, a
status, or both. The first matching row wins; nothing matching is a permanent failure carrying
Accurate's own text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from framework import LINK_PLACEHOLDER, ErrorAction, ProviderAPIError, provider_error

PROVIDER = "accurate"
RECONNECT = f"reconnect Accurate: `jembatan accurate connect --link {LINK_PLACEHOLDER} ...`"


@dataclass(frozen=True, slots=True)
class ErrorRule:
    """One row: a message fragment (case-insensitive) and/or an HTTP status -> an action."""

    code: str
    action: ErrorAction
    pattern: str | None = None
    status: int | None = None
    fix: str | None = None

    def matches(self, status: int, text: str) -> bool:
        """Return whether this row applies to an answer."""
        if self.status is not None and status != self.status:
            return False
        return self.pattern is None or re.search(self.pattern, text, re.IGNORECASE) is not None


ERROR_MAP: tuple[ErrorRule, ...] = (
    ErrorRule("rate_limit", ErrorAction.RETRY, r"melebihi toleransi|request per detik"),
    ErrorRule("rate_limit", ErrorAction.RETRY, status=429),
    ErrorRule("session_expired", ErrorAction.RETRY, r"Data Session Key tidak tepat"),
    ErrorRule("insufficient_scope", ErrorAction.CONFIG, r"insufficient_scope",
              fix="grant the scope to the Accurate app again, then reconnect"),
    ErrorRule("invalid_token", ErrorAction.CONFIG, r"invalid_token|Invalid or Revoked API Token",
              fix=RECONNECT),
    ErrorRule("bad_signature", ErrorAction.CONFIG, r"X-Api-Signature",
              fix="check the Signature Secret of the link, then reconnect"),
    ErrorRule("bad_timestamp", ErrorAction.RETRY, r"X-Api.Timestamp"),
    ErrorRule("unauthorized", ErrorAction.CONFIG, r"^Unauthorized", fix=RECONNECT),
    ErrorRule("wrong_host", ErrorAction.CONFIG, r"URL API tidak tepat",
              fix="check the link's Accurate account_url/host settings"),
    ErrorRule("database_gone", ErrorAction.CONFIG, r"Data Usaha tidak ditemukan", fix=RECONNECT),
    ErrorRule("branch_required", ErrorAction.CONFIG, r"lebih dari satu cabang",
              fix="the Accurate database has several branches: name the branch to post to"),
    ErrorRule("server_error", ErrorAction.RETRY, status=500),
    ErrorRule("server_error", ErrorAction.RETRY, status=502),
    ErrorRule("server_error", ErrorAction.RETRY, status=503),
    ErrorRule("server_error", ErrorAction.RETRY, status=504),
    ErrorRule("duplicate", ErrorAction.FAIL, r"Sudah ada data lain dengan"),
    ErrorRule("order_closed", ErrorAction.FAIL, r"sudah ditutup"),
    ErrorRule("processed_twice", ErrorAction.FAIL, r"terdeteksi terproses dua kali"),
    ErrorRule("in_use", ErrorAction.FAIL, r"sudah diproses oleh|sudah digunakan"),
    ErrorRule("date_before_start", ErrorAction.FAIL, r"Tanggal transaksi tidak dapat lebih kecil",
              fix="the document date is before the Accurate database's start date"),
    ErrorRule("not_found", ErrorAction.FAIL, r"tidak tepat|tidak ditemukan"),
    ErrorRule("too_long", ErrorAction.FAIL, r"terlalu besar"),
    ErrorRule("underpaid", ErrorAction.FAIL, r"Nilai Pembayaran"),
    ErrorRule("malformed", ErrorAction.FAIL, r"^unreadable answer"),
)


def classify(status: int, text: str) -> ErrorRule:
    """Return the first ``ERROR_MAP`` row for an answer (a generic row when none matches)."""
    for rule in ERROR_MAP:
        if rule.matches(status, text):
            return rule
    if status >= 500:
        return ErrorRule("server_error", ErrorAction.RETRY)
    return ErrorRule("rejected", ErrorAction.FAIL)


def accurate_error(status: int, text: str, *, body: str | None = None,
                   retry_after: float | None = None) -> ProviderAPIError:
    """Build the provider error for an answer, keeping Accurate's own message."""
    rule = classify(status, text)
    message = text
    if rule.code == "insufficient_scope":
        scope = re.search(r"<scope>([^<]+)</scope>", text)
        message = f"the Accurate app lacks the scope {scope.group(1) if scope else '?'}"
    return provider_error(rule.action, message, provider=PROVIDER, status_code=status,
                          code=rule.code, body=body, retry_after=retry_after, fix=rule.fix)


def malformed(what: str, body: object) -> ProviderAPIError:
    """Return the error for an answer that lacks what the reference says it holds."""
    text = f"unreadable answer from Accurate: {what}"
    return provider_error(ErrorAction.FAIL, text, provider=PROVIDER, status_code=200,
                          code="malformed", body=str(body)[:2000])


def is_code(error: BaseException, code: str) -> bool:
    """Return whether ``error`` is an Accurate error of the given table code."""
    return isinstance(error, ProviderAPIError) and error.code == code
