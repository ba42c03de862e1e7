"""Alias, near-duplicate and renewed-contact flags through the real router and store.

Real messages (RFC 822 bytes in the raw store) are routed by ``Router`` with
the register's own lookup and the raw-store text loader, on SQLite and
PostgreSQL; then ``flags scan`` turns what routing kept into flags.
"""

from __future__ import annotations

import hashlib
import itertools
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.cli import cli
from mailrouter.commands.flags_cmd import flags
from mailrouter.config import ContactSettings, DetectionSettings, Settings
from mailrouter.metrics import queue
from mailrouter.metrics.repeats import RING
from mailrouter.register.queries import register_lookup
from mailrouter.routing import Router
from mailrouter.services import text_loader
from mailrouter.store import db
from mailrouter.store.models import MessageAddress, MessageRecord, RawMessage
from mailrouter.store.models.flags_alias import (
    AliasHit,
    RecommencedContact,
    SenderFingerprint,
    SenderTrait,
    WritingProfile,
)
from mailrouter.store.models.metrics import FlagRow, SenderDay
from mailrouter.store.models.register import Case, Customer, CustomerAlias, CustomerEmail
from mailrouter.store.models.routing import DecisionRow

SETTINGS = Settings(
    contacts=ContactSettings(ig_address="ig@council.example"),
    detection=DetectionSettings(enabled=False),
)
MONDAY = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
if flags.name not in cli.commands:
    cli.add_command(flags)
_keys = itertools.count()

KNOWN = (
    "Dear Sir,\n\nI am still waiting for the damp in my back bedroom to be treated. The"
    " surveyor came in August and nothing has happened since.\n\nKind regards\n"
    "Margaret Okafor\n07700 900123\n"
)
FROM_NEW_ADDRESS = (
    "Hello,\n\nPlease can someone tell me when the gutters on our block will be cleared?"
    " Water is running down the wall again.\n\nRegards,\nMargaret Okafor\n07700 900 123\n"
    "\nOn Mon, 2 Nov 2026, Housing <housing@council.example> wrote:\n> Call 01632 960000\n"
)
REPEAT = [
    "I am writing again about the repair to my kitchen window, which I reported in March."
    " Nobody has come out and the frame is rotten. Please send someone this week.",
    "I'm writing again about the repair to my kitchen window that I reported back in March."
    " No one has come out yet and the frame is rotten. Please send somebody this week.",
    "Writing again about the repair to my kitchen window, which I reported in March. Nobody"
    " has come out and the frame is rotten. Please send someone this week!",
    "I am writing AGAIN about the repair to my kitchen window, which I reported in March."
    " Nobody has come out and the frame is rotten. Please send someone this week.",
]
DISTINCT = [
    "Could you tell me how to apply for a resident parking permit on Station Street, and"
    " what documents I need to bring with me?",
    "Someone has dumped a mattress and bags of rubbish at the end of Park View again, and"
    " foxes are tearing the bags open.",
]


def _store(
    sessions: sessionmaker[Session], sender: str, name: str, body: str, when: datetime
) -> int:
    n = next(_keys)
    msg = EmailMessage()
    msg["From"] = f"{name} <{sender}>"
    msg["To"] = "housing@council.example"
    msg["Subject"] = f"Message {n}"
    msg["Message-ID"] = f"<m{n}@example.net>"
    msg.set_content(body)
    data = msg.as_bytes()
    sha = hashlib.sha256(data).hexdigest()
    with db.transaction(sessions) as s:
        if s.get(RawMessage, sha) is None:
            s.add(RawMessage(sha256=sha, size=len(data), data=data))
            s.flush()
        record = MessageRecord(
            source="housing/INBOX",
            source_key=f"1:{n}",
            raw_sha256=sha,
            sender=sender,
            sender_name=name,
            subject=f"Message {n}",
            mailbox="housing",
            folder="INBOX",
            received_at=when,
        )
        s.add(record)
        s.flush()
        s.add(MessageAddress(message_pk=record.id, role="from", address=sender))
        s.add(MessageAddress(message_pk=record.id, role="to", address="housing@council.example"))
        return record.id


def _route(sessions: sessionmaker[Session], now: datetime) -> None:
    router = Router(SETTINGS, register_lookup(SETTINGS), None, text_loader(SETTINGS))
    stats = router.route_pending(sessions, now)
    assert stats.failed == 0


def _customer(
    sessions: sessionmaker[Session],
    name: str,
    address: str,
    status: str,
    *,
    phone: str | None = None,
    dormant_since: date | None = None,
) -> tuple[int, int]:
    with db.transaction(sessions) as s:
        customer = Customer(full_name=name)
        s.add(customer)
        s.flush()
        s.add(
            CustomerEmail(
                customer_id=customer.id, address=address, normalized=address, added_on=MONDAY
            )
        )
        if phone:
            s.add(
                CustomerAlias(customer_id=customer.id, kind="phone", value=phone, normalized=phone)
            )
        case = Case(
            reference=f"MC-{customer.id:04d}",
            customer_id=customer.id,
            status=status,
            opened_on=date(2024, 1, 8),
            round_started_on=date(2024, 1, 8),
            dormant_since=dormant_since,
        )
        s.add(case)
        s.flush()
        return customer.id, case.id


def _scan(sessions: sessionmaker[Session], end: date, now: datetime) -> queue.ScanResult:
    return queue.scan(sessions, SETTINGS, start=end - timedelta(days=27), end=end, now=now)


def test_new_address_with_a_customers_phone_and_name_is_flagged_not_diverted(
    engine: Engine, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    cid, _ = _customer(sessions, "Margaret Okafor", "m.okafor@example.org", "stage2")
    for day in range(3):
        _store(sessions, "m.okafor@example.org", "Margaret Okafor", KNOWN, MONDAY + timedelta(day))
    _route(sessions, MONDAY + timedelta(days=3))
    with sessions() as s:
        profile = s.get(WritingProfile, cid)
        assert profile is not None
        assert profile.messages == 3
        assert {k for k, _ in s.execute(select(SenderTrait.kind, SenderTrait.key))} == {
            "phone",
            "name",
            "signature",
        }

    alias = "maggie.new@example.net"
    pk = _store(sessions, alias, "Mrs Margaret Okafor", FROM_NEW_ADDRESS, MONDAY + timedelta(4))
    _store(sessions, "someone@example.net", "Pat Jones", DISTINCT[0], MONDAY + timedelta(4))
    _route(sessions, MONDAY + timedelta(days=4, hours=1))
    with sessions() as s:
        decision = s.scalars(select(DecisionRow).where(DecisionRow.message_pk == pk)).one()
        assert decision.verdict == "none"  # never diverted on a suspicion
        hit = s.scalars(select(AliasHit)).one()
        assert (hit.sender, hit.customer_id, hit.kinds) == (alias, cid, "name,phone,signature")
        # The council number quoted from the reply is not read as hers.
        assert not s.scalars(select(SenderTrait).where(SenderTrait.key == "01632960000")).all()

    result = _scan(sessions, date(2026, 11, 8), MONDAY + timedelta(days=6))
    assert result.raised == 1
    rows = queue.list_flags(sessions)
    assert [(r.subject, r.kind, r.urgent) for r in rows] == [(alias, "possible-alias", False)]
    assert rows[0].explanation == (
        f"New address may be register customer Margaret Okafor (customer {cid}):"
        " the same phone number (07700900123), the same signature block,"
        ' the same name ("margaret okafor"). Not diverted: IG decide whether to add the'
        " address to the register"
    )
    assert rows[0].evidence["seen_in"] == ["m.okafor@example.org"]
    assert rows[0].evidence["message_ids"] == [pk]

    # IG read the evidence; an alias is never proposed as a new customer.
    config = tmp_path / "mailrouter.toml"
    url = engine.url.render_as_string(hide_password=False)
    config.write_text(f'[database]\nurl = "{url}"\n')
    env = {"MAILROUTER_ACTOR": "ig.officer"}
    shown = CliRunner().invoke(
        cli, ["--config", str(config), "flags", "show", str(rows[0].id)], env=env
    )
    assert shown.exit_code == 0, shown.output
    assert "kinds: name, phone, signature" in shown.output
    assert "seen in: m.okafor@example.org" in shown.output
    assert f"messages: {pk}" in shown.output
    args = ["flags", "propose", str(rows[0].id), "--name", "M Okafor", "--reason", "same phone"]
    proposed = CliRunner().invoke(cli, ["--config", str(config), *args], env=env)
    assert proposed.exit_code != 0
    assert "a possible alias is not a new customer" in str(proposed.exception)


def test_a_phone_in_the_register_is_enough_but_a_number_many_share_is_not(
    sessions: sessionmaker[Session],
) -> None:
    cid, _ = _customer(sessions, "Dev Patel", "dev@example.org", "monitoring", phone="07700900777")
    body = "Please call me back about my parking fine appeal, it has been weeks now."
    _store(sessions, "dp@example.net", "D Patel", f"{body}\n\nThanks\nDev\n07700 900777", MONDAY)
    # Seven people sign with the library's number: it says nothing about who they are.
    for n in range(7):
        text = f"{DISTINCT[n % 2]}\n\nThanks\nReader {n}\nLibrary 01632 960111"
        _store(sessions, f"reader{n}@example.net", f"Reader {n}", text, MONDAY)
    with db.transaction(sessions) as s:
        s.add(CustomerAlias(customer_id=cid, kind="name", value="Reader 6", normalized="x"))
    _route(sessions, MONDAY + timedelta(hours=1))
    with sessions() as s:
        hits = {(h.sender, h.kinds) for h in s.scalars(select(AliasHit))}
    assert hits == {("dp@example.net", "phone")}


def test_near_duplicate_repeats_are_counted_and_flagged(sessions: sessionmaker[Session]) -> None:
    sender = "chaser@example.net"
    texts = [REPEAT[0], DISTINCT[0], REPEAT[1], DISTINCT[1], REPEAT[2], REPEAT[3]]
    for n, text in enumerate(texts):
        _store(sessions, sender, "Chris Chase", text, MONDAY + timedelta(hours=n))
    _route(sessions, MONDAY + timedelta(days=1))
    with sessions() as s:
        day = s.get(SenderDay, (sender, MONDAY.date()))
        assert day is not None
        assert (day.messages, day.near_duplicates) == (6, 3)
    _scan(sessions, date(2026, 11, 8), MONDAY + timedelta(days=6))
    rows = [r for r in queue.list_flags(sessions) if r.kind == "near-duplicates"]
    assert len(rows) == 1
    assert rows[0].explanation.startswith(
        "Sent essentially the same message again 3 times in the week of 2 Nov"
    )
    assert len(rows[0].evidence["message_ids"]) == 6  # type: ignore[arg-type]


def test_fingerprints_stay_bounded_per_sender(sessions: sessionmaker[Session]) -> None:
    sender = "prolific@example.net"
    for n in range(RING + 5):
        text = f"Report number {n} of {n * 7} things: " + DISTINCT[n % 2] + f" ({n * 13})"
        _store(sessions, sender, "Pro Lific", text, MONDAY + timedelta(minutes=n))
    _route(sessions, MONDAY + timedelta(days=1))
    with sessions() as s:
        kept = s.scalar(select(func.count()).where(SenderFingerprint.sender == sender))
        newest = s.scalar(select(func.max(SenderFingerprint.seq)))
    assert (kept, newest) == (RING, RING + 5)


def test_a_dormant_customers_renewed_contact_is_an_urgent_flag(
    sessions: sessionmaker[Session],
) -> None:
    _customer(sessions, "Ann Other", "ann@example.org", "monitoring")
    cid, case_id = _customer(
        sessions, "Sam Quiet", "sam@example.org", "dormant", dormant_since=date(2025, 6, 30)
    )
    scatter = "scatter@example.net"
    for n in range(12):  # an ordinary flag raised earlier in the queue
        _store(sessions, scatter, "S", DISTINCT[n % 2] + f" {n}", MONDAY + timedelta(minutes=n))
    _route(sessions, MONDAY + timedelta(hours=1))
    _scan(sessions, date(2026, 11, 2), MONDAY + timedelta(hours=2))

    first = _store(sessions, "sam@example.org", "Sam Quiet", DISTINCT[0], MONDAY + timedelta(1))
    _route(sessions, MONDAY + timedelta(days=1, hours=1))
    _scan(sessions, date(2026, 11, 3), MONDAY + timedelta(days=1, hours=2))
    rows = queue.list_flags(sessions)
    assert (rows[0].kind, rows[0].urgent) == ("dormant-recommenced", True)
    urgent = rows[0]
    assert urgent.subject == f"customer:{cid}"
    assert urgent.explanation.startswith(
        f"Dormant customer Sam Quiet (customer {cid}) (case MC-{cid:04d}, dormant since"
        " 30 Jun 2025) has written again: 1 message(s) from 3 Nov."
    )
    assert urgent.evidence["message_ids"] == [first]
    assert urgent.evidence["case_id"] == case_id
    assert any(not r.urgent for r in rows[1:])

    # Dismissed with a reason, it does not come back when she writes again in this dormancy.
    queue.decide(
        sessions, urgent.id, status="dismissed", reason="reply sent", actor="ig", now=MONDAY
    )
    _store(sessions, "sam@example.org", "Sam Quiet", DISTINCT[1], MONDAY + timedelta(2))
    _route(sessions, MONDAY + timedelta(days=2, hours=1))
    _scan(sessions, date(2026, 11, 4), MONDAY + timedelta(days=2, hours=2))
    with sessions() as s:
        row = s.scalars(select(RecommencedContact)).one()
        assert (row.messages, row.first_day, row.last_day) == (
            2,
            date(2026, 11, 3),
            date(2026, 11, 4),
        )
        flags = s.scalars(select(FlagRow).where(FlagRow.kind == "dormant-recommenced")).all()
    assert [(f.status, f.value) for f in flags] == [("dismissed", 1.0)]
