"""list.do as Accurate answers it: ``fields``, ``filter.<field>.op/val``, ``sp`` paging and sort.

``filter.keywords`` is a free-text search over a record's text fields (number, code, name,
customer, description); ``sp.sort=name|asc;no|desc`` sorts by one field after another
(reference §4, §7 item 10).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from plugins.accurate.assumptions import PAGE_DEFAULT, PAGE_MAX

from .state import AccurateRefusal

MAX_PAGE_SIZE = PAGE_MAX
DEFAULT_PAGE_SIZE = PAGE_DEFAULT
KEYWORD_FIELDS = ("number", "no", "name", "customerNo", "description", "poNumber", "upcNo",
                  "alias", "notes")
_DATE = re.compile(r"^(\d\d)/(\d\d)/(\d{4})(.*)$")


def _comparable(value: Any) -> Any:
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return Decimal(str(value))
    text = str(value)
    match = _DATE.match(text)
    if match:  # dd/MM/yyyy sorts wrongly as text; compare as yyyyMMdd…
        day, month, year, rest = match.groups()
        return f"{year}{month}{day}{rest}"
    try:
        return Decimal(text)
    except InvalidOperation:
        return text


def _values(condition: Any) -> tuple[str, list[Any]]:
    if not isinstance(condition, dict):  # plain filter: filter.customerNo=C1
        return "EQUAL", condition if isinstance(condition, list) else [condition]
    values = condition.get("val", [])
    op = str(condition.get("op") or "EQUAL").upper()
    return op, values if isinstance(values, list) else [values]


def _matches(row_value: Any, op: str, values: list[Any]) -> bool:  # noqa: C901 - an operator a line
    if op == "EMPTY":
        return row_value in (None, "")
    if op == "NOT_EMPTY":
        return row_value not in (None, "")
    if row_value is None or not values:
        return False
    left, right = _comparable(row_value), [_comparable(v) for v in values]
    try:
        if op == "EQUAL":
            return any(str(left) == str(v) for v in right)
        if op == "NOT_EQUAL":
            return all(str(left) != str(v) for v in right)
        if op == "CONTAIN":
            return str(values[0]).lower() in str(row_value).lower()
        if op in ("BETWEEN", "NOT_BETWEEN"):
            inside = right[0] <= left <= right[-1]
            return inside if op == "BETWEEN" else not inside
        return {"GREATER_THAN": left > right[0], "GREATER_EQUAL_THAN": left >= right[0],
                "LESS_THAN": left < right[0], "LESS_EQUAL_THAN": left <= right[0]}[op]
    except TypeError:
        return False
    except KeyError:
        raise AccurateRefusal(f"Operator filter {op} tidak valid") from None


def _lookup(row: dict[str, Any], name: str) -> Any:
    if name == "customerNo" and "customerNo" not in row:
        return (row.get("customer") or {}).get("customerNo")
    return row.get(name)


def _keywords(row: dict[str, Any], values: list[Any]) -> bool:
    texts = [str(row.get(name) or "") for name in KEYWORD_FIELDS]
    texts.append(str((row.get("customer") or {}).get("name") or ""))
    haystack = " ".join(texts).lower()
    return all(str(word).lower() in haystack for value in values
               for word in str(value).split())


def _sorted(rows: list[dict[str, Any]], sort: Any) -> list[dict[str, Any]]:
    """Sort by ``name|asc;no|desc``: stable sorts from the last key to the first."""
    keys = [part.split("|") for part in str(sort or "").split(";") if part.strip()]
    for spec in reversed(keys):
        name = spec[0].strip()
        direction = spec[1].strip().lower() if len(spec) > 1 else "asc"
        if direction not in ("asc", "desc"):
            raise AccurateRefusal(f"Parameter sp.sort {sort} tidak valid")
        present = [r for r in rows if _lookup(r, name) not in (None, "")]
        missing = [r for r in rows if _lookup(r, name) in (None, "")]
        present.sort(key=lambda r, n=name: _sort_key(_lookup(r, n)),
                     reverse=direction == "desc")
        rows = present + missing
    return rows


def _sort_key(value: Any) -> tuple[int, Any]:
    comparable = _comparable(value)
    return (0, comparable) if isinstance(comparable, Decimal) else (1, str(comparable).lower())


def select_rows(rows: list[dict[str, Any]], params: dict[str, Any]) -> dict[str, Any]:
    """Filter, sort, page and project ``rows`` for a list.do answer."""
    filters = params.get("filter") or {}
    if not isinstance(filters, dict):
        filters = {}
    for name, condition in filters.items():
        op, values = _values(condition)
        if name == "keywords":
            rows = [row for row in rows if _keywords(row, values)]
            continue
        rows = [row for row in rows if _matches(_lookup(row, name), op, values)]
    paging = params.get("sp") if isinstance(params.get("sp"), dict) else {}
    rows = _sorted(rows, paging.get("sort"))
    try:
        page = max(1, int(paging.get("page") or 1))
        size = min(MAX_PAGE_SIZE, max(1, int(paging.get("pageSize") or DEFAULT_PAGE_SIZE)))
    except ValueError:
        raise AccurateRefusal("Parameter sp tidak valid") from None
    fields = [f for f in str(params.get("fields") or "id").split(",") if f]
    chunk = rows[(page - 1) * size: page * size]
    return {
        "s": True,
        "d": [{f: row[f] for f in fields if f in row} for row in chunk],
        "sp": {"page": page, "pageSize": size, "pageCount": max(1, -(-len(rows) // size)),
               "rowCount": len(rows)},
    }
