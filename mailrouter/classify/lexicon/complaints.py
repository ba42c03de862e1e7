"""Cues for complaints: new complaints and escalations (Complaint Handling Code).

The Code's definition is wide ("an expression of dissatisfaction, however
made"), so besides the word itself the cues look for dissatisfaction, repeated
failure and demands for redress; a report about a neighbour is not a complaint
about the council, and statistics about complaints are an FOI request.
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


def _not_a_complaint(sentence: str) -> bool:
    return (
        about_a_neighbour(sentence)
        or bool(_STATISTICS.search(sentence))
        or bool(_CLOSING.search(sentence))
    )


COMPLAINT_CUES: tuple[Cue, ...] = (
    cue("formal-complaint", r"\b(?:formal|official)\s+complaint\b", 0.95),
    cue(
        "complaint-stage",
        r"\bstage\s*(?:1|2|one|two)\b"
        + _GAP
        + r"\bcomplaint\b|\bcomplaint\b"
        + _GAP
        + r"\bstage\s*(?:1|2|one|two)\b",
        0.9,
    ),
    cue("stage-two", r"\bstage\s*(?:2|two)\b", 0.6),
    cue(
        "makes-a-complaint",
        r"\b(?:make|making|raise|raising|lodge|lodging|submit|submitting|file|register|log"
        r"|logging|put\s+in)\s+(?:a|an|this|my)\s+(?:formal\s+|official\s+|new\s+)?complaint\b",
        0.9,
        about_a_neighbour,
    ),
    cue(
        "wants-to-complain",
        r"\bI\s+(?:wish|want|would\s+like|'d\s+like|am\s+writing|need|intend)\s+to\s+complain\b"
        r"|\bI(?:\s+am|'m)\s+complaining\b",
        0.9,
        about_a_neighbour,
    ),
    cue(
        "this-is-a-complaint",
        r"\b(?:this|it)\s+is\s+a\s+complaint\b|\b(?:treat|log|record|take|register)\s+(?:this|it)"
        r"\s+as\s+a\s+(?:formal\s+)?complaint\b|\bcomplaint\s+(?:about|against|regarding|"
        r"concerning)\s+(?:the\s+|your\s+|a\s+|how\s+)?(?:council|officer|staff|service|department"
        r"|team|way|handling|conduct|behaviou?r|decision|delay|lack)",
        0.9,
    ),
    cue("complaint-word", r"\bcomplain(?:t|ts|ed|ing)?\b", 0.5, _not_a_complaint),
    cue("complaints-procedure", r"\bcomplaints?\s+(?:procedure|process|policy|team)\b", 0.7),
    cue("escalation", r"\bescalat(?:e|ed|ing|ion)\b", 0.7),
    cue("ombudsman", r"\bombudsm[ae]n\b|\bLGSCO\b", 0.85),
    cue(
        "dissatisfied",
        r"\b(?:not|un|dis)[\s-]?(?:satisfied|happy|content)\s+with\b|\bdissatisf\w*"
        r"|\bremain\s+(?:unhappy|dissatisfied)\b",
        0.7,
    ),
    cue(
        "disputes-outcome",
        r"\b(?:disagree|don't\s+agree|do\s+not\s+agree|dispute|challenge)\s+(?:with\s+)?"
        r"(?:the|your)\s+(?:outcome|decision|findings|response|conclusion)",
        0.7,
    ),
    cue(
        "asks-for-review",
        r"\b(?:looked\s+at|reviewed|investigated|considered)\s+again\b|\bsomeone\s+more\s+senior\b"
        r"|\b(?:a|your)\s+(?:manager|supervisor|senior\s+officer)\s+(?:to\s+)?(?:review|look\s+at"
        r"|investigate)\b|\bcan\s+a\s+manager\b|\bspeak\s+to\s+(?:a|your|the)\s+manager\b",
        0.6,
    ),
    cue(
        "poor-service",
        r"\b(?:appalling|disgraceful|shocking|terrible|abysmal|dreadful|poor|atrocious|awful)\s+"
        r"(?:service|treatment|handling|standard|response|way)\b|\bnot\s+(?:good\s+enough|"
        r"acceptable)\b|\bunacceptable\b",
        0.55,
    ),
    cue(
        "wants-redress",
        r"\bI\s+(?:expect|want|demand|deserve)\s+an?\s+(?:apology|explanation)\b|\bcompensation\b",
        0.55,
    ),
    cue(
        "repeated-failure",
        r"\b(?:second|third|fourth|fifth|sixth|\d+(?:nd|rd|th))\s+(?:time|week)\b"
        r"|\bhad\s+to\s+(?:write|chase|contact|call|ring|report|e-?mail)\s+(?:\w+\s+)?again\b",
        0.4,
    ),
    cue(
        "disappointed",
        r"\b(?:disappointed|let\s+down|frustrated|upset|angry|furious|appalled|disgusted|outraged"
        r"|livid)\b|\bhow\s+is\s+(?:this|that|it)\s+(?:acceptable|fair|right)\b",
        0.5,
    ),
    cue(
        "ignored",
        r"\b(?:nobody|no\s+one|no-one)\s+(?:has\s+|ever\s+)?(?:come|called|rung|replied|responded"
        r"|returns?|got\s+back|bothered|been\s+in\s+touch)\b|\bignor(?:ed|ing)\s+(?:me|my)\b"
        r"|\bstill\s+(?:not|no|waiting|hasn't|haven't)\b|\bnothing\s+(?:has\s+been\s+done|changes"
        r"|has\s+happened)\b|\bdespite\s+(?:\w+\s+){0,3}(?:chasers?|e-?mails|calls|reminders"
        r"|promises|letters?)\b|\bfailed\s+to\b|\bno\s+(?:response|reply|explanation|update|contact"
        r"|one\s+will)\b",
        0.4,
    ),
    cue("fed-up", r"\b(?:fed\s+up|had\s+enough|sick\s+(?:and\s+tired\s+)?of|wits'?\s+end)\b", 0.4),
    cue(
        "wants-action",
        r"\bwho\s+is\s+responsible\b|\bwhat\s+the\s+council\s+is\s+going\s+to\s+do\b"
        r"|\bI\s+want\s+(?:this|it)\s+(?:looked\s+into|investigated|dealt\s+with)\b",
        0.4,
    ),
    cue(
        "staff-conduct",
        r"\b(?:rude|dismissive|unprofessional|unhelpful|condescending|arrogant|patronising)\b",
        0.45,
    ),
    cue(
        "long-wait",
        r"\bwait(?:ed|ing)\s+(?:for\s+)?(?:\d+|two|three|four|five|six|seven|eight|nine|ten"
        r"|several|many)\s+(?:days|weeks|months)\b|\bmonths\s+ago\b|\bfor\s+(?:\d+|two|three"
        r"|four|five|six|seven|eight|nine|ten|several)\s+(?:days|weeks|months)\b",
        0.35,
    ),
    # Broad families: any two together read as dissatisfaction with a service.
    cue(
        "strong-criticism",
        r"\b(?:disgrace(?:ful)?|shambles|farce|ridiculous|pathetic|outrageous|appalling|shocking"
        r"|scandalous|incompeten\w+|useless|hopeless|a\s+joke|laughable|contempt|negligen\w+"
        r"|neglect\w*|failures?|failings|diabolical|atrocious|abysmal|unfair|unjust"
        r"|shouldn't\s+be\s+(?:allowed|employed|working))\b",
        0.35,
    ),
    cue(
        "repetition",
        r"\b(?:again|repeatedly|constantly|every\s+(?:single\s+)?(?:week|time|day|month|fortnight)"
        r"|(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|many|numerous)\s+times"
        r"|since\s+(?:january|february|march|april|may|june|july|august|september|october"
        r"|november|december|last\s+\w+)|still)\b",
        0.3,
    ),
    cue(
        "demands-redress",
        r"\b(?:sort\s+(?:it|this)(?:\s+out)?|get\s+(?:it|this)\s+sorted|want\s+(?:it|this)\s+"
        r"(?:sorted|fixed|done|dealt)|I\s+expect\s+(?:better|more|a|an|it|this|you)|I\s+demand"
        r"|take\s+responsibility|put\s+(?:it|this|things)\s+right|an\s+explanation|an\s+apology"
        r"|(?:expect|want|demand)\s+(?:some\s+)?action|action\s+(?:to\s+be|is)\s+taken"
        r"|do\s+something|I\s+insist|accountab\w+)\b",
        0.3,
    ),
    cue(
        "mistreated",
        r"\b(?:treated\s+(?:me\s+)?(?:with\s+contempt|badly|like|appallingly|disgracefully|rudely)"
        r"|laughed\s+at\s+me|hung\s+up\s+on\s+me|fobbed\s+off|lied\s+to|spoke\s+to\s+me\s+like"
        r"|talked\s+down|shouted\s+at\s+me|humiliated|no\s+one\s+(?:listens|cares)|swore\s+at"
        r"|sworn\s+at|shouted\s+at|(?:on|kept\s+on)\s+hold\s+for|cut\s+off)\b",
        0.55,
    ),
    cue(
        "service-failure",
        r"(?<!\bI\s)(?<!I've\s)\b(?:missed|not\s+(?:been\s+)?(?:collected|fixed|repaired|done"
        r"|returned|answered)|no\s+(?:heating|hot\s+water|electricity|gas|power)"
        r"|painted\s+over|cancelled\s+(?:\w+\s+)?(?:appointments?|visits?)|no-?show"
        r"|didn't\s+(?:turn\s+up|come|show)|never\s+(?:turned\s+up|came|arrived|called|replied"
        r"|heard))\b",
        0.3,
    ),
    cue("exclamation", r"!{2,}", 0.25),
    cue(
        "wants-it-investigated",
        r"\bI(?:'d|\s+would)\s+like\s+(?:this|it)\s+(?:investigated|looked\s+into|reviewed)\b"
        r"|\bnot\s+prepared\s+to\s+accept\b|\breview\s+(?:this|it|my\s+case)\s+(?:properly|again)\b"
        r"|\bwhat\s+(?:on\s+earth\s+)?is\s+the\s+point\s+of\s+(?:your|the|having)\b",
        0.55,
    ),
    cue(
        "upset-by-staff",
        r"\bmade\s+(?:me|her|him|us)\s+feel\s+(?:stupid|small|worthless|like)\b|\bin\s+tears\b"
        r"|\bsarcastic\b|\bbotched\b|\b(?:couldn't|could\s+not|can't)\s+be\s+bothered\b|\bbroken\s+promises?\b|\bpassed\s+(?:from|between|around)\b"
        r"|\bwell\s+done\b[^.?!\n]{0,60}\b(?:reported|still|again|months?)\b",
        0.45,
    ),
)
