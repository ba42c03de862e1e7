"""Load a trained model and check it is the one that was trained.

Each model is ``models/<name>-<version>.joblib`` with a JSON sidecar
``models/<name>-<version>.json``. The sidecar's sha256 is checked *before*
the joblib file is unpickled (unpickling runs code, so an altered file must
never reach it), and the scikit-learn major.minor version must match the one
that trained it, since pickles are not portable across scikit-learn releases.
The daemon only ever loads; training is ``mailrouter models train``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import joblib
import sklearn

from mailrouter.classify.scoring import LinearScorer, linear_scorer
from mailrouter.errors import MailrouterError

SIDECAR_KEYS = (
    "name",
    "version",
    "labels",
    "sklearn_version",
    "features",
    "sha256",
    "training_data",
)


class ModelError(MailrouterError):
    """A model artifact is missing, altered, or from another scikit-learn version."""


class ProbabilisticClassifier(Protocol):
    def predict_proba(self, texts: Sequence[str]) -> Any: ...


@dataclass(frozen=True, slots=True)
class TextModel:
    """A loaded model: binary (one label) or one-vs-rest over several labels."""

    name: str
    version: str
    labels: tuple[str, ...]
    pipeline: ProbabilisticClassifier
    sidecar: Mapping[str, Any]
    scorer: LinearScorer | None = None

    def scores(self, text: str) -> dict[str, float]:
        """Probability of each of the model's labels for ``text``."""
        return self.scores_many([text])[0]

    def scores_many(
        self, texts: Sequence[str], features: dict[str, Any] | None = None
    ) -> list[dict[str, float]]:
        """Scores for each text; ``features`` caches tokens and feature rows between models
        scoring the same texts (one dict per batch)."""
        if self.scorer is None:
            rows = self.pipeline.predict_proba(list(texts))
            if len(self.labels) == 1:
                # A binary classifier's columns are (negative, positive).
                rows = [row[1:] for row in rows]
        else:
            rows = self.scorer.scores(texts, features)
        return [dict(zip(self.labels, map(float, row), strict=True)) for row in rows]


def artifact_paths(models_dir: Path, name: str, version: str) -> tuple[Path, Path]:
    stem = f"{name}-{version}"
    return models_dir / f"{stem}.joblib", models_dir / f"{stem}.json"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def major_minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def read_sidecar(path: Path) -> dict[str, Any]:
    try:
        sidecar = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelError(
            f"{path.name}: sidecar missing; retrain with `mailrouter models train`"
        ) from exc
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path.name}: sidecar unreadable: {exc}") from exc
    if not isinstance(sidecar, dict):
        raise ModelError(f"{path.name}: sidecar is not a JSON object")
    missing = [key for key in SIDECAR_KEYS if key not in sidecar]
    if missing:
        raise ModelError(f"{path.name}: sidecar lacks {', '.join(missing)}")
    return sidecar


def verify(joblib_path: Path, sidecar: Mapping[str, Any], name: str, version: str) -> None:
    """Raise ``ModelError`` unless the artifact matches its sidecar and this scikit-learn."""
    if (sidecar["name"], str(sidecar["version"])) != (name, version):
        raise ModelError(
            f"{joblib_path.name}: sidecar describes {sidecar['name']}-{sidecar['version']}"
        )
    if not joblib_path.is_file():
        raise ModelError(f"{joblib_path.name}: model file missing")
    actual = sha256_file(joblib_path)
    if actual != sidecar["sha256"]:
        raise ModelError(
            f"{joblib_path.name}: sha256 {actual[:12]}... does not match the sidecar's "
            f"{str(sidecar['sha256'])[:12]}...; the file was altered or replaced: not loading it"
        )
    trained, running = (
        major_minor(str(sidecar["sklearn_version"])),
        major_minor(sklearn.__version__),
    )
    if trained != running:
        raise ModelError(
            f"{joblib_path.name}: trained with scikit-learn {trained}, running {running}; "
            "retrain with `mailrouter models train` or install the matching version"
        )


def load_model(models_dir: Path, name: str, version: str) -> TextModel:
    joblib_path, sidecar_path = artifact_paths(models_dir, name, version)
    sidecar = read_sidecar(sidecar_path)
    verify(joblib_path, sidecar, name, version)
    pipeline = joblib.load(joblib_path)
    if not hasattr(pipeline, "predict_proba"):
        raise ModelError(f"{joblib_path.name}: not a probabilistic classifier")
    labels = tuple(sidecar["labels"])
    return TextModel(name, version, labels, pipeline, sidecar, linear_scorer(pipeline))
