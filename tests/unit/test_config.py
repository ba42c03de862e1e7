"""Config loading: the example is valid, and every problem is reported with key and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailrouter import config
from mailrouter.cli import cli
from mailrouter.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config" / "mailrouter.example.toml"

BAD = """\
[general]
timezone = "Europe/London"

[smtp]
port = "twenty-five"

[digest]
tme = "08:00"

[[mailboxes]]
name = "intake"
username = "intake@council.example"
password_env = "MR_TEST_INTAKE_PASSWORD"
"""


def test_example_config_is_valid() -> None:
    settings = config.load(EXAMPLE, environ={})
    assert settings.general.timezone == "Europe/London"
    assert [s.id for s in settings.spocs] == ["jsmith", "akhan"]


def test_example_mailbox_block_is_valid_when_uncommented() -> None:
    """The commented-out mailbox documents real keys: uncommented, it must load."""
    text = EXAMPLE.read_text()
    start = text.index("# [[mailboxes]]")
    end = text.index("# One [[spocs]] table")
    block = "\n".join(
        line[2:] if re.match(r"# (\[\[|[a-z_]+ = )", line) else line
        for line in text[start:end].splitlines()
    )
    settings = config.loads(
        text[:start] + block + "\n" + text[end:],
        {"MAILROUTER_CUSTOMER_SERVICES_PASSWORD": "pw"},
    )
    (mailbox,) = settings.mailboxes
    assert mailbox.name == "customer-services"
    assert mailbox.password.reveal() == "pw"
    assert "pw" not in repr(mailbox)


def test_every_problem_is_named_with_its_line() -> None:
    with pytest.raises(ConfigError) as caught:
        config.loads(BAD, environ={}, filename="bad.toml")
    problems = caught.value.problems
    assert len(problems) == 3, problems
    joined = "\n".join(problems)
    assert "bad.toml:5: smtp.port: expected an integer" in joined
    assert "bad.toml:8: digest.tme: unknown key" in joined
    assert "bad.toml:13: mailboxes[0].password_env: environment variable" in joined
    assert "MR_TEST_INTAKE_PASSWORD is not set" in joined


def test_secrets_in_the_file_are_refused(tmp_path: Path) -> None:
    text = '[smtp]\npassword = "hunter2"\n'
    with pytest.raises(ConfigError) as caught:
        config.loads(text, environ={})
    assert "smtp.password: secrets are not allowed" in caught.value.problems[0]
    assert "hunter2" not in str(caught.value)


def test_secret_from_file_relative_to_config(tmp_path: Path) -> None:
    (tmp_path / "smtp.secret").write_text("s3cret\n")
    (tmp_path / "c.toml").write_text('[smtp]\npassword_file = "smtp.secret"\n')
    settings = config.load(tmp_path / "c.toml", environ={})
    assert settings.smtp.password is not None
    assert settings.smtp.password.reveal() == "s3cret"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[general]\ntimezone = "Mars/Olympus"\n', "general.timezone: unknown time zone"),
        ('[general]\nnation = "wales"\n', "general.nation: must be one of"),
        ('[digest]\ntime = "8am"\n', "digest.time: expected HH:MM"),
        ("[policy]\nmax_review_interval_months = 9\n", "the policy requires a review within 6"),
        ("[limits]\nmax_parts = 0\n", "limits.max_parts: must be positive"),
        ('[database]\nurl = "mysql://x"\n', "database.url: only sqlite"),
        ('[[spocs]]\nid = "a"\nname = "A"\nemail = "a@x"\ndeputy = "zz"\n', "no SPOC with id"),
        ("mailboxes = 3\n", "mailboxes: expected a list"),
        ("[general\n", "not valid TOML"),
        ('[[mailboxes]]\nname = "x"\n', "mailboxes[0].username: required key is missing"),
    ],
)
def test_bad_values_are_explained(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config.loads(text, environ={})
    assert expected in "\n".join(caught.value.problems)


def test_cli_check_config_ok_and_failing(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(cli, ["check-config", str(EXAMPLE)])
    assert ok.exit_code == 0, ok.output
    assert "OK" in ok.output
    bad = tmp_path / "bad.toml"
    bad.write_text(BAD)
    result = runner.invoke(cli, ["check-config", str(bad)], env={"MR_TEST_INTAKE_PASSWORD": None})
    assert result.exit_code != 0
    assert isinstance(result.exception, ConfigError)
    assert len(result.exception.problems) == 3


def test_relative_sqlite_path_is_made_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = config.loads('[database]\nurl = "sqlite:///var/x.sqlite3"\n', environ={})
    assert settings.database_url() == f"sqlite:///{tmp_path}/var/x.sqlite3"
