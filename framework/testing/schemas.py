"""A fresh PostgreSQL schema for one test or one benchmark run (no pytest needed).

Every test and benchmark run on PostgreSQL gets a schema of its own on the shared server, so
no run sees another's rows, and the schema is dropped afterwards.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

from sqlalchemy.engine import make_url


def connect(url: str):  # noqa: ANN201 - a psycopg connection
    """An autocommit psycopg connection to the server of SQLAlchemy URL ``url``."""
    import psycopg

    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    return psycopg.connect(libpq, autocommit=True, connect_timeout=3)


@contextlib.contextmanager
def fresh_schema(base_url: str, prefix: str) -> Iterator[str]:
    """Yield a ``postgresql+psycopg`` URL whose ``search_path`` is a new schema.

    The schema is named ``prefix`` and a random suffix; it is dropped when the block ends.
    """
    schema = f"{prefix}{uuid.uuid4().hex[:12]}"
    with connect(base_url) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    url = make_url(base_url).set(drivername="postgresql+psycopg").update_query_dict(
        {"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with connect(base_url) as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
