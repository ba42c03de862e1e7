"""Bulk ``UID FETCH`` read straight off imaplib's connection, underneath imapclient.

Why: imapclient parses every FETCH response with a pure-Python lexer, which for
bulk bodies costs about 2.5 times what imaplib's own literal handling does
(BASELINES.md: 6,872 against 17,958 messages a second), and imaplib's handling
in turn spends most of its time on per-line bookkeeping (matching every line
against its response patterns, queueing untagged responses for callers that
never read them). Ingestion fetches every message once, so the two fetches made
here, ``(UID RFC822.SIZE)`` and ``(UID BODY.PEEK[])``, are sent and read with
imaplib's documented ``send``, ``readline`` (which keeps its line-length limit)
and ``read``: one line, then each literal by its announced length. Everything
else (connecting, TLS, LOGIN, ENABLE, EXAMINE, SEARCH, IDLE) stays with
imapclient.

Answers are taken as the protocol frames them, never by searching the bytes: a
message body that looks like a protocol line is just a literal's content. Other
untagged answers (EXPUNGE, FLAGS, MODSEQ under CONDSTORE) are skipped, except
that an EXISTS is reported (``Fetched.announced``): new mail the server will not
announce again, so the caller must search once more before it waits. An untagged
BYE, a closed connection, a short literal or an unexpected
continuation raises ``imaplib.IMAP4.abort``, and a tagged NO or BAD raises
``imaplib.IMAP4.error``. After either the caller must drop the connection
(the source does): the stream's position is then unknown.
"""

from __future__ import annotations

import imaplib
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")

_UID = re.compile(rb"\bUID (\d+)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")
_LITERAL = re.compile(rb"\{(\d+)\}\r\n\Z")
_EXISTS = re.compile(rb"\* \d+ EXISTS\r\n\Z", re.IGNORECASE)
# Our own tag prefix, so our commands can never be confused with imaplib's. A plain
# counter: folders fetch from several threads, and ``next`` on it is atomic (on a
# generator it could raise "generator already executing").
_TAG_NUMBERS = itertools.count(1)


def uid_set(uids: Sequence[int]) -> str:
    """Ascending UIDs as an IMAP sequence set with ranges ("1:5,9"): short command lines."""
    parts: list[str] = []
    start = previous = uids[0]
    for uid in uids[1:]:
        if uid != previous + 1:
            parts.append(f"{start}:{previous}" if previous != start else str(start))
            start = uid
        previous = uid
    parts.append(f"{start}:{previous}" if previous != start else str(start))
    return ",".join(parts)


def new_tag() -> bytes:
    return b"MRB%d" % next(_TAG_NUMBERS)


def _line(imap: Any) -> bytes:
    line: bytes = imap.readline()
    if not line:
        raise imaplib.IMAP4.abort("the server closed the connection during a FETCH")
    return line


@dataclass(frozen=True, slots=True)
class Fetched(Generic[T]):
    found: dict[int, T]
    # The server announced new mail (EXISTS) meanwhile.
    announced: bool


def _fetch(imap: Any, uids: Sequence[int], items: str) -> tuple[list[list[bytes]], bool]:
    """Each FETCH answer to ``UID FETCH uids items``, as [line, literal, line, ...], and
    whether an EXISTS came too."""
    # Untagged EXISTS/RECENT answers pile up in imaplib between SELECTs; nothing reads them.
    imap.untagged_responses.clear()
    tag = new_tag()
    imap.send(b"%s UID FETCH %s %s\r\n" % (tag, uid_set(uids).encode(), items.encode()))
    answers: list[list[bytes]] = []
    announced = False
    while True:
        line = _line(imap)
        if line.startswith(tag + b" "):
            if line[len(tag) + 1 : len(tag) + 4].upper() != b"OK ":
                raise imaplib.IMAP4.error(f"UID FETCH {items} failed: {line[:200]!r}")
            return answers, announced
        if not line.startswith(b"* "):
            # Never quoted: out of step, this line could be part of a message.
            raise imaplib.IMAP4.abort(f"an unexpected line ({len(line)} bytes) in a FETCH answer")
        if line[2:6].upper() == b"BYE ":
            raise imaplib.IMAP4.abort(f"the server ended the session: {line[:200]!r}")
        pieces = [line]
        while line.endswith(b"}\r\n") and (literal := _LITERAL.search(line)):
            size = int(literal.group(1))
            data: bytes = imap.read(size)
            if len(data) != size:
                raise imaplib.IMAP4.abort("the connection closed inside a literal")
            line = _line(imap)
            pieces += (data, line)
        if len(pieces) == 1 and _EXISTS.match(line):
            announced = True
        else:
            answers.append(pieces)


def sizes(imap: Any, uids: Sequence[int]) -> Fetched[int]:
    found: dict[int, int] = {}
    answers, announced = _fetch(imap, uids, "(UID RFC822.SIZE)")
    for pieces in answers:
        # No literals in this answer: its text is the even pieces (just one, normally).
        text = b"".join(pieces[::2])
        uid, size = _UID.search(text), _SIZE.search(text)
        if uid and size and b" FETCH " in pieces[0]:
            found[int(uid.group(1))] = int(size.group(1))
    return Fetched(found, announced)


def bodies(imap: Any, uids: Sequence[int]) -> Fetched[bytes]:
    """UID -> raw message. ``BODY.PEEK[]`` never sets ``\\Seen``."""
    found: dict[int, bytes] = {}
    answers, announced = _fetch(imap, uids, "(UID BODY.PEEK[])")
    for pieces in answers:
        if len(pieces) < 3 or b" FETCH " not in pieces[0]:
            continue
        # Pieces alternate text, literal, text...: the body is the literal announced by
        # the text just before it ending in "BODY[] {n}"; the UID is in any text piece.
        body = next(
            (pieces[i + 1] for i in range(0, len(pieces) - 1, 2) if b"BODY[] {" in pieces[i]),
            None,
        )
        uid = next((m for p in pieces[::2] if (m := _UID.search(p))), None)
        if body is not None and uid is not None:
            found[int(uid.group(1))] = body
    return Fetched(found, announced)
