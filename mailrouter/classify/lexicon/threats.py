"""Phrase cues for threats of violence: intent, harm, weapons, hoax devices, incitement.

Council mail is full of violent words that are not threats ("kill the weeds",
"murder on my tyres") and of threats with no violent word at all ("I know
which school your children attend"). So threats are recognised by intent and
target, and two kinds of text are blanked before any threat cue runs:
benign idioms (``idioms``), and reported speech ("my neighbour threatened to
stab me" is a safeguarding report, not a threat from the writer). Menace
without a violent word is in ``menace`` and ``warnings``.
"""

from __future__ import annotations

import re

from mailrouter.classify.cues import Cue, cue
from mailrouter.classify.lexicon.menace import MENACE_CUES
from mailrouter.classify.lexicon.oblique import OBLIQUE_CUES
from mailrouter.classify.lexicon.reprisal import REPRISAL_CUES
from mailrouter.classify.lexicon.warnings import WARNING_CUES

_I_INTEND = (
    r"\bI(?:'ll|\s+will|'m\s+going\s+to|\s+am\s+going\s+to|'m\s+gonna|\s+shall|'d|\s+would"
    r"|\s+swear\s+I(?:'ll|\s+will)|\s+could)\s+(?:\w+\s+){0,2}?"
)
_HARM_VERB = (
    r"(?:kill|murder|stab|shoot|hurt|harm|batter|beat|punch|strangle|smash|burn|torch|bomb"
    r"|attack|knife|maim|break|slit|slash|thump|smack|deck|glass|headbutt|throttle|choke"
    r"|kick(?!\s+(?:off|up|back|it\b|things|the\s+(?:habit|can|ball|bucket)))"
    r"|run\s+(?:you|him|her|them)\s+over|do\s+(?:you|him|her)\s+in)"
)
_TARGET = (
    r"(?:you|ya|your|him|her|them|the\s+lot\s+of\s+you|all\s+of\s+you|every\s+(?:one|last\s+one)"
    r"\s+of\s+you|whoever|that\s+\w+|your\s+\w+|the\s+(?:officer|warden|inspector|manager|staff"
    r"|bailiffs?|woman|man|councillor|clerk|receptionist|planner))"
)

REPORTED_SPEECH = re.compile(
    r"\bthreat(?:ened|ening|ens)\s+(?:to\s+|me\b|us\b|my\b)[^.?!\n]{0,100}"
    r"|\b(?:said|says|saying|told\s+(?:me|us|him|her|them|everyone|(?:my|his|her|our)\s+\w+)|tell(?:s|ing)\s+(?:me|us"
    r"|him|her|people|everyone)|shouted|shouting|screamed|screaming|yelled|yelling|posted|posting"
    r"|wrote|threatened)\s+(?:at\s+(?:\w+\s+){1,3}?|(?:\w+\s+){1,5}?(?=that\b))?(?:that\s+)?"
    r"(?:he|she|they|the\s+\w+|my\s+\w+|some(?:one|body)|people)(?:\s+(?:would|will|should"
    r"|was\s+going\s+to|is\s+going\s+to|were\s+going\s+to|is\s+gonna)|'d|'ll|'s\s+going\s+to"
    r"|'s\s+gonna)\b[^.?!\n]{0,100}"
    r"|\b(?:said|says|told\s+(?:me|us|him|her)|shouted|screamed|yelled)\s+(?:that\s+)?if\b"
    r"[^.?!\n]{0,120}"
    # Quoted words, whose apostrophes inside words ("I'll") do not close the quote.
    r"|\b(?:said|says|saying|shouted|screamed|yelled|went|posted|wrote)\s*[:,]?\s*(?:\"[^\"\n]{0,160}\"?"
    r"|'(?:[^'\n]|(?<=\w)'(?=\w)){0,160}'?)",
    re.IGNORECASE,
)

# Sentence-level menace: a weapon or injury, someone at the council, and intent,
# all in one sentence, in whatever words. Broad on purpose: threats to staff are
# the costliest miss, and these words rarely meet in ordinary council mail.
_STAFF = re.compile(
    r"\b(?:you|your|yours|officers?|staff|manager|planners?|wardens?|bailiffs?|enforcement"
    r"|councillors?|inspectors?|receptionists?|chief\s+executive|workers?|him|her|he|she|they"
    r"|them|whoever|anyone|anybody)\b",
    re.IGNORECASE,
)
_INTENT = re.compile(
    r"\b(?:will|won't|shall|going\s+to|gonna|would|when\s+I|if\s+\w+|any\s+\w+\s+(?:that|who)"
    r"|next\s+time|hope)\b|'ll\b|'d\b",
    re.IGNORECASE,
)


_DISPOSAL = re.compile(
    r"\b(?:dispos\w*|amnesty|recycl\w*|the\s+tip|surrender\w*|hand(?:ed|ing)?\s+(?:them\s+|it\s+)?in"
    r"|scrap\w*|sharps\s+bin|throw(?:n|ing)?\s+(?:them\s+|it\s+)?away|bin\s+men)\b",
    re.IGNORECASE,
)


def _not_aimed_at_staff(sentence: str) -> bool:
    if _DISPOSAL.search(sentence):
        return True
    return not (_STAFF.search(sentence) and _INTENT.search(sentence))


_LOST_PROPERTY = re.compile(
    r"\b(?:lost|left\s+my|forgot|found|handed\s+in|collect|has\s+anyone|did\s+anyone)\b",
    re.IGNORECASE,
)


def lost_property(sentence: str) -> bool:
    return bool(_LOST_PROPERTY.search(sentence))


# "I don't want the bin men to get hurt", "before someone gets injured": care, not menace.
_HAZARD_CONCERN = re.compile(
    r"\b(?:don't\s+want|do\s+not\s+want|didn't\s+want|before|in\s+case|so\s+(?:that\s+)?no"
    r"|worried|afraid|dangerous|hazard\w*|risk|safely|unsafe|trip\w*|slip\w*|pothole|fall\w*)\b",
    re.IGNORECASE,
)


def hazard_concern(sentence: str) -> bool:
    return bool(_HAZARD_CONCERN.search(sentence))


VIOLENCE_CUES: tuple[Cue, ...] = (
    cue(
        "harm-aimed-at-staff",
        r"\b(?:stretcher|ambulance|body\s*bag|coffin|grave|brick|baseball\s+bat|bat|hammer"
        r"|crowbar|machete|knife|knives|blade|gun|shotgun|rifle|bullets?|petrol|acid|bomb|flames"
        r"|arson|blood|bleed\w*|bones|kneecaps?|skull|insurance|hell|suffer|stab\w*|shoot\w*"
        r"|kill\w*|hurt|harm|beat(?:en|ing)?|punch\w*|smash\w*|burn\w*|fire)\b",
        0.55,
        _not_aimed_at_staff,
    ),
    cue(
        "intends-violence",
        _I_INTEND + _HARM_VERB + r"\b(?!\s+(?:myself|my\s|down|it\s+down|up\s+the))",
        0.7,
    ),
    cue("violence-at-target", r"\b" + _HARM_VERB + r"\w*\s+" + _TARGET + r"\b", 0.45),
    cue(
        "bodily-harm",
        r"\b(?:punch|smack|slap|thump|kick|boot|headbutt|glass)\w*\s+(?:in|to)\s+the\s+(?:face"
        r"|head|teeth|mouth|gut|throat)\b|\b(?:getting|get|gets|got\s+coming)\s+a\s+(?:punch|slap"
        r"|smack|kicking|hiding|beating|battering|bullet|knife)\b|\bbreak\s+(?:your|his|her|their)"
        r"\s+(?:legs?|neck|arms?|jaw|face|nose|bones)\b|\b(?:in|into)\s+an?\s+ambulance\b"
        r"|\b(?:won't|not|never)\s+(?:be\s+)?(?:leaving|leave|come\s+back|go\s+home|walk\s+out)\s+"
        r"in\s+(?:one|1)\s+piece\b|\bend\s+up\s+(?:in\s+(?:hospital|a\s+box|a\s+body\s+bag|the\s+"
        r"morgue)|dead)\b|\b(?:on|in)\s+a\s+(?:stretcher|body\s+bag|wheelchair|coffin)\b|\bneed(?:s|ing)?"
        r"\s+(?:an\s+ambulance|hospital\s+treatment|a\s+doctor|stitches)\b|\b(?:put|throw|chuck|lob)"
        r"\w*\s+an?\s+(?:brick|rock|stone|bottle)\s+through\b(?!\s+(?:my|our)\b)|\b(?:round|over|across|in)\s+the\s+"
        r"(?:head|face|skull)\b",
        0.8,
    ),
    cue(
        # "you'll get stabbed" menaces; "someone's going to be killed before you fix it" warns.
        "harmed-passive",
        r"\b(?:get|gets|getting|got|be|being)\s+(?:stabbed|shot|killed|beaten|battered|burned|burnt"
        r"|glassed|knifed)\b",
        0.8,
        hazard_concern,
    ),
    cue(
        "someone-gets-hurt",
        r"\b(?:get|gets|getting|be)\s+(?:hurt|injured)\b",
        0.45,
        hazard_concern,
    ),
    cue(
        "weapon",
        r"\b(?:shotgun|guns?|firearms?|rifle|knife|knives|machete|blade|petrol|acid|bombs?"
        r"|explosives?|axe|baseball\s+bat|crossbow|hammer|crowbar|cleaver|sword)\b",
        0.4,
    ),
    cue(
        "arson-or-wrecking",
        r"\b(?:burn|torch|petrol\s+bomb|blow\s+up|firebomb)\w*\s+(?:down\s+)?(?:the|your|this|that)"
        r"\s+(?:offices?|building|council|town\s+hall|house|home|place|car|depot)\b|\bto\s+the\s+"
        r"ground\b|\b(?:goes|go|going|went)\s+up\s+in\s+(?:flames|smoke)\b"
        r"|\b(?:smash|wreck|trash)\w*\s+(?:the|your)\s+(?:place|office|offices|building"
        r"|cars?|windows)\b|\b(?:smash|wreck|trash)\s+(?:the\s+)?place\s+up\b|\bcaught\s+fire\b",
        0.8,
    ),
    cue(
        "wishes-death",
        r"\b(?:you|they|he|she)\s+(?:all\s+)?(?:deserve|deserves|ought)\s+to\s+(?:die|be\s+(?:shot"
        r"|hanged|hung|killed|stabbed|beaten))\b|\b(?:hang|hanged|hung|shot|executed|lynched)\s+for"
        r"\s+(?:this|treason)\b",
        0.8,
    ),
    cue(
        "hoax-device",
        r"\bthere(?:'s|\s+is|\s+are)\s+(?:a|an|two|some)\s+(?:\w+\s+)?(?:device|bomb|explosives?)\b"
        r"|\b(?:planted|left|hidden|placed|put|set)\s+(?:a|an|some)\s+(?:\w+\s+)?(?:device|bomb"
        r"|explosives?)\b",
        0.85,
    ),
    cue(
        "suspicious-package",
        r"\b(?:package|parcel|bag|something)\s+(?:\w+\s+){0,4}?(?:in|inside|under|behind|at)\s+(?:the"
        r"|your)\s+(?:\w+\s+)?(?:civic\s+centre|town\s+hall|offices?|building|reception|library"
        r"|depot|chamber|stairs)\b|\b(?:planted|hidden|placed|put)\s+something\s+(?:in|under|behind"
        r"|at)\b|\b(?:clear|evacuate)\s+the\s+(?:building|offices?|town\s+hall|civic\s+centre)\b",
        0.45,
        lost_property,
    ),
    cue(
        "clear-the-building",
        r"\b(?:wise|best|advisable|sensible)\s+to\s+(?:clear|evacuate|empty)\s+the\b|\byou\s+(?:should"
        r"|need\s+to|had\s+better|'d\s+better|might\s+want\s+to)\s+(?:clear|evacuate|empty)\s+the\s+"
        r"(?:building|offices?|town\s+hall|civic\s+centre)\b",
        0.8,
    ),
    cue(
        "incitement",
        r"\b(?:someone|somebody|people|we|they)\s+(?:\w+\s+){0,2}?(?:should|ought\s+to|needs?\s+to)"
        r"\s+(?:\w+\s+){0,2}?(?:string\s+(?:him|her|them)\s+up|hang\s+(?:him|her|them)|shoot"
        r"\s+(?:him|her|them)|teach\s+(?:him|her|them)\s+a\s+(?:\w+\s+)?lesson|give\s+(?:him|her"
        r"|them)\s+a\s+(?:kicking|hiding|slap|good\s+hiding))\b|\bstrung\s+up\b|\bstring\s+(?:him"
        r"|her|them)\s+up\b|\b(?:hanging|swinging|hang|swing)\s+from\s+(?:a|the)\s+(?:lamp\s*-?\s*"
        r"posts?|lampposts?|tree|rope|bridge|market\s+cross)\b|\bkick\s+the\s+(?:chair|stool)\s+away"
        r"\b|\btie\s+the\s+(?:knot|noose)\b|\bgot\s+what\s+was\s+coming\s+to\s+(?:them|him|her)\b"
        r"|\b(?:start|begin)\s+doing\s+things\s+the\s+same\s+way\b",
        0.8,
    ),
    cue(
        "property-attack",
        r"\b(?:brick|rock|stone|bottle)s?\s+through\s+(?:your|their|his|her)\b|\b(?:brick|rock|stone"
        r"|bottle)s?\s+through\s+the\s+(?:\w+\s+)?(?:depot|office|council|town\s+hall|civic\s+centre"
        r"|housing|planning)\b|\battached\s+to\s+"
        r"a\s+brick\b|\btyres?\s+(?:slashed|let\s+down|punctured|cut|done)\b|\bslash\w*\s+(?:his|her"
        r"|your|their|the)\s+tyres\b|\b(?:put|drive|ram|smash|plough)\s+(?:my|a|the)\s+(?:car|van"
        r"|tractor|truck|lorry|digger|jcb)\s+(?:straight\s+)?(?:through|into)\b|\bI(?:'ll|\s+will)\s+be"
        r"\s+waiting\b[^.?!\n]{0,30}?\bwith\s+(?:something|a\s+(?:bat|knife|hammer|crowbar|stick"
        r"|shotgun|gun)|the\s+(?:tractor|dogs?|shotgun|gun))\b|\bface\s*full\s+of\b|\bknock\s+(?:his|her|your|their)\s+"
        r"(?:teeth|head|block|lights)\s+(?:out|in|off)\b|\bscrap(?:e|ing)\s+(?:\w+\s+){0,3}?off\s+the"
        r"\s+(?:road|floor|pavement)\b|\brun\s+(?:him|her|them|you|the\s+\w+)\s+off\s+the\s+road\b"
        r"|\bmake\s+(?:you|him|her|them)\s+(?:all\s+)?suffer\b|\b(?:won't|will\s+not|wouldn't)\s+be\s+"
        r"(?:walking|driving|going|getting)\s+(?:back\s+)?(?:to\s+(?:his|her|their)\s+car|home)\b",
        0.75,
    ),
    cue(
        "put-in-hospital",
        r"\bput\s+(?:him|her|them|you|someone|somebody|your\s+\w+)\s+in\s+(?:hospital|a\s+wheelchair"
        r"|intensive\s+care|a\s+box|the\s+ground)\b|\b(?:he|she|they|you|someone|somebody|whoever)(?:\s+will|'ll|\s+would|'d)?\s+(?:be|get"
        r"|gets|getting)\s+(?:carried|stretchered)\s+(?:away|out)\b"
        r"|\bpicking\s+(?:his|her|their|your)\s+teeth\s+up\b|\bleaving\s+through\s+the\s+window\b"
        r"|\bput\s+(?:him|her|them|you|someone|somebody)\s+through\s+(?:the|a|your)\s+(?:window|wall"
        r"|door|floor|windscreen)\b|\b(?:won't|will\s+not|wouldn't)\s+be\s+(?:leaving|walking\s+out"
        r"|going\s+home)\s+the\s+way\s+(?:he|she|they|you)\s+came\s+in\b|(?:won't|not|never|n't|nor)"
        r"\b[^.?!\n]{0,40}\bin\s+one\s+piece\b"
        r"|\bdrag(?:ged)?\s+(?:him|her|them)\s+(?:out|over|across)\b|\btak(?:e|ing)\s+(?:him|her"
        r"|them|one\s+of\s+you|some\s+of\s+you|(?:that|the|your)\s+(?:[\w-]+\s+){0,3}?(?:officer"
        r"|manager|warden|councillor|planner|bailiff|inspector|worker)(?:\s+\w+)?"
        # "taking someone with me" after despair; "to the hearing" makes it a companion.
        r"|someone|somebody|people|a\s+few\s+of\s+you|the\s+lot\s+of\s+you)\s+with\s+me\b"
        r"(?!\s+(?:to|for|as|on|at|in|into)\b)",
        0.8,
    ),
)

THREAT_CUES: tuple[Cue, ...] = (
    VIOLENCE_CUES + MENACE_CUES + WARNING_CUES + OBLIQUE_CUES + REPRISAL_CUES
)
