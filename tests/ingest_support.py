"""Helpers for the ingestion tests: settings, seeding Dovecot, a watcher in the background."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Coroutine, Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from imapclient import IMAPClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.config import (
    LimitSettings,
    MailboxSettings,
    PolicySettings,
    RawStoreSettings,
    Secret,
    Settings,
)
from mailrouter.ingest_runner import run_ingest
from mailrouter.store.models import MessageRecord
from mailrouter.watch import SourceFactory, WatchOptions

# The test Dovecot's shared password.
PASSWORD = "secret"
FAST = WatchOptions(
    workers=4, batch_messages=50, backoff_base_seconds=0.05, backoff_max_seconds=0.5
)


def message(n: int, *, tag: str = "m", size: int = 0) -> bytes:
    return (
        f"Received: from mx.example.org by imap.council.example; Tue, 3 Feb 2026 09:15:02 +0000\r\n"
        f"From: Sender {n} <sender{n}@example.org>\r\nTo: intake@council.example\r\n"
        f"Subject: {tag} {n}\r\nMessage-ID: <{tag}{n}@example.org>\r\n"
        f"Date: Tue, 3 Feb 2026 09:14:00 +0000\r\n\r\nbody {n}\r\n{'x' * size}\r\n"
    ).encode()


def mailbox(
    name: str, user: str, port: int, *, folders: Sequence[str] = ("INBOX",), idle: bool = True
) -> MailboxSettings:
    return MailboxSettings(
        name=name,
        username=user,
        password=Secret(PASSWORD),
        host="127.0.0.1",
        port=port,
        security="none",
        folders=tuple(folders),
        idle=idle,
        poll_seconds=0.5,
    )


def make_settings(
    *mailboxes: MailboxSettings,
    base_dir: Path,
    limits: LimitSettings | None = None,
    alert_after_minutes: int = 30,
    raw_store: RawStoreSettings | None = None,
) -> Settings:
    return Settings(
        mailboxes=tuple(mailboxes),
        limits=limits or LimitSettings(),
        policy=replace(PolicySettings(), mailbox_alert_after_minutes=alert_after_minutes),
        raw_store=raw_store or RawStoreSettings(),
        base_dir=str(base_dir),
    )


def client(port: int, user: str) -> IMAPClient:
    imap = IMAPClient("127.0.0.1", port=port, ssl=False, timeout=30)
    imap.login(user, PASSWORD)
    return imap


def seed(port: int, user: str, raws: Iterable[bytes], *, folder: str = "INBOX") -> None:
    imap = client(port, user)
    try:
        if folder != "INBOX" and not imap.folder_exists(folder):
            imap.create_folder(folder)
        batch: list[bytes] = []
        for raw in raws:
            batch.append(raw)
            if len(batch) == 200:
                imap.multiappend(folder, batch)
                batch = []
        if batch:
            imap.multiappend(folder, batch)
    finally:
        imap.logout()


def count(sessions: sessionmaker[Session], *criteria: object) -> int:
    with sessions() as session:
        query = select(func.count()).select_from(MessageRecord).where(*criteria)  # type: ignore[arg-type]
        return session.scalar(query) or 0


def message_ids(sessions: sessionmaker[Session]) -> list[str]:
    """Every stored Message-ID, sorted ("" for none)."""
    with sessions() as session:
        return sorted(m or "" for m in session.scalars(select(MessageRecord.message_id)))


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class BackgroundIngest:
    """``run_ingest`` on its own event loop in a thread, stopped on exit."""

    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        options: WatchOptions = FAST,
        sources: SourceFactory | None = None,
    ) -> None:
        self._loop = asyncio.new_event_loop()
        self._stop = asyncio.Event()
        self._error: BaseException | None = None
        coroutine = run_ingest(settings, sessions, self._stop, options=options, sources=sources)
        self._thread = threading.Thread(target=self._run, args=(coroutine,), daemon=True)

    def _run(self, coroutine: Coroutine[object, object, None]) -> None:
        try:
            self._loop.run_until_complete(coroutine)
        except BaseException as exc:  # reported by stop()
            self._error = exc
        finally:
            self._loop.close()

    def __enter__(self) -> BackgroundIngest:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=60)
        assert not self._thread.is_alive(), "the watcher did not stop"
        if self._error is not None:
            raise self._error
