"""The classifier: statutory and safety detectors over one message.

Construct it once (loading models is slow, classifying is not) and call
``classify`` per message; it is pure and safe to share between threads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mailrouter.classify.cues import confidence
from mailrouter.classify.decision import (
    DEFAULT_POLICY,
    DecisionPolicy,
    Signals,
    decide,
    recall_net,
)
from mailrouter.classify.labels import Classification, Hit, Label
from mailrouter.classify.lexicon.warnings import lawful_recourse
from mailrouter.classify.model import TextModel, load_model
from mailrouter.classify.overlaps import resolve
from mailrouter.classify.safety import (
    abuse_matches,
    detect_welfare,
    reports_speech,
    threat_matches,
    threat_view,
    without_benign_idioms,
)
from mailrouter.classify.statutory import detect_statutory
from mailrouter.classify.text import Field, MessageText, Span, live_text, prepared_fields
from mailrouter.classify.windows import windows

THREAT_MODEL = ("threat", "1")
ABUSE_MODEL = ("abuse", "1")
COUNCIL_MODEL = ("council", "1")
_NET_LABELS = (Label.FOI, Label.EIR, Label.SAR, Label.COMPLAINT, Label.WELFARE)
# Labels a single sentence can carry in a long message (see ``windows``); a statutory
# request or a complaint is the whole message's purpose, so those are scored whole.
_SENTENCE_LABELS = (Label.THREAT, Label.WELFARE)


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


def _raised(whole: Signals, window: Signals) -> Signals:
    """``whole`` with each sentence label's scores raised to ``window``'s where higher."""

    def merge(base: Mapping[Label, float], other: Mapping[Label, float]) -> dict[Label, float]:
        merged = dict(base)
        for label in _SENTENCE_LABELS:
            if label in other:
                merged[label] = max(merged.get(label, 0.0), other[label])
        return merged

    return Signals(merge(whole.council, window.council), merge(whole.public, window.public))


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

    def signals_many(self, texts: Sequence[str]) -> list[Signals]:
        """Model scores for a batch of model inputs (one feature extraction per batch)."""
        features: dict[str, Any] = {}
        council = (
            [{} for _ in texts]
            if self.council_model is None
            else (self.council_model.scores_many(texts, features))
        )
        public: list[dict[str, float]] = [{} for _ in texts]
        for model in (self.threat_model, self.abuse_model):
            if model is not None:
                for row, scores in zip(public, model.scores_many(texts, features), strict=True):
                    row.update(scores)
        return [
            Signals(
                council={Label(name): score for name, score in c.items()},
                public={Label(name): score for name, score in p.items()},
            )
            for c, p in zip(council, public, strict=True)
        ]

    def classify(self, message: MessageText) -> Classification:
        return self.classify_many([message])[0]

    def sentence_signals_many(self, plain: Sequence[dict[Field, str]]) -> list[Signals]:
        """Model scores for a batch, a long body's threat and welfare scores raised to
        its highest-scoring window of sentences (one model run for the whole batch)."""
        texts = [live_text(fields) for fields in plain]
        owners: list[int] = []
        for index, fields in enumerate(plain):
            parts = windows(" ".join(fields[Field.BODY].split()))
            texts += parts
            owners += [index] * len(parts)
        scored = self.signals_many(texts)
        signals = scored[: len(plain)]
        for owner, window in zip(owners, scored[len(plain) :], strict=True):
            signals[owner] = _raised(signals[owner], window)
        return signals

    def classify_many(self, messages: Sequence[MessageText]) -> list[Classification]:
        """Classify a batch: the same results as one by one, with the models run once."""
        prepared = [prepared_fields(message) for message in messages]
        plain = [without_benign_idioms(fields) for fields in prepared]
        signals = self.sentence_signals_many(plain)
        return [
            self._decide(fields, quiet, signal)
            for fields, quiet, signal in zip(prepared, plain, signals, strict=True)
        ]

    def _decide(
        self, fields: dict[Field, str], plain: dict[Field, str], signals: Signals
    ) -> Classification:
        fallback = _whole_text(fields)
        hits: list[Hit] = detect_statutory(fields)
        welfare = detect_welfare(fields)
        if welfare is not None:
            hits.append(welfare)
        hits += recall_net(hits, _NET_LABELS, signals, fallback, self.policy)
        hits = resolve(hits, fields)
        abuse = abuse_matches(plain)
        # How much this reads as abuse or despair: the models confuse both with threats
        # ("my kids would be better off without me" is not aimed at anyone else).
        despair = max(
            welfare.confidence if welfare is not None else 0.0,
            signals.council.get(Label.WELFARE, 0.0),
        )
        # A violent word used harmlessly ("I'd kill for a bus") leaves n-grams the
        # models still read as menace: with no threat cue left, they need more certainty.
        idiom = 1.0 if plain != fields else 0.0
        # "If you don't fix the roof I'll take you to court": an ultimatum's shape, which
        # the models read as menace, around a lawful route; with no threat cue, a rival.
        recourse = 1.0 if lawful_recourse(plain[Field.BODY]) else 0.0
        rival = max(
            confidence(abuse), signals.council.get(Label.ABUSE, 0.0), despair, idiom, recourse
        )
        view = threat_view(plain)
        threats = threat_matches(view)
        bystander = max(despair, 1.0 if reports_speech(plain, view) else 0.0)
        threat = decide(
            Label.THREAT,
            threats,
            signals,
            fallback,
            policy=self.policy,
            rival=rival,
            bystander=bystander,
        )
        for hit in (threat, decide(Label.ABUSE, abuse, signals, fallback, policy=self.policy)):
            if hit is not None:
                hits.append(hit)
        return Classification(tuple(hits))
