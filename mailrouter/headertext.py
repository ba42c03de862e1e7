"""Header text made safe to store and show: decoded, valid Unicode, no control characters.

Header values are hostile input. They may hold raw 8-bit bytes (kept by compat32
as surrogates), RFC 2047 encoded words naming charsets that do not exist, NUL
bytes PostgreSQL refuses, or terminal escape sequences. Everything stored from
a header goes through ``display`` first.
"""

from __future__ import annotations

import re
from email.errors import HeaderParseError
from email.header import Header, decode_header

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_FOLD = re.compile(r"\r?\n[ \t]*")


def unescape(value: str | Header) -> str:
    """The header's text with raw 8-bit bytes read as UTF-8 (or replaced)."""
    if isinstance(value, Header):
        value = str(value)
    if value.isascii():
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        # Raw 8-bit bytes, kept by compat32 as surrogates: most senders meant UTF-8.
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return value


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words; anything undecodable is replaced, never raised."""
    value = _FOLD.sub(" ", value)
    if "=?" not in value:
        return value
    try:
        chunks = decode_header(value)
    except (HeaderParseError, ValueError, UnicodeError):
        return value
    out: list[str] = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            out.append(chunk)
            continue
        try:
            # decode_header encodes the plain text between encoded words this way.
            out.append(chunk.decode(charset or "raw-unicode-escape", "replace"))
        except LookupError:
            out.append(chunk.decode("utf-8", "replace"))
    return "".join(out)


def display(value: str | Header | None, limit: int = 2000) -> str:
    """Decoded, cleaned of control characters, at most ``limit`` characters."""
    if value is None:
        return ""
    if type(value) is str and (plain := _plain_display(value, limit)) is not None:
        return plain
    text = unescape(value)
    # Decoding is linear at best (quadratic inside decode_header): decode only what can
    # be shown. Encoded words shrink when decoded, so 8 x limit is always enough.
    if len(text) > limit * 8:
        # Cut at a blank, not inside an encoded word; nothing at all if it is all blanks.
        text = next(iter(text[: limit * 8].rsplit(None, 1)), "")
    text = decode_words(text)
    text = _CONTROL.sub("", text.replace("\t", " ")).strip()
    return text[:limit]


def clean(value: str, limit: int) -> str:
    """No decoding, just safe to store: valid Unicode, no NUL or control bytes, bounded."""
    plain = _plain_clean(value, limit)
    if plain is not None:
        return plain
    text = unescape(value).encode("utf-8", "replace").decode("utf-8")
    return _CONTROL.sub("", _FOLD.sub(" ", text)).strip()[:limit]


# Most header values are printable ASCII (tabs aside), which neither decoding nor
# cleaning changes but for the tabs and the outer white space: these give what the
# general code gives for such values, without its regular expressions, and None for
# any other (tests/unit/test_parse_equivalence.py).


def _plain_display(value: str, limit: int) -> str | None:
    if not value.isascii() or len(value) > limit * 8 or "=?" in value:
        return None
    plain = value.replace("\t", " ") if "\t" in value else value
    return plain.strip()[:limit] if plain.isprintable() else None


def _plain_clean(value: str, limit: int) -> str | None:
    if not value.isascii():
        return None
    if value.isprintable() or value.replace("\t", " ").isprintable():
        return value.strip()[:limit]
    return None
