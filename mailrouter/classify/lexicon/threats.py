"""Phrase cues for safety: threats of violence, welfare concerns, abuse.

Council mail is full of violent words that are not threats ("kill the weeds",
"murder on my tyres") and of threats with no violent word at all ("I know
which school your children attend"). So threats are recognised by intent and
target, and two kinds of text are blanked before any threat cue runs:
benign idioms, and reported speech ("my neighbour threatened to stab me" is a
safeguarding report, not a threat from the writer).
"""

from __future__ import annotations

import re

from mailrouter.classify.cues import Cue, cue

_I_INTEND = (
    r"\bI(?:'ll|\s+will|'m\s+going\s+to|\s+am\s+going\s+to|'m\s+gonna|\s+shall|'d|\s+would"
    r"|\s+swear\s+I(?:'ll|\s+will)|\s+could)\s+(?:\w+\s+){0,2}?"
)
_HARM_VERB = (
    r"(?:kill|murder|stab|shoot|hurt|harm|batter|beat|punch|strangle|smash|burn|torch|bomb"
    r"|attack|knife|maim|break|slit|slash|thump|smack|deck|glass|headbutt|throttle|choke"
    r"|run\s+(?:you|him|her|them)\s+over|do\s+(?:you|him|her)\s+in)"
)
_TARGET = (
    r"(?:you|ya|your|him|her|them|the\s+lot\s+of\s+you|all\s+of\s+you|every\s+(?:one|last\s+one)"
    r"\s+of\s+you|whoever|that\s+\w+|your\s+\w+|the\s+(?:officer|warden|inspector|manager|staff"
    r"|bailiffs?|woman|man|councillor|clerk|receptionist|planner))"
)

BENIGN_IDIOMS = re.compile(
    r"\b(?:kill|killing|killed|destroy|destroying|spray|spraying|poison|treat)\s+(?:off\s+)?"
    r"(?:all\s+)?(?:the\s+|these\s+|those\s+|any\s+|my\s+|our\s+)?(?:weeds?|knotweed|rats?|mice"
    r"|pests?|wasps?|slugs?|snails?|bugs?|insects?|moss|ivy|brambles?|vermin|germs|bacteria"
    r"|nests?|it\s+off|the\s+smell|smells?|time|two\s+birds|lights?|engine|power|lettuces"
    r"|plants|grass|them\s+off)\b"
    r"|\b(?:is|are|was|were|'s|'re)\s+(?:killing|murdering|murder|a\s+killer)\b"
    r"|\b(?:a|is|was)\s+killer\b|\b(?:would|'d)\s+kill\s+(?:for|to)\b|\bdying\s+(?:to|for|of)\b"
    r"|\bto\s+die\s+for\b|\b(?:bored|scared|worried)\s+to\s+death\b|\bshoot\s+(?:me|us)\s+an?\s+"
    r"\w+|\bshoot\s+(?:it\s+|them\s+|these\s+|those\s+|the\s+\w+\s+)?(?:over|across|through)\b"
    r"|\b(?:photo|clay\s+pigeon)\s*shoot\w*|\bshooting\s+(?:range|ground|club|season)\b"
    r"|\bmurder\s+on\b|\ba\s+blast\b|\bcost\s+a\s+bomb\b|\bbeat(?:en)?\s+(?:the|a|by)\s+\w+"
    r"|\bknock(?:ed|ing)?\s+down\b|\b(?:heart|panic)\s+attacks?\b|\bfire\s+(?:extinguishers?"
    r"|alarms?|safety|doors?|brigade|service|station|escape|risk|place|works?|off|away)\b"
    r"|\b(?:fireworks|bonfire|ceasefire|overkill|painkillers?|weed\s*killers?|killjoy)\b"
    r"|\bsmash(?:ed|ing)?\s+(?:it|the\s+target|the\s+record|job|time)\b|\bknife\s+(?:amnesty|crime)"
    r"|\bkitchen\s+knives\b|\bhave\s+a\s+stab\b|\b(?:long|booster|screen|mug)\s*shot\b"
    r"|\bhit\s+(?:by\s+a|the\s+(?:road|roof|ground|deadline|headlines|spot))\b|\bdead\s+(?:fox"
    r"|badger|bird|cat|animal|tree|end|line|set|easy)\b|\bis\s+dying\b|\bbreak\s+(?:the\s+news"
    r"|a\s+leg|the\s+rules)\b|\bhang(?:ing)?\s+(?:the\s+|a\s+|up\s+)?(?:pictures?|baskets?|bunting"
    r"|washing|signs?|on|up)\b|\bburn(?:ing|t)?\s+(?:garden\s+)?(?:waste|rubbish|leaves)\b"
    r"|\bdog\s+(?:shit|poo|mess|fouling)\b|\battack\s+(?:the|this)\s+(?:problem|issue|backlog)\b",
    re.IGNORECASE,
)
REPORTED_SPEECH = re.compile(
    r"\bthreat(?:ened|ening|ens)\s+(?:to\s+|me\b|us\b|my\b)[^.?!\n]{0,100}"
    r"|\b(?:said|says|told\s+(?:me|us|him|her)|shouted|screamed|yelled)\s+(?:that\s+)?(?:he|she"
    r"|they|the\s+\w+|my\s+\w+)(?:\s+(?:would|will|was\s+going\s+to|is\s+going\s+to|were"
    r"\s+going\s+to)|'d|'ll)\b[^.?!\n]{0,100}|\bsaid\s*[:,]?\s*[\"'][^\"'\n]{0,100}",
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


def _not_aimed_at_staff(sentence: str) -> bool:
    return not (_STAFF.search(sentence) and _INTENT.search(sentence))


THREAT_CUES: tuple[Cue, ...] = (
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
        "stalking",
        r"\bfollow\s+(?:you|him|her|them|your\s+\w+|that\s+\w+)\s+home\b|\b(?:outside|watching)"
        r"\s+(?:your|his|her|their)\s+(?:office|house|home|door|car)\b|\b(?:their|your|his|her)"
        r"\s+(?:home\s+)?(?:addresses|address|cars|car\s+registrations?|homes|houses|routines?"
        r"|movements)\b|\bI\s+know\s+(?:where|when|what\s+time|which\s+way)\s+(?:you|he|she|they"
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
        r"\w*\s+an?\s+(?:brick|rock|stone|bottle)\s+through\b|\b(?:round|over|across|in)\s+the\s+"
        r"(?:head|face|skull)\b|\b(?:get|gets|getting|got|be|being)\s+(?:stabbed|shot|killed|beaten|battered"
        r"|burned|burnt|glassed|knifed)\b",
        0.8,
    ),
    cue("someone-gets-hurt", r"\b(?:get|gets|getting|be)\s+(?:hurt|injured)\b", 0.45),
    cue(
        "knows-where-you-are",
        r"\bknow\s+where\s+(?:you|he|she|they|your\s+\w+|the\s+\w+)\s+(?:lives?|parks?|sleeps?"
        r"|works?|drinks?)\b|\bfound\s+out\s+where\s+(?:you|he|she|they)\s+lives?\b|\b(?:know|found"
        r"\s+out)\s+(?:which|what)\s+school\b|\bknow\s+what\s+car\b|\bI\s+see\s+your\s+(?:house"
        r"|home|car)\b|\byour\s+(?:house|home)\s+is\s+on\b|\bwhere\s+(?:you|he|she)\s+parks?\b",
        0.85,
    ),
    cue(
        "menace-idiom",
        r"\b(?:watch|mind)\s+(?:your|his|her|their)\s+back\b|\blooking\s+over\s+(?:your|his|her)\s+"
        r"shoulder\b|\bsleep\s+with\s+one\s+eye\s+open\b|\b(?:you|he|she|they)\s+won't\s+forget\b",
        0.8,
    ),
    cue(
        "you-will-regret",
        r"\b(?:you|he|she|they)(?:'ll|\s+will|'d|\s+would)\s+(?:\w+\s+)?regret\b"
        r"|\byou(?:'ll|\s+will)\s+be\s+sorry\b",
        0.45,
    ),
    cue(
        "shame-if-something-happened",
        r"\b(?:shame|pity)\s+if\b[^.?!\n]{0,50}?\b(?:happen\w*|caught\s+fire|burn\w*|your\s+(?:house"
        r"|home|car|family|kids|children))\b|\b(?:would|'d)\s+hate\s+(?:for|to\s+see)\s+(?:anything"
        r"|something)\b|\baccidents\s+(?:happen|can\s+happen)\b|\bsomething\s+(?:bad|nasty|unpleasant"
        r"|terrible)\s+(?:might|could|will|may)\s+happen\b",
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
        r"|\b(?:bring|bringing)\s+(?:a\s+few|some)\s+(?:friends|mates|lads|people)\b"
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
        r"smile\s+off\b|\bin\s+the\s+ground\b|\bsee\s+what\s+happens\b",
        0.6,
    ),
    cue(
        "ultimatum",
        r"\byou\s+have\s+(?:until|till|24\s+hours|48\s+hours|one\s+week)\b|\bor\s+else\b"
        r"|\blast\s+chance\b|\bfinal\s+(?:notice|warning)\b|\beither\b[^.?!\n]{0,60}\bor\s+someone\b"
        r"|\bwhatever\s+it\s+takes\b|\bI\s+mean\s+whatever\b",
        0.45,
    ),
    cue(
        "near-their-home",
        r"\blives?\s+(?:only\s+|just\s+)?(?:\w+\s+)?(?:minutes?|streets?|miles?|doors?|roads?)\s+"
        r"(?:from|away\s+from)\s+(?:me|my)\b|\b(?:pop|call|drop|come)\s+round\b|\bturn\s+up\s+at"
        r"\s+(?:your|his|her|their)\b|\bsmall\s+world\b",
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
        r"(?:what|my\s+actions)\b|\bdon't\s+know\s+what\s+I(?:'ll|\s+will|\s+might)\s+do\b",
        0.85,
    ),
    cue(
        "visit-or-wait",
        r"\b(?:pay|paying)\s+(?:you|your\s+\w+|him|her|them)\s+a\s+(?:little\s+)?visit\b|\bwait(?:ing)?"
        r"\s+(?:for\s+(?:you|him|her|them)\s+)?(?:outside|in\s+the\s+car\s*park|after\s+work)\b"
        r"|\bcoming\s+(?:down|round|for)\s+(?:there|you|him|her)\b|\bnext\s+time\s+I\s+(?:come|see|visit)\b",
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
        "weapon",
        r"\b(?:shotgun|guns?|firearms?|rifle|knife|knives|machete|blade|petrol|acid|bombs?"
        r"|explosives?|axe|baseball\s+bat|crossbow)\b",
        0.4,
    ),
    cue("nothing-to-lose", r"\bnothing\s+(?:left\s+)?to\s+lose\b", 0.45),
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
        "warning-tone",
        r"\b(?:that's|that\s+is)\s+a\s+promise\b|\bmark\s+my\s+words\b|\blast\s+warning\b|\byou(?:'ve"
        r"|\s+have)\s+been\s+warned\b|\bmake\s+sure\s+(?:he|she|they|you)\s+(?:can\s+)?never\b"
        r"|\bpatience\s+(?:has|is)\s+(?:its\s+)?(?:limits|running\s+out|wearing\s+thin)\b"
        r"|\blong\s+memory\b|\bruin\s+yours\b|\bpay\s+for\s+this\b|\bI(?:'ll|\s+will)\s+be\s+waiting\b",
        0.3,
    ),
)
