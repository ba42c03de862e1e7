"""``INSERT ... ON CONFLICT`` for whichever database the session is on."""

from __future__ import annotations

from typing import Any

from sqlalchemy import literal_column
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_for(session: Session, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


def insert_new(session: Session, table: Any, **values: object) -> bool:
    """Insert a row unless its key exists already; True when this call inserted it."""
    # RETURNING, not rowcount: with psycopg the rowcount did not tell a skipped conflict.
    stmt = insert_for(session, table).values(**values).on_conflict_do_nothing()
    return session.execute(stmt.returning(literal_column("1"))).first() is not None
