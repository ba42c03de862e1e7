"""Rule detectors for threats, welfare concerns and abuse.

These return cue matches rather than final hits for threats and abuse: the
classifier combines them with the models (see ``decision.py``). Welfare is
rules only: the social-media corpora say nothing about crisis or self-harm.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from mailrouter.classify.cues import CueMatch, find, hit_from
from mailrouter.classify.labels import Hit, Label
from mailrouter.classify.lexicon.abuse import ABUSE_CUES, MASKED_WORD_CUES
from mailrouter.classify.lexicon.idioms import CONTEXT_FRAMES, FIXED, OBJECT_FRAMES
from mailrouter.classify.lexicon.reprisal import apologises
from mailrouter.classify.lexicon.threats import REPORTED_SPEECH, THREAT_CUES
from mailrouter.classify.lexicon.welfare import WELFARE_CUES
from mailrouter.classify.lexicon.welsh import WELSH_THREAT_CUES, WELSH_WELFARE_CUES
from mailrouter.classify.text import Field

# English and Welsh cues together: a threat or a concern in either language counts.
_THREAT_CUES = (*THREAT_CUES, *WELSH_THREAT_CUES)
_WELFARE_CUES = (*WELFARE_CUES, *WELSH_WELFARE_CUES)

_SENTENCE_END = re.compile(r"[.?!\n]")


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    # Equal-length spaces (newlines kept) keep offsets valid for evidence spans.
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        for index in range(start, end):
            if chars[index] != "\n":
                chars[index] = " "
    return "".join(chars)


def _window(text: str, start: int, end: int) -> str:
    """The sentence around ``text[start:end]`` and the sentence before it."""
    marks = [m.start() for m in _SENTENCE_END.finditer(text, 0, start)]
    left = 0
    # Walk back past blank lines to the start of the previous non-empty sentence.
    for index in range(len(marks) - 1, 0, -1):
        if text[marks[index - 1] + 1 : marks[index]].strip():
            left = marks[index - 1] + 1
            break
    right = _SENTENCE_END.search(text, end)
    return text[left : right.start() if right else len(text)]


def benign_spans(text: str) -> Iterator[tuple[int, int]]:
    """Where ``text`` uses a violent word harmlessly (see ``lexicon.idioms``)."""
    for pattern in (FIXED, OBJECT_FRAMES):
        for match in pattern.finditer(text):
            yield match.span()
    for frame in CONTEXT_FRAMES:
        for match in frame.pattern.finditer(text):
            around = _window(text, *match.span())
            if frame.context.search(around) and not frame.staff.search(around):
                yield match.span()


def without_benign_idioms(fields: Mapping[Field, str]) -> dict[Field, str]:
    """Fields with idioms such as "kill the weeds" blanked out (not the sender's address)."""
    return {
        field: text if field is Field.SENDER else _blank(text, list(benign_spans(text)))
        for field, text in fields.items()
    }


def threat_view(plain: Mapping[Field, str]) -> dict[Field, str]:
    """What threat detection reads: ``plain`` (benign idioms already blanked, see
    ``without_benign_idioms``) with reported speech blanked too."""
    return {
        field: _blank(text, [match.span() for match in REPORTED_SPEECH.finditer(text)])
        for field, text in plain.items()
    }


def reports_speech(plain: Mapping[Field, str], view: Mapping[Field, str]) -> bool:
    """Whether the writer reports what someone else said or threatened (``threat_view``
    blanked some of ``plain``), or apologises for what they said before: either way
    the harm words are not a new threat."""
    return any(
        view[field] != text or apologises(text)
        for field, text in plain.items()
        if field is not Field.SENDER
    )


def threat_matches(view: Mapping[Field, str]) -> list[CueMatch]:
    return find(_THREAT_CUES, view)


def abuse_matches(view: Mapping[Field, str]) -> list[CueMatch]:
    masked = any("*" in text for field, text in view.items() if field is not Field.SENDER)
    return find(ABUSE_CUES + MASKED_WORD_CUES, view) if masked else find(ABUSE_CUES, view)


def detect_welfare(fields: Mapping[Field, str]) -> Hit | None:
    # Read unmasked: a third party's crisis ("she said she would end it") still matters.
    return hit_from(Label.WELFARE, "welfare", find(_WELFARE_CUES, fields))
