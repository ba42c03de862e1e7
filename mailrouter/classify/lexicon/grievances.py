"""Complaints without the word: dissatisfaction *and* an ask for redress.

Neither family decides alone. A chaser ("fourth time, still not fixed!!!") has
plenty of dissatisfaction and no ask; a service request ("please investigate
the fly-tipping") has an ask and no dissatisfaction with the council. Both
together ("your officer mocked my accent; I'd be grateful if you would look
into this properly") are a complaint (see ``statutory.detect_complaint``).
"""

from __future__ import annotations

from mailrouter.classify.cues import Cue, cue
from mailrouter.classify.lexicon.complaints import about_a_neighbour, not_a_complaint

_NUMBER = r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|many)"

# Dissatisfaction with the council, its staff or its handling of something.
GRIEVANCE_CUES: tuple[Cue, ...] = (
    cue("complaint-word", r"\bcomplain(?:t|ts|ed|ing)?\b", 0.4, not_a_complaint),
    cue(
        "dissatisfied",
        r"\b(?:not|un|dis)[\s-]?(?:satisfied|happy|content)\s+(?:with|about)\b|\bdissatisf\w*"
        r"|\bthis\s+is\s+the\s+(?:third|fourth|fifth|sixth|\d+(?:rd|th))\s+time\b|\bagain\s+and\s+again\b"
        r"|\bremain\s+(?:unhappy|dissatisfied)\b|\braise\s+(?:a|my)\s+concern\b|\b(?:deeply|really|very|extremely)\s+unhappy\b",
        0.45,
        about_a_neighbour,
    ),
    cue(
        "disputes-outcome",
        r"\b(?:disagree|don't\s+agree|do\s+not\s+agree|dispute|challenge)\s+(?:with\s+)?"
        r"(?:the|your)\s+(?:outcome|decision|findings|response|conclusion)|\b(?:decision|refusal)"
        r"\b[^.?!\n]{0,40}\b(?:was|is)\s+(?:wrong|unfair|unreasonable|flawed)\b",
        0.45,
    ),
    cue(
        "poor-service",
        r"\b(?:appalling|disgraceful|shocking|terrible|abysmal|dreadful|poor|atrocious|awful)\s+"
        r"(?:service|treatment|handling|standard|response|way|experience)\b|\bnot\s+(?:good\s+"
        r"enough|acceptable)\b|\bunacceptable\b|\b(?:been|was|is|were)\s+(?:very\s+|really\s+"
        r"|extremely\s+|so\s+)?(?:poor|appalling|terrible|awful|dreadful|shocking|disgraceful)\b"
        r"|\b(?:handled|dealt\s+with|treated|managed)\s+(?:very\s+|so\s+|really\s+|extremely\s+)?"
        r"(?:poorly|badly|appallingly|terribly|disgracefully)\b|\b(?:the\s+way|how)\s+(?:[\w'-]+\s+)"
        r"{0,3}?(?:has\s+been\s+|was\s+|were\s+|have\s+)?(?:handled|dealt\s+with|treated|spoken\s+to)\b",
        0.4,
    ),
    cue(
        "mistreated",
        r"\b(?:treated\s+(?:me\s+|us\s+|her\s+|him\s+)?(?:with\s+contempt|badly|like|appallingly"
        r"|disgracefully|rudely|unfairly|differently)|treated\s+in\s+an?\s+(?:[\w-]+\s+){0,2}?(?:manner"
        r"|way)|laughed\s+at|(?:officer|he|she|they|staff|advisor|man|woman)\s+(?:just\s+)?laughed"
        r"|left\s+waiting|hung\s+up\s+on|fobbed\s+off"
        r"|lied\s+to|spoke\s+to\s+(?:me|her|him|us)\s+like|talked\s+(?:down|over)|spoke\s+over"
        r"|(?:wrongly\s+|falsely\s+)?accused\s+(?:me|us|my\s+\w+)|blamed\s+(?:me|us)"
        r"|humil\w*at\w*|no\s+one\s+(?:listens|cares)|swore\s+at|sworn\s+at|mocked|made\s+fun\s+of"
        r"|rolled\s+(?:his|her|their)\s+eyes|discriminat\w+|victimis\w+|bull(?:y|ied|ying))\b",
        0.45,
    ),
    cue(
        "staff-conduct",
        r"\b(?:rude|dismissive|unprofessional|unhelpful|condescending|arrogant|patronising"
        r"|sarcastic|impatient|aggressive|intimidating)\b|\b(?:his|her|their)\s+(?:attitude|manner"
        r"|tone)\b|\bmade\s+(?:me|her|him|us|to)\s+feel\s+"
        r"(?:stupid|small|worthless|like)\b",
        0.4,
    ),
    cue(
        "let-down",
        r"\b(?:disappointed|disappointment|let\s+down|frustrated|upset|angry|furious|appalled"
        r"|disgusted|outraged|livid|distress\w*)\b|\bhow\s+is\s+(?:this|that|it)\s+(?:acceptable"
        r"|fair|right)\b|\bcaused\s+(?:me|us|her|him)\s+(?:a\s+(?:great\s+|lot\s+of\s+)?)?"
        r"(?:stress|worry|anxiety|distress|harm|loss)",
        0.35,
    ),
    cue(
        "failure",
        r"\b(?:failed\s+to|failure\s+to|failings?|negligen\w+|neglect\w*|mistakes?|errors?|lost\s+my"
        r"|lost\s+(?:the|our)\s+\w+|wrong\s+advice|misled|misleading|unfair\w*|unjust|botched"
        r"|broken\s+promises?|passed\s+(?:from|between|around)|without\s+(?:telling|notice|warning"
        r"|informing|any\s+explanation))\b",
        0.35,
    ),
    cue(
        "ignored",
        r"\b(?:nobody|no\s+one|no-one)\s+(?:has\s+|ever\s+)?(?:replied|responded|returns?|got\s+back"
        r"|bothered|been\s+in\s+touch)\b|\bignor(?:ed|ing)\s+(?:me|my|us|our)\b|\bno\s+(?:response"
        r"|reply|explanation)\b|\bwait(?:ed|ing)\s+(?:for\s+)?"
        + _NUMBER
        + r"\s+(?:weeks|months)\b",
        0.3,
    ),
    cue(
        "not-accepted",
        r"\bnot\s+prepared\s+to\s+accept\b|\b(?:won't|will\s+not|cannot|can't|do\s+not|don't)\s+"
        r"accept\s+(?:this|that|it|your|the)\b|\b(?:have\s+not|haven't|has\s+not|hasn't|did\s+not"
        r"|didn't|doesn't|does\s+not|failed\s+to)\s+(?:answered|answer|address|addressed|respond\s+to"
        r"|deal\s+with)\s+(?:my|any\s+of\s+my|the\s+(?:main\s+)?(?:point|question|issue))",
        0.4,
    ),
    cue(
        "wronged",
        r"\b(?:charged|billed|fined|summons(?:ed)?|penalised)\s+(?:me\s+)?(?:twice|wrongly|incorrectly"
        r"|in\s+error|for\s+(?:a|an|something)\b[^.?!\n]{0,40}\b(?:cancelled|paid|never))|\bkeeps?"
        r"\s+(?:on\s+)?happening\b|\b(?:took|taken|taking|charged|debited)\s+(?:the\s+|my\s+)?"
        r"(?:money|payment|it)?\s*twice\b|\bdouble[\s-]charged\b",
        0.35,
    ),
    cue(
        "sarcasm",
        r"\b(?:thank\s+you|thanks|many\s+thanks)\s+(?:\w+\s+){0,2}for\s+(?:\w+\s+)?(?:losing|ignoring"
        r"|cancelling|sending\s+(?:me\s+|her\s+|him\s+)?(?:a|another)|wasting|charging|fining"
        r"|leaving|forgetting|closing|messing|nothing)\b|\b(?:congratulations|bravo|top-notch"
        r"|truly\s+inspired|very\s+helpful|great\s+job|well\s+done)\b",
        0.35,
    ),
    cue(
        # The service was paid for, marked done or promised, and not delivered.
        "service-not-delivered",
        r"\b(?:paid|charged|cost\s+me)\b[^.?!\n]{0,60}?\b(?:for\s+nothing|and\s+(?:they|he|she"
        r"|nobody|no\s+one)\s+(?:never|didn't|did\s+not|only|just|left))\b|\b(?:marked|closed"
        r"|signed\s+off|recorded|logged)\s+(?:it\s+|the\s+\w+\s+|the\s+job\s+)?as\s+(?:complete"
        r"|completed|done|collected|resolved|fixed)\b|\btook\s+(?:\d+|two|three|four|five|six"
        r"|seven|eight|nine|ten|eleven|twelve|several|many)\s+(?:weeks|months)\s+to\b"
        r"|\b(?:left|missed|forgot)\s+(?:the|my|our)\s+\w+\s+(?:behind|again)\b",
        0.35,
        about_a_neighbour,
    ),
    cue(
        # Harm done by the council's own people or contractors.
        "council-caused-damage",
        r"\b(?:your|council(?:'s)?)\s+(?:[\w-]+\s+){0,2}?(?:contractors?|workers?|crew"
        r"|men|lorry|van|officers?|staff|team|operatives?|strimmer|mower|vehicle|bin\s+men)"
        r"(?:'s)?\s+(?:[\w-]+\s+){0,3}?(?:broke|broken|damaged|smashed|cracked|dented|scratched"
        r"|threw|flung|thrown"
        r"|flattened|ruined|knocked|hit|ran\s+over|destroyed|lost|spilt|spilled)\b",
        0.45,
    ),
    cue(
        "strong-criticism",
        r"\b(?:disgrace(?:ful)?|shambles|farce|ridiculous|pathetic|outrageous|scandalous"
        r"|incompeten\w+|useless|hopeless|unreliable|a\s+joke|laughable|contempt|diabolical)\b",
        0.3,
    ),
)

# Asks for the matter to be investigated, reviewed, explained, escalated or put right.
REDRESS_CUES: tuple[Cue, ...] = (
    cue(
        "asks-for-investigation",
        r"\b(?:look|looked|looking)\s+in\s*to\s+(?:this|it|what|how|why|whether|the|my|our|her|his"
        r"|their)\b|\b(?:investigate|investigated|investigation)\b|\b(?:this|it)\s+(?:be\s+)?"
        r"(?:looked\s+at|looked\s+into|reviewed|examined|checked|dealt\s+with)\b|\b(?:decision"
        r"|refusal|outcome|case|matter)\s+(?:be\s+)?(?:reviewed|reconsidered|looked\s+at\s+again)\b|\bfind\s+out\s+(?:how|why|what\s+went\s+wrong)\b",
        0.45,
    ),
    cue(
        "asks-for-review",
        r"\b(?:looked\s+at|reviewed|investigated|considered|reconsidered)\s+again\b|\breconsider\w*"
        r"|\bsomeone\s+(?:more\s+)?senior\b|\b(?:a|your|the|their|his|her)\s+(?:senior\s+)?(?:manager"
        r"|supervisor"
        r"|senior\s+officer|head\s+of\s+\w+|director|chief\s+executive)\s+(?:to\s+)?(?:review|look"
        r"|listen|investigate|call|ring|contact|respond|come\s+back|deal)\b|\bspeak\s+to\s+(?:a|your"
        r"|the)\s+(?:manager|supervisor)\b|\breview\s+(?:of\s+)?(?:this|it|my\s+case|how|the\s+way"
        r"|the\s+decision|their\s+conduct)\b|\breview\s+(?:the|their|its|your)\s+(?:[\w']+\s+){0,2}?"
        r"(?:performance|conduct|handling|procedures?|processes|practices?)\b|\b(?:raised|reported)\s+with\s+(?:their|his|her|the)"
        r"\s+(?:manager|supervisor)\b|\ba\s+different\s+(?:officer|case\s+officer|caseworker)\b",
        0.45,
    ),
    cue(
        "asks-for-redress",
        r"\b(?:an?|full|written|proper)\s+(?:apology|explanation)\b|(?<!\bI\s)(?<!\bwe\s)\bapologi[sz]e\b|\bcompensat\w+"
        r"|\brefund(?:ed)?\s+(?:me|the|my|our)\b|\b(?:fees?|costs?|charges?)\s+(?:cancelled|refunded"
        r"|waived|withdrawn)\b|\bput\s+(?:it|this|things|matters)\s+right\b|\btake\s+responsibility"
        r"|\baccountab\w+|\bwho\s+is\s+responsible\b|\b(?:action|disciplinary)\s+(?:to\s+be|is|be)"
        r"\s+taken\b|\bexpect\s+action\b|\bdealt\s+with\s+properly\b|\b(?:spoken|talked)\s+to\b",
        0.45,
    ),
    cue(
        # Money back or the cost of the harm: "I'd like reimbursing", "arrange payment".
        "asks-for-money-back",
        r"\bmoney\s+back\b|\breimburs\w+|\brefund\w*\b|\b(?:pay|paying|cover)\s+"
        r"(?:for\s+)?(?:the|my|our)\s+(?:\w+\s+)?(?:damage|repairs?|replacement|costs?|bill"
        r"|losses|invoice)\b|\barrange\s+(?:the\s+)?(?:payment|repayment|a\s+refund)\b"
        r"|\b(?:claim|claiming)\s+(?:for\s+)?(?:the\s+)?(?:cost|damage|compensation)\b"
        r"|\bjob\s+properly\b",
        0.45,
    ),
    cue(
        "asks-what-will-change",
        r"\bwhat\s+(?:the\s+council\s+|you\s+)?(?:is|are|will|intends?)\s+(?:going\s+to\s+)?(?:do"
        r"|change|be\s+done)\b|\bwhat\s+will\s+(?:change|be\s+done|happen\s+now)\b|\bwhat\s+"
        r"(?:you'll|you're\s+going\s+to|you\s+intend\s+to)\s+(?:do|change)\b|\bwhat\s+(?:is|has)\s+"
        r"being\s+done\b|\bwhat(?:'s|\s+has)\s+gone\s+wrong\b|\bmake\s+sure\s+(?:it|this)\s+"
        r"(?:stops|never|doesn't|does\s+not|won't)\b|\bhow\s+(?:this|it"
        r"|that)\s+(?:happened|was\s+allowed|could\s+happen)\b|\bwhat\s+went\s+wrong\b|\bexplain"
        r"\s+(?:why|how)\b|\b(?:doesn't"
        r"|does\s+not|won't|will\s+not|never)\s+happen\s+(?:again|to\s+anyone\s+else)\b|\blet\s+me\s+"
        r"know\s+(?:the\s+outcome|what\s+you\s+find|the\s+result)\b|\bthe\s+outcome\b",
        0.4,
    ),
)
