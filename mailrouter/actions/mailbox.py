"""Moving originals out of staff folders over IMAP, safe to repeat.

Design note. A move names its message by ``source_key`` ("{uidvalidity}:{uid}")
and, as a fallback, by Message-ID. It checks before it acts, so running it
again after a crash, a retry or a person's intervention is harmless:

- UIDVALIDITY matches and the UID is still there: move it (one ``UID MOVE``
  per target folder for the whole batch; per-message moves are ~40x slower).
- UIDVALIDITY changed (the folder was rebuilt): the UID means nothing now, so
  the message is found by Message-ID in the source folder and moved.
- The UID is gone: the message is looked for by Message-ID in the source
  folder (a person may have moved it out and back), then in the target.
- Not in the source folder: if the target holds its Message-ID, an earlier
  attempt succeeded. If it is nowhere, a person moved or deleted it: that is
  done too, with a note for the record, never an error that blocks the queue.

``append`` files a copy of a sent message (a released reply in a SPOC's Sent
folder) the same way: it first looks for the Message-ID in the folder, so a
repeat after a crash leaves one copy.

Without MOVE the server gets ``UID COPY`` + ``\\Deleted`` + ``UID EXPUNGE``
(UIDPLUS), or a plain ``EXPUNGE`` as a last resort. Every network or protocol
failure, and a refused login, is a ``TransientError``: a changed password must
not park diverted mail for good, so the outage is logged once and retried.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import ssl
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from imapclient import SEEN, IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from mailrouter.config import MailboxSettings
from mailrouter.domain import MoveToFolder
from mailrouter.errors import PermanentError, TransientError

log = logging.getLogger(__name__)

# UIDs per command: long enough to be fast, short of servers' command-line limits.
CHUNK = 500
IMAP_ERRORS = (IMAPClientError, OSError)


@dataclass(frozen=True, slots=True)
class MoveResult:
    """The outcome of one move; ``note`` says why nothing was moved, if a person did it."""

    action: MoveToFolder
    moved: bool
    note: str | None = None


class ImapMover:
    """Performs ``MoveToFolder`` actions on the configured IMAP mailboxes."""

    def __init__(
        self,
        mailboxes: Sequence[MailboxSettings],
        *,
        timeout: float = 30.0,
        use_move: bool = True,
    ) -> None:
        self._mailboxes = {m.name: m for m in mailboxes}
        self._timeout = timeout
        # False forces COPY + EXPUNGE, for servers whose MOVE misbehaves.
        self._use_move = use_move
        self._login_failed: set[str] = set()

    def move(self, actions: Sequence[MoveToFolder]) -> list[MoveResult]:
        """Move a batch that shares one mailbox and source folder; one result per action.

        Raises ``TransientError`` or ``PermanentError`` for the batch as a whole.
        """
        if not actions:
            return []
        mailbox, folder = actions[0].mailbox, actions[0].folder
        if any((a.mailbox, a.folder) != (mailbox, folder) for a in actions):
            raise ValueError("a move batch must share one mailbox and folder")
        settings = self._mailboxes.get(mailbox)
        if settings is None or settings.kind != "imap":
            raise PermanentError(f"no IMAP mailbox named {mailbox!r} is configured")
        try:
            client = self._connect(settings)
            try:
                return _Batch(client, folder, self._use_move).run(actions)
            finally:
                with contextlib.suppress(*IMAP_ERRORS):
                    client.logout()
        except IMAP_ERRORS as exc:
            raise TransientError(f"IMAP {mailbox}: {type(exc).__name__}: {exc}") from exc

    def append(
        self, mailbox: str, folder: str, data: bytes, *, message_id: str, when: datetime
    ) -> bool:
        """Append ``data`` to ``folder`` (created if missing) unless its Message-ID is there.

        True if appended, False if an earlier attempt already did; raises like ``move``.
        """
        settings = self._mailboxes.get(mailbox)
        if settings is None or settings.kind != "imap":
            raise PermanentError(f"no IMAP mailbox named {mailbox!r} is configured")
        try:
            client = self._connect(settings)
            try:
                batch = _Batch(client, folder, self._use_move)
                batch._ensure_folder(folder)
                batch._select(folder, readonly=True)
                if batch._search_message_id(message_id):
                    return False
                client.append(folder, data, flags=[SEEN], msg_time=when)
                log.info("imap.appended folder=%s", folder)
                return True
            finally:
                with contextlib.suppress(*IMAP_ERRORS):
                    client.logout()
        except IMAP_ERRORS as exc:
            raise TransientError(f"IMAP {mailbox}: {type(exc).__name__}: {exc}") from exc

    def _connect(self, settings: MailboxSettings) -> IMAPClient:
        context = ssl.create_default_context() if settings.security != "none" else None
        client = IMAPClient(
            settings.host,
            port=settings.port,
            ssl=settings.security == "tls",
            ssl_context=context,
            timeout=self._timeout,
        )
        # Small commands wait on Nagle's algorithm otherwise (4x slower per BASELINES).
        client.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if settings.security == "starttls":
            client.starttls(context)
        try:
            client.login(settings.username, settings.password.reveal())
        except LoginError as exc:
            with contextlib.suppress(*IMAP_ERRORS):
                client.shutdown()
            if settings.name not in self._login_failed:
                self._login_failed.add(settings.name)
                log.error(
                    "imap.login_failed mailbox=%s user=%s: moves wait until the password works",
                    settings.name,
                    settings.username,
                )
            raise TransientError(f"IMAP {settings.name}: login refused") from exc
        if settings.name in self._login_failed:
            self._login_failed.discard(settings.name)
            log.info("imap.login_recovered mailbox=%s", settings.name)
        return client


class _Batch:
    """One batch's work on one connection: locate, move, then account for the rest."""

    def __init__(self, client: IMAPClient, folder: str, use_move: bool) -> None:
        self.client = client
        self.folder = folder
        self.use_move = use_move and client.has_capability("MOVE")

    def run(self, actions: Sequence[MoveToFolder]) -> list[MoveResult]:
        located = self._locate(actions)
        by_target: dict[str, list[int]] = defaultdict(list)
        for index, uids in located.items():
            by_target[actions[index].target].extend(uids)
        for target, uids in by_target.items():
            self._ensure_folder(target)
            self._move(sorted(set(uids)), target)
        missing = [i for i in range(len(actions)) if i not in located]
        notes = self._account_for([actions[i] for i in missing])
        results = {i: MoveResult(actions[i], moved=True) for i in located}
        for i, note in zip(missing, notes, strict=True):
            results[i] = MoveResult(actions[i], moved=False, note=note)
        return [results[i] for i in range(len(actions))]

    def _locate(self, actions: Sequence[MoveToFolder]) -> dict[int, list[int]]:
        """Action index -> UIDs in the source folder that are its message."""
        uidvalidity = self._select(self.folder)
        if uidvalidity is None:
            return {}
        by_uid: dict[int, int] = {}
        by_message_id: list[int] = []
        for index, action in enumerate(actions):
            validity, uid = _parse_source_key(action.source_key)
            if validity == uidvalidity and uid is not None:
                by_uid[uid] = index
            else:
                by_message_id.append(index)
        located: dict[int, list[int]] = {}
        for chunk in _chunks(sorted(by_uid)):
            for uid in self._search(["UID", _uid_set(chunk)]):
                if uid in by_uid:
                    located[by_uid[uid]] = [uid]
        # A UID that is gone may still be here under another UID (moved out and back).
        by_message_id += [index for index in by_uid.values() if index not in located]
        for index in by_message_id:
            uids = self._search_message_id(actions[index].message_id)
            if uids:
                log.info("imap.found_by_message_id folder=%s uids=%d", self.folder, len(uids))
                located[index] = uids
        return located

    def _account_for(self, actions: Sequence[MoveToFolder]) -> list[str | None]:
        """For messages not in the source: None if already in the target, else a note."""
        found: dict[str, set[str]] = defaultdict(set)
        for target in {a.target for a in actions}:
            if self._select(target, readonly=True) is None:
                continue
            for action in actions:
                if action.target == target and self._search_message_id(action.message_id):
                    found[target].add(action.message_id or "")
        return [
            None
            if a.message_id and a.message_id in found[a.target]
            else f"not in {a.folder!r} or {a.target!r}: moved or deleted by a person"
            for a in actions
        ]

    def _select(self, folder: str, *, readonly: bool = False) -> int | None:
        """Select ``folder``; its UIDVALIDITY, or None if it does not exist."""
        try:
            response: dict[bytes, Any] = self.client.select_folder(folder, readonly=readonly)
        except IMAPClientError:
            if self.client.folder_exists(folder):
                raise
            return None
        return int(response[b"UIDVALIDITY"])

    def _ensure_folder(self, folder: str) -> None:
        if self.client.folder_exists(folder):
            return
        try:
            self.client.create_folder(folder)
        except IMAPClientError:
            # Another worker may have created it a moment ago; only its absence matters.
            if not self.client.folder_exists(folder):
                raise
        log.info("imap.folder_created folder=%s", folder)

    def _move(self, uids: list[int], target: str) -> None:
        for chunk in _chunks(uids):
            if self.use_move:
                self.client.move(chunk, target)
                continue
            self.client.copy(chunk, target)
            self.client.delete_messages(chunk, silent=True)
            if self.client.has_capability("UIDPLUS"):
                self.client.uid_expunge(chunk)
            else:
                # Last resort: this also expunges anything else flagged \Deleted here.
                self.client.expunge()
        log.info("imap.moved folder=%s target=%s count=%d", self.folder, target, len(uids))

    def _search(self, criteria: list[str]) -> list[int]:
        return [int(uid) for uid in self.client.search(criteria)]

    def _search_message_id(self, message_id: str | None) -> list[int]:
        # A Message-ID that cannot be quoted as a plain IMAP string cannot be searched
        # reliably; such a message counts as not found rather than failing the batch.
        if not message_id or not message_id.isascii() or any(c in message_id for c in '\r\n"\\'):
            return []
        return self._search(["HEADER", "Message-ID", message_id.strip()])


def _parse_source_key(source_key: str) -> tuple[int | None, int | None]:
    validity, _, uid = source_key.partition(":")
    if not (validity.isdigit() and uid.isdigit()):
        return None, None
    return int(validity), int(uid)


def _uid_set(uids: Iterable[int]) -> str:
    return ",".join(str(uid) for uid in uids)


def _chunks(items: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(items), CHUNK):
        yield list(items[start : start + CHUNK])
