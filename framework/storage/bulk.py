"""Upserting many rows in one statement: a batch's push records and document bindings.

On PostgreSQL every row travels in one JSON parameter that ``json_to_recordset`` unpacks
(one short, prepared statement and one round trip, whatever the batch's size): psycopg's
pipelined ``executemany`` spent a tenth of a worker's CPU turning each row's parameters and
answers over in Python, and JSON columns were encoded once per row. SQLite, in-process, keeps
a plain ``executemany`` of the same upsert.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String, Table, bindparam, cast, column, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def upsert_rows(  # noqa: PLR0913 - the upsert's parts
    session: Session, table: Table, rows: Sequence[dict[str, Any]], *,
    keys: tuple[str, ...], changed: tuple[str, ...], stamps: dict[str, datetime],
    text: str | None = None,
) -> None:
    """Insert ``rows`` into ``table``, updating the ``changed`` columns of existing keys.

    Args:
        session: whose transaction the statement joins.
        table: the table written.
        rows: one dict per row (the same columns in each), no two with the same ``keys``.
        keys: the unique constraint's columns.
        changed: what a row already there takes from the new one.
        stamps: columns given one value for every row (``created_at``, ``updated_at``).
        text: ``rows`` already encoded as JSON (a caller that checked that text itself).
    """
    if not rows:
        return
    columns = tuple(rows[0])
    dialect = session.get_bind().dialect.name
    statement = _statement(dialect, table, columns, keys, changed, tuple(stamps))
    if dialect == "postgresql":
        session.connection().execute(statement, {"rows": text or encode(rows), **stamps})
    else:
        session.connection().execute(statement, [{**row, **stamps} for row in rows])


def upsert_insert(dialect: str, table: Any) -> Any:
    """``INSERT`` of ``table`` for ``dialect`` that takes ``ON CONFLICT`` (PostgreSQL, SQLite).

    Every upsert of the installation's tables starts here (the two dialects' inserts differ
    only in where SQLAlchemy keeps them).
    """
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def encode(rows: Sequence[dict[str, Any]]) -> str:
    """The JSON text ``upsert_rows`` sends for ``rows`` (datetimes as ISO 8601)."""
    return json.dumps(rows, ensure_ascii=False, default=_iso)


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


@functools.cache
def _statement(  # noqa: PLR0913 - built once per table and shape
    dialect: str, table: Table, columns: tuple[str, ...], keys: tuple[str, ...],
    changed: tuple[str, ...], stamps: tuple[str, ...],
) -> Any:
    if dialect != "postgresql":
        insert = upsert_insert(dialect, table)
    else:
        unpacked = (func.json_to_recordset(cast(bindparam("rows", type_=String),
                                                postgresql.JSON))
                    .table_valued(*(column(name, table.c[name].type) for name in columns))
                    .render_derived(name="r", with_types=True))
        rows = select(*(unpacked.c[name] for name in columns),
                      *(bindparam(name, type_=table.c[name].type) for name in stamps))
        insert = postgresql.insert(table).from_select([*columns, *stamps], rows)
    return insert.on_conflict_do_update(
        index_elements=list(keys), set_={name: insert.excluded[name] for name in changed})
