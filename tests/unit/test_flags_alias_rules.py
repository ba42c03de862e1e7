"""The pure parts of the alias and near-duplicate checks: traits, vectors and the rules."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from mailrouter import config
from mailrouter.config import ThresholdSettings
from mailrouter.errors import ConfigError
from mailrouter.metrics.aliases import explanation, find_aliases, is_possible_alias
from mailrouter.metrics.fingerprint import Vector, cosine, merge_profile, vectorise
from mailrouter.metrics.flags import evaluate
from mailrouter.metrics.identity import (
    Traits,
    body_text,
    own_text,
    person_name,
    phones,
    signature_block,
    traits,
)
from mailrouter.metrics.record import is_out_of_hours
from mailrouter.metrics.repeats import is_repeat
from mailrouter.metrics.snapshot import DayCounts, SenderMetrics

LIMITS = ThresholdSettings()

# Real repeats: the same request sent again in other words (reordered, shortened, chased).
PARAPHRASES = [
    (
        "I am writing again about the repair to my kitchen window, which I reported in March."
        " Nobody has come out and the frame is rotten. Please send someone this week.",
        "I'm writing again about the repair to my kitchen window that I reported back in March."
        " No one has come out yet and the frame is rotten. Please send somebody this week.",
    ),
    (
        "The bins on Elm Road were not collected on Tuesday and the recycling is overflowing"
        " onto the pavement. This is the third week running.",
        "Third week running: the bins on Elm Road were not collected on Tuesday and the"
        " recycling is overflowing onto the pavement.",
    ),
    (
        "Please explain why my council tax bill for 2026 shows a band D charge when my"
        " property was revalued to band C in January. I want a corrected bill.",
        "Please explain why my 2026 council tax bill shows a band D charge when the property"
        " was revalued to band C in January. I want a corrected bill now.",
    ),
    (
        "I have asked four times for a copy of the noise complaint file about number 12."
        " Send it to me by Friday or I will go to the ombudsman.",
        "I have now asked FOUR times for a copy of the noise complaint file about number 12."
        " Send it to me by Friday or I will go to the Ombudsman.",
    ),
]
DISTINCT = [
    "Could you tell me how to apply for a resident parking permit on Station Street, and"
    " what documents I need to bring with me?",
    "My neighbour at number 14 plays loud music every night after midnight and the baby"
    " cannot sleep. What can the council do?",
    "I would like to object to the planning application for the two storey extension at"
    " 3 Mill Lane because it will block our light.",
    "The street light outside 22 Church Walk has been flickering for a month and it is"
    " very dark walking home from the bus stop.",
    "Someone has dumped a mattress and bags of rubbish at the end of Park View again,"
    " and foxes are tearing the bags open.",
]


def _vector(text: str) -> Vector:
    found = vectorise(text)
    assert found is not None
    return found


@pytest.mark.parametrize(("first", "again"), PARAPHRASES)
def test_paraphrased_repeats_are_near_duplicates(first: str, again: str) -> None:
    similarity = cosine(_vector(first), _vector(again))
    assert similarity >= LIMITS.near_duplicate_similarity, similarity
    assert is_repeat(_vector(again), [_vector(first)], LIMITS.near_duplicate_similarity)


def test_distinct_messages_are_not_near_duplicates() -> None:
    texts = DISTINCT + [first for first, _ in PARAPHRASES]
    vectors = [_vector(t) for t in texts]
    worst = max(cosine(a, b) for i, a in enumerate(vectors) for j, b in enumerate(vectors) if i < j)
    assert worst < 0.5, worst  # far below the 0.8 threshold
    assert not is_repeat(vectors[0], vectors[1:], LIMITS.near_duplicate_similarity)


def test_short_messages_are_not_compared() -> None:
    assert vectorise("Thanks, received.") is None


def test_vectors_are_bounded_and_normalised() -> None:
    vector = _vector(" ".join(DISTINCT) * 5)
    assert len(vector) <= 384
    assert cosine(vector, vector) == pytest.approx(1.0)
    profile = merge_profile({}, 0, vector)
    assert cosine(profile, vector) == pytest.approx(1.0)


def test_own_text_drops_quoted_and_forwarded_mail() -> None:
    text = (
        "Still waiting.\nJane\n\nOn Mon, 2 Nov 2026 at 09:00, Housing <housing@council.example>"
        " wrote:\n> Call us on 01632 960000\n> Housing team"
    )
    assert own_text(text) == "Still waiting.\nJane"
    assert own_text("> quoted only\nmine") == "mine"
    assert phones(own_text(text)) == frozenset()


def test_phone_numbers_are_normalised() -> None:
    found = phones("Call 07700 900123, or +44 (0)7700 900123, or +44 1632-960-001. Ref 12345678")
    assert found == {"07700900123", "01632960001"}


def test_names_ignore_titles_case_and_punctuation() -> None:
    assert person_name("Mrs Margaret  OKAFOR") == "margaret okafor"
    assert person_name("Dr. Jane O'Brien") == "jane o'brien"
    assert person_name("Housing") is None
    assert person_name("user 123") is None


def test_signatures_match_across_spacing_and_sign_off() -> None:
    first = "Please reply.\n\nKind regards,\nJane Smith\n07700 900123\n12 Elm Road"
    again = "Any news?\n\nThanks\nJane  Smith\n07700-900-123\n12, Elm Road"
    assert signature_block(first) == signature_block(again) is not None
    assert traits(first, "Jane Smith").signature == traits(again, "Jane Smith").signature
    assert signature_block("Thanks\nJane") is None  # too little to tell people apart
    assert body_text(first) == "Please reply."


class _Lookup:
    def __init__(self, keys: dict[tuple[str, str], list[tuple[int, str]]], profile: Vector):
        self.keys = keys
        self.known = profile

    def customers_with(self, kind: str, key: str, sender: str) -> list[tuple[int, str]]:
        return self.keys.get((kind, key), [])

    def profile(self, customer_id: int) -> Vector | None:
        return self.known


def test_alias_rule_needs_more_than_a_shared_name() -> None:
    assert is_possible_alias({"phone"})
    assert is_possible_alias({"signature"})
    assert is_possible_alias({"name", "writing"})
    assert not is_possible_alias({"name"})
    assert not is_possible_alias({"writing"})


def test_a_namesake_is_flagged_only_when_writing_the_same_way() -> None:
    known = PARAPHRASES[3][0]
    lookup = _Lookup({("name", "jane smith"): [(7, "jane@example.org")]}, _vector(known))
    name_only = Traits(frozenset(), "jane smith", None)
    threshold = LIMITS.alias_writing_similarity
    assert find_aliases("x@example.net", name_only, _vector(DISTINCT[0]), lookup, 0.9) == []
    found = find_aliases("x@example.net", name_only, _vector(known), lookup, threshold)
    assert [(f.customer_id, f.kinds) for f in found] == [(7, ("name", "writing"))]
    assert found[0].evidence["seen_in"] == ["jane@example.org"]
    text = explanation("Jane Smith (customer 7)", found[0].kinds, found[0].evidence)
    assert text.startswith(
        'New address may be register customer Jane Smith (customer 7): the same name ("jane'
        ' smith"), similar writing (similarity 1.0)'
    )


def test_near_duplicate_flag_counts_repeats_in_a_week() -> None:
    monday = date(2026, 11, 2)
    days = (
        DayCounts(monday, 2, near_duplicates=1),
        DayCounts(date(2026, 11, 4), 3, near_duplicates=2),
    )
    flags = evaluate(SenderMetrics("chaser@example.org", days), LIMITS)
    assert [f.kind for f in flags] == ["near-duplicates"]
    assert flags[0].explanation.startswith(
        "Sent essentially the same message again 3 times in the week of 2 Nov"
    )
    assert flags[0].evidence["timeline"] == [["2026-11-02", 2], ["2026-11-04", 3]]
    fewer = (DayCounts(monday, 3, near_duplicates=2),)
    assert evaluate(SenderMetrics("once@example.org", fewer), LIMITS) == []


def test_complaints_threshold_is_configurable() -> None:
    days = (DayCounts(date(2026, 11, 2), 5, complaints=5),)
    metrics = SenderMetrics("c@example.org", days)
    assert [f.kind for f in evaluate(metrics, LIMITS)] == ["repeat-complaints"]
    assert evaluate(metrics, ThresholdSettings(complaints_per_month=5)) == []


def test_office_hours_and_working_days_are_configurable() -> None:
    saturday = datetime(2026, 11, 7, 9, 30, tzinfo=UTC)
    evening = datetime(2026, 11, 3, 19, 0, tzinfo=UTC)
    late = ThresholdSettings(
        office_opens="09:00",
        office_closes="20:00",
        working_days=("mon", "tue", "wed", "thu", "fri", "sat"),
    )
    assert is_out_of_hours(saturday, "england-and-wales")
    assert not is_out_of_hours(saturday, "england-and-wales", late)
    assert not is_out_of_hours(evening, "england-and-wales", late)
    # A bank holiday stays out of hours whatever the working days.
    christmas = datetime(2026, 12, 25, 11, 0, tzinfo=UTC)
    assert is_out_of_hours(christmas, "england-and-wales", late)


def test_threshold_errors_name_the_key() -> None:
    text = """
[thresholds]
complaints_per_month = -1
office_opens = "8am"
office_closes = "07:00"
working_days = ["mon", "funday"]
alias_writing_similarity = 1.5
near_duplicates_per_week = "three"
"""
    with pytest.raises(ConfigError) as caught:
        config.loads(text, {})
    problems = "\n".join(caught.value.problems)
    for expected in (
        "thresholds.complaints_per_month: cannot be negative",
        "thresholds.office_opens: expected HH:MM, got '8am'",
        "thresholds.working_days[1]: expected one of mon, tue",
        "thresholds.alias_writing_similarity: must be above 0 and at most 1",
        "thresholds.near_duplicates_per_week: expected an integer",
    ):
        assert expected in problems
    ok = config.loads('[thresholds]\noffice_opens = "09:30"\nworking_days = ["sat"]\n', {})
    assert ok.thresholds.office_opens == "09:30"
    assert ok.thresholds.working_days == ("sat",)
    with pytest.raises(ConfigError, match=r"thresholds.office_closes: must be later"):
        config.loads('[thresholds]\noffice_opens = "18:00"\noffice_closes = "08:00"\n', {})
