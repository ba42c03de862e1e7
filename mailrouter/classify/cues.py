"""Weighted phrase cues: the rule half of every detector.

A cue is a regular expression with a weight in (0, 1]. A detector's confidence
is ``1 - prod(1 - weight)`` over the distinct cues that matched, so one strong
cue (0.9) decides alone while weak cues (0.3) need company. Patterns use only
bounded gaps (``[^.?!\\n]{0,80}``), never nested repetition, so no input can make
them backtrack for long.

Most messages match few cues, so each cue carries the first three letters of
every word a match can begin with (worked out from the pattern; see
``anchors``). A cue whose anchors start no word of the text is not run at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from mailrouter.classify.anchors import ANCHOR_LENGTH, Paths, anchors
from mailrouter.classify.labels import Hit, Label
from mailrouter.classify.text import Field, Span

_WORD = re.compile(r"\w+")
# At most this many evidence spans per hit: enough to show why, short enough to read.
MAX_EVIDENCE = 5
TEXT_FIELDS: tuple[Field, ...] = (Field.SUBJECT, Field.BODY)


@lru_cache(maxsize=64)
def word_starts(text: str) -> Paths:
    """The first three letters (casefolded) of every word in ``text``."""
    return frozenset(word[:ANCHOR_LENGTH] for word in _WORD.findall(text.casefold()))


@dataclass(frozen=True, slots=True)
class Cue:
    name: str
    pattern: re.Pattern[str]
    weight: float
    # Optional veto on a match, given the sentence around it (e.g. "about me").
    reject: Callable[[str], bool] | None = None
    # See ``anchors``: None means the cue is always run.
    starts: Paths | None = None

    def may_match(self, text: str) -> bool:
        return self.starts is None or not self.starts.isdisjoint(word_starts(text))


@dataclass(frozen=True, slots=True)
class CueMatch:
    cue: Cue
    span: Span


def cue(name: str, regex: str, weight: float, reject: Callable[[str], bool] | None = None) -> Cue:
    return Cue(name, re.compile(regex, re.IGNORECASE), weight, reject, anchors(regex))


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence (or line) holding ``text[start:end]``."""
    left = max(text.rfind(mark, 0, start) for mark in ".?!\n")
    rights = [i for i in (text.find(mark, end) for mark in ".?!\n") if i != -1]
    return text[left + 1 : min(rights, default=len(text))]


def find(
    cues: Sequence[Cue], fields: Mapping[Field, str], scan: Iterable[Field] = TEXT_FIELDS
) -> list[CueMatch]:
    """Every accepted match of every cue in the scanned fields."""
    found: list[CueMatch] = []
    scanned = tuple(scan)
    for item in cues:
        for field in scanned:
            text = fields[field]
            if not item.may_match(text):
                continue
            for match in item.pattern.finditer(text):
                if item.reject and item.reject(sentence_around(text, *match.span())):
                    continue
                found.append(CueMatch(item, Span(field, match.start(), match.end())))
    return found


def confidence(matches: Iterable[CueMatch]) -> float:
    """Noisy-or over distinct cues: each cue counts once however often it matched."""
    weights = {match.cue.name: match.cue.weight for match in matches}
    remaining = 1.0
    for weight in weights.values():
        remaining *= 1.0 - weight
    return round(1.0 - remaining, 4)


def hit_from(
    label: Label, detector: str, matches: Sequence[CueMatch], threshold: float = 0.5
) -> Hit | None:
    """A hit if the matches are confident enough, with the strongest matches as evidence."""
    score = confidence(matches)
    if not matches or score < threshold:
        return None
    ranked = sorted(matches, key=lambda m: (-m.cue.weight, m.span.field, m.span.start))
    evidence: list[Span] = []
    for match in ranked:
        if match.span not in evidence:
            evidence.append(match.span)
    return Hit(label, score, detector, tuple(evidence[:MAX_EVIDENCE]))
