"""What a classifier reports: labelled hits, each with its evidence and confidence."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from mailrouter.classify.text import Span


class Label(StrEnum):
    FOI = "foi"
    EIR = "eir"
    SAR = "sar"  # subject access and the other data-protection rights
    COMPLAINT = "complaint"  # a new complaint or an escalation
    THREAT = "threat"
    WELFARE = "welfare"
    ABUSE = "abuse"


# Requests with a legal or Code deadline: never delayed by a reply cadence.
STATUTORY: frozenset[Label] = frozenset({Label.FOI, Label.EIR, Label.SAR, Label.COMPLAINT})
# Alerts that go to people at once, not in tomorrow's digest.
SAFETY: frozenset[Label] = frozenset({Label.THREAT, Label.WELFARE})


@dataclass(frozen=True, slots=True)
class Hit:
    """One label found in one message.

    ``detector`` names the rule or model that fired (shown to officers, like a
    step name); ``evidence`` points at the text that made it fire; an empty
    ``evidence`` means a whole-text model decided without a phrase to point at.
    """

    label: Label
    confidence: float
    detector: str
    evidence: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Classification:
    hits: tuple[Hit, ...]

    @property
    def labels(self) -> frozenset[Label]:
        return frozenset(hit.label for hit in self.hits)

    @property
    def statutory(self) -> bool:
        return bool(self.labels & STATUTORY)

    def hit(self, label: Label) -> Hit | None:
        return next((hit for hit in self.hits if hit.label is label), None)
