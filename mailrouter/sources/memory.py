"""An in-memory ``MailSource`` for tests and demos, with the same contract as IMAP.

``MemoryFolder`` plays the server: tests append messages, recreate the folder
under a new UIDVALIDITY, or make the next calls fail. ``MemorySource`` is the
client side; it wakes its waiter through a socket pair, so the watcher's
file-descriptor multiplexing is exercised exactly as with IMAP IDLE.
"""

from __future__ import annotations

import contextlib
import socket
import threading

from mailrouter.errors import TransientError
from mailrouter.sources.base import Batch, Cursor, FetchedMessage, Wait


class MemoryFolder:
    def __init__(self, uidvalidity: int = 1, *, can_push: bool = True) -> None:
        self.uidvalidity = uidvalidity
        self.can_push = can_push
        self.opens = 0
        self._lock = threading.Lock()
        self._next_uid = 1
        self._messages: dict[int, bytes] = {}
        self._failures: list[Exception] = []
        self._listeners: set[socket.socket] = set()

    def append(self, raw: bytes) -> int:
        with self._lock:
            uid = self._next_uid
            self._next_uid += 1
            self._messages[uid] = raw
            listeners = list(self._listeners)
        for listener in listeners:
            with contextlib.suppress(OSError):
                listener.send(b"!")
        return uid

    def expunge(self, uid: int) -> None:
        with self._lock:
            self._messages.pop(uid, None)

    def recreate(self, uidvalidity: int) -> None:
        """The folder deleted and made again with the same messages, renumbered from 1."""
        with self._lock:
            kept = list(self._messages.values())
            self.uidvalidity = uidvalidity
            self._messages = {i + 1: raw for i, raw in enumerate(kept)}
            self._next_uid = len(kept) + 1

    def fail_next(self, *errors: Exception) -> None:
        """The next calls (open or fetch) raise these, in order."""
        with self._lock:
            self._failures.extend(errors)

    def check_failure(self) -> None:
        with self._lock:
            error = self._failures.pop(0) if self._failures else None
        if error is not None:
            raise error

    def state(self) -> tuple[int, list[tuple[int, bytes]]]:
        with self._lock:
            return self.uidvalidity, sorted(self._messages.items())

    def listen(self, listener: socket.socket) -> None:
        with self._lock:
            self._listeners.add(listener)

    def unlisten(self, listener: socket.socket) -> None:
        with self._lock:
            self._listeners.discard(listener)


class MemorySource:
    def __init__(self, mailbox: str, folder: str, store: MemoryFolder) -> None:
        self.mailbox = mailbox
        self.folder = folder
        self.store = store
        self._open = False
        self._known_uid = 0
        self._pair: tuple[socket.socket, socket.socket] | None = None

    def open(self) -> None:
        self.store.check_failure()
        self.store.opens += 1
        self._open = True

    def fetch(
        self, cursor: Cursor, *, max_messages: int, max_bytes: int, resync_limit: int
    ) -> Batch:
        if not self._open:
            raise TransientError("not connected")
        self.store.check_failure()
        uidvalidity, messages = self.store.state()
        resync = cursor.uidvalidity not in (0, uidvalidity)
        skipped = 0
        if resync:
            skipped = max(0, len(messages) - resync_limit)
            messages = messages[skipped:]
            last = 0
        else:
            last = cursor.last_uid
            messages = [(uid, raw) for uid, raw in messages if uid > last]
        self._known_uid = max([self._known_uid, *(uid for uid, _ in messages)])
        chosen: list[FetchedMessage] = []
        size = 0
        for uid, raw in messages[:max_messages]:
            if chosen and size + len(raw) > max_bytes:
                break
            chosen.append(FetchedMessage(uid, raw))
            size += len(raw)
        if chosen:
            last = chosen[-1].uid
        return Batch(
            messages=tuple(chosen),
            cursor=Cursor(uidvalidity, last, None),
            resync=resync,
            skipped=skipped,
            more=len(chosen) < len(messages),
        )

    def start_wait(self) -> Wait:
        if not self.store.can_push:
            return Wait(None)
        reader, writer = socket.socketpair()
        reader.setblocking(False)
        self._pair = (reader, writer)
        self.store.listen(writer)
        _, messages = self.store.state()
        ready = bool(messages) and messages[-1][0] > self._known_uid
        return Wait(reader.fileno(), ready)

    def finish_wait(self) -> None:
        self._drop_pair()

    def _drop_pair(self) -> None:
        if self._pair is not None:
            reader, writer = self._pair
            self.store.unlisten(writer)
            reader.close()
            writer.close()
            self._pair = None

    def close(self) -> None:
        self._drop_pair()
        self._open = False
