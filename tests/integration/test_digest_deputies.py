"""A case's own deputy receives its part of an absent SPOC's digest, on both databases.

The sample register's Ben is away with Asha as his configured deputy. When
Dora's case names Jane as its own deputy (as routing already honours for her
mail), Jane receives Ben's digest for Dora, once, through the real sink; Asha
receives only her own; a second run records nothing new.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.digest import sample
from mailrouter.digest.performer import DigestPerformer
from mailrouter.digest.send import send_day
from mailrouter.outbound.smtp import SmtpTransport
from mailrouter.store import db
from mailrouter.store.models.digests import DigestSend
from mailrouter.store.models.register import Case
from mailrouter.testing.servers import SmtpSink
from tests.integration.test_digest_once import settings_for, url_of

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # a Monday, the digest time


def test_the_case_deputy_receives_the_absent_spocs_digest_for_that_case(
    engine: Engine, sessions: sessionmaker[Session], smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    settings = settings_for(url_of(engine), tmp_path, smtp_sink)
    seeded = sample.seed(sessions, settings, now=NOW)
    dora = seeded.cases["Dora Absent-Case"]
    with db.transaction(sessions) as session:
        session.execute(update(Case).where(Case.reference == dora).values(deputy_spoc_id="jsmith"))

    report = send_day(sessions, settings, day=NOW.date(), now=NOW)
    assert sorted(report.recorded) == [
        "digest:ig:ig:2026-11-30",
        "digest:spoc:akhan:2026-11-30",
        "digest:spoc:bpatel/jsmith:2026-11-30",
        "digest:spoc:jsmith:2026-11-30",
    ]
    assert "bpatel" in report.empty, "nothing of Ben's is left for his usual deputy"
    again = send_day(sessions, settings, day=NOW.date(), now=NOW + timedelta(minutes=5))
    assert again.recorded == ()

    async def perform() -> None:
        async with SmtpTransport(settings.smtp) as transport:
            performer = DigestPerformer(
                sessions=sessions,
                transport=transport,
                settings=settings,
                worker_id="test",
                clock=lambda: NOW + timedelta(minutes=1),
            )
            while await performer.run_once() > 0:
                pass

    asyncio.run(perform())
    got = smtp_sink.wait_for(4)
    assert len(got) == 4
    by_key = {str(r.message["X-Mailrouter-Digest"]): r for r in got}
    part = by_key["digest:spoc:bpatel/jsmith:2026-11-30"]
    assert part.rcpt_tos == ("jane.smith@council.example",)
    subject = " ".join(str(part.message["Subject"]).split())
    assert subject.endswith("(deputising for Ben Patel)")
    assert b"Parking permit renewal" in part.data and b"Dora" in part.data
    own = by_key["digest:spoc:jsmith:2026-11-30"]
    assert b"Parking permit renewal" not in own.data, "Jane's own digest stays her own"
    asha = by_key["digest:spoc:akhan:2026-11-30"]
    assert asha.rcpt_tos == ("asha.khan@council.example",)
    assert b"Parking permit renewal" not in asha.data
    with sessions() as session:
        rows = session.scalars(select(DigestSend.recipient_id).order_by(DigestSend.id)).all()
    assert sorted(rows) == ["akhan", "bpatel/jsmith", "ig", "jsmith"]
