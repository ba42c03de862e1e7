"""A message's (or a MIME part's) header block: where it ends, and its fields.

Routing needs header fields, not bodies, and ``BytesHeaderParser`` (compat32)
alone took a quarter of the parse time: ``split_fields`` reads RFC 5322 field
syntax itself (values kept raw, as compat32 keeps them), with a quicker path for
blocks that are plainly well-formed. ``content_headers`` then hands the
standard library only the Content-* fields, for what is subtle there
(parameters, RFC 2231).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from email.message import Message

_CONTENT_FIELDS = ("content-type", "content-disposition", "content-transfer-encoding")
# RFC 5322 ftext: printable US-ASCII except the colon.
_FIELD_NAME = re.compile(r"[!-9;-~]+")
# A line break that starts a new field (not a continuation line).
_FIELD_START = re.compile(r"\r\n(?![ \t])")


def header_end(raw: bytes, start: int, end: int) -> tuple[int, int]:
    """(end of the header block, start of the body) of the entity in ``raw[start:end]``."""
    if raw.startswith(b"\r\n", start, end):
        return start, start + 2
    if raw.startswith(b"\n", start, end):
        return start, start + 1
    crlf = raw.find(b"\n\r\n", start, end)
    lf = raw.find(b"\n\n", start, crlf if crlf >= 0 else end)
    if lf >= 0:
        return lf + 1, lf + 2
    if crlf >= 0:
        return crlf + 1, crlf + 3
    return end, end


def content_headers(
    fields: Mapping[str, Sequence[str]], default_type: str = "text/plain"
) -> Message:
    """A header-only ``Message`` holding just the Content-* fields, for their parameters."""
    message = Message()
    message.set_default_type(default_type)
    for name in _CONTENT_FIELDS:
        values = fields.get(name)
        if values:
            message[name] = values[0]
    return message


def split_fields(block: bytes) -> tuple[dict[str, list[str]], list[str]]:
    """Header fields by lower-case name (raw values, as compat32 keeps them), and defects.

    RFC 5322 field syntax: ``name: value`` with continuation lines starting with
    white space. A line that is neither is recorded as a defect and skipped
    (the standard library would end the header block there instead).
    """
    text = block.decode("ascii", "surrogateescape")
    return _plain_fields(text) or _split_lines(text)


def _plain_fields(text: str) -> tuple[dict[str, list[str]], list[str]] | None:
    """``_split_lines`` of a block that is plainly well-formed, quicker; else None.

    Plainly well-formed: every line ends in CRLF, there is no other CR or LF, each
    line is a field or the continuation of one, and each name is ftext.
    """
    lines = text.count("\r\n")
    if not lines or not text.endswith("\r\n") or text.count("\n") != lines:
        return None
    if text.count("\r") != lines or text[0] in " \t":
        return None
    text = text[:-2]
    folded = "\r\n " in text or "\r\n\t" in text
    fields: dict[str, list[str]] = {}
    names: list[str] = []
    # A field with its continuation lines, joined by CRLF as the line loop joins them.
    for entry in _FIELD_START.split(text) if folded else text.split("\r\n"):
        name, colon, value = entry.partition(":")
        name = name.rstrip(" \t")
        if not colon or not name:
            return None
        names.append(name)
        name = name.lower()
        value = value.lstrip(" \t")
        if name in fields:
            fields[name].append(value)
        else:
            fields[name] = [value]
    # Every name ftext: printable ASCII but the space (a colon cannot be in one).
    every = "".join(names)
    if not (every.isascii() and every.isprintable()) or " " in every:
        return None
    return fields, []


def _split_lines(text: str) -> tuple[dict[str, list[str]], list[str]]:
    fields: dict[str, list[str]] = {}
    defects: list[str] = []
    name: str | None = None
    value: list[str] = []
    for raw_line in text.split("\n"):
        line = raw_line.removesuffix("\r")
        if not line:
            continue
        if line[0] in " \t":
            if name is None:
                defects.append("continuation line without a field")
            else:
                value.append(line)
            continue
        if name is not None:
            fields.setdefault(name, []).append("\r\n".join(value))
        key, colon, rest = line.partition(":")
        key = key.rstrip(" \t")
        if colon and _FIELD_NAME.fullmatch(key):
            name, value = key.lower(), [rest.lstrip(" \t")]
        else:
            name = None
            if fields or not line.startswith("From "):
                defects.append("line in the header block that is not a field")
    if name is not None:
        fields.setdefault(name, []).append("\r\n".join(value))
    return fields, defects
