"""Train the models and write them, with sidecars, to ``models/``.

Run by a person (``mailrouter models train``), never by the daemon, CI or the
tests. Deterministic: fixed seeds, data read in file order, single-threaded
liblinear, so the same data gives a byte-identical ``.joblib`` file.

Three models (see ``decision.py`` for how they are used):

- ``threat`` and ``abuse``: public social-media corpora plus our council-style
  examples (``tests/data/council/train.jsonl``), weighted up because they are
  few and are the only text that looks like council mail. Validated on a
  held-back 20 % of the public corpus and on the council dev set. The threat
  model also learns from abuse-only text as negatives (a third of Davidson's
  offensive tweets, and the council examples labelled abuse but not threat):
  swearing at an officer is abuse, not a threat.
- ``council``: one-vs-rest over all seven labels, trained on the council
  examples alone. Social media knows nothing of FOI or polite menace; this
  model learns the council register and is used as a recall net behind the rules.

The council examples are ``train.jsonl`` plus the five spent held-out sets
(``paths.DEVELOPMENT_SETS``): each was written by a different person, and more
writers teach the models more ways of saying the same thing than rules written
for one set's misses ever did (``mailrouter models crossval`` measures it by
leaving each set out in turn). The dev set stays out of training, for the sidecar.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn
from sklearn.feature_extraction.text import HashingVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline, make_union

from mailrouter.classify import datasets
from mailrouter.classify.classifier import ABUSE_MODEL, COUNCIL_MODEL, THREAT_MODEL, model_input
from mailrouter.classify.evaluate import load_examples
from mailrouter.classify.features import (
    COUNCIL_FEATURES,
    PUBLIC_FEATURES,
    normalise,
)
from mailrouter.classify.labels import Label
from mailrouter.classify.metrics import binary_metrics
from mailrouter.classify.model import artifact_paths, sha256_file
from mailrouter.classify.paths import DEVELOPMENT_SETS

COUNCIL_TRAIN = Path("tests/data/council/train.jsonl")
COUNCIL_DEV = Path("tests/data/council/dev.jsonl")
# Every council-style file the final models learn from, relative to the project.
COUNCIL_SETS: tuple[Path, ...] = (COUNCIL_TRAIN, *DEVELOPMENT_SETS)
SEED = 20240601
HASH_BITS = 17
COUNCIL_WEIGHT = 20.0
VALIDATION_SHARE = 0.2

Reader = Callable[[Path], Iterator[datasets.Sample]]
Progress = Callable[[str], None]
Fitted = tuple[Pipeline, dict[str, dict[str, float]]]


@dataclass(frozen=True, slots=True)
class ModelSpec:
    name: str
    version: str
    labels: tuple[Label, ...]
    readers: tuple[Reader, ...]  # public corpora; empty for the council-only model
    files: tuple[Path, ...]  # relative to the shared directory, for the sidecar
    features: str


SPECS: tuple[ModelSpec, ...] = (
    ModelSpec(
        *THREAT_MODEL,
        (Label.THREAT,),
        (datasets.threatgram, datasets.davidson_offensive),
        (datasets.THREATGRAM, datasets.DAVIDSON),
        PUBLIC_FEATURES,
    ),
    ModelSpec(
        *ABUSE_MODEL,
        (Label.ABUSE,),
        (datasets.davidson, datasets.olid),
        (datasets.DAVIDSON, datasets.OLID_TRAIN, datasets.OLID_TEST, datasets.OLID_TEST_LABELS),
        PUBLIC_FEATURES,
    ),
    ModelSpec(*COUNCIL_MODEL, tuple(Label), (), (), COUNCIL_FEATURES),
)


@dataclass(frozen=True, slots=True)
class TrainReport:
    name: str
    joblib_path: Path
    sidecar_path: Path
    seconds: float
    size_bytes: int
    metrics: dict[str, dict[str, float]]


def _logistic() -> LogisticRegression:
    return LogisticRegression(
        solver="liblinear", C=4.0, class_weight="balanced", random_state=SEED, max_iter=1000
    )


def public_pipeline() -> Pipeline:
    def hashing(analyzer: str, ngrams: tuple[int, int]) -> HashingVectorizer:
        return HashingVectorizer(
            preprocessor=normalise,
            analyzer=analyzer,
            ngram_range=ngrams,
            n_features=2**HASH_BITS,
            alternate_sign=False,
        )

    features = make_union(hashing("word", (1, 2)), hashing("char_wb", (2, 5)))
    return Pipeline([("features", features), ("classifier", _logistic())])


def council_pipeline() -> Pipeline:
    def tfidf(analyzer: str, ngrams: tuple[int, int], cap: int) -> TfidfVectorizer:
        return TfidfVectorizer(
            preprocessor=normalise,
            analyzer=analyzer,
            ngram_range=ngrams,
            sublinear_tf=True,
            max_features=cap,
        )

    features = make_union(tfidf("word", (1, 2), 20_000), tfidf("char_wb", (2, 5), 60_000))
    classifier = OneVsRestClassifier(
        LogisticRegression(
            solver="liblinear", C=10.0, class_weight="balanced", random_state=SEED, max_iter=1000
        )
    )
    return Pipeline([("features", features), ("classifier", classifier)])


def _without_memory_addresses(pipeline: Pipeline) -> Pipeline:
    """Drop the vectorizers' cached ``id(stop_words)``: a memory address that would make
    every pickle differ. scikit-learn recomputes it on the next transform."""
    for _, vectorizer in pipeline.named_steps["features"].transformer_list:
        vars(vectorizer).pop("_stop_words_id", None)
    return pipeline


def council_texts(project_root: Path, *paths: Path) -> tuple[list[str], list[frozenset[Label]]]:
    examples = [e for path in paths for e in load_examples(project_root / path)]
    return [model_input(e.message) for e in examples], [e.labels for e in examples]


def public_corpus(spec: ModelSpec, shared: Path) -> tuple[list[str], list[bool]]:
    """The public corpus's training part (the same split every time)."""
    public = [sample for read in spec.readers for sample in read(shared)]
    texts, truth = [s.text for s in public], [s.positive for s in public]
    x_train, _, y_train, _ = train_test_split(
        texts, truth, test_size=VALIDATION_SHARE, random_state=SEED, stratify=truth
    )
    return x_train, y_train


def fit_public_pipeline(
    label: Label,
    public: tuple[list[str], list[bool]],
    council_x: Sequence[str],
    council_labels: Sequence[frozenset[Label]],
) -> Pipeline:
    x_train, y_train = public
    council_y = [label in labels for labels in council_labels]
    weights = np.array([1.0] * len(x_train) + [COUNCIL_WEIGHT] * len(council_x))
    pipeline = public_pipeline()
    pipeline.fit([*x_train, *council_x], [*y_train, *council_y], classifier__sample_weight=weights)
    return _without_memory_addresses(pipeline)


def fit_council_pipeline(
    labels: Sequence[Label], council_x: Sequence[str], council_labels: Sequence[frozenset[Label]]
) -> Pipeline:
    targets = np.array([[label in found for label in labels] for found in council_labels])
    pipeline = council_pipeline()
    pipeline.fit(list(council_x), targets)
    return _without_memory_addresses(pipeline)


def _scores(pipeline: Pipeline, texts: Sequence[str]) -> np.ndarray[Any, Any]:
    return np.asarray(pipeline.predict_proba(list(texts)))


def fit_public(
    spec: ModelSpec, shared: Path, project_root: Path, council_sets: Sequence[Path]
) -> Fitted:
    label = spec.labels[0]
    public = [sample for read in spec.readers for sample in read(shared)]
    texts, truth = [s.text for s in public], [s.positive for s in public]
    x_train, x_val, y_train, y_val = train_test_split(
        texts, truth, test_size=VALIDATION_SHARE, random_state=SEED, stratify=truth
    )
    council_x, council_labels = council_texts(project_root, *council_sets)
    pipeline = fit_public_pipeline(label, (x_train, y_train), council_x, council_labels)
    dev_x, dev_labels = council_texts(project_root, COUNCIL_DEV)
    dev_y = [label in labels for labels in dev_labels]
    return pipeline, {
        "validation_public": binary_metrics(y_val, _scores(pipeline, x_val)[:, 1]),
        "council_dev": binary_metrics(dev_y, _scores(pipeline, dev_x)[:, 1]),
    }


def fit_council(
    spec: ModelSpec, shared: Path, project_root: Path, council_sets: Sequence[Path]
) -> Fitted:
    del shared  # the council model learns from our own examples only
    x_train, train_labels = council_texts(project_root, *council_sets)
    pipeline = fit_council_pipeline(spec.labels, x_train, train_labels)
    dev_x, dev_labels = council_texts(project_root, COUNCIL_DEV)
    scores = _scores(pipeline, dev_x)
    metrics = {
        f"council_dev_{label.value}": binary_metrics(
            [label in labels for labels in dev_labels], scores[:, column]
        )
        for column, label in enumerate(spec.labels)
    }
    return pipeline, metrics


def _sidecar(
    spec: ModelSpec, shared: Path, root: Path, joblib_path: Path, council_sets: Sequence[Path]
) -> dict[str, Any]:
    data = {f"shared/{path.as_posix()}": sha256_file(shared / path) for path in spec.files}
    for path in (*council_sets, COUNCIL_DEV):
        data[path.as_posix()] = sha256_file(root / path)
    return {
        "name": spec.name,
        "version": spec.version,
        "labels": [label.value for label in spec.labels],
        "sklearn_version": sklearn.__version__,
        "features": spec.features,
        "sha256": sha256_file(joblib_path),
        "training_data": data,
        "council_weight": COUNCIL_WEIGHT if spec.readers else 1.0,
        "seed": SEED,
        "created": datetime.now(UTC).date().isoformat(),
    }


def train_one(
    spec: ModelSpec,
    shared: Path,
    project_root: Path,
    models_dir: Path,
    progress: Progress,
    *,
    council_sets: Sequence[Path] = COUNCIL_SETS,
) -> TrainReport:
    started = time.monotonic()
    progress(f"{spec.name}-{spec.version}: reading data and fitting")
    fit = fit_public if spec.readers else fit_council
    pipeline, metrics = fit(spec, shared, project_root, council_sets)
    models_dir.mkdir(parents=True, exist_ok=True)
    joblib_path, sidecar_path = artifact_paths(models_dir, spec.name, spec.version)
    # Scoring the dev set cached a memory address again: strip it right before writing.
    joblib.dump(_without_memory_addresses(pipeline), joblib_path, compress=3)
    sidecar = _sidecar(spec, shared, project_root, joblib_path, council_sets)
    sidecar |= {"metrics": metrics}
    sidecar_path.write_text(json.dumps(sidecar, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    seconds = time.monotonic() - started
    progress(f"{spec.name}-{spec.version}: wrote {joblib_path.name} in {seconds:.1f}s")
    size = joblib_path.stat().st_size
    return TrainReport(spec.name, joblib_path, sidecar_path, seconds, size, metrics)


def train_all(
    shared: Path,
    project_root: Path,
    models_dir: Path,
    progress: Progress,
    *,
    council_sets: Sequence[Path] = COUNCIL_SETS,
) -> list[TrainReport]:
    return [
        train_one(spec, shared, project_root, models_dir, progress, council_sets=council_sets)
        for spec in SPECS
    ]
