"""Leave-one-set-out cross-validation: how the detectors do on a writer they never saw.

The spent held-out sets were each written by a different person at a different
time. For each set k, every model is trained without it (our ``train.jsonl`` plus
the other sets) and set k is scored with the fixed decision policy; the mean and
the worst fold per label are the development measure. A change that raises the
figures on a set it was written for but not these is overfitting.

The rules and cue lexicons cannot be left out the same way: they were written
while reading sets 1 to 3, so those folds flatter the rules; set 4's fold is the
fairest (its misses were studied, but no rule was written for them before the
"before" figures were taken).

Slow (the public models are refitted per fold, about a minute each): run by a
person with ``mailrouter models crossval``, never in CI or the daemon.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import fmean
from typing import Any

from mailrouter.classify.classifier import ABUSE_MODEL, COUNCIL_MODEL, THREAT_MODEL, Classifier
from mailrouter.classify.decision import DEFAULT_POLICY, DecisionPolicy
from mailrouter.classify.evaluate import STATUTORY_ROW, Example, Score, load_examples, score
from mailrouter.classify.model import TextModel
from mailrouter.classify.scoring import linear_scorer
from mailrouter.classify.train import (
    COUNCIL_TRAIN,
    SPECS,
    ModelSpec,
    council_texts,
    fit_council_pipeline,
    fit_public_pipeline,
    public_corpus,
)

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Fold:
    """One left-out set: its name and its scores."""

    name: str
    scores: tuple[Score, ...]


@dataclass(frozen=True, slots=True)
class Summary:
    """One label's precision and recall over the folds: mean and worst."""

    name: str
    mean_precision: float
    mean_recall: float
    worst_precision: float
    worst_recall: float


def _text_model(key: tuple[str, str], spec: ModelSpec, pipeline: Any) -> TextModel:
    labels = tuple(label.value for label in spec.labels)
    return TextModel(key[0], key[1], labels, pipeline, {}, linear_scorer(pipeline))


def build_classifier(
    root: Path,
    council_sets: Sequence[Path],
    public: dict[str, tuple[list[str], list[bool]]],
    policy: DecisionPolicy = DEFAULT_POLICY,
) -> Classifier:
    """Every model trained on ``council_sets`` (and ``public``'s corpora, by model name;
    a model with no corpus there is left out, so the classifier works without it)."""
    council_x, council_labels = council_texts(root, *council_sets)
    models: dict[str, TextModel] = {}
    for spec in SPECS:
        key = (spec.name, spec.version)
        if not spec.readers:
            pipeline = fit_council_pipeline(spec.labels, council_x, council_labels)
        elif spec.name in public:
            pipeline = fit_public_pipeline(
                spec.labels[0], public[spec.name], council_x, council_labels
            )
        else:
            continue
        models[spec.name] = _text_model(key, spec, pipeline)
    return Classifier(
        council_model=models.get(COUNCIL_MODEL[0]),
        threat_model=models.get(THREAT_MODEL[0]),
        abuse_model=models.get(ABUSE_MODEL[0]),
        policy=policy,
    )


def read_public(shared: Path) -> dict[str, tuple[list[str], list[bool]]]:
    """The public corpora's training parts, read once for every fold."""
    return {spec.name: public_corpus(spec, shared) for spec in SPECS if spec.readers}


def training_files(base: Sequence[Path], sets: Sequence[Path], held: Path) -> list[Path]:
    """The council files a fold learns from: the base files and every set but ``held``."""
    return [*base, *(other for other in sets if other != held)]


def fold_classifiers(
    root: Path,
    sets: Sequence[Path],
    public: dict[str, tuple[list[str], list[bool]]],
    *,
    base: Sequence[Path] = (COUNCIL_TRAIN,),
    train_on_sets: bool = True,
    progress: Progress = lambda _: None,
) -> Iterator[tuple[Path, Classifier]]:
    """(left-out set, classifier trained without it) for each set. With
    ``train_on_sets`` false, no set is trained on (the method before sets were
    added to training), so one classifier serves every fold."""
    shared_classifier: Classifier | None = None
    for held in sets:
        if train_on_sets:
            council_sets = training_files(base, sets, held)
            progress(f"{held.name}: training on {len(council_sets)} council files")
            yield held, build_classifier(root, council_sets, public)
        else:
            if shared_classifier is None:
                progress("training once on the base files only")
                shared_classifier = build_classifier(root, base, public)
            yield held, shared_classifier


def score_fold(classifier: Classifier, name: str, examples: Sequence[Example]) -> Fold:
    predicted = [c.labels for c in classifier.classify_many([e.message for e in examples])]
    return Fold(name, tuple(score([e.labels for e in examples], predicted)))


def crossval(
    root: Path,
    sets: Sequence[Path],
    public: dict[str, tuple[list[str], list[bool]]],
    *,
    base: Sequence[Path] = (COUNCIL_TRAIN,),
    train_on_sets: bool = True,
    policy: DecisionPolicy = DEFAULT_POLICY,
    progress: Progress = lambda _: None,
) -> list[Fold]:
    folds = []
    for held, classifier in fold_classifiers(
        root, sets, public, base=base, train_on_sets=train_on_sets, progress=progress
    ):
        examples = load_examples(root / held)
        tuned = Classifier(
            classifier.council_model, classifier.threat_model, classifier.abuse_model, policy
        )
        folds.append(score_fold(tuned, held.stem, examples))
    return folds


def summarise(folds: Sequence[Fold]) -> list[Summary]:
    names = [row.name for row in folds[0].scores]
    rows = []
    for name in names:
        scores = [next(s for s in fold.scores if s.name == name) for fold in folds]
        precision = [s.precision for s in scores]
        recall = [s.recall for s in scores]
        rows.append(Summary(name, fmean(precision), fmean(recall), min(precision), min(recall)))
    return rows


def format_folds(folds: Sequence[Fold]) -> str:
    """Per label: each fold's P/R, then the mean and the worst."""
    header = f"{'label':<10}" + "".join(f" {fold.name:>14}" for fold in folds)
    lines = [header + f" {'mean':>13} {'worst':>13}"]
    for summary in summarise(folds):
        cells = []
        for fold in folds:
            row = next(s for s in fold.scores if s.name == summary.name)
            cells.append(f" {row.precision:>6.3f}/{row.recall:<7.3f}")
        mean = f"{summary.mean_precision:.3f}/{summary.mean_recall:.3f}"
        worst = f"{summary.worst_precision:.3f}/{summary.worst_recall:.3f}"
        marker = "  <- targets" if summary.name in (STATUTORY_ROW, "threat") else ""
        lines.append(f"{summary.name:<10}{''.join(cells)} {mean:>13} {worst:>13}{marker}")
    return "\n".join(lines)
