"""A bounded structural scan of MIME: parts, depth and attachments, without decoding bodies.

Why not ``email.message_from_bytes``: a full parse is 15-35 times slower than
fetching (BASELINES.md), builds every part in memory, and has inputs that take
seconds (flanker's ``enclosed-endless.eml``); and the standard library has no way
to stop it part-way. Ingestion needs only the shape of a message: how many
parts, how deep, which are attachments. So this module walks boundary lines
with ``bytes.find`` over offsets into the one raw buffer (no copies of bodies),
with an explicit stack (no recursion limit to hit), and checks the part and
depth limits as it goes and a monotonic deadline once per entity and every few
hundred boundary candidates. Each entity costs time linear in its own size, so
a whole scan is bounded by depth x size and stops at the first limit crossed:
this is why the parse time limit can be enforced in-process, without a worker
pool, and cannot hang the fetcher.

Sizes reported for attachments are encoded sizes (as sent), not decoded ones.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import Message
from email.utils import collapse_rfc2231_value

from mailrouter.headerblock import content_headers, header_end, split_fields
from mailrouter.headertext import display

# More entries than this are counted but not listed: the summary is for people.
MAX_ATTACHMENTS_LISTED = 100
_CHECK_EVERY = 256
_OPAQUE_ENCODINGS = frozenset({"base64", "quoted-printable"})


class LimitExceeded(Exception):
    """The message crossed a configured limit; the text is the quarantine reason."""


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    filename: str
    content_type: str
    size: int
    disposition: str

    def as_json(self) -> dict[str, object]:
        return {
            "filename": self.filename,
            "content_type": self.content_type,
            "size": self.size,
            "disposition": self.disposition,
        }


@dataclass(frozen=True, slots=True)
class Structure:
    parts: int
    depth: int
    attachments: tuple[AttachmentInfo, ...]
    attachment_count: int
    defects: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Limits:
    max_parts: int
    max_depth: int
    deadline: float
    timeout_seconds: float
    clock: Callable[[], float] = time.monotonic


@dataclass
class _Walk:
    raw: bytes
    limits: Limits
    parts: int = 1
    depth: int = 1
    attachments: list[AttachmentInfo] = field(default_factory=list)
    attachment_count: int = 0
    defects: list[str] = field(default_factory=list)

    def check_time(self) -> None:
        _check_time(self.limits)


def _check_time(limits: Limits) -> None:
    if limits.clock() > limits.deadline:
        raise LimitExceeded(
            f"parsing took longer than {limits.timeout_seconds:g} s (limits.parse_timeout_seconds)"
        )


def scan_fields(
    raw: bytes, fields: Mapping[str, Sequence[str]], body_start: int, limits: Limits
) -> Structure:
    """``scan`` of a message whose top-level header fields are ``fields``.

    Most messages are one part of text, neither an attachment nor named: that is
    read from the raw Content-Type alone, as ``scan`` would read it, without
    building the ``Message`` that ``scan`` asks its parameters of.
    """
    if _plain_leaf(fields):
        _check_time(limits)
        return _ONE_PART
    return scan(raw, content_headers(fields), body_start, limits)


_ONE_PART = Structure(parts=1, depth=1, attachments=(), attachment_count=0, defects=())


def _plain_leaf(fields: Mapping[str, Sequence[str]], default: str = "text/plain") -> bool:
    """Whether ``scan`` would see a leaf without a disposition or a name in ``fields``."""
    if fields.get("content-disposition"):
        return False
    values = fields.get("content-type")
    if not values:
        return default == "text/plain"  # message/rfc822 in a digest
    value = values[0]
    if not value.isascii():
        return False
    value = value.lower()
    if "name" in value:
        return False
    # As Message.get_content_type reads it: the part before any parameters.
    ctype = value.partition(";")[0].strip()
    if ctype.count("/") != 1:
        return True  # text/plain again
    return ctype != "message/rfc822" and not ctype.startswith("multipart/")


def scan(raw: bytes, top: Message, body_start: int, limits: Limits) -> Structure:
    """Walk the MIME tree of ``raw`` whose top-level headers are ``top``."""
    walk = _Walk(raw, limits)
    # None for a part known to be a plain leaf (``_plain_leaf``): nothing to note.
    stack: list[tuple[Message | None, int, int, int]] = [(top, body_start, len(raw), 1)]
    while stack:
        walk.check_time()
        headers, start, end, depth = stack.pop()
        if headers is None:
            continue
        children = _children(walk, headers, start, end)
        if children is None:
            _note_leaf(walk, headers, start, end)
            continue
        if depth + 1 > limits.max_depth:
            raise LimitExceeded(
                f"MIME nesting deeper than {limits.max_depth} (limits.max_mime_depth)"
            )
        walk.depth = max(walk.depth, depth + 1)
        digest = headers.get_content_type() == "multipart/digest"
        default = "message/rfc822" if digest else "text/plain"
        for child_start, child_end in reversed(children):
            block_end, child_body = header_end(raw, child_start, child_end)
            fields, _ = split_fields(raw[child_start:block_end])
            child = None if _plain_leaf(fields, default) else content_headers(fields, default)
            stack.append((child, child_body, child_end, depth + 1))
    return Structure(
        parts=walk.parts,
        depth=walk.depth,
        attachments=tuple(walk.attachments),
        attachment_count=walk.attachment_count,
        defects=tuple(walk.defects),
    )


def _children(walk: _Walk, headers: Message, start: int, end: int) -> list[tuple[int, int]] | None:
    """The child entities' ranges, or None for a leaf."""
    ctype = headers.get_content_type()
    if ctype == "message/rfc822":
        encoding = str(headers.get("content-transfer-encoding", "")).strip().lower()
        if encoding in _OPAQUE_ENCODINGS:
            return None
        _note_attachment(walk, headers, start, end)
        walk.parts += 1
        _check_parts(walk)
        return [(start, end)]
    if headers.get_content_maintype() != "multipart":
        return None
    boundary = headers.get_boundary()
    if not boundary:
        walk.defects.append("multipart without a boundary")
        return None
    children = _split(walk, boundary.encode("ascii", "surrogateescape"), start, end)
    if not children:
        walk.defects.append("multipart without any part")
        return None
    return children


def _check_parts(walk: _Walk) -> None:
    if walk.parts > walk.limits.max_parts:
        raise LimitExceeded(f"more than {walk.limits.max_parts} MIME parts (limits.max_parts)")


def _split(walk: _Walk, boundary: bytes, start: int, end: int) -> list[tuple[int, int]]:
    raw = walk.raw
    delimiter = b"--" + boundary
    found: list[tuple[int, int]] = []
    part_start: int | None = None
    position, candidates = start, 0
    while (index := raw.find(delimiter, position, end)) >= 0:
        candidates += 1
        if candidates % _CHECK_EVERY == 0:
            walk.check_time()
        after = index + len(delimiter)
        line_end = raw.find(b"\n", after, end)
        line_end = end if line_end < 0 else line_end
        closing = raw.startswith(b"--", after, line_end)
        at_line_start = index == start or raw[index - 1 : index] == b"\n"
        padding = raw[after + (2 if closing else 0) : line_end]
        if not at_line_start or padding.strip(b" \t\r"):
            position = after
            continue
        if part_start is not None:
            # The line break before a delimiter belongs to the delimiter (RFC 2046 5.1.1).
            part_end = index - 1 if index > part_start else index
            if part_end > part_start and raw[part_end - 1 : part_end] == b"\r":
                part_end -= 1
            found.append((part_start, max(part_start, part_end)))
            walk.parts += 1
            _check_parts(walk)
        if closing:
            return found
        part_start = position = min(line_end + 1, end)
    if part_start is not None:
        walk.defects.append("missing closing boundary")
        found.append((part_start, end))
        walk.parts += 1
        _check_parts(walk)
    return found


def _note_leaf(walk: _Walk, headers: Message, start: int, end: int) -> None:
    disposition, ctype = headers.get("content-disposition"), headers.get("content-type")
    # Most leaves are plain text with neither a disposition nor a name: skip parameter parsing.
    if disposition is None and "name" not in str(ctype or "").lower():
        return
    if headers.get_content_disposition() == "attachment" or _filename(headers):
        _note_attachment(walk, headers, start, end)


def _filename(headers: Message) -> str:
    name = headers.get_filename() or headers.get_param("name")
    if not name:
        return ""
    return name if isinstance(name, str) else collapse_rfc2231_value(name)


def _note_attachment(walk: _Walk, headers: Message, start: int, end: int) -> None:
    walk.attachment_count += 1
    if len(walk.attachments) >= MAX_ATTACHMENTS_LISTED:
        return
    walk.attachments.append(
        AttachmentInfo(
            filename=display(_filename(headers), limit=500),
            content_type=display(headers.get_content_type(), limit=200),
            size=max(0, end - start),
            disposition=headers.get_content_disposition() or "inline",
        )
    )
