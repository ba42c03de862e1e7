"""Labels that exclude each other once rules and models have both spoken (pure).

A request for one's own records asks for "copies", "notes", "everything": the
FOI cues and the council model see an information request, but it is subject
access, and the FOI clock would be the wrong one. So FOI stands beside a
subject access hit only when the body itself names the FOI Act, or asks for
information in a sentence of its own ("first, my file; second, how many SARs
did you receive last year?").

A council tax banding appeal, a high-hedge or a noise complaint is another
procedure: a model's complaint there is dropped (the rules already reject it).
A reply that closes, accepts, chases or asks how to make a complaint is not a
new complaint, however much it says "complaint"; it stays one only when the
writer also escalates or asks for one in so many words (``complaints``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from mailrouter.classify.cues import confidence, find
from mailrouter.classify.labels import Hit, Label
from mailrouter.classify.lexicon.complaints import (
    COMPLAINT_CUES,
    other_procedure,
    settled_or_chasing,
)
from mailrouter.classify.statutory import is_whatdotheyknow, names_foi_in_body
from mailrouter.classify.text import Field, Span

# Explicit complaint cues in the body at or above this keep a closing message a complaint.
_STILL_COMPLAINING = 0.5


def _without(hits: Sequence[Hit], label: Label) -> list[Hit]:
    return [hit for hit in hits if hit.label is not label]


def _sentence(text: str, span: Span) -> tuple[int, int]:
    left = max(text.rfind(mark, 0, span.start) for mark in ".?!\n")
    rights = [i for i in (text.find(mark, span.end) for mark in ".?!\n") if i != -1]
    return left + 1, min(rights, default=len(text))


def _separate_request(foi: Hit, sar: Hit, body: str) -> bool:
    """Whether the FOI rules point only at body sentences that the SAR hit does not."""
    taken = {_sentence(body, span) for span in sar.evidence if span.field is Field.BODY}
    asked = {_sentence(body, span) for span in foi.evidence if span.field is Field.BODY}
    return bool(taken and asked) and not taken & asked and not foi.detector.endswith("model")


def _foi_ruled_out(found: Mapping[Label, Hit], fields: Mapping[Field, str]) -> bool:
    """FOI beside subject access, or a model's FOI beside a WhatDoTheyKnow EIR request."""
    foi = found.get(Label.FOI)
    if foi is None or names_foi_in_body(fields):
        return False
    sar = found.get(Label.SAR)
    if sar is not None and not _separate_request(foi, sar, fields[Field.BODY]):
        return True
    # WhatDoTheyKnow titles every request "Freedom of Information request": the model
    # leans on that, but an environmental request sent through it is EIR alone.
    return (
        Label.EIR in found
        and foi.detector.endswith("model")
        and is_whatdotheyknow(fields[Field.SENDER])
    )


def _not_a_new_complaint(found: Mapping[Label, Hit], fields: Mapping[Field, str]) -> bool:
    complaint = found.get(Label.COMPLAINT)
    if complaint is None:
        return False
    if complaint.detector.endswith("model") and other_procedure(fields[Field.BODY]):
        # The models know the word, not the procedure: "complain about my banding" is
        # an appeal to the valuation office, and the rules already said so.
        return True
    if not settled_or_chasing(fields[Field.BODY]):
        return False
    explicit = find(COMPLAINT_CUES, fields, (Field.BODY,))
    return confidence(explicit) < _STILL_COMPLAINING


def resolve(hits: Sequence[Hit], fields: Mapping[Field, str]) -> list[Hit]:
    """``hits`` without the labels that another hit, or the message itself, rules out."""
    found = {hit.label: hit for hit in hits}
    resolved = list(hits)
    if _foi_ruled_out(found, fields):
        resolved = _without(resolved, Label.FOI)
    if _not_a_new_complaint(found, fields):
        resolved = _without(resolved, Label.COMPLAINT)
    return resolved
