"""Cues for subject access and the other data-protection rights (erasure,
rectification, objection, restriction, portability)."""

from __future__ import annotations

import re

from mailrouter.classify.cues import Cue, cue

# Routine documents a service sends on request: asking for one is not subject access.
_ROUTINE_DOCUMENT = re.compile(
    r"\b(?:bill|tenancy\s+agreement|statement|receipt|permit|licen[cs]e|form|invoice|lease"
    r"|booking|appointment|payslip|P60|certificate)\b",
    re.IGNORECASE,
)


# "If I wanted my records one day, who would I ask?": a question about the process.
_HYPOTHETICAL = re.compile(
    r"\bif\s+I\s+(?:wanted|want|were|was|ever)\b|\bnot\s+(?:asking|requesting)\s+for\b|\bin\s+"
    r"(?:the\s+)?future\b|\bhow\s+(?:do|would|can|could|should)\s+I\s+(?:go\s+about|make|request"
    r"|ask|get|apply)\b|\bwho\s+(?:would|should|do)\s+I\s+(?:ask|contact|write)\b|\bwhat(?:'s|\s+is)"
    r"\s+the\s+process\b",
    re.IGNORECASE,
)


def hypothetical(text: str) -> bool:
    return bool(_HYPOTHETICAL.search(text))


# Leaving the open electoral register or a newsletter is routine service, not erasure.
_ROUTINE_LIST = re.compile(
    r"\bopen\s+(?:version\s+of\s+the\s+)?(?:electoral\s+)?register\b|\bedited\s+register\b"
    r"|\bnewsletters?\b|\bunsubscribe\b|\bpromotions?\b",
    re.IGNORECASE,
)


def routine_list(sentence: str) -> bool:
    return bool(_ROUTINE_LIST.search(sentence))


def routine_document(sentence: str) -> bool:
    return bool(_ROUTINE_DOCUMENT.search(sentence)) or hypothetical(sentence)


# Words that ask for something; "I've sent four emails to my councillor" asks for nothing.
_ASKS = re.compile(
    r"\b(?:please|send|copy|copies|see|have|provide|request\w*|want|like|access|give|disclose"
    r"|obtain|view|release|forward|share|need|can\s+I|could\s+I|may\s+I)\b",
    re.IGNORECASE,
)


def not_asked_for(sentence: str) -> bool:
    """A routine document, a hypothetical, or no request in the sentence at all."""
    return routine_document(sentence) or not _ASKS.search(sentence)


# "A letter about my arrears went to my neighbour: a breach": a grievance, not a request.
_BREACH = re.compile(r"\bbreach\w*\b|\bsent\s+to\s+(?:the\s+wrong|my\s+neighbour)", re.IGNORECASE)


def breach_or_hypothetical(sentence: str) -> bool:
    return bool(_BREACH.search(sentence)) or hypothetical(sentence)


SAR_CUES: tuple[Cue, ...] = (
    cue("subject-access", r"\bsubject\s+access\b|(?<![\w.])D?SARs?(?!\w)", 0.95, hypothetical),
    cue("right-of-access", r"\bright\s+of\s+access\b|\barticle\s+15\b", 0.85),
    cue(
        "data-about-me",
        r"\b(?:data|information|records?|notes|e-?mails?|files?|documents?|correspondence"
        r"|recordings?|footage|everything|anything|complaints|allegations|reports|statements)\b"
        r"[^.?!\n]{0,60}?\b(?:about|on|of|relating\s+to|regarding|concerning)\s+(?:me|myself"
        r"|(?:my|our)\s+(?:family|son|daughter|child(?:ren)?|household|husband|wife|partner))\b",
        0.85,
        hypothetical,
    ),
    cue(
        "hold-on-me",
        r"\b(?:hold|holds|held|have|has|keep|keeps|kept|got)\s+(?:on|about)\s+me\b",
        0.85,
    ),
    cue(
        "said-about-me",
        r"\b(?:written|writing|wrote|said|saying|says|recorded|noted|noting|know|knows|shared)\s+"
        r"(?:\w+\s+){0,2}?about\s+me\b",
        0.8,
    ),
    cue(
        "records-of-my-contact",
        r"\b(?:recordings?|transcripts?|copies|copy|notes|records?|logs?)\s+of\s+(?:all\s+)?"
        r"(?:my|our)\s+(?:[\w-]+\s+)?(?:calls?|conversations?|visits?|meetings?|e-?mails?"
        r"|correspondence|interviews?|assessments?|file|case)\b",
        0.8,
    ),
    cue(
        "my-personal-data",
        r"\bmy\s+(?:own\s+)?(?:personal\s+(?:data|information|details)|data)\b"
        r"|\bmy\s+(?:[\w-]+\s+){0,6}?(?:file|records|case\s+notes|data)\b",
        0.7,
        breach_or_hypothetical,
    ),
    cue(
        "erasure",
        r"\b(?:erase|delete|remove|destroy|wipe)\b[^.?!\n]{0,40}?\b(?:personal\s+(?:data|information"
        r"|details)|my\s+(?:data|information|details|records|name|e-?mail\s+address))\b"
        r"|\bright\s+to\s+(?:be\s+forgotten|erasure)\b|\bremove\s+me\s+from\s+"
        r"(?:your|the|all)\s+(?:\w+\s+)?(?:database|system|records|lists?)\b",
        0.85,
        routine_list,
    ),
    cue(
        "rectification",
        r"\b(?:rectify|rectification|correct|amend|update)\b[^.?!\n]{0,30}?\bmy\s+(?:personal\s+)?"
        r"(?:data|record|records|details|information|file)\b",
        0.8,
    ),
    cue(
        "objection-or-restriction",
        r"\bobject\s+to\b[^.?!\n]{0,60}?\b(?:my\s+data|processing|my\s+information|using\s+my)\b"
        r"|\b(?:stop|restrict|limit|suspend)\s+(?:the\s+)?(?:processing|using|use|sharing)\s+(?:of\s+)?"
        r"(?:my|our|her|his)\b|\bdata\s+portability\b|\bright\s+to\s+(?:object|restrict\w*"
        r"|portability|rectification)\b",
        0.8,
    ),
    cue(
        "portability",
        r"\bin\s+a\s+(?:\w+\s+)?(?:format|form)\s+(?:that\s+)?(?:the\s+new|another|they|I|a\s+computer)"
        r"|\bmachine[\s-]readable\b|\b(?:transfer|move|port)\s+(?:it|them|my\s+\w+)\s+(?:over\s+)?to\b"
        r"|\bI(?:'d|\s+would)\s+like\s+to\s+transfer\s+it\b|\bexport\s+(?:it|them|my\s+\w+)\b"
        r"|\bso\s+(?:that\s+)?I\s+can\s+(?:pass|hand|take|give)\s+(?:it|them)\s+(?:on|over)\b",
        0.4,
    ),
    cue(
        "no-sharing",
        r"\b(?:not|don't|do\s+not|never|stop)\s+(?:to\s+)?(?:share|sharing|pass(?:ing)?\s+on|disclos\w+)"
        r"\s+(?:it|them|this|my|our|her|his)\b",
        0.45,
    ),
    cue(
        "data-protection-request",
        r"\b(?:GDPR|data\s+protection|DPA|D\.P\.A\.)\s+(?:request|application|rights?\s+request)\b"
        r"|\ball\s+(?:my\s+)?(?:personal\s+)?data\b",
        0.8,
        hypothetical,
    ),
    cue(
        "who-reported-me",
        r"\bwho\s+(?:reported|complained\s+about|informed\s+on|referred)\s+(?:me|us|my\s+\w+)\b"
        r"|\bwho\s+(?:made|put\s+in|raised|submitted|sent)\s+(?:the|this|that|these)\s+(?:allegations?"
        r"|complaints?|reports?|referrals?)\b",
        0.8,
        hypothetical,
    ),
    cue(
        "acts-for-a-relative",
        r"\b(?:lasting\s+power|power)\s+of\s+attorney\b|\bLPA\b|\bdeputyship\b|\bappointee\b"
        r"|\bparental\s+responsibility\b|\b(?:she|he)\s+(?:is\s+happy|has\s+(?:asked|agreed|consented"
        r"|signed))\b|\b(?:her|his|their)\s+(?:written\s+)?consent\b|\bsigned\s+below\b",
        0.5,
    ),
    cue(
        "my-own-case-papers",
        r"\b(?:documents|notes|evidence|records|information|papers)\s+(?:that\s+)?(?:you|the\s+council"
        r"|your\s+\w+)\s+(?:relied\s+on|used|based\s+\w+\s+on|considered|looked\s+at)\b[^.?!\n]{0,60}?"
        r"\b(?:I|me|my)\b",
        0.7,
        hypothetical,
    ),
    cue(
        "records-of-my-matter",
        r"\b(?:copies|copy\s+of|notes|records|e-?mails|correspondence|documents|files?|information"
        r"|data|recordings?|minutes)\b[^.?!\n]{0,60}?\bmy\b",
        0.6,
        not_asked_for,
    ),
    cue(
        "images-of-me",
        r"\b(?:photos?|photographs?|images?|footage|recordings?|videos?)\s+(?:of|showing)\s+"
        r"(?:me|my)\b|\bphotos?\s+of\s+my\b",
        0.6,
    ),
    cue(
        "filmed-me",
        r"\b(?:filmed|recorded|photographed|videoed)\s+(?:me|us|our\s+(?:conversation|argument|exchange)"
        r"|my\s+(?:son|daughter|child|husband|wife|partner|car|van))\b",
        0.5,
    ),
    cue(
        "wants-the-recording",
        r"\b(?:want|like|need|request|have|see)\s+(?:a\s+copy\s+of\s+)?(?:that|the|this)\s+(?:video|footage"
        r"|recording|clip|film|photos?)\b",
        0.35,
        hypothetical,
    ),
    cue(
        "inaccurate-record",
        r"\b(?:wrong|incorrect|inaccurate|out\s+of\s+date|misspel\w*|spel(?:led|t)\s+wrong"
        r"|mistake)\b[^.?!\n]{0,60}?\b(?:your|the|my)\s+(?:system|records?|database|file|details"
        r"|account)\b|\b(?:on|in)\s+your\s+(?:system|records?|database)\b[^.?!\n]{0,40}?\b(?:wrong"
        r"|incorrect|inaccurate|misspel\w*)|\b(?:name|date\s+of\s+birth|address)\s+(?:is|was)\s+"
        r"(?:spel(?:led|t)\s+)?(?:wrong|incorrect)|\bmy\s+(?:sur|first\s+|middle\s+)?name\s+is\s+\w+,?"
        r"\s+not\s+\w+",
        0.5,
    ),
    cue(
        "spelt-wrong",
        r"\b(?:spel(?:led|t)|written|printed|recorded|down)\s+(?:wrong(?:ly)?|incorrectly|as\s+\w+)\b"
        r"|\bmisspel\w*\b|\bwrong\s+(?:date\s+of\s+birth|name|spelling|gender|title)\b",
        0.35,
    ),
    cue(
        "asks-for-correction",
        r"\b(?:correct|amend|fix|update|change)(?:\s+(?:it|this|them|that)\b|\s*[.!]|\s*$)",
        0.3,
    ),
    cue(
        # "Where did you get my mobile number?": where the council got personal data.
        "where-my-data-came-from",
        r"\b(?:how|where|why)\s+(?:did|do|does|have|has)\s+(?:you|the\s+council|your\s+[\w-]+)"
        r"\s+(?:get|got|obtain|obtained|find|found|have|come\s+by|gotten)\s+(?:hold\s+of\s+)?"
        r"(?:my|our)\s+(?:\w+\s+)?(?:number|mobile|phone|e-?mail|address|details|name|data"
        r"|information)\b|\bwho\s+gave\s+(?:you|the\s+council)\s+(?:my|our)\b",
        0.8,
    ),
    cue(
        # Objection to direct marketing (an absolute right), not leaving a newsletter.
        "objects-to-marketing",
        r"\b(?:take|remove|delete|leave|off)\b[^.?!\n]{0,30}?\b(?:marketing|promotional)\s+"
        r"(?:lists?|database|texts?|messages?|calls?|e-?mails?)\b|\b(?:stop|no\s+more)\s+"
        r"(?:sending|texting|calling|e-?mailing|contacting)\s+(?:me|us)\b[^.?!\n]{0,30}?"
        r"\b(?:marketing|promotions?|adverts?|offers)\b|\bdo\s+not\s+(?:use|contact)\s+(?:me|my"
        r"\s+\w+)\s+for\s+marketing\b",
        0.7,
    ),
    cue(
        # A relative or carer asking for someone else's own records: "her care notes".
        "their-own-records",
        r"\b(?:her|his|their|mum's|mam's|dad's|mother's|father's|nan's|gran's|son's"
        r"|daughter's)\s+(?:own\s+)?(?:(?:care|case|social\s+care|medical|housing|school|council"
        r"|support|tenancy)\s+)?(?:notes|records|file|files)\b",
        0.5,
        not_asked_for,
    ),
    cue(
        "asks-on-behalf",
        r"\bon\s+behalf\s+of\s+(?:my|her|his|our)\b|\b(?:she|he|they)\s+(?:wants?|asked|has\s+asked)"
        r"\s+me\s+to\s+(?:ask|write|request|get)\b",
        0.3,
    ),
    cue("data-protection-law", r"\b(?:UK\s+)?GDPR\b|\bdata\s+protection\b", 0.45),
    cue("withdraws-consent", r"\bwithdraw\w*\s+(?:my\s+|our\s+|all\s+)?consent\b", 0.8),
    cue(
        "acts-for-the-subject",
        r"\b(?:we|I)\s+(?:act|are\s+acting|am\s+acting|represent|write\s+on\s+behalf\s+of)\s+"
        r"(?:for\s+)?(?:Mr|Mrs|Ms|Miss|Dr|my\s+client|our\s+client|the\s+above)\b|\bsigned\s+"
        r"(?:form\s+of\s+)?authority\b|\bauthority\s+(?:signed|attached|enclosed)\b|\b(?:our|my)"
        r"\s+client\b",
        0.5,
    ),
    cue(
        "data-about-them",
        r"\b(?:data|information|records?|everything|anything|notes|files?)\b[^.?!\n]{0,60}?\b(?:about"
        r"|on|of|relating\s+to|regarding|concerning|held\s+(?:about|on))\s+(?:her|him|our\s+client"
        r"|my\s+client|the\s+data\s+subject)\b",
        0.45,
        hypothetical,
    ),
    cue(
        "what-you-hold",
        r"\bcop(?:y|ies)\s+of\s+(?:what|everything|all|anything)\s+(?:that\s+)?(?:you|the\s+council"
        r"|your\s+\w+)\s+(?:hold|holds|have|has|keep|keeps|store|stores)\b(?![^.?!\n]{0,30}\b(?:on|about"
        r"|regarding)\s+(?:the|this|that|it|its)\b)",
        0.8,
        hypothetical,
    ),
    cue(
        "how-my-data-is-used",
        r"\bwho\s+(?:you(?:'ve|\s+have)?|the\s+council(?:\s+has)?)\s+(?:shared|passed|given|sent|disclosed)"
        r"\s+(?:it|them|my\s+\w+(?:\s+\w+)?)\s+(?:with|to)\b|\bhow\s+long\s+(?:you(?:'ll|\s+will)?"
        r"|the\s+council\s+will)\s+(?:keep|hold|retain|store)\s+(?:it|them|my)\b|\bwhat\s+you\s+did"
        r"\s+with\s+my\b|\bwhat\s+(?:you|the\s+council)\s+(?:shared|passed\s+on|disclosed)\b",
        0.6,
    ),
)
