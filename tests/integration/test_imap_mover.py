"""ImapMover against a real Dovecot: batch MOVE, repeats, UIDVALIDITY changes, missing mail."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest
from imapclient import IMAPClient

from mailrouter.actions.mailbox import ImapMover
from mailrouter.config import MailboxSettings, Secret
from mailrouter.domain import MoveToFolder
from mailrouter.errors import PermanentError, TransientError
from mailrouter.testing.servers import free_port
from tests.conftest import ImapAccount

MANAGED = "Managed contact"


def eml(n: int) -> bytes:
    return (
        f"From: Customer <customer@example.org>\r\nTo: staff@council.example\r\n"
        f"Subject: Message {n}\r\nMessage-ID: <m{n}@example.org>\r\n\r\nBody {n}\r\n"
    ).encode()


@pytest.fixture
def client(imap_account: ImapAccount) -> Iterator[IMAPClient]:
    imap = IMAPClient(imap_account.host, port=imap_account.port, ssl=False, timeout=10)
    imap.login(imap_account.username, imap_account.password)
    yield imap
    imap.logout()


def settings_for(account: ImapAccount, password: str | None = None) -> MailboxSettings:
    return MailboxSettings(
        name="intake",
        username=account.username,
        password=Secret(password or account.password),
        host=account.host,
        port=account.port,
        security="none",
    )


def append(client: IMAPClient, raw: bytes, folder: str = "INBOX") -> str:
    """Append and return the source key "{uidvalidity}:{uid}" from APPENDUID."""
    response = client.append(folder, raw)
    found = re.search(rb"APPENDUID (\d+) (\d+)", response)
    assert found, response
    return f"{int(found[1])}:{int(found[2])}"


def action(n: int, source_key: str, folder: str = "INBOX") -> MoveToFolder:
    return MoveToFolder(
        message_key=f"intake:{source_key}",
        message_pk=n,
        mailbox="intake",
        folder=folder,
        source_key=source_key,
        message_id=f"<m{n}@example.org>",
        target=MANAGED,
    )


def subjects(client: IMAPClient, folder: str) -> list[str]:
    client.select_folder(folder, readonly=True)
    uids = client.search()
    data = client.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (SUBJECT)]"]) if uids else {}
    return sorted(
        v[b"BODY[HEADER.FIELDS (SUBJECT)]"].decode().strip().removeprefix("Subject: ")
        for v in data.values()
    )


def test_batch_moves_into_a_created_folder_and_a_repeat_is_harmless(
    imap_account: ImapAccount, client: IMAPClient
) -> None:
    keys = [append(client, eml(n)) for n in range(3)]
    append(client, eml(99))  # someone else's mail stays put
    mover = ImapMover([settings_for(imap_account)])
    actions = [action(n, key) for n, key in enumerate(keys)]

    results = mover.move(actions)

    assert [(r.action, r.moved, r.note) for r in results] == [(a, True, None) for a in actions]
    assert subjects(client, MANAGED) == ["Message 0", "Message 1", "Message 2"]
    assert subjects(client, "INBOX") == ["Message 99"]
    again = mover.move(actions)
    assert [(r.moved, r.note) for r in again] == [(False, None)] * 3, "found in the target"
    assert subjects(client, MANAGED) == ["Message 0", "Message 1", "Message 2"]


def test_without_move_copies_and_expunges_only_those_uids(
    imap_account: ImapAccount, client: IMAPClient
) -> None:
    key = append(client, eml(1))
    append(client, eml(2))
    results = ImapMover([settings_for(imap_account)], use_move=False).move([action(1, key)])
    assert results[0].moved
    assert subjects(client, MANAGED) == ["Message 1"]
    assert subjects(client, "INBOX") == ["Message 2"]


def test_uidvalidity_change_falls_back_to_the_message_id(
    imap_account: ImapAccount, client: IMAPClient
) -> None:
    client.create_folder("Housing")
    old_key = append(client, eml(5), "Housing")
    # Rebuilding the folder gives it a new UIDVALIDITY: the old UID means nothing now.
    client.delete_folder("Housing")
    client.create_folder("Housing")
    append(client, eml(6), "Housing")
    new_key = append(client, eml(5), "Housing")
    assert new_key.split(":")[0] != old_key.split(":")[0]

    (result,) = ImapMover([settings_for(imap_account)]).move([action(5, old_key, "Housing")])

    assert result.moved
    assert subjects(client, MANAGED) == ["Message 5"]
    assert subjects(client, "Housing") == ["Message 6"]


def test_a_message_a_person_moved_or_deleted_is_done_with_a_note(
    imap_account: ImapAccount, client: IMAPClient
) -> None:
    key = append(client, eml(7))
    client.select_folder("INBOX")
    client.delete_messages(client.search())
    client.expunge()
    (result,) = ImapMover([settings_for(imap_account)]).move([action(7, key)])
    assert not result.moved
    assert result.note is not None
    assert "moved or deleted by a person" in result.note


def test_a_missing_source_folder_is_not_an_error(imap_account: ImapAccount) -> None:
    (result,) = ImapMover([settings_for(imap_account)]).move([action(8, "1:1", "Gone")])
    assert not result.moved
    assert result.note is not None


def test_refused_login_is_transient_and_logged_once(
    imap_account: ImapAccount, caplog: pytest.LogCaptureFixture
) -> None:
    mover = ImapMover([settings_for(imap_account, password="changed")])
    with caplog.at_level(logging.ERROR, logger="mailrouter.actions.mailbox"):
        for _ in range(2):
            with pytest.raises(TransientError, match="login refused"):
                mover.move([action(1, "1:1")])
    assert [r.message for r in caplog.records].count(
        "imap.login_failed mailbox=intake user="
        f"{imap_account.username}: moves wait until the password works"
    ) == 1
    assert "changed" not in caplog.text


def test_unreachable_server_is_transient_and_unknown_mailbox_permanent(
    imap_account: ImapAccount,
) -> None:
    dead = MailboxSettings(
        name="intake", username="u", password=Secret("p"), port=free_port(), security="none"
    )
    with pytest.raises(TransientError):
        ImapMover([dead], timeout=2).move([action(1, "1:1")])
    with pytest.raises(PermanentError, match="no IMAP mailbox"):
        ImapMover([]).move([action(1, "1:1")])


def test_a_message_moved_out_and_back_is_found_by_its_message_id(
    imap_account: ImapAccount, client: IMAPClient
) -> None:
    key = append(client, eml(4))
    client.create_folder("Later")
    client.select_folder("INBOX")
    client.move(client.search(), "Later")
    client.select_folder("Later")
    client.move(client.search(), "INBOX")
    (result,) = ImapMover([settings_for(imap_account)]).move([action(4, key)])
    assert result.moved
    assert subjects(client, MANAGED) == ["Message 4"]
    assert subjects(client, "INBOX") == []
