"""Reading bulk FETCH answers: framing by literals, and errors that never quote mail.

The server here is a recorded byte stream (what Dovecot sends is covered by the
contract tests against a real Dovecot); these cover answers a healthy server
does not give.
"""

from __future__ import annotations

import imaplib
import io

import pytest

from mailrouter.sources import imap_bulk


class Recorded:
    """imaplib's ``send``/``readline``/``read`` over a fixed answer; the tag is predicted."""

    def __init__(self, answer: bytes) -> None:
        self.untagged_responses: dict[str, list[bytes]] = {}
        self.sent: list[bytes] = []
        self._answer = answer

    def send(self, data: bytes) -> None:
        self.sent.append(data)
        tag = data.split(b" ", 1)[0]
        self._stream = io.BytesIO(self._answer.replace(b"TAG", tag))

    def readline(self) -> bytes:
        return self._stream.readline()

    def read(self, size: int) -> bytes:
        return self._stream.read(size)


def test_a_body_that_looks_like_protocol_is_just_its_literal() -> None:
    body = b"* 9 FETCH (UID 99 BODY[] {3}\r\nA001 OK\r\n"
    answer = b"* 1 FETCH (UID 7 BODY[] {%d}\r\n%s)\r\nTAG OK done\r\n" % (len(body), body)
    fetched = imap_bulk.bodies(Recorded(answer), [7])
    assert fetched.found == {7: body}
    assert not fetched.announced


def test_new_mail_announced_meanwhile_is_reported() -> None:
    answer = b"* 1 FETCH (UID 7 RFC822.SIZE 10)\r\n* 2 EXISTS\r\nTAG OK done\r\n"
    fetched = imap_bulk.sizes(Recorded(answer), [7])
    assert fetched.found == {7: 10}
    assert fetched.announced


def test_an_out_of_step_line_is_an_abort_that_quotes_nothing() -> None:
    answer = b"* 1 FETCH (UID 7 BODY[] {2}\r\nhi)\r\nDear council, my secret\r\nTAG OK\r\n"
    with pytest.raises(imaplib.IMAP4.abort) as caught:
        imap_bulk.bodies(Recorded(answer), [7])
    assert "secret" not in str(caught.value)
    assert "Dear" not in str(caught.value)


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (b"* 1 FETCH (UID 7 BODY[] {50}\r\nshort", imaplib.IMAP4.abort),
        (b"* BYE shutting down\r\n", imaplib.IMAP4.abort),
        (b"", imaplib.IMAP4.abort),
        (b"TAG NO [SERVERBUG] no\r\n", imaplib.IMAP4.error),
    ],
)
def test_broken_answers_raise(answer: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        imap_bulk.bodies(Recorded(answer), [7])
