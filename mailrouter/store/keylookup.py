"""``SELECT ... WHERE scope = ? AND key IN (...)`` through the driver, for ingestion's dedupe.

Why: an expanding ``in_()`` makes SQLAlchemy render and name every bound value
on every execution; with ingestion's four lookups of up to 500 keys per batch
that cost ~10 us a message, several times the database's own work. Here the
statement is built once, from the model's own metadata, and values go straight
to the driver. PostgreSQL gets the keys as one array (``key = ANY(%s)``) in a
statement that is never prepared: psycopg prepares a statement after five
runs, and the generic plan PostgreSQL then uses cannot hash the key list, so
on a table without statistics yet (a new install's first backlog) every row
of the folder was compared with all 500 keys: 35-80 ms a lookup, against
1-2 ms planned with the keys in hand.

Only for columns that need no type conversion either way (strings and
integers): the values bound and the values read are the driver's own.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, cast

from sqlalchemy import Integer, String, Table
from sqlalchemy.engine import Connection, Dialect

from mailrouter.store.bulk import positional_marker, psycopg_cursor
from mailrouter.store.models import Base

CHUNK = 500


class KeyLookup:
    """Rows of ``columns`` from ``model``'s table where ``scope`` equals a value and
    ``key`` is one of many, read ``CHUNK`` keys per statement."""

    def __init__(self, model: type[Base], columns: Sequence[str], *, scope: str, key: str) -> None:
        self.table = cast(Table, model.__table__)
        self.columns = tuple(columns)
        self.scope = scope
        self.key = key
        for name in (*self.columns, scope, key):
            if name not in self.table.c:
                raise ValueError(f"{self.table.name} has no column {name}")
            if not isinstance(self.table.c[name].type, String | Integer):
                raise ValueError(f"{self.table.name}.{name} needs type conversion")
        self._sql: dict[tuple[str, int], str] = {}

    def __call__(self, connection: Connection, scope: Any, keys: Sequence[Any]) -> list[Any]:
        """The matching rows as tuples (any order)."""
        found: list[Any] = []
        dialect = connection.dialect
        for chunk in _chunks(keys):
            if _arrays(dialect):
                found.extend(_unprepared(connection, self._statement(dialect, 0), (scope, chunk)))
            else:
                sql = self._statement(dialect, len(chunk))
                found.extend(connection.exec_driver_sql(sql, (scope, *chunk)).all())
        return found

    def _statement(self, dialect: Dialect, count: int) -> str:
        sql = self._sql.get((dialect.name, count))
        if sql is None:
            sql = self._sql[(dialect.name, count)] = self._compile(dialect, count)
        return sql

    def _compile(self, dialect: Dialect, count: int) -> str:
        quote = dialect.identifier_preparer.quote
        marker = positional_marker(dialect)
        names = ", ".join(quote(c) for c in self.columns)
        table, scope, key = (quote(n) for n in (self.table.name, self.scope, self.key))
        if _arrays(dialect):
            matches = f"{key} = ANY({marker})"
        else:
            matches = f"{key} IN ({', '.join(marker for _ in range(count))})"
        # Names come from the model's metadata (checked above) and are quoted; values
        # are always bound parameters.
        return f"SELECT {names} FROM {table} WHERE {scope} = {marker} AND {matches}"  # noqa: S608


def _unprepared(connection: Connection, sql: str, params: tuple[Any, Sequence[Any]]) -> list[Any]:
    """Run ``sql`` on psycopg, planned with these values (never a prepared generic plan)."""
    with psycopg_cursor(connection, "looking up stored keys") as cursor:
        cursor.execute(sql, (params[0], list(params[1])), prepare=False)
        return list(cursor.fetchall())


def _arrays(dialect: Dialect) -> bool:
    """Whether the keys go as one array parameter (PostgreSQL) or one each (SQLite)."""
    return dialect.name == "postgresql"


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]
