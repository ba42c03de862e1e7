"""Cues for threats carried by others or aimed at things: relatives and friends set
on staff, council vans and offices set alight, and personal menace in few words.

Writers who would never say "I will hurt you" say "my husband isn't as patient as
I am", "the bin lorry's getting torched" or "face to face, no witnesses". Each cue
here names the harm or the proxy; weak ones (below 0.5) need another cue.
"""

from __future__ import annotations

import re

from mailrouter.classify.cues import Cue, cue

# A past event reported ("someone threw a brick through the depot window last night").
_PAST_EVENT = re.compile(
    r"\b(?:threw|thrown|was|were|had|has\s+been|have\s+been|last\s+(?:night|week|month|year)"
    r"|yesterday|happened|heard\s+about|saw|news|police)\b",
    re.IGNORECASE,
)


def past_event(sentence: str) -> bool:
    return bool(_PAST_EVENT.search(sentence))


# "I'm sorry for what I said about sorting you out": an apology echoes the old words.
_APOLOGY = re.compile(
    r"\bI(?:'m|\s+am)\s+(?:really\s+|very\s+|truly\s+|so\s+)?sorry\s+(?:for|about|that)\b|\bI\s+"
    r"(?:want\s+to\s+|would\s+like\s+to\s+|wish\s+to\s+|must\s+)?apologi[sz]e\b|\bplease\s+accept"
    r"\s+my\s+apolog|\b(?:didn't|did\s+not|never)\s+mean\s+(?:it|any\s+(?:harm|of\s+it)|what\s+I)\b",
    re.IGNORECASE,
)


def apologises(text: str) -> bool:
    return bool(_APOLOGY.search(text))


_COUNCIL_THING = (
    r"(?:bin\s+lorry|lorry|lorries|van|vans|truck|car|cars|vehicle|office|offices|depot|building"
    r"|town\s+hall|civic\s+centre|library|reception(?:\s+desk)?|desk|counter|housing\s+office"
    r"|site\s+office|toilet\s+block|portakabin)"
)
_PROXY = (
    r"(?:husband|partner|sons?|boys|brothers?|lads|mates|family|cousins|dad|fella|boyfriend"
    r"|friends|nephews?|uncles?|other\s+half)"
)

REPRISAL_CUES: tuple[Cue, ...] = (
    cue(
        "council-property-burnt",
        r"\b"
        + _COUNCIL_THING
        + r"(?:'s|\s+is|\s+will\s+be|'ll\s+be|\s+gets?|\s+getting|\s+goes)?\s+"
        r"(?:getting\s+|get\s+|be\s+)?(?:torched|burnt\s+out|burned\s+out|firebombed|smashed\s+up"
        r"|trashed|wrecked)\b",
        0.8,
        past_event,
    ),
    cue(
        "brick-through-it",
        r"\b(?:have|get|gets|getting|with)\s+(?:a|an)\s+(?:brick|rock|stone|bottle)\s+through\s+"
        r"(?:the|its|their|every)\s+(?:windscreen|windows?|doors?)\b",
        0.75,
        past_event,
    ),
    cue(
        "arrives-with-accelerant",
        r"\b(?:round|to|at|into|visit)\s+(?:the|your)\s+(?:[\w-]+\s+){0,2}?(?:civic\s+centre|office|offices"
        r"|town\s+hall|depot|library|council|reception)\s+with\s+(?:[\w']+\s+){0,3}?(?:lighter\s+fluid"
        r"|petrol|paraffin|matches|fireworks?|jerry\s*cans?|a\s+lighter|accelerant)\b",
        0.8,
    ),
    cue(
        "fire-at-the-office",
        r"\b(?:a|another)\s+(?:little\s+|nasty\s+|big\s+)?fire\s+at\s+(?:the|your)\s+(?:\w+\s+)?"
        r"(?:office|offices|depot|building|town\s+hall|civic\s+centre|library|council)\b",
        0.75,
        past_event,
    ),
    cue(
        "rip-it-out",
        r"\brip\s+(?:the|your)\s+(?:[\w-]+\s+){0,2}?(?:desk|counter|office|doors?|screens?|phones?)"
        r"\s+(?:out|off|apart)\b|\bdo\s+the\s+same\s+to\s+(?:who\s*ever|anyone|anybody|him|her|them"
        r"|you)\b",
        0.8,
    ),
    cue(
        "to-anyone-who-turns-up",
        r"\b(?:and|or)\s+(?:to\s+)?(?:anyone|anybody|whoever|any\s+\w+)\s+(?:in\s+an?\s+[\w-]+\s+)?"
        r"(?:from\s+(?:the\s+)?"
        r"(?:council|\w+\s+department)\s+)?(?:who|that)\s+(?:turns?\s+up|comes?|tries|shows?\s+up"
        r"|gets?\s+in\s+(?:my|the)\s+way)\b",
        0.7,
    ),
    cue(
        "proxy-less-patient",
        r"\bmy\s+" + _PROXY + r"\b[^.?!\n]{0,40}?\b(?:isn't|aren't|is\s+not|are\s+not|won't\s+be"
        r"|ain't|wouldn't\s+be)\s+(?:as|so|nearly\s+as)\s+(?:patient|polite|nice|calm|understanding"
        r"|forgiving|reasonable|gentle|restrained)\b",
        0.75,
    ),
    cue(
        "proxy-bigger",
        r"\b(?:they're|they\s+are|he's|he\s+is)\s+(?:a\s+lot\s+|much\s+|far\s+|a\s+bit\s+)?(?:bigger"
        r"|harder|tougher|stronger|handier|younger)\s+than\s+me\b",
        0.6,
    ),
    cue(
        "proxy-ready",
        r"\bmy\s+"
        + _PROXY
        + r"\b[^.?!\n]{0,30}?\b(?:ready|itching|wanting|dying|keen|raring)\s+to\s+"
        r"(?:flatten|batter|hit|thump|deck|sort\s+(?:him|her|them|you)\s+out|have\s+a\s+go|go\s+round)\b",
        0.5,
    ),
    cue(
        "next-time-I-will",
        r"\bnext\s+time,?\s+I\s+(?:will|won't\s+stop\s+them|'ll\s+let\s+them|'ll\s+join\s+them)\b",
        0.45,
    ),
    cue("long-memory", r"\b(?:long|good)\s+memor(?:y|ies)\b", 0.45),
    cue(
        "lucky-I-was-out",
        r"\b(?:lucky|fortunate)\s+(?:I|we|my\s+\w+|he|she)\s+(?:was|were|wasn't|weren't)\s+"
        r"(?:out|in|home|there|around)\b",
        0.6,
    ),
    cue(
        "armed-and-desperate",
        r"\b(?:shotgun|gun|rifle|petrol|lighter|machete|crossbow)\b[^.?!\n]{0,60}\bnothing\s+"
        r"(?:left\s+)?to\s+lose\b|\bnothing\s+(?:left\s+)?to\s+lose\b[^.?!\n]{0,60}\b(?:shotgun|gun"
        r"|rifle|petrol|lighter|machete|crossbow)\b",
        0.8,
    ),
    cue("make-it-personal", r"\bmake\s+(?:it|this|things)\s+personal\b", 0.6),
    cue(
        "understand-me",
        r"\b(?:understand|understood|got\s+it|capiche|geddit|hear\s+me)\s*\?",
        0.3,
    ),
    cue("no-witnesses", r"\bno\s+witnesses\b|\bjust\s+the\s+two\s+of\s+us\b", 0.5),
    cue(
        "hopes-for-harm",
        r"\bhope\s+(?:he|she|they|you)\s+(?:chokes?|dies?|rots?|burns?|suffers?|gets?\s+what)\b",
        0.45,
    ),
    cue(
        "might-help-it-along",
        r"\bI\s+(?:might|may|could|will|'ll|would)\s+(?:just\s+)?help\s+(?:him|her|them|it)\b"
        r"(?!\s+(?:with|to|fill|find|get|out))",
        0.45,
    ),
    cue(
        "names-and-addresses-published",
        r"\b(?:names?\s+and\s+(?:home\s+)?addresses|home\s+addresses|addresses)\s+(?:of\s+(?:all\s+)?(?:them|the\s+\w+)\s+)?"
        r"(?:are\s+)?(?:going\s+up|going\s+online|being\s+posted|will\s+be\s+posted|on\s+(?:our|the)"
        r"\s+(?:facebook|group))|\bpeople\s+can\s+decide\s+for\s+themselves\s+what\s+to\s+do\b",
        0.75,
    ),
)
