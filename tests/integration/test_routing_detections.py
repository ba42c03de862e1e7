"""Detector hits are stored with the message's decision: label, confidence, evidence, deadline."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter import config, services
from mailrouter.cli import cli
from mailrouter.routing import Router
from mailrouter.store import db
from mailrouter.store.models import MessageAddress, MessageRecord, RawMessage
from mailrouter.store.models.routing import DecisionRow

# Friday 6 November 2026, 10:00 in London (GMT): 20 working days -> Monday 7 December
# (FOIA's working days skip bank holidays anywhere in the UK: St Andrew's Day, 30 November).
RECEIVED = datetime(2026, 11, 6, 10, 0, tzinfo=UTC)
BODY = (
    "Dear council,\r\n\r\nUnder the Freedom of Information Act 2000 please send me the number "
    "of pothole repairs completed in each ward in 2025.\r\n\r\nRegards,\r\nA. Resident\r\n"
)


def _store(sessions: sessionmaker[Session], n: int, sender: str, subject: str, body: str) -> None:
    raw = (
        f"From: {sender}\r\nTo: info@council.example\r\nSubject: {subject}\r\n"
        f"Message-ID: <d{n}@example.org>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}"
    ).encode()
    sha = hashlib.sha256(raw).hexdigest()
    with db.transaction(sessions) as s:
        s.add(RawMessage(sha256=sha, size=len(raw), data=raw))
        s.flush()
        record = MessageRecord(
            source="intake/INBOX",
            source_key=f"1:{n}",
            raw_sha256=sha,
            sender=sender,
            subject=subject,
            mailbox="intake",
            folder="INBOX",
            received_at=RECEIVED,
        )
        s.add(record)
        s.flush()
        s.add(MessageAddress(message_pk=record.id, role="from", address=sender))


def test_hits_are_stored_with_evidence_spans_and_deadline(sessions: sessionmaker[Session]) -> None:
    settings = config.Settings()
    _store(sessions, 1, "resident@example.org", "Potholes", BODY)
    _store(sessions, 2, "neighbour@example.org", "Bins", "Thanks for collecting the bins.\r\n")
    detector = services.detector(settings)
    assert detector is not None
    router = Router(
        settings,
        lambda s, a, n: (),
        detector,
        services.text_loader(settings),
        detect_everyone=True,
    )
    assert router.route_pending(sessions, RECEIVED).routed == 2
    with sessions() as s:
        found = s.execute(
            select(MessageRecord.sender, DecisionRow.detections).join(
                DecisionRow, DecisionRow.message_pk == MessageRecord.id
            )
        )
        rows = {sender: detections for sender, detections in found}  # noqa: C416
    assert rows["neighbour@example.org"] == []
    foi = [d for d in rows["resident@example.org"] if d["label"] == "foi"]
    assert len(foi) == 1, rows["resident@example.org"]
    hit = foi[0]
    assert hit["deadline"] == date(2026, 12, 7).isoformat()
    assert isinstance(hit["confidence"], float) and 0 < hit["confidence"] <= 1
    assert hit["detector"]
    spans = hit["spans"]
    assert isinstance(spans, list) and spans
    # Offsets are into the text the detectors read: the loader's plain-text body.
    with sessions() as s:
        record = s.scalars(
            select(MessageRecord).where(MessageRecord.sender == "resident@example.org")
        ).one()
        body = services.text_loader(settings)(s, record)
    fields = {"subject": "Potholes", "body": body}
    for span in spans:
        assert isinstance(span, dict)
        text = fields.get(str(span["field"]), "")
        quoted = text[int(span["start"]) : int(span["end"])]
        assert quoted and quoted in str(hit["evidence"])


def test_explain_shows_what_was_detected(engine: Engine, tmp_path: Path) -> None:
    sessions = db.session_factory(engine)
    test_hits_are_stored_with_evidence_spans_and_deadline(sessions)
    config = tmp_path / "mailrouter.toml"
    url = engine.url.render_as_string(hide_password=False)
    config.write_text(f'[database]\nurl = "{url}"\n')
    with sessions() as s:
        pk = s.scalar(
            select(MessageRecord.id).where(MessageRecord.sender == "resident@example.org")
        )
    result = CliRunner().invoke(cli, ["--config", str(config), "explain", str(pk)])
    assert result.exit_code == 0, (result.output, result.exception)
    assert "detected foi (" in result.output and "due 2026-12-07" in result.output
    assert "please send me the number of" in result.output
