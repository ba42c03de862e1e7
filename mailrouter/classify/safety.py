"""Rule detectors for threats, welfare concerns and abuse.

These return cue matches rather than final hits for threats and abuse: the
classifier combines them with the models (see ``decision.py``). Welfare is
rules only: the social-media corpora say nothing about crisis or self-harm.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from mailrouter.classify.cues import CueMatch, find, hit_from
from mailrouter.classify.labels import Hit, Label
from mailrouter.classify.lexicon.abuse import ABUSE_CUES
from mailrouter.classify.lexicon.threats import BENIGN_IDIOMS, REPORTED_SPEECH, THREAT_CUES
from mailrouter.classify.lexicon.welfare import WELFARE_CUES
from mailrouter.classify.text import Field


def _blank_matches(pattern: re.Pattern[str], text: str) -> str:
    # Equal-length spaces keep offsets valid for evidence spans.
    return pattern.sub(lambda match: re.sub(r"[^\n]", " ", match.group()), text)


def without_benign_idioms(fields: Mapping[Field, str]) -> dict[Field, str]:
    """Fields with idioms such as "kill the weeds" blanked out."""
    return {field: _blank_matches(BENIGN_IDIOMS, text) for field, text in fields.items()}


def threat_view(fields: Mapping[Field, str]) -> dict[Field, str]:
    """What threat detection reads: no benign idioms and no reported speech."""
    return {
        field: _blank_matches(REPORTED_SPEECH, text)
        for field, text in without_benign_idioms(fields).items()
    }


def threat_matches(view: Mapping[Field, str]) -> list[CueMatch]:
    return find(THREAT_CUES, view)


def abuse_matches(view: Mapping[Field, str]) -> list[CueMatch]:
    return find(ABUSE_CUES, view)


def detect_welfare(fields: Mapping[Field, str]) -> Hit | None:
    # Read unmasked: a third party's crisis ("she said she would end it") still matters.
    return hit_from(Label.WELFARE, "welfare", find(WELFARE_CUES, fields))
