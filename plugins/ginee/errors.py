"""Ginee's error answers, sorted by ONE table into what the runner does.

Ginee wraps every answer in ``{code, message, data, extra, transactionId, pricingStrategy}``;
success is ``code == "SUCCESS"`` and failures usually come with HTTP 200 [D, C], so the
envelope code decides, and the HTTP status when the body carries no code (a proxy's 502, a
truncated answer). The error keeps Ginee's message and its ``transactionId`` as request id.
"""

from __future__ import annotations

from framework.errors import ErrorAction, ProviderAPIError, provider_error

PROVIDER = "ginee"
MALFORMED_ANSWER = "MALFORMED_ANSWER"

#: envelope code -> action [reference "Envelope and error codes"]. Unknown codes fail the
#: single call permanently (logged with code, message and transactionId): retrying an answer
#: we do not understand only delays the operator seeing Ginee's message.
ERROR_MAP: dict[str, ErrorAction] = {
    "PARAMETER_ERROR": ErrorAction.FAIL,  # [D] permanent, fix the request
    "BUSINESS_ERROR": ErrorAction.FAIL,  # [D] permanent for that order
    "ERROR": ErrorAction.FAIL,  # [D] permanent unless retried by hand (5xx: retried)
    "IAM_FAILED": ErrorAction.CONFIG,  # [C1] bad access key or signature
    "SERVICE_BUSY": ErrorAction.RETRY,  # [C1] overload, retry with backoff
    # jembatan's own code for an answer that is not Ginee's JSON envelope at all (a proxy's
    # page, a cut-off body): worth another try.
    MALFORMED_ANSWER: ErrorAction.RETRY,
}

#: HTTP status -> action, used when the answer has no envelope code.
HTTP_STATUS_MAP: dict[int, ErrorAction] = {
    401: ErrorAction.CONFIG,
    403: ErrorAction.CONFIG,
    408: ErrorAction.RETRY,
    429: ErrorAction.RETRY,
}

#: what an operator does about a configuration error.
FIXES: dict[ErrorAction, str] = {
    ErrorAction.CONFIG: "check the link's Ginee access_key and secret_key "
                        "(Ginee open platform settings) and the country setting",
}


def action_for(code: str | None, status_code: int) -> ErrorAction:
    """Return the runner's action for an answer's envelope code or HTTP status.

    A 5xx or 429 is retried whatever code it carries (clients back off on both [C]);
    otherwise the envelope code decides, and the HTTP status only when there is none.
    """
    if status_code >= 500 or status_code == 429:
        return ErrorAction.RETRY
    if code is not None:
        return ERROR_MAP.get(code, ErrorAction.FAIL)
    return HTTP_STATUS_MAP.get(status_code, ErrorAction.FAIL)


def ginee_error(  # noqa: PLR0913 - the fields of one failed answer
    code: str | None,
    message: str,
    *,
    status_code: int,
    request_id: str | None = None,
    body: str | None = None,
    retry_after: float | None = None,
) -> ProviderAPIError:
    """Build the provider error for one failed answer, keeping Ginee's own message."""
    action = action_for(code, status_code)
    text = f"{code}: {message}" if code else message
    return provider_error(action, text, provider=PROVIDER, status_code=status_code, code=code,
                          request_id=request_id, body=body, retry_after=retry_after,
                          fix=FIXES.get(action))
