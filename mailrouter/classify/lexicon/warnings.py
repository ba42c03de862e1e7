"""Cues for warnings, dares and ultimatums: "do it again and see", "you have until
2pm", "I can't promise I'll keep my hands to myself", "next time I won't be so
polite". Most need company (a weight below 0.5). Legal and political pressure
("you'll regret this when the Ombudsman rules", "see you in court") is not a threat.
"""

from __future__ import annotations

import re

from mailrouter.classify.cues import Cue, cue

_LEGAL_OR_POLITICAL = re.compile(
    r"\b(?:ombudsm[ae]n|court|tribunal|judge|solicitors?|lawyers?|legal|judicial|appeal|vote"
    r"|voted|votes|election|ballot|papers?|press|newspapers?|MP|inspectorate|review)\b",
    re.IGNORECASE,
)


def legal_or_political(sentence: str) -> bool:
    return bool(_LEGAL_OR_POLITICAL.search(sentence))


# The lawful way to press a grievance, named as what the writer will do ("if you don't
# fix the roof I'll take you to court"): an ultimatum's shape without menace.
_LAWFUL_RECOURSE = re.compile(
    r"\b(?:take|taking|took|taken)\s+(?:you|the\s+council|this|it|the\s+matter|them)\s+(?:\w+\s+)?"
    r"to\s+(?:court|the\s+(?:ombudsm[ae]n|tribunal|small\s+claims|county\s+court|press|papers))\b"
    r"|\blegal\s+(?:action|advice|proceedings|route)\b|\b(?:my|a)\s+(?:solicitor|lawyer)\b"
    r"|\b(?:sue|suing)\b|\bsee\s+you\s+in\s+court\b|\b(?:my|the\s+local)\s+MP\b"
    r"|\b(?:go|going|went)\s+to\s+the\s+(?:press|papers|ombudsm[ae]n)\b",
    re.IGNORECASE,
)


def lawful_recourse(text: str) -> bool:
    """The writer names a lawful route (court, a solicitor, the Ombudsman, an MP, the press)."""
    return bool(_LAWFUL_RECOURSE.search(text))


WARNING_CUES: tuple[Cue, ...] = (
    cue(
        "you-will-regret",
        r"\b(?:you|he|she|they|your\s+\w+|the\s+\w+)(?:'ll|\s+will|'d|\s+would)\s+(?:\w+\s+)?regret\b"
        r"|\byou(?:'ll|\s+will)\s+be\s+sorry\b",
        0.45,
        legal_or_political,
    ),
    cue(
        "ultimatum",
        r"\byou\s+have\s+(?:until|till|(?:\d+|one|two|three|24|48|72)\s+(?:hours?|days?|minutes?"
        r"|weeks?))\b|\bor\s+else\b|\blast\s+chance\b|\bfinal\s+(?:notice|warning)\b|\beither\b"
        r"[^.?!\n]{0,60}\bor\s+someone\b|\bwhatever\s+it\s+takes\b|\bI\s+mean\s+whatever\b",
        0.45,
    ),
    cue(
        "other-means",
        r"\bother\s+(?:avenues|means|methods|ways|options)\b|\btake\s+matters\s+into\s+my\s+own"
        r"\s+hands\b|\bsets?\s+foot\s+on\s+my\b|\bthe\s+hard\s+way\b",
        0.4,
    ),
    cue(
        "not-responsible-for-actions",
        r"\b(?:can't|cannot|can\s+not|won't|will\s+not)\s+be\s+(?:held\s+)?responsible\s+for\s+"
        r"(?:what|my\s+(?:actions|hands|fists|temper|self|boys|lads)|the\s+consequences)\b"
        r"|\bnot\s+responsible\s+for\s+what\s+"
        r"(?:happens|I\s+do)\b",
        0.85,
    ),
    cue("nothing-to-lose", r"\bnothing\s+(?:left\s+)?to\s+lose\b", 0.45),
    cue(
        "warning-tone",
        r"\b(?:that's|that\s+is)\s+a\s+promise\b|\bmark\s+my\s+words\b|\blast\s+warning\b|\b(?:you|your"
        r"\s+\w+|they|he|she)(?:'ve|\s+have|\s+has)\s+been\s+warned\b|\bmake\s+sure\s+(?:he|she|they"
        r"|you)\s+(?:can\s+)?never\b|\bpatience\s+(?:has|is)\s+(?:its\s+)?(?:limits|running\s+out"
        r"|wearing\s+thin)\b|\blong\s+memory\b|\bruin\s+yours\b|\bpay\s+for\s+this\b",
        0.3,
    ),
    cue(
        "loss-of-control",
        r"\bdon't\s+know\s+what\s+I(?:'ll|\s+will|\s+might)\s+do\b(?!\s+(?:to|with)\s+myself)",
        0.4,
    ),
    cue(
        "dare",
        r"\b(?:do|try|say)\s+(?:it|that)\s+(?:again|once\s+more)\s+and\s+(?:see|you'll\s+see|watch"
        r"|find\s+out)\b|\btry\s+it\s+and\s+see\b|\bgo\s+on,?\s+try\s+it\b|\bsee\s+what\s+"
        r"happens\s+to\s+(?:you|him|her|them|your|the\s+(?:person|officer|man|woman))\b"
        r"|\b(?:you'll|you\s+will|they'll|he'll|she'll)\s+find\s+out\s+(?:what|how)\s+I(?:'m|\s+am)"
        r"\s+like\b|\b(?:and|then)\s+see\s+what\s+happens\b(?<!\bwait\sand\ssee\swhat\shappens)",
        0.7,
    ),
    cue(
        "could-turn-ugly",
        r"\b(?:things|it)\s+(?:could|might|will|is\s+going\s+to)\s+(?:get|turn)\s+(?:nasty|ugly"
        r"|physical|violent)\b",
        0.4,
    ),
    cue(
        "next-time",
        r"\bnext\s+time\s+I\s+(?:won't|will\s+not)\s+be\s+(?:so\s+)?(?:polite|nice|civil|friendly"
        r"|patient|gentle)\b|\b(?:deliver|say)\s+(?:my|the)\s+message\s+in\s+person\b|\b(?:he|she"
        r"|they|you)(?:'d|\s+had)\s+better\s+(?:not\s+show|cross\s+the\s+road|stay\s+away|keep"
        r"\s+away|hope|pray|watch)\b|\bwon't\s+like\s+how\s+I\b",
        0.6,
    ),
    cue(
        "cannot-answer-for",
        r"\b(?:can't|couldn't|cannot|could\s+not|won't)\s+answer\s+for\s+(?:what|my|his|their|the)\b"
        r"|\b(?:can't|cannot|won't)\s+(?:promise|guarantee)\s+(?:I'll|I\s+will|I\s+can|I\s+won't)\s+"
        r"(?:keep\s+my\s+hands\s+to\s+myself|control\s+myself|hold\s+back|behave)\b|\bI(?:'ll|\s+will)"
        r"\s+show\s+(?:her|him|them|you)\s+(?:aggressive|violent|angry|nasty|what\s+\w+\s+(?:looks|is))\b",
        0.75,
    ),
    cue(
        "reckoning",
        r"\b(?:a|the|day\s+of)\s+reckoning\b|\b(?:he|she|they|you)(?:'ll|\s+will)\s+answer\s+for\s+"
        r"(?:it|this|that)\b|\bthe\s+old[\s-]fashioned\s+way\b|\b(?:deal\s+with|sort)\s+(?:him|her"
        r"|them)\s+(?:out\s+)?myself\b|\b(?:he|she|they|you)(?:'ll|\s+will)\s+find\s+out\s+(?:how|what"
        r"|why)\b",
        0.55,
    ),
    cue(
        "consequences-hinted",
        r"\bthese\s+things\s+happen\b|\bthat\s+(?:might|may|could)\s+change\b|\bwe'll\s+see\s+if\s+"
        r"(?:somebody|someone|anyone)\s+listens\b|\bfair\s+warning\b|\bconsider\s+(?:yourselves|yourself"
        r"|this)\s+warned\b|\bdon't\s+say\s+I\s+didn't\s+(?:tell|warn)\b|\bshort\s+temper\b|\bwould\s+do"
        r"\s+well\s+to\s+remember\b|\b(?:wouldn't|won't|will\s+not)\s+(?:be\s+)?(?:stop|stopping)\s+"
        r"(?:them|him|her|anyone)\b|\bwhat\s+(?:they|he|she|people|we)(?:'d|\s+would)\s+like\s+to\s+do"
        r"\s+to\b|\b(?:he|she|they|you)(?:'ll|\s+will)\s+need\s+it\b|\blet's\s+see\s+(?:who|how)\b"
        r"|\b(?:carry\s+on(?!\s+(?:working|with|supporting|helping))|keep\s+(?:this|that)\s+up|keep\s+(?:on\s+)?(?:sending|doing|ignoring))\b"
        r"[^.?!\n]{0,60}\band\b",
        0.45,
    ),
    cue(
        "not-coming-to-talk",
        r"\bwon't\s+be\s+coming\s+to\s+(?:talk|chat)\b|\bnot\s+(?:coming|there)\s+to\s+talk\b"
        r"|\bhearing\s+from\s+me\s+(?:personally|in\s+person)\b|\bnot\s+by\s+letter\b|\bfeel\s+what"
        r"\s+I\s+(?:felt|feel|went\s+through)\b|\bnot\s+(?:afraid|scared)\s+to\s+use\s+(?:it|them)\b"
        r"|\bwhat(?:ever)?\s+happens\s+(?:next\s+)?is\s+on\s+(?:you|your\s+\w+|them|him|her)\b"
        r"|\bon\s+your\s+(?:own\s+)?(?:head|conscience)\b|\bhad\s+better\s+hope\b|\b(?:hope|better"
        r"\s+hope)\s+(?:your|his|her|their)\s+(?:[\w'-]+\s+){1,3}?(?:is|are)\s+insured\b",
        0.6,
    ),
)
