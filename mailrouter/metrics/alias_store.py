"""The alias check's effects: traits and writing profiles kept by key, findings stored.

Every statement here touches rows by key (a primary key or the (kind, key)
index) with a LIMIT, so the work per message does not grow with the history.
Findings are upserted per (sender, customer): later mail from the same address
adds to the evidence and the count, and ``flags scan`` turns each into one flag.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from mailrouter.metrics import fingerprint
from mailrouter.metrics.aliases import MAX_CANDIDATES, AliasFinding, find_aliases
from mailrouter.metrics.fingerprint import Vector
from mailrouter.metrics.identity import Traits
from mailrouter.metrics.upsert import insert_new, upsert
from mailrouter.store.models.flags_alias import AliasHit, SenderTrait, WritingProfile
from mailrouter.store.models.register import CustomerAlias, CustomerEmail

# Built once with bound parameters, so each message reuses the compiled statements.
_REGISTERED = (
    select(CustomerAlias.customer_id)
    .where(CustomerAlias.kind == bindparam("kind"), CustomerAlias.normalized == bindparam("key"))
    .limit(3)
)
_OTHERS = (
    select(SenderTrait.sender)
    .where(
        SenderTrait.kind == bindparam("kind"),
        SenderTrait.key == bindparam("key"),
        SenderTrait.sender != bindparam("sender"),
    )
    .limit(MAX_CANDIDATES + 1)
    .subquery()
)
# The senders sharing a key (at most one more than counts), each with its register owner.
_SHARED = select(_OTHERS.c.sender, CustomerEmail.customer_id).outerjoin(
    CustomerEmail, CustomerEmail.normalized == _OTHERS.c.sender
)
_OWN = select(CustomerEmail.customer_id).where(CustomerEmail.normalized == bindparam("sender"))


class SqlTraitLookup:
    """``TraitLookup`` over the register's own aliases and the traits seen in mail."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def customers_with(self, kind: str, key: str, sender: str) -> list[tuple[int, str]]:
        found: list[tuple[int, str]] = []
        params = {"kind": kind, "key": key, "sender": sender}
        if kind in ("phone", "name"):
            found += [(cid, "register") for cid in self.session.scalars(_REGISTERED, params)]
        rows = self.session.execute(_SHARED, params).all()
        if len(rows) > MAX_CANDIDATES:
            return found  # shared by many: not evidence of who is writing
        found += [(cid, address) for address, cid in rows if cid is not None]
        return found

    def profile(self, customer_id: int) -> Vector | None:
        row = self.session.get(WritingProfile, customer_id)
        return fingerprint.load(row.vector) if row is not None else None


def record_traits(session: Session, sender: str, traits: Traits, day: date) -> None:
    rows = [
        {"sender": sender, "kind": k, "key": v, "first_seen": day, "last_seen": day}
        for k, v in traits.pairs()
    ]
    if rows:
        keys = ("sender", "kind", "key")
        session.execute(upsert(session, SenderTrait.__table__, keys, replace=("last_seen",)), rows)


def update_profile(session: Session, customer_id: int, vector: Vector) -> None:
    """Fold one message of a register customer into their bounded writing profile."""
    stored = fingerprint.dump(vector)
    table = WritingProfile.__table__
    if insert_new(session, table, customer_id=customer_id, messages=1, vector=stored):
        return
    row = session.get(WritingProfile, customer_id, with_for_update=True, populate_existing=True)
    if row is not None:
        merged = fingerprint.merge_profile(fingerprint.load(row.vector), row.messages, vector)
        row.vector, row.messages = fingerprint.dump(merged), row.messages + 1
        session.flush()  # the next message in this transaction must read this one's update


def check_aliases(
    session: Session,
    sender: str,
    traits: Traits,
    vector: Vector | None,
    day: date,
    *,
    threshold: float,
) -> list[AliasFinding]:
    """Look the sender's traits up against register customers; store what looks like an alias."""
    own = set(session.scalars(_OWN, {"sender": sender}))
    findings = [
        f
        for f in find_aliases(sender, traits, vector, SqlTraitLookup(session), threshold)
        if f.customer_id not in own
    ]
    for finding in findings:
        _store(session, sender, finding, day)
    return findings


def _store(session: Session, sender: str, finding: AliasFinding, day: date) -> None:
    # Insert-or-nothing first: two daemons finding the same alias must not both fail.
    inserted = insert_new(
        session,
        AliasHit.__table__,
        sender=sender,
        customer_id=finding.customer_id,
        first_seen=day,
        last_seen=day,
        kinds=",".join(finding.kinds),
        evidence=finding.evidence,
        messages=1,
    )
    if inserted:
        return
    query = select(AliasHit).where(
        AliasHit.sender == sender, AliasHit.customer_id == finding.customer_id
    )
    row = session.scalars(query.with_for_update().execution_options(populate_existing=True)).one()
    kinds = sorted(set(row.kinds.split(",")) | set(finding.kinds))
    row.kinds, row.last_seen = ",".join(kinds), max(row.last_seen, day)
    row.messages += 1
    row.evidence = {**finding.evidence, **row.evidence, "seen_in": _union(row, finding)}
    session.flush()


def _union(row: AliasHit, finding: AliasFinding) -> list[object]:
    def items(value: object) -> Iterable[object]:
        return value if isinstance(value, list) else ()

    merged = list(items(row.evidence.get("seen_in")))
    merged += [v for v in items(finding.evidence.get("seen_in")) if v not in merged]
    return merged[:MAX_CANDIDATES]
