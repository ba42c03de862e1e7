"""Acceptance simulation: 20,000 ordinary senders and a few scripted ones, through the pure rules.

Volumes are heavy-tailed (Pareto), recipients mostly one service inbox, a
quarter of contacts out of hours. The scripted senders must be flagged with the
right explanation; the polite frequent correspondent and at least 99.5 % of
ordinary senders must not be.

The alias part gives each ordinary sender a name from a small pool (so thousands
share a name with one of 300 register customers, as in a real town) and a first
message written from the same phrase pool as everyone else's, so writing alone
looks alike too. The scripted alias is a register customer writing from a new
address with the name and phone number of her known mail. The look-ups go
through the same pure ``find_aliases`` the store uses, over an in-memory index
of the keys the store keeps in ``sender_traits`` and ``writing_profiles``.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import date, timedelta

from mailrouter.config import ThresholdSettings
from mailrouter.metrics.aliases import alias_flag, find_aliases
from mailrouter.metrics.anomaly import anomaly_flags
from mailrouter.metrics.fingerprint import Vector, merge_profile, vectorise
from mailrouter.metrics.flags import Flag, evaluate
from mailrouter.metrics.identity import Traits, body_text, own_text, traits
from mailrouter.metrics.periods import week_of
from mailrouter.metrics.snapshot import DayCounts, SenderMetrics

START = date(2026, 11, 2)  # a Monday
DAYS = 28
STAFF = [f"officer{n}@council.example" for n in range(300)]
SERVICES = [f"service{n}@council.example" for n in range(12)]
CHIEF = "chief.executive@council.example"
ALIAS = "m.okafor.2@example.net"


def _sender(
    subject: str, contacts: list[tuple[int, str, bool, bool]], complaints: int = 0
) -> SenderMetrics:
    """``contacts``: (day offset, staff address, out of hours, abusive); the first
    ``complaints`` of them are read as complaints."""
    days: dict[date, DayCounts] = {}
    weeks: dict[date, set[str]] = {}
    for n, (offset, staff, ooh, abusive) in enumerate(contacts):
        day = START + timedelta(days=offset)
        new = DayCounts(
            day, 1, 0, int(staff == CHIEF), int(ooh), int(abusive), 0, int(n < complaints)
        )
        days[day] = days[day] + new if day in days else new
        weeks.setdefault(week_of(day), set()).add(staff)
    return SenderMetrics(
        subject,
        tuple(sorted(days.values(), key=lambda d: d.day)),
        {w: frozenset(s) for w, s in weeks.items()},
    )


def _ordinary(rng: random.Random, n: int) -> SenderMetrics:
    count = min(int(rng.paretovariate(1.6)), 120)
    home = rng.choice(SERVICES)
    contacts = []
    for _ in range(count):
        staff = home if rng.random() < 0.8 else rng.choice(STAFF)
        contacts.append((rng.randrange(DAYS), staff, rng.random() < 0.25, False))
    return _sender(f"person{n}@example.net", contacts)


def _scripted() -> dict[str, SenderMetrics]:
    scatter = [(i % 5, STAFF[i], False, False) for i in range(15)] + [(3, STAFF[0], False, False)]
    high = [(d % DAYS, SERVICES[0], d % 3 == 0, False) for d in range(80)]
    high += [(9, SERVICES[0], False, False)] * 12
    # Three polite, legitimate queries a week to the same two officers, in office hours.
    polite = [(d, STAFF[d % 2], False, False) for d in range(DAYS) if d % 7 in (0, 2, 4)]
    senior = [(d, CHIEF, False, False) for d in (1, 4, 8, 15, 22)] + [
        (3, SERVICES[1], False, False)
    ]
    # Five complaints in a month about matters the council has closed.
    repeat = [(d, "complaints@council.example", False, False) for d in (1, 6, 11, 17, 24, 26)]
    return {
        "repeat@example.org": _sender("repeat@example.org", repeat, complaints=5),
        "scatter@example.org": _sender("scatter@example.org", scatter),
        "high@example.org": _sender("high@example.org", high),
        # One complaint, about a missed timescale: legitimate, not misconduct.
        "polite@example.org": _sender("polite@example.org", polite, complaints=1),
        "senior@example.org": _sender("senior@example.org", senior),
    }


FIRST = [
    "John", "David", "Sarah", "Emma", "James", "Mohammed", "Olivia", "Peter", "Susan", "Mark",
    "Claire", "Paul", "Helen", "Andrew", "Karen", "Daniel", "Amy", "Robert", "Julie", "Gary",
]  # fmt: skip
LAST = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
    "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall",
]  # fmt: skip
STREETS = ["Elm Road", "Station Street", "Mill Lane", "Church Walk", "Park View", "High Street"]
TOPICS = [
    "The bins on {street} were not collected on {day} and the recycling is overflowing.",
    "There is a large pothole outside number {n} {street} that has damaged two cars this week.",
    "I have been charged twice for council tax in {month} and would like a refund please.",
    "Could you tell me how to apply for a resident parking permit on {street}?",
    "My neighbour at number {n} plays loud music every night after midnight.",
    "The boiler in my council flat has not worked since {day} and we have no hot water.",
    "I would like to object to the planning application for the extension at {n} {street}.",
    "The street light outside {n} {street} has been flickering for a month.",
    "Someone has dumped a mattress and bags of rubbish at the end of {street} again.",
    "Can you confirm which documents I need for my housing benefit review in {month}?",
    "My son has not been offered a school place yet and term starts in {month}.",
    "Please can the library on {street} open on Saturdays again, it is missed by many of us.",
]
EXTRA = [
    "I reported this on {day} but have heard nothing back.",
    "Could someone let me know what happens next?",
    "This has been going on for some time now.",
    "I would be grateful for a reply when you can.",
    "My reference number is {n}{n}.",
    "",
]
SIGN_OFFS = ["Kind regards", "Regards", "Many thanks", "Thanks", "Yours sincerely", "Best wishes"]
WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
MONTHS = ["March", "June", "September", "October", "November"]
ALIAS_DAY = date(2026, 11, 16)
ALIAS_NAME = "Margaret Okafor"


def _phone(rng: random.Random) -> str:
    """A mobile number: shared by two people only by chance (about 1 in 90 million)."""
    return f"07{rng.randrange(100, 999)} {rng.randrange(100000, 999999)}"


def _message(rng: random.Random, name: str, phone: str | None) -> str:
    slots = {
        "street": rng.choice(STREETS),
        "day": rng.choice(WEEKDAY_NAMES),
        "n": rng.randrange(1, 99),
        "month": rng.choice(MONTHS),
    }
    sentences = [rng.choice(TOPICS).format(**slots), rng.choice(EXTRA).format(**slots)]
    body = " ".join(sentences).strip()
    signature = [rng.choice(SIGN_OFFS), name] + ([phone] if phone else [])
    return "Dear Sir or Madam,\n\n" + body + "\n\n" + "\n".join(signature)


class Index:
    """What the store's ``sender_traits`` and ``writing_profiles`` hold, in memory."""

    def __init__(self) -> None:
        self.keys: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
        self.profiles: dict[int, tuple[Vector, int]] = {}

    def learn(self, customer_id: int, address: str, found: Traits, vector: Vector | None) -> None:
        for pair in found.pairs():
            if (customer_id, address) not in self.keys[pair]:
                self.keys[pair].append((customer_id, address))
        if vector is not None:
            profile, count = self.profiles.get(customer_id, ({}, 0))
            self.profiles[customer_id] = (merge_profile(profile, count, vector), count + 1)

    def customers_with(self, kind: str, key: str, sender: str) -> list[tuple[int, str]]:
        return [(c, via) for c, via in self.keys.get((kind, key), []) if via != sender]

    def profile(self, customer_id: int) -> Vector | None:
        found = self.profiles.get(customer_id)
        return found[0] if found else None


def _register(rng: random.Random, index: Index) -> dict[int, tuple[str, str]]:
    """300 customers (id -> name, phone), each with three messages of known mail."""
    customers: dict[int, tuple[str, str]] = {1: (ALIAS_NAME, "07700 900123")}
    for cid in range(2, 301):
        customers[cid] = (f"{rng.choice(FIRST)} {rng.choice(LAST)}", _phone(rng))
    for cid, (name, phone) in customers.items():
        address = f"customer{cid}@example.org"
        for _ in range(3):
            own = own_text(_message(rng, name, phone))
            index.learn(cid, address, traits(own, name), vectorise(body_text(own)))
    return customers


def _check(
    sender: str, name: str, text: str, index: Index, limits: ThresholdSettings
) -> list[Flag]:
    own = own_text(text)
    found = traits(own, name)
    if not any(index.keys.get(pair) for pair in found.pairs()):
        return []  # nothing shared: the store's look-ups would come back empty too
    vector = vectorise(body_text(own))
    findings = find_aliases(sender, found, vector, index, limits.alias_writing_similarity)
    return [
        alias_flag(
            sender,
            f"customer {f.customer_id}",
            customer_id=f.customer_id,
            kinds=f.kinds,
            evidence=f.evidence,
            first_seen=ALIAS_DAY,
            last_seen=ALIAS_DAY,
            messages=1,
        )
        for f in findings
    ]


def _alias_run(rng: random.Random, limits: ThresholdSettings) -> tuple[dict[str, list[Flag]], int]:
    """Each ordinary sender's first message (``person<n>``, as above) through the alias check,
    then the scripted alias; returns the flags and how many ordinary senders share a
    customer's name."""
    index = Index()
    customers = _register(rng, index)
    names = {name for name, _ in customers.values()}
    flags: dict[str, list[Flag]] = {}
    namesakes = 0
    for n in range(20_000):
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        namesakes += name in names
        # Six in ten ordinary people put a phone number under their name.
        phone = _phone(rng) if rng.random() < 0.6 else None
        sender = f"person{n}@example.net"
        found = _check(sender, name, _message(rng, name, phone), index, limits)
        if found:
            flags[sender] = found
    # The scripted alias: a new address, her name with a title, her number spaced differently.
    text = _message(rng, ALIAS_NAME, "07700 900 123").replace("Dear Sir or Madam", "Hello")
    flags[ALIAS] = _check(ALIAS, f"Mrs {ALIAS_NAME}", text, index, limits)
    return flags, namesakes


def _run() -> tuple[dict[str, list[Flag]], int, int]:
    rng = random.Random(20261129)
    ordinary = [_ordinary(rng, n) for n in range(20_000)]
    scripted = _scripted()
    population = ordinary + list(scripted.values())
    limits = ThresholdSettings()
    flags: dict[str, list[Flag]] = {}
    for m in population:
        for flag in evaluate(m, limits):
            flags.setdefault(flag.subject, []).append(flag)
    window = (START.isoformat(), (START + timedelta(days=DAYS - 1)).isoformat())
    for flag in anomaly_flags(population, limits.anomaly_quantile, window):
        flags.setdefault(flag.subject, []).append(flag)
    aliases, namesakes = _alias_run(rng, limits)
    for subject, found in aliases.items():
        flags.setdefault(subject, []).extend(found)
    return flags, len(ordinary), namesakes


def test_simulation_flags_the_scripted_senders_and_spares_the_rest() -> None:
    flags, ordinary, namesakes = _run()
    kinds = {s: {f.kind for f in fs} for s, fs in flags.items()}
    texts = {s: [f.explanation for f in fs] for s, fs in flags.items()}

    assert (
        "Wrote to 15 different staff mailboxes in the week of 2 Nov (threshold 8)"
        in texts["scatter@example.org"]
    )
    assert {"volume-month", "volume-day"} <= kinds["high@example.org"]
    assert "Made 92 contacts in November 2026 (threshold 60)" in texts["high@example.org"]
    assert "senior-staff" in kinds["senior@example.org"]
    assert kinds["repeat@example.org"] == {"repeat-complaints"}
    assert texts["repeat@example.org"][0].startswith(
        "Sent 5 messages read as complaints in November 2026 (threshold 3)"
    )
    assert "polite@example.org" not in flags
    assert kinds[ALIAS] == {"possible-alias"}
    assert texts[ALIAS] == [
        "New address may be register customer customer 1: the same phone number (07700900123),"
        ' the same signature block, the same name ("margaret okafor").'
        " Not diverted: IG decide whether to add the address to the register"
    ]
    assert flags[ALIAS][0].evidence["seen_in"] == ["customer1@example.org"]
    assert namesakes > 1000  # a shared name alone is common here, on purpose

    flagged_ordinary = sum(1 for s in flags if s.startswith("person"))
    share = flagged_ordinary / ordinary
    print(f"ordinary senders flagged: {flagged_ordinary}/{ordinary} ({share:.3%})")
    aliases = Counter(
        "+".join(map(str, f.evidence["kinds"]))  # type: ignore[call-overload]
        for s, fs in flags.items()
        for f in fs
        if s.startswith("person") and f.kind == "possible-alias"
    )
    print(f"namesakes of a customer: {namesakes}; ordinary flagged as aliases: {dict(aliases)}")
    assert share <= 0.005
