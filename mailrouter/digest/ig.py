"""The IG daily summary: its reads, then the pure parts of ``collect``."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from mailrouter.config import Settings
from mailrouter.digest import collect, days, queries
from mailrouter.digest.model import IgSummary


def ig_summary(session: Session, settings: Settings, *, day: date, now: datetime) -> IgSummary:
    tz = settings.tz
    limit = settings.policy.spoc_unread_alert_hours
    cases = queries.cases(session, settings, day)
    return IgSummary(
        to_address=settings.contacts.ig_address,
        day=day,
        generated_local=now.astimezone(tz),
        unread_alert_hours=limit,
        reviews=collect.reviews(cases, day),
        lapsing=collect.lapsing(cases, day),
        flags=collect.flags(queries.open_flags(session), since=days.since(day, settings), tz=tz),
        deletions=tuple(queries.deletions(session, settings, now)),
        holds=tuple(queries.legal_holds(session)),
        parked=tuple(queries.parked(session, tz)),
        mailboxes=tuple(queries.unhealthy_mailboxes(session, tz)),
        unread_spocs=collect.unread_spocs(
            queries.unread(session), settings.spocs, now=now, limit_hours=limit
        ),
    )
