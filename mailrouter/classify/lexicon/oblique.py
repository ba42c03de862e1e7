"""Cues for threats said sideways: conditional, third-person, formal, misspelt.

The other threat lexicons look for intent aimed at someone; fresh mail showed
threats that dodge those shapes: "next one I see gets run over", "if nobody
else does it I will", "I would not want to be standing in your reception on
the day my patience runs out", "he should remember he has a wife and a
daughter", "open it carefully", "I will broke the face of the man". Each
pattern here names a class of threat, not one sentence. Spelling is loose on
purpose (``whats``, ``youll``, ``dont``): angry mail is rarely proof-read.
"""

from __future__ import annotations

import re

from mailrouter.classify.cues import Cue, cue

_PERSON = (
    r"(?:you|ya|him|her|them|one\s+of\s+(?:you|yours|them)|your\s+(?:staff|officers?|workers)"
    r"|some(?:one|body))"
)
# A place a hoax device is "left": a civic place, or a bin, bench or door near one.
_PLACE = (
    r"(?:bench|bins?|back\s+door|front\s+door|doors?|entrance|steps|car\s*park|reception|foyer"
    r"|office|offices|depot|library|one\s+stop\s+shop|civic\s+centre|town\s+hall|council\s+house"
    r"|contact\s+centre|hub|chamber|building|lift|toilets?)"
)

_REPORTING = re.compile(
    r"\b(?:report\w*|police|crime\s+number|witness\w*|CCTV|warn(?:ed|ing)?\s+(?:you|the\s+council)"
    r"|heard\s+(?:him|her|them|someone)|overheard|told\s+(?:me|us|him|her))\b",
    re.IGNORECASE,
)


def reports_someone_else(sentence: str) -> bool:
    """A resident passing on what someone else said or did, not menace of their own."""
    return bool(_REPORTING.search(sentence))


OBLIQUE_CUES: tuple[Cue, ...] = (
    cue(
        # Conditional or third-person harm: "next one I see gets run over",
        # "whoever comes round gets a kicking", "someone will get hurt".
        "third-person-harm",
        # "a child will get run over" is a hazard report: only a chosen victim counts here.
        r"\b(?:next|any|every|first)\s+(?:one|warden|officer|inspector|bailiff|planner|man|woman"
        r"|(?:enforcement|parking|council|housing)\s+\w+)\b[^.?!\n]{0,60}?\b(?:gets?|will\s+get"
        r"|is\s+getting|'ll\s+get|goes|will\s+go)\s+(?:run\s+over|knocked\s+(?:out|senseless|about)"
        r"|done\s+in|done\s+over|a\s+(?:kicking|hiding|beating|battering|slap|smack|good\s+hiding)"
        r"|(?:in|into)\s+the\s+(?:canal|river|ground)|through\s+the\s+window)\b"
        r"|\b(?:some(?:one|body)|whoever)\s+(?:from\s+(?:the\s+)?\w+\s+)?(?:will|is\s+going\s+to"
        r"|'s\s+going\s+to|'ll)\s+(?:get|be\s+getting)\s+a\s+(?:kicking|slap|hiding|beating|smack"
        r"|battering)\b",
        0.6,
        reports_someone_else,
    ),
    cue(
        # "I'll knock him out", "I'd spit in her face", "I will broke the face of the man".
        "assault-named",
        r"\bknock\s+(?:you|ya|him|her|them|that\s+\w+|the\s+\w+|his|her|your)\s*(?:\w+\s+)?"
        r"(?:out|down|spark\s+out|senseless|into\s+next\s+week)\b|\bspit\s+(?:in|on|at)\s+(?:you"
        r"|him|her|them|your|his|her|their)\b|\b(?:break|broke|brake|broken|smash|smashed|punch"
        r"|bust)\s+(?:the|a)\s+(?:face|head|nose|jaw|legs?|arms?|teeth)\s+(?:of|on)\b|\b(?:broke"
        r"|brake|breaking|smash|smashing|punch|punching)\s+(?:the|his|her|your|their)\s+(?:face|head"
        r"|nose|jaw|neck|legs?|teeth)\b",
        0.75,
        reports_someone_else,
    ),
    cue(
        # "if nobody else does it I will", "my lads would do worse", "I'll do what I have to do".
        "someone-will-do-it",
        r"\bif\s+(?:nobody|no\s*one|no-one)\s+else\s+(?:does|will|is\s+going\s+to)\b[^.?!\n]{0,30}"
        r"\b(?:I|we)\s*(?:will|'?ll|shall)\b|\b(?:my|our)\s+(?:lads|boys|mates|sons|brothers|cousins"
        r"|friends|family|pals)\s+(?:would|will|'d|'ll|could|might|are\s+going\s+to)\s+(?:do\s+"
        r"(?:a\s+lot\s+|much\s+|far\s+)?worse|not\s+be\s+so\s+(?:nice|polite|gentle)|sort\s+(?:him"
        r"|her|them|you)|deal\s+with)\b|\b(?:I|we)(?:'ll|\s+will|'m\s+going\s+to)\s+(?:do|be\s+doing)"
        r"\s+what\s+(?:I|we)\s+(?:have|need|'ve\s+got|got)\s+to\s+do\b",
        0.55,
    ),
    cue(
        # "fix the problem my way", "take it out of someone in the finance office. Physically."
        "my-way",
        r"\b(?:fix|sort|settle|deal\s+with|handle|solve)\s+(?:it|this|that|the\s+(?:problem|matter"
        r"|issue)|things|him|her|them|you)\s+(?:myself\s+)?(?:my\s+(?:own\s+)?way|the\s+only\s+way"
        r"\s+(?:I|some)\b)|\btake\s+it\s+out\s+(?:of|on)\s+" + _PERSON + r"\b"
        r"|\bin\s+person\s+and\s+(?:it|you)\s+won't\s+be\s+(?:pretty|nice|polite)\b",
        0.55,
    ),
    cue(
        # Formal menace: "I would not want to be standing in your reception on the day mine does."
        "would-not-want-to-be",
        r"\b(?:would\s+not|wouldn't|would\s+never|I'd\s+not)\s+want\s+to\s+be\s+(?:\w+\s+)?"
        r"(?:in|at|near|on|around|outside)\s+(?:your|the|that|his|her)\s+(?:\w+\s+){0,2}?(?:reception"
        r"|office|offices|building|shoes|car\s*park|place|desk|house|home|depot|position)\b",
        0.45,
    ),
    cue(
        "patience-runs-out",
        r"\bon\s+the\s+day\s+(?:mine|my\s+patience|I)\s+(?:does|runs\s+out|snaps?|goes|breaks?)\b"
        r"|\bpatience\s+(?:runs|will\s+run|has\s+run|is\s+running)\s+out\b|\bI(?:'m|\s+am)\s+a\s+"
        r"patient\s+(?:man|woman|person)\b",
        0.35,
    ),
    cue(
        # "for her own sake" is as often care ("for her own good she needs a carer"): needs company.
        "for-their-own-sake",
        r"\bfor\s+(?:his|her|their|your)\s+own\s+sake\b",
        0.35,
    ),
    cue(
        # "if he knows what's good for him", "she'd better run".
        "if-he-knows-whats-good",
        r"\bif\s+(?:he|she|they|you)\s+knows?\s+what(?:'?s|\s+is)\s+good\s+for\s+(?:him|her|them"
        r"|you)\b|\b(?:he|she|they|you)(?:'d|\s+had|'ll|\s+will)?\s+better\s+(?:run|hide|start"
        r"\s+running|keep\s+(?:his|her|their|your)\s+head\s+down|watch\s+(?:out|it|yourself|himself"
        r"|herself|themselves|(?:his|her|your|their)\s+step))\b|\b(?:doesn't|does\s+not|don't|do\s+"
        r"not|never)\s+show\s+(?:his|her|their|your)\s+face\s+(?:in|on|round|around|near|at)\s+"
        r"(?:my|our|this)\b|\b(?:you'd|youd)\s+better\s+watch\s+yourself\b",
        0.7,
        reports_someone_else,
    ),
    cue(
        # "He should remember he has a wife and a daughter", "lovely family you have".
        "reminds-of-family",
        r"\b(?:should|would\s+do\s+well\s+to|might\s+want\s+to|ought\s+to|needs?\s+to|better)\s+"
        r"(?:remember|think\s+about|bear\s+in\s+mind|consider)\s+(?:that\s+)?(?:he|she|they|you)"
        r"\s+(?:has|have|'s\s+got|'ve\s+got|got)\s+(?:(?:a|an|two|three|four|\d)\s+)?(?:(?:young|little|lovely|nice)"
        r"\s+)?(?:wife|husband|partner|family|kids|children|daughters?|sons?|grandchildren|baby|mum"
        r"|mother)\b|\b(?:lovely|nice|beautiful|sweet|pretty)\s+(?:little\s+)?(?:family|kids|children"
        r"|daughter|son|wife|husband|house|home)\s+(?:you've|you\s+have|he's|he\s+has|she's|she\s+has"
        r"|they've)\s+got\b",
        0.7,
    ),
    cue(
        # What a staff member or their family does, and when: "your wife shops at the big
        # Tesco on a Tuesday evening", "your officer leaves the depot at ten past five".
        "knows-their-routine",
        r"\b(?:your|his|her|their|the)\s+(?:[\w-]+\s+){0,2}?(?:kids|children|daughter|son|wife"
        r"|husband|partner|family|girls|boys|officer|manager|warden|planner|inspector|councillor"
        r"|director|social\s+worker|surveyor)(?:'s(?:\s+[\w-]+){1,2}?)?\s+(?:walks?|shops?|plays?"
        r"|trains?|goes|leaves|finishes|drives|parks|gets|catches|runs|jogs|cycles|swims|drops)\b"
        r"[^.?!\n]{0,60}?\b(?:every\s+\w+|each\s+\w+|on\s+(?:a\s+)?(?:mon|tues|wednes|thurs|fri"
        r"|satur|sun)day|at\s+(?:\d|ten|quarter|half|five|six|seven|eight)|alone|on\s+(?:his|her"
        r"|their)\s+own|after\s+(?:school|work|dark))\b",
        0.6,
        reports_someone_else,
    ),
    cue(
        "knows-and-says-so",
        r"\b(?:thought|think|figured)\s+you\s+(?:should|ought\s+to|might\s+like\s+to)\s+know\s+"
        r"(?:that\s+)?I\s+know\b|\bjust\s+so\s+you\s+know\s+(?:that\s+)?I\s+know\b|\bI\s+"
        r"(?:know|found)\s+(?:his|her|their|your)\s+(?:house|home|address)\s+on\s+(?:google|facebook"
        r"|the\s+internet|street\s*view)\b|\bi\s+(?:no|kno|ken|know)\s+(?:were|wer|whit|wat|where)"
        r"\s+(?:u|ur|yer|your|you|he|she)\b",
        0.6,
    ),
    cue(
        # Dialect and misspelt assault: "he'll be gettin a sore face", "smash there faces in".
        "sore-face",
        r"\b(?:get|gets|gettin|getting|geting|giv\w*|give)\s+(?:\w+\s+)?(?:a\s+)?(?:sore|burst|broken"
        r"|bust|smashed|fat)\s+(?:face|head|nose|lip|mouth|jaw)\b|\b(?:smash|kick|punch|bash|cave"
        r"|knock|kick)\w*\s+(?:your|there|their|his|her|yer|ur|yur|them|thier)\s+(?:faces?|heads?"
        r"|teeth)\s+in\b|\bpick(?:ing)?\s+(?:himself|herself|themselves|yourself|yourselves)\s+up"
        r"\s+off\s+the\s+(?:floor|ground|pavement|deck)\b",
        0.8,
        reports_someone_else,
    ),
    cue(
        # Misspelt first-person intent before harm: "im gonna batter", "ill cum down ther and
        # batter the first 1 i see".
        "loose-intent",
        r"\b(?:im|i\s+m|imma|ima|ill|il|i\s+will|i'll|i\s+wil)\s+(?:\w+\s+){0,6}?(?:batter|smash"
        r"|stab|kill|knife|glass|deck|leather|twat|lamp|chin|bottle|burst|kick\s+in|do\s+in)\s+"
        r"(?:the\s+(?:first|next)|him|her|them|you|u|ya|yous|youse|that|your|ur|yer|there|their|his"
        r"|every|any)\b",
        0.75,
        reports_someone_else,
    ),
    cue(
        # "I cannot promise that the chair will get home safely after the next meeting."
        "safe-passage-doubted",
        r"\b(?:can't|cannot|can\s+not|won't|couldn't|wouldn't)\s+(?:promise|guarantee|say|vouch)\s+"
        r"(?:that\s+)?(?:he|she|they|you|the\s+\w+|your\s+\w+|any\s+of\s+(?:you|them))\s+(?:will|'ll"
        r"|would|'d)\s+(?:\w+\s+)?(?:get|make\s+it|go|walk|drive|arrive)\s+(?:home|back|out)\s+"
        r"(?:safely|safe|in\s+one\s+piece|unharmed)\b|\b(?:better\s+hope|better\s+pray|hope|pray)\s+(?:that\s+)?"
        r"(?:he|she|they|you|your\s+\w+)\s+never\s+(?:cross|crosses|meets?|runs?\s+into|bumps?\s+into"
        r"|sees?)\s+(?:my\s+path|me)\b",
        0.8,
        reports_someone_else,
    ),
    cue(
        # "I'm going to make him pay for it personally"; paying for damage is not menace.
        "make-them-pay",
        r"\bmake\s+(?:him|her|them|you|that\s+\w+|the\s+\w+|your\s+\w+)\s+(?:pay|suffer|regret)"
        r"\b(?!\s+(?:compensation|back|the|my|for\s+(?:the|my|a|any)\b))",
        0.5,
    ),
    cue(
        # "He should start worrying about more than his targets. I know his van."
        "start-worrying",
        r"\b(?:should|better|ought\s+to|might\s+want\s+to|needs?\s+to)\s+start\s+(?:worrying"
        r"|watching\s+(?:his|her|their|your)\s+back|looking\s+over)\b",
        0.45,
    ),
    cue(
        "knows-their-car",
        r"\bI\s+know\s+(?:his|her|their|your)\s+(?:van|car|face|route|routine|kids|children)\b"
        r"(?!\s+(?:is|was|has|needs))",
        0.45,
    ),
    cue(
        # Terse menace about property: "That office has a lot of glass. Glass breaks."
        "things-break",
        r"\b(?:glass|windows|windscreens|cars|vans|tyres|houses|sheds|fences|offices)\s+(?:break"
        r"|breaks|burn|burns|get\s+broken|can\s+break|go\s+up|catch\s+fire)\s*[.!]",
        0.6,
    ),
    cue(
        # "I will wait for your man with the camera and he will not be walking after."
        "lasting-injury",
        r"\b(?:he|she|they|you|him|her)\s+(?:will\s+not|won't|wont|will\s+never|would\s+not|wouldn't)"
        r"\s+(?:be\s+)?(?:walk|walking|see|seeing|talk|talking|work|working)\s+(?:after|again|straight"
        r"|properly|for\s+a\s+(?:while|month|long\s+time))\b|\bI\s+(?:will|'ll|shall)\s+wait\s+for\s+"
        r"(?:your|the|that)\s+(?:\w+\s+)?(?:man|woman|officer|warden|inspector|bailiff|planner"
        r"|driver|worker|councillor)\b",
        0.6,
        reports_someone_else,
    ),
    cue(
        # Hoax devices, said sideways: "blows your office to bits", "something in the bin by
        # your back door", "open it carefully", "a package under the bench ... half an hour".
        "hoax-sideways",
        r"\b(?:blow|blows|blowing|blew)\s+(?:up\s+)?(?:you|the\s+lot\s+of\s+you|(?:your|the|that|this"
        r"|their)\s+(?:\w+\s+)?(?:office|offices|building|depot|town\s+hall|civic\s+centre|council"
        r"|chamber|headquarters|place|house|home|car|van))\s+(?:to\s+(?:bits|pieces|smithereens"
        r"|kingdom\s+come)|sky\s*high)\b|\b(?:might|may|could|will)\s+(?:already\s+)?be\s+"
        r"(?:something|a\s+(?:little\s+)?(?:surprise|present|gift))\s+(?:nasty\s+)?(?:in|under"
        r"|behind|by|inside)\b|\bopen\s+(?:it|them|the\s+(?:package|parcel|box|envelope)|your\s+"
        r"post)\s+(?:very\s+)?carefully\b",
        0.8,
        reports_someone_else,
    ),
    cue(
        # A bag or parcel left by a public place: needs company (a countdown, a revenge tag).
        "left-by-a-door",
        r"\b(?:package|parcel|bag|box|rucksack|suitcase)\s+(?:\w+\s+){0,3}?(?:under|behind|beside"
        r"|next\s+to|by|outside|in)\s+(?:the|your)\s+(?:\w+\s+){0,3}?" + _PLACE + r"\b",
        0.4,
        reports_someone_else,
    ),
    cue(
        "countdown",
        r"\byou(?:'?ve|\s+have)\s+(?:got\s+)?(?:half\s+an\s+hour|an\s+hour|\d+\s+min(?:ute)?s|ten"
        r"\s+minutes)\b|\btick(?:\s+tock|-tock)\b",
        0.35,
    ),
    cue(
        # A revenge tag on an act: "that's for what you did to my mum".
        "revenge-tag",
        r"\b(?:that's|thats|this\s+is|it's|its)\s+for\s+what\s+(?:you|your\s+\w+|they|he|she)\s+(?:did|done"
        r"|have\s+done|'ve\s+done)\b",
        0.6,
    ),
    cue(
        # Fire carried in: "a can of petrol and a lighter" (threat, or self-immolation).
        "petrol-and-flame",
        r"\b(?:can|canister|jerry\s*can|bottle|gallon)\s+of\s+petrol\b|\bpetrol\b[^.?!\n]{0,40}"
        r"\b(?:lighter|matches|match|light\s+it|flame)\b",
        0.75,
    ),
    cue(
        # "AND MY WAY INVOLVES YOUR SURVEYOR, HIS NICE WHITE VAN, AND A BRICK."
        "weapon-in-a-list",
        r"\b(?:involves?|involving|bring(?:ing)?|with)\b[^.?!\n]{0,80}\b(?:and|plus)\s+(?:a|an|my)\s+"
        r"(?:brick|bat|baseball\s+bat|crowbar|hammer|lighter|match|blade|knife|machete)\s*[.!]",
        0.6,
    ),
    cue(
        # "Make sure none of you get home in one piece", misspelt or not.
        "none-get-home",
        r"\b(?:none|neither)\s+of\s+(?:you|them|yous|youse)\s+(?:\w+\s+){0,2}?(?:get|gets|go|goes"
        r"|walk|walks|make\s+it)\s+(?:home|back|out)\b",
        0.6,
    ),
    cue(
        # Misspelt formulas: "get whats coming", "ill make you pay", "youll regret".
        "loose-formula",
        r"\b(?:get|gets|got)\s+whats\s+coming\b|\bwhats\s+coming\s+to\s+(?:you|him|her|them)\b"
        r"|\b(?:ill|i\s+will|il)\s+make\s+(?:you|him|her|them)\s+(?:pay|suffer|sorry)\b|\byoull"
        r"\s+(?:regret|be\s+sorry|pay)\b|\bwatch\s+ur\s+back\b|\bi\s+know\s+were\s+(?:you|u|he|she)"
        r"\s+lives?\b|\bi\s+no\s+where\s+(?:you|u|he|she)\s+lives?\b",
        0.75,
    ),
)
