"""E-mail address normalisation for matching senders against the register.

Matching must not be fooled by case, Unicode forms, internationalised domains,
display-name noise or (where the council chooses) sub-address tags, but it
must never merge two genuinely different mailboxes. So: the domain is
lower-cased and IDNA-encoded; the local part is NFKC-normalised and
lower-cased (no real provider distinguishes case, despite RFC 5321); a
``+tag`` is dropped only when ``fold_subaddress`` is set.
"""

from __future__ import annotations

import unicodedata
from email.headerregistry import Address as _HeaderAddress
from email.utils import getaddresses, parseaddr


class InvalidAddress(ValueError):
    """Not something that can be matched as an e-mail address."""


def normalize(address: str, *, fold_subaddress: bool = False) -> str:
    """The matching key of ``address`` (display names and angle brackets allowed)."""
    _name, bare = parseaddr(address.strip())
    bare = bare or address.strip()
    if bare.count("@") != 1:
        raise InvalidAddress(f"not an e-mail address: {address!r}")
    local, domain = bare.rsplit("@", 1)
    local = unicodedata.normalize("NFKC", local).strip().lower()
    if fold_subaddress and "+" in local:
        local = local.split("+", 1)[0]
    domain = unicodedata.normalize("NFKC", domain).strip().rstrip(".").lower()
    if not local or not domain:
        raise InvalidAddress(f"not an e-mail address: {address!r}")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise InvalidAddress(f"invalid domain in {address!r}") from exc
    return f"{local}@{domain}"


def try_normalize(address: str, *, fold_subaddress: bool = False) -> str | None:
    try:
        return normalize(address, fold_subaddress=fold_subaddress)
    except InvalidAddress:
        return None


def parse_list(header_value: str) -> list[tuple[str, str]]:
    """(display name, address) pairs from a To/Cc style header; junk entries dropped."""
    return [(name, addr) for name, addr in getaddresses([header_value]) if "@" in addr]


def display(name: str, address: str) -> str:
    """A header-safe ``Name <address>`` for mail we write ourselves."""
    local, _, domain = address.partition("@")
    return str(_HeaderAddress(display_name=name, username=local, domain=domain))
