"""Raw bytes -> ``ParsedMessage``: the stored record's fields, with the limits checked. Pure.

Routing needs headers, not bodies, so this splits the header block into fields
(``headerblock.split_fields``: RFC 5322 syntax, values kept raw as compat32 keeps
them) and reads the MIME shape with ``mimescan``'s bounded scan; bodies are
never decoded here. Measured on 3.5 KB messages: ``BytesHeaderParser`` (compat32)
alone took a quarter of the parse time and the splitter a fifth of that; the
standard library is still used for what is subtle (parameters, RFC 2047 words,
addresses, dates).
``parse`` never raises: a message over a limit, or one that cannot be read at
all, comes back with ``quarantine_reason`` set (and whatever fields could be
read), so ingestion stores it raw in quarantine and carries on.

Everything taken from a header is decoded, stripped of control characters and
cut to its column's length (``headertext``): headers are hostile input.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from mailrouter import recipients
from mailrouter.config import LimitSettings
from mailrouter.headerblock import header_end, split_fields
from mailrouter.headertext import clean, display
from mailrouter.maildates import parse_date, received_date
from mailrouter.mimescan import (
    AttachmentInfo,
    LimitExceeded,
    Limits,
    Structure,
    scan_fields,
)
from mailrouter.recipients import ParsedAddress

# A header block larger than this is not mail anyone wrote; parsing it is cut short.
MAX_HEADER_BYTES = 1024 * 1024
# At least one of these makes a header block look like mail rather than any text.
MAIL_FIELDS = frozenset(
    {
        "from",
        "to",
        "cc",
        "date",
        "subject",
        "message-id",
        "received",
        "mime-version",
        "content-type",
        "delivered-to",
        "return-path",
        "sender",
        "reply-to",
    }
)
# Headers later steps may want (auto-replies, lists, bounces), kept in the record.
KEPT_HEADERS = (
    "auto-submitted",
    "precedence",
    "list-id",
    "list-unsubscribe",
    "x-auto-response-suppress",
    "x-autoreply",
    "x-autorespond",
    "return-path",
    "sender",
    "content-type",
    "x-mailer",
    "user-agent",
    "importance",
    "x-priority",
    "x-spam-flag",
)


@dataclass(frozen=True, slots=True)
class ParsedMessage:
    raw_sha256: str
    body_sha256: str
    size: int
    message_id: str | None
    sender: str | None  # the normalised From: address
    sender_name: str | None
    addresses: tuple[ParsedAddress, ...]
    subject: str
    date: datetime | None  # the Date: header (the sender's claim)
    received_at: datetime | None  # the newest Received: header (our own server's clock)
    in_reply_to: str | None
    references: str | None
    authentication_results: str | None  # the topmost one: added by the receiving server
    headers: Mapping[str, str]
    attachments: tuple[AttachmentInfo, ...]
    parts: int
    depth: int
    defects: tuple[str, ...]
    quarantine_reason: str | None
    parse_ms: float

    @property
    def recipients(self) -> tuple[str, ...]:
        return tuple(a.address for a in self.addresses if a.role not in ("from", "reply-to"))


@dataclass(slots=True)
class _HeaderFields:
    message_id: str | None
    sender: ParsedAddress | None
    addresses: tuple[ParsedAddress, ...]
    subject: str
    date: datetime | None
    received_at: datetime | None
    in_reply_to: str | None
    references: str | None
    authentication_results: str | None
    headers: Mapping[str, str]


# The shape of a message that was not scanned (quarantined before its MIME was read).
_UNSCANNED = Structure(parts=1, depth=1, attachments=(), attachment_count=0, defects=())


def parse(
    raw: bytes,
    limits: LimitSettings,
    *,
    fold_subaddress: bool = False,
    clock: Callable[[], float] = time.monotonic,
) -> ParsedMessage:
    """Parse ``raw``; never raises (a failure is a ``quarantine_reason``)."""
    started = clock()
    view = memoryview(raw)
    header_stop, body_start = header_end(raw, 0, len(raw))
    top, fields, defects, reasons = _read_headers(raw, header_stop, limits, fold_subaddress)
    shape = _UNSCANNED
    if not reasons:
        bounds = Limits(
            limits.max_parts,
            limits.max_mime_depth,
            started + limits.parse_timeout_seconds,
            limits.parse_timeout_seconds,
            clock,
        )
        shape, problem = _scan(raw, top, body_start, bounds)
        reasons.extend(problem)
    return ParsedMessage(
        raw_sha256=hashlib.sha256(view).hexdigest(),
        body_sha256=hashlib.sha256(view[body_start:]).hexdigest(),
        size=len(raw),
        message_id=fields.message_id,
        sender=fields.sender.address if fields.sender else None,
        sender_name=fields.sender.display_name if fields.sender else None,
        addresses=fields.addresses,
        subject=fields.subject,
        date=fields.date,
        received_at=fields.received_at,
        in_reply_to=fields.in_reply_to,
        references=fields.references,
        authentication_results=fields.authentication_results,
        headers=fields.headers,
        attachments=shape.attachments,
        parts=shape.parts,
        depth=shape.depth,
        defects=tuple(defects) + shape.defects,
        quarantine_reason="; ".join(reasons) or None,
        parse_ms=(clock() - started) * 1000.0,
    )


def _read_headers(
    raw: bytes, header_stop: int, limits: LimitSettings, fold_subaddress: bool
) -> tuple[Mapping[str, Sequence[str]], _HeaderFields, list[str], list[str]]:
    """The top-level header fields, the record's fields, defects and quarantine reasons."""
    try:
        fields, defects = split_fields(raw[: min(header_stop, MAX_HEADER_BYTES)])
        reasons = _size_problems(raw, header_stop, fields, limits)
        return fields, _fields(fields, fold_subaddress), defects, reasons
    # Hostile input: any failure here quarantines the message and never propagates.
    except Exception as exc:
        reason = f"unreadable headers: {type(exc).__name__}: {exc}"
        return {}, _fields({}, fold_subaddress), [], [reason]


def _scan(
    raw: bytes, headers: Mapping[str, Sequence[str]], body_start: int, bounds: Limits
) -> tuple[Structure, list[str]]:
    try:
        return scan_fields(raw, headers, body_start, bounds), []
    except LimitExceeded as exc:
        return _UNSCANNED, [str(exc)]
    # As above: a scan failure is a quarantine reason, not a crash.
    except Exception as exc:
        return _UNSCANNED, [f"unreadable MIME structure: {type(exc).__name__}: {exc}"]


def _size_problems(
    raw: bytes, header_stop: int, fields: Mapping[str, object], limits: LimitSettings
) -> list[str]:
    if not raw or raw.isspace():  # as ``not raw.strip()``, without copying the message
        return ["empty message"]
    problems = []
    if len(raw) > limits.max_message_bytes:
        problems.append(
            f"message is {len(raw)} bytes, over the limit of {limits.max_message_bytes} "
            "(limits.max_message_bytes)"
        )
    if header_stop > MAX_HEADER_BYTES:
        problems.append(f"header section is over {MAX_HEADER_BYTES} bytes")
    if MAIL_FIELDS.isdisjoint(fields):
        problems.append("not an e-mail message: none of the usual header fields")
    return problems


def _first(fields: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = fields.get(name)
    return values[0] if values else None


def _optional(fields: Mapping[str, Sequence[str]], name: str, limit: int) -> str | None:
    value = _first(fields, name)
    return (clean(value, limit) or None) if value is not None else None


def _fields(fields: Mapping[str, Sequence[str]], fold_subaddress: bool) -> _HeaderFields:
    addresses = recipients.extract(fields, fold_subaddress=fold_subaddress)
    kept = {name: display(fields[name][0], 1000) for name in KEPT_HEADERS if name in fields}
    return _HeaderFields(
        message_id=_optional(fields, "message-id", 998),
        # ``extract`` lists From: addresses first (ROLES order): the first one, if any.
        sender=addresses[0] if addresses and addresses[0].role == "from" else None,
        addresses=addresses,
        subject=display(_first(fields, "subject"), 4000),
        date=parse_date(_first(fields, "date")),
        received_at=received_date(_first(fields, "received")),
        in_reply_to=_optional(fields, "in-reply-to", 4000),
        references=_optional(fields, "references", 20000),
        authentication_results=_optional(fields, "authentication-results", 8000),
        # A plain dict (typed read-only): parsed records cross to the parsing process.
        headers=kept,
    )
