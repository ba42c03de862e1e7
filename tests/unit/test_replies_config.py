"""[[spocs]] capture keys: capture folders are watched, and mistakes name their key."""

from __future__ import annotations

import pytest

from mailrouter import config
from mailrouter.errors import ConfigError

MAILBOX = """
[[mailboxes]]
name = "jane"
username = "jane"
password_env = "PW"
security = "none"
folders = ["INBOX"]
"""


def load(spoc_keys: str) -> config.Settings:
    text = f'{MAILBOX}\n[[spocs]]\nid = "jsmith"\nname = "Jane"\nemail = "jane@council.example"\n'
    return config.loads(text + spoc_keys, {"PW": "secret"})


def problems(spoc_keys: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load(spoc_keys)
    return str(caught.value)


def test_a_capture_folder_is_watched_and_owned() -> None:
    settings = load('capture_mailbox = "jane"\ncapture_folder = "Managed contact/Outbox"\n')
    assert settings.mailboxes[0].folders == ("INBOX", "Managed contact/Outbox")
    (spoc,) = settings.capture_owners("jane", "Managed contact/Outbox")
    assert (spoc.queued_folder, spoc.rejected_folder) == (
        "Managed contact/Outbox/Queued",
        "Managed contact/Outbox/Not held",
    )
    assert settings.capture_owners("jane", "INBOX") == ()
    # Already listed: watched once.
    again = config.Settings(mailboxes=settings.mailboxes, spocs=settings.spocs)
    assert again.mailboxes[0].folders == ("INBOX", "Managed contact/Outbox")


def test_capture_mistakes_name_their_key() -> None:
    assert "spocs[0].capture_mailbox: no [[mailboxes]] entry named 'nobody'" in problems(
        'capture_mailbox = "nobody"\ncapture_folder = "Outbox"\n'
    )
    assert "spocs[0].capture_folder: required with capture_mailbox" in problems(
        'capture_mailbox = "jane"\n'
    )
    assert "spocs[0].capture_mailbox: no [[mailboxes]] entry named ''" in problems(
        'sent_folder = "Sent"\n'
    )
    assert "spocs[0].capture_folder: must differ from the mailbox's managed_folder" in problems(
        'capture_mailbox = "jane"\ncapture_folder = "Managed contact"\n'
    )
    assert "spocs[0].capture_queued_folder: must differ from capture_folder" in problems(
        'capture_mailbox = "jane"\ncapture_folder = "Out"\ncapture_queued_folder = "Out"\n'
    )
