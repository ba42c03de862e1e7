"""Importing a council's register: 10,000 rows, all-or-nothing on bad rows, XLSX too."""

from __future__ import annotations

import csv
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from mailrouter.app import App
from mailrouter.commands.register_cmd import register as register_group
from mailrouter.config import Settings, SpocSettings
from mailrouter.register import audit, queries
from mailrouter.register.import_rows import COLUMNS
from mailrouter.register.importer import ImportRejected
from mailrouter.register.policy_dates import add_months
from mailrouter.register.service import Register
from mailrouter.store import db
from mailrouter.store.models.register import Case, Customer

SETTINGS = Settings(
    spocs=(
        SpocSettings("jsmith", "Jane", "jane@council.example"),
        SpocSettings("akhan", "Aisha", "aisha@council.example"),
    )
)


def row(i: int, today: date) -> dict[str, Any]:
    """A plausible legacy register row; every third is stage 2, every fifth dormant."""
    decided = today - timedelta(days=30 + i % 60)
    base: dict[str, Any] = dict.fromkeys(COLUMNS, "")
    base.update(
        full_name=f"Customer {i}",
        emails=f"c{i}@example.org; C{i}.alt@Example.net",
        phones="01234 5678" + f"{i % 100:02d}",
        opened_on=(decided - timedelta(days=20)).isoformat(),
        pre_policy="N",
        repeated_history="Y" if i % 7 == 0 else "N",
    )
    if i % 5 == 0:
        base.update(status="dormant", dormant_since=decided.isoformat())
    elif i % 3 == 0:
        base.update(
            status="Stage 2",
            spoc="jsmith",
            measures="divert; cadence=monthly; spoc-only",
            business_case_by="Hannah Head",
            ig_signoff_by="Sam Sigo",
            signatory="Dana Director",
            signatory_email="dana@council.example",
            signatory_title="Director",
            decision_date=decided.strftime("%d/%m/%Y"),
            notified_on=(decided + timedelta(days=2)).isoformat(),
            notice_channel="letter",
        )
    else:
        base.update(
            status="stage 1",
            manager="Max Manager",
            decision_date=decided.isoformat(),
            expires_on=add_months(decided, 6).isoformat(),
            measures="one-medium=email",
        )
    return base


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _count(sessions: sessionmaker[Session], model: type[Any]) -> int:
    with sessions() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def today() -> date:
    return datetime.now(UTC).astimezone(SETTINGS.tz).date()


def test_bad_rows_import_nothing_and_are_all_named(
    sessions: sessionmaker[Session], tmp_path: Path, today: date
) -> None:
    rows = [row(i, today) for i in range(1, 41)]
    rows[4]["emails"] = "not-an-address"  # spreadsheet row 6
    rows[11]["signatory_title"] = "Head of Planning"  # row 13: row 12 is stage 2 (i=12)
    rows[29]["emails"] = rows[0]["emails"].split(";")[0]  # row 31 repeats row 2's address
    path = write_csv(tmp_path / "register.csv", rows)
    reg = Register(sessions, SETTINGS)
    with pytest.raises(ImportRejected) as caught:
        reg.import_file(path, actor="ig", now=datetime.now(UTC))
    problems = caught.value.problems
    assert [p.split(":")[0] for p in problems] == ["row 6", "row 13", "row 31"], problems
    assert "signatory_title" in problems[1] and "also in row 2" in problems[2]
    assert _count(sessions, Customer) == 0 and _count(sessions, Case) == 0


def test_xlsx_import_with_real_dates(
    sessions: sessionmaker[Session], tmp_path: Path, today: date
) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([c.replace("_", " ").title().replace(" ", "_").lower() for c in COLUMNS])
    for i in (3, 4, 5):
        values = row(i, today)
        if values["decision_date"]:
            # Excel keeps dates as dates, and numbers as floats.
            values["decision_date"] = datetime.combine(
                today - timedelta(days=40), datetime.min.time()
            )
            values["expires_on"] = (
                values["expires_on"] and add_months(today - timedelta(days=40), 6).isoformat()
            )
            values["notified_on"] = (
                values["notified_on"] and (today - timedelta(days=39)).isoformat()
            )
        values["phones"] = 1234567890.0
        sheet.append([values[c] for c in COLUMNS])
    path = tmp_path / "register.xlsx"
    book.save(path)
    summary = Register(sessions, SETTINGS).import_file(path, actor="ig", now=datetime.now(UTC))
    assert summary.rows == 3 and summary.by_status == {"dormant": 1, "monitoring": 1, "stage2": 1}
    with sessions() as s:
        target = queries.active_diversion_for(s, "c3@example.org", today)
        assert target is not None and target.cadence == "monthly"
        assert target.effective_from == today - timedelta(days=39)
        assert queries.active_diversion_for(s, "c4@example.org", today) is None


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_ten_thousand_rows_with_progress_and_summary(
    engine: Any, tmp_path: Path, today: date
) -> None:
    path = write_csv(tmp_path / "register.csv", [row(i, today) for i in range(1, 10_001)])
    config = tmp_path / "mailrouter.toml"
    config.write_text(
        f'[database]\nurl = "{engine.url}"\n\n'
        + "".join(
            f'[[spocs]]\nid = "{s.id}"\nname = "{s.name}"\nemail = "{s.email}"\n\n'
            for s in SETTINGS.spocs
        )
    )
    app = App(config_path=config)
    started = time.monotonic()
    result = CliRunner().invoke(register_group, ["import", str(path), "--actor", "ig"], obj=app)
    elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert "Imported 10000 cases from register.csv" in result.stdout
    assert "2000 dormant, 5333 monitoring, 2667 stage2; 2667 diverting e-mail" in result.stdout
    assert "Checking" in result.stderr and "Importing" in result.stderr
    sessions = db.session_factory(engine)
    assert _count(sessions, Customer) == 10_000
    with sessions() as s:
        assert audit.verify(s).ok
        assert queries.active_diversion_for(s, "c9999.alt@example.net", today) is not None
    app.close()
    print(f"10,000-row import: {elapsed:.1f}s")
    assert elapsed < 120
