"""Release dates over a simulated year, checked by hand against the 2026 calendar.

England and Wales bank holidays in 2026: Thu 1 Jan, Fri 3 Apr (Good Friday),
Mon 6 Apr, Mon 4 May, Mon 25 May, Mon 31 Aug, Fri 25 Dec, Mon 28 Dec (Boxing
Day observed). Scotland also has Fri 2 Jan.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import islice

import pytest

from mailrouter.deadlines import DeadlineKind, deadline_for
from mailrouter.replies.cadence import (
    ReplyTiming,
    StatutoryDeadline,
    next_release,
    nominal_release,
    previous_working_day,
    release_by,
    release_dates,
    statutory_deadline_in,
)

EW = "england-and-wales"

# Decided Friday 9 January 2026: every release is a Friday, except Good Friday
# (3 Apr -> Tue 7 Apr, over Easter Monday) and Christmas (25 Dec -> Tue 29 Dec,
# over the weekend and Boxing Day observed).
FORTNIGHTLY_2026 = [
    date(2026, 1, 9), date(2026, 1, 23), date(2026, 2, 6), date(2026, 2, 20),
    date(2026, 3, 6), date(2026, 3, 20), date(2026, 4, 7), date(2026, 4, 17),
    date(2026, 5, 1), date(2026, 5, 15), date(2026, 5, 29), date(2026, 6, 12),
    date(2026, 6, 26), date(2026, 7, 10), date(2026, 7, 24), date(2026, 8, 7),
    date(2026, 8, 21), date(2026, 9, 4), date(2026, 9, 18), date(2026, 10, 2),
    date(2026, 10, 16), date(2026, 10, 30), date(2026, 11, 13), date(2026, 11, 27),
    date(2026, 12, 11), date(2026, 12, 29), date(2027, 1, 8),
]  # fmt: skip

# Decided Wednesday 31 December 2025: the 31st, or the month's last day, moved
# to a working day. Sat 31 Jan -> Mon 2 Feb; Sat 28 Feb -> Mon 2 Mar; Sun 31 May
# -> Mon 1 Jun; Mon 31 Aug is a bank holiday -> Tue 1 Sep; Sat 31 Oct -> Mon 2 Nov.
MONTHLY_2026 = [
    date(2025, 12, 31), date(2026, 2, 2), date(2026, 3, 2), date(2026, 3, 31),
    date(2026, 4, 30), date(2026, 6, 1), date(2026, 6, 30), date(2026, 7, 31),
    date(2026, 9, 1), date(2026, 9, 30), date(2026, 11, 2), date(2026, 11, 30),
    date(2026, 12, 31),
]  # fmt: skip


def test_fortnightly_year() -> None:
    dates = list(islice(release_dates(date(2026, 1, 9), "fortnightly", EW), 27))
    assert dates == FORTNIGHTLY_2026


def test_monthly_year_clamps_to_month_end_without_drifting() -> None:
    dates = list(islice(release_dates(date(2025, 12, 31), "monthly", EW), 13))
    assert dates == MONTHLY_2026
    # Computed from the decision each time: after February comes the 31st again.
    assert nominal_release(date(2026, 1, 31), "monthly", 1) == date(2026, 2, 28)
    assert nominal_release(date(2026, 1, 31), "monthly", 2) == date(2026, 3, 31)
    assert nominal_release(date(2027, 1, 31), "monthly", 13) == date(2028, 2, 29)


def test_scotland_has_its_own_holidays() -> None:
    # Fri 2 January 2026 is a bank holiday in Scotland only.
    decided = date(2025, 12, 19)
    assert next_release(decided, "fortnightly", date(2025, 12, 20), EW) == date(2026, 1, 2)
    assert next_release(decided, "fortnightly", date(2025, 12, 20), "scotland") == date(2026, 1, 5)


@pytest.mark.parametrize(
    ("cadence", "decided", "releases"),
    [
        ("fortnightly", date(2026, 1, 9), FORTNIGHTLY_2026),
        ("monthly", date(2025, 12, 31), MONTHLY_2026),
    ],
)
def test_every_day_of_the_year_waits_for_the_first_release_on_or_after_it(
    cadence: str, decided: date, releases: list[date]
) -> None:
    day = releases[0]
    while day <= releases[-1]:
        expected = next(r for r in releases if r >= day)
        assert next_release(decided, cadence, day, EW) == expected, day  # type: ignore[arg-type]
        day += timedelta(days=1)


def test_a_reply_captured_the_day_after_a_release_waits_for_the_next() -> None:
    decided = date(2026, 1, 9)
    assert next_release(decided, "fortnightly", date(2026, 1, 23), EW) == date(2026, 1, 23)
    assert next_release(decided, "fortnightly", date(2026, 1, 24), EW) == date(2026, 2, 6)


def test_unknown_cadence_is_refused() -> None:
    with pytest.raises(ValueError, match="cadence"):
        next_release(date(2026, 1, 9), "weekly", date(2026, 1, 10), EW)  # type: ignore[arg-type]


def test_a_reply_to_a_sar_received_on_31_january_leaves_by_the_sar_deadline() -> None:
    received = datetime(2026, 1, 31, 10, 0, tzinfo=UTC)
    # One calendar month: 28 February is a Saturday, so the deadline is Mon 2 March.
    due = deadline_for(DeadlineKind.SAR, received, EW)
    assert due == date(2026, 3, 2)
    # Monthly on the 5th: the reply written on 6 February would wait until 5 March.
    reply = ReplyTiming(date(2025, 12, 5), "monthly", date(2026, 2, 6), EW)
    assert release_by(reply, None) == (date(2026, 3, 5), None)
    on, reason = release_by(reply, StatutoryDeadline("subject access / data rights", due))
    assert on == date(2026, 2, 27)  # Friday, the working day before the deadline
    assert on < due
    assert reason is not None
    assert "due 2026-03-02" in reason and "2026-03-05" in reason


def test_a_statutory_reply_that_is_on_time_anyway_keeps_its_cadence() -> None:
    reply = ReplyTiming(date(2026, 1, 9), "fortnightly", date(2026, 2, 2), EW)
    assert release_by(reply, StatutoryDeadline("FOI request", date(2026, 3, 2))) == (
        date(2026, 2, 6),
        None,
    )


def test_a_reply_captured_on_the_last_safe_day_or_later_leaves_at_once() -> None:
    deadline = StatutoryDeadline("FOI request", date(2026, 4, 7))
    # The working day before Tue 7 April is Thu 2 April (Good Friday, Easter Monday).
    assert previous_working_day(date(2026, 4, 7), EW) == date(2026, 4, 2)
    for captured in (date(2026, 4, 2), date(2026, 4, 4), date(2026, 4, 7)):
        reply = ReplyTiming(date(2026, 1, 9), "fortnightly", captured, EW)
        on, reason = release_by(reply, deadline)
        assert on == captured
        assert reason is not None and "at once" in reason


def test_deadlines_are_read_from_statutory_hit_details() -> None:
    details = ["FOI request, due 2026-03-20", "complaint, due 2026-03-09", "register-match"]
    assert statutory_deadline_in(details) == StatutoryDeadline("complaint", date(2026, 3, 9))
    assert statutory_deadline_in(["FOI request", "x, due 2026-02-30"]) is None
