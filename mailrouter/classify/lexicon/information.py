"""Cues for requests for information: FOI (and FOISA) and EIR.

Requests need not name the Act, so they are recognised by what they ask for:
recorded information about the council's activity (figures, spend, contracts,
reports, correspondence). A request about the writer's own records is subject
access (see ``personal_data``), and booking or paying for a service is routine.
Weights: 0.9+ decides alone; 0.5-0.8 is a likely request; below 0.5 needs company.
"""

from __future__ import annotations

import re

from mailrouter.classify.cues import Cue, cue

_GAP = r"[^.?!\n]{0,80}?"

_ABOUT_THE_SENDER = re.compile(
    r"\b(?:about|on|of|relating\s+to|regarding|concerning|held\s+on)\s+"
    r"(?:me|myself|my\s+(?:family|son|daughter|child|children|husband|wife|partner))\b"
    r"|\bpersonal\s+(?:data|information)\b"
    r"|\bwhat\s+(?:days?|dates?|times?|slots?)\b|\b(?:to\s+book|book\s+(?:a|an|in)|booking\s+(?:a|an))\b"
    r"|\bcop(?:y|ies)\s+of\s+(?:my|this\s+year's|last\s+year's|the|a|our)\s+(?:[\w'-]+\s+){0,3}?"
    r"(?:bill|statement|award\s+letter|receipt|payslip|P60)s?\b"
    r"|\bfinal\s+response\b|\b(?:ombudsman|their|its)(?:'s)?\s+(?:contact\s+)?details\b"
    r"|\b(?:withdrawn|refunded|waived|corrected|reimbursed|written\s+off)\b"
    r"|\bmy\s+(?:[\w-]+\s+){0,3}?(?:data|information|records?|file|details|notes|account|bill"
    r"|tenancy|agreement|claim|case|rent|benefit|application|property|home|house|flat|bins?"
    r"|payments?|appointment|booking|permit|licence|repairs?|assessment|statement|letter)\b"
    r"|\b(?:costs?|prices?|charges?|fees?)\s+(?:of|for|to)\s+(?:hire|hiring|book|booking|join"
    r"|joining|apply|applying|rent|renting|use|using)\b"
    r"|\bhow\s+much\s+(?:does|do|will|would|should)\s+(?:[\w'-]+\s+){0,5}?(?:cost|charge)\b"
    r"|\bhow\s+much\s+(?:is|are)\s+(?:a|an|the|it)\s+(?:[\w'-]+\s+){0,4}?(?:fee|premium|charge"
    r"|price|rate|permit|licen[cs]e|deposit|fine|ticket|pass|membership)s?\b(?!\s+(?:income|revenue"
    r"|raised|collected|paid\s+to))"
    r"|\b(?:invoice|receipt|form)\b|\bapply\s+(?:for|to\s+(?:go|join"
    r"|be))\b|\bours\b|\bour\s+(?:own\s+)?(?:application|house|home|property|permission"
    r"|conservatory|extension|planning)\b|\bhow\s+(?:do|can|should|would|could)\s+(?:I|we)\b|\bhow\s+(?:I|we)\s+(?:can\s+"
    r"|could\s+|should\s+)?(?:get|go|apply|claim|make|pay|book|report|do|renew|register)\b|\bhow"
    r"\s+to\s+(?:apply|claim|get|make|pay|book|report|renew|register)\b|\b(?:take|remove|delete)\s+"
    r"(?:me|my\s+name|us)\s+(?:off|from)\b|\bwhat(?:'s|\s+is|\s+are|\s+would\s+be)\s+the\s+"
    r"(?:cost|fee|charge|price)s?\b(?=\s*(?:[,?]|and\b|of\s+(?:a|an|applying|getting|hiring"
    r"|booking|renewing)\b|for\s+(?:a|an|me|us)\b|to\s+(?:apply|hire|book|renew|get|join)\b))",
    re.IGNORECASE,
)


_ASKS_HOW = re.compile(
    r"\b(?:how|where)\s+(?:do|can|should|would|could)\s+(?:I|we|you|one)\s+(?:go\s+about\s+)?"
    r"(?:make|making|submit|send|put\s+in|request|ask)\b|\bwhat(?:'s|\s+is)\s+the\s+(?:process"
    r"|procedure|best\s+way)\b|\bis\s+there\s+a\s+(?:special\s+)?(?:form|procedure|process)\b",
    re.IGNORECASE,
)


def asks_how(sentence: str) -> bool:
    """A question about how to make a request is not yet a request."""
    return bool(_ASKS_HOW.search(sentence))


# "Your FOI response about parking", "FOI 2024-1187": the words name an earlier
# request under discussion, not a new one.
_EARLIER_REQUEST = re.compile(
    r"\b(?:your|the|my|our|previous|earlier|last|old)\s+(?:FOI|freedom\s+of\s+information)\s+"
    r"(?:response|reply|answer|disclosure|team|officer)\b|\b(?:FOI|freedom\s+of\s+information)\s+"
    r"(?:ref(?:erence)?\.?\s*(?:no\.?\s*)?)?[A-Z]{0,4}[-/ ]?\d{2,}(?:[-/]\d+)?\b|\b(?:answered"
    r"|replied\s+to|responded\s+to|received\s+your)\s+(?:\w+\s+){0,2}?(?:FOI|freedom\s+of"
    r"\s+information)\b",
    re.IGNORECASE,
)
# "Not making a new request, just wondering": the writer says it is not one.
DISCLAIMED_REQUEST = re.compile(
    r"\bnot\s+(?:making|submitting|sending|asking\s+for|putting\s+in|requesting)\s+(?:a\s+|an\s+)?"
    r"(?:new\s+|formal\s+|fresh\s+|another\s+)?(?:FOI|freedom\s+of\s+information|request)"
    r"|\b(?:this|it)\s+is(?:n't|\s+not)\s+(?:a|an)\s+(?:new\s+|formal\s+)?(?:FOI|request)\b",
    re.IGNORECASE,
)


def names_an_earlier_request(sentence: str) -> bool:
    """The Act is named about an earlier request, or the sentence asks how to make one."""
    return asks_how(sentence) or bool(_EARLIER_REQUEST.search(sentence))


def about_the_sender(sentence: str) -> bool:
    """The sentence asks about the writer's own records: subject access or routine, not FOI."""
    return bool(_ABOUT_THE_SENDER.search(sentence))


_MINE = re.compile(r"\b(?:my|our|mine|ours)\b", re.IGNORECASE)


def not_about_the_writer(sentence: str) -> bool:
    """For the looser question cues: nothing of the writer's own in the sentence at all
    ("let me know if you received my email" asks about a message, not the council)."""
    return about_the_sender(sentence) or bool(_MINE.search(sentence))


_REQUEST = (
    r"\b(?:(?:please|kindly)(?:\s+(?:could|can|would)\s+you)?|(?:could|can|would|will)\s+you"
    r"(?:\s+please)?|I\s+would\s+be\s+grateful\s+if\s+you\s+could|I(?:\s+would|'d)\s+"
    r"(?:like|be\s+grateful\s+for)|I\s+(?:want|wish|need)|I(?:\s+am|'m)\s+(?:requesting|"
    r"writing\s+to\s+request|asking\s+for|seeking|after|looking\s+for)|I\s+request|I\s+ask"
    r"\s+for|(?:can|could|may)\s+I\s+(?:please\s+)?(?:see|have|get|obtain|access|view|request)"
    r"|(?:would|is)\s+it\s+(?:be\s+)?possible\s+to|do\s+you\s+(?:hold|have|keep|retain|record"
    r"|collect|publish)|(?:whether|if)\s+(?:the\s+council|you)\s+(?:holds?|has|have|keeps?)"
    r"|(?:does|do|did|has|have)\s+(?:the\s+council|you|your\s+\w+|the\s+\w+"
    r"\s+(?:department|team|service))\s+(?:ever\s+)?(?:hold|have|keep|retain|record|got)"
    r"|(?:tell|show|give|send)\s+(?:me|us)|let\s+(?:me|us)\s+know|(?:please\s+)?confirm"
    r"|(?:please\s+)?advise\s+(?:me|us)?)\b"
)
_RECORDED_INFORMATION = (
    r"\b(?:(?:the\s+)?numbers?\s+of|how\s+(?:many|much)|figures|statistics|stats|data|details"
    r"|breakdown|a\s+list|lists?\s+of|totals?|cop(?:y|ies)|records|(?:the|a|any|all)\s+(?:[\w-]+"
    r"\s+){0,2}?record"
    r"|minutes|(?:the|a|any|all|this|that|these|those)\s+(?:[\w-]+\s+){0,4}?(?:reports?"
    r"|strateg(?:y|ies)|monitoring|scores|evaluations?|tenders?|bids?|advice|declarations?"
    r"|complaints|emissions|levels)"
    r"|reports?\s+(?:on|into|about|of)|polic(?:y|ies)|contracts?|amounts?|costs?|spend(?:ing)?"
    r"|expenditure|income|revenue|salar(?:y|ies)|remuneration|(?:the|a|your|any|its)\s+"
    r"(?:[\w-]+\s+){0,2}?registers?|registers?\s+of\s+interests?|(?:'s|s')\s+registers?\b"
    r"|declarations?\s+of|gifts\s+and\s+hospitality|correspondence"
    r"|communications|documents?|information|results|surveys?|assessments?|readings"
    r"|measurements|percentage|budgets?|grants?|payments|invoices|agendas?|audits?"
    r"|expense\s+claims|expenses|quantit(?:y|ies)|names?\s+of|objections|representations"
    r"|submissions|responses|emails\s+between|whatever\s+you\s+have|everything\s+you\s+have"
    r"|(?:which|what)\s+\w+\s+(?:is|are|was|were))\b"
)
_DOCUMENT = (
    r"(?:registers?|surveys?|reports?|minutes|records|data|figures|statistics|contracts?"
    r"|polic(?:y|ies)|assessments?|audits?|plans?|strateg(?:y|ies)|stud(?:y|ies)|reviews?"
    r"|correspondence|documents?|results|counts|measurements|readings|monitoring|spreadsheets?"
    r"|breakdowns?|lists?|evidence|business\s+case|consultation\s+responses)"
)
# Papers a council holds about a case, a site or a decision.
_PAPERS = (
    r"(?:[\w'-]+\s+){0,3}?(?:notices?|records?|reports?|surveys?|assessments?|advice|letters?"
    r"|drawings|plans|file|files|applications?|decisions?|licen[cs]es?|permissions?|consents?"
    r"|minutes|agreements?|contracts?|photographs|photos|correspondence|emails|notes|results"
    r"|findings|data|details|orders?|maps?|certificates?|responses)\b"
)
_FETCH = (
    r"(?:send|e-?mail|share|forward|post|publish|release|provide|supply|disclose)\s+(?:it|them"
    r"|this|that|these|those|me|us|a\s+copy|copies)"
)
FOI_CUES: tuple[Cue, ...] = (
    cue("foi-act", r"\bfreedom\s+of\s+information\b", 0.95, names_an_earlier_request),
    cue(
        "foi-abbreviation",
        r"(?<![\w.])F\.?O\.?I\.?(?:S\.?A\.?|A\.?)?(?!\w)",
        0.9,
        names_an_earlier_request,
    ),
    cue(
        "information-request",
        r"\b(?:information|data)\s+request\b|\brequest(?:ing)?\s+(?:for|of)\s+(?:the\s+following\s+)?"
        r"information\b|\bthe\s+following\s+information\b",
        0.8,
        about_the_sender,
    ),
    cue(
        "asks-for-recorded-information",
        _REQUEST + _GAP + _RECORDED_INFORMATION,
        0.7,
        about_the_sender,
    ),
    cue(
        "wants-to-know",
        r"\b(?:I|we)(?:\s+would|'d)\s+like\s+to\s+(?:know|find\s+out|see|obtain|receive|request)\b",
        0.45,
        about_the_sender,
    ),
    cue(
        "asks-for-statistics",
        r"\bwhat\s+(?:percentage|proportion|number|amount|total|was\s+the\s+total|volume|quantity"
        r"|tonnage|weight|value)\b"
        r"|\bhow\s+many\b(?![^.?!\n]{0,40}\b(?:do|must|should|have|will)\s+I\b)"
        r"|\bhow\s+much\b(?=[^.?!\n]{0,60}\b(?:did|has|have|had|was|were|spent|spends?|paid|earn"
        r"|earned|received?|income|budget|cost|costs|charged)\b)",
        0.55,
        about_the_sender,
    ),
    cue(
        "asks-about-council-activity",
        r"\bwhat(?:'s|\s+is|\s+was|\s+were|\s+are)\s+the\s+(?:[\w-]+\s+){0,4}?(?:cost|costs|total"
        r"|number|amount|figure|figures|budget|spend|value|salary|income|findings|outcome|results"
        r"|conclusions|readings|levels|measurements|data|statistics|emissions|tonnages?|volumes?)\b"
        r"|\b(?:what|which)\s+(?:[\w-]+\s+){0,5}?(?:(?:the\s+council|your\s+contractors?)\s+(?:uses?"
        r"|used|sprays?|sprayed|applies|owns?|employs?|pays?|paid|spends?|spent)|you\s+(?:pay|paid"
        r"|spend|spent|charged?))\b|\b(?:what|which)\s+(?:[\w-]+\s+){0,2}?(?:chemicals?"
        r"|pesticides?|herbicides?|weedkillers?|substances?|contractors?|companies|firms|consultants?)"
        r"\s+(?:are|were|is|was|did|does|do)\b|\b(?:are|is)\s+there\s+(?:any\s+)?(?:[\w-]+\s+){0,3}?"
        r"(?:results|records|reports|surveys|data|figures|readings|minutes|assessments|studies)\b"
        r"|\b(?:was|were|has|have)\s+(?:a|an|any)\s+(?:[\w-]+\s+){0,3}?(?:survey|report|assessment"
        r"|study|inspection|investigation|audit|review)s?\s+(?:ever\s+)?(?:been\s+)?(?:done|carried\s+out"
        r"|commissioned|undertaken|completed|made)\b|\bwhat\s+(?:\w+\s+){0,4}?(?:do|does)\s+(?:you|the\s+council)\s+(?:have"
        r"|hold|keep|record|collect)\b|\bwhat\s+(?:was|were|has\s+been|have\s+been)\s+(?:\w+\s+)?"
        r"(?:sprayed|used|spent|paid|decided|agreed|found|approved|removed|planted|felled|built"
        r"|discussed)\b",
        0.6,
        about_the_sender,
    ),
    cue(
        "asks-for-council-documents",
        r"\b" + _DOCUMENT + r"\b" + _GAP + r"\b" + _FETCH + r"\b|\b(?:where|how)\s+(?:can|do|could)"
        r"\s+I\s+(?:find|get|see|obtain|access|view)\b" + _GAP + r"\b" + _DOCUMENT + r"\b"
        r"|\bI(?:'m|\s+am)\s+interested\s+in\b" + _GAP + r"\b" + _DOCUMENT + r"\b"
        r"|\b(?:has|have|did|does|do)\s+(?:the\s+council|you)\s+(?:ever\s+)?(?:carried\s+out"
        r"|commissioned|conducted|done|held|paid|spent|received|issued|made|kept|undertaken"
        r"|recorded|published)\b" + _GAP + r"\b" + _DOCUMENT + r"\b",
        0.6,
        about_the_sender,
    ),
    cue(
        "asks-to-see-documents",
        r"\b(?:can|could|may)\s+(?:I|we)\s+(?:please\s+)?(?:see|have|view|read|inspect|look\s+at)"
        r"\s+(?:it|them|a\s+copy|copies)\b|\bI(?:'d|\s+would)\s+like\s+to\s+(?:see|read|have|view)"
        r"\s+(?:it|them|a\s+copy|copies)\b(?!\s+\w+ed\b)|\b(?:send|e-?mail|forward|post)\s+(?:it"
        r"|them|a\s+copy|copies)\s+(?:to\s+(?:me|us)|over)\b|\b(?:send|give|forward|e-?mail|provide)\s+"
        r"(?:me|us)\s+(?:with\s+)?(?:the|his|her|their|its|any|all)\s+"
        + _PAPERS
        + r"|\b(?:can|could|may)\s+(?:I|we)\s+(?:please\s+)?(?:see"
        r"|have|view|read|inspect|look\s+at)\s+(?:the|his|her|their|its|any)\s+"
        + _PAPERS
        + r"|\bcop(?:y|ies)\s+of\s+(?:the|his|her|their|its|any|all|this|that)\s+"
        + _PAPERS,
        0.7,
        about_the_sender,
    ),
    cue(
        "send-the-papers",
        r"\b(?:send|forward|email|e-mail|release|publish)\s+(?:me\s+|us\s+)?(?:over\s+)?(?:the|any"
        r"|all)\s+"
        r"(?:notes|minutes|records|correspondence|e-?mails|reports?|documents|papers|briefings?)\s+"
        r"(?:of|from|about|between|on|for|sent|relating)\b",
        0.7,
        about_the_sender,
    ),
    cue(
        "provide-request",
        r"\b(?:provide|supply|disclose)\s+(?:me\s+with\s+|us\s+with\s+)?(?:the|all|any"
        r"|copies|a\s+copy|details|information|a\s+list|a\s+breakdown|a\s+summary)\b|\b(?:send"
        r"|give|forward|e-?mail)\s+(?:me|us)\s+(?:copies\s+of\s+|a\s+copy\s+of\s+)?(?:all|every"
        r"|any)\b|\bconfirm\s+whether\s+(?:or\s+not\s+)?(?:the\s+council|you|the\s+authority"
        r"|it)\s+(?:holds?|has|have|keeps?|retains?)\b",
        0.6,
        about_the_sender,
    ),
    cue(
        # "Can you tell me whether the council has ever...", "let me know if you paid...":
        # a yes-or-no question about what the council did or holds is a request too.
        "asks-whether-the-council",
        r"\b(?:tell|let|confirm|advise|know|say|find\s+out|ask)\b[^.?!\n]{0,30}?\b(?:whether"
        r"|if)\s+(?:or\s+not\s+)?(?:the\s+council|you|your\s+(?:[\w-]+\s+)?(?:department|team"
        r"|service|officers?|contractors?)|the\s+(?:[\w-]+\s+)?(?:department|team|service"
        r"|authority|cabinet|committee))\s+(?:(?:has|have|had|did|does|do)\s+)?(?:ever\s+"
        r"|already\s+|actually\s+)?(?:hold|holds|held|paid|pay|spent|spend|received|carried\s+out"
        r"|commissioned|considered|consulted|issued|approved|agreed|kept|keep|keeps|recorded"
        r"|record|records|monitors?|monitored|tested|inspected|assessed|checked|sprayed|sold"
        r"|bought|leased|owns?|employs?|employed|fined|prosecuted|investigated|surveyed)\b",
        0.6,
        not_about_the_writer,
    ),
    cue(
        # "Can I see what the inspector found?", "I want to know who approved it": what an
        # officer found, wrote or decided is recorded information.
        "asks-what-was-found-or-decided",
        r"\b(?:see|know|tell\s+(?:me|us)|find\s+out|let\s+(?:me|us)\s+know|understand)\s+"
        r"(?:what|who|why|whether|when|how)\s+(?:exactly\s+)?(?:the\s+|your\s+|an?\s+|they\s+|he"
        r"\s+|she\s+)?(?:[\w-]+\s+){0,3}?(?:found|recorded|wrote|noted|decided|concluded"
        r"|approved|authori[sz]ed|agreed|signed\s+off|reported|recommended|discussed|considered"
        r"|inspected|assessed)\b",
        0.5,
        not_about_the_writer,
    ),
    cue("internal-review", r"\binternal\s+review\b", 0.7),
    cue("statutory-time-limit", r"\b20\s+working\s+days\b", 0.4),
    cue(
        "reporting-period",
        r"\b(?:in|for|during|since|over)\s+(?:each\s+of\s+)?(?:the\s+)?(?:last|past|previous)\s+"
        r"(?:\w+\s+)?(?:years?|financial\s+years?|months?|quarters?)\b|\beach\s+(?:year|month)\b"
        r"|\b(?:19|20)\d\d\s*[/-]\s*\d\d(?:\d\d)?\b|\bbroken\s+down\s+by\b|\bbreakdown\b",
        0.35,
    ),
)

EIR_CUES: tuple[Cue, ...] = (
    cue(
        "eir-regulations",
        r"\benvironmental\s+information\b|(?<![\w.])E\.?I\.?R\.?s?(?!\w)",
        0.95,
    ),
)

# Subjects that make a request for information an EIR request (reg. 2(1)):
# the state of the environment, emissions, land use and the measures affecting them.
ENVIRONMENT_TOPICS = cue(
    "environmental-topic",
    r"\b(?:environment(?:al)?|ecolog\w*|biodiversity|bats?|wildlife|habitats?|trees?"
    r"|hedgerows?|flood\w*|drainage|sewage|sewer\w*|rivers?|water\s+quality|contaminat\w*"
    r"|pollution|pollutants?|air\s+quality|emissions?|carbon|nitrogen\s+dioxide|NO2"
    r"|particulates?|planning\s+applications?|developments?|pesticides?|herbicides?"
    r"|glyphosate|weed\s*killers?|waste(?!\s+of\s+(?:space|time|money|oxygen|skin|air|effort))|recycl\w*|landfill|energy"
    r"|climate|noise|odou?rs?|radiation|asbestos|green\s+belt|land\s+at|former\s+\w+works"
    r"|knotweed|invasive|weeds?|wind\s*farms?|turbines?|solar|renewables?|electric\s+vehicles?"
    r"|pre-?app\w*|extensions?|dwellings?|building\s+plots?|site\s+(?:visits?|plans?|notices?)"
    r"|enforcement\s+(?:notices?|file|case)|felling|tree\s+preservation|TPOs?|conservation\s+areas?"
    r"|building\s+control|completion\s+certificates?|local\s+plan\s+(?:sites?|allocations?|evidence)"
    r"|site\s+allocations?|missed\s+bins?|litter\s+bins?|verges?|spray(?:ed|ing)|bin\s+(?:collections?|reports?|rounds?)|fly[\s-]?tipp\w*|tree\s+works?|culverts?|watercourses?"
    r"|dioxins?|incinerat\w+|smoke|chimney|crematori\w+|diesel|fumes|dust|landslip|subsidence"
    r"|EV|charging\s+points?|planning|fracking|quarry|mining|soil|grass\s+verges?|traffic"
    r"|speed\s+surveys?|beach|bathing|coast\w*|parks\s+and\s+open\s+spaces|green\s+spaces?)\b",
    0.5,
)
