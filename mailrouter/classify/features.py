"""The one text normalisation shared by training and inference.

It lives in its own module because the trained pipeline refers to it by
import path: renaming or moving it makes every committed model unloadable.
"""

from __future__ import annotations

import html
import re

_HANDLE = re.compile(r"@\w+|\bRT\b")
_URL = re.compile(r"https?://\S+|www\.\S+|\bURL\b")
_SPACE = re.compile(r"\s+")
# Mask-like censoring ("f***", "sh*t") is common in complaints; fold it to letters.
_STARS = re.compile(r"(?<=\w)[*#@$]+(?=\w)|(?<=\w)[*#]+")


def normalise(text: str) -> str:
    """Lower-case text with handles, links and entity escapes folded away."""
    text = html.unescape(text)
    text = _HANDLE.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _STARS.sub("*", text)
    text = text.replace("\u2019", "'")
    return _SPACE.sub(" ", text).strip().lower()


PUBLIC_FEATURES = (
    "features.normalise, then the union of HashingVectorizer word 1-2 grams and char_wb 2-5 "
    "grams (alternate_sign=False, l2 norm, 2**17 buckets each) into LogisticRegression "
    "(liblinear, C=4, class_weight=balanced)"
)
COUNCIL_FEATURES = (
    "features.normalise, then the union of TfidfVectorizer word 1-2 grams (at most 20,000) and "
    "char_wb 2-5 grams (at most 60,000), sublinear tf, into one-vs-rest LogisticRegression "
    "(liblinear, C=10, class_weight=balanced) per label"
)
