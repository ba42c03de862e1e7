"""Detectors for statutory requests: FOI, EIR, subject access, complaints.

Pure rules over the prepared fields (see ``text.prepared_fields``). The EIR/FOI
split follows what is asked for: a request for information about the
environment is EIR whatever Act it cites, and is also reported as FOI when the
writer named FOI or wrote through WhatDoTheyKnow (so both clocks are visible).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from mailrouter.classify import cues
from mailrouter.classify.cues import CueMatch, confidence, find, hit_from
from mailrouter.classify.labels import Hit, Label
from mailrouter.classify.lexicon.complaints import COMPLAINT_CUES
from mailrouter.classify.lexicon.grievances import GRIEVANCE_CUES, REDRESS_CUES
from mailrouter.classify.lexicon.information import (
    DISCLAIMED_REQUEST,
    EIR_CUES,
    ENVIRONMENT_TOPICS,
    FOI_CUES,
)
from mailrouter.classify.lexicon.personal_data import SAR_CUES, hypothetical
from mailrouter.classify.lexicon.welsh import (
    WELSH_COMPLAINT_CUES,
    WELSH_EIR_CUES,
    WELSH_FOI_CUES,
    WELSH_SAR_CUES,
)
from mailrouter.classify.text import Field, Span

WHATDOTHEYKNOW = "whatdotheyknow.com"
# Cues that name FOI outright, as opposed to merely asking for information.
_EXPLICIT_FOI = frozenset({"foi-act", "foi-abbreviation", "whatdotheyknow-sender"})
_WDTK_CUE = cues.cue("whatdotheyknow-sender", WHATDOTHEYKNOW, 0.95)
_REPLY_SUBJECT = re.compile(r"^\s*(?:re|aw|sv)\s*:", re.IGNORECASE)
# How much the new text of a reply must say before its echoed subject counts.
_REPLY_SUPPORT = 0.3
# A complaint without the word needs both: dissatisfaction and an ask for redress.
_GRIEVANCE_MIN = 0.3
_REDRESS_MIN = 0.4
_EXPLICIT_MIN = 0.5
# English and Welsh cues together: a request in either language is a request.
_FOI_CUES = (*FOI_CUES, *WELSH_FOI_CUES)
_EIR_CUES = (*EIR_CUES, *WELSH_EIR_CUES)
_SAR_CUES = (*SAR_CUES, *WELSH_SAR_CUES)
_COMPLAINT_CUES = (*COMPLAINT_CUES, *WELSH_COMPLAINT_CUES)


def _without_echoed_subject(matches: list[CueMatch], fields: Mapping[Field, str]) -> list[CueMatch]:
    """A reply's subject repeats the earlier message ("Re: your complaint"): it only
    counts as evidence when the new text itself says something towards the label."""
    if not _REPLY_SUBJECT.match(fields[Field.SUBJECT]):
        return matches
    rest = [match for match in matches if match.span.field is not Field.SUBJECT]
    return matches if confidence(rest) >= _REPLY_SUPPORT else rest


def _sender_domain_span(sender: str) -> Span | None:
    """The span of a WhatDoTheyKnow domain in the sender address, if it is one."""
    address = sender.strip().strip("<>").lower()
    at = address.rfind("@")
    if at == -1:
        return None
    domain = address[at + 1 :]
    if domain != WHATDOTHEYKNOW and not domain.endswith("." + WHATDOTHEYKNOW):
        return None
    start = sender.lower().rfind(domain)
    return Span(Field.SENDER, start, start + len(domain))


def is_whatdotheyknow(sender: str) -> bool:
    return _sender_domain_span(sender) is not None


def _foi_matches(fields: Mapping[Field, str]) -> list[CueMatch]:
    matches = find(_FOI_CUES, fields)
    span = _sender_domain_span(fields[Field.SENDER])
    if span is not None:
        matches.append(CueMatch(_WDTK_CUE, span))
    return _without_echoed_subject(matches, fields)


def _named_foi(foi: list[CueMatch], wdtk: bool) -> bool:
    """Whether the writer named FOI. WhatDoTheyKnow names it in the address and the
    subject of every request, so there only the body counts: an environmental or a
    personal-data request sent through it is EIR or subject access alone."""
    return any(
        match.cue.name in _EXPLICIT_FOI and not (wdtk and match.span.field is not Field.BODY)
        for match in foi
    )


def names_foi_in_body(fields: Mapping[Field, str]) -> bool:
    """The body itself names the FOI Act (not a WhatDoTheyKnow address or subject line)."""
    return _named_foi(_foi_matches(fields), wdtk=True)


def detect_information_requests(fields: Mapping[Field, str]) -> list[Hit]:
    """FOI and/or EIR hits for one message."""
    foi = _foi_matches(fields)
    if DISCLAIMED_REQUEST.search(fields[Field.BODY]):
        # "Not making a new request, just wondering": a question about an old one.
        foi = [match for match in foi if match.cue is _WDTK_CUE]
    eir = _without_echoed_subject(find(_EIR_CUES, fields), fields)
    request = hit_from(Label.FOI, "foi-request", foi)
    topics = find((ENVIRONMENT_TOPICS,), fields) if request else []
    hits: list[Hit] = []
    if eir or topics:
        eir_hit = hit_from(Label.EIR, "eir-request", [*eir, *topics, *foi])
        if eir_hit is not None:
            hits.append(eir_hit)
    wdtk = is_whatdotheyknow(fields[Field.SENDER])
    if request is not None and (_named_foi(foi, wdtk) or not hits):
        hits.append(request)
    return hits


def detect_subject_access(fields: Mapping[Field, str]) -> Hit | None:
    matches = _without_echoed_subject(find(_SAR_CUES, fields), fields)
    if hypothetical(fields[Field.BODY]):
        # "SAR process" in the subject of "if I wanted my records one day, who do I ask?"
        matches = [match for match in matches if match.span.field is not Field.SUBJECT]
    return hit_from(Label.SAR, "data-protection-request", matches)


def detect_complaint(fields: Mapping[Field, str]) -> Hit | None:
    """An explicit complaint or escalation, or dissatisfaction plus an ask for redress."""
    explicit = _without_echoed_subject(find(_COMPLAINT_CUES, fields), fields)
    grievance = _without_echoed_subject(find(GRIEVANCE_CUES, fields), fields)
    redress = _without_echoed_subject(find(REDRESS_CUES, fields), fields)
    both = confidence(grievance) >= _GRIEVANCE_MIN and confidence(redress) >= _REDRESS_MIN
    # Grievance and redress cues are evidence, and add confidence, once it is a complaint.
    decided = both or confidence(explicit) >= _EXPLICIT_MIN
    matches = [*explicit, *grievance, *redress] if decided else explicit
    return hit_from(Label.COMPLAINT, "complaint", matches)


def _asks_for_information(fields: Mapping[Field, str]) -> bool:
    """Whether the body itself asks for information (beyond a WhatDoTheyKnow address)."""
    body = [match for match in _foi_matches(fields) if match.span.field is Field.BODY]
    return confidence(body) >= _EXPLICIT_MIN or bool(find(_EIR_CUES, fields, (Field.BODY,)))


def detect_statutory(fields: Mapping[Field, str]) -> list[Hit]:
    hits = detect_information_requests(fields)
    for hit in (detect_subject_access(fields), detect_complaint(fields)):
        if hit is not None:
            hits.append(hit)
    labels = {hit.label for hit in hits}
    if Label.COMPLAINT in labels and Label.FOI in labels and not _asks_for_information(fields):
        # A WhatDoTheyKnow message about the handling of a request, asking for nothing new.
        hits = [hit for hit in hits if hit.label is not Label.FOI]
    return hits
