"""The governance report's pure parts: quarters, history dating, spells, services, CSV safety."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from mailrouter.config import PolicySettings
from mailrouter.reports import render_csv
from mailrouter.reports.facts import CaseInfo, Facts, HistoryRow, MailboxCount, history_row
from mailrouter.reports.governance import (
    GovernanceReport,
    build,
    case_services,
    spells,
    state_on,
)
from mailrouter.reports.quarter import Quarter
from mailrouter.reports.render_html import render, style_hash
from mailrouter.reports.tables import Table, format_cell, tables

RECORDED = date(2027, 1, 5)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2024-Q1", date(2024, 1, 1), date(2024, 3, 31)),
        ("2026Q2", date(2026, 4, 1), date(2026, 6, 30)),
        ("2026Q3", date(2026, 7, 1), date(2026, 9, 30)),
    ],
)
def test_quarters(text: str, start: date, end: date) -> None:
    q = Quarter.parse(text)
    assert (q.start, q.end) == (start, end)


@pytest.mark.parametrize("text", ["2026Q5", "2026Q0", "Q4", "2026", "26Q4", ""])
def test_bad_quarters(text: str) -> None:
    with pytest.raises(ValueError, match="not a quarter"):
        Quarter.parse(text)


def test_quarter_instants_use_the_council_time_zone() -> None:
    start, after = Quarter(2026, 4).instants(ZoneInfo("Europe/London"))
    assert start.isoformat() == "2026-10-01T00:00:00+01:00"
    assert after.isoformat() == "2027-01-01T00:00:00+00:00"


def _case(status: str, **dates: str | None) -> dict[str, object]:
    base: dict[str, object] = {
        "status": status,
        "opened_on": "2026-05-01",
        "round_started_on": "2026-05-01",
    }
    base.update(dates)
    return base


def test_history_rows_are_dated_by_the_day_they_describe() -> None:
    opened = history_row(
        1, 7, "case.opened", RECORDED, {"before": None, "after": _case("monitoring")}
    )
    assert opened is not None and opened.on == date(2026, 5, 1)
    reviewed = history_row(
        2,
        7,
        "case.reviewed",
        RECORDED,
        {
            "before": _case("monitoring"),
            "after": {**_case("monitoring"), "review": {"reviewed_on": "2026-08-01"}},
        },
    )
    assert reviewed is not None and reviewed.on == date(2026, 8, 1)
    escalated = history_row(
        3,
        7,
        "case.stage2",
        RECORDED,
        {"before": _case("monitoring"), "after": _case("stage2", round_started_on="2026-09-02")},
    )
    assert escalated is not None and escalated.on == date(2026, 9, 2)
    lapsed = history_row(
        4,
        7,
        "case.lapsed",
        RECORDED,
        {"before": _case("stage2"), "after": _case("dormant", closed_on="2026-11-05")},
    )
    assert lapsed is not None and lapsed.on == date(2026, 11, 5)
    imported = history_row(
        5, 8, "case.imported", RECORDED, {"before": None, "after": {"case": _case("stage2")}}
    )
    assert imported is not None and imported.after.status == "stage2"
    measures = history_row(6, 7, "case.measures", RECORDED, {"before": {}, "after": _case("x")})
    assert measures is not None and measures.on == RECORDED
    assert history_row(7, 7, "case.viewed", RECORDED, {"before": None, "after": None}) is None


def _rows() -> list[HistoryRow]:
    payloads = [
        ("case.opened", None, _case("monitoring")),
        ("case.stage2", "monitoring", _case("stage2", round_started_on="2026-09-02")),
        ("case.reviewed", "stage2", {**_case("stage2"), "review": {"reviewed_on": "2026-10-01"}}),
        ("case.dormant", "stage2", _case("dormant", closed_on="2026-12-10")),
    ]
    rows = []
    for seq, (action, before, after) in enumerate(payloads, 1):
        row = history_row(
            seq,
            1,
            action,
            RECORDED,
            {"before": {"status": before} if before else None, "after": after},
        )
        assert row is not None
        rows.append(row)
    return rows


def test_state_on_a_day_and_spells() -> None:
    rows = _rows()
    assert state_on(rows, date(2026, 4, 30)) is None
    assert state_on(rows, date(2026, 9, 1)).status == "monitoring"  # type: ignore[union-attr]
    assert state_on(rows, date(2026, 9, 2)).status == "stage2"  # type: ignore[union-attr]
    assert state_on(rows, date(2026, 12, 10)).status == "dormant"  # type: ignore[union-attr]
    assert [(s.stage, s.start, s.end) for s in spells(rows)] == [
        ("monitoring", date(2026, 5, 1), date(2026, 9, 2)),
        ("stage2", date(2026, 9, 2), date(2026, 12, 10)),
    ]


def test_build_counts_a_closure_and_an_escalation() -> None:
    facts = Facts(
        history=tuple(_rows()),
        cases={1: CaseInfo(1, "MC-1", "A Person")},
        reviews=(),
        contacts=(MailboxCount("housing", 1, 2),),
        diverted=(),
    )
    q3 = build(facts, Quarter(2026, 3), policy=PolicySettings(), mailbox_services={})
    assert q3.movement("escalated") == 1 and q3.active_total("stage2") == 1
    q4 = build(facts, Quarter(2026, 4), policy=PolicySettings(), mailbox_services={})
    assert q4.movement("closed") == 1 and q4.active_total() == 0
    ended = {(d.stage, d.spells): d.count for d in q4.durations}
    assert ended[("stage2", "ended in quarter")] == 1


def test_case_service_is_the_most_frequent_then_by_name() -> None:
    services = {"a": "Housing", "b": "Planning", "c": "Adults", "d": ""}
    contacts = [
        MailboxCount("a", 1, 2),
        MailboxCount("b", 1, 3),
        MailboxCount("a", 2, 1),
        MailboxCount("c", 2, 1),
        MailboxCount("d", 3, 9),
    ]
    assert case_services(contacts, services) == {1: "Planning", 2: "Adults"}


def test_csv_defuses_formulas(tmp_path: Path) -> None:
    table = Table("t", "T", ("name", "n"), (('=HYPERLINK("x")', 1), ("@SUM(A1)", -3), ("ok", 2.5)))
    (path,) = render_csv.write([table], tmp_path, "stem")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == [["name", "n"], ['\'=HYPERLINK("x")', "1"], ["'@SUM(A1)", "-3"], ["ok", "2.5"]]
    assert (format_cell(None), format_cell(126.0), format_cell(79.5)) == ("", "126", "79.5")


def test_html_csp_allows_exactly_its_own_stylesheet() -> None:
    report = GovernanceReport(Quarter(2026, 4), "<Council>", (), (), 0, (), (), (), ())
    page = render(report, tables(report), datetime(2027, 1, 5, tzinfo=UTC))
    css = page.split("<style>", 1)[1].split("</style>", 1)[0]
    assert f"style-src '{style_hash(css)}'" in page
    assert "default-src 'none'" in page and "&lt;Council&gt;" in page
    assert page.count("<table>") == 7 and page.count("None.") == 6  # only the summary has rows
