"""The MailSource contract, run over every implementation: MemorySource and ImapSource (Dovecot)."""

from __future__ import annotations

import select
import sys
import threading
import time
from collections.abc import Iterator
from typing import Protocol

import pytest
from imapclient import IMAPClient

from mailrouter.config import MailboxSettings, Secret
from mailrouter.errors import PermanentError, TransientError
from mailrouter.sources.base import Batch, Cursor, MailSource
from mailrouter.sources.imap import ImapSource
from mailrouter.sources.imap_bulk import new_tag, uid_set
from mailrouter.sources.memory import MemoryFolder, MemorySource
from mailrouter.testing.servers import free_port
from tests.conftest import ImapAccount

FOLDER = "Intake"


def message(n: int, size: int = 0) -> bytes:
    return (
        f"From: sender{n}@example.org\r\nTo: intake@council.example\r\n"
        f"Subject: message {n}\r\nMessage-ID: <m{n}@example.org>\r\n\r\n"
        f"body {n}\r\n{'x' * size}\r\n"
    ).encode()


class Harness(Protocol):
    """The server side of a source, driven by the test."""

    def source(self, *, idle: bool = True) -> MailSource: ...

    def append(self, raws: list[bytes], *, seen: bool = False) -> None: ...

    def expunge(self, index: int) -> None:
        """Remove the ``index``-th message (0-based, in UID order)."""

    def recreate(self) -> None:
        """Delete and recreate the folder with the same messages: a new UIDVALIDITY."""

    def seen(self) -> list[bool]: ...


class MemoryHarness:
    def __init__(self) -> None:
        self.folder = MemoryFolder(uidvalidity=100)
        self.flags: dict[bytes, bool] = {}

    def source(self, *, idle: bool = True) -> MailSource:
        self.folder.can_push = idle
        return MemorySource("intake", FOLDER, self.folder)

    def append(self, raws: list[bytes], *, seen: bool = False) -> None:
        for raw in raws:
            self.folder.append(raw)
            self.flags[raw] = seen

    def expunge(self, index: int) -> None:
        _, messages = self.folder.state()
        self.folder.expunge(messages[index][0])

    def recreate(self) -> None:
        self.folder.recreate(self.folder.uidvalidity + 1)

    def seen(self) -> list[bool]:
        _, messages = self.folder.state()
        return [self.flags[raw] for _, raw in messages]


def imap_settings(
    account: ImapAccount, *, idle: bool = True, password: str | None = None, port: int = 0
) -> MailboxSettings:
    return MailboxSettings(
        name="intake",
        username=account.username,
        password=Secret(password or account.password),
        host=account.host,
        port=port or account.port,
        security="none",
        folders=(FOLDER,),
        idle=idle,
    )


class ImapHarness:
    def __init__(self, account: ImapAccount) -> None:
        self.account = account
        self.admin = IMAPClient(account.host, port=account.port, ssl=False, timeout=10)
        self.admin.login(account.username, account.password)
        self.admin.create_folder(FOLDER)

    def source(self, *, idle: bool = True) -> MailSource:
        return ImapSource(imap_settings(self.account, idle=idle), FOLDER, timeout=10)

    def append(self, raws: list[bytes], *, seen: bool = False) -> None:
        flags = [b"\\Seen"] if seen else []
        self.admin.multiappend(FOLDER, [{"msg": raw, "flags": flags} for raw in raws])

    def _uids(self) -> list[int]:
        self.admin.select_folder(FOLDER)
        return sorted(self.admin.search())

    def expunge(self, index: int) -> None:
        uid = self._uids()[index]
        self.admin.delete_messages([uid])
        self.admin.expunge()
        self.admin.unselect_folder()

    def recreate(self) -> None:
        uids = self._uids()
        raws = [d[b"BODY[]"] for _, d in sorted(self.admin.fetch(uids, ["BODY.PEEK[]"]).items())]
        self.admin.unselect_folder()
        self.admin.delete_folder(FOLDER)
        self.admin.create_folder(FOLDER)
        if raws:
            self.admin.multiappend(FOLDER, raws)

    def seen(self) -> list[bool]:
        uids = self._uids()
        flags = self.admin.get_flags(uids)
        self.admin.unselect_folder()
        return [b"\\Seen" in flags[uid] for uid in uids]


@pytest.fixture(params=["memory", "imap"])
def harness(request: pytest.FixtureRequest) -> Iterator[Harness]:
    if request.param == "memory":
        yield MemoryHarness()
        return
    account: ImapAccount = request.getfixturevalue("imap_account")
    imap = ImapHarness(account)
    yield imap
    imap.admin.logout()


@pytest.fixture
def source(harness: Harness) -> Iterator[MailSource]:
    opened = harness.source()
    opened.open()
    yield opened
    opened.close()


def fetch(source: MailSource, cursor: Cursor, n: int = 100, size: int = 10**7) -> Batch:
    return source.fetch(cursor, max_messages=n, max_bytes=size, resync_limit=1000)


def drain(source: MailSource, cursor: Cursor) -> tuple[list[bytes], Cursor]:
    raws: list[bytes] = []
    while True:
        batch = fetch(source, cursor)
        raws.extend(m.raw for m in batch.messages)
        cursor = batch.cursor
        if not batch.messages:
            return raws, cursor


def test_empty_folder(source: MailSource) -> None:
    batch = fetch(source, Cursor())
    assert batch.messages == ()
    assert batch.cursor.uidvalidity > 0 and batch.cursor.last_uid == 0
    assert not batch.more and not batch.resync


def test_batches_in_uid_order_with_a_covering_cursor(harness: Harness, source: MailSource) -> None:
    harness.append([message(i) for i in range(7)])
    cursor, got = Cursor(), list[bytes]()
    for expected_more in (True, True, False):
        batch = fetch(source, cursor, n=3)
        assert batch.more is expected_more
        uids = [m.uid for m in batch.messages]
        assert uids == sorted(uids) and all(uid > cursor.last_uid for uid in uids)
        assert batch.cursor.last_uid == uids[-1]
        assert batch.source_key(batch.messages[0]).startswith(f"{batch.cursor.uidvalidity}:")
        got.extend(m.raw for m in batch.messages)
        cursor = batch.cursor
    assert got == [message(i) for i in range(7)]
    assert fetch(source, cursor).messages == ()


def test_bytes_bound_a_batch_but_one_message_always_fits(
    harness: Harness, source: MailSource
) -> None:
    harness.append([message(0, size=5000), message(1, size=5000), message(2)])
    first = fetch(source, Cursor(), size=100)
    assert len(first.messages) == 1
    second = fetch(source, first.cursor, size=len(message(1, size=5000)) + len(message(2)))
    assert [m.raw for m in second.messages] == [message(1, size=5000), message(2)]


def test_a_fetch_from_the_same_cursor_is_repeatable(harness: Harness, source: MailSource) -> None:
    harness.append([message(i) for i in range(4)])
    first = fetch(source, Cursor(), n=2)
    again = fetch(source, Cursor(), n=2)
    assert [m.raw for m in again.messages] == [m.raw for m in first.messages]
    assert again.cursor == first.cursor


def test_read_mail_is_fetched_and_nothing_is_marked_read(
    harness: Harness, source: MailSource
) -> None:
    harness.append([message(0)], seen=True)
    harness.append([message(1)])
    raws, _ = drain(source, Cursor())
    assert raws == [message(0), message(1)]
    assert harness.seen() == [True, False]


def test_an_expunged_message_is_passed_over(harness: Harness, source: MailSource) -> None:
    harness.append([message(i) for i in range(3)])
    first = fetch(source, Cursor(), n=1)
    harness.expunge(1)
    raws, cursor = drain(source, first.cursor)
    assert raws == [message(2)]
    assert cursor.last_uid >= 3


def test_a_batch_whose_messages_were_all_expunged_moves_the_cursor_on(
    harness: Harness, source: MailSource
) -> None:
    harness.append([message(i) for i in range(4)])
    first = fetch(source, Cursor(), n=1)
    harness.expunge(1)
    harness.expunge(1)
    # IMAP sizes a batch at a time, so this batch is empty; the memory source
    # searches afresh and skips to the survivor. Either way the cursor moves on.
    batch = fetch(source, first.cursor, n=2)
    assert batch.cursor.last_uid > first.cursor.last_uid
    raws, _ = drain(source, batch.cursor)
    assert [m.raw for m in batch.messages] + raws == [message(3)]


def test_mail_announced_while_fetching_is_not_left_for_the_next_notification(
    harness: Harness, source: MailSource
) -> None:
    # Arrives after the search, while the rest of the backlog is fetched: IMAP announces
    # it (EXISTS) during that fetch, and will not announce it again when IDLE starts.
    harness.append([message(i) for i in range(3)])
    first = fetch(source, Cursor(), n=1)
    harness.append([message(3)])
    batch = fetch(source, first.cursor, n=10)
    wait = source.start_wait()
    try:
        announced = wait.ready
    finally:
        source.finish_wait()
    raws = [m.raw for m in batch.messages]
    if announced:
        raws += drain(source, batch.cursor)[0]
    assert raws[-1] == message(3)


def test_a_new_uidvalidity_starts_a_capped_resync(harness: Harness, source: MailSource) -> None:
    harness.append([message(i) for i in range(5)])
    _, old = drain(source, Cursor())
    source.close()
    harness.recreate()
    source.open()
    batch = source.fetch(old, max_messages=100, max_bytes=10**7, resync_limit=2)
    assert batch.resync and batch.skipped == 3
    assert batch.cursor.uidvalidity != old.uidvalidity
    assert [m.raw for m in batch.messages] == [message(3), message(4)]
    follow = fetch(source, batch.cursor)
    assert follow.messages == () and not follow.resync


def _readable(fileno: int, timeout: float) -> bool:
    return bool(select.select([fileno], [], [], timeout)[0])


def test_waiting_wakes_on_new_mail(harness: Harness, source: MailSource) -> None:
    _, cursor = drain(source, Cursor())
    wait = source.start_wait()
    assert wait.fileno is not None and not wait.ready
    assert not _readable(wait.fileno, 0.2)
    harness.append([message(9)])
    assert _readable(wait.fileno, 10)
    source.finish_wait()
    assert [m.raw for m in fetch(source, cursor).messages] == [message(9)]


def test_mail_that_came_before_the_wait_is_not_missed(harness: Harness, source: MailSource) -> None:
    _, cursor = drain(source, Cursor())
    harness.append([message(8)])
    time.sleep(0.2)
    wait = source.start_wait()
    assert wait.fileno is not None
    assert wait.ready or _readable(wait.fileno, 10)
    source.finish_wait()
    assert [m.raw for m in fetch(source, cursor).messages] == [message(8)]


def test_without_push_the_caller_polls(harness: Harness) -> None:
    polled = harness.source(idle=False)
    polled.open()
    try:
        _, cursor = drain(polled, Cursor())
        assert polled.start_wait().fileno is None
        polled.finish_wait()
        harness.append([message(1)])
        assert [m.raw for m in fetch(polled, cursor).messages] == [message(1)]
    finally:
        polled.close()


def test_fetch_needs_an_open_source(harness: Harness) -> None:
    closed = harness.source()
    with pytest.raises(TransientError):
        fetch(closed, Cursor())
    closed.close()
    closed.close()  # closing twice is harmless


# IMAP only: how library and server failures map onto the error family.


def test_imap_unreachable_server_is_transient(imap_account: ImapAccount) -> None:
    settings = imap_settings(imap_account, port=free_port())
    with pytest.raises(TransientError, match="connect"):
        ImapSource(settings, FOLDER, timeout=5).open()


def test_imap_refused_login_is_permanent_and_keeps_the_password_secret(
    imap_account: ImapAccount,
) -> None:
    settings = imap_settings(imap_account, password="wrong-password")
    with pytest.raises(PermanentError, match="refused the login") as caught:
        ImapSource(settings, FOLDER, timeout=5).open()
    assert "wrong-password" not in str(caught.value)


def test_imap_missing_folder_is_permanent(imap_account: ImapAccount) -> None:
    source = ImapSource(imap_settings(imap_account), "No such folder", timeout=5)
    with pytest.raises(PermanentError, match="select"):
        source.open()


def test_uid_sets_use_ranges() -> None:
    assert uid_set([1, 2, 3, 5, 7, 8]) == "1:3,5,7:8"
    assert uid_set([4]) == "4"


def test_command_tags_are_unique_across_threads() -> None:
    # Folders fetch from several threads at once; each command needs its own tag.
    tags: list[list[bytes]] = [[] for _ in range(8)]

    def take(into: list[bytes]) -> None:
        into.extend(new_tag() for _ in range(20_000))

    threads = [threading.Thread(target=take, args=(t,)) for t in tags]
    # Switch threads as often as possible, so any unsafe step interleaves.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    every = [tag for taken in tags for tag in taken]
    assert len(every) == 160_000 == len(set(every))
