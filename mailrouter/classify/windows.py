"""Sentence windows of a long message, so the models can find one threatening sentence.

The models score a whole text, and a text's features are normalised to unit
length: one sentence of menace in a ten-paragraph complaint about repairs is
diluted until the model no longer sees it (80 short threats set inside 9 long
messages: 0.98 found alone, 0.70 inside, 0.91 inside with windows). So a long
message is also scored as overlapping windows of two sentences, and the threat
and welfare scores take the highest window (see
``Classifier.sentence_signals_many``). Short messages are scored whole only.
"""

from __future__ import annotations

import re

# Below this many characters of live text a message is scored whole only.
LONG_TEXT = 400
# Sentences per window, and at most this many windows per message (bounded cost).
WINDOW = 2
MAX_WINDOWS = 40

_SENTENCE = re.compile(r"[^.?!\n]+(?:[.?!]+|\n|$)")


def sentences(text: str) -> list[str]:
    """The sentences (or lines) of ``text`` that have words in them."""
    found = (match.group().strip() for match in _SENTENCE.finditer(text))
    return [sentence for sentence in found if any(char.isalpha() for char in sentence)]


def windows(text: str) -> list[str]:
    """Overlapping two-sentence windows of a long ``text``; none for a short one."""
    if len(text) < LONG_TEXT:
        return []
    parts = sentences(text)
    if len(parts) <= WINDOW:
        return []
    return [" ".join(parts[start : start + WINDOW]) for start in range(len(parts) - 1)][
        :MAX_WINDOWS
    ]
