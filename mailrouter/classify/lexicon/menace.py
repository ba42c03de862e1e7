"""Cues for veiled menace: threats with no violent word in them, built on what the
writer knows or hints about the target ("I know where your officer parks", "it
would be a shame if something happened to your family", "make sure someone
walks him to his car"). Warnings, dares and ultimatums are in ``warnings``.
Most of these need company (a weight below 0.5); the unmistakable ones decide alone.
"""

from __future__ import annotations

import re

from mailrouter.classify.cues import Cue, cue

_HELP = re.compile(
    r"\b(?:could|can|please|kindly|thank\w*|help\w*|disabled|blind|sighted|frail|elderly"
    r"|wheelchair|assist\w*)\b",
    re.IGNORECASE,
)


def asks_for_help(sentence: str) -> bool:
    """A request ("could someone walk her to her car? she's frail"), not menace."""
    return bool(_HELP.search(sentence))


# "He's confused and doesn't know where he lives": a lost person, not menace.
_NOT_KNOWING = re.compile(
    r"\b(?:doesn't|does\s+not|don't|do\s+not|didn't|did\s+not|never)\s+(?:\w+\s+)?know\s+where\b",
    re.IGNORECASE,
)


def not_knowing(sentence: str) -> bool:
    return bool(_NOT_KNOWING.search(sentence))


MENACE_CUES: tuple[Cue, ...] = (
    cue(
        "stalking",
        r"\bfollow\s+(?:you|him|her|them|your\s+\w+|that\s+\w+)\s+home\b|\b(?:outside|watching)"
        r"\s+(?:your|his|her|their)\s+(?:office|house|home|door|car)\b|\b(?:know|got|have|found|looked\s+up|worked\s+out)\s+"
        r"(?:\w+\s+){0,2}?(?:their|your|his|her)\s+(?:home\s+)?(?:address(?:es)?|cars?|car\s+"
        r"registrations?|number\s+plates?|routines?|movements)\b|\b(?:their|your)\s+(?:home\s+)?"
        r"(?:addresses|car\s+registrations|routines|movements)\b|\bI\s+know\s+(?:where|when|what\s+time|which\s+way)\s+(?:you|he|she|they"
        r"|your|his|her|the\s+\w+)\b|\bI\s+know\s+(?:the|your|that)\s+(?:\w+\s+){0,2}?(?:officer"
        r"|planner|manager|warden|inspector|councillor|woman|man)\s+(?:cycles|walks|drives|goes"
        r"|leaves|lives|parks|takes|gets)\b",
        0.6,
    ),
    cue(
        "isolation",
        r"\b(?:dark|alone|on\s+(?:his|her|their|your)\s+own|quiet|isolated|no\s+one\s+around"
        r"|nobody\s+around|CCTV)\b",
        0.35,
    ),
    cue(
        "grievance-list",
        r"\bwho\s+(?:has|have)\s+wronged\s+me\b|\b(?:they|you)\s+know\s+what\s+(?:they|you)"
        r"\s+did\b|\bkept\s+a\s+(?:record|list|note)\s+of\s+(?:every|all|each)\b",
        0.45,
    ),
    cue(
        "knows-where-you-are",
        r"\b(?:know|knows|found\s+out|find\s+out|finding\s+out|worked\s+out|looked\s+up)\s+"
        r"(?:exactly\s+)?where\s+(?:(?:you|he|she|they|each\s+of\s+you|all\s+of\s+you)\s+|your\s+(?:[\w'-]+"
        r"\s+){0,2}?|(?:that|this)\s+(?:[\w'-]+\s+){0,3}?|the\s+(?:[\w-]+\s+){0,2}?(?:officer|manager"
        r"|warden|councillor|planner|inspector|bailiff|director|chair|leader|woman|man)\s+|(?:Mr|Mrs"
        r"|Ms|Miss|Cllr|Councillor|Dr)\s+\w+\s+)(?:lives?|parks?|sleeps?|drinks?|walks?|jogs?|goes"
        r"|shops|stays)\b|\b(?:know|knows|found\s+out)\s+(?:exactly\s+)?(?:which|what)\s+(?:school"
        r"|gym|pub|church|nursery|club|route|road|street|house)\s+(?:your|his|her|their|the|that|he"
        r"|she|they|you)\b|\bknow\s+what\s+car\b|\bI\s+see\s+your\s+(?:house|home|car)\b|\byour\s+"
        r"(?:house|home)\s+is\s+on\b|\bwhere\s+(?:you|he|she)\s+parks?\b",
        0.85,
        not_knowing,
    ),
    cue(
        "menace-idiom",
        r"\b(?:watch|mind)\s+(?:your|his|her|their)\s+back\b|\blooking\s+over\s+(?:your|his|her)\s+"
        r"shoulder\b|\bsleep\s+with\s+one\s+eye\s+open\b|\b(?:you|he|she|they)\s+won't\s+forget\b",
        0.8,
    ),
    cue(
        "shame-if-something-happened",
        r"\b(?:shame|pity)\s+if\b[^.?!\n]{0,60}?\b(?:happen\w*|caught\s+fire|burn\w*|went\s+(?:flat"
        r"|missing)|got\s+(?:damaged|hurt|broken|scratched|smashed)|your\s+(?:house|home|car|family"
        r"|kids|children))\b|\b(?:would|'d)\s+hate\s+(?:for|to\s+see)\s+(?:anything|something)\b"
        r"|\b(?:would|'d)\s+be\s+(?:terrible|awful|a\s+shame|a\s+pity|tragic|sad|unfortunate)\s+if\s+"
        r"(?:anything|something)\b|\baccidents\s+(?:happen|can\s+happen)\b|\bsomething\s+(?:bad|nasty"
        r"|unpleasant|terrible)\s+(?:might|could|will|may)\s+happen\b|\b(?:your|their|his|her)\s+\w+\s+"
        r"looks?\s+(?:very\s+|quite\s+|rather\s+)?(?:breakable|flammable)\b|\bhow\s+(?:easily|quickly|well)\s+\w+\s+"
        r"(?:burns?|goes\s+up|catches)\b",
        0.8,
    ),
    cue(
        "knows-your-details",
        r"\bknow\s+(?:your|his|her|their)\s+(?:home\s+)?(?:address|routine|movements|schedule"
        r"|registration|car|children|kids|family|wife|husband)\b|\b(?:when|where)\s+I\s+catch\s+"
        r"(?:you|him|her|them)\b|\b(?:on\s+(?:his|her|your|their)\s+own|alone)\b[^.?!\n]{0,30}"
        r"\b(?:catch|find|get)\b",
        0.8,
    ),
    cue(
        "veiled-menace",
        r"\b(?:bad|nasty|unpleasant|terrible)\s+things\s+(?:happen|can\s+happen|will\s+happen)\b"
        r"|\bpeople\s+who\s+cross\s+me\b|\bwon't\s+be\s+asking\s+(?:nicely|politely)\b"
        r"|\bsee\s+how\s+(?:brave|tough|clever|smug)\b|\bsee\s+how\s+you\s+like\s+it\b"
        r"|\bsort\s+(?:you|him|her|them|your\s+\w+|that\s+\w+)\s+out\b"
        r"|\b(?:bring|bringing)\s+(?:a\s+few|some)\s+(?:of\s+the\s+|of\s+my\s+)?(?:friends|mates"
        r"|lads|boys|people|family)\b"
        r"|\bbear\s+(?:that|this)\s+in\s+mind\b|\b(?:won't|will\s+not|wouldn't|don't\s+think\s+"
        r"(?:\w+\s+){1,3}(?:will|would))\s+(?:enjoy|like)\b|\bmake\s+(?:your|his|her|their)\s+"
        r"(?:life|lives)\s+(?:a\s+)?(?:hell|misery)\b|\b(?:when|if)\s+I\s+(?:find|get\s+hold\s+of"
        r"|see|meet)\s+(?:you|him|her|them)\b",
        0.6,
    ),
    cue(
        "menace-formula",
        r"\bcoming\s+for\s+(?:you|him|her|them|your)\b|\bpay\s+for\s+what\s+(?:you|he|she|they)"
        r"\s+(?:did|have\s+done|'ve\s+done)\b|\bwhat's\s+coming\s+to\s+(?:you|him|her|them)\b"
        r"|\bget(?:s)?\s+what(?:'s|\s+is)\s+coming\b|\b(?:enjoy|make\s+the\s+most\s+of)\b[^.?!\n]{0,40}"
        r"\bwhile\s+(?:you|he|she|they)\s+(?:still\s+)?can\b|\bif\s+(?:you|he|she|they)\s+values?\s+"
        r"(?:your|his|her|their)\b|\bat\s+(?:your|their|his|her)\s+own\s+risk\b|\bset\s+(?:the|my)"
        r"\s+dogs?\s+on\b|\bwon't\s+see\s+me\s+coming\b|\bmake\s+an\s+example\s+of\b"
        r"|\bkeep\s+an\s+eye\s+on\s+your\s+(?:tyres|car|house|windows|back|kids|children)\b"
        r"|\b(?:can't|cannot|won't)\s+(?:promise|guarantee)\s+(?:I'll|I\s+will|I\s+can)\s+(?:stay"
        r"|keep|remain)\s+(?:calm|civil|polite)\b|\b(?:lose|losing)\s+my\s+temper\b"
        r"|\bget\s+(?:seriously|badly|really|properly)\s+(?:hurt|injured)\b|\bnot\s+someone\s+you"
        r"\s+want\s+to\s+(?:upset|cross|annoy)\b|\btake\s+one\s+of\s+yours\b|\bwipe\s+the\s+"
        r"smile\s+off\b|\bin\s+the\s+ground\b",
        0.6,
    ),
    cue(
        "near-their-home",
        r"\blives?\s+(?:only\s+|just\s+)?(?:\w+\s+)?(?:minutes?|streets?|miles?|doors?|roads?)\s+"
        r"(?:from|away\s+from)\s+(?:me|my)\b|\bturn\s+up\s+at\s+(?:your|his|her|their)\b|\bsmall\s+"
        r"world\b",
        0.45,
    ),
    cue(
        "visit-or-wait",
        r"\b(?:pay|paying)\s+(?:you|your\s+\w+|him|her|them)\s+a\s+(?:little\s+)?visit\b|\bwait(?:ing)?"
        r"\s+(?:for\s+(?:you|him|her|them)\s+)?(?:outside|in\s+the\s+car\s*park|after\s+work)\b"
        r"|\bcoming\s+(?:down|round|for)\s+(?:there|you|him|her)\b|\b(?:I'm|I\s+am)\s+coming\s+"
        r"(?:down\s+|round\s+|over\s+)?to\s+(?:the|your|that)\s+(?:[\w-]+\s+)?(?:office|offices"
        r"|town\s+hall|civic\s+centre|depot|council)\b|\bnext\s+time\s+I\s+(?:come|see|visit)\b"
        r"|\b(?:pop|call|drop|come)\s+round\b|\bI(?:'ll|\s+will)\s+be\s+(?:outside|waiting)\b",
        0.45,
    ),
    cue(
        "safety-warning",
        r"\bfor\s+the\s+sake\s+of\s+your\s+(?:own\s+)?(?:safety|family|health|kids|children)\b"
        r"|\b(?:very\s+)?careful\s+(?:walking|going|leaving|driving|at\s+night|on\s+(?:their|your)"
        r"\s+way)\b|\bon\s+(?:your|their|his|her)\s+way\s+home\b|\bleave\s+the\s+office\s+at\b"
        r"|\byou\s+drive\s+an?\b|\bwhat\s+car\s+(?:you|he|she)\s+drives?\b|\byour\s+own\s+safety\b",
        0.7,
    ),
    cue(
        "their-family",
        r"\b(?:your|his|her)\s+(?:kids|children|family|wife|husband|daughter|son)\b",
        0.3,
    ),
    cue(
        "needs-an-escort",
        r"\b(?:walks?|see|sees|escorts?)\s+(?:him|her|them|you)\s+(?:safely\s+)?(?:to|back\s+to"
        r"|out\s+to)\s+(?:his|her|their|your)\s+(?:car|van|door|bus)\b|\b(?:someone|somebody|a"
        r"\s+colleague)\s+to\s+(?:see|walk|escort)\s+(?:him|her|them|you)\s+(?:safely\s+)?(?:to"
        r"|home|out)\b|\bfor\s+(?:his|her|their|your)\s+own\s+protection\b|\b(?:needs?|want|bring"
        r"|get)\s+(?:a\s+)?(?:bodyguard|police\s+protection)\b",
        0.7,
        asks_for_help,
    ),
    cue(
        "hurt-for-less",
        r"\bpeople\s+(?:have\s+)?(?:been|got|get)\s+(?:hurt|killed|stabbed|attacked|beaten|shot)\s+"
        r"for\s+less\b|\b(?:would|'d)\s+have\s+(?:burned|burnt|torched)\s+the\s+place\s+down\b",
        0.75,
    ),
    cue(
        "feels-safe",
        r"\bhow\s+safe\s+(?:he|she|they|you|your\s+\w+)\s+(?:feels?|is|are|will\s+be)\b|\bvary\s+"
        r"(?:his|her|their|your)\s+route\b|\bnever\s+know\s+who(?:'s|\s+is)\s+watching\b",
        0.75,
    ),
    cue(
        "knows-the-building",
        r"\bknow\s+(?:every|each|all\s+the)\s+(?:door|doors|entrance|exit|corridor|way\s+in)\b"
        r"|\bknow\s+the\s+(?:back\s+stairs|fire\s+doors|layout)\b|\bwhich\s+(?:ones|doors)\s+"
        r"(?:don't|do\s+not)\s+lock\b|\bstill\s+have\s+(?:my|a)\s+(?:key|fob|pass|swipe)",
        0.6,
    ),
    cue(
        "knows-their-things",
        r"\bknow\s+what\s+(?:his|her|their|your)\s+(?:van|car|house|face|kids)\s+looks?\s+like\b"
        r"|\bgood\s+memory\s+for\s+faces\b|\bI\s+see\s+(?:them|him|her)\s+at\s+(?:pick-?up|the"
        r"\s+school|school)\b|\b(?:'ll|will)\s+be\s+having\s+a\s+(?:word|chat|little\s+chat)\b",
        0.6,
    ),
    cue(
        "knows-their-movements",
        r"\bI\s+know\s+(?:he|she|they|you|your\s+\w+|the\s+\w+)\s+(?:lives?|parks?|works?|drinks?"
        r"|walks?|jogs?)\s+(?:in|on|at|near|round)\b|\b(?:seen|watched|see|watch)\s+(?:her|him|them"
        r"|you)\s+(?:dropping|picking|taking|walking|leaving|going)\b|\bknow\s+which\s+(?:van|car"
        r"|house|one|bike)\s+is\s+(?:his|hers|theirs|yours)\b|\bso\s+I\s+know\s+who\s+to\s+(?:go\s+and"
        r"\s+)?(?:see|visit|find|look\s+for)\b|\bfind\s+(?:someone's"
        r"|somebody's|your|his|her)\s+(?:home\s+)?address\b|\b(?:home\s+)?address(?:es)?\s+of\s+(?:the"
        r"|your|that)\s+(?:[\w-]+\s+){0,2}?(?:officer|manager|warden|councillor|inspector|planner)\b"
        r"|\bmeet\s+(?:\w+\s+){0,4}?(?:down|in)\s+a\s+dark\b|\bdark\s+(?:alley|car\s*park)\b",
        0.7,
    ),
    cue(
        "knows-where-staff-live",
        r"\b(?:know|found\s+out|notice|noticed)\s+(?:that\s+)?(?:your\s+(?:[\w'-]+\s+){0,2}?|(?:the"
        r"|that)\s+(?:[\w-]+\s+){0,2}?(?:officer|manager|warden|councillor|planner|inspector|bailiff"
        r"|director)\s+|(?:Mr|Mrs|Ms|Miss|Cllr|Councillor)\s+\w+\s+)lives\s+(?:in|on|at|near|round|two"
        r"|three|a|only|just)\b",
        0.45,
    ),
    cue(
        "harm-to-their-family",
        r"\b(?:would|'d)\s+be\s+(?:awful|terrible|a\s+shame|a\s+pity|horrible|sad|tragic)\s+for\s+"
        r"(?:them|him|her|you|your\s+\w+)\s+if\b|\b(?:don't|do\s+not)\s+take\s+kindly\s+to\b",
        0.6,
    ),
)
