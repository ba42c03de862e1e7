"""Evaluation on labelled JSONL: per-label precision/recall/F1 and the targets.

Each line is ``{"id", "sender", "subject", "body", "labels": [...], "note"}``;
``labels`` are ``Label`` values and an empty list means "none of them".
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from mailrouter.classify.labels import STATUTORY, Label
from mailrouter.classify.text import MessageText

STATUTORY_ROW = "statutory"


@dataclass(frozen=True, slots=True)
class Example:
    id: str
    message: MessageText
    labels: frozenset[Label]
    note: str = ""


@dataclass(frozen=True, slots=True)
class Score:
    name: str
    tp: int
    fp: int
    fn: int

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        predicted = self.tp + self.fp
        return self.tp / predicted if predicted else float(self.support == 0)

    @property
    def recall(self) -> float:
        return self.tp / self.support if self.support else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


@dataclass(frozen=True, slots=True)
class Target:
    row: str
    min_recall: float
    min_precision: float


TARGETS = (Target(STATUTORY_ROW, 0.97, 0.8), Target(Label.THREAT.value, 0.9, 0.7))


def load_examples(path: Path) -> list[Example]:
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        try:
            labels = frozenset(Label(label) for label in row["labels"])
            message = MessageText(row.get("sender", ""), row.get("subject", ""), row["body"])
        except (KeyError, ValueError) as exc:
            raise ValueError(f"{path.name} line {number}: {exc}") from exc
        examples.append(Example(str(row.get("id", number)), message, labels, row.get("note", "")))
    return examples


def _count(name: str, pairs: Iterable[tuple[bool, bool]]) -> Score:
    tp = fp = fn = 0
    for truth, predicted in pairs:
        tp += truth and predicted
        fp += predicted and not truth
        fn += truth and not predicted
    return Score(name, tp, fp, fn)


def score(
    truths: Sequence[frozenset[Label]], predictions: Sequence[frozenset[Label]]
) -> list[Score]:
    """One row per label, then the grouped statutory row (any of FOI/EIR/SAR/complaint)."""
    pairs = list(zip(truths, predictions, strict=True))
    rows = [_count(label.value, ((label in t, label in p) for t, p in pairs)) for label in Label]
    grouped = ((bool(t & STATUTORY), bool(p & STATUTORY)) for t, p in pairs)
    rows.append(_count(STATUTORY_ROW, grouped))
    return rows


def evaluate(
    examples: Sequence[Example], predict: Callable[[MessageText], frozenset[Label]]
) -> tuple[list[Score], list[tuple[Example, frozenset[Label]]]]:
    """Scores, and the examples whose predicted labels differ from the truth."""
    predictions = [predict(example.message) for example in examples]
    misses = [(e, p) for e, p in zip(examples, predictions, strict=True) if p != e.labels]
    return score([e.labels for e in examples], predictions), misses


def missed_targets(scores: Sequence[Score]) -> list[str]:
    by_name = {row.name: row for row in scores}
    problems = []
    for target in TARGETS:
        row = by_name[target.row]
        if row.recall < target.min_recall:
            problems.append(f"{row.name} recall {row.recall:.3f} < {target.min_recall}")
        if row.precision < target.min_precision:
            problems.append(f"{row.name} precision {row.precision:.3f} < {target.min_precision}")
    return problems


def format_table(scores: Sequence[Score]) -> str:
    lines = [
        f"{'label':<10} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8} {'tp':>4} {'fp':>4}"
    ]
    for row in scores:
        lines.append(
            f"{row.name:<10} {row.precision:>9.3f} {row.recall:>7.3f} {row.f1:>6.3f} "
            f"{row.support:>8} {row.tp:>4} {row.fp:>4}"
        )
    return "\n".join(lines)
