"""A fast path for the linear models: the numbers ``predict_proba`` gives, without
scikit-learn's per-call overhead (input validation costs more than the arithmetic
for one message), and with each text analysed once for every model.

Every model here is vectorizers feeding logistic regressions, so a probability
is ``expit(x . w + b)``. The models' vectorizers share their analyzers (the same
``features.normalise``, word 1-2 grams and char_wb 2-5 grams), so the tokens of
a text are computed once per batch and cached; each vectorizer then only maps
tokens to columns (a hash or a vocabulary look-up) and normalises. The weights
are read from the fitted estimators, and the whole path is checked against
``predict_proba`` when a model is loaded: if they ever disagree (a new
scikit-learn, a different vectorizer), the model falls back to scikit-learn.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np

# scipy ships no type stubs (scipy-stubs is not a dependency); pyproject.toml's
# ignore list covers sklearn and joblib but not scipy.
from scipy.special import expit  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import HashingVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

try:  # The C loop behind HashingVectorizer; if it moves, hashing models use scikit-learn.
    from sklearn.feature_extraction._hashing_fast import transform as _hash_tokens
except ImportError:  # pragma: no cover - depends on the scikit-learn release
    _hash_tokens = None

# The probe texts used to check the fast path against scikit-learn at load time.
PROBES = ("Please send me the figures.", "I know where you live.", "kill the weeds", "")

Tokens = list[list[str]]
# One document's features in one block: column indices and their normalised values.
Row = tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]
Cache = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Block:
    """One vectorizer of a feature union: its analyzer, and tokens -> normalised rows."""

    analyzer_key: str  # equal keys: equal tokens, so the tokens are shared
    key: str  # equal keys: equal rows (stateless hashing), so the rows are shared
    analyze: Callable[[str], list[str]]
    encode: Callable[[Tokens], list[Row]]

    def rows(self, texts: Sequence[str], cache: Cache) -> list[Row]:
        if self.key not in cache:
            if self.analyzer_key not in cache:
                cache[self.analyzer_key] = [self.analyze(text) for text in texts]
            cache[self.key] = self.encode(cache[self.analyzer_key])
        rows: list[Row] = cache[self.key]
        return rows


def _row(columns: np.ndarray[Any, Any], values: np.ndarray[Any, Any], norm: str | None) -> Row:
    """A row scaled to unit ``norm``, as ``sklearn.preprocessing.normalize`` does."""
    if norm is not None and values.size:
        total = np.abs(values).sum() if norm == "l1" else np.sqrt(np.dot(values, values))
        if total > 0:
            values = values / total
    return columns, values


def _analyzer_key(vectorizer: Any) -> str:
    params = vectorizer.get_params()
    names = ("analyzer", "ngram_range", "preprocessor", "tokenizer", "token_pattern")
    more = ("lowercase", "strip_accents", "stop_words", "input", "encoding", "decode_error")
    return repr([params.get(name) for name in (*names, *more)])


def _hashing_block(vectorizer: HashingVectorizer) -> Block | None:
    if _hash_tokens is None:
        return None
    n_features, dtype = vectorizer.n_features, vectorizer.dtype
    alternate, binary, norm = vectorizer.alternate_sign, vectorizer.binary, vectorizer.norm

    def encode(tokens: Tokens) -> list[Row]:
        pairs = (((token, 1) for token in doc) for doc in tokens)
        indices, indptr, values = _hash_tokens(pairs, n_features, dtype, alternate, seed=0)
        rows = []
        for start, end in pairwise(indptr):
            columns, inverse = np.unique(indices[start:end], return_inverse=True)
            summed = np.bincount(inverse, weights=values[start:end], minlength=len(columns))
            rows.append(_row(columns, np.ones_like(summed) if binary else summed, norm))
        return rows

    key = repr(vectorizer.get_params())
    return Block(_analyzer_key(vectorizer), key, vectorizer.build_analyzer(), encode)


def _tfidf_block(vectorizer: TfidfVectorizer) -> Block:
    vocabulary: dict[str, int] = vectorizer.vocabulary_
    idf = getattr(vectorizer, "idf_", None)
    sublinear, binary, norm = vectorizer.sublinear_tf, vectorizer.binary, vectorizer.norm

    def encode(tokens: Tokens) -> list[Row]:
        rows = []
        for doc in tokens:
            counts: dict[int, int] = {}
            for token in doc:
                column = vocabulary.get(token)
                if column is not None:
                    counts[column] = counts.get(column, 0) + 1
            columns = np.fromiter(counts, dtype=np.intp, count=len(counts))
            values = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
            if binary:
                values.fill(1.0)
            if sublinear:
                values = np.log(values) + 1.0
            if idf is not None:
                values = values * idf[columns]
            rows.append(_row(columns, values, norm))
        return rows

    key = f"fitted:{id(vectorizer)}"
    return Block(_analyzer_key(vectorizer), key, vectorizer.build_analyzer(), encode)


def _block(transformer: Any) -> tuple[Block, int] | None:
    """The fast block for a fitted vectorizer and its number of columns, if supported."""
    if type(transformer) is HashingVectorizer:
        block = _hashing_block(transformer)
        return None if block is None else (block, transformer.n_features)
    if type(transformer) is TfidfVectorizer:
        return _tfidf_block(transformer), len(transformer.vocabulary_)
    return None


@dataclass(frozen=True, slots=True)
class LinearScorer:
    blocks: tuple[Block, ...]
    weights: tuple[np.ndarray[Any, Any], ...]  # per block: (n_columns, n_labels)
    intercepts: np.ndarray[Any, Any]  # (n_labels,)

    def scores(self, texts: Sequence[str], cache: Cache | None = None) -> np.ndarray[Any, Any]:
        """Probabilities, one row per text; ``cache`` shares tokens and rows between
        models that score the same texts (one dict per batch)."""
        shared = {} if cache is None else cache
        logits = np.tile(self.intercepts, (len(texts), 1))
        for block, weights in zip(self.blocks, self.weights, strict=True):
            for index, (columns, values) in enumerate(block.rows(texts, shared)):
                logits[index] += values @ weights[columns]
        return np.asarray(expit(logits))


def _estimators(classifier: Any) -> list[LogisticRegression] | None:
    found = classifier.estimators_ if isinstance(classifier, OneVsRestClassifier) else [classifier]
    if all(isinstance(e, LogisticRegression) and e.coef_.shape[0] == 1 for e in found):
        return list(found)
    return None


def linear_scorer(pipeline: Any) -> LinearScorer | None:
    """The fast path for ``pipeline``, or None if it is not vectorizers + logistic regression."""
    steps = getattr(pipeline, "named_steps", {})
    union, classifier = steps.get("features"), steps.get("classifier")
    found = [_block(t) for _, t in getattr(union, "transformer_list", ())]
    estimators = _estimators(classifier) if classifier is not None else None
    blocks = [item for item in found if item is not None]
    if not blocks or len(blocks) != len(found) or not estimators:
        return None
    weights = np.vstack([e.coef_[0] for e in estimators]).T
    offsets = np.cumsum([0] + [width for _, width in blocks])
    if offsets[-1] != weights.shape[0]:
        return None
    per_block = tuple(np.ascontiguousarray(weights[start:end]) for start, end in pairwise(offsets))
    intercepts = np.array([e.intercept_[0] for e in estimators])
    scorer = LinearScorer(tuple(block for block, _ in blocks), per_block, intercepts)
    expected = np.asarray(pipeline.predict_proba(list(PROBES)))
    if len(estimators) == 1:
        expected = expected[:, 1:]
    if not np.allclose(scorer.scores(PROBES), expected, atol=1e-9):
        return None
    return scorer
