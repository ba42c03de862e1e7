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

from collections import Counter
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
# A batch's features in one block: every document's column indices and normalised
# values end to end, and where each document starts and ends (``bounds``).
Rows = tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]
Cache = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Block:
    """One vectorizer of a feature union: its analyzer, and tokens -> normalised rows."""

    analyzer_key: str  # equal keys: equal tokens, so the tokens are shared
    key: str  # equal keys: equal rows (stateless hashing), so the rows are shared
    analyze: Callable[[str], list[str]]
    encode: Callable[[Tokens], Rows]

    def rows(self, texts: Sequence[str], cache: Cache) -> Rows:
        if self.key not in cache:
            if self.analyzer_key not in cache:
                cache[self.analyzer_key] = [self.analyze(text) for text in texts]
            cache[self.key] = self.encode(cache[self.analyzer_key])
        rows: Rows = cache[self.key]
        return rows


def _scaled(
    values: np.ndarray[Any, Any], bounds: np.ndarray[Any, Any], norm: str | None
) -> np.ndarray[Any, Any]:
    """Each document's values scaled to unit ``norm``, as ``sklearn.preprocessing.normalize``."""
    if norm is None or not values.size:
        return values
    counts = np.diff(bounds)
    filled = counts > 0
    data = np.abs(values) if norm == "l1" else values * values
    totals = np.zeros(len(counts))
    totals[filled] = np.add.reduceat(data, bounds[:-1][filled])
    if norm == "l2":
        totals = np.sqrt(totals)
    totals[totals == 0] = 1.0
    return np.asarray(values / np.repeat(totals, counts))


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

    def encode(tokens: Tokens) -> Rows:
        pairs = (((token, 1) for token in doc) for doc in tokens)
        indices, indptr, values = _hash_tokens(pairs, n_features, dtype, alternate, seed=0)
        docs = np.repeat(np.arange(len(tokens), dtype=np.int64), np.diff(indptr))
        keys, inverse = np.unique(docs * n_features + indices, return_inverse=True)
        summed = np.bincount(inverse, weights=values, minlength=len(keys))
        bounds = np.searchsorted(keys // n_features, np.arange(len(tokens) + 1))
        summed = np.ones_like(summed) if binary else summed
        return keys % n_features, _scaled(summed, bounds, norm), bounds

    key = repr(vectorizer.get_params())
    return Block(_analyzer_key(vectorizer), key, vectorizer.build_analyzer(), encode)


def _tfidf_block(vectorizer: TfidfVectorizer) -> Block:
    vocabulary: dict[str, int] = vectorizer.vocabulary_
    idf = getattr(vectorizer, "idf_", None)
    sublinear, binary, norm = vectorizer.sublinear_tf, vectorizer.binary, vectorizer.norm

    def encode(tokens: Tokens) -> Rows:
        columns: list[int] = []
        counts: list[int] = []
        bounds = [0]
        for doc in tokens:
            for token, count in Counter(doc).items():
                column = vocabulary.get(token)
                if column is not None:
                    columns.append(column)
                    counts.append(count)
            bounds.append(len(columns))
        where = np.array(columns, dtype=np.intp)
        values = np.array(counts, dtype=np.float64)
        if binary:
            values.fill(1.0)
        if sublinear:
            values = np.log(values) + 1.0
        if idf is not None:
            values = values * idf[where]
        edges = np.array(bounds, dtype=np.intp)
        return where, _scaled(values, edges, norm), edges

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
            columns, values, bounds = block.rows(texts, shared)
            if values.size:
                filled = np.diff(bounds) > 0
                terms = values[:, np.newaxis] * weights[columns]
                logits[filled] += np.add.reduceat(terms, bounds[:-1][filled], axis=0)
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
