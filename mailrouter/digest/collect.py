"""Digests from query rows: pure functions, no database, no clock, no I/O.

Every string that came from mail or the register is made one safe display line
here (``clean_line``: no control characters, no bidi overrides, bounded length)
before rendering escapes it, so the HTML and the text parts show the same thing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from mailrouter.actions.compose import clean_line
from mailrouter.config import SpocSettings
from mailrouter.digest.model import (
    CustomerGroup,
    Deadline,
    DigestItem,
    DivertedRow,
    FlagItem,
    HeldItem,
    HeldRow,
    LapsingItem,
    ReadLink,
    ReviewItem,
    SpocDigest,
    UnreadSpocItem,
)
from mailrouter.register.queries import CaseSummary
from mailrouter.replies.cadence import statutory_deadline_in

STATUTORY_STEP = "statutory-request"
SAFETY_STEP = "safety-concern"
SUBJECT_CHARS = 300
NAME_CHARS = 120
# Reviews due within this many days are shown before they fall due.
REVIEW_NOTICE_DAYS = 14
LAPSING_DAYS = 30

Linker = Callable[[int, str], ReadLink]


def recipient_for(
    spoc: SpocSettings, spocs: Sequence[SpocSettings], case_deputy: str | None = None
) -> tuple[SpocSettings, SpocSettings | None]:
    """Who receives ``spoc``'s digest, and the deputy standing in (None: the SPOC themself).

    While the SPOC is absent, a case's own deputy (``cases.deputy_spoc_id``)
    receives that case's part, as routing sends them its mail; otherwise, or
    when that deputy is not a configured SPOC, the SPOC's configured deputy.
    With neither it still goes to the SPOC's address, which the council
    redirects while away.
    """
    if spoc.absent:
        for deputy_id in (case_deputy, spoc.deputy):
            deputy = next(
                (s for s in spocs if deputy_id and s.id == deputy_id and s.id != spoc.id), None
            )
            if deputy is not None:
                return deputy, deputy
    return spoc, None


def spoc_digests(
    *,
    spoc: SpocSettings,
    spocs: Sequence[SpocSettings],
    day: date,
    now: datetime,
    tz: ZoneInfo,
    unread_alert_hours: int,
    diverted: Iterable[DivertedRow],
    held: Iterable[HeldRow],
    link: Linker,
) -> tuple[SpocDigest, ...]:
    """``spoc``'s digests: one per reader, the default reader's first (empty if nothing).

    Present, the SPOC reads one digest. Away, each case's part goes to whoever
    stands in for that case (``recipient_for``), so there may be several.
    """
    rows = [r for r in diverted if r.spoc_id == spoc.id]
    replies = [r for r in held if r.spoc_id == spoc.id]
    readers = [recipient_for(spoc, spocs)[0].id]
    deputies = [r.deputy_spoc_id for r in rows] + [r.deputy_spoc_id for r in replies]
    for case_deputy in deputies:
        reader = recipient_for(spoc, spocs, case_deputy)[0].id
        if reader not in readers:
            readers.append(reader)
    found = [
        spoc_digest(
            spoc=spoc,
            spocs=spocs,
            day=day,
            now=now,
            tz=tz,
            unread_alert_hours=unread_alert_hours,
            diverted=rows,
            held=replies,
            link=link,
            reader=reader,
        )
        for reader in readers
    ]
    return tuple(d for n, d in enumerate(found) if n == 0 or not d.empty)


def spoc_digest(
    *,
    spoc: SpocSettings,
    spocs: Sequence[SpocSettings],
    day: date,
    now: datetime,
    tz: ZoneInfo,
    unread_alert_hours: int,
    diverted: Iterable[DivertedRow],
    held: Iterable[HeldRow],
    link: Linker,
    reader: str | None = None,
) -> SpocDigest:
    """The digest of ``spoc``'s cases that ``reader`` reads (default: the SPOC's own reader).

    Per customer, unread mail first, then held replies.
    """
    default, _ = recipient_for(spoc, spocs)
    wanted = reader or default.id

    def read_by_wanted(case_deputy: str | None) -> bool:
        return recipient_for(spoc, spocs, case_deputy)[0].id == wanted

    addressee = next((s for s in spocs if s.id == wanted), default)
    deputy = addressee if addressee.id != spoc.id else None
    by_case: dict[int, tuple[str, str]] = {}
    items: dict[int, list[DigestItem]] = {}
    for row in diverted:
        if row.spoc_id != spoc.id or not read_by_wanted(row.deputy_spoc_id):
            continue
        by_case.setdefault(row.case_id, (row.case_reference, row.customer_name))
        items.setdefault(row.case_id, []).append(
            _item(
                row,
                day=day,
                now=now,
                tz=tz,
                limit_hours=unread_alert_hours,
                link=link(row.message_pk, addressee.id),
            )
        )
    holds: dict[int, list[HeldItem]] = {}
    for reply in held:
        if reply.spoc_id != spoc.id or not read_by_wanted(reply.deputy_spoc_id):
            continue
        by_case.setdefault(reply.case_id, (reply.case_reference, reply.customer_name))
        holds.setdefault(reply.case_id, []).append(
            HeldItem(
                clean_line(reply.subject, SUBJECT_CHARS) or "(no subject)",
                reply.release_on,
                _optional_line(reply.early_reason),
            )
        )
    groups = [
        CustomerGroup(
            case_reference=clean_line(reference, 60),
            customer_name=clean_line(name, NAME_CHARS) or "(no name)",
            items=tuple(sorted(items.get(case_id, []), key=_item_order)),
            held=tuple(sorted(holds.get(case_id, []), key=lambda h: (h.release_on, h.subject))),
        )
        for case_id, (reference, name) in by_case.items()
    ]
    groups.sort(key=_group_order)
    return SpocDigest(
        spoc_id=spoc.id,
        spoc_name=clean_line(spoc.name, NAME_CHARS),
        to_name=clean_line(addressee.name, NAME_CHARS),
        to_address=addressee.email,
        deputy_name=clean_line(deputy.name, NAME_CHARS) if deputy is not None else None,
        day=day,
        generated_local=now.astimezone(tz),
        unread_alert_hours=unread_alert_hours,
        groups=tuple(groups),
        reader_id=addressee.id,
    )


def _item(
    row: DivertedRow, *, day: date, now: datetime, tz: ZoneInfo, limit_hours: int, link: ReadLink
) -> DigestItem:
    unread = row.read_at is None
    waited = (now - row.recorded_at) / timedelta(hours=1)
    statutory: list[Deadline] = []
    safety: list[str] = []
    for step, detail in row.hits:
        if step == STATUTORY_STEP:
            found = statutory_deadline_in([detail])
            if found is not None:
                label = clean_line(found.label, 60)
                statutory.append(Deadline(label, found.due, (found.due - day).days))
        elif step == SAFETY_STEP:
            safety.append(clean_line(detail, 200) or "safety concern")
    return DigestItem(
        message_pk=row.message_pk,
        received_local=row.received_at.astimezone(tz),
        mailbox=clean_line(row.mailbox, NAME_CHARS),
        subject=clean_line(row.subject, SUBJECT_CHARS) or "(no subject)",
        sender=clean_line(row.sender, NAME_CHARS),
        unread=unread,
        overdue_hours=int(waited) if unread and waited > limit_hours else None,
        statutory=tuple(sorted(statutory, key=lambda d: d.due)),
        safety=tuple(safety),
        excerpt=clean_line(row.excerpt, len(row.excerpt) or 1) if row.excerpt else "",
        link=link,
    )


def _item_order(item: DigestItem) -> tuple[bool, datetime]:
    return (not item.unread, item.received_local)


def _group_order(group: CustomerGroup) -> tuple[bool, datetime | date, str]:
    """Customers with unread mail first (oldest unread first), then the rest by name."""
    unread = [item.received_local for item in group.items if item.unread]
    if unread:
        return (False, min(unread), group.customer_name.casefold())
    return (True, date.min, group.customer_name.casefold())


def _optional_line(value: str | None) -> str | None:
    return clean_line(value, 300) if value else None


# IG summary parts.


def reviews(cases: Iterable[CaseSummary], day: date) -> tuple[ReviewItem, ...]:
    """Live cases whose review is due within ``REVIEW_NOTICE_DAYS`` or overdue, soonest first."""
    horizon = day + timedelta(days=REVIEW_NOTICE_DAYS)
    found = [
        ReviewItem(
            case_reference=clean_line(c.reference, 60),
            customer_name=clean_line(c.customer_name, NAME_CHARS),
            spoc_id=clean_line(c.spoc_id or "-", 100),
            review_due=c.review_due,
            review_deadline=c.review_deadline,
            overdue=day > c.review_due,
            past_deadline=day > c.review_deadline,
        )
        for c in cases
        if c.review_due is not None and c.review_deadline is not None and c.review_due <= horizon
    ]
    return tuple(sorted(found, key=lambda r: (r.review_due, r.case_reference)))


def lapsing(cases: Iterable[CaseSummary], day: date) -> tuple[LapsingItem, ...]:
    """Live arrangements lapsed already or expiring in the next ``LAPSING_DAYS`` days."""
    horizon = day + timedelta(days=LAPSING_DAYS)
    found = [
        LapsingItem(
            case_reference=clean_line(c.reference, 60),
            customer_name=clean_line(c.customer_name, NAME_CHARS),
            spoc_id=clean_line(c.spoc_id or "-", 100),
            expires_on=c.expires_on,
            lapsed=c.lapsed,
        )
        for c in cases
        if c.status in ("monitoring", "stage2")
        and c.expires_on is not None
        and c.expires_on <= horizon
    ]
    return tuple(sorted(found, key=lambda r: (r.expires_on, r.case_reference)))


def flags(
    rows: Iterable[tuple[int, str, str, str, bool, datetime]],
    *,
    since: datetime,
    tz: ZoneInfo,
) -> tuple[FlagItem, ...]:
    """Open flags raised since ``since`` or marked urgent; urgent first, then newest."""
    found = [
        FlagItem(
            flag_id=flag_id,
            kind=clean_line(kind, 40),
            subject=clean_line(subject, NAME_CHARS),
            explanation=clean_line(explanation, 300),
            urgent=urgent,
            new=created_at >= since,
            created_local=created_at.astimezone(tz),
        )
        for flag_id, kind, subject, explanation, urgent, created_at in rows
        if urgent or created_at >= since
    ]
    return tuple(sorted(found, key=lambda f: (not f.urgent, -f.created_local.timestamp())))


def unread_spocs(
    rows: Iterable[tuple[str, datetime]],
    spocs: Sequence[SpocSettings],
    *,
    now: datetime,
    limit_hours: int,
) -> tuple[UnreadSpocItem, ...]:
    """SPOCs with diverted mail unread longer than the agreed time; ``rows`` = (spoc, recorded)."""
    names = {s.id: s.name for s in spocs}
    late: dict[str, list[float]] = {}
    for spoc_id, recorded_at in rows:
        hours = (now - recorded_at) / timedelta(hours=1)
        if hours > limit_hours:
            late.setdefault(spoc_id, []).append(hours)
    return tuple(
        UnreadSpocItem(
            spoc_id=clean_line(spoc_id, 100),
            spoc_name=clean_line(names.get(spoc_id, spoc_id), NAME_CHARS),
            unread=len(hours),
            oldest_hours=int(max(hours)),
        )
        for spoc_id, hours in sorted(late.items(), key=lambda kv: -max(kv[1]))
    )
