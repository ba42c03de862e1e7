from __future__ import annotations

from mailrouter.text import excerpt, html_to_text

PLAIN = b"From: a@example.org\r\nSubject: x\r\n\r\nPlease send me the figures.\r\n"
HTML_ONLY = (
    b"From: a@example.org\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
    b"<html><head><script>alert(1)</script><style>p{}</style></head>"
    b"<body><p>I know where you park.</p><img src=x onerror=alert(2)></body></html>"
)
ALTERNATIVE = (
    b"From: a@example.org\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/alternative; boundary="b"\r\n\r\n'
    b"--b\r\nContent-Type: text/html\r\n\r\n<b>html</b>\r\n"
    b"--b\r\nContent-Type: text/plain; charset=latin-1\r\n"
    b"Content-Transfer-Encoding: quoted-printable\r\n\r\nCaf=E9 bins\r\n--b--\r\n"
)


def test_plain() -> None:
    assert excerpt(PLAIN).strip() == "Please send me the figures."


def test_html_reduced_to_text_without_script() -> None:
    text = excerpt(HTML_ONLY)
    assert "I know where you park." in text
    assert "alert" not in text and "<" not in text


def test_plain_part_preferred_and_decoded() -> None:
    assert excerpt(ALTERNATIVE).strip() == "Café bins"


def test_unknown_charset_does_not_fail() -> None:
    raw = b"Content-Type: text/plain; charset=x-klingon\r\n\r\nqapla\xff\r\n"
    assert excerpt(raw).startswith("qapla")


def test_capped() -> None:
    raw = b"Subject: x\r\n\r\n" + b"a" * 50_000
    assert len(excerpt(raw, max_chars=100)) == 100


def test_html_to_text_keeps_line_breaks() -> None:
    assert html_to_text("<p>one</p><p>two</p>").split() == ["one", "two"]
