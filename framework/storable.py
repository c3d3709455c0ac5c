"""What the database can hold of a platform's text: column sizes and the checks before storing.

PostgreSQL refuses a string longer than its column and any string with a NUL character (SQLite
accepts both), so a platform value that breaks either rule must be caught before it reaches a
statement: the canonical models refuse it (a plugin's mapping then yields a ``Rejected``) and
the core checks again before storing an order, whatever plugin built it. Texts the core writes
about such a value (a rejected record's reference) are made storable with ``storable``.
"""

from __future__ import annotations

from collections.abc import Iterable

#: column sizes of the texts platforms send (framework/models.py uses the same numbers)
EXTERNAL_ID = 128
ORDER_NUMBER = 128
CHANNEL = 64
PLATFORM_STATUS = 64
WAREHOUSE_ID = 64
RECORD_REF = 255
DEDUPE_KEY = 255

NUL = "\x00"
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
