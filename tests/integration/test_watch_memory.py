"""The watcher over in-memory sources: many folders on a bounded pool, failures and recovery."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter import ingest
from mailrouter.config import MailboxSettings
from mailrouter.errors import PermanentError, TransientError
from mailrouter.sources.base import MailSource
from mailrouter.sources.memory import MemoryFolder, MemorySource
from mailrouter.store.models import MailboxState, OutboxRow
from mailrouter.watch import SourceFactory, WatchOptions
from tests.ingest_support import (
    BackgroundIngest,
    count,
    mailbox,
    make_settings,
    message,
    message_ids,
    wait_until,
)

FOLDERS = 200
WORKERS = 4


def memory_sources(folders: dict[str, MemoryFolder]) -> SourceFactory:
    def make(settings: MailboxSettings, folder: str) -> MailSource:
        return MemorySource(settings.name, folder, folders[settings.name])

    return make


def test_hundreds_of_folders_share_a_bounded_pool_of_threads(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    folders = {f"box{i}": MemoryFolder(uidvalidity=i + 1) for i in range(FOLDERS)}
    settings = make_settings(*(mailbox(name, name, 1) for name in folders), base_dir=tmp_path)
    options = WatchOptions(workers=WORKERS, batch_messages=20)
    before = threading.active_count()
    peak = before
    with BackgroundIngest(settings, sessions, options, sources=memory_sources(folders)):
        wait_until(lambda: _states(sessions) == FOLDERS, 60, "every folder checked")
        for n in range(5):
            for i, folder in enumerate(folders.values()):
                folder.append(message(n * FOLDERS + i))
            peak = max(peak, threading.active_count())
        deadline = time.monotonic() + 60
        while count(sessions) < 5 * FOLDERS and time.monotonic() < deadline:
            peak = max(peak, threading.active_count())
            time.sleep(0.05)
    assert count(sessions) == 5 * FOLDERS
    # The pool, the watcher's own thread and SQLite's checkpointer (one each, whatever the
    # number of folders), and SQLAlchemy's nothing: no thread per folder.
    checkpointer = 1 if sessions.kw["bind"].dialect.name == "sqlite" else 0
    assert peak <= before + WORKERS + 1 + checkpointer, (before, peak)
    assert all(folder.opens == 1 for folder in folders.values()), "no reconnects needed"


def _states(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return len(session.scalars(select(MailboxState)).all())


def test_failures_back_off_alert_and_recover(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    folder = MemoryFolder()
    folder.append(message(1))
    folder.fail_next(TransientError("server went away"), PermanentError("login refused"))
    settings = make_settings(mailbox("flaky", "flaky", 1), base_dir=tmp_path, alert_after_minutes=0)
    options = WatchOptions(workers=2, backoff_base_seconds=0.01, backoff_max_seconds=0.05)
    with BackgroundIngest(settings, sessions, options, sources=memory_sources({"flaky": folder})):
        wait_until(lambda: count(sessions) == 1, 20, "the message after recovery")
        wait_until(lambda: _state(sessions).status == "ok", 20, "health to recover")
    state = _state(sessions)
    assert (state.consecutive_failures, state.failing_since, state.alerted_at) == (0, None, None)
    assert state.last_error == "login refused"
    with sessions() as session:
        alerts = session.scalars(select(OutboxRow)).all()
    assert [a.kind for a in alerts] == ["alert.mailbox_unhealthy"]
    assert folder.opens == 1


def _state(sessions: sessionmaker[Session]) -> MailboxState:
    with sessions() as session:
        found = session.scalars(select(MailboxState)).one()
    return found


def test_a_failed_store_loses_nothing(
    sessions: sessionmaker[Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = MemoryFolder()
    for n in range(100):
        folder.append(message(n))
    real = ingest.store_batch
    calls = 0

    def store_failing_twice(*args: object, **kwargs: object) -> ingest.Stored:
        nonlocal calls
        calls += 1
        if calls in (2, 3):
            raise TransientError("database briefly unavailable")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest, "store_batch", store_failing_twice)
    settings = make_settings(mailbox("m", "m", 1), base_dir=tmp_path)
    options = WatchOptions(workers=2, batch_messages=10, backoff_base_seconds=0.01)
    with BackgroundIngest(settings, sessions, options, sources=memory_sources({"m": folder})):
        wait_until(lambda: count(sessions) == 100, 20, "every message")
    assert message_ids(sessions) == sorted(f"<m{n}@example.org>" for n in range(100))
    assert folder.opens == 3, "a failed batch means a fresh connection from the committed cursor"
