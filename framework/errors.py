"""One error hierarchy that decides what the runner does with a failed job.

Plugins never invent their own control flow for failures: they translate a platform's error
(an HTTP status, an envelope code, a message) into one of these classes through a table in their
``errors.py`` and keep the platform's own message. The runner then decides:

==================  ==================================================================
class               what the runner does
==================  ==================================================================
``TransientError``  retry with exponential backoff and jitter (honouring ``retry_after``)
``PermanentError``  stop retrying; the job is ``failed`` (needs an operator) with the reason
``ConfigError``     like permanent, but the fix is in jembatan's own settings (a binding,
                    an account mapping, a credential); the message names that fix
``SkippableError``  the record is skipped on purpose (e.g. an order from before the
                    integration); the job succeeds with a ``skipped`` record
==================  ==================================================================
"""

from __future__ import annotations

from enum import StrEnum


class ErrorAction(StrEnum):
    """What the runner does with an error; plugins' error tables map onto these."""

    RETRY = "retry"
    FAIL = "fail"
    CONFIG = "config"
    SKIP = "skip"


LINK_PLACEHOLDER = "<LINK>"


def for_link(text: str, link_id: str) -> str:
    """Return ``text`` with ``LINK_PLACEHOLDER`` replaced by the link it is about."""
    return text.replace(LINK_PLACEHOLDER, link_id)


class IntegrationError(Exception):
    """Base of every error jembatan's core knows how to handle.

    Args:
        message: a sentence an operator can act on; for platform errors it includes the
            platform's own text.
        fix: optional instruction, e.g. "bind it with `jembatan warehouses bind ...`". A
            plugin that cannot know the link may write ``LINK_PLACEHOLDER``; the runner
            fills in the link of the job (``for_link``).
    """

    action: ErrorAction = ErrorAction.FAIL

    def __init__(self, message: str, *, fix: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        if self.fix:
            return f"{_sentence(self.message)} Fix: {self.fix}"
        return self.message

    @property
    def reason(self) -> str:
        """The readable reason stored on jobs and push records."""
        return str(self)


class TransientError(IntegrationError):
    """A failure that may succeed if tried again later (network, 5xx, 429, session expiry).

    Args:
        retry_after: seconds the platform asked us to wait, if it said so.
    """

    action = ErrorAction.RETRY

    def __init__(
        self, message: str, *, retry_after: float | None = None, fix: str | None = None
    ) -> None:
        super().__init__(message, fix=fix)
        self.retry_after = retry_after


class PermanentError(IntegrationError):
    """A failure that will repeat until someone changes the data (validation, unknown SKU)."""

    action = ErrorAction.FAIL


class ConfigError(IntegrationError):
    """A failure caused by jembatan's own configuration: the message says what to set."""

    action = ErrorAction.CONFIG


class SkippableError(IntegrationError):
    """This record is deliberately not sent (the reason is recorded, nothing is retried)."""

    action = ErrorAction.SKIP


class ProviderAPIError(IntegrationError):
    """An error answered by a platform's API, with everything needed to report it.

    Plugins raise it through their error table (see ``classify``), usually as one of the
    subclasses below, so that the runner's decision and the provider's details travel together.
    """

    def __init__(  # noqa: PLR0913 - every field is part of the provider's answer
        self,
        message: str,
        *,
        provider: str,
        status_code: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
        body: str | None = None,
        retry_after: float | None = None,
        fix: str | None = None,
    ) -> None:
        super().__init__(message, fix=fix)
        self.provider = provider
        self.status_code = status_code
        self.code = code
        self.request_id = request_id
        self.body = body
        self.retry_after = retry_after

    def __str__(self) -> str:
        text = f"{self.provider}: {self.message}"
        if self.status_code is not None:
            text += f" (HTTP {self.status_code})"
        if self.request_id:
            text += f" [request {self.request_id}]"
        if self.fix:
            text = f"{_sentence(text)} Fix: {self.fix}"
        return text


class ProviderTransientError(ProviderAPIError, TransientError):
    """A provider answered with something worth retrying (rate limit, 5xx, session expiry)."""

    action = ErrorAction.RETRY


class ProviderPermanentError(ProviderAPIError, PermanentError):
    """A provider refused the request for a reason that retrying will not change."""

    action = ErrorAction.FAIL


class ProviderConfigError(ProviderAPIError, ConfigError):
    """A provider refused our credentials or scopes: an operator must reconnect or re-grant."""

    action = ErrorAction.CONFIG


_ACTION_CLASSES: dict[ErrorAction, type[ProviderAPIError]] = {
    ErrorAction.RETRY: ProviderTransientError,
    ErrorAction.FAIL: ProviderPermanentError,
    ErrorAction.CONFIG: ProviderConfigError,
    ErrorAction.SKIP: ProviderPermanentError,
}


def provider_error(action: ErrorAction, message: str, **details: object) -> ProviderAPIError:
    """Build the provider error class that matches an error-table action.

    Plugins keep a table ``(match) -> ErrorAction`` and call this once they found the row, so
    every plugin maps errors the same way.
    """
    return _ACTION_CLASSES[action](message, **details)  # type: ignore[arg-type]


def _sentence(text: str) -> str:
    """End ``text`` with a full stop, so the fix that follows reads as its own sentence."""
    return text if text.endswith((".", "!", "?", ":", ";")) else f"{text}."
