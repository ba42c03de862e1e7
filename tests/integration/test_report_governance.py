"""The quarterly governance report from a seeded register, on SQLite and PostgreSQL.

The register below is built through the register's own service (so the audit
chain holds its history), with dates chosen so every figure can be checked by
hand. Cases, for 2026Q4 (1 October to 31 December 2026):

A  stage 1 opened 1 May, decided 4 May (expires 4 Nov), lapses 5 Nov   Housing
B  stage 1 opened 3 Aug, decided 3 Aug; review 15 Oct escalates;
   stage 2 decided 20 Oct                                              Housing
C  stage 2 opened 1 Jun, decided 8 Jun; reviews 1 Sep (continue),
   20 Nov (extend to 20 May 2027)                                      Planning
D  stage 1 opened 1 Jul, decided 1 Jul (expires 1 Jan 2027), never
   reviewed: overdue since 1 Oct; lapses 2 Jan 2027                    hostile service
E  stage 1 opened 10 Oct, undecided                                    none
F  stage 2 opened 1 Sep, undecided; back to stage 1 on 2 Nov           Housing
G  stage 1 opened 1 Jun, decided 1 Jun; review 5 Oct closes it         Housing
H  stage 1 opened 5 Jan, closed 1 Mar                                  none
I  stage 1 opened 2 Jan 2027 (after the quarter)                       none
J  stage 2 opened 15 Dec, undecided                                    none
"""

from __future__ import annotations

import csv
import hashlib
import itertools
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.cli import cli
from mailrouter.config import MailboxSettings, Secret, Settings
from mailrouter.domain import CaseStatus
from mailrouter.register.casework import ApprovalInput, ReviewInput
from mailrouter.register.people import Identities, NewCase, NewCustomer
from mailrouter.register.service import Register
from mailrouter.register.states import Outcome, Role, SignatoryTitle
from mailrouter.reports.governance import NO_SERVICE, GovernanceReport
from mailrouter.reports.output import governance_report, write_governance
from mailrouter.reports.quarter import Quarter
from mailrouter.store.models import MessageRecord, RawMessage
from mailrouter.store.models.routing import CaseContact

NOW = datetime(2027, 1, 5, 9, 0, tzinfo=UTC)
Q4 = Quarter(2026, 4)
HOSTILE_NAME = (
    "<script>document.title='pwned'</script>\u202eRekrah " + "Derek-Harker-with-no-breaks-" * 9
)[:300]
HOSTILE_SERVICE = '<img src=x onerror="document.title=1">\u202eSnialpmoc ' + "Z" * 2000
MAILBOXES = {"housing": "Housing", "planning": "Planning", "complaints": HOSTILE_SERVICE}
_numbers = itertools.count(1)


def _settings() -> Settings:
    return Settings(
        mailboxes=tuple(
            MailboxSettings(name, name, Secret("x"), service=service)
            for name, service in MAILBOXES.items()
        ),
    )


def _add(register: Register, stage: CaseStatus, opened: date, name: str = "Derek Harker") -> str:
    email = f"customer{next(_numbers)}@example.org"
    extreme = "threatened staff" if stage is CaseStatus.stage2 else None
    new = NewCase(stage, opened, extreme_reason=extreme)
    ref = register.add(NewCustomer(name, Identities(emails=(email,))), new, actor="ig", now=NOW)
    return ref.reference


def _stage1(register: Register, ref: str, on: date) -> None:
    given = ApprovalInput(Role.manager, "Mo Manager", "mo@council.example", on)
    register.approve(ref, given, actor="ig", now=NOW)


def _stage2(register: Register, ref: str, on: date) -> None:
    for role, name, email, title in (
        (Role.head_of_service, "Hannah Head", "hos@council.example", None),
        (Role.senior_ig_officer, "Sam Sigo", "sigo@council.example", None),
        (Role.signatory, "Dana Director", "director@council.example", SignatoryTitle.director),
    ):
        register.approve(
            ref, ApprovalInput(role, name, email, on, title=title), actor="ig", now=NOW
        )


def _review(
    register: Register, ref: str, on: date, outcome: Outcome, new_expiry: date | None = None
) -> None:
    given = ReviewInput(on, "contact log", outcome, reasons="as recorded", new_expiry=new_expiry)
    register.review(ref, given, actor="ig", now=NOW)


def _contact(
    sessions: sessionmaker[Session], case_ref: str, mailbox: str, at: datetime, kind: str
) -> None:
    from sqlalchemy import select  # noqa: PLC0415 - keeps the seed helpers together

    from mailrouter.store.models.register import Case  # noqa: PLC0415

    n = next(_numbers)
    raw = f"Subject: {n}\r\n\r\nbody {n}\r\n".encode()
    sha = hashlib.sha256(raw).hexdigest()
    with sessions() as s, s.begin():
        case_id = s.scalars(select(Case.id).where(Case.reference == case_ref)).one()
        s.add(RawMessage(sha256=sha, size=len(raw), data=raw))
        s.flush()
        record = MessageRecord(
            source=f"{mailbox}/INBOX",
            source_key=f"1:{n}",
            raw_sha256=sha,
            subject=f"message {n}",
            received_at=at,
            mailbox=mailbox,
        )
        s.add(record)
        s.flush()
        s.add(CaseContact(case_id=case_id, message_pk=record.id, kind=kind, recorded_at=at))


def _seed(sessions: sessionmaker[Session]) -> None:
    register = Register(sessions, _settings())
    a = _add(register, CaseStatus.monitoring, date(2026, 5, 1))
    _stage1(register, a, date(2026, 5, 4))
    b = _add(register, CaseStatus.monitoring, date(2026, 8, 3))
    _stage1(register, b, date(2026, 8, 3))
    _review(register, b, date(2026, 10, 15), Outcome.escalate)
    _stage2(register, b, date(2026, 10, 20))
    c = _add(register, CaseStatus.stage2, date(2026, 6, 1))
    _stage2(register, c, date(2026, 6, 8))
    _review(register, c, date(2026, 9, 1), Outcome.continue_)
    _review(register, c, date(2026, 11, 20), Outcome.extend, date(2027, 5, 20))
    d = _add(register, CaseStatus.monitoring, date(2026, 7, 1), name=HOSTILE_NAME)
    _stage1(register, d, date(2026, 7, 1))
    _add(register, CaseStatus.monitoring, date(2026, 10, 10))  # E
    f = _add(register, CaseStatus.stage2, date(2026, 9, 1))
    register.change_status(
        f, CaseStatus.monitoring, on=date(2026, 11, 2), reason="not extreme", actor="ig", now=NOW
    )
    g = _add(register, CaseStatus.monitoring, date(2026, 6, 1))
    _stage1(register, g, date(2026, 6, 1))
    _review(register, g, date(2026, 10, 5), Outcome.close)
    h = _add(register, CaseStatus.monitoring, date(2026, 1, 5))
    register.close(h, on=date(2026, 3, 1), reason="resolved", actor="ig", now=NOW)
    _add(register, CaseStatus.monitoring, date(2027, 1, 2))  # I
    _add(register, CaseStatus.stage2, date(2026, 12, 15))  # J
    # Lapses A (on 5 Nov) and D (on 2 Jan 2027, after the quarter).
    assert sorted(register.lapse_expired(actor="system", now=NOW)) == sorted([a, d])

    at = datetime
    for ref, mailbox, when, kind in (
        (a, "housing", at(2026, 6, 1, 10, tzinfo=UTC), "copied"),
        (b, "housing", at(2026, 9, 10, 10, tzinfo=UTC), "diverted"),  # Q3
        (b, "housing", at(2026, 11, 2, 10, tzinfo=UTC), "diverted"),
        (b, "housing", at(2026, 11, 3, 10, tzinfo=UTC), "diverted"),
        (b, "housing", at(2026, 12, 1, 10, tzinfo=UTC), "diverted"),
        (c, "housing", at(2026, 7, 1, 10, tzinfo=UTC), "copied"),
        # 00:30 on 1 October in London (BST): inside the quarter.
        (c, "planning", at(2026, 9, 30, 23, 30, tzinfo=UTC), "diverted"),
        (c, "planning", at(2026, 10, 20, 10, tzinfo=UTC), "diverted"),
        (c, "unlisted", at(2026, 12, 31, 23, 30, tzinfo=UTC), "diverted"),
        (c, "planning", at(2027, 1, 1, 0, 30, tzinfo=UTC), "diverted"),  # Q1 2027
        (d, "complaints", at(2026, 11, 5, 10, tzinfo=UTC), "diverted"),
        (f, "housing", at(2026, 11, 10, 10, tzinfo=UTC), "copied"),
        (g, "housing", at(2026, 7, 1, 10, tzinfo=UTC), "copied"),
    ):
        _contact(sessions, ref, mailbox, when, kind)


@pytest.fixture
def report(sessions: sessionmaker[Session]) -> GovernanceReport:
    _seed(sessions)
    return governance_report(sessions, _settings(), Q4)


def test_active_arrangements_by_stage_and_service(report: GovernanceReport) -> None:
    got = {(a.stage, a.service): a.cases for a in report.active}
    assert got == {
        ("monitoring", "Housing"): 1,  # F
        ("monitoring", HOSTILE_SERVICE): 1,  # D: lapses only after the quarter
        ("monitoring", NO_SERVICE): 1,  # E
        ("stage2", "Housing"): 1,  # B
        ("stage2", "Planning"): 1,  # C: two planning contacts to one housing
        ("stage2", NO_SERVICE): 1,  # J
    }
    assert (report.active_total("monitoring"), report.active_total("stage2")) == (3, 3)


def test_movements_in_the_quarter(report: GovernanceReport) -> None:
    got = {(m.movement, m.stage): m.cases for m in report.movements if m.cases}
    assert got == {
        ("new", "monitoring"): 1,  # E (I opened after the quarter, H before)
        ("new", "stage2"): 1,  # J
        ("escalated", "stage2"): 1,  # B, by its review
        ("de-escalated", "monitoring"): 1,  # F
        ("lapsed", "monitoring"): 1,  # A
        ("closed", "monitoring"): 1,  # G, by its review
    }


def test_reviews_outcomes_and_overdue(report: GovernanceReport) -> None:
    assert report.reviews_done == 3
    assert {o.outcome: o.reviews for o in report.outcomes} == {
        "continue": 0,  # C's continue was in Q3
        "extend": 1,
        "escalate": 1,
        "close": 1,
    }
    assert [(o.customer_name, o.review_due_on, o.days_overdue) for o in report.overdue] == [
        (HOSTILE_NAME, date(2026, 10, 1), 91)
    ]
    assert report.overdue[0].service == HOSTILE_SERVICE


def test_durations_at_each_stage(report: GovernanceReport) -> None:
    got = {(d.stage, d.spells): (d.count, d.median_days, d.max_days) for d in report.durations}
    assert got == {
        ("monitoring", "ended in quarter"): (3, 126.0, 188),  # A 188, B 73, G 126
        ("monitoring", "running at quarter end"): (3, 82.0, 183),  # D 183, E 82, F 59
        ("stage2", "ended in quarter"): (1, 62.0, 62),  # F
        ("stage2", "running at quarter end"): (3, 77.0, 213),  # B 77, C 213, J 16
    }


def test_diverted_volume_per_service(report: GovernanceReport) -> None:
    got = {d.service: (d.messages, d.cases) for d in report.diverted}
    assert got == {
        "Housing": (3, 1),
        "Planning": (2, 1),
        HOSTILE_SERVICE: (1, 1),
        NO_SERVICE: (1, 1),
    }


def test_files_csv_and_html(report: GovernanceReport, tmp_path: Path) -> None:
    paths = write_governance(report, tmp_path, "both", NOW)
    names = sorted(p.name for p in paths)
    assert names == sorted(
        [
            f"governance-2026Q4-{k}.csv"
            for k in (
                "summary",
                "active",
                "movements",
                "outcomes",
                "overdue",
                "durations",
                "diverted",
            )
        ]
        + ["governance-2026Q4.html"]
    )
    with (tmp_path / "governance-2026Q4-summary.csv").open(encoding="utf-8") as handle:
        summary = dict(csv.reader(handle))
    assert summary["active at quarter end: stage 2"] == "3"
    assert summary["reviews overdue at quarter end"] == "1"
    assert summary["diverted messages in quarter"] == "7"
    with (tmp_path / "governance-2026Q4-overdue.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["customer"] for r in rows] == [HOSTILE_NAME]
    page = (tmp_path / "governance-2026Q4.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;" in page
    assert "http://" not in page and "https://" not in page


def test_cli_writes_the_report(
    sessions: sessionmaker[Session], db_url: str, tmp_path: Path
) -> None:
    _seed(sessions)
    config = tmp_path / "mailrouter.toml"
    config.write_text(f'[database]\nurl = "{db_url}"\n', encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        [
            "--config",
            str(config),
            "report",
            "governance",
            "--quarter",
            "2026Q4",
            "--out",
            str(out),
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) == 7
    with (out / "governance-2026Q4-active.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    # Without mailbox settings no case has a service.
    assert {(r["stage"], r["service"], r["cases"]) for r in rows} == {
        ("Stage 1 (monitoring)", NO_SERVICE, "3"),
        ("Stage 2", NO_SERVICE, "3"),
    }
    bad = CliRunner().invoke(
        cli, ["--config", str(config), "report", "governance", "--quarter", "2026Q5"]
    )
    assert bad.exit_code == 2
    assert "not a quarter" in bad.output
