"""What the database can hold of a platform's text: column sizes and the checks before storing.

PostgreSQL refuses a string longer than its column and any string with a NUL character (SQLite
accepts both), so a platform value that breaks either rule must be caught before it reaches a
statement: the canonical models refuse it (a plugin's mapping then yields a ``Rejected``) and
the core checks again before storing an order, whatever plugin built it. Texts the core writes
about such a value (a rejected record's reference) are made storable with ``storable``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal

#: column sizes of the texts platforms send (framework/storage/models.py uses the same numbers)
EXTERNAL_ID = 128
ORDER_NUMBER = 128
CHANNEL = 64
PLATFORM_STATUS = 64
WAREHOUSE_ID = 64
RECORD_REF = 255
DEDUPE_KEY = 255

NUL = "\x00"
#: the largest magnitude of an amount or a count (Accurate keeps 15 digits before the point)
LARGEST_NUMBER_DIGITS = 15
#: the smallest non-zero magnitude of an amount (a value below it is noise, or an attack)
SMALLEST_AMOUNT_EXPONENT = -12
#: the years a platform's date may fall in (year 1 and 9999 overflow conversions)
FIRST_YEAR, LAST_YEAR = 1970, 2199
_ELLIPSIS = "…"


def text_problem(name: str, value: str | None, limit: int | None = None) -> str | None:
    """Return why ``value`` cannot be stored as ``name`` (``None`` when it can)."""
    if value is None:
        return None
    if NUL in value:
        return f"{name} contains a NUL character"
    if limit is not None and len(value) > limit:
        return f"{name} is {len(value)} characters long; at most {limit} are kept"
    return None


def value_problem(value: object) -> str | None:
    """Return why a canonical value cannot be kept (``None`` when it can).

    Strings may not carry NUL; numbers must be finite and of a size money and stock have;
    datetimes must convert to UTC and fall between ``FIRST_YEAR`` and ``LAST_YEAR``.
    """
    if isinstance(value, str):
        return "contains a NUL character" if NUL in value else None
    if isinstance(value, Decimal):
        return _decimal_problem(value)
    if isinstance(value, int) and not isinstance(value, bool):
        too_big = abs(value) >= 10 ** LARGEST_NUMBER_DIGITS
        return f"{value} is too large (at most {LARGEST_NUMBER_DIGITS} digits)" if too_big else None
    if isinstance(value, datetime):
        return _datetime_problem(value)
    return None


def _decimal_problem(value: Decimal) -> str | None:
    if not value.is_finite():
        return f"{value} is not a finite number"
    if value and value.adjusted() >= LARGEST_NUMBER_DIGITS:
        return f"{value} is too large (at most {LARGEST_NUMBER_DIGITS} digits before the point)"
    if value and value.adjusted() < SMALLEST_AMOUNT_EXPONENT:
        return f"{value} is too small to be an amount"
    return None


def _datetime_problem(value: datetime) -> str | None:
    try:
        in_utc = value.astimezone(UTC) if value.tzinfo else value
    except OverflowError:
        return f"{value.isoformat()} is out of range"
    if not FIRST_YEAR <= in_utc.year <= LAST_YEAR:
        return f"{value.isoformat()} is out of range (years {FIRST_YEAR} to {LAST_YEAR})"
    return None


def first_problem(checks: Iterable[tuple[str, str | None, int | None]]) -> str | None:
    """Return the first problem among ``(name, value, limit)`` checks, if any."""
    for name, value, limit in checks:
        problem = text_problem(name, value, limit)
        if problem:
            return problem
    return None


def storable(value: str, limit: int) -> str:
    """Return ``value`` without NUL characters, cut to ``limit`` (marked with an ellipsis)."""
    cleaned = value.replace(NUL, "\\0")
    if len(cleaned) <= limit:
        return cleaned
    return cleaned[:limit - len(_ELLIPSIS)] + _ELLIPSIS


def contains_nul(value: object) -> bool:
    """Return whether any string inside a JSON-like value carries a NUL character."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(contains_nul(key) or contains_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(contains_nul(item) for item in value)
    return False


def storable_json(value: object) -> object:
    """Return a JSON-like value whose strings carry no NUL (PostgreSQL JSON refuses them)."""
    if isinstance(value, str):
        return value.replace(NUL, "\\0")
    if isinstance(value, dict):
        return {storable_json(key): storable_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [storable_json(item) for item in value]
    return value
