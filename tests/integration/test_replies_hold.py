"""Holding SPOCs' replies and releasing them on the cadence, through the CLI, on both databases.

The case was decided on Friday 9 January 2026, fortnightly: releases fall on
23 January, 6 February, 20 February... A reply to an FOI request due Thursday
5 February leaves on Wednesday 4 February instead of waiting for the 6th.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.cli import cli
from mailrouter.commands.replies_cmd import replies
from mailrouter.store import db
from mailrouter.store.models import MessageRecord, OutboxRow, RawMessage
from mailrouter.store.models.register import Case, Customer, CustomerEmail
from mailrouter.store.models.replies import HELD, QUEUED, HeldReply
from mailrouter.store.models.routing import DecisionRow

if replies.name not in cli.commands:
    cli.add_command(replies)

REFERENCE = "MC-2026-0001"
CUSTOMER = "jo@example.org"


def seed_case(sessions: sessionmaker[Session], *, cadence: str = "fortnightly") -> int:
    """A stage 2 case decided on 9 January 2026, diverting to SPOC "jsmith"."""
    with db.transaction(sessions) as session:
        customer = Customer(full_name="Jo Bloggs")
        session.add(customer)
        session.flush()
        session.add(
            CustomerEmail(
                customer_id=customer.id,
                address="Jo@Example.org",
                normalized=CUSTOMER,
                added_on=date(2025, 11, 1),
            )
        )
        case = Case(
            reference=REFERENCE,
            customer_id=customer.id,
            status="stage2",
            opened_on=date(2025, 11, 1),
            round_started_on=date(2025, 11, 1),
            spoc_id="jsmith",
            divert_email=True,
            reply_cadence=cadence,
            decision_on=date(2026, 1, 9),
            diversion_from=date(2026, 1, 12),
            expires_on=date(2026, 7, 9),
        )
        session.add(case)
        session.flush()
        return case.id


def seed_message(sessions: sessionmaker[Session], n: int, hits: list[dict[str, object]]) -> int:
    """Customer message ``<orig{n}@example.org>``, stored and decided with ``hits``."""
    raw = f"From: {CUSTOMER}\r\nMessage-ID: <orig{n}@example.org>\r\n\r\nhello {n}\r\n".encode()
    sha = hashlib.sha256(raw).hexdigest()
    with db.transaction(sessions) as session:
        session.add(RawMessage(sha256=sha, size=len(raw), data=raw))
        session.flush()
        message = MessageRecord(
            source="intake/INBOX",
            source_key=f"1:{n}",
            raw_sha256=sha,
            message_id=f"<orig{n}@example.org>",
            sender=CUSTOMER,
            subject=f"Repairs {n}",
            references="<older@example.org>",
        )
        session.add(message)
        session.flush()
        session.add(DecisionRow(message_pk=message.id, verdict="divert", reasons=[], hits=hits))
        return message.id


def draft(n: int, *, subject: str = "Re: Repairs", to: str = "Jo Bloggs <jo@example.org>") -> bytes:
    return (
        "From: Jane Smith <jane.smith@council.example>\r\n"
        f"To: {to}\r\nCc: boss@council.example\r\n"
        f"Subject: {subject} {n}\r\nIn-Reply-To: <orig{n}@example.org>\r\n"
        "X-Mailer: Outlook\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Dear Jo,\r\n\r\nAbout your message {n}: we will fix it.\r\n"
    ).encode()


FOI_HIT: dict[str, object] = {
    "step": "statutory-request",
    "verdict": "none",
    "detail": "FOI request, due 2026-02-05",
}


@pytest.fixture
def config(engine: Engine, tmp_path: Path) -> Path:
    path = tmp_path / "mailrouter.toml"
    url = engine.url.render_as_string(hide_password=False)
    path.write_text(
        f'[database]\nurl = "{url}"\n\n[smtp]\nfrom_address = "mc@council.example"\n\n'
        '[[spocs]]\nid = "jsmith"\nname = "Jane Smith"\nemail = "jane.smith@council.example"\n'
    )
    return path


def run(config: Path, *args: str) -> Result:
    return CliRunner().invoke(
        cli, ["--config", str(config), *args], env={"MAILROUTER_ACTOR": "jsmith"}
    )


def ok(config: Path, *args: str) -> str:
    result = run(config, *args)
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result.output


def queue(config: Path, tmp_path: Path, n: int, when: str, **kw: str) -> str:
    path = tmp_path / f"draft{n}.eml"
    path.write_bytes(draft(n, **kw))
    return ok(config, "replies", "queue", REFERENCE, str(path), "--now", when)


def test_hold_list_and_release_idempotently(
    config: Path, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    seed_case(sessions)
    seed_message(sessions, 1, [])
    seed_message(sessions, 2, [FOI_HIT])
    out = queue(config, tmp_path, 1, "2026-01-26T10:00:00+00:00")
    assert "release on 2026-02-06" in out
    out = queue(config, tmp_path, 2, "2026-01-26T11:00:00+00:00")
    assert "release on 2026-02-04" in out
    assert "FOI request due 2026-02-05" in out

    listing = ok(config, "replies", "list")
    assert listing.index("2026-02-04") < listing.index("2026-02-06")
    assert "early: FOI request due 2026-02-05" in listing

    assert "Released 0 replies" in ok(
        config, "replies", "release", "--due", "--now", "2026-02-03T18:00:00+00:00"
    )
    first = ok(config, "replies", "release", "--due", "--now", "2026-02-04T07:00:00+00:00")
    assert "Released 1 replies in 1 messages" in first
    # The same window again: nothing new, and the outbox holds one row.
    again = ok(config, "replies", "release", "--due", "--now", "2026-02-04T09:00:00+00:00")
    assert "Released 0 replies" in again
    ok(config, "replies", "release", "--due", "--now", "2026-02-06T07:00:00+00:00")

    with sessions() as session:
        rows = session.scalars(select(OutboxRow).order_by(OutboxRow.id)).all()
        held = session.scalars(select(HeldReply).order_by(HeldReply.id)).all()
    assert [r.kind for r in rows] == ["reply", "reply"]
    assert [r.idempotency_key for r in rows] == [f"reply:{held[1].id}", f"reply:{held[0].id}"]
    assert [h.state for h in held] == [QUEUED, QUEUED]
    assert held[0].to_address == CUSTOMER
    assert held[0].in_reply_to == "<orig1@example.org>"
    assert held[0].references == "<older@example.org> <orig1@example.org>"
    assert rows[0].payload["message_id"] == held[1].message_id


def test_batching_combines_a_cases_replies_due_together(
    config: Path, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    seed_case(sessions)
    for n in (1, 2, 3):
        seed_message(sessions, n, [])
    ok(config, "replies", "batching", REFERENCE, "on")
    for n, day in ((1, 21), (2, 24), (3, 25)):
        queue(config, tmp_path, n, f"2026-01-{day}T10:00:00+00:00")
    # Reply 1 was captured on 21 January and leaves in the 23rd's release, alone.
    out = ok(config, "replies", "release", "--due", "--now", "2026-01-23T08:00:00+00:00")
    assert "Released 1 replies in 1 messages" in out
    out = ok(config, "replies", "release", "--due", "--now", "2026-02-06T08:00:00+00:00")
    assert "Released 2 replies in 1 messages" in out
    with sessions() as session:
        rows = session.scalars(select(OutboxRow).order_by(OutboxRow.id)).all()
    assert [len(r.payload["reply_ids"]) for r in rows] == [1, 2]  # type: ignore[arg-type]


def test_refusals(config: Path, sessions: sessionmaker[Session], tmp_path: Path) -> None:
    seed_case(sessions)
    path = tmp_path / "d.eml"
    path.write_bytes(draft(9, to="someone@else.example"))
    result = run(config, "replies", "queue", REFERENCE, str(path))
    assert result.exit_code != 0
    assert "not addressed to them" in result.output
    result = run(config, "replies", "queue", "MC-NOPE", str(path))
    assert result.exit_code != 0 and "no case" in result.output
    # No stored message, but addressed to the customer: held, without threading.
    path.write_bytes(draft(9))
    assert "held for release on 2026-" in ok(config, "replies", "queue", REFERENCE, str(path))
    with sessions() as session:
        assert session.scalars(select(HeldReply.state)).all() == [HELD]


def test_now_must_carry_a_time_zone(config: Path) -> None:
    result = run(config, "replies", "release", "--due", "--now", "2026-02-04T07:00")
    assert result.exit_code != 0 and "time zone" in result.output
    assert datetime(2026, 2, 4, tzinfo=UTC)  # keeps the import honest for readers
