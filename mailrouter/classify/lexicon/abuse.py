"""Cues for abusive content: profanity, slurs, insults aimed at staff.

Criticism of the council is not abuse (the policy says so), so words such as
"useless" or "disgrace" are weak on their own and only count aimed at people.
"""

from __future__ import annotations

from mailrouter.classify.cues import Cue, cue

_SLURS = (
    r"n[i1]gg\w*|p[a@]ki?s?|f[a@]gg?(?:ot|s)?\w*|retards?|spastics?|spazz?|tranny|trannies"
    r"|coons?|chinks?|wogs?|gypos?|pikeys?|dykes?"
)
ABUSE_CUES: tuple[Cue, ...] = (
    cue(
        "profanity",
        r"\bf+u+c+k\w*|\bf[*@#]{2,}\w*|\bf[*@#]+(?:k|ing)\w*|\bsh[i1]te?\b|\bshit\w*|\bbastards?\b|\bcunts?\b"
        r"|\btwats?\b|\bwank\w*|\bdick\s*heads?\b|\bpricks?\b|\bbitch\w*|\barse(?:holes?)?\b"
        r"|\bassholes?\b|\bbollocks\b|\bpiss\s+(?:off|take)\b|\bslags?\b|\bwhores?\b",
        0.55,
    ),
    cue("slur", r"\b(?:" + _SLURS + r")\b", 0.9),
    cue(
        "insult",
        r"\b(?:idiots?|morons?|imbeciles?|cretins?|clowns?|parasites?|scum\w*|jobsworths?|prats?"
        r"|muppets?|numpties?|halfwits?|wasters?|slobs?|tossers?|cockroach\w*|waste\s+of\s+(?:space|oxygen|skin|air)"
        r"|brain\s*-?\s*dead|thick\s+as\s+\w+|(?:stupid|silly|fat|old|lazy|ugly|arrogant|useless"
        r"|miserable|pompous|smug|nasty)\s+(?:cow|pig|git|sod|tart|witch|cretin|jobsworth|prat|man"
        r"|woman)|(?:lying|two-faced)\s+(?:toads?|hypocrites?|snakes?|gits?)|(?:little\s+)?hitlers?"
        r"|jumped[\s-]up|pen[\s-]pushers?|tin[\s-]pot)\b",
        0.55,
    ),
    cue(
        "epithet",
        r"\b(?:sods|buffoons?|dimwits?|nitwits?|gits?|gobshites?|pillocks?|plonkers?|scrotes?"
        r"|duffers?|killjoys?|layabouts?|dunces?|numbskulls?|wazzocks?|knob\s*heads?|bell\s*ends?"
        r"|dipsticks?|dullards?|nincompoops?|bozos?|lowlifes?|freeloaders?|leeches)\b"
        r"|\b(?:that|silly|stupid|ignorant|rude|lazy|miserable|useless|old|daft)\s+(?:\w+\s+)?cow\b"
        r"(?!\s+(?:parsley|field|shed|pats?))|\b(?:greedy|fat|filthy|ignorant|arrogant|lazy)\s+pigs?\b"
        r"|\bpigs\s+(?:at|in)\s+the\s+trough\b|\b(?:fat|ugly|thick|stupid|useless|gormless)\s+"
        r"(?:one|bloke|lump|lass|article)\b|\bsenile\b|\bbrain\s+of\s+a\b"
        r"|\bsomeone\s+with\s+a\s+brain\b",
        0.55,
    ),
    cue(
        "directed-insult",
        r"\byou(?:'re|\s+are|\s+lot|\s+people|\s+all)?\s+(?:are\s+)?(?:an?\s+)?(?:absolute\s+"
        r"|complete\s+|total\s+|utter\s+|bloody\s+|\w+ing\s+)?(?:useless|pathetic|incompetent|lazy"
        r"|stupid|thick|corrupt|disgusting|vile|worthless|clueless|heartless)\b",
        0.55,
    ),
    cue(
        "you-are-stupid",
        r"\b(?:you|you\s+all|you\s+lot|your\s+\w+)\b[^.?!\n]{0,30}\b(?:this|so|that|genuinely"
        r"|really|actually|just)\s+(?:thick|stupid|dim|dense|useless|incompetent|clueless|brainless)\b",
        0.55,
    ),
    cue("go-back-home", r"\bgo\s+back\s+(?:to\s+)?where\s+you\s+came\s+from\b", 0.9),
    cue("xenophobia", r"\b(?:foreigners|immigrants|illegals)\b", 0.3),
    cue(
        "contempt",
        r"\bshame\s+on\s+(?:you|the\s+lot)\b|\byou\s+make\s+me\s+sick\b|\bget\s+a\s+proper\s+job\b"
        r"|\bgo\s+to\s+hell\b|\bgo\s+\S+\s+yoursel(?:f|ves)\b|\bdrop\s+dead\b|\brot\s+in\s+hell\b|\b(?:shove|stick)\s+(?:it|your"
        r"\s+\w+(?:\s+\w+)?)\s+up\b",
        0.55,
    ),
    cue(
        "disparagement",
        r"\b(?:pathetic|disgrace|incompetent|useless|lazy|corrupt|overpaid|clueless|liars?|crooks?"
        r"|(?:bunch|pack|shower)\s+of)\b",
        0.3,
    ),
)

# Starred-out words ("b*stards", "p***s"): any word may be starred, so this cue has no
# first letters to pre-check and is run only on text holding an asterisk.
MASKED_WORD_CUES: tuple[Cue, ...] = (
    cue("asterisked", r"\b[a-z]+\*+[a-z]*\b|\b[a-z]\*{2,}[a-z]?s?\b", 0.55),
)
