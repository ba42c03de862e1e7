"""Violent words that are not threats, recognised by phrase and by target.

Council mail is full of them: "kill the weeds", "I could murder a cup of tea",
"I'd shoot the lot of them" (about gulls), "my husband forgot the bin, I could
kill him", "before somebody gets killed" (about a hedge). Each is blanked before
threat cues or models read the text. Three kinds of rule:

- fixed idioms (``FIXED``): the phrase alone is harmless;
- frames with an object (``OBJECT_FRAMES``): a violent verb aimed at something
  that is not a person (weeds, pests, food, machines, time);
- frames that look back (``CONTEXT_FRAMES``): "them", "him" or "somebody" is
  harmless only when the sentence or the one before names what it refers to
  (gulls, a husband, a hedge) and names no one at the council.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_I = re.IGNORECASE

_VIOLENT = (
    r"(?:kill\w*|murder\w*|shoot\w*|shot|stab\w*|strangl\w*|throttl\w*|poison\w*|gas|gassed|exterminat\w*"
    r"|destroy\w*|blast\w*|nuke|massacr\w*|slaughter\w*|wipe\s+out|wiped\s+out|get\s+rid\s+of"
    r"|wring\w*\s+(?:\w+\s+)?necks?|drown\w*|burn\w*|smash\w*|batter\w*|spray\w*|treat\w*)"
)
# Living things and objects nobody at the council is: a violent verb aimed here is harmless.
NON_HUMAN = (
    r"(?:weeds?|knotweed|nettles|dandelions|moss|ivy|brambles?|grass|lawns?|hedges?|plants?"
    r"|seedlings|lettuces?|roses|rats?|mice|vermin|pests?|rodents?|gulls?|seagulls?|pigeons?"
    r"|crows|magpies|birds?|squirrels?|foxes|fox|moles?|rabbits?|badgers?|slugs?|snails?"
    r"|wasps?|hornets?|bees|flies|fleas|ants|cockroach\w*|bed\s*bugs?|bugs?|insects?|mosquito\w*"
    r"|midges|nests?|germs|bacteria|mould|damp|smells?|odou?rs?|the\s+smell|engine|lights?"
    r"|power|music|noise|radio|telly|tv|computer|printer|laptop|app|website|phone|time"
    r"|(?:a\s+)?conversation|idea|plans?|proposals?|scheme|bill|motion|two\s+birds)"
)
_DET = (
    r"(?:(?:all\s+|every\s+one\s+of\s+|each\s+of\s+)?(?:the|these|those|them|this|that|any|my"
    r"|our|all|some|every)\s+)?"
)
_ADJ = r"(?:[\w-]+\s+){0,2}?"
_NOT_AT_THE_COUNCIL = (
    r"(?!\s+(?:in|at|from|of|who\s+(?:run|work))\s+(?:the\s+|your\s+)?(?:council|planning|housing"
    r"|town\s+hall|civic|offices?|department|team))"
)
_FOOD = (
    r"(?:cup|cuppa|pint|brew|tea|coffee|curry|kebab|burger|pizza|sandwich|butty|fry-?up|drink"
    r"|beer|glass|bottle|biscuit|cake|takeaway|chippy|bacon|chips|pie|meal|breakfast|roast)"
)

FIXED = re.compile(
    r"\b(?:is|are|was|were|'s|'re)\s+(?:killing|murdering|murder|a\s+killer|strangling|smothering"
    r"|choking|throttling)\b"
    r"|\b(?:a|is|was)\s+killer\b|\b(?:would|'d|could)\s+kill\s+(?:for|to)\b|\bdying\s+(?:to|for|of)\b"
    r"|\bto\s+die\s+for\b|\b(?:bored|scared|worried|frightened)\s+(?:\w+\s+)?to\s+death\b"
    r"|\bshoot\s+(?:me|us)\s+an?\s+\w+|\bshoot\s+(?:it\s+|them\s+|these\s+|those\s+|the\s+\w+\s+)?"
    r"(?:over|across|through)\b|\b(?:photo|clay\s+pigeon)\s*shoot\w*|\bshooting\s+(?:range|ground"
    r"|club|season|star)\b|\bmurder\s+on\b|\ba\s+blast\b|\bcost\s+a\s+bomb\b|\bgoing\s+like\s+a\s+bomb\b"
    r"|\bbeat(?:en)?\s+(?:the|a|by)\s+\w+|\bknock(?:ed|ing)?\s+(?:down|out)\b|\bknock-out\b"
    r"|\b(?:heart|panic|asthma)\s+attacks?\b|\bfire\s+(?:extinguishers?|alarms?|safety|doors?"
    r"|brigade|service|station|escape|risk|place|works?|off|away)\b|\bfire\s+(?:me|us)\s+an?\b"
    r"|\b(?:fireworks|bonfires?|ceasefire|overkill|painkillers?|weed\s*killers?|killjoy|deadline)\b"
    r"|\bsmash(?:ed|ing)?\s+(?:it|the\s+target|the\s+record|job|time)\b(?!\s+(?:over|into|against"
    r"|up|to\s+pieces|on|round))|\b(?:killed|hit|injured|knocked\s+down|run\s+over)\s+by\s+(?:a|the)\s+"
    r"(?:car|van|bus|lorry|train|vehicle|driver|cyclist|truck|tractor)\b|\b(?:should|ought\s+to)\s+"
    r"be\s+shot\b(?!\s+for)|\b(?:worried|afraid|scared|concerned|fear)\b[^.?!\n]{0,60}\bend\s+up\s+"
    r"in\s+hospital\b|\bknife\s+(?:amnesty|crime)"
    r"|\b(?:it|that|this|which)(?:'ll|\s+will|\s+could|\s+would|'d|\s+is\s+going\s+to)\s+kill\s+"
    r"(?:someone|somebody|a\s+child|people)\b"
    r"|\bkitchen\s+knives\b|\bhave\s+(?:had\s+)?a\s+stab\b|\b(?:long|booster|screen|mug|big)\s*shots?\b"
    r"|\bhit\s+(?:by\s+a|the\s+(?:road|roof|ground|deadline|headlines|spot|jackpot))\b|\bdead\s+(?:fox"
    r"|badger|bird|cat|dog|deer|animal|tree|end|line|set|easy|tired|heat|loss|weight|on)\b|\bis\s+dying\b"
    r"|\bbreak\s+(?:the\s+news|a\s+leg|the\s+rules|the\s+ice|the\s+bank)\b|\bhang(?:ing)?\s+(?:the\s+|a"
    r"\s+|up\s+)?(?:pictures?|baskets?|bunting|washing|signs?|on|up|around|about)\b"
    r"|\bburn(?:ing|t)?\s+(?:garden\s+)?(?:waste|rubbish|leaves|toast|dinner|calories)\b"
    r"|\bdog\s+(?:shit|poo|mess|fouling)\b|\battack\s+(?:the|this)\s+(?:problem|issue|backlog)\b"
    r"|\bdeath\s+trap\b|\baccident\s+waiting\s+to\s+happen\b|\bheads\s+(?:will|would|should)\s+roll\b"
    r"|\b(?:killing|kill)\s+(?:me|my\s+(?:back|feet|knees|legs|head)|us)\b(?!\s+(?:if|when|for))"
    r"|\b(?:killing|kill)\s+(?:time|the\s+mood|off\s+the\s+high\s+street|local\s+business\w*"
    r"|(?:the\s+)?town\s+centre|trade)\b|\bkilling\s+(?:myself|ourselves|themselves)\s+(?:laughing"
    r"|dragging|carrying|trying|running)\b|\b(?:a|the)\s+killing\s+(?:field|joke)\b"
    r"|\bshot\s+(?:in\s+the\s+dark|to\s+pieces|down|up)\b|\bdaylight\s+robbery\b"
    r"|\bfight\s+(?:this|it|the\s+\w+)\s+tooth\s+and\s+nail\b|\btooth\s+and\s+nail\b"
    # Blame for a hazard, and relief that nothing happened, are not menace.
    r"|\b(?:it|that|this|which)(?:'ll|\s+will|\s+would|'d|\s+could|\s+might|\s+is\s+going\s+to)\s+"
    r"(?:\w+\s+)?(?:kill|hurt|injure|maim)\s+(?:someone|somebody|them|a\s+\w+|him|her|people)\b"
    r"|\b(?:(?:you|they|the\s+council)(?:'ll|\s+will|'d|\s+would)\s+have\s+|that's\s+)?blood\s+on\s+(?:your|their|his|her|the\s+council's|our|its)\s+hands\b"
    r"|\b(?:nobody|no\s+one|no-one|none\s+of\s+us)\s+(?:got|gets|was|were|has\s+been|had\s+been)"
    r"\s+(?:(?:badly|seriously)\s+)?(?:killed|hurt|injured|shot|stabbed|harmed)\b",
    _I,
)

OBJECT_FRAMES = re.compile(
    r"\b"
    + _VIOLENT
    + r"\s+(?:off\s+|out\s+)?"
    + _DET
    + _ADJ
    + NON_HUMAN
    + r"\b"
    + _NOT_AT_THE_COUNCIL
    + r"|\b(?:murder|kill\s+for|demolish|destroy|devour|eat)\s+(?:a|an|some|the)\s+(?:\w+\s+){0,2}?"
    + _FOOD
    + r"s?\b"
    # "my wife will kill me", "he'll kill me if": the writer is the target, not the speaker.
    + r"|\b(?:will|'ll|would|'d|going\s+to|gonna)\s+(?:\w+\s+)?(?:kill|murder|strangle|throttle"
    r"|crucify)\s+me\b"
    # A thing, not a person, gets burnt or smashed.
    r"|\b(?:recycling|rubbish|waste|litter|leaves|plastic|paper|cardboard|stuff|bags?|it)\s+"
    r"(?:\w+\s+)?(?:gets?|got|is|are|was|were|being|been)\s+(?:burn(?:ed|t)|incinerated|smashed"
    r"|destroyed|shredded|crushed)\b",
    _I,
)


@dataclass(frozen=True, slots=True)
class ContextFrame:
    """A violent phrase, harmless when ``context`` holds around it and ``staff`` does not."""

    pattern: re.Pattern[str]
    context: re.Pattern[str]
    staff: re.Pattern[str]


STAFF = re.compile(
    r"\b(?:officers?|staff|councill?ors?|cllr|warden|bailiffs?|inspectors?|manager"
    r"|planners?|receptionists?|social\s+workers?|enforcement|director|chief\s+executive"
    r"|clerk|you|your|yours)\b",
    _I,
)
# Without "you": "I'd like to shoot the lot of them, what can you do?" still asks the council.
_STAFF_NAMED = re.compile(STAFF.pattern.replace("|you|your|yours", ""), _I)
_FAMILY = re.compile(
    r"\b(?:my|our|the)\s+(?:\w+\s+)?(?:husband|wife|hubby|missus|partner|other\s+half|fella"
    r"|boyfriend|girlfriend|son|daughter|kids?|children|boys?|girls?|lad|teenager|mum|mother|dad"
    r"|father|brother|sister|grandson|granddaughter|grandkids|nan|grandad|dog|cat|puppy"
    r"|kitten|flatmate|lodger)\b",
    _I,
)
_PESTS = re.compile(r"\b" + NON_HUMAN + r"\b", _I)
_HAZARD = re.compile(
    r"\b(?:roads?|pavements?|footpath|hedges?|trees?|branch(?:es)?|pot\s*holes?|crossings?|junction"
    r"|bends?|traffic|lorr(?:y|ies)|cars?|vans?|buses|bikes?|cyclists?|speed\w*|ice|icy|drains?"
    r"|covers?|wires?|cables?|scaffold\w*|playground|swings?|railings|steps|stairs|lift|balcony"
    r"|mould|damp|gas|boiler|fire\s+doors?|walls?|fences?|glass|needles|lamp\s*posts?|kerbs?"
    r"|slabs?|manholes?|holes?|sinkhole|river|pond|lake|flood\w*|electric\w*|sockets?|asbestos)\b",
    _I,
)
_SOMEONE = (
    r"(?:some(?:one|body)(?:'s\s+\w+)?|a\s+(?:child|kid|pedestrian|cyclist|person|pensioner)"
    r"|people|anyone|any(?:one|body)|one\s+of\s+(?:the\s+)?(?:kids|children|us))"
)
_HARMED = (
    r"(?:killed|hurt|injured|run\s+over|knocked\s+(?:down|over)|electrocuted|drowned|maimed"
    r"|break\s+(?:their|his|her|a)\s+(?:neck|leg|arm|ankle|hip))"
)

CONTEXT_FRAMES: tuple[ContextFrame, ...] = (
    # "I'd shoot the lot of them" about gulls, "get rid of them" about rats.
    ContextFrame(
        re.compile(
            r"\b" + _VIOLENT + r"\s+(?:them|it|the\s+lot(?:\s+of\s+them)?|all\s+of\s+them|every"
            r"\s+(?:last\s+|single\s+)?one(?:\s+of\s+them)?)\b",
            _I,
        ),
        _PESTS,
        _STAFF_NAMED,
    ),
    # "my husband forgot the bin and I could kill him".
    ContextFrame(
        re.compile(
            r"\b(?:could|'d|would|'ll|will|going\s+to|gonna)\s+(?:\w+\s+)?(?:(?:kill|murder|strangle"
            r"|throttle|swing\s+for)\s+(?:him|her|them)\b(?!\s+(?:all|both|too))|wring\s+(?:his|her"
            r"|their)\s+necks?\b)",
            _I,
        ),
        _FAMILY,
        _STAFF_NAMED,
    ),
    # "before somebody gets killed" about a hedge or a pothole: a hazard warning.
    ContextFrame(
        re.compile(
            r"\b(?:before|or|until|otherwise)\s+"
            + _SOMEONE
            + r"\s+(?:\w+\s+)?(?:gets?|is|are|will(?:\s+be)?|ends?\s+up|could(?:\s+be)?|might"
            r"(?:\s+be)?)\s+(?:seriously\s+|badly\s+)?"
            + _HARMED
            + r"\b|\b"
            + _SOMEONE
            + r"\s+(?:is|are|'s)?\s*(?:going\s+to|gonna|will|could|might)\s+(?:(?:get|be)\s+)?"
            r"(?:seriously\s+|badly\s+)?" + _HARMED + r"\b",
            _I,
        ),
        _HAZARD,
        _STAFF_NAMED,
    ),
)
