"""The text a classifier sees, and the evidence spans it points back into.

Quoted reply text (``>`` lines, an ``On ... wrote:`` tail, an Outlook
``Original Message`` or ``From:/Sent:`` tail) is usually the council's own
words or an older message: it is *masked* with spaces rather than cut out, so
every offset found in the masked body is also an offset into the real body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

# Hostile input can be huge; the first part of a message is where a request or
# a threat is made, and bounded input keeps every regex pass cheap.
MAX_CHARS = 20_000

# Same-length substitutions only, so offsets survive normalisation.
_NORMALISE = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "}
)

_QUOTED_LINE = re.compile(r"^[ \t]*>[^\n]*", re.MULTILINE)
_REPLY_TAILS = (
    # Gmail, Apple Mail, Thunderbird: "On <date>, <name> wrote:" (sometimes wrapped once).
    re.compile(r"^[ \t]*On\b[^\n]{0,300}(?:\n[^\n]{0,300})?\bwrote:[ \t]*$", re.MULTILINE),
    re.compile(r"^[ \t]*-{2,}[ \t]*Original Message[ \t]*-{2,}", re.MULTILINE | re.IGNORECASE),
)
# Outlook puts a header block above quoted mail in replies *and* forwards; a
# forward's content is the point of the message, so this tail is only cut in replies.
_OUTLOOK_HEADER = re.compile(r"^[ \t]*From:[^\n]*\n[ \t]*(?:Sent|Date):", re.MULTILINE)
_FORWARD_SUBJECT = re.compile(r"^\s*(?:fwd?|fw)\s*:", re.IGNORECASE)


class Field(StrEnum):
    SENDER = "sender"
    SUBJECT = "subject"
    BODY = "body"


@dataclass(frozen=True, slots=True)
class MessageText:
    """What the classifier reads: the sender's address, the subject, the plain-text body."""

    sender: str
    subject: str
    body: str

    def field(self, name: Field) -> str:
        if name is Field.SENDER:
            return self.sender
        return self.subject if name is Field.SUBJECT else self.body


@dataclass(frozen=True, slots=True)
class Span:
    """Characters ``[start, end)`` of one field of the message: the evidence for a hit."""

    field: Field
    start: int
    end: int

    def text(self, message: MessageText) -> str:
        return message.field(self.field)[self.start : self.end]


def _blank(text: str, start: int, end: int) -> str:
    """Replace ``text[start:end]`` with spaces, keeping newlines so lines still line up."""
    middle = re.sub(r"[^\n]", " ", text[start:end])
    return text[:start] + middle + text[end:]


def mask_quoted(body: str, subject: str = "") -> str:
    """``body`` with quoted reply text replaced by spaces (same length, same offsets)."""
    masked = body.translate(_NORMALISE)
    tails = list(_REPLY_TAILS)
    if not _FORWARD_SUBJECT.match(subject):
        tails.append(_OUTLOOK_HEADER)
    cut = len(masked)
    for pattern in tails:
        match = pattern.search(masked)
        if match:
            cut = min(cut, match.start())
    masked = _blank(masked, cut, len(masked))
    # The pattern never spans a newline, so equal-length spaces keep every offset.
    return _QUOTED_LINE.sub(lambda match: " " * len(match.group()), masked)


def prepared_fields(message: MessageText) -> dict[Field, str]:
    """Each field as the detectors scan it: normalised, bounded, quotes masked."""
    return {
        Field.SENDER: message.sender[:512].translate(_NORMALISE),
        Field.SUBJECT: message.subject[:1000].translate(_NORMALISE),
        Field.BODY: mask_quoted(message.body[:MAX_CHARS], message.subject),
    }


def live_text(fields: dict[Field, str]) -> str:
    """Subject and unquoted body as one string for the models (offsets not needed there)."""
    body = " ".join(fields[Field.BODY].split())
    return f"{fields[Field.SUBJECT]}\n{body}".strip()
