"""Raw messages, stored once by SHA-256: in the database or as files named by the hash.

Both kinds keep a ``raw_messages`` row per hash (so ``messages.raw_sha256`` is a
real foreign key); the database kind keeps the bytes in it, the filesystem
kind keeps them in ``<path>/ab/cd/<sha256>``. Storing is idempotent: a hash
already present is left alone (an existing file is not rewritten), except that
bytes retention erased come back with a new copy.

The row is inserted in the caller's transaction, with the messages that point
at it. A file is written *before* that transaction commits, by temporary file,
fsync and rename, so a committed row always has its file; a crash before the
commit leaves at most an orphan file, which the next store of the same hash
reuses.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailrouter.config import Settings
from mailrouter.errors import PermanentError
from mailrouter.store.bulk import BulkInsert
from mailrouter.store.models import RawMessage

# A hash already stored keeps its row and bytes (the content is the same), unless retention
# erased them: then the new copy's bytes (None for files) go back in. Taking the row lock
# (DO UPDATE locks even where it changes nothing) also orders this against retention's
# erasing, which locks the row before checking that no message uses it.
_INSERT_RAW = BulkInsert(
    RawMessage,
    ("sha256", "size", "data", "stored_at"),
    on_conflict=(
        "(sha256) DO UPDATE SET data = excluded.data, purged_at = NULL"
        " WHERE raw_messages.purged_at IS NOT NULL"
    ),
)


@dataclass(frozen=True, slots=True)
class RawItem:
    sha256: str
    data: bytes


class RawStore(Protocol):
    """Where raw bytes live. ``put`` runs inside the caller's transaction."""

    def put(self, session: Session, items: Sequence[RawItem], now: datetime) -> None: ...

    def get(self, session: Session, sha256: str) -> bytes:
        """The bytes, checked against their hash; ``PermanentError`` if missing or damaged."""
        ...


def _insert_rows(session: Session, items: Sequence[RawItem], now: datetime, keep: bool) -> None:
    if not items:
        return
    unique = {item.sha256: item for item in items}
    connection = session.connection()
    # The time converted once for the batch, not once per row.
    _, _, _, stored_at = _INSERT_RAW.converter.convert(connection.dialect, ("", 0, None, now))
    rows = [(i.sha256, len(i.data), i.data if keep else None, stored_at) for i in unique.values()]
    _INSERT_RAW(connection, rows, converted=True)


def _checked(sha256: str, data: bytes | None) -> bytes:
    if data is None:
        raise PermanentError(f"raw message {sha256} is missing")
    if hashlib.sha256(data).hexdigest() != sha256:
        raise PermanentError(f"raw message {sha256} does not match its hash")
    return data


class DatabaseRawStore:
    def put(self, session: Session, items: Sequence[RawItem], now: datetime) -> None:
        _insert_rows(session, items, now, keep=True)

    def get(self, session: Session, sha256: str) -> bytes:
        data = session.scalar(select(RawMessage.data).where(RawMessage.sha256 == sha256))
        return _checked(sha256, data)


class FilesystemRawStore:
    def __init__(self, root: Path, *, fsync: bool = True) -> None:
        self.root = root
        self.fsync = fsync

    def path_of(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, session: Session, items: Sequence[RawItem], now: datetime) -> None:
        folders: set[Path] = set()
        for item in {i.sha256: i for i in items}.values():
            path = self.path_of(item.sha256)
            if not path.exists():
                self._write(path, item.data)
                # The new name, and any folder made for it, must survive a power cut too.
                folders.update((path.parent, path.parent.parent))
        if self.fsync:
            for folder in folders:
                _fsync_dir(folder)
        _insert_rows(session, items, now, keep=False)

    def _write(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                if self.fsync:
                    handle.flush()
                    os.fsync(handle.fileno())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def get(self, session: Session, sha256: str) -> bytes:
        try:
            data: bytes | None = self.path_of(sha256).read_bytes()
        except FileNotFoundError:
            # Stored while the raw store was the database: still readable after a switch.
            data = session.scalar(select(RawMessage.data).where(RawMessage.sha256 == sha256))
        return _checked(sha256, data)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def from_settings(settings: Settings) -> RawStore:
    if settings.raw_store.kind == "filesystem":
        return FilesystemRawStore(settings.resolve_path(settings.raw_store.path))
    return DatabaseRawStore()
