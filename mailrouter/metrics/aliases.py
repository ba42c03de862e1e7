"""Possible aliases of register customers: the decision and its plain-language flag.

Pure: the lookups go through ``TraitLookup`` (indexed tables in the store, a
dict in the simulation), so a message costs a handful of key look-ups whatever
the history. The rule, and why:

- the same phone number or the same signature block as a customer's is enough
  to ask IG to look: both are specific to a person;
- the same name is common (two J. Smiths), so it counts only together with
  writing at least ``alias_writing_similarity`` like the customer's own mail;
- similar writing is compared only against customers found by one of those
  keys (a bounded profile each), never against the whole register, and is
  never enough on its own: people writing about the same matter sound alike.

A finding is only ever a flag. Adding the address to the register (and so
diverting its mail) is IG's decision, through the register's own commands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from mailrouter.metrics.fingerprint import Vector, cosine
from mailrouter.metrics.flags import Flag, short_day
from mailrouter.metrics.identity import Traits

STRONG = frozenset({"phone", "signature"})
# Customers considered per message: keys shared by more people than this say
# nothing about who is writing (a switchboard number quoted in a signature).
MAX_CANDIDATES = 5
KIND = "possible-alias"
_WORDS = {
    "phone": "the same phone number",
    "signature": "the same signature block",
    "name": "the same name",
    "writing": "similar writing",
}


class TraitLookup(Protocol):
    def customers_with(self, kind: str, key: str, sender: str) -> list[tuple[int, str]]:
        """Register customers (id, the address or "register" it was seen in) with this key,
        other than ``sender`` itself; empty when too many people share the key."""

    def profile(self, customer_id: int) -> Vector | None:
        """The customer's writing profile, if any of their mail has been seen."""


@dataclass(frozen=True, slots=True)
class AliasFinding:
    customer_id: int
    kinds: tuple[str, ...]
    evidence: dict[str, object] = field(default_factory=dict)


def find_aliases(
    sender: str,
    traits: Traits,
    vector: Vector | None,
    lookup: TraitLookup,
    writing_threshold: float,
) -> list[AliasFinding]:
    """Register customers this sender may be, with the evidence for each."""
    seen: dict[int, dict[str, object]] = {}
    for kind, key in traits.pairs():
        for customer_id, via in lookup.customers_with(kind, key, sender)[:MAX_CANDIDATES]:
            evidence = seen.setdefault(customer_id, {"seen_in": []})
            evidence.setdefault(kind, key if kind != "signature" else "matches")
            seen_in = evidence["seen_in"]
            if isinstance(seen_in, list) and via not in seen_in:
                seen_in.append(via)
    found: list[AliasFinding] = []
    for customer_id, evidence in sorted(seen.items()):
        kinds = {k for k in evidence if k in _WORDS}
        profile = lookup.profile(customer_id) if vector is not None else None
        if vector is not None and profile:
            similarity = cosine(vector, profile)
            evidence["writing_similarity"] = round(similarity, 3)
            if similarity >= writing_threshold:
                kinds.add("writing")
        if is_possible_alias(kinds):
            found.append(AliasFinding(customer_id, tuple(sorted(kinds)), evidence))
    return found


def is_possible_alias(kinds: set[str]) -> bool:
    return bool(kinds & STRONG) or {"name", "writing"} <= kinds


def explanation(customer: str, kinds: tuple[str, ...], evidence: Mapping[str, object]) -> str:
    parts = []
    for kind in ("phone", "signature", "name", "writing"):
        if kind not in kinds:
            continue
        detail = {
            "phone": f" ({evidence.get('phone')})",
            "name": f' ("{evidence.get("name")}")',
            "writing": f" (similarity {evidence.get('writing_similarity')})",
        }.get(kind, "")
        parts.append(_WORDS[kind] + detail)
    return (
        f"New address may be register customer {customer}: {', '.join(parts)}."
        " Not diverted: IG decide whether to add the address to the register"
    )


def alias_flag(
    sender: str,
    customer: str,
    *,
    customer_id: int,
    kinds: tuple[str, ...],
    evidence: Mapping[str, object],
    first_seen: date,
    last_seen: date,
    messages: int,
) -> Flag:
    """The queue's flag for one (sender, customer) finding, keyed by its first day."""
    text = explanation(customer, kinds, evidence)
    if messages > 1:
        text += f" ({messages} messages, {short_day(first_seen)} to {short_day(last_seen)})"
    full = {
        **evidence,
        "customer_id": customer_id,
        "kinds": list(kinds),
        "identities": [sender],
        "messages": messages,
    }
    # The value is the message count, so the open flag follows new mail from the address.
    return Flag(sender, KIND, first_seen, last_seen, float(messages), 1.0, text, full)
