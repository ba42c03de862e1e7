"""A realistic register with a day of diverted mail, for previews, the CLI and the tests.

Customers go on the register through the register's own operations (the demo
seed: approvals, signatory, letter); their mail is stored as ingestion stores
it (the real parser reads the raw bytes, so broken charsets arrive as they
would) and recorded against their cases as routing records it. Then: held
replies, a parked outbox row, a failing mailbox, flags and a legal hold.

``hostile=True`` adds a customer whose name and mail carry script tags, CSS,
``javascript:`` URLs, a 2,000-character subject, RTL overrides and
undecodable bytes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from mailrouter.config import LimitSettings, Settings, SpocSettings
from mailrouter.demo.seed import ACTOR, add_stage1, add_stage2
from mailrouter.parsing import parse
from mailrouter.register.service import Register
from mailrouter.store import db
from mailrouter.store.models.ingest import MailboxState
from mailrouter.store.models.messages import MessageRecord, RawMessage
from mailrouter.store.models.metrics import FlagRow
from mailrouter.store.models.outbox import OutboxRow, OutboxState
from mailrouter.store.models.register import Case, LegalHold
from mailrouter.store.models.replies import HELD, HeldReply
from mailrouter.store.models.routing import CaseContact, DecisionRow

SPOCS = (
    SpocSettings(
        id="jsmith", name="Jane Smith", email="jane.smith@council.example", deputy="akhan"
    ),
    SpocSettings(id="akhan", name="Asha Khan", email="asha.khan@council.example", deputy="jsmith"),
    SpocSettings(
        id="bpatel",
        name="Ben Patel",
        email="ben.patel@council.example",
        deputy="akhan",
        absent=True,
    ),
)

HOSTILE_NAME = (
    "<script>document.title='pwned';window.pwned=1</script>"
    "<style>body{display:none}</style>Robert \u202eexe.gnp\u202c Tables"
)
HOSTILE_SUBJECT = (
    "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">"
    '<a href="javascript:alert(1)">click</a> '
    "<style>table{width:5000px!important}</style>\u202eRE: urgent " + "A" * 1200 + " " + "x" * 700
)


@dataclass(frozen=True, slots=True)
class Sample:
    cases: dict[str, str]  # customer name -> case reference
    messages: dict[str, int]  # label -> stored message id


def settings_for(base: Settings) -> Settings:
    """``base`` with the sample's three SPOCs (one away, covered by a deputy)."""
    return replace(base, spocs=SPOCS)


def config_toml(settings: Settings, url: str, extra: str = "") -> str:
    """A config file naming the database at ``url`` and the sample's SPOCs, for the CLI."""
    spocs = "".join(
        f'[[spocs]]\nid = "{s.id}"\nname = "{s.name}"\nemail = "{s.email}"\n'
        f'deputy = "{s.deputy}"\nabsent = {str(s.absent).lower()}\n\n'
        for s in settings.spocs
    )
    return f'[database]\nurl = "{url}"\n{extra}\n{spocs}'


def seed(
    sessions: sessionmaker[Session],
    settings: Settings,
    *,
    now: datetime,
    hostile: bool = False,
    extra_mail: int = 0,
) -> Sample:
    """Fill an empty, migrated database; ``now`` is the digest's moment.

    ``extra_mail`` adds that many unread messages from Mary Sample, for a long digest.
    """
    register = Register(sessions, settings)
    # Days since each decision: Sam's review falls due within the fortnight, Colin's
    # is overdue and his arrangement lapses within the month.
    people = [
        ("Peter Example", "peter@example.net", "jsmith", 40),
        ("Mary Sample", "mary.sample@example.org", "jsmith", 40),
        ("Sam O'Neill & Sons", "sam@oneill.example", "akhan", 85),
        ("Colin Quiet", "colin@example.com", "akhan", 170),
        ("Dora Absent-Case", "dora@example.co.uk", "bpatel", 40),
    ]
    if hostile:
        people.append((HOSTILE_NAME, "robert@hostile.example", "jsmith", 40))
    cases: dict[str, str] = {}
    for name, address, spoc, age in people:
        setup_now = now - timedelta(days=age)
        ref = add_stage2(
            register, name, (address,), spoc=spoc, decided=setup_now.date(), now=setup_now
        )
        cases[name] = ref.reference
    # Closed more than two years ago: its deletion is due.
    old = now - timedelta(days=3 * 365)
    olive = add_stage1(
        register, "Olive Oldcase", ("olive@example.org",), spoc="akhan", decided=old.date(), now=old
    )
    closed = old + timedelta(days=120)
    register.close(
        olive.reference, on=closed.date(), reason="conduct improved", actor=ACTOR, now=closed
    )
    cases["Olive Oldcase"] = olive.reference
    messages: dict[str, int] = {}
    with db.transaction(sessions) as session:
        ids = {name: _case_id(session, ref) for name, ref in cases.items()}
        mail = _Mail(session, settings, now)
        messages["peter_foi"] = mail.add(
            ids["Peter Example"],
            "peter@example.net",
            "Peter Example",
            "Freedom of Information request: housing repairs spend 2025",
            "housing",
            hours_ago=30,
            hits=[("statutory-request", f"FOI, due {_plus(now, 28)}")],
        )
        messages["peter_sar"] = mail.add(
            ids["Peter Example"],
            "peter@example.net",
            "Peter Example",
            "All the data you hold about me",
            "customer.services",
            hours_ago=80,
            hits=[("statutory-request", f"SAR, due {_plus(now, 20)}")],
        )
        messages["peter_read"] = mail.add(
            ids["Peter Example"],
            "peter@example.net",
            "Peter Example",
            "Bins again",
            "waste",
            hours_ago=5,
            read=True,
        )
        messages["mary_threat"] = mail.add(
            ids["Mary Sample"],
            "mary.sample@example.org",
            "Mary Sample",
            "You will regret this",
            "planning",
            hours_ago=3,
            hits=[("safety-concern", "threat of violence (0.93)")],
        )
        messages["sam_complaint"] = mail.add(
            ids["Sam O'Neill & Sons"],
            "sam@oneill.example",
            "Sam O'Neill",
            "Formal complaint about the council's handling",
            "council.tax",
            hours_ago=60,
            hits=[("statutory-request", f"Complaint, due {_plus(now, -2)}")],
        )
        messages["dora"] = mail.add(
            ids["Dora Absent-Case"],
            "dora@example.co.uk",
            "Dora",
            "Parking permit renewal",
            "parking",
            hours_ago=10,
        )
        if hostile:
            messages["hostile"] = mail.add_raw(
                ids[HOSTILE_NAME],
                _hostile_raw(),
                "housing",
                hours_ago=50,
                hits=[
                    ("statutory-request", f"<b>FOI</b>, due {_plus(now, 15)}"),
                    ("safety-concern", "<script>alert('x')</script> threat"),
                ],
            )
        for n in range(extra_mail):
            mail.add(
                ids["Mary Sample"],
                "mary.sample@example.org",
                "Mary Sample",
                f"Planning objection, part {n + 1}",
                "planning",
                hours_ago=4 + n / 60,
            )
        _held(session, ids["Peter Example"], "jsmith", "Re: Bins again", now, days=9)
        _held(
            session,
            ids["Sam O'Neill & Sons"],
            "akhan",
            "Your complaint",
            now,
            days=2,
            early="Complaint due soon: released on the working day before the deadline",
        )
        if hostile:
            _held(session, ids[HOSTILE_NAME], "jsmith", HOSTILE_SUBJECT, now, days=5)
        _ig_items(session, ids, now)
    return Sample(cases, messages)


def _plus(now: datetime, days: int) -> str:
    return (now.date() + timedelta(days=days)).isoformat()


def _case_id(session: Session, reference: str) -> int:
    case = session.query(Case).filter(Case.reference == reference).one()
    return case.id


class _Mail:
    def __init__(self, session: Session, settings: Settings, now: datetime) -> None:
        self.session = session
        self.settings = settings
        self.now = now
        self.count = 0

    def add(
        self,
        case_id: int,
        sender: str,
        name: str,
        subject: str,
        mailbox: str,
        *,
        hours_ago: float,
        hits: list[tuple[str, str]] | None = None,
        read: bool = False,
    ) -> int:
        raw = (
            f"From: {name} <{sender}>\r\nTo: {mailbox}@council.example\r\n"
            f"Subject: {subject}\r\nMessage-ID: <m{self.count}.{case_id}@example.net>\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            f"Dear council,\r\n\r\n{subject}. Please reply by return.\r\n\r\n{name}\r\n"
        ).encode()
        return self.add_raw(case_id, raw, mailbox, hours_ago=hours_ago, hits=hits, read=read)

    def add_raw(
        self,
        case_id: int,
        raw: bytes,
        mailbox: str,
        *,
        hours_ago: float,
        hits: list[tuple[str, str]] | None = None,
        read: bool = False,
    ) -> int:
        self.count += 1
        parsed = parse(raw, LimitSettings())
        at = self.now - timedelta(hours=hours_ago)
        sha = hashlib.sha256(raw).hexdigest()
        if self.session.get(RawMessage, sha) is None:
            self.session.add(RawMessage(sha256=sha, size=len(raw), data=raw, stored_at=at))
            self.session.flush()  # no ORM relationship orders this insert before the record's
        record = MessageRecord(
            source=f"{mailbox}/INBOX",
            source_key=f"1:{self.count}",
            raw_sha256=sha,
            message_id=parsed.message_id,
            sender=parsed.sender,
            sender_name=parsed.sender_name,
            subject=parsed.subject,
            received_at=at,
            size=len(raw),
            mailbox=mailbox,
            folder="INBOX",
            routed_at=at,
        )
        self.session.add(record)
        self.session.flush()
        self.session.add(
            DecisionRow(
                message_pk=record.id,
                verdict="divert",
                reasons=["stage 2 customer"],
                hits=[
                    {"step": step, "verdict": "alert", "detail": detail}
                    for step, detail in (hits or [])
                ],
                detections=[],
                decided_at=at,
            )
        )
        self.session.add(
            CaseContact(
                case_id=case_id,
                message_pk=record.id,
                kind="diverted",
                recorded_at=at,
                read_at=at + timedelta(hours=1) if read else None,
                read_by="jsmith" if read else None,
            )
        )
        return record.id


def _hostile_raw() -> bytes:
    # A subject in an undeclared 8-bit charset, an encoded word naming a charset that
    # does not exist, and an HTML body with script: what a hostile sender can do.
    return (
        b"From: =?x-unknown?B?PHNjcmlwdD4=?= <script>@hostile.example>, robert@hostile.example\r\n"
        b"To: housing@council.example\r\n"
        b"Subject: " + HOSTILE_SUBJECT.encode("utf-8") + b" caf\xe9 \xff\xfe =?utf-8?B?/w==?=\r\n"
        b"Message-ID: <hostile@hostile.example>\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: text/html; charset=x-broken\r\n\r\n"
        b"<html><body><script>document.title='pwned'</script><p>Open "
        b"<a href='javascript:alert(1)'>this</a> \xe9\xff</p></body></html>\r\n"
    )


def _held(
    session: Session,
    case_id: int,
    spoc: str,
    subject: str,
    now: datetime,
    *,
    days: int,
    early: str | None = None,
) -> None:
    raw = f"Subject: {subject[:200]}\r\n\r\nReply text.\r\n".encode()
    session.add(
        HeldReply(
            case_id=case_id,
            spoc_id=spoc,
            captured_by=spoc,
            to_address="customer@example.net",
            raw=raw,
            raw_sha256=hashlib.sha256(raw).hexdigest(),
            subject=subject,
            captured_at=now - timedelta(days=1),
            release_on=now.date() + timedelta(days=days),
            early_reason=early,
            state=HELD,
        )
    )


def _ig_items(session: Session, ids: dict[str, int], now: datetime) -> None:
    session.add(
        OutboxRow(
            idempotency_key="sample:parked-forward",
            kind="forward",
            payload={},
            state=OutboxState.parked,
            attempts=12,
            not_before=now - timedelta(hours=20),
            last_error="PermanentError: 550 5.1.1 <spoc.left@council.example>: mailbox unknown",
            created_at=now - timedelta(hours=20),
        )
    )
    session.add(
        MailboxState(
            mailbox="planning",
            folder="INBOX",
            status="failing",
            last_error="AUTHENTICATIONFAILED: invalid credentials",
            last_error_at=now - timedelta(minutes=5),
            consecutive_failures=42,
            failing_since=now - timedelta(hours=3),
            updated_at=now,
        )
    )
    session.add(
        FlagRow(
            subject="sender:newaddress@example.net",
            kind="alias",
            period_start=now.date() - timedelta(days=7),
            period_end=now.date(),
            value=0.95,
            threshold=0.9,
            explanation="Writes like Peter Example and signs with his phone number",
            evidence={},
            status="open",
            urgent=True,
            created_at=now - timedelta(hours=6),
            updated_at=now - timedelta(hours=6),
        )
    )
    colin = session.get_one(Case, ids["Colin Quiet"])
    session.add(
        LegalHold(
            customer_id=colin.customer_id,
            kind="foi",
            reference="FOI-2026-0412",
            opened_on=now.date() - timedelta(days=12),
        )
    )


def day_of(now: datetime, settings: Settings) -> date:
    return now.astimezone(settings.tz).date()
