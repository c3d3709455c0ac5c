"""Plugin-author kit: compare the SHAPE of two JSON documents (a vendor's example, an answer).

A documented example and an emulator's answer never hold the same values, but they must hold
the same keys with the same kinds of values, all the way down. ``shape_differences`` lists
where they part::

    assert shape_differences(documented, emulator_answer) == []

Kinds are ``object``, ``array``, ``string``, ``number`` (int, float or ``Decimal``), ``boolean``
and ``null``; a ``null`` on either side matches any kind (an optional field that is empty in one
of the two). An array matches when each of its elements has the shape of some element of the
other (arrays may mix shapes, e.g. a success row and a failure row); an empty array matches any.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def kind(value: Any) -> str:
    """Return the JSON kind of a parsed value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float | Decimal):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list | tuple):
        return "array"
    return type(value).__name__


def shape_differences(expected: Any, actual: Any, path: str = "$") -> list[str]:
    """Return every place where ``actual`` differs in shape from ``expected`` (empty: alike)."""
    want, got = kind(expected), kind(actual)
    if "null" in (want, got):
        return []
    if want != got:
        return [f"{path}: expected {want}, got {got}"]
    if want == "object":
        return _object_differences(expected, actual, path)
    if want == "array":
        return _array_differences(expected, actual, path)
    return []


def _object_differences(expected: dict, actual: dict, path: str) -> list[str]:
    problems = [f"{path}.{key}: missing" for key in expected if key not in actual]
    problems += [f"{path}.{key}: not in the example" for key in actual if key not in expected]
    for key in expected.keys() & actual.keys():
        problems += shape_differences(expected[key], actual[key], f"{path}.{key}")
    return problems


def _array_differences(expected: list, actual: list, path: str) -> list[str]:
    if not expected or not actual:
        return []
    problems = []
    for index, item in enumerate(actual):
        problems += _closest(expected, item, f"{path}[{index}]", reverse=False)
    for index, item in enumerate(expected):
        problems += _closest(actual, item, f"{path}[example {index}]", reverse=True)
    return sorted(set(problems))


def _closest(candidates: list, item: Any, path: str, *, reverse: bool) -> list[str]:
    """The differences of ``item`` from the candidate it is closest to (none if one fits)."""
    best: list[str] | None = None
    for candidate in candidates:
        found = (shape_differences(item, candidate, path) if reverse
                 else shape_differences(candidate, item, path))
        if not found:
            return []
        if best is None or len(found) < len(best):
            best = found
    return best or []
