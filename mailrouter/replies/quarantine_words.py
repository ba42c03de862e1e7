"""Why a quarantined draft was not held, in words a SPOC understands, and what to do. Pure.

Ingestion and routing write quarantine reasons for operators ("more than 500
MIME parts (limits.max_parts)"); a SPOC needs to know what about their draft
was wrong and how to send it so that it is held. Each reason part (ingestion
joins several with "; ") is matched against the reasons ``parsing``,
``mimescan`` and ``routing`` write; an unknown one still gets a plain answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RESAVE = "then save it in the capture folder again."
READ_FAILED = (
    "it could not be read as an e-mail (it may be damaged, or made by a program that does "
    "not write standard e-mail)",
    f"Write the reply again as a new message in your usual e-mail program, {RESAVE}",
)
UNKNOWN = (
    "mailrouter could not take it in",
    f"Write the reply again as a new message in your usual e-mail program, {RESAVE}",
)


@dataclass(frozen=True, slots=True)
class Explanation:
    why: str  # completes "Your draft was NOT held because ..."
    advice: str


def _size_words(count: str) -> str:
    n = int(count)
    return f"{n / 1_000_000:.1f} MB" if n >= 1_000_000 else f"{max(1, round(n / 1000))} KB"


def _size(found: re.Match[str]) -> tuple[str, str]:
    return (
        f"it is too large ({_size_words(found['size'])}; the largest mailrouter accepts is "
        f"{_size_words(found['limit'])})",
        "Take out large attachments or make them smaller (or share the files another way), "
        + RESAVE,
    )


def _parts(found: re.Match[str]) -> tuple[str, str]:
    return (
        f"it has too many attachments and parts (more than {found['limit']})",
        "Send fewer attachments (for example, combine them into one PDF), " + RESAVE,
    )


def _depth(found: re.Match[str]) -> tuple[str, str]:
    return (
        f"it has e-mails attached inside e-mails more than {found['limit']} levels deep",
        "Write the reply again without attaching forwarded e-mails, " + RESAVE,
    )


def _slow(_found: re.Match[str]) -> tuple[str, str]:
    return (
        "it is too complicated for mailrouter to read in the time allowed",
        "Write the reply again as a simpler message with fewer attachments, " + RESAVE,
    )


def _header(_found: re.Match[str]) -> tuple[str, str]:
    return (
        "its header is far larger than an ordinary e-mail's",
        "Write the reply as a new message rather than answering a long forwarded chain, " + RESAVE,
    )


def _empty(_found: re.Match[str]) -> tuple[str, str]:
    return ("it is empty", "Write the reply, " + RESAVE)


def _unreadable(_found: re.Match[str]) -> tuple[str, str]:
    return READ_FAILED


def _internal(_found: re.Match[str]) -> tuple[str, str]:
    return (
        "mailrouter hit an error while taking it in",
        "Save it in the capture folder again; if it comes back again, tell the mailrouter "
        "administrators, who can see the error.",
    )


RULES = (
    (
        re.compile(r"message is (?P<size>\d+) bytes, over the limit of (?P<limit>\d+)"),
        _size,
    ),
    (re.compile(r"more than (?P<limit>\d+) MIME parts"), _parts),
    (re.compile(r"MIME nesting deeper than (?P<limit>\d+)"), _depth),
    (re.compile(r"parsing took longer than"), _slow),
    (re.compile(r"header section is over"), _header),
    (re.compile(r"^empty message$"), _empty),
    (
        re.compile(r"not an e-mail message|unreadable headers|unreadable MIME structure"),
        _unreadable,
    ),
    (re.compile(r"^routing failed"), _internal),
)


def explain(reason: str | None) -> Explanation:
    """The SPOC's explanation of a quarantine ``reason``, each distinct problem once."""
    whys: list[str] = []
    advice: list[str] = []
    text = (reason or "").strip()
    # A routing error's own text may hold semicolons: it is one reason.
    parts = [text] if text.startswith("routing failed") else text.split(";")
    for part in (p.strip() for p in parts):
        if not part:
            continue
        found = next(((m, say) for rule, say in RULES if (m := rule.search(part))), None)
        why, todo = found[1](found[0]) if found else UNKNOWN
        if why not in whys:
            whys.append(why)
        if todo not in advice:
            advice.append(todo)
    if not whys:
        whys, advice = [UNKNOWN[0]], [UNKNOWN[1]]
    return Explanation("; and ".join(whys), " ".join(advice))
