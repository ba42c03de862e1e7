"""Typed rows read from the database and the digests built from them.

Rows (``*Row``) are what ``queries`` returns; everything else is what
``collect`` builds and ``render`` shows. All are frozen: a digest is a value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class DivertedRow:
    """A diverted (or copied) message recorded against one of a SPOC's cases."""

    message_pk: int
    case_id: int
    case_reference: str
    customer_name: str
    spoc_id: str
    recorded_at: datetime
    received_at: datetime
    mailbox: str
    subject: str
    sender: str
    read_at: datetime | None
    # (step, detail) of each routing hit, e.g. ("statutory-request", "SAR, due 2026-03-02").
    hits: tuple[tuple[str, str], ...]
    excerpt: str = ""
    # The case's own deputy in the register (None: the config's deputy stands in).
    deputy_spoc_id: str | None = None


@dataclass(frozen=True, slots=True)
class HeldRow:
    reply_id: int
    case_id: int
    case_reference: str
    customer_name: str
    spoc_id: str
    subject: str
    release_on: date
    early_reason: str | None
    deputy_spoc_id: str | None = None


@dataclass(frozen=True, slots=True)
class Deadline:
    label: str
    due: date
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


@dataclass(frozen=True, slots=True)
class ReadLink:
    """How to mark one message read: a signed console link when possible, always the CLI."""

    url: str | None
    command: str


@dataclass(frozen=True, slots=True)
class DigestItem:
    message_pk: int
    received_local: datetime
    mailbox: str
    subject: str
    sender: str
    unread: bool
    # Hours unread beyond the agreed time; None when not overdue (or read).
    overdue_hours: int | None
    statutory: tuple[Deadline, ...]
    safety: tuple[str, ...]
    excerpt: str
    link: ReadLink


@dataclass(frozen=True, slots=True)
class HeldItem:
    subject: str
    release_on: date
    early_reason: str | None


@dataclass(frozen=True, slots=True)
class CustomerGroup:
    case_reference: str
    customer_name: str
    items: tuple[DigestItem, ...]
    held: tuple[HeldItem, ...]

    @property
    def unread(self) -> int:
        return sum(item.unread for item in self.items)


@dataclass(frozen=True, slots=True)
class SpocDigest:
    spoc_id: str
    spoc_name: str
    to_name: str
    to_address: str
    # Set when the SPOC is absent and their deputy receives the digest.
    deputy_name: str | None
    day: date
    generated_local: datetime
    unread_alert_hours: int
    groups: tuple[CustomerGroup, ...]
    # The SPOC id of who reads it: the SPOC, or whichever deputy stands in for these cases.
    reader_id: str = ""

    @property
    def items(self) -> tuple[DigestItem, ...]:
        return tuple(item for group in self.groups for item in group.items)

    @property
    def unread(self) -> int:
        return sum(item.unread for item in self.items)

    @property
    def overdue(self) -> int:
        return sum(item.overdue_hours is not None for item in self.items)

    @property
    def statutory(self) -> int:
        return sum(len(item.statutory) for item in self.items)

    @property
    def safety(self) -> int:
        return sum(bool(item.safety) for item in self.items)

    @property
    def held(self) -> int:
        return sum(len(group.held) for group in self.groups)

    @property
    def empty(self) -> bool:
        return not self.groups


# IG summary rows (built by queries, shown as they are).


@dataclass(frozen=True, slots=True)
class ReviewItem:
    case_reference: str
    customer_name: str
    spoc_id: str
    review_due: date
    review_deadline: date
    overdue: bool
    past_deadline: bool


@dataclass(frozen=True, slots=True)
class LapsingItem:
    case_reference: str
    customer_name: str
    spoc_id: str
    expires_on: date
    lapsed: bool


@dataclass(frozen=True, slots=True)
class FlagItem:
    flag_id: int
    kind: str
    subject: str
    explanation: str
    urgent: bool
    new: bool
    created_local: datetime


@dataclass(frozen=True, slots=True)
class DeletionItem:
    case_reference: str
    due_on: date
    blocked_by: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class HoldItem:
    customer_name: str
    kind: str
    reference: str
    opened_on: date


@dataclass(frozen=True, slots=True)
class ParkedItem:
    outbox_id: int
    kind: str
    error: str
    created_local: datetime


@dataclass(frozen=True, slots=True)
class MailboxItem:
    mailbox: str
    folder: str
    failing_since_local: datetime | None
    failures: int
    error: str


@dataclass(frozen=True, slots=True)
class UnreadSpocItem:
    spoc_id: str
    spoc_name: str
    unread: int
    oldest_hours: int


@dataclass(frozen=True, slots=True)
class IgSummary:
    to_address: str
    day: date
    generated_local: datetime
    unread_alert_hours: int
    reviews: tuple[ReviewItem, ...]
    lapsing: tuple[LapsingItem, ...]
    flags: tuple[FlagItem, ...]
    deletions: tuple[DeletionItem, ...]
    holds: tuple[HoldItem, ...]
    parked: tuple[ParkedItem, ...]
    mailboxes: tuple[MailboxItem, ...]
    unread_spocs: tuple[UnreadSpocItem, ...]

    @property
    def items(self) -> int:
        return sum(
            len(part)
            for part in (
                self.reviews,
                self.lapsing,
                self.flags,
                self.deletions,
                self.holds,
                self.parked,
                self.mailboxes,
                self.unread_spocs,
            )
        )
