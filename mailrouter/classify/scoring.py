"""A fast path for the linear models: the numbers ``predict_proba`` gives, without
scikit-learn's per-call overhead (about a millisecond per call, and again per
one-vs-rest label), and with stateless feature extraction shared between models.

Every model here is vectorizers feeding logistic regressions, so a probability
is ``expit(x . w + b)``; the weights are read from the fitted estimators and
checked against ``predict_proba`` when the model is loaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

# scipy ships no type stubs (scipy-stubs is not a dependency); pyproject.toml's
# ignore list covers sklearn and joblib but not scipy.
import scipy.sparse as sp  # type: ignore[import-untyped]
import sklearn
from scipy.special import expit  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

# The probe texts used to check the fast path against scikit-learn at load time.
PROBES = ("Please send me the figures.", "I know where you live.", "kill the weeds", "")


@dataclass(frozen=True, slots=True)
class LinearScorer:
    transformers: tuple[Any, ...]
    # Models whose feature extraction has the same key share one transform.
    key: str
    weights: np.ndarray[Any, Any]  # (n_features, n_labels)
    intercepts: np.ndarray[Any, Any]  # (n_labels,)

    def features(self, texts: Sequence[str]) -> sp.csr_matrix:
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            blocks = [transformer.transform(list(texts)) for transformer in self.transformers]
        return sp.hstack(blocks, format="csr")

    def scores(self, features: sp.csr_matrix) -> np.ndarray[Any, Any]:
        return np.asarray(expit(features @ self.weights + self.intercepts))


def _estimators(classifier: Any) -> list[LogisticRegression] | None:
    found = classifier.estimators_ if isinstance(classifier, OneVsRestClassifier) else [classifier]
    if all(isinstance(e, LogisticRegression) and e.coef_.shape[0] == 1 for e in found):
        return list(found)
    return None


def linear_scorer(pipeline: Any) -> LinearScorer | None:
    """The fast path for ``pipeline``, or None if it is not vectorizers + logistic regression."""
    steps = getattr(pipeline, "named_steps", {})
    union, classifier = steps.get("features"), steps.get("classifier")
    transformers = tuple(t for _, t in getattr(union, "transformer_list", ()))
    estimators = _estimators(classifier) if classifier is not None else None
    if not transformers or not estimators:
        return None
    stateless = all(isinstance(t, HashingVectorizer) for t in transformers)
    key = repr([t.get_params() for t in transformers]) if stateless else f"fitted:{id(union)}"
    weights = np.vstack([e.coef_[0] for e in estimators]).T
    intercepts = np.array([e.intercept_[0] for e in estimators])
    scorer = LinearScorer(transformers, key, weights, intercepts)
    expected = np.asarray(pipeline.predict_proba(list(PROBES)))
    if len(estimators) == 1:
        expected = expected[:, 1:]
    if not np.allclose(scorer.scores(scorer.features(PROBES)), expected, atol=1e-9):
        return None
    return scorer
