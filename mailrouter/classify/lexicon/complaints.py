"""Cues for complaints: new complaints and escalations (Complaint Handling Code).

The labelling convention: a message is a complaint when it asks to make one
(or to escalate one: stage 2, a review, the Ombudsman), or when it expresses
dissatisfaction *and* asks for the matter to be investigated, reviewed, put
right or explained (``grievances``). A chaser or an angry service request
("still not collected, sort it out!!!") is not a complaint. A report about a
neighbour is not a complaint about the council, statistics about complaints
are an FOI request, and "I'm not making a formal complaint" is not one.
"""

from __future__ import annotations

import re

from mailrouter.classify.cues import Cue, cue

_GAP = r"[^.?!\n]{0,80}?"

_NEIGHBOUR = re.compile(
    r"\b(?:neighbou?rs?|next\s+door|noise\s+complaint|barking|anti-?social)\b", re.IGNORECASE
)
_COUNCIL_PARTY = re.compile(
    r"\b(?:you|your|council|officers?|staff|team|department|service|manager)\b", re.IGNORECASE
)
_STATISTICS = re.compile(
    r"\b(?:how\s+many|number\s+of|statistics|figures|data\s+on|upheld|per\s+year|each\s+year"
    r"|complaints\s+(?:recorded|received|made|logged))\b",
    re.IGNORECASE,
)


def about_a_neighbour(sentence: str) -> bool:
    """A report about a neighbour, with nothing said against the council itself."""
    return bool(_NEIGHBOUR.search(sentence)) and not _COUNCIL_PARTY.search(
        _NEIGHBOUR.sub(" ", sentence)
    )


_CLOSING = re.compile(
    r"\b(?:close|closing|withdraw|withdrawing|resolved)\b[^.?!\n]{0,30}\bcomplaint|\bcomplaint\b"
    r"[^.?!\n]{0,30}\b(?:closed|withdrawn|resolved)\b",
    re.IGNORECASE,
)


_DISCLAIMED = re.compile(
    r"\b(?:not|never|don't|do\s+not|isn't|is\s+not)\s+(?:(?:want|wish|need|making|make|lodging"
    r"|raising|submitting|writing|asking|wanting|intending|a|an|formal|official|really|actually"
    r"|at\s+all|to|this|as)\s+){0,4}(?:complain\w*|complaint)\b",
    re.IGNORECASE,
)
_ASKS_HOW = re.compile(
    r"\b(?:how|where|who)\s+(?:do|can|should|would|could)\s+I\s+(?:go\s+about\s+)?(?:make|making"
    r"|raise|lodge|submit|file|complain|send)\b|\bwhat(?:'s|\s+is)\s+the\s+(?:process|procedure"
    r"|best\s+way|way)\s+(?:for|to|of)\s+(?:making|make|raise|raising|lodging|complain)"
    r"|\bis\s+there\s+a\s+(?:form|procedure|process)\b",
    re.IGNORECASE,
)


# Statutory procedures called "complaints" that are not complaints about the council.
_OTHER_PROCEDURES = re.compile(
    r"\bcouncil\s+tax\s+band(?:ing)?\b|\bband(?:ing)?\s+(?:appeal|review|challenge)\b"
    r"|\bhigh\s+hedges?\b|\bhedges?\s+complaint|\bnoise\s+complaint|\b(?:complain\w*|complaint)\s+"
    r"about\s+(?:the\s+)?(?:noise|smell|music|parties|party|barking|dogs?|smoke|bonfires?|odou?rs?)\b",
    re.IGNORECASE,
)


def other_procedure(text: str) -> bool:
    """A banding appeal, a high-hedge or a noise complaint: another procedure's name."""
    return bool(_OTHER_PROCEDURES.search(text))


def about_statistics(sentence: str) -> bool:
    return bool(_STATISTICS.search(sentence))


# A reply that settles a complaint, or chases one already made, or a short question
# about how to make one: none is a new complaint (see ``overlaps``).
_SETTLED_OR_CHASING = re.compile(
    r"\bI(?:'m|\s+am)\s+(?:really\s+|very\s+|truly\s+)?sorry\s+(?:for|about)\b|\bI\s+(?:want\s+to\s+"
    r"|would\s+like\s+to\s+|wish\s+to\s+)?apologi[sz]e\s+(?:for|to)\b|\bplease\s+accept\s+my\s+apolog"
    r"|\b(?:consider|regard|treat)\s+(?:the\s+matter|this|it|my\s+complaint|the\s+complaint)\s+"
    r"(?:as\s+)?(?:closed|resolved|settled|finished)\b|\b(?<!not\s)(?<!n't\s)(?:happy|satisfied|content)"
    r"\s+with\s+"
    r"(?:the\s+|your\s+)?(?:outcome|response|resolution|result|answer)\b|\b(?:but\s+|and\s+)?I\s+"
    r"(?:accept|will\s+accept|can\s+accept)\s+(?:it|this|that|the\s+(?:outcome|decision|findings"
    r"|response|result)|your\s+(?:decision|response|findings))\b|\bplease\s+close\s+(?:my|the|this)"
    r"\s+complaint\b|\bstill\s+waiting\s+(?:for|on)\s+(?:the|your|a|my|any)\s+(?:\w+\s+)?(?:response"
    r"|reply|answer|outcome|decision|update)\b|\bwhen\s+(?:will|can|should|do)\s+I\s+(?:get|expect"
    r"|hear|receive)\b|\b(?:any|an)\s+update\s+on\s+(?:my|the)\s+complaint\b",
    re.IGNORECASE,
)
_ASKS_HOW_ALONE = re.compile(
    r"^[^.?!]{0,60}\b(?:how|where|who)\s+(?:do|can|should|would|could)\s+I\s+(?:go\s+about\s+)?"
    r"(?:make|making|raise|lodge|submit|file|complain|send)\b[^.?!]{0,80}[.?!]?\s*$",
    re.IGNORECASE,
)


def settled_or_chasing(body: str) -> bool:
    """The message settles or chases a complaint, or only asks how to make one."""
    return bool(_SETTLED_OR_CHASING.search(body) or _ASKS_HOW_ALONE.search(body.strip()))


# "I have referred it to the LGSCO": already with the Ombudsman, nothing asked of us;
# "copies of Ombudsman determinations": an information request.
_OMBUDSMAN_ELSEWHERE = re.compile(
    r"\b(?:have|has|had|I've|we've)\s+(?:now\s+|already\s+)?(?:referred|reported|taken|sent"
    r"|gone|complained)\b[^.?!\n]{0,40}\b(?:ombudsm[ae]n|LGSCO|SPSO)|\b(?:determinations|findings"
    r"|decisions|reports|rulings|judgments)\s+(?:against|about|of|on)\b|\bcop(?:y|ies)\s+of\b"
    r"|\bhow\s+many\b",
    re.IGNORECASE,
)


def ombudsman_elsewhere(sentence: str) -> bool:
    return bool(_OMBUDSMAN_ELSEWHERE.search(sentence))


def not_about_the_council(sentence: str) -> bool:
    """About a neighbour, another procedure, statistics, closing one, or disclaimed."""
    return (
        about_a_neighbour(sentence)
        or bool(_OTHER_PROCEDURES.search(sentence))
        or bool(_STATISTICS.search(sentence))
        or bool(_CLOSING.search(sentence))
        or bool(_DISCLAIMED.search(sentence))
    )


def not_a_complaint(sentence: str) -> bool:
    """Not about the council, or only asking how to complain."""
    return not_about_the_council(sentence) or bool(_ASKS_HOW.search(sentence))


# Explicit: asking to complain or escalate. Any of these decides alone.
COMPLAINT_CUES: tuple[Cue, ...] = (
    cue("formal-complaint", r"\b(?:formal|official)\s+complaint\b", 0.95, not_a_complaint),
    cue(
        "complaint-stage",
        r"\bstage\s*(?:1|2|one|two)\b"
        + _GAP
        + r"\bcomplaint\b|\bcomplaint\b"
        + _GAP
        + r"\bstage\s*(?:1|2|one|two)\b",
        0.9,
        about_statistics,
    ),
    cue("stage-two", r"\bstage\s*(?:2|two)\b", 0.6, about_statistics),
    cue(
        "makes-a-complaint",
        r"\b(?:make|making|raise|raising|lodge|lodging|submit|submitting|file|register|log"
        r"|logging|put\s+in|open|opened)\s+(?:a|an|this|my)\s+(?:formal\s+|official\s+|new\s+)?"
        r"(?:complaint|compaint|complant|complint)\b",
        0.9,
        not_a_complaint,
    ),
    cue(
        "wants-to-complain",
        r"\bI\s+(?:also\s+|really\s+|now\s+|therefore\s+|still\s+)?(?:wish|want|would\s+like|'d"
        r"\s+like|am\s+writing|need|intend|must|have)\s+to\s+"
        r"(?:formally\s+)?complain\b|\bI\s+(?:must|shall|will|would)\s+(?:formally\s+)?complain\b"
        r"|\bI(?:\s+am|'m)\s+(?:formally\s+)?complaining\b|\bI\s+"
        r"(?:formally\s+)?complain\s+(?:about|that)\b|\bwriting\s+to\s+(?:formally\s+)?complain\b",
        0.9,
        not_a_complaint,
    ),
    cue(
        "treat-as-complaint",
        r"\b(?:this|it)\s+is\s+a\s+complaint\b|\b(?:treat|log|record|take|register|handle)\s+"
        r"(?:this|it)\s+as\s+a\s+(?:formal\s+)?complaint\b|\b(?:this|it)\s+(?:\w+\s+)?(?:be\s+)?"
        r"(?:treated|logged|recorded|taken|registered|handled|dealt\s+with)\s+as\s+(?:a|my)\s+"
        r"(?:formal\s+)?complaint\b",
        0.9,
        not_about_the_council,
    ),
    cue(
        "complaint-about-the-council",
        r"\bcomplaint\s+(?:about|against|regarding|concerning)\s+(?:the\s+|your\s+|a\s+|how\s+)?"
        r"(?:council|officer|staff|service|department|team|way|handling|conduct|behaviou?r"
        r"|decision|delay|lack)",
        0.9,
        not_a_complaint,
    ),
    cue(
        "complaints-procedure",
        r"\bcomplaints?\s+(?:procedure|process|policy|team|department)\b",
        0.7,
        not_a_complaint,
    ),
    cue(
        "escalation",
        r"\bescalat(?:e|ed|ing|ion)\b|\b(?:next|second|final|further)\s+stage\b|\btake\s+(?:it|this"
        r"|my\s+complaint|the\s+matter)\s+further\b",
        0.7,
        about_a_neighbour,
    ),
    cue(
        "ombudsman",
        r"\bombudsm[ae]n\b|\bLGSCO\b|\bSPSO\b|\bPSOW\b",
        0.85,
        ombudsman_elsewhere,
    ),
    cue(
        # A councillor's or officer's conduct put to those who police it, in any words.
        "conduct-standards",
        r"\b(?:Monitoring\s+Officer|standards\s+(?:committee|board|panel|people|team|officer"
        r"|sub-?committee|commissioner)|code\s+of\s+conduct)\b",
        0.6,
        not_a_complaint,
    ),
    cue(
        "conduct-referral",
        r"\b(?:Monitoring\s+Officer|standards\s+(?:committee|board|panel))\s+(?:to\s+)?(?:investigate"
        r"|look\s+into|review|consider)\b|\bbreach\w*\s+(?:of\s+)?the\s+(?:members'?\s+"
        r"|councillors'?\s+)?code\s+of\s+conduct\b",
        0.9,
    ),
    cue(
        "formal-review",
        r"\bformal(?:ly)?\s+(?:review\w*|investigat\w+|look\s+into)\b|\b(?:an\s+)?independent\s+"
        r"(?:review|investigation)\b|\bgrievance\b|\b(?:express|register|record"
        r"|convey)\s+my\s+(?:deep\s+|strong\s+|extreme\s+)?(?:dissatisfaction|disappointment)\b",
        0.9,
    ),
)
