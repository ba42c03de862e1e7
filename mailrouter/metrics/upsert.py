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


_BUILT: dict[tuple[str, str, tuple[str, ...], tuple[str, ...], tuple[str, ...]], Any] = {}


def upsert(
    session: Session,
    table: Any,
    keys: tuple[str, ...],
    *,
    add: tuple[str, ...] = (),
    replace: tuple[str, ...] = (),
) -> Any:
    """``INSERT ... ON CONFLICT (keys) DO UPDATE``: ``add`` columns are summed, ``replace``
    columns take the new value. Built once per database and shape, then executed with plain
    parameter dicts, so the per-message cost is not spent building and compiling SQL."""
    dialect = session.get_bind().dialect.name
    shape = (dialect, table.name, keys, add, replace)
    if shape not in _BUILT:
        stmt = insert_for(session, table)
        changes = {c: table.c[c] + stmt.excluded[c] for c in add}
        changes.update({c: stmt.excluded[c] for c in replace})
        _BUILT[shape] = stmt.on_conflict_do_update(index_elements=list(keys), set_=changes)
    return _BUILT[shape]
