"""The policy's calendar: month arithmetic with clamping, reviews, expiry, retention."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailrouter.config import PolicySettings
from mailrouter.errors import PolicyError
from mailrouter.register import policy_dates as pd

POLICY = PolicySettings()
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 15), 6, date(2026, 7, 15)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),  # leap year
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 3, 31), 3, date(2026, 6, 30)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 15), 24, date(2028, 12, 15)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 5, 5), 0, date(2026, 5, 5)),
    ],
)
def test_add_months_clamps_to_month_end(start: date, months: int, expected: date) -> None:
    assert pd.add_months(start, months) == expected


@given(days, st.integers(min_value=-120, max_value=120))
def test_add_months_moves_whole_months(start: date, months: int) -> None:
    moved = pd.add_months(start, months)
    assert (moved.year * 12 + moved.month) - (start.year * 12 + start.month) == months
    assert moved.day == start.day or (moved.day < start.day and moved.day >= 28)


@given(days, st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=60))
def test_add_months_is_monotonic(start: date, a: int, b: int) -> None:
    if a <= b:
        assert pd.add_months(start, a) <= pd.add_months(start, b)


def test_default_monitoring_period_is_six_months() -> None:
    assert pd.expiry_for(date(2026, 2, 10), None, POLICY) == date(2026, 8, 10)
    assert pd.expiry_for(date(2026, 2, 10), 3, POLICY) == date(2026, 5, 10)


@pytest.mark.parametrize("months", [0, -1, 7, 24])
def test_monitoring_period_outside_policy_is_refused(months: int) -> None:
    with pytest.raises(PolicyError, match="1 to 6 months"):
        pd.expiry_for(date(2026, 2, 10), months, POLICY)


def test_configured_monitoring_period() -> None:
    short = PolicySettings(monitoring_months=4, review_interval_months=2)
    assert pd.expiry_for(date(2026, 1, 1), None, short) == date(2026, 5, 1)
    with pytest.raises(PolicyError):
        pd.expiry_for(date(2026, 1, 1), 5, short)


def test_extension_must_lengthen_and_stay_within_one_period() -> None:
    pd.check_extension(date(2026, 6, 1), date(2026, 8, 10), date(2026, 12, 1), POLICY)
    with pytest.raises(PolicyError, match="after the current expiry"):
        pd.check_extension(date(2026, 6, 1), date(2026, 8, 10), date(2026, 8, 10), POLICY)
    with pytest.raises(PolicyError, match="at most 6 months"):
        pd.check_extension(date(2026, 6, 1), date(2026, 8, 10), date(2026, 12, 2), POLICY)


def test_reviews_are_quarterly_from_the_decision_then_each_review() -> None:
    decided, expiry = date(2026, 2, 10), date(2026, 8, 10)
    assert pd.review_due_on(decided, None, expiry, POLICY) == date(2026, 5, 10)
    assert pd.review_deadline(decided, None, expiry, POLICY) == date(2026, 8, 10)
    assert pd.review_due_on(decided, date(2026, 4, 1), expiry, POLICY) == date(2026, 7, 1)
    # Never after expiry: the arrangement lapses then.
    assert pd.review_due_on(decided, date(2026, 7, 1), expiry, POLICY) == expiry


@given(days, st.integers(min_value=0, max_value=400), st.integers(min_value=1, max_value=6))
def test_review_dates_are_within_policy_limits(decided: date, gap: int, months: int) -> None:
    expiry = pd.add_months(decided, months)
    last_review = None if gap == 0 else min(decided.fromordinal(decided.toordinal() + gap), expiry)
    anchor = pd.review_anchor(decided, last_review)
    due = pd.review_due_on(decided, last_review, expiry, POLICY)
    deadline = pd.review_deadline(decided, last_review, expiry, POLICY)
    assert due <= deadline <= pd.add_months(anchor, 6)
    assert due <= expiry
    assert anchor <= due


def test_lapse_is_the_day_after_expiry() -> None:
    assert not pd.lapsed(date(2026, 8, 10), date(2026, 8, 10))
    assert pd.lapsed(date(2026, 8, 10), date(2026, 8, 11))
    assert not pd.lapsed(None, date(2030, 1, 1))


def test_deletion_is_due_24_months_after_dormancy_or_later_activity() -> None:
    assert pd.deletion_due_on(date(2026, 2, 28), None, POLICY) == date(2028, 2, 28)
    assert pd.deletion_due_on(date(2026, 2, 28), date(2027, 1, 5), POLICY) == date(2029, 1, 5)
    assert pd.deletion_due_on(date(2026, 2, 28), date(2025, 1, 5), POLICY) == date(2028, 2, 28)
