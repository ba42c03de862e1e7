"""IMAP source (imapclient): one connection per watched folder.

Design note.

States: closed -> open (logged in, folder EXAMINEd) <-> idling; any error -> closed.

- ``open`` connects (TCP_NODELAY: small commands would otherwise wait on Nagle),
  does TLS or STARTTLS as configured, logs in, ENABLEs CONDSTORE when offered
  (it must come before SELECT) and EXAMINEs the folder: a read-only SELECT, so
  nothing this connection does can set ``\\Seen``, expunge or delete.
- ``fetch`` finds UIDs above the cursor (NOOP, ``UID SEARCH``; cached until
  drained), sizes the next batch's with ``FETCH RFC822.SIZE`` and fetches
  bodies with ``BODY.PEEK[]`` in batches bounded by count and bytes (both through
  ``imap_bulk``, which explains why). The source keeps no
  durable state: the cursor comes from the database on every call, so after a
  crash or a reconnect fetching resumes exactly after the last committed batch.
  Flags are never read or relied on: a message someone opened first is fetched
  like any other.
- The SELECT's UIDNEXT and HIGHESTMODSEQ (CONDSTORE) are compared with the
  cursor first: a folder where neither moved since the last pass is not
  searched. The cursor's HIGHESTMODSEQ is the SELECT's, recorded only with the
  batch that stored everything the SEARCH after that SELECT found, so an equal
  value means there is nothing new (after a crash mid-backlog it is older).
- A UIDVALIDITY that differs from the cursor's starts a resync of the newest
  ``resync_limit`` messages; ingestion dedupes them by content.
- ``start_wait`` enters IDLE where the server has it and the mailbox allows,
  and returns the socket's descriptor for the watcher's event loop. IDLE is a
  wake-up signal only: responses are not interpreted (imapclient's
  ``idle_check`` can raise on some untagged responses, its issue #519); the
  watcher ends IDLE and fetches above the cursor. A response that came in the
  same read as IDLE's continuation sits in imaplib's buffer, where ``select``
  cannot see it, so ``start_wait`` also looks there (``Wait.ready``). New mail
  the server announced (EXISTS) after the last SEARCH began, during a fetch of
  the backlog, is not announced again when IDLE starts: ``start_wait`` then
  returns ``ready`` at once instead of waiting (it used to wait for Dovecot's
  next "still here", up to two minutes).
- Errors map to ``TransientError`` (connection lost, timeouts, BYE, responses
  imapclient cannot parse) or ``PermanentError`` (login refused, folder
  missing, NO/BAD). After either, the watcher closes and reopens with backoff.
"""

from __future__ import annotations

import contextlib
import imaplib
import socket
import ssl
from collections.abc import Iterator

from imapclient import IMAPClient
from imapclient.exceptions import LoginError, ProtocolError

from mailrouter.config import MailboxSettings
from mailrouter.errors import PermanentError, TransientError
from mailrouter.sources import imap_bulk
from mailrouter.sources.base import Batch, Cursor, FetchedMessage, Wait

_TRANSIENT = (imaplib.IMAP4.abort, ProtocolError, OSError, EOFError)


@contextlib.contextmanager
def _mapped(action: str) -> Iterator[None]:
    """Library exceptions -> ours. Messages name the action, never credentials."""
    try:
        yield
    except _TRANSIENT as exc:
        raise TransientError(f"{action}: {type(exc).__name__}: {exc}") from exc
    except LoginError as exc:
        raise PermanentError(f"{action}: the server refused the login") from exc
    except imaplib.IMAP4.error as exc:
        raise PermanentError(f"{action}: {exc}") from exc


class ImapSource:
    def __init__(self, settings: MailboxSettings, folder: str, *, timeout: float = 60.0) -> None:
        self.mailbox = settings.name
        self.folder = folder
        self._settings = settings
        self._timeout = timeout
        self._client: IMAPClient | None = None
        self._can_idle = False
        self._idling = False
        self._uidvalidity = 0
        self._modseq: int | None = None
        self._uidnext: int | None = None
        # The SELECT's UIDNEXT / HIGHESTMODSEQ describe the folder now (no fetch since).
        self._fresh_status = False
        # UIDs found above the cursor and not yet fetched, ascending; valid for
        # a fetch from ``_pending_after`` (the last UID this source handed out).
        self._pending: list[int] = []
        self._pending_after: int | None = None
        # The server announced new mail (EXISTS) after the last SEARCH began: it will not
        # announce it again, so search before waiting.
        self._announced = False

    def open(self) -> None:
        self.close()
        try:
            self._client = self._connect()
            self._select(self._client)
        except BaseException:
            self.close()
            raise

    def _connect(self) -> IMAPClient:
        settings = self._settings
        context = ssl.create_default_context() if settings.security != "none" else None
        with _mapped("connect"):
            client = IMAPClient(
                settings.host,
                port=settings.port,
                ssl=settings.security == "tls",
                ssl_context=context,
                timeout=self._timeout,
            )
        self._client = client
        with _mapped("connect"):
            client.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            client.socket().setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
            if settings.security == "starttls":
                client.starttls(context)
        with _mapped("login"):
            client.login(settings.username, settings.password.reveal())
        return client

    def _select(self, client: IMAPClient) -> None:
        with _mapped(f"select {self.folder!r}"):
            capabilities = client.capabilities()
            if b"CONDSTORE" in capabilities:
                client.enable("CONDSTORE")
            status = client.select_folder(self.folder, readonly=True)
        self._can_idle = self._settings.idle and b"IDLE" in capabilities
        self._uidvalidity = int(status[b"UIDVALIDITY"])
        modseq, uidnext = status.get(b"HIGHESTMODSEQ"), status.get(b"UIDNEXT")
        self._modseq = int(modseq) if modseq is not None else None
        self._uidnext = int(uidnext) if uidnext is not None else None
        self._fresh_status = True
        self._pending, self._pending_after = [], None
        self._announced = False

    def _connected(self) -> IMAPClient:
        if self._client is None or self._idling:
            raise TransientError("not connected")
        return self._client

    def fetch(
        self, cursor: Cursor, *, max_messages: int, max_bytes: int, resync_limit: int
    ) -> Batch:
        client = self._connected()
        resync = cursor.uidvalidity not in (0, self._uidvalidity)
        after = 0 if resync else cursor.last_uid
        skipped = 0
        fresh, self._fresh_status = self._fresh_status, False
        if fresh and not resync and self._unchanged(cursor):
            return Batch((), cursor)
        pending = self._pending if after == self._pending_after and not resync else []
        if not pending:
            with _mapped("search"):
                pending, skipped = self._search(client, after, resync_limit if resync else None)
        if not pending:
            return Batch((), Cursor(self._uidvalidity, after, self._modseq), resync, skipped)
        # Sized a batch at a time, so the first batch of a long backlog starts at once.
        candidates = pending[:max_messages]
        with _mapped("fetch"):
            sized = imap_bulk.sizes(client._imap, candidates)
        self._announced |= sized.announced
        sizes = sized.found
        chosen: list[int] = []
        size = examined = 0
        for uid in candidates:
            # A UID with no size was expunged meanwhile: the cursor passes it.
            uid_size = sizes.get(uid)
            if uid_size is not None:
                if chosen and size + uid_size > max_bytes:
                    break
                chosen.append(uid)
                size += uid_size
            examined += 1
        last = candidates[examined - 1]
        self._pending, self._pending_after = pending[examined:], last
        # The SELECT's HIGHESTMODSEQ is recorded only once everything found since is
        # stored; until then the cursor keeps its older one (None after a resync).
        done = not self._pending
        modseq = self._modseq if done else (None if resync else cursor.highestmodseq)
        found: dict[int, bytes] = {}
        if chosen:
            with _mapped("fetch"):
                fetched = imap_bulk.bodies(client._imap, chosen)
            self._announced |= fetched.announced
            found = fetched.found
        # A UID missing from the answer was expunged meanwhile: the cursor passes it.
        messages = tuple(FetchedMessage(uid, found[uid]) for uid in chosen if uid in found)
        return Batch(messages, Cursor(self._uidvalidity, last, modseq), resync, skipped, not done)

    def _unchanged(self, cursor: Cursor) -> bool:
        """Nothing new since ``cursor``, by the SELECT's answer alone (no SEARCH needed).

        Every APPEND raises HIGHESTMODSEQ and UIDNEXT. The cursor's HIGHESTMODSEQ
        is one at which everything in the folder was stored, so either equal to
        now means nothing arrived since.
        """
        if cursor.uidvalidity != self._uidvalidity:
            return False
        if self._modseq is not None and cursor.highestmodseq == self._modseq:
            return True
        return self._uidnext is not None and self._uidnext <= cursor.last_uid + 1

    def _search(self, client: IMAPClient, after: int, cap: int | None) -> tuple[list[int], int]:
        # NOOP first: some servers announce new mail only between commands.
        self._announced = False
        client.noop()
        untagged = client._imap.untagged_responses
        untagged.pop("EXISTS", None)
        uids = sorted(uid for uid in client.search(["UID", f"{after + 1}:*"]) if uid > after)
        # Mail announced during the SEARCH may have missed it: look again before waiting.
        self._announced = untagged.pop("EXISTS", None) is not None
        skipped = 0
        if cap is not None and len(uids) > cap:
            skipped = len(uids) - cap
            uids = uids[skipped:]
        return uids, skipped

    def start_wait(self) -> Wait:
        client = self._connected()
        if self._announced:
            return Wait(None, ready=True)
        if not self._can_idle:
            return Wait(None)
        with _mapped("idle"):
            client.idle()
        self._idling = True
        return Wait(client.socket().fileno(), _input_waiting(client))

    def finish_wait(self) -> None:
        if self._client is None or not self._idling:
            return
        self._idling = False
        with _mapped("idle done"):
            self._client.idle_done()

    def close(self) -> None:
        client, self._client = self._client, None
        self._idling = False
        self._pending, self._pending_after = [], None
        if client is None:
            return
        with contextlib.suppress(Exception):
            client.socket().settimeout(5)
            client.logout()
        with contextlib.suppress(Exception):
            client.shutdown()


def _input_waiting(client: IMAPClient) -> bool:
    """True if a server response is already buffered or readable, without blocking."""
    sock = client.socket()
    reader = getattr(client._imap, "file", None)  # imaplib's buffered reader (Python <= 3.13)
    peek = getattr(reader, "peek", None)
    if peek is None:
        return False
    timeout = sock.gettimeout()
    sock.settimeout(0.0)
    try:
        return bool(peek(1))
    except (BlockingIOError, ssl.SSLWantReadError):
        return False
    except OSError:
        return True  # the connection is broken: waking up will find out
    finally:
        sock.settimeout(timeout)
