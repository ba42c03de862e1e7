"""Compact character n-gram vectors of a message's own words, and cosine between them.

Why a hashing vectoriser: it needs no vocabulary fitted over the history, so a
message is vectorised on its own, in the same bounded time whatever has gone
before (O(1) in history). Character n-grams within words tolerate the small
edits of a paraphrased repeat (a changed word, a reordered sentence). Weights
are sublinear term frequencies; there is no inverse document frequency, because
keeping corpus-wide counts would cost an update per n-gram per message.

Each vector keeps only its ``KEEP`` heaviest features (ties broken by index, so
equal texts keep equal features) and is stored packed (``dump``): 6 bytes a
feature, at most 2.3 kB a message whatever its length.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer

KEEP = 384
PROFILE_KEEP = 512
# Texts shorter than this ("Thanks", "Received") repeat by nature: not compared.
MIN_CHARS = 60
MAX_CHARS = 2000

Vector = dict[int, float]

_VECTORISER = HashingVectorizer(
    analyzer="char_wb",
    ngram_range=(3, 5),
    n_features=2**20,
    alternate_sign=False,
    norm=None,
    lowercase=True,
)


def vectorise(text: str) -> Vector | None:
    """The message's vector, or None when it is too short to say anything."""
    words = " ".join(text[:MAX_CHARS].split())
    if len(words) < MIN_CHARS:
        return None
    row = _VECTORISER.transform([words]).tocsr()
    weights = {int(i): 1.0 + math.log(float(c)) for i, c in zip(row.indices, row.data, strict=True)}
    return _top(weights, KEEP)


def _top(weights: Mapping[int, float], keep: int) -> Vector:
    chosen = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:keep]
    norm = math.sqrt(sum(w * w for _, w in chosen)) or 1.0
    return {i: w / norm for i, w in chosen}


def cosine(a: Mapping[int, float], b: Mapping[int, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(i, 0.0) for i, w in a.items())


def merge_profile(profile: Mapping[int, float], count: int, vector: Mapping[int, float]) -> Vector:
    """A writing profile (mean of ``count`` vectors) with one more vector folded in."""
    merged = {i: w * count for i, w in profile.items()}
    for i, w in vector.items():
        merged[i] = merged.get(i, 0.0) + w
    return _top(merged, PROFILE_KEEP)


def dump(vector: Mapping[int, float]) -> bytes:
    """Packed for storage: little-endian uint32 indices, then float16 weights (6 bytes each)."""
    items = sorted(vector.items())
    indices = np.array([i for i, _ in items], dtype="<u4")
    weights = np.array([w for _, w in items], dtype="<f2")
    return indices.tobytes() + weights.tobytes()


def load(stored: bytes | None) -> Vector:
    if not stored:
        return {}
    count = len(stored) // 6
    indices = np.frombuffer(stored, dtype="<u4", count=count)
    weights = np.frombuffer(stored, dtype="<f2", count=count, offset=4 * count)
    return dict(zip(indices.tolist(), weights.astype(float).tolist(), strict=True))
