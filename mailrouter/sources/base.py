"""The port every mail source implements, and the values it hands to ingestion.

A source is one folder of one configured mailbox, on one connection. Its
methods block (they do network I/O) and are called from a worker thread, one
call at a time; the watcher (``mailrouter.watch``) multiplexes many sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Cursor:
    """How far a folder has been stored: everything with ``uid <= last_uid`` is done.

    ``uidvalidity`` 0 means never synced. ``highestmodseq`` is the folder's
    HIGHESTMODSEQ at the last SELECT where the server has CONDSTORE (else None):
    a lower bound on the state ``last_uid`` covers, kept for flag/expunge sync.
    """

    uidvalidity: int = 0
    last_uid: int = 0
    highestmodseq: int | None = None


@dataclass(frozen=True, slots=True)
class FetchedMessage:
    uid: int
    raw: bytes


@dataclass(frozen=True, slots=True)
class Batch:
    """Messages in ascending UID order, and the cursor that covers them once stored."""

    messages: tuple[FetchedMessage, ...]
    cursor: Cursor
    # The folder's UIDVALIDITY differs from the cursor's: this batch starts a resync,
    # whose messages may be ones already stored under the old UIDs.
    resync: bool = False
    # Older messages a resync left out because of its cap.
    skipped: int = 0
    # More messages were waiting above ``cursor`` when this batch was taken.
    more: bool = False

    def source_key(self, message: FetchedMessage) -> str:
        return f"{self.cursor.uidvalidity}:{message.uid}"


@dataclass(frozen=True, slots=True)
class Wait:
    """How to learn that a folder has news: a readable file descriptor, or polling."""

    # Readable when the server has sent something (IDLE); None: poll on a timer.
    fileno: int | None
    # Something had already arrived when waiting began: fetch again at once.
    ready: bool = False


class MailSource(Protocol):
    """One watched folder of one mailbox.

    - ``open`` connects, authenticates and selects the folder read-only.
    - ``fetch`` returns the next batch above ``cursor`` (at most ``max_messages``
      and, beyond its first message, ``max_bytes``), never marking anything read
      and never deleting. A cursor from another UIDVALIDITY (not 0) starts a
      resync of at most ``resync_limit`` of the newest messages. An empty batch
      means nothing new; its cursor may still move (a new UIDVALIDITY).
    - ``start_wait`` / ``finish_wait`` bracket a wait for news (IDLE). Nothing
      else may be called between them. ``start_wait`` returning ``fileno`` None
      means the source cannot push: the caller polls.
    - ``close`` never raises.
    - Failures raise ``TransientError`` (worth retrying: the caller reconnects
      with backoff) or ``PermanentError`` (needs a person: still retried, slowly).
    """

    mailbox: str
    folder: str

    def open(self) -> None: ...

    def fetch(
        self, cursor: Cursor, *, max_messages: int, max_bytes: int, resync_limit: int
    ) -> Batch: ...

    def start_wait(self) -> Wait: ...

    def finish_wait(self) -> None: ...

    def close(self) -> None: ...
