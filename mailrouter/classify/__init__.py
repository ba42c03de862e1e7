"""Statutory-request and safety detection (pure: no database, no outbox).

>>> classifier = Classifier.load(MODELS_DIR)          # once, at start-up
>>> result = classifier.classify(MessageText(sender, subject, body))
>>> result.labels, result.statutory, result.hit(Label.THREAT)

Rules find what they can point at; the models are a recall net behind them
(see ``decision``). The daemon never trains: ``mailrouter models train`` does.
"""

from __future__ import annotations

from mailrouter.classify.classifier import Classifier
from mailrouter.classify.labels import SAFETY, STATUTORY, Classification, Hit, Label
from mailrouter.classify.model import ModelError
from mailrouter.classify.paths import MODELS_DIR
from mailrouter.classify.text import Field, MessageText, Span

__all__ = [
    "MODELS_DIR",
    "SAFETY",
    "STATUTORY",
    "Classification",
    "Classifier",
    "Field",
    "Hit",
    "Label",
    "MessageText",
    "ModelError",
    "Span",
]
