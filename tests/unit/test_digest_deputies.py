"""While a SPOC is away, each case's own deputy reads that case's part of the digest."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from mailrouter.config import SpocSettings
from mailrouter.digest import collect
from mailrouter.digest.links import cli_command
from mailrouter.digest.model import DivertedRow, HeldRow, ReadLink
from mailrouter.digest.send import part_id

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
SPOCS = (
    SpocSettings(id="jsmith", name="Jane Smith", email="jane@council.example", deputy="akhan"),
    SpocSettings(id="akhan", name="Asha Khan", email="asha@council.example"),
    SpocSettings(
        id="away", name="Al Away", email="al@council.example", deputy="akhan", absent=True
    ),
)
READERS: list[tuple[int, str]] = []


def link(message_pk: int, reader: str) -> ReadLink:
    READERS.append((message_pk, reader))
    return ReadLink(None, cli_command(message_pk))


def row(pk: int, case_id: int, spoc: str, deputy: str | None) -> DivertedRow:
    at = NOW - timedelta(hours=pk)
    return DivertedRow(
        message_pk=pk,
        case_id=case_id,
        case_reference=f"MC-2026-{case_id:04d}",
        customer_name=f"Customer {case_id}",
        spoc_id=spoc,
        recorded_at=at,
        received_at=at,
        mailbox="housing",
        subject=f"Subject {pk}",
        sender="c@example.net",
        read_at=None,
        hits=(),
        deputy_spoc_id=deputy,
    )


def digests(spoc: str, rows: list[DivertedRow], held: list[HeldRow]) -> list[tuple[str, ...]]:
    READERS.clear()
    found = collect.spoc_digests(
        spoc=next(s for s in SPOCS if s.id == spoc),
        spocs=SPOCS,
        day=NOW.date(),
        now=NOW,
        tz=ZoneInfo("Europe/London"),
        unread_alert_hours=48,
        diverted=rows,
        held=held,
        link=link,
    )
    return [
        (
            d.reader_id,
            d.to_address,
            d.deputy_name or "",
            *sorted(g.case_reference for g in d.groups),
        )
        for d in found
    ]


def test_the_case_deputy_wins_and_the_config_deputy_is_the_fallback() -> None:
    rows = [
        row(1, 10, "away", None),  # no case deputy: the config's (Asha)
        row(2, 20, "away", "jsmith"),  # the case names Jane
        row(3, 30, "away", "ghost"),  # not a configured SPOC: the config's
        row(4, 40, "away", "away"),  # the SPOC themself is no deputy: the config's
    ]
    held = [
        HeldRow(
            9, 20, "MC-2026-0020", "Customer 20", "away", "Re: x", date(2026, 12, 9), None, "jsmith"
        )
    ]
    assert digests("away", rows, held) == [
        (
            "akhan",
            "asha@council.example",
            "Asha Khan",
            "MC-2026-0010",
            "MC-2026-0030",
            "MC-2026-0040",
        ),
        ("jsmith", "jane@council.example", "Jane Smith", "MC-2026-0020"),
    ]
    # Each read link names whoever reads the item, so the console records the right person.
    assert sorted(READERS) == [(1, "akhan"), (2, "jsmith"), (3, "akhan"), (4, "akhan")]


def test_a_present_spoc_reads_all_their_cases_whatever_the_case_deputy() -> None:
    rows = [row(1, 10, "jsmith", "akhan"), row(2, 20, "jsmith", None)]
    assert digests("jsmith", rows, []) == [
        ("jsmith", "jane@council.example", "", "MC-2026-0010", "MC-2026-0020"),
    ]


def test_when_every_case_has_its_own_deputy_the_usual_digest_is_empty() -> None:
    found = digests("away", [row(1, 10, "away", "jsmith")], [])
    assert found == [
        ("akhan", "asha@council.example", "Asha Khan"),
        ("jsmith", "jane@council.example", "Jane Smith", "MC-2026-0010"),
    ]
    assert collect.recipient_for(SPOCS[2], SPOCS, "jsmith") == (SPOCS[0], SPOCS[0])
    assert collect.recipient_for(SPOCS[2], SPOCS, None) == (SPOCS[1], SPOCS[1])


def test_part_ids_fit_the_column() -> None:
    assert part_id("bpatel", "jsmith") == "bpatel/jsmith"
    long = part_id("b" * 80, "j" * 80)
    assert len(long) <= 100 and long.startswith("b" * 40 + "/")
    assert long == part_id("b" * 80, "j" * 80) != part_id("b" * 80, "k" * 80)
