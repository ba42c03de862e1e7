"""The classifier: statutory and safety detectors over one message.

Construct it once (loading models is slow, classifying is not) and call
``classify`` per message; it is pure and safe to share between threads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mailrouter.classify.decision import (
    DEFAULT_POLICY,
    DecisionPolicy,
    Signals,
    decide,
    recall_net,
)
from mailrouter.classify.labels import Classification, Hit, Label
from mailrouter.classify.model import TextModel, load_model
from mailrouter.classify.safety import (
    abuse_matches,
    detect_welfare,
    threat_matches,
    threat_view,
    without_benign_idioms,
)
from mailrouter.classify.statutory import detect_statutory
from mailrouter.classify.text import Field, MessageText, Span, live_text, prepared_fields

THREAT_MODEL = ("threat", "1")
ABUSE_MODEL = ("abuse", "1")
COUNCIL_MODEL = ("council", "1")
_NET_LABELS = (Label.FOI, Label.EIR, Label.SAR, Label.COMPLAINT, Label.WELFARE)


def model_input(message: MessageText) -> str:
    """The text the models see, in training and in use: subject and unquoted body,
    with benign idioms ("kill the weeds") blanked."""
    return live_text(without_benign_idioms(prepared_fields(message)))


def _whole_text(fields: dict[Field, str]) -> tuple[Span, ...]:
    """Evidence for a whole-text model decision: the unquoted body (or the subject)."""
    for name in (Field.BODY, Field.SUBJECT):
        text = fields[name]
        stripped = text.strip()
        if stripped:
            start = text.index(stripped[0])
            return (Span(name, start, len(text.rstrip())),)
    return ()


@dataclass(frozen=True, slots=True)
class Classifier:
    """Rules plus optional models; with no models loaded it is rules only."""

    council_model: TextModel | None = None
    threat_model: TextModel | None = None
    abuse_model: TextModel | None = None
    policy: DecisionPolicy = field(default=DEFAULT_POLICY)

    @classmethod
    def load(cls, models_dir: Path, policy: DecisionPolicy = DEFAULT_POLICY) -> Classifier:
        """Load and verify the committed models (raises ``ModelError`` if one is unusable)."""
        return cls(
            council_model=load_model(models_dir, *COUNCIL_MODEL),
            threat_model=load_model(models_dir, *THREAT_MODEL),
            abuse_model=load_model(models_dir, *ABUSE_MODEL),
            policy=policy,
        )

    def signals(self, text: str) -> Signals:
        council = self.council_model.scores(text) if self.council_model else {}
        public: dict[str, float] = {}
        for model in (self.threat_model, self.abuse_model):
            if model is not None:
                public.update(model.scores(text))
        return Signals(
            council={Label(name): score for name, score in council.items()},
            public={Label(name): score for name, score in public.items()},
        )

    def classify(self, message: MessageText) -> Classification:
        fields = prepared_fields(message)
        plain = without_benign_idioms(fields)
        signals = self.signals(live_text(plain))
        fallback = _whole_text(fields)
        hits: list[Hit] = detect_statutory(fields)
        welfare = detect_welfare(fields)
        if welfare is not None:
            hits.append(welfare)
        hits += recall_net(hits, _NET_LABELS, signals, fallback, self.policy)
        safety = (
            (Label.THREAT, threat_matches(threat_view(fields))),
            (Label.ABUSE, abuse_matches(plain)),
        )
        for label, matches in safety:
            hit = decide(label, matches, signals, fallback, self.policy)
            if hit is not None:
                hits.append(hit)
        return Classification(tuple(hits))
