"""The messages mailrouter sends: a SPOC's copy of diverted mail, and immediate alerts (pure).

A forward is ``multipart/mixed``: a short plain-text cover note, then the
original as received. The MIME around the original is written by hand rather
than by ``email.generator``, which would re-fold headers and re-encode bodies:
the SPOC (and any later complaint or tribunal) must see exactly what arrived.
The original goes as ``message/rfc822`` with 7bit or 8bit transfer encoding
when SMTP can carry it as it is; a message SMTP cannot carry verbatim (lines
over 998 octets, NUL bytes, stray CR or LF) goes as ``original.eml`` in base64,
which still decodes to the same bytes. The only change ever made is turning
LF-only line endings (an ``.eml`` file or a maildir copy) into SMTP's CRLF.

Message-IDs derive from the action's idempotency key, so a resend after a
crash is recognisably the same message. Nothing here reads a clock or a file.
"""

from __future__ import annotations

import base64
import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date as calendar_date
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage, MIMEPart
from email.policy import SMTP
from email.utils import format_datetime
from zoneinfo import ZoneInfo

from mailrouter.domain import ForwardToOfficer, RaiseAlert

LONDON = "Europe/London"
MAX_SUBJECT = 200
# RFC 5322 2.1.1: at most 998 octets per line, CRLF excluded.
MAX_LINE = 998
# Characters that reorder how text is displayed: a subject can use them to make a
# line read differently from what it contains (RFC 9839 / "Trojan Source").
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)

UNVERIFIED = (
    "The sender's address could not be verified (it failed DMARC): "
    "this may not be from the customer."
)
COPY_ONLY = (
    "This message was left in the service's inbox because it concerns a "
    "payment/repair/safeguarding matter; this is a copy for your records."
)
ALERT_KINDS = {
    "threat": "Threat of violence: refer to the police under the zero-tolerance policy",
    "welfare": "Welfare concern: consider an Adult Social Care referral",
    "statutory": "Statutory request from a managed contact customer: deadline {deadline}",
    "recommenced": "Dormant customer has recommenced contact: urgent IG consideration",
}


@dataclass(frozen=True, slots=True)
class ForwardContext:
    """What the register and the store say about a diverted message, for the cover note."""

    customer_name: str
    case_reference: str
    mailbox: str
    received_at: datetime
    subject: str


def clean_line(value: str, limit: int = MAX_SUBJECT) -> str:
    """One line of display text from hostile input: no breaks, controls or bidi overrides."""
    kept: list[str] = []
    for char in value:
        category = unicodedata.category(char)
        if char in BIDI_CONTROLS or category == "Cs":
            continue
        kept.append(" " if category in ("Cc", "Zl", "Zp") else char)
    text = " ".join("".join(kept).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def message_id_for(key: str, from_address: str) -> str:
    """A Message-ID that is the same every time the same effect is sent."""
    _, at, domain = from_address.rpartition("@")
    if not at or not re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?", domain):
        domain = "mailrouter.invalid"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def forward_message(
    action: ForwardToOfficer,
    raw: bytes,
    *,
    from_address: str,
    council_name: str,
    customer_name: str,
    case_reference: str,
    mailbox: str,
    received_at: datetime,
    subject: str = "",
    date: datetime | None = None,
    timezone: str = LONDON,
) -> bytes:
    """The SPOC's message: a cover note, then the original attached unaltered."""
    reference = clean_line(case_reference, 60) or f"case {action.case_id}"
    headers = _headers(
        from_address=from_address,
        council_name=council_name,
        to=[(action.officer_name, action.to)],
        subject=f"[Managed contact {reference}] {clean_line(subject) or '(no subject)'}",
        message_id=message_id_for(action.idempotency_key, from_address),
        date=date,
        extra=[("X-Mailrouter-Case", reference), ("X-Mailrouter-Message-Key", action.message_key)],
    )
    note = _cover_note(
        action,
        customer_name=customer_name,
        reference=reference,
        mailbox=mailbox,
        received_at=received_at,
        timezone=timezone,
    )
    cover = MIMEPart(policy=SMTP)
    cover.set_content(note, cte="quoted-printable")
    original = _original_part(raw)
    boundary = _boundary(action.idempotency_key, raw)
    delimiter = b"--" + boundary
    return b"".join(
        (
            headers,
            b'Content-Type: multipart/mixed; boundary="' + boundary + b'"\r\n\r\n',
            b"This is a MIME-formatted message.\r\n",
            delimiter + b"\r\n" + cover.as_bytes(),
            delimiter + b"\r\n" + original,
            # The CRLF before a delimiter belongs to the delimiter (RFC 2046 5.1.1),
            # so the attachment is exactly ``raw`` whether or not it ends in one.
            b"\r\n" + delimiter + b"--\r\n",
        )
    )


def alert_message(
    action: RaiseAlert,
    *,
    from_address: str,
    council_name: str,
    customer_name: str = "",
    case_reference: str = "",
    mailbox: str = "",
    received_at: datetime | None = None,
    subject: str = "",
    date: datetime | None = None,
    timezone: str = LONDON,
) -> bytes:
    """A short plain-text alert; it never carries the customer's message body."""
    headline = alert_headline(action)
    reference = clean_line(case_reference, 60)
    about = f" ({reference})" if reference else ""
    lines = [headline, "", f"Message: {clean_line(action.message_key)}"]
    lines += [f"Case: {reference}"] if reference else []
    lines += [f"Customer: {clean_line(customer_name)}"] if customer_name else []
    lines += [f"Sent to mailbox: {clean_line(mailbox)}"] if mailbox else []
    if received_at is not None:
        lines.append(f"Received: {_london_time(received_at, timezone)}")
    lines += [f"Subject: {clean_line(subject)}", f"Why: {clean_line(action.summary, 1000)}", ""]
    lines.append("The message itself is not included here. To see the decision, run:")
    lines.append(f"  mailrouter explain {clean_line(action.message_key)}")
    body = MIMEPart(policy=SMTP)
    body.set_content("\n".join(lines) + "\n", cte="quoted-printable")
    header_bytes = _headers(
        from_address=from_address,
        council_name=council_name,
        to=[("", address) for address in action.to],
        subject=f"URGENT{about}: {headline.split(':', 1)[0]}",
        message_id=message_id_for(action.idempotency_key, from_address),
        date=date,
        extra=[
            ("X-Mailrouter-Alert", action.kind),
            ("X-Mailrouter-Message-Key", action.message_key),
        ],
    )
    return header_bytes + body.as_bytes()


def alert_headline(action: RaiseAlert) -> str:
    template = ALERT_KINDS.get(action.kind)
    if template is None:
        return f"Alert ({clean_line(action.kind, 40)}): review at once"
    return template.format(deadline=_deadline(action.summary))


def _deadline(summary: str) -> str:
    # The statutory step writes "..., due YYYY-MM-DD" into the hit it reports.
    found = sorted(re.findall(r"due (\d{4}-\d{2}-\d{2})", summary))
    if not found:
        return "not computed, check the request now"
    day = calendar_date.fromisoformat(found[0])
    return f"{day:%A} {day.day} {day:%B %Y}"


def _headers(
    *,
    from_address: str,
    council_name: str,
    to: Sequence[tuple[str, str]],
    subject: str,
    message_id: str,
    date: datetime | None,
    extra: Sequence[tuple[str, str]],
) -> bytes:
    """The header block without its blank line; the policy encodes and folds each header."""
    msg = EmailMessage(policy=SMTP)
    sender = clean_line(f"{council_name} managed contact", 120)
    msg["From"] = Address(display_name=sender, addr_spec=from_address)
    msg["To"] = [Address(display_name=clean_line(name, 120), addr_spec=addr) for name, addr in to]
    msg["Subject"] = subject
    if date is not None:
        msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id
    msg["MIME-Version"] = "1.0"
    # Stops out-of-office replies and forwarding rules answering a machine.
    msg["Auto-Submitted"] = "auto-generated"
    for name, value in extra:
        msg[name] = clean_line(value, 300)
    return msg.as_bytes().removesuffix(b"\r\n")


def _cover_note(
    action: ForwardToOfficer,
    *,
    customer_name: str,
    reference: str,
    mailbox: str,
    received_at: datetime,
    timezone: str,
) -> str:
    lines: list[str] = []
    if not action.authenticated:
        lines += [f"WARNING: {UNVERIFIED}", ""]
    lines += [
        f"A message from {clean_line(customer_name) or 'a managed contact customer'} "
        f"({reference}) has been diverted to you under the Managed Contact Policy.",
        "",
        f"Sent to mailbox: {clean_line(mailbox)}",
        f"Received: {_london_time(received_at, timezone)}",
        "Why:",
        *(f"  - {clean_line(reason, 300)}" for reason in action.reasons),
        "",
    ]
    if action.copy_only:
        lines += [COPY_ONLY, ""]
    else:
        lines += [
            "The original is being moved from that mailbox to its managed contact folder.",
            "",
        ]
    lines.append("The original message is attached exactly as it arrived.")
    return "\n".join(lines) + "\n"


def _london_time(moment: datetime, timezone: str) -> str:
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{local:%A} {local.day} {local:%B %Y at %H:%M %Z}"


def _original_part(raw: bytes) -> bytes:
    """The attachment's headers and body; the body decodes to exactly the original."""
    # Mail stored with LF-only endings is the same message; SMTP requires CRLF.
    if b"\r" not in raw:
        raw = raw.replace(b"\n", b"\r\n")
    disposition = b'Content-Disposition: attachment; filename="original.eml"\r\n'
    if _smtp_safe(raw):
        cte = b"7bit" if raw.isascii() else b"8bit"
        return (
            b"Content-Type: message/rfc822\r\n"
            + disposition
            + b"Content-Transfer-Encoding: "
            + cte
            + b"\r\n\r\n"
            + raw
        )
    encoded = base64.encodebytes(raw).replace(b"\n", b"\r\n").removesuffix(b"\r\n")
    return (
        b'Content-Type: application/octet-stream; name="original.eml"\r\n'
        + disposition
        + b"Content-Transfer-Encoding: base64\r\n\r\n"
        + encoded
    )


def _smtp_safe(raw: bytes) -> bool:
    """True if SMTP can carry ``raw`` as it is: CRLF lines of at most 998 octets, no NUL."""
    if b"\0" in raw:
        return False
    return all(
        len(line) <= MAX_LINE and b"\r" not in line and b"\n" not in line
        for line in raw.split(b"\r\n")
    )


def _boundary(key: str, raw: bytes) -> bytes:
    """A boundary that does not occur in the original (deterministic, so resends match)."""
    seed = hashlib.sha256(key.encode() + hashlib.sha256(raw).digest())
    for counter in range(1000):
        seed.update(str(counter).encode())
        boundary = b"=_mailrouter_" + seed.hexdigest()[:32].encode()
        if boundary not in raw:
            return boundary
    raise ValueError("no MIME boundary is free in this message")  # pragma: no cover
