"""Shared fixtures: real servers on 127.0.0.1 (Dovecot, PostgreSQL, an SMTP sink) and databases.

A test that needs a server which is not installed is skipped with the reason,
except when MAILROUTER_REQUIRE_SERVERS=1 (as in CI), where it fails instead:
CI must never pass by skipping the integration tests.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.store import db
from mailrouter.testing.servers import Dovecot, PostgresCluster, ServerUnavailable, SmtpSink

REQUIRE_SERVERS = os.environ.get("MAILROUTER_REQUIRE_SERVERS") == "1"
SERVER_FIXTURES = {"dovecot", "imap_account", "pg_cluster", "postgres_url"}
_counter = itertools.count()


def _unavailable(reason: str) -> NoReturn:
    if REQUIRE_SERVERS:
        pytest.fail(f"required test server unavailable: {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        callspec = getattr(item, "callspec", None)
        uses_pg = callspec is not None and callspec.params.get("db_url") == "postgresql"
        if names & SERVER_FIXTURES or uses_pg:
            item.add_marker(pytest.mark.external_service)


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    try:
        server = Dovecot().start()
    except ServerUnavailable as exc:
        _unavailable(str(exc))
    yield server
    server.cleanup()


@dataclass(frozen=True)
class ImapAccount:
    host: str
    port: int
    username: str
    password: str
    server: Dovecot


@pytest.fixture
def imap_account(dovecot: Dovecot) -> ImapAccount:
    """A fresh, empty mailbox user on the shared Dovecot."""
    user, password = dovecot.account(f"user{next(_counter)}-{os.getpid()}")
    return ImapAccount("127.0.0.1", dovecot.port, user, password, dovecot)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PostgresCluster]:
    try:
        cluster = PostgresCluster().start()
    except ServerUnavailable as exc:
        _unavailable(str(exc))
    yield cluster
    cluster.cleanup()


@pytest.fixture
def postgres_url(pg_cluster: PostgresCluster) -> str:
    return pg_cluster.create_database(f"t{next(_counter)}")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/mailrouter.sqlite3"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """Runs the test once on SQLite and once on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url: str = request.getfixturevalue(name)
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated database, on each backend."""
    engine = db.make_engine(db_url)
    db.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return db.session_factory(engine)


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    yield sink
    sink.stop()
