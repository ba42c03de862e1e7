"""Runs the demo: local servers, a fresh SQLite database, the sample register and mail, one pass.

Everything lives under ``var/demo`` in the working folder and is replaced on
each run; the servers listen on 127.0.0.1 only and are stopped at the end.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from imapclient import IMAPClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter import config, daemon
from mailrouter.demo import sample, seed
from mailrouter.register.service import Register
from mailrouter.store import db
from mailrouter.store.models import MessageRecord
from mailrouter.store.models.routing import DecisionRow
from mailrouter.testing.servers import Dovecot, Received, SmtpSink

Echo = Callable[[str], None]


@dataclass(frozen=True)
class Outcome:
    mail: sample.SampleMail
    verdict: str
    reasons: list[str]


def demo_config(folder: Path, imap_port: int, smtp_port: int, password_file: Path) -> str:
    mailboxes = "".join(
        f'[[mailboxes]]\nname = "{name}"\nhost = "127.0.0.1"\nport = {imap_port}\n'
        f'security = "none"\nusername = "{name}"\npassword_file = "{password_file.name}"\n'
        f'service = "{service}"\nidle = false\n\n'
        for name, service in sample.MAILBOXES
    )
    spocs = "".join(
        f'[[spocs]]\nid = "{sid}"\nname = "{name}"\nemail = "{email}"\n\n'
        for sid, name, email in sample.SPOCS
    )
    return (
        "# Written by `mailrouter demo`; its servers are gone once the demo ends.\n"
        f'[general]\ncouncil_name = "Example Borough Council (demo)"\n\n'
        f'[database]\nurl = "sqlite:///{folder}/mailrouter.sqlite3"\n\n'
        f'[smtp]\nhost = "127.0.0.1"\nport = {smtp_port}\n\n'
        '[contacts]\nig_address = "information.governance@council.example"\n'
        'service_alert_addresses = ["service.manager@council.example"]\n\n'
        f"{mailboxes}{spocs}"
    )


def _seed(settings: config.Settings, sessions: sessionmaker[Session], now: datetime) -> None:
    register = Register(sessions, settings)
    decided = (now - timedelta(days=30)).date()
    for customer in sample.CUSTOMERS:
        add = {"stage2": seed.add_stage2, "monitoring": seed.add_stage1}.get(
            customer.status, seed.add_dormant
        )
        when = decided if customer.status != "dormant" else decided - timedelta(days=400)
        add(register, customer.name, customer.addresses, spoc=customer.spoc, decided=when, now=now)


def _deliver(dovecot: Dovecot, now: datetime) -> None:
    for n, item in enumerate(sample.MAIL):
        message = EmailMessage()
        message["From"] = item.sender
        message["To"] = f"{item.mailbox}@council.example"
        message["Subject"] = item.subject
        message["Date"] = format_datetime(now - timedelta(minutes=len(sample.MAIL) - n))
        message["Message-ID"] = make_msgid(domain="example.org")
        message.set_content(item.body)
        client = IMAPClient("127.0.0.1", port=dovecot.port, ssl=False, timeout=10)
        client.login(*dovecot.account(item.mailbox))
        client.append("INBOX", message.as_bytes())
        client.logout()


def _outcomes(sessions: sessionmaker[Session]) -> list[Outcome]:
    with sessions() as session:
        rows = session.execute(
            select(MessageRecord.subject, DecisionRow.verdict, DecisionRow.hits).join(
                DecisionRow, DecisionRow.message_pk == MessageRecord.id
            )
        ).all()
    decided = {subject: (verdict, hits) for subject, verdict, hits in rows}
    outcomes = []
    for item in sample.MAIL:
        verdict, hits = decided.get(item.subject, ("not decided", []))
        reasons = [f"{h['step']}: {h['detail']}" for h in hits]
        outcomes.append(Outcome(item, verdict, reasons))
    return outcomes


def _report(echo: Echo, outcomes: list[Outcome], sent: list[Received], config_path: Path) -> None:
    echo("\nWhat mailrouter did with each message:\n")
    for outcome in outcomes:
        echo(f"  {outcome.mail.sender}  ->  {outcome.mail.mailbox}: {outcome.mail.subject!r}")
        echo(f"      verdict: {outcome.verdict}")
        for reason in outcome.reasons:
            echo(f"        - {reason}")
        echo(f"      expected: {outcome.mail.note}")
    echo("\nMail mailrouter sent (captured by the demo's SMTP server):\n")
    for received in sent:
        subject = " ".join(str(received.message["Subject"]).split())
        echo(f"  to {', '.join(received.rcpt_tos)}: {subject}")
    echo("\nWhere to look next (the database stays in var/demo):")
    for command in (
        "register list",
        "diverted list --unread",
        "outbox list --state done",
        "explain 1",
        "status",
    ):
        echo(f"  .venv/bin/mailrouter --config {config_path} {command}")


def run_demo(folder: Path, echo: Echo) -> int:
    """Run the whole demo; returns how many sample messages were not decided (0 is success)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    now = datetime.now(UTC)
    with Dovecot() as dovecot, SmtpSink() as sink:
        echo(f"Started Dovecot on 127.0.0.1:{dovecot.port} and an SMTP server on :{sink.port}.")
        password_file = folder / "mailbox.password"
        password_file.write_text(dovecot.password + "\n")
        config_path = folder / "mailrouter.toml"
        config_path.write_text(
            demo_config(folder.resolve(), dovecot.port, sink.port, password_file)
        )
        settings = config.load(config_path, {})
        engine = db.make_engine(settings.database_url())
        try:
            db.upgrade(engine)
            sessions = db.session_factory(engine)
            _seed(settings, sessions, now)
            echo(f"Register: {len(sample.CUSTOMERS)} sample customers (stage 2, stage 1, dormant).")
            _deliver(dovecot, now)
            echo(
                f"Delivered {len(sample.MAIL)} sample messages to {len(sample.MAILBOXES)} "
                "staff mailboxes. Running mailrouter once..."
            )
            summary = asyncio.run(daemon.run_once(settings, sessions))
            echo(
                f"Stored {summary.stored}, decided {summary.routing.routed}, "
                f"performed {summary.effects} effects."
            )
            outcomes = _outcomes(sessions)
            _report(echo, outcomes, list(sink.messages), config_path)
        finally:
            engine.dispose()
    return sum(1 for o in outcomes if o.verdict == "not decided")
