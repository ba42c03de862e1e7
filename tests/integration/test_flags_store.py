"""Metrics and the flag queue through the real store, on SQLite and PostgreSQL.

Messages are stored and counted as the router would count them, then the CLI
scans, shows, dismisses and proposes: a scatter-gun sender is flagged with its
evidence, a polite frequent correspondent is not, a dismissed flag stays
dismissed, and a proposal opens a stage 1 case only.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.cli import cli
from mailrouter.commands.contact_cmd import contact
from mailrouter.commands.flags_cmd import flags
from mailrouter.config import ContactSettings, Settings
from mailrouter.metrics.record import record_message_metrics
from mailrouter.metrics.snapshot import load_snapshot
from mailrouter.store import db
from mailrouter.store.models import MessageAddress, MessageRecord, RawMessage
from mailrouter.store.models.metrics import FlagRow, SenderDay
from mailrouter.store.models.register import AuditRow, Case, Customer, CustomerEmail

for group in (flags, contact):
    if group.name not in cli.commands:
        cli.add_command(group)

CHIEF = "chief.executive@council.example"
SETTINGS = Settings(contacts=ContactSettings(senior_staff=(CHIEF,)))
MONDAY = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
_keys = itertools.count()


def _store(
    session: Session,
    sender: str,
    when: datetime,
    to: Sequence[str],
    labels: frozenset[str] = frozenset(),
) -> int:
    n = next(_keys)
    sha = f"{n:064x}"
    session.add(RawMessage(sha256=sha, size=1, data=b"x"))
    session.flush()
    record = MessageRecord(
        source="intake/INBOX",
        source_key=f"1:{n}",
        raw_sha256=sha,
        sender=sender,
        subject="s",
        mailbox="intake",
        folder="INBOX",
        received_at=when,
    )
    session.add(record)
    session.flush()
    addresses = [("from", sender)] + [("to", a) for a in to]
    for role, address in addresses:
        session.add(MessageAddress(message_pk=record.id, role=role, address=address))
    record_message_metrics(session, record, addresses, set(labels), SETTINGS)
    return record.id


@pytest.fixture
def config(engine: Engine, tmp_path: Path) -> Path:
    path = tmp_path / "mailrouter.toml"
    url = engine.url.render_as_string(hide_password=False)
    path.write_text(f'[database]\nurl = "{url}"\n\n[contacts]\nsenior_staff = ["{CHIEF}"]\n')
    return path


def run(config: Path, *args: str) -> Result:
    return CliRunner().invoke(
        cli, ["--config", str(config), *args], env={"MAILROUTER_ACTOR": "ig.officer"}
    )


def ok(config: Path, *args: str) -> str:
    result = run(config, *args)
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result.output


def test_counters_are_upserted_per_day_and_week(sessions: sessionmaker[Session]) -> None:
    with db.transaction(sessions) as s:
        _store(s, "a@example.org", MONDAY, ["officer1@council.example", CHIEF])
        _store(s, "a@example.org", MONDAY + timedelta(hours=9), ["officer1@council.example"])
        # Saturday 7 Nov: out of hours; the detector's label counts as abusive.
        saturday = MONDAY + timedelta(days=5)
        _store(
            s,
            "a@example.org",
            saturday,
            ["officer2@council.example"],
            frozenset({"abuse", "complaint"}),
        )
    with sessions() as s:
        rows = {r.day: r for r in s.scalars(select(SenderDay))}
        (metrics,) = load_snapshot(s, date(2026, 11, 1), date(2026, 11, 30))
    monday = rows[date(2026, 11, 2)]
    assert (monday.messages, monday.senior, monday.out_of_hours) == (2, 1, 1)  # 19:00 is evening
    saturday_row = rows[date(2026, 11, 7)]
    assert (saturday_row.out_of_hours, saturday_row.abusive, saturday_row.complaints) == (1, 1, 1)
    assert metrics.week_recipients[date(2026, 11, 2)] == frozenset(
        {"officer1@council.example", "officer2@council.example", CHIEF}
    )


def test_flag_queue_end_to_end(
    config: Path, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    with db.transaction(sessions) as s:
        for i in range(15):
            _store(
                s,
                "scatter@example.org",
                MONDAY + timedelta(hours=i),
                [f"officer{i}@council.example"],
            )
        for week in range(4):
            for day in (0, 2, 4):
                when = MONDAY + timedelta(days=7 * week + day)
                _store(s, "polite@example.org", when, [f"officer{day % 2}@council.example"])
        for i in range(12):
            _store(
                s,
                "loud@example.org",
                MONDAY + timedelta(days=9, minutes=i),
                ["officer1@council.example"],
            )
        # A register customer writing from two addresses, 5 staff from each: 10 > 8 together.
        customer = Customer(full_name="Two Addresses")
        s.add(customer)
        s.flush()
        for address in ("one@example.org", "two@example.org"):
            s.add(
                CustomerEmail(
                    customer_id=customer.id,
                    address=address,
                    normalized=address,
                    added_on=date(2026, 1, 1),
                )
            )
        s.flush()
        for i in range(5):
            _store(s, "one@example.org", MONDAY, [f"staff{i}@council.example"])
            _store(s, "two@example.org", MONDAY, [f"staff{i + 5}@council.example"])
        customer_subject = f"customer:{customer.id}"

    ok(
        config,
        "contact",
        "add",
        "--sender",
        "Loud@Example.org",
        "--channel",
        "phone",
        "--at",
        "2026-11-11T11:00:00+00:00",
        "--note",
        "called twice",
    )
    ok(config, "flags", "scan", "--end", "2026-11-29")
    listed = ok(config, "flags", "list")
    assert "Wrote to 15 different staff mailboxes in the week of 2 Nov (threshold 8)" in listed
    assert "Made 13 contacts on 11 Nov (threshold 10)" in listed  # 12 e-mails and a phone call
    assert "polite@example.org" not in listed
    assert "Wrote to 10 different staff mailboxes" in listed and customer_subject in listed

    with sessions() as s:
        ids = {r.subject + "/" + r.kind: r.id for r in s.scalars(select(FlagRow))}
    scatter = ids["scatter@example.org/scatter-gun"]
    chart = tmp_path / "timeline.svg"
    shown = ok(config, "flags", "show", str(scatter), "--svg", str(chart))
    assert "messages: " in shown and "officer14@council.example" not in shown
    assert chart.read_text().startswith("<svg") and "2026-11-02: 14" in chart.read_text()

    assert run(config, "flags", "dismiss", str(scatter)).exit_code == 2  # --reason is required
    ok(config, "flags", "dismiss", str(scatter), "--reason", "Consultation responses; legitimate")
    ok(config, "flags", "scan", "--end", "2026-11-29")
    assert "scatter@example.org scatter-gun" not in ok(config, "flags", "list")
    with sessions() as s:
        assert s.scalars(select(FlagRow).where(FlagRow.id == scatter)).one().status == "dismissed"

    loud = ids["loud@example.org/volume-day"]
    out = ok(config, "flags", "propose", str(loud), "--name", "Lou Loud", "--reason", "Daily calls")
    assert "Stage 1 case" in out
    with sessions() as s:
        case = s.scalars(select(Case)).one()
        actions = [a.action for a in s.scalars(select(AuditRow).order_by(AuditRow.seq))]
    assert case.status == "monitoring"
    assert {"flag.viewed", "flag.dismissed", "flag.proposed", "case.opened"} <= set(actions)
