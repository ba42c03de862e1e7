"""The alias check's effects: traits and writing profiles kept by key, findings stored.

Every statement here touches rows by key (a primary key or the (kind, key)
index) with a LIMIT, so the work per message does not grow with the history.
Findings are upserted per (sender, customer): later mail from the same address
adds to the evidence and the count, and ``flags scan`` turns each into one flag.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from mailrouter.metrics import fingerprint
from mailrouter.metrics.aliases import MAX_CANDIDATES, AliasFinding, find_aliases
from mailrouter.metrics.fingerprint import Vector
from mailrouter.metrics.identity import Traits
from mailrouter.metrics.upsert import insert_for, insert_new
from mailrouter.store.models.flags_alias import AliasHit, SenderTrait, WritingProfile
from mailrouter.store.models.register import CustomerAlias, CustomerEmail


class SqlTraitLookup:
    """``TraitLookup`` over the register's own aliases and the traits seen in mail."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def customers_with(self, kind: str, key: str, sender: str) -> list[tuple[int, str]]:
        found: list[tuple[int, str]] = []
        if kind in ("phone", "name"):
            registered = select(CustomerAlias.customer_id).where(
                CustomerAlias.kind == kind, CustomerAlias.normalized == key
            )
            found += [(cid, "register") for cid in self.session.scalars(registered.limit(3))]
        senders = select(SenderTrait.sender).where(
            SenderTrait.kind == kind, SenderTrait.key == key, SenderTrait.sender != sender
        )
        others = list(self.session.scalars(senders.limit(MAX_CANDIDATES + 1)))
        if len(others) > MAX_CANDIDATES:
            return found  # shared by many: not evidence of who is writing
        if others:
            owners = select(CustomerEmail.customer_id, CustomerEmail.normalized).where(
                CustomerEmail.normalized.in_(others)
            )
            found += [(cid, address) for cid, address in self.session.execute(owners)]
        return found

    def profile(self, customer_id: int) -> Vector | None:
        row = self.session.get(WritingProfile, customer_id)
        return fingerprint.load(row.vector) if row is not None else None


def record_traits(session: Session, sender: str, traits: Traits, day: date) -> None:
    rows = [
        {"sender": sender, "kind": k, "key": v, "first_seen": day, "last_seen": day}
        for k, v in traits.pairs()
    ]
    if not rows:
        return
    table = SenderTrait.__table__
    stmt = insert_for(session, table).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=["sender", "kind", "key"], set_={"last_seen": stmt.excluded.last_seen}
    )
    session.execute(stmt)


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
    own = set(
        session.scalars(select(CustomerEmail.customer_id).where(CustomerEmail.normalized == sender))
    )
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
