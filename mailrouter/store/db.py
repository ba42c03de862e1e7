"""Engine creation, migrations and the start-up check that the schema is current.

SQLite runs in WAL mode with a busy timeout so the daemon, the CLI and the web
console can share one file. PostgreSQL goes through psycopg 3. Migrations are
Alembic's, run in-process against the same engine so both databases follow one
linear history.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.errors import StoreError

MIGRATIONS = Path(__file__).with_name("migrations")
# SQLite's own checkpoint, inside the commit that crosses it: a backstop at ~40 MB of log.
# Long-running writers checkpoint in the background instead (``checkpoint.WalCheckpointer``).
WAL_AUTOCHECKPOINT_PAGES = 10_000


def make_engine(url: str, *, password: str | None = None, echo: bool = False) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # hide_parameters: a failed statement's error must not carry message bytes or
        # personal data into logs.
        engine = create_engine(
            parsed, echo=echo, hide_parameters=True, connect_args={"timeout": 30}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        if password is not None:
            parsed = parsed.set(password=password)
        return create_engine(parsed, echo=echo, hide_parameters=True, pool_pre_ping=True)
    raise StoreError(f"unsupported database: {parsed.get_backend_name()}")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling defers BEGIN oddly; take control of it.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock up front, so two writers queue on busy_timeout
    # instead of one failing with "database is locked" when it upgrades a read lock.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def engine_of(sessions: sessionmaker[Session]) -> Engine:
    """The engine ``sessions`` was made on (``session_factory``)."""
    engine = sessions.kw["bind"]
    if not isinstance(engine, Engine):
        raise StoreError("sessions are not bound to one engine")
    return engine


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any exception."""
    with factory() as session, session.begin():
        yield session


def _alembic_config(engine: Engine) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    heads = ScriptDirectory(str(MIGRATIONS)).get_heads()
    if len(heads) != 1:
        raise StoreError(f"migration history has {len(heads)} heads; it must be linear")
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Migrate to head; safe to run again. Returns (revision before, revision after)."""
    before = current_revision(engine)
    command.upgrade(_alembic_config(engine), "head")
    return before, head_revision()


def require_current(engine: Engine) -> None:
    """Refuse to start on a database that is not migrated to this version's head."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        shown = current or "an empty database"
        raise StoreError(
            f"the database is at {shown}, but this version of mailrouter needs {head}: "
            "run `mailrouter db upgrade` first"
        )
