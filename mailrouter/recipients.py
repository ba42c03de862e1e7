"""Every address on a message, from its headers, normalised for matching.

``addresses.normalize`` is the definition of a matching key; this module only
adds a fast path for the plain ASCII ``local@domain`` that nearly all mail
carries (it gives the same key, see tests/unit/test_parsing.py), because
``email.utils`` address parsing dominates header-only parsing otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.utils import getaddresses

from mailrouter.addresses import try_normalize
from mailrouter.headertext import display, unescape

MAX_ADDRESSES = 500
ROLES = (
    # First: the sender is the first address, if it has the "from" role (parsing).
    ("from", "from"),
    ("to", "to"),
    ("cc", "cc"),
    ("bcc", "bcc"),
    ("reply-to", "reply-to"),
    # Where the receiving server records the envelope recipient.
    ("delivered-to", "envelope-to"),
    ("x-original-to", "envelope-to"),
    ("envelope-to", "envelope-to"),
)
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_PLAIN = re.compile(
    rf"{_ATOM}(?:\.{_ATOM})*@(?:[A-Za-z0-9-]{{1,63}}\.)*[A-Za-z0-9-]{{1,63}}\.?", re.ASCII
)
# One address, or one "Display Name <address>" with a plain or plainly quoted name,
# read without email.utils. These once were
#   \s*<?(A+@A+)>?\s*
#   \s*(?:"([^"\\]*)"|([^"\\,;:<>@()\[\]]*?))\s*<(A+@A+)>\s*
# (A: [^\s<>,;:"()\[\]\\]), whose backtracking took time quadratic in a hostile value
# (17 s for 40 KB of "a@a@...a@ x", 50 s for a name of 100 KB of blanks). The forms
# below cannot backtrack into a run they have read (possessive and atomic), so they
# take linear time; they match what those matched, with the same address and a name
# that may keep the blanks before "<", which collapsing drops anyway
# (tests/unit/test_parse_equivalence.py).
_A = r'[^\s<>,;:"()\[\]\\]'
_NAME = r'\s*+(?:"([^"\\]*)"|([^"\\,;:<>@()\[\]]*+))\s*+'
_SIMPLE_VALUE = re.compile(rf"\s*+<?((?>{_A}+@{_A}+))>?\s*")
_NAMED_VALUE = re.compile(rf"{_NAME}<((?>{_A}+@{_A}+))>\s*")
# The two again with an address normalise reads as plain (its characters are a
# subset of A's): what _pairs and normalise read alike, in one match.
_SIMPLE_PLAIN = re.compile(rf"\s*+<?((?>{_PLAIN.pattern}))>?\s*")
_NAMED_PLAIN = re.compile(rf"{_NAME}<((?>{_PLAIN.pattern}))>\s*")


@dataclass(frozen=True, slots=True)
class ParsedAddress:
    role: str  # from, to, cc, bcc, reply-to or envelope-to
    address: str  # normalised (addresses.normalize)
    display_name: str | None


def normalise(address: str, *, fold_subaddress: bool) -> str | None:
    """``addresses.try_normalize``, quicker for plain ASCII addresses."""
    if _PLAIN.fullmatch(address):
        return _plain_key(address, fold_subaddress)
    return try_normalize(address, fold_subaddress=fold_subaddress)


def _plain_key(address: str, fold_subaddress: bool) -> str | None:
    local, _, domain = address.rpartition("@")
    local = local.lower()
    if fold_subaddress and "+" in local:
        local = local.split("+", 1)[0]
    return f"{local}@{domain.rstrip('.').lower()}" if local else None


def _plain_pair(value: str, fold_subaddress: bool) -> tuple[str, str | None] | None:
    """(name, key) of one plain ASCII value as ``_pairs`` and ``normalise`` give them, or None.

    ``_SIMPLE_PLAIN`` matches only what ``_SIMPLE_VALUE`` matches, with the same address;
    ``_NAMED_PLAIN`` only what ``_NAMED_VALUE`` matches, with the same groups, and what
    ``_SIMPLE_VALUE`` does not (but ``<address>``, a pair without a name either way).
    """
    if not value.isascii():
        return None
    if simple := _SIMPLE_PLAIN.fullmatch(value):
        return "", _plain_key(simple.group(1), fold_subaddress)
    if named := _NAMED_PLAIN.fullmatch(value):
        quoted, plain, address = named.groups()
        return _name(quoted, plain), _plain_key(address, fold_subaddress)
    return None


def _name(quoted: str | None, plain: str) -> str:
    # As email.utils does: quoted names verbatim, plain ones with spaces collapsed.
    return quoted if quoted is not None else " ".join(plain.split())


def _pairs(values: Sequence[str]) -> list[tuple[str, str]]:
    if len(values) == 1:
        value = values[0] if values[0].isascii() else unescape(values[0])
        if simple := _SIMPLE_VALUE.fullmatch(value):
            return [("", simple.group(1))]
        if named := _NAMED_VALUE.fullmatch(value):
            quoted, plain, address = named.groups()
            return [(_name(quoted, plain), address)]
        return getaddresses([value])
    return getaddresses([unescape(v) for v in values])


def extract(
    fields: Mapping[str, Sequence[str]], *, fold_subaddress: bool
) -> tuple[ParsedAddress, ...]:
    """Addresses by role, in header order, without repeats; at most ``MAX_ADDRESSES``."""
    found: list[ParsedAddress] = []
    seen: set[tuple[str, str]] = set()
    for header, role in ROLES:
        values = fields.get(header)
        if not values:
            continue
        quick = _plain_pair(values[0], fold_subaddress) if len(values) == 1 else None
        keyed = (
            (quick,)
            if quick is not None
            else (
                (name, normalise(address, fold_subaddress=fold_subaddress))
                for name, address in _pairs(values)
            )
        )
        for name, key in keyed:
            if key is None or len(key) > 320 or (pair := (role, key)) in seen:
                continue
            seen.add(pair)
            # A bare address has no name to show (display("") is "").
            found.append(ParsedAddress(role, key, (display(name, 500) or None) if name else None))
            if len(found) >= MAX_ADDRESSES:
                return tuple(found)
    return tuple(found)
