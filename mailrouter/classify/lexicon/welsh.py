"""Cues for statutory requests written in Welsh.

A request in Welsh is as valid as one in English (Welsh Language Act 1993; the
Welsh Language Standards), and the clocks run the same. The English cues and the
models, trained almost only on English, see nothing in "Hoffwn gael copi o'r holl
wybodaeth bersonol sydd gan y cyngor amdanaf i" (I'd like a copy of all the
personal information the council holds about me). Mutated forms are included
where a request would use them (cwyn -> nghwyn after "fy", "my").
Weights follow the English lexicons: 0.9+ decides alone, 0.5-0.8 is a likely
request, below 0.5 needs company.
"""

from __future__ import annotations

from mailrouter.classify.cues import Cue, cue

# "I would like to know / have / see / ask / receive": the usual opening of a request.
_WOULD_LIKE = r"\bhoffwn\s+(?:wybod|gael|gweld|weld|ofyn|dderbyn)\b"

WELSH_FOI_CUES: tuple[Cue, ...] = (
    cue("welsh-foi-act", r"\brhyddid\s+gwybodaeth\b", 0.95),
    cue("welsh-would-like", _WOULD_LIKE, 0.6),
    # "how many / how much", "how much money was spent", "reports", "figures"
    cue("welsh-how-many", r"\bfaint\s+o\b|\bwariwyd\b|\badroddiad(?:au)?\b|\bffigurau\b", 0.35),
    # "may I have / see a copy", "a copy of", "records / minutes", "request"
    cue("welsh-may-i-have", r"\bga\s+i\s+(?:gael|gopi|weld)\b|\ballwch\s+chi\s+anfon\b", 0.5),
    cue("welsh-copy-records", r"\bcopi\s+o\b|\bcofnodion\b|\bcais\s+am\b", 0.35),
)

# Environmental topics: floods, air quality, pollution, sewage, waste, noise, drainage,
# contaminated land, trees, the environment. Weak alone; EIR with a request beside it.
WELSH_EIR_CUES: tuple[Cue, ...] = (
    cue(
        "welsh-environment",
        r"\b(?:llifogydd|llifogi|ansawdd\s+(?:yr\s+)?aer|llygredd|carthffosiaeth|carthion"
        r"|gwastraff|sŵn|draenio|draeniad|tir\s+halogedig|amgylchedd\w*|allyriadau)\b",
        0.35,
    ),
)

# "personal information / data", "data protection", "about me".
WELSH_SAR_CUES: tuple[Cue, ...] = (
    cue("welsh-personal-data", r"\b(?:gwybodaeth|wybodaeth|data)\s+(?:bersonol|personol)\b", 0.9),
    cue("welsh-data-protection", r"\bdiogelu\s+data\b", 0.6),
    cue("welsh-about-me", r"\bamdanaf\s+(?:i|fi)\b", 0.3),
    # "my records", "my file"
    cue("welsh-my-records", r"\bfy\s+(?:nghofnodion|ffeil|nata)\b", 0.6),
)

# "complaint" (cwyn, mutated nghwyn; plural cwynion), "formal complaint", "to complain".
WELSH_COMPLAINT_CUES: tuple[Cue, ...] = (
    cue("welsh-formal-complaint", r"\b(?:cwyn|nghwyn)\s+ffurfiol\b", 0.95),
    cue("welsh-complaint", r"\b(?:cwyn|nghwyn|cwynion|gwyno|cwyno)\b", 0.7),
    # the Public Services Ombudsman for Wales; "stage 2"; "dissatisfied with your response"
    cue("welsh-ombudsman", r"\bombwdsmon\b", 0.85),
    cue("welsh-stage-two", r"\bcam\s*(?:2|dau)\b", 0.6),
    cue("welsh-dissatisfied", r"\banfodlon\b", 0.4),
    # "investigate" (ymchwilio): a request for redress
    cue("welsh-investigate", r"\bymchwilio\b", 0.3),
)

# "(he/she/you) will get hurt / injured / killed"; "I'll kill (you/him/her)".
WELSH_THREAT_CUES: tuple[Cue, ...] = (
    cue(
        "welsh-will-be-hurt",
        r"\bcael\s+(?:ei|eu|dy|eich)\s+(?:brifo|frifo|hanafu|anafu|lladd|ladd|guro|curo)\b",
        0.8,
    ),
    cue("welsh-kill-you", r"\b(?:lladd|ladd|ladda|laddaf)\s+(?:chi|ti|di|e|fe|o|hi|nhw)\b", 0.8),
)

# Harm to a child (bruises, hitting, abuse, neglect), self-harm and suicide, worry.
WELSH_WELFARE_CUES: tuple[Cue, ...] = (
    cue(
        "welsh-harm-to-child",
        r"\b(?:c|g|ch)leisiau\b|\byn\s+(?:ei|eu)\s+(?:daro|tharo|churo|curo)\b|\bcam-drin\b|\besgeulus\w*",
        0.7,
    ),
    cue("welsh-self-harm", r"\b(?:lladd|ladd)\s+fy\s+hun\b|\bhunanladdiad\b|\bhunan-niwed\b", 0.9),
    cue("welsh-worried", r"\bpoeni\s+am\b|\bllwglyd\b", 0.3),
)
