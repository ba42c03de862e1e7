"""Read the register, build the governance report and write it: the command's one call."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal

from sqlalchemy.orm import Session, sessionmaker

from mailrouter.config import Settings
from mailrouter.reports import facts, governance, render_csv, render_html
from mailrouter.reports.quarter import Quarter
from mailrouter.reports.tables import tables

Format = Literal["csv", "html", "both"]


def governance_report(
    sessions: sessionmaker[Session], settings: Settings, quarter: Quarter
) -> governance.GovernanceReport:
    with sessions() as session:
        found = facts.load(session, quarter, settings.tz)
    return governance.build(
        found,
        quarter,
        policy=settings.policy,
        mailbox_services={m.name: m.service for m in settings.mailboxes if m.service},
        council_name=settings.general.council_name,
    )


def write_governance(
    report: governance.GovernanceReport, out_dir: Path, fmt: Format, generated: datetime
) -> list[Path]:
    stem = f"governance-{report.quarter.label}"
    shaped = tables(report)
    written: list[Path] = []
    if fmt in ("csv", "both"):
        written += render_csv.write(shaped, out_dir, stem)
    if fmt in ("html", "both"):
        out_dir.mkdir(parents=True, exist_ok=True)
        page = out_dir / f"{stem}.html"
        page.write_text(render_html.render(report, shaped, generated), encoding="utf-8")
        written.append(page)
    return written
