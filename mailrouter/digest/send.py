"""Recording each day's digests once: the ``digest_sends`` row and its outbox row together.

``send_day`` builds the day's digests (SPOCs', then the IG summary) and, for
each, inserts a ``digest_sends`` row with ``ON CONFLICT DO NOTHING`` on
(recipient kind, recipient id, local date); only when that row is new does it
enqueue the outbox row (kind "digest", key ``digest:{kind}:{id}:{day}``), in
the same transaction. So a restart, a caught-up run, a second daemon or a
repeated CLI call records nothing new: on PostgreSQL a concurrent second
insert waits for the first transaction and then does nothing; SQLite has one
writer. Recipients are taken in a fixed order, so two runs never deadlock.

A SPOC with nothing to show (no unread or new diverted mail, no held replies)
gets no digest that day; the IG summary is sent every digest day. While a
SPOC is away, the cases whose register entry names their own deputy go to that
deputy as a digest of their own (recipient "{spoc}/{deputy}"); the rest go to
the SPOC's configured deputy under the SPOC's own id.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.config import Settings
from mailrouter.digest import collect, days, links, queries
from mailrouter.digest.compose import digest_key, digest_message
from mailrouter.digest.ig import ig_summary
from mailrouter.digest.render import Rendered, render_ig, render_spoc
from mailrouter.store import db, outbox
from mailrouter.store.models.digests import IG, SPOC, DigestSend

log = logging.getLogger(__name__)

DIGEST = "digest"
# digest_sends.recipient_id's length.
RECIPIENT_ID_CHARS = 100


@dataclass(frozen=True, slots=True)
class Outgoing:
    kind: str
    recipient_id: str
    day: date
    to_name: str
    to_address: str
    items: int
    rendered: Rendered

    @property
    def key(self) -> str:
        return digest_key(self.kind, self.recipient_id, self.day.isoformat())


@dataclass(frozen=True, slots=True)
class DayReport:
    day: date
    recorded: tuple[str, ...]
    already: tuple[str, ...]
    empty: tuple[str, ...]


def build(
    session: Session,
    settings: Settings,
    *,
    day: date,
    now: datetime,
    spoc_ids: Sequence[str] | None = None,
    include_ig: bool = True,
    skip: frozenset[tuple[str, str]] = frozenset(),
    signer: links.Signer | None = None,
) -> tuple[list[Outgoing], list[str]]:
    """The day's digests, in recipient order, and the SPOCs left out as having nothing."""
    spocs = sorted(
        (s for s in settings.spocs if spoc_ids is None or s.id in spoc_ids), key=lambda s: s.id
    )
    # An absent SPOC's cases may be split between deputies: each part is checked below.
    wanted = [s for s in spocs if s.absent or (SPOC, s.id) not in skip]
    out: list[Outgoing] = []
    empty: list[str] = []
    if wanted:
        ids = [s.id for s in wanted]
        diverted = queries.diverted(
            session, settings, since=days.since(day, settings), spoc_ids=ids
        )
        held = queries.held(session, spoc_ids=ids)
        link = links.linker(settings, now, signer)
        for spoc in wanted:
            digests = collect.spoc_digests(
                spoc=spoc,
                spocs=settings.spocs,
                day=day,
                now=now,
                tz=settings.tz,
                unread_alert_hours=settings.policy.spoc_unread_alert_hours,
                diverted=diverted,
                held=held,
                link=link,
            )
            for n, digest in enumerate(digests):
                recipient = spoc.id if n == 0 else part_id(spoc.id, digest.reader_id)
                if (SPOC, recipient) in skip:
                    continue
                if digest.empty:
                    empty.append(spoc.id)
                    continue
                rendered = render_spoc(digest, settings.general.council_name)
                size = len(digest.items) + digest.held
                out.append(
                    Outgoing(
                        SPOC, recipient, day, digest.to_name, digest.to_address, size, rendered
                    )
                )
    if include_ig and (IG, IG) not in skip:
        summary = ig_summary(session, settings, day=day, now=now)
        rendered = render_ig(summary, settings.general.council_name)
        name = "Information Governance"
        out.append(Outgoing(IG, IG, day, name, summary.to_address, summary.items, rendered))
    return out, empty


def part_id(spoc_id: str, reader_id: str) -> str:
    """The recipient id of the part of an absent SPOC's digest a case's own deputy reads.

    The SPOC's usual digest keeps the SPOC's id, so its once-a-day key is
    unchanged; the parts for case deputies are "{spoc}/{deputy}", hashed when
    that would not fit the column.
    """
    found = f"{spoc_id}/{reader_id}"
    if len(found) <= RECIPIENT_ID_CHARS:
        return found
    return f"{spoc_id[:40]}/{hashlib.sha256(reader_id.encode()).hexdigest()[:32]}"


def record(session: Session, settings: Settings, item: Outgoing, *, now: datetime) -> bool:
    """Insert the digest's row and, if it is new, its outbox row; True if recorded now."""
    raw, message_id = digest_message(
        item.rendered,
        key=item.key,
        from_address=settings.smtp.from_address,
        council_name=settings.general.council_name,
        to_name=item.to_name,
        to_address=item.to_address,
        date=now,
    )
    table = DigestSend.__table__
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = (
        dialect.insert(table)
        .values(
            recipient_kind=item.kind,
            recipient_id=item.recipient_id,
            local_date=item.day,
            to_address=item.to_address,
            subject=item.rendered.subject,
            message_id=message_id,
            outbox_key=item.key,
            items=item.items,
            raw=raw,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["recipient_kind", "recipient_id", "local_date"])
        .returning(table.c.id)
    )
    row = session.execute(stmt).first()
    if row is None:
        return False
    outbox.enqueue(
        session,
        key=item.key,
        kind=DIGEST,
        payload={"digest_send_id": int(row[0]), "to": item.to_address, "message_id": message_id},
        now=now,
    )
    return True


def already_sent(session: Session, day: date) -> frozenset[tuple[str, str]]:
    rows = session.execute(
        select(DigestSend.recipient_kind, DigestSend.recipient_id).where(
            DigestSend.local_date == day
        )
    ).all()
    return frozenset((kind, rid) for kind, rid in rows)


def send_day(
    sessions: sessionmaker[Session],
    settings: Settings,
    *,
    day: date,
    now: datetime,
    spoc_ids: Sequence[str] | None = None,
    include_ig: bool = True,
) -> DayReport:
    """Record ``day``'s digests that are not recorded yet; idempotent, safe to run concurrently."""
    with db.transaction(sessions) as session:
        skip = already_sent(session, day)
        items, empty = build(
            session,
            settings,
            day=day,
            now=now,
            spoc_ids=spoc_ids,
            include_ig=include_ig,
            skip=skip,
        )
        recorded = [item.key for item in items if record(session, settings, item, now=now)]
    already = sorted(f"{kind}:{rid}" for kind, rid in skip)
    log.info(
        "digest.recorded day=%s recorded=%d already=%d empty=%d",
        day.isoformat(),
        len(recorded),
        len(already),
        len(empty),
    )
    return DayReport(day, tuple(recorded), tuple(already), tuple(empty))
