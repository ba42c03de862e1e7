"""`mailrouter register ...` and `mailrouter audit ...` end to end through Click."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, update

from mailrouter.cli import cli
from mailrouter.commands.audit_cmd import audit
from mailrouter.commands.register_cmd import register
from mailrouter.config import Settings
from mailrouter.store import db
from mailrouter.store.models.register import AuditRow

for group in (register, audit):
    if group.name not in cli.commands:
        cli.add_command(group)


@pytest.fixture
def config(engine: Engine, tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "mailrouter.toml"
    url = engine.url.render_as_string(hide_password=False)
    path.write_text(
        f'[database]\nurl = "{url}"\n\n[[spocs]]\nid = "jsmith"\nname = "Jane Smith"\n'
        'email = "jane.smith@council.example"\n'
    )
    yield path


def run(config: Path, *args: str) -> Result:
    result = CliRunner().invoke(
        cli, ["--config", str(config), *args], env={"MAILROUTER_ACTOR": "ig.officer"}
    )
    return result


def ok(config: Path, *args: str) -> str:
    result = run(config, *args)
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result.output


def test_round_trip_and_sar_export_redaction(config: Path, engine: Engine, tmp_path: Path) -> None:
    today = datetime.now(UTC).astimezone(Settings().tz).date()
    decided = (today - timedelta(days=10)).isoformat()
    out = ok(
        config,
        "register",
        "add",
        "Derek <Harker>",
        "--email",
        "D.Harker@Example.org",
        "--stage",
        "stage2",
        "--extreme-reason",
        "threatened staff",
        "--spoc",
        "jsmith",
        "--opened",
        decided,
        "--note",
        "Health: under the crisis team",
    )
    reference = out.split()[1]
    ok(
        config,
        "register",
        "measure",
        "set",
        reference,
        "--divert",
        "--cadence",
        "monthly",
        "--max-calls-per-week",
        "2",
        "--other",
        "<script>alert(1)</script>",
    )
    for role, name, extra in (
        ("head-of-service", "Hannah Head", []),
        ("senior-ig-officer", "Sam Sigo", []),
        ("signatory", "Dana Director", ["--title", "director"]),
    ):
        email = name.split()[0].lower() + "@council.example"
        ok(
            config,
            "register",
            "approve",
            reference,
            "--role",
            role,
            "--name",
            name,
            "--email",
            email,
            "--date",
            decided,
            "--note",
            "staff view: difficult",
            *extra,
        )
    ok(
        config,
        "register",
        "notify",
        reference,
        "--kind",
        "stage2",
        "--channel",
        "letter",
        "--date",
        decided,
    )
    ok(
        config,
        "register",
        "identity",
        "add",
        "d.harker@example.org",
        "--representative",
        "solicitor",
        "--name",
        "Sol Icitor",
        "--email",
        "sol@law.example",
    )
    assert ok(config, "register", "list").split(reference)[1].strip().startswith("* stage2")
    shown = ok(config, "register", "show", reference)
    assert "Other: <script>alert(1)</script>" in shown and "Health: under the crisis team" in shown
    ok(config, "register", "hold", "d.harker@example.org", "--kind", "sar", "--reference", "SAR-9")

    written = ok(
        config, "register", "sar-export", "d.harker@example.org", "-o", str(tmp_path / "sar")
    )
    assert "sar-customer-1.json" in written
    data = json.loads((tmp_path / "sar" / "sar-customer-1.json").read_text())
    html = (tmp_path / "sar" / "sar-customer-1.html").read_text()
    for text in (json.dumps(data), html):
        assert "crisis team" not in text and "staff view" not in text
        assert "Sol Icitor" not in text and "sol@law.example" not in text
    assert data["register"]["customer"]["staff_note"] == "[withheld: staff-only note]"
    assert data["register"]["representatives"][0]["kind"] == "solicitor"
    assert "Derek &lt;Harker&gt;" in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html
    assert {"case.viewed", "customer.sar_exported"} <= {a["action"] for a in data["audit"]}

    exported = ok(config, "register", "export")
    assert exported.splitlines()[1].startswith(f"{reference},Derek <Harker>,D.Harker@Example.org")

    assert "Audit log intact" in ok(config, "audit", "verify")
    with db.session_factory(engine)() as s, s.begin():
        s.execute(update(AuditRow).where(AuditRow.seq == 2).values(action="case.opened.quietly"))
    broken = run(config, "audit", "verify")
    assert broken.exit_code == 1 and "broken at row 2" in broken.output


def test_policy_refusals_are_clear(config: Path) -> None:
    out = ok(config, "register", "add", "Pat Example", "--email", "pat@example.org")
    reference = out.split()[1]
    refused = run(
        config,
        "register",
        "approve",
        reference,
        "--role",
        "signatory",
        "--name",
        "D",
        "--email",
        "d@council.example",
        "--title",
        "director",
    )
    assert refused.exit_code == 1
    assert "a signatory approval does not belong to monitoring" in str(refused.exception)
    refused = run(config, "register", "measure", "set", reference, "--divert", "--spoc", "jsmith")
    assert "e-mail diversion is a stage 2 measure" in str(refused.exception)
    refused = run(config, "register", "measure", "set", reference, "--spoc", "nobody")
    assert "no SPOC with id 'nobody'" in str(refused.exception)
