"""Bulk ``UID FETCH`` through imaplib, underneath imapclient.

Why: imapclient parses every FETCH response with a pure-Python lexer, which for
bulk bodies costs about 2.5 times what imaplib's own literal handling does
(BASELINES.md: 6,872 against 17,958 messages a second), and ingestion fetches
every message once. Everything else (connecting, TLS, LOGIN, ENABLE, EXAMINE,
SEARCH, IDLE) stays with imapclient. The two fetches made here, ``(UID
RFC822.SIZE)`` and ``(UID BODY.PEEK[])``, have a fixed, simple answer, read
with two regular expressions; anything else in the answer (unsolicited FLAGS,
MODSEQ under CONDSTORE) is ignored. This uses ``IMAPClient._imap``, the
``imaplib.IMAP4`` object imapclient wraps (tested in tests/contract).
"""

from __future__ import annotations

import imaplib
import re
from collections.abc import Sequence
from typing import Any

_UID = re.compile(rb"\bUID (\d+)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")


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


def _fetch(imap: Any, uids: Sequence[int], items: str) -> list[Any]:
    # Untagged EXISTS/RECENT answers pile up in imaplib between SELECTs; nothing reads them.
    imap.untagged_responses.clear()
    # imapclient sets imaplib's debug level to 5, at which imaplib formats the repr of
    # every response, bodies included, for a debug log nobody reads: 40 % of a bulk fetch.
    # It also keeps message bytes out of any protocol log.
    level, imap.debug = imap.debug, 0
    try:
        typ, data = imap.uid("FETCH", uid_set(uids), items)
    finally:
        imap.debug = level
    if typ != "OK":
        raise imaplib.IMAP4.error(f"UID FETCH {items} failed: {data!r}"[:300])
    return [item for item in data if item is not None]


def sizes(imap: Any, uids: Sequence[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    for item in _fetch(imap, uids, "(UID RFC822.SIZE)"):
        line = item[0] if isinstance(item, tuple) else item
        uid, size = _UID.search(line), _SIZE.search(line)
        if uid and size:
            found[int(uid.group(1))] = int(size.group(1))
    return found


def bodies(imap: Any, uids: Sequence[int]) -> dict[int, bytes]:
    """UID -> raw message. ``BODY.PEEK[]`` never sets ``\\Seen``."""
    found: dict[int, bytes] = {}
    pending: bytes | None = None
    for item in _fetch(imap, uids, "(UID BODY.PEEK[])"):
        if isinstance(item, tuple):
            prefix, literal = item[0], item[1]
            uid = _UID.search(prefix)
            if uid and b"BODY[]" in prefix:
                found[int(uid.group(1))] = literal
                pending = None
            else:
                pending = literal if b"BODY[]" in prefix else None
        elif pending is not None and (uid := _UID.search(item)):
            # The UID came after the literal: "* 3 FETCH (BODY[] {n}...  UID 7)".
            found[int(uid.group(1))] = pending
            pending = None
    return found
