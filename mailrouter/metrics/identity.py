"""Identifying traits in one message: phone numbers, the sender's name and signature block.

Pure: text in, small keys out. Only the sender's own words count: quoted replies
and forwarded blocks are cut first, so a council phone number or an officer's
signature quoted back to us is not read as the sender's. The keys are what the
alias check looks up by index (``sender_traits``), so none of them needs the
message history to compute.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from mailrouter.errors import PolicyError
from mailrouter.register.records import name_key, phone_key

# Most people sign with one or two numbers; more is a list, not an identity.
MAX_PHONES = 3
# Characters of a message's own text that are read at all (bounds the work).
MAX_OWN_CHARS = 4000
SIGNATURE_LINES = 6
# A signature this short is usually just a first name, shared by many people.
MIN_SIGNATURE_CHARS = 20

_PHONE = re.compile(r"(?<![\d+])(?:\+44\s?\(0\)\s?|\+44\s?|0)\d(?:[\s-]?\d){8,9}(?!\d)")
_QUOTE_START = re.compile(
    r"^(?:On .{0,200} wrote:|-{2,}\s*Original Message\s*-{2,}|-{2,}\s*Forwarded message\s*-{2,}"
    r"|From: .+|Sent from my .+)\s*$",
    re.IGNORECASE,
)
_SIGN_OFF = re.compile(
    r"^(?:(?:kind|best|warm|many)?\s*(?:regards|wishes|thanks)|thank you|yours"
    r"(?: sincerely| faithfully| truly)?|sincerely|cheers)[,.!]?$",
    re.IGNORECASE,
)
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "sir", "dame"})


@dataclass(frozen=True, slots=True)
class Traits:
    phones: frozenset[str]
    name: str | None
    signature: str | None  # a hash of the normalised block, never the text itself

    def pairs(self) -> list[tuple[str, str]]:
        found = [("phone", p) for p in sorted(self.phones)]
        if self.name:
            found.append(("name", self.name))
        if self.signature:
            found.append(("signature", self.signature))
        return found


def own_text(text: str) -> str:
    """The sender's own words: everything before a quoted reply or forwarded message."""
    kept: list[str] = []
    for line in text[:MAX_OWN_CHARS].splitlines():
        stripped = line.strip()
        if stripped.startswith(">"):
            continue
        if _QUOTE_START.match(stripped):
            break
        kept.append(line.rstrip())
    return "\n".join(kept).strip()


def person_name(display_name: str) -> str | None:
    """A display name as a matching key: case, titles and punctuation ignored."""
    words = re.sub(r"[^\w\s'-]", " ", display_name).split()
    words = [w for w in words if w.casefold().strip(".") not in _TITLES]
    # One word ("Dave", "Housing") says too little about who someone is.
    if len(words) < 2 or any(ch.isdigit() for w in words for ch in w):
        return None
    return name_key(" ".join(words))


def phones(text: str) -> frozenset[str]:
    found: set[str] = set()
    for match in _PHONE.finditer(text):
        try:
            # "+44 (0)7700 ..." writes the national 0 as well as the country code.
            found.add(phone_key(match.group().replace("(0)", "")))
        except PolicyError:
            continue
        if len(found) >= MAX_PHONES:
            break
    return frozenset(found)


def _signature_start(lines: list[str]) -> int | None:
    start = None
    for i, line in enumerate(lines):
        if line == "--" or _SIGN_OFF.match(line):
            start = i
    return start


def body_text(own: str) -> str:
    """The own words without the sign-off and signature, which repeat in all of one's mail."""
    lines = own.splitlines()
    start = _signature_start([line.strip() for line in lines])
    return "\n".join(lines[:start]).strip() if start is not None else own


def signature_block(own: str) -> str | None:
    """The lines after a sign-off or a ``-- `` delimiter, normalised; None when there is none."""
    lines = [line.strip() for line in own.splitlines()]
    start = _signature_start(lines)
    if start is None:
        return None
    # Spacing and punctuation vary between mail clients ("07700 900123", "07700-900-123").
    block = [re.sub(r"[\W_]+", "", line.casefold()) for line in lines[start + 1 :]]
    block = [line for line in block if line]
    text = "\n".join(block[:SIGNATURE_LINES])
    return text if len(text) >= MIN_SIGNATURE_CHARS and len(block) >= 2 else None


def traits(own: str, display_name: str) -> Traits:
    """The traits of a message from its own words (see ``own_text``) and display name."""
    block = signature_block(own)
    digest = hashlib.sha256(block.encode()).hexdigest()[:32] if block else None
    return Traits(phones(own), person_name(display_name), digest)
