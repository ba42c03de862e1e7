"""The pure retention decision, its cut-offs, and the [retention] config checks."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from mailrouter import config
from mailrouter.errors import ConfigError
from mailrouter.metrics import schedule
from mailrouter.retention import rules
from mailrouter.retention.rules import Candidate, Cutoffs, Guards, decide

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")
CUTOFFS = Cutoffs.at(NOW, config.RetentionSettings(), LONDON)
OLD = NOW - timedelta(days=181)
STRANGER = Candidate(
    id=1,
    status="parsed",
    sender="Stranger+bins@Example.ORG",
    routed=True,
    received_at=OLD,
    ingested_at=OLD,
    linked_case=False,
    addresses=frozenset({"stranger@example.org", "intake@council.example"}),
)


def test_cutoffs_follow_the_settings() -> None:
    assert CUTOFFS.mail == NOW - timedelta(days=180)
    assert CUTOFFS.quarantine == NOW - timedelta(days=30)
    assert CUTOFFS.sender_day == date(2026, 8, 31)
    assert CUTOFFS.sender_at == datetime(2026, 8, 31, tzinfo=LONDON)


def test_old_routed_mail_of_a_stranger_goes() -> None:
    assert decide(STRANGER, Guards(), CUTOFFS) == rules.UNMATCHED


def test_age_is_by_arrival_for_mail_and_by_storage_for_quarantine() -> None:
    young = replace(STRANGER, received_at=NOW - timedelta(days=179))
    assert decide(young, Guards(), CUTOFFS) == rules.YOUNG
    quarantined = replace(STRANGER, status="quarantined", routed=False)
    assert decide(
        replace(quarantined, ingested_at=NOW - timedelta(days=31)), Guards(), CUTOFFS
    ) == (rules.QUARANTINED)
    assert decide(
        replace(quarantined, ingested_at=NOW - timedelta(days=29)), Guards(), CUTOFFS
    ) == (rules.YOUNG)
    assert decide(replace(STRANGER, status="purged"), Guards(), CUTOFFS) == rules.YOUNG


@pytest.mark.parametrize(
    ("candidate", "guards", "reason"),
    [
        (replace(STRANGER, routed=False), Guards(), rules.UNROUTED),
        (replace(STRANGER, linked_case=True), Guards(), rules.CASE),
        # Sub-address folding, as the register matches.
        (STRANGER, Guards(register=frozenset({"stranger@example.org"})), rules.REGISTER),
        (STRANGER, Guards(outbox=frozenset({1})), rules.OUTBOX),
        (STRANGER, Guards(replies=frozenset({1})), rules.REPLY),
        (STRANGER, Guards(evidence=frozenset({1})), rules.EVIDENCE),
        (STRANGER, Guards(held=frozenset({"intake@council.example"})), rules.HOLD),
        (
            replace(STRANGER, sender=None),
            Guards(held=frozenset({"stranger@example.org"})),
            rules.HOLD,
        ),
    ],
)
def test_each_protection_keeps_mail_with_its_reason(
    candidate: Candidate, guards: Guards, reason: str
) -> None:
    assert decide(candidate, guards, CUTOFFS) == reason


def test_protections_for_other_messages_do_not_keep_this_one() -> None:
    others = Guards(
        register=frozenset({"someone@example.org"}),
        held=frozenset({"else@example.org"}),
        outbox=frozenset({2}),
        replies=frozenset({2}),
        evidence=frozenset({2}),
    )
    assert decide(STRANGER, others, CUTOFFS) == rules.UNMATCHED


def test_without_folding_a_tagged_address_is_someone_else() -> None:
    guards = Guards(register=frozenset({"stranger@example.org"}), fold_subaddress=False)
    assert decide(STRANGER, guards, CUTOFFS) == rules.UNMATCHED


def test_the_minimum_sender_age_covers_the_flag_scan() -> None:
    # The scan's window, plus the longest calendar month it can reach back into.
    assert config.MIN_SENDER_DATA_DAYS == schedule.WINDOW_DAYS + 31


def test_retention_problems_name_their_key() -> None:
    text = (
        "[retention]\nunmatched_mail_days = 0\nsender_data_days = 30\nquarantine_days = -1\n"
        'batch_size = 0\ntime = "25:00"\n'
    )
    with pytest.raises(ConfigError) as caught:
        config.loads(text, environ={}, filename="r.toml")
    joined = "\n".join(caught.value.problems)
    for key in (
        "unmatched_mail_days: must be positive",
        "quarantine_days: must be positive",
        "batch_size: must be positive",
        "sender_data_days: must be at least 59",
        "time: expected HH:MM",
    ):
        assert f"retention.{key}" in joined, joined


def test_mail_may_not_go_before_the_counters_behind_its_flags() -> None:
    with pytest.raises(ConfigError) as caught:
        config.loads("[retention]\nunmatched_mail_days = 60\n", environ={})
    assert "retention.unmatched_mail_days: cannot be below sender_data_days" in "\n".join(
        caught.value.problems
    )


def test_retention_settings_load() -> None:
    settings = config.loads(
        '[retention]\nenabled = false\nunmatched_mail_days = 365\ntime = "03:15"\n', environ={}
    )
    assert settings.retention == replace(
        config.RetentionSettings(), enabled=False, unmatched_mail_days=365, time="03:15"
    )
