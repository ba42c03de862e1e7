"""Many rows into one table through the driver's ``executemany``, for ingestion's hot path.

Why: a Core ``insert()`` executemany rebuilds a parameter dictionary per row and
runs every column's type processor through generic code; on 3.5 KB messages
that was about 70 us of the 145 us ingestion spent storing each one, more than
SQLite's own work. Here the statement is compiled once per dialect, rows are
plain tuples in a fixed column order, and only the columns whose type has a
bind processor (dates, JSON) are converted, by the very processors SQLAlchemy
would use, so what is stored is the same as through the ORM (tested).

Converting is pure and needs only the dialect's name (``dialect_key``), so it
can run where the row is built: in a parsing process, beside the parse.

PostgreSQL takes plain inserts by ``COPY`` instead: psycopg's executemany
still sends one INSERT per row, and the server's per-statement work was most
of what storing cost there (messages 117 -> 58 us, addresses 72 -> 38 us a
message). Inserts with an ``ON CONFLICT`` clause stay row by row: staging them
through a temporary table and one ``INSERT ... SELECT`` was slower for raw
messages (the server compressed each message twice: 104 -> ~190 us).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.engine import Connection, Dialect, make_url
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.errors import StoreError
from mailrouter.store import db
from mailrouter.store.models import Base

Row = tuple[Any, ...]
Processor = Callable[[Any], Any]


def dialect_key(dialect: Dialect) -> str:
    """``"sqlite+pysqlite"``, ``"postgresql+psycopg"``: enough to rebuild the dialect."""
    return f"{dialect.name}+{dialect.driver}"


def dialect_of(sessions: sessionmaker[Session]) -> str:
    """The ``dialect_key`` of the database ``sessions`` open (no connection is made)."""
    return dialect_key(db.engine_of(sessions).dialect)


@cache
def dialect_for(key: str) -> Dialect:
    """A dialect made from its key, without a connection (only its type processors are used)."""
    return make_url(f"{key}://").get_dialect()()


class RowConverter:
    """Turns rows of Python values into what the driver takes, column by column."""

    def __init__(self, model: type[Base], columns: Sequence[str]) -> None:
        self.table = cast(Table, model.__table__)
        self.columns = tuple(columns)
        unknown = [c for c in self.columns if c not in self.table.c]
        if unknown:
            raise ValueError(f"{self.table.name} has no column {', '.join(unknown)}")
        # By dialect object: one per engine, or one per key from ``dialect_for``.
        self._processors: dict[Dialect, tuple[tuple[int, Processor], ...]] = {}

    def processors(self, dialect: Dialect) -> tuple[tuple[int, Processor], ...]:
        """(position, processor) for the columns whose type converts values."""
        found = self._processors.get(dialect)
        if found is None:
            pairs = []
            for position, name in enumerate(self.columns):
                column_type = self.table.c[name].type
                processor = column_type.dialect_impl(dialect).bind_processor(dialect)
                if processor is not None:
                    pairs.append((position, processor))
            found = self._processors[dialect] = tuple(pairs)
        return found

    def convert(self, dialect: Dialect, row: Row) -> Row:
        processors = self.processors(dialect)
        if not processors:
            return row
        values = list(row)
        # None too: a JSON column turns it into JSON null, as the ORM does.
        for position, processor in processors:
            values[position] = processor(values[position])
        return tuple(values)


class BulkInsert:
    """``INSERT INTO table (columns...)`` for rows given as tuples in ``columns`` order.

    ``on_conflict``: an ``ON CONFLICT`` clause (the same syntax in SQLite and
    PostgreSQL) for rows that would break a unique key, e.g. ``"DO NOTHING"``.
    """

    def __init__(
        self, model: type[Base], columns: Sequence[str], *, on_conflict: str | None = None
    ) -> None:
        self.converter = RowConverter(model, columns)
        self.columns = self.converter.columns
        self.on_conflict = on_conflict
        self._sql: dict[str, str] = {}

    def __call__(
        self, connection: Connection, rows: Sequence[Row], *, converted: bool = False
    ) -> None:
        """Insert ``rows``; ``converted``: already through ``converter.convert``."""
        if not rows:
            return
        dialect = connection.dialect
        if not converted and self.converter.processors(dialect):
            rows = [self.converter.convert(dialect, row) for row in rows]
        if dialect.name == "postgresql" and self.on_conflict is None:
            self._copy(connection, rows)
        else:
            connection.exec_driver_sql(self._statement(dialect), list(rows))

    def _copy(self, connection: Connection, rows: Sequence[Row]) -> None:
        quote = connection.dialect.identifier_preparer.quote
        table = quote(self.converter.table.name)
        names = ", ".join(quote(c) for c in self.columns)
        # Names come from the model's own metadata and are quoted; values are adapted by
        # the same psycopg dumpers as query parameters.
        action = f"copying rows into {self.converter.table.name}"
        with (
            psycopg_cursor(connection, action) as cursor,
            cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def _statement(self, dialect: Dialect) -> str:
        sql = self._sql.get(dialect.name)
        if sql is None:
            sql = self._sql[dialect.name] = self._compile(dialect)
        return sql

    def _compile(self, dialect: Dialect) -> str:
        quote = dialect.identifier_preparer.quote
        marker = positional_marker(dialect)
        names = ", ".join(quote(c) for c in self.columns)
        markers = ", ".join(marker for _ in self.columns)
        table = quote(self.converter.table.name)
        # Names come from the model's own metadata (checked by the converter) and are
        # quoted; values are always bound parameters.
        sql = f"INSERT INTO {table} ({names}) VALUES ({markers})"  # noqa: S608
        if self.on_conflict:
            sql += f" ON CONFLICT {self.on_conflict}"
        return sql


def positional_marker(dialect: Dialect) -> str:
    """ "?" (sqlite3) or "%s" (psycopg, whose named style is pyformat)."""
    return "?" if dialect.paramstyle in ("qmark", "numeric") else "%s"


@contextmanager
def psycopg_cursor(connection: Connection, action: str) -> Iterator[Any]:
    """The psycopg cursor under ``connection``, for what SQLAlchemy does not pass on
    (COPY, statements never prepared). Its errors name ``action`` and the SQLSTATE
    but not the server's text, which can quote the row's values (a COPY error names
    the line and the column's value): personal data, headed for the logs."""
    cursor: Any = connection.connection.cursor()
    try:
        yield cursor
    except Exception as exc:
        code = getattr(exc, "sqlstate", None)
        state = f" (SQLSTATE {code})" if code else ""
        raise StoreError(f"{action} failed: {type(exc).__name__}{state}") from None
    finally:
        cursor.close()
