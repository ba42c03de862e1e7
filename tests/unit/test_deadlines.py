"""Deadlines, table-driven. Every expected date was counted by hand on a printed
calendar against the gov.uk bank-holiday lists, not produced by the code under test.
Comments give the count so a reviewer can re-check it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from mailrouter.deadlines import (
    Calendar,
    DeadlineKind,
    add_working_days,
    deadline_for,
    is_working_day,
    next_working_day,
    receipt_date,
    roll_forward,
)

BST = timezone(timedelta(hours=1))
EW = "england-and-wales"
SCO = "scotland"
NI = "northern-ireland"
FOI = DeadlineKind.FOI
EIR = DeadlineKind.EIR
FOISA = DeadlineKind.FOISA
SAR = DeadlineKind.SAR
ACK = DeadlineKind.COMPLAINT_ACKNOWLEDGEMENT
RESPONSE = DeadlineKind.COMPLAINT_RESPONSE


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0, *, tz: timezone = UTC) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=tz)


CASES = [
    # Easter 2024: Good Friday 29 Mar, Easter Monday 1 Apr (not in Scotland).
    # Thu 28 Mar; day 1 Tue 2 Apr ... day 20 Mon 29 Apr.
    ("foi-easter-2024", FOI, at(2024, 3, 28), EW, date(2024, 4, 29)),
    # Scotland works Easter Monday: day 1 Mon 1 Apr ... day 20 Fri 26 Apr.
    ("foisa-easter-2024", FOISA, at(2024, 3, 28), SCO, date(2024, 4, 26)),
    ("foi-in-scotland-is-foisa", FOI, at(2024, 3, 28), SCO, date(2024, 4, 26)),
    # Easter 2025 (18 and 21 Apr): Tue 1 Apr; day 12 Thu 17 Apr, 13 Tue 22 Apr, 20 Thu 1 May.
    ("foi-easter-2025", FOI, at(2025, 4, 1), EW, date(2025, 5, 1)),
    ("eir-easter-2025", EIR, at(2025, 4, 1), EW, date(2025, 5, 1)),
    ("eir-scotland-easter-2025", EIR, at(2025, 4, 1), SCO, date(2025, 4, 30)),
    # FOIA working days exclude bank holidays anywhere in the UK: St Patrick's Day
    # (Mon 17 Mar 2025) stops an English clock. Mon 10 Mar -> Tue 8 Apr.
    ("foi-st-patricks-day", FOI, at(2025, 3, 10), EW, date(2025, 4, 8)),
    ("foisa-no-st-patricks-day", FOISA, at(2025, 3, 10), SCO, date(2025, 4, 7)),
    # ... and St Andrew's Day (Wed 30 Nov 2022), and Christmas on a Sunday
    # (Boxing Day Mon 26, substitute Tue 27 Dec): Mon 28 Nov -> Thu 29 Dec.
    ("foi-st-andrews-and-christmas-2022", FOI, at(2022, 11, 28), EW, date(2022, 12, 29)),
    ("foisa-christmas-2022", FOISA, at(2022, 11, 28), SCO, date(2022, 12, 29)),
    # Christmas 2025 then 1 and 2 Jan 2026 (2 Jan is Scottish, so off for FOIA too):
    # Mon 15 Dec; day 7 Wed 24 Dec, 8 Mon 29 Dec, 10 Wed 31 Dec, 11 Mon 5 Jan, 20 Fri 16 Jan.
    ("foi-christmas-2025", FOI, at(2025, 12, 15), EW, date(2026, 1, 16)),
    # Received on a weekend: the first working day after receipt is day one, so
    # Friday, Saturday and Sunday receipts share a deadline (no June holidays).
    ("foi-friday", FOI, at(2024, 5, 31), EW, date(2024, 6, 28)),
    ("foi-saturday", FOI, at(2024, 6, 1), EW, date(2024, 6, 28)),
    ("foi-sunday", FOI, at(2024, 6, 2, 23, 59, tz=BST), EW, date(2024, 6, 28)),
    ("foi-monday", FOI, at(2024, 6, 3), EW, date(2024, 7, 1)),
    # Christmas 2021 on a weekend: substitutes Mon 27 and Tue 28 Dec, New Year
    # substitute Mon 3 Jan 2022, and in Scotland 2 Jan's substitute Tue 4 Jan.
    # Thu 23 Dec: day 1 Fri 24, 2 Wed 29, 3 Thu 30, 4 Fri 31, 5 Tue 4 Jan (Wed 5 in Scotland).
    ("ack-christmas-2021", ACK, at(2021, 12, 23), EW, date(2022, 1, 4)),
    ("ack-christmas-2021-scotland", ACK, at(2021, 12, 23), SCO, date(2022, 1, 5)),
    ("ack-christmas-2021-ni", ACK, at(2021, 12, 23), NI, date(2022, 1, 4)),
    # Christmas 2022 on a Sunday, New Year 2023 on a Sunday (substitute Mon 2 Jan;
    # Scotland also Tue 3 Jan). Wed 21 Dec: 10th working day Mon 9 Jan (Tue 10 in Scotland).
    ("response-christmas-2022", RESPONSE, at(2022, 12, 21), EW, date(2023, 1, 9)),
    ("response-christmas-2022-scotland", RESPONSE, at(2022, 12, 21), SCO, date(2023, 1, 10)),
    # 2 January in Scotland (Fri 2 Jan 2026): Tue 30 Dec -> Thu 8 Jan (Wed 7 in E&W).
    ("ack-2-january-scotland", ACK, at(2025, 12, 30), SCO, date(2026, 1, 8)),
    ("ack-2-january-england", ACK, at(2025, 12, 30), EW, date(2026, 1, 7)),
    # St Andrew's Day on a Saturday (30 Nov 2024): substitute Mon 2 Dec in Scotland.
    ("ack-st-andrews-substitute", ACK, at(2024, 11, 27), SCO, date(2024, 12, 5)),
    ("ack-st-andrews-england", ACK, at(2024, 11, 27), EW, date(2024, 12, 4)),
    # St Andrew's Day on a Wednesday (2022): Mon 28 Nov -> Tue 6 Dec (Mon 5 in E&W).
    ("ack-st-andrews-weekday", ACK, at(2022, 11, 28), SCO, date(2022, 12, 6)),
    ("ack-st-andrews-weekday-england", ACK, at(2022, 11, 28), EW, date(2022, 12, 5)),
    # After midnight in London but not in UTC (BST): 23:30 UTC Thu 13 Jun 2024 is
    # 00:30 Fri 14 Jun in London, so day 1 is Mon 17 and day 5 Fri 21.
    ("ack-after-midnight-bst", ACK, at(2024, 6, 13, 23, 30), EW, date(2024, 6, 21)),
    ("ack-after-midnight-offset", ACK, at(2024, 6, 14, 0, 30, tz=BST), EW, date(2024, 6, 21)),
    # In winter London is UTC: 23:30 UTC Thu 11 Jan 2024 is still Thursday.
    ("ack-late-evening-gmt", ACK, at(2024, 1, 11, 23, 30), EW, date(2024, 1, 18)),
    # SAR: same date next month, last day of the month if none, next working day if
    # that is not one. 31 Jan -> 28 Feb (2023) and 29 Feb (leap 2024).
    ("sar-31-jan-non-leap", SAR, at(2023, 1, 31), EW, date(2023, 2, 28)),
    ("sar-31-jan-leap", SAR, at(2024, 1, 31), EW, date(2024, 2, 29)),
    ("sar-30-jan-leap", SAR, at(2024, 1, 30), EW, date(2024, 2, 29)),
    ("sar-29-jan-non-leap", SAR, at(2023, 1, 29), EW, date(2023, 2, 28)),
    # Sun 31 Jan 2021 -> Sun 28 Feb 2021 -> Mon 1 Mar.
    ("sar-end-of-feb-on-sunday", SAR, at(2021, 1, 31), EW, date(2021, 3, 1)),
    # The clock runs from a weekend receipt too: Sat 13 Jan 2024 -> Tue 13 Feb.
    ("sar-received-saturday", SAR, at(2024, 1, 13), EW, date(2024, 2, 13)),
    # 26 Nov 2022 -> Mon 26 Dec (Boxing Day) -> Tue 27 (substitute) -> Wed 28 Dec.
    ("sar-boxing-day", SAR, at(2022, 11, 26), EW, date(2022, 12, 28)),
    # 30 Oct 2024 -> Sat 30 Nov -> Mon 2 Dec, which is St Andrew's substitute in Scotland.
    ("sar-st-andrews-scotland", SAR, at(2024, 10, 30), SCO, date(2024, 12, 3)),
    ("sar-st-andrews-england", SAR, at(2024, 10, 30), EW, date(2024, 12, 2)),
    # 2 Dec 2025 -> Fri 2 Jan 2026: a working day in E&W, a holiday in Scotland.
    ("sar-2-january-england", SAR, at(2025, 12, 2), EW, date(2026, 1, 2)),
    ("sar-2-january-scotland", SAR, at(2025, 12, 2), SCO, date(2026, 1, 5)),
    # 23:30 UTC on 31 Jul 2023 is 1 Aug in London: due Fri 1 Sep, not Thu 31 Aug.
    ("sar-after-midnight-bst", SAR, at(2023, 7, 31, 23, 30), EW, date(2023, 9, 1)),
    ("sar-before-midnight-bst", SAR, at(2023, 7, 31, 22, 59), EW, date(2023, 8, 31)),
]


@pytest.mark.parametrize(
    ("kind", "received_at", "nation", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_deadline_for(
    kind: DeadlineKind, received_at: datetime, nation: str, expected: date
) -> None:
    assert deadline_for(kind, received_at, nation) == expected


@pytest.mark.parametrize(
    ("day", "calendar", "expected"),
    [
        (date(2024, 4, 1), EW, False),  # Easter Monday
        (date(2024, 4, 1), SCO, True),  # not a Scottish bank holiday
        (date(2022, 1, 4), SCO, False),  # 2 January's substitute
        (date(2022, 1, 4), EW, True),
        (date(2025, 12, 1), SCO, False),  # St Andrew's Day substitute
        (date(2025, 3, 17), NI, False),  # St Patrick's Day
        (date(2025, 3, 17), EW, True),
        (date(2025, 3, 17), Calendar.ANY_PART_OF_UK, False),
        (date(2025, 7, 14), NI, False),  # Battle of the Boyne substitute
        (date(2022, 9, 19), EW, False),  # the Queen's state funeral
        (date(2024, 6, 8), EW, False),  # a Saturday
        (date(2024, 6, 10), EW, True),
    ],
)
def test_is_working_day(day: date, calendar: str, expected: bool) -> None:
    assert is_working_day(day, calendar) is expected


def test_working_day_helpers() -> None:
    # Fri 24 Dec 2021 -> Wed 29 Dec (Christmas and Boxing Day substitutes on 27, 28).
    assert next_working_day(date(2021, 12, 24), EW) == date(2021, 12, 29)
    assert roll_forward(date(2021, 12, 24), EW) == date(2021, 12, 24)
    assert roll_forward(date(2021, 12, 25), EW) == date(2021, 12, 29)
    assert add_working_days(date(2021, 12, 24), 0, EW) == date(2021, 12, 24)
    assert add_working_days(date(2021, 12, 25), 1, EW) == date(2021, 12, 29)


def test_receipt_date_uses_london_time() -> None:
    assert receipt_date(at(2024, 3, 31, 0, 30)) == date(2024, 3, 31)  # GMT until 01:00 UTC
    assert receipt_date(at(2024, 3, 31, 23, 30)) == date(2024, 4, 1)  # BST by then
    assert receipt_date(at(2024, 10, 26, 23, 30)) == date(2024, 10, 27)  # still BST
    assert receipt_date(at(2024, 10, 27, 23, 30)) == date(2024, 10, 27)  # GMT again


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: deadline_for(FOI, datetime(2024, 6, 3, 10), EW), "timezone-aware"),
        (lambda: deadline_for(FOI, at(2024, 6, 3), "wales"), "wales"),
        (lambda: deadline_for("fio", at(2024, 6, 3), EW), "fio"),
        (lambda: add_working_days(date(2024, 6, 3), -1, EW), "negative"),
    ],
    ids=["naive-datetime", "unknown-nation", "unknown-kind", "negative-count"],
)
def test_bad_arguments_are_refused(call: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()
