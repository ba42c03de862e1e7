"""The values decisions are made of: what arrived, what the register says, what to do.

All immutable. ``decide()`` turns a ``RoutedMessage`` and a ``DecisionContext``
into a ``Decision`` without any I/O; the actions it returns are data, carried
out later by the outbox worker, each under its own idempotency key.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime


class Verdict(enum.StrEnum):
    """What happens to the original."""

    # Stage 2: the SPOC gets it and the original leaves the staff inbox.
    divert = "divert"
    # Stage 2 carve-out (payment, repair, safeguarding): stays with the service, SPOC copied.
    deliver_and_copy = "deliver-and-copy"
    # Stage 1 or dormant: left where it is, recorded against the case.
    record = "record"
    # Everyone else: no action beyond metrics.
    none = "none"


# Highest first. A carve-out outranks a diversion: a payment, repair or safeguarding
# report must reach the service, so it stays in the inbox and the SPOC gets a copy.
VERDICT_PRIORITY = (Verdict.deliver_and_copy, Verdict.divert, Verdict.record, Verdict.none)


class CaseStatus(enum.StrEnum):
    monitoring = "monitoring"
    stage2 = "stage2"
    closed = "closed"
    dormant = "dormant"
    deleted = "deleted"


@dataclass(frozen=True, slots=True)
class RoutedMessage:
    """A stored message as the decision steps see it: headers plus a bounded text excerpt."""

    key: str  # f"{source}:{source_key}", unique
    pk: int
    source: str
    mailbox: str  # the configured mailbox's name
    folder: str
    source_key: str  # "{uidvalidity}:{uid}" for IMAP
    sender: str | None  # normalised
    sender_name: str
    recipients: tuple[str, ...]  # normalised To/Cc/envelope recipients
    subject: str
    received_at: datetime
    text: str = ""  # plain-text body excerpt, for detectors; may be empty
    authentication_results: str | None = None
    message_id: str | None = None


@dataclass(frozen=True, slots=True)
class CaseMatch:
    """A register case the sender belongs to, as the register reported it for ``now``."""

    case_id: int
    customer_id: int
    customer_name: str
    status: CaseStatus
    # True only for stage 2 with a complete decision, a recorded notification on or
    # before today, divert-to-SPOC among its measures, and not lapsed.
    diversion_effective: bool
    spoc_email: str | None = None
    spoc_name: str | None = None
    reference: str = ""


@dataclass(frozen=True, slots=True)
class DetectedHit:
    """A detector's finding (statutory request, threat, welfare, abuse) with its deadline."""

    label: str
    confidence: float
    evidence: str = ""
    deadline: date | None = None
    # The rule or model that fired, and where: (field, start, end) character offsets.
    detector: str = ""
    spans: tuple[tuple[str, int, int], ...] = ()

    def as_json(self) -> dict[str, object]:
        """As stored with the decision (``decisions.detections``)."""
        return {
            "label": self.label,
            "confidence": round(self.confidence, 4),
            "detector": self.detector,
            "evidence": self.evidence,
            "spans": [{"field": f, "start": start, "end": end} for f, start, end in self.spans],
            "deadline": self.deadline.isoformat() if self.deadline else None,
        }


@dataclass(frozen=True, slots=True)
class DecisionContext:
    """Everything a decision needs, gathered before ``decide()`` so it does no I/O."""

    now: datetime
    matches: tuple[CaseMatch, ...] = ()
    hits: tuple[DetectedHit, ...] = ()
    managed_folder: str = "Managed contact"
    ig_address: str = ""
    alert_addresses: tuple[str, ...] = ()
    # True when the message's mailbox is one of mailrouter's own (a SPOC's capture folder).
    from_own_mailbox: bool = False


@dataclass(frozen=True, slots=True)
class Hit:
    """One step's finding: its name (shown to people), the verdict it argues for, why."""

    step: str
    verdict: Verdict
    detail: str = ""


@dataclass(frozen=True, slots=True)
class MoveToFolder:
    """Move the original out of the staff folder, checking first so a repeat is harmless."""

    message_key: str
    message_pk: int
    mailbox: str
    folder: str
    source_key: str
    message_id: str | None
    target: str

    @property
    def idempotency_key(self) -> str:
        return f"move:{self.message_key}"


@dataclass(frozen=True, slots=True)
class ForwardToOfficer:
    """Send the SPOC a cover note with the original attached unaltered."""

    message_key: str
    message_pk: int
    case_id: int
    to: str
    officer_name: str
    reasons: tuple[str, ...]
    authenticated: bool
    copy_only: bool = False  # a carve-out: the original stays with the service
    # Enqueued only once the forward has succeeded: the original never leaves the
    # staff inbox before the SPOC has it.
    then: MoveToFolder | None = None

    @property
    def idempotency_key(self) -> str:
        return f"forward:{self.message_key}:{self.case_id}"


@dataclass(frozen=True, slots=True)
class RaiseAlert:
    """An immediate e-mail to IG or service managers: never waits for a digest."""

    message_key: str
    message_pk: int
    kind: str  # "threat", "welfare", "statutory", "recommenced"
    to: tuple[str, ...]
    summary: str
    case_id: int | None = None

    @property
    def idempotency_key(self) -> str:
        return f"alert:{self.kind}:{self.message_key}"


@dataclass(frozen=True, slots=True)
class RecordContact:
    """A row against the case: evidence for reviews, diversion history, recommencement."""

    message_pk: int
    case_id: int
    kind: str  # "diverted", "copied", "evidence", "recommenced"

    @property
    def idempotency_key(self) -> str:
        return f"contact:{self.message_pk}:{self.case_id}:{self.kind}"


Action = ForwardToOfficer | MoveToFolder | RaiseAlert | RecordContact


@dataclass(frozen=True, slots=True)
class Decision:
    verdict: Verdict
    reasons: tuple[str, ...]
    actions: tuple[Action, ...] = ()
    hits: tuple[Hit, ...] = field(default=())
