"""Near-duplicate repeats: is this message essentially one the sender sent recently?

Each sender keeps a ring of their last ``RING`` message vectors (one row per
slot); a new message is compared with those only and then overwrites the
oldest slot. The work per message is at most ``RING`` cosines of bounded
vectors, whatever the sender's or the council's history. A repeat adds one to
the day's ``near_duplicates`` counter, which the weekly flag rule reads.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from mailrouter.metrics import fingerprint
from mailrouter.metrics.fingerprint import Vector
from mailrouter.metrics.upsert import insert_for
from mailrouter.store.models.flags_alias import SenderFingerprint

RING = 20
_RING = (
    select(SenderFingerprint)
    .where(SenderFingerprint.sender == bindparam("sender"))
    .order_by(SenderFingerprint.slot)
    .with_for_update()
)


def is_repeat(vector: Vector, recent: list[Vector], threshold: float) -> bool:
    return any(fingerprint.cosine(vector, other) >= threshold for other in recent)


def record(
    session: Session,
    sender: str,
    vector: Vector,
    day: date,
    message_id: int | None,
    *,
    threshold: float,
) -> int:
    """1 if the message repeats one of the sender's recent ones, else 0; remembers it either way."""
    rows = list(session.scalars(_RING, {"sender": sender}))
    repeat = is_repeat(vector, [fingerprint.load(r.vector) for r in rows], threshold)
    seq = max((r.seq for r in rows), default=0) + 1
    stored = fingerprint.dump(vector)
    if len(rows) < RING:
        # Another daemon may fill the same slot at once: then this vector is simply not kept.
        values = {"sender": sender, "slot": len(rows), "seq": seq, "day": day, "vector": stored}
        stmt = insert_for(session, SenderFingerprint.__table__).values(
            message_id=message_id, **values
        )
        session.execute(stmt.on_conflict_do_nothing())
    else:
        oldest = min(rows, key=lambda r: r.seq)
        oldest.seq, oldest.message_id, oldest.day, oldest.vector = seq, message_id, day, stored
    return int(repeat)
