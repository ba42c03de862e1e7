"""What every match of a cue's pattern must begin with: a cheap pre-check.

Most cues begin at a word boundary with one of a few words (``\\b(?:kill|murder)``,
``\\bI\\s+will``). From the parsed pattern we work out, for every way a match
can begin, the first ``ANCHOR_LENGTH`` letters of its first word, or the whole
word if it is shorter ("i", "my"), casefolded. If no word in a text starts with
any of them, the cue cannot match there and is not run (see ``cues.find``).

This is conservative: any construct it does not follow (a lookbehind, ``\\w*``
before three letters, an optional first letter) makes ``anchors`` return None,
and the cue is always run. It reads the parse tree of ``re``'s own (private)
parser; if that ever changes shape, every cue is simply always run.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from typing import Any

ANCHOR_LENGTH = 3
Paths = frozenset[str]
Item = tuple[Any, Any]

try:  # private and untyped: only ever read here, never relied on for results
    sre: Any = importlib.import_module("re._constants")
    sre_parse: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - another Python
    sre = sre_parse = None

_START = "^"  # a path that has not yet passed a word boundary
_END = "$"  # a path whose first word ended before ANCHOR_LENGTH letters


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _open(paths: Paths) -> Paths:
    return frozenset(p for p in paths if len(p) < ANCHOR_LENGTH and not p.endswith(_END))


def _letters(item: Item) -> set[str] | None:
    """The casefolded characters ``item`` matches, if it is a literal or a set of them."""
    op, arg = item
    options = [item] if op is sre.LITERAL else list(arg) if op is sre.IN else []
    if not options or any(kind is not sre.LITERAL for kind, _ in options):
        return None
    return {chr(code).casefold() for _, code in options}


def _separates(item: Item) -> bool:
    """Whether ``item`` matches only non-word characters (or a word boundary)."""
    op, arg = item
    if op is sre.AT:
        return bool(arg is sre.AT_BOUNDARY)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        return bool(arg[0] >= 1 and all(_separates(sub) for sub in arg[2]))
    if op is sre.IN:
        categories = (sre.CATEGORY_SPACE, sre.CATEGORY_NOT_WORD)
        return all(
            (kind is sre.CATEGORY and value in categories)
            or (kind is sre.LITERAL and not _is_word(chr(value)))
            for kind, value in arg
        )
    letters = _letters(item)
    return letters is not None and not any(_is_word(char) for char in letters)


def _nested(item: Item, paths: Paths) -> Paths | None:
    """Paths through a group, an alternation or a repeated item (at least once)."""
    op, arg = item
    if op is sre.SUBPATTERN:
        return _extend(arg[3], paths)
    if op is sre.BRANCH:
        branches = [_extend(branch, paths) for branch in arg[1]]
        if any(branch is None for branch in branches):
            return None
        return frozenset().union(*[branch for branch in branches if branch is not None])
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and arg[0] >= 1:
        found = _extend(arg[2], paths)
        # After one repetition, more may follow: only finished paths are certain.
        return None if found is None or _open(found) else found
    return None


def _first(item: Item, unfinished: Paths, done: Paths) -> Paths | None:
    """Before the first word boundary: only the boundary itself, or a group holding it."""
    op, arg = item
    if unfinished != {_START}:
        return None
    if op is sre.AT and arg is sre.AT_BOUNDARY:
        return done | {""}
    found = _nested(item, unfinished) if op is sre.SUBPATTERN or op is sre.BRANCH else None
    return None if found is None else done | found


def _step(item: Item, paths: Paths) -> Paths | None:
    """The paths after ``item``, or None if a match could begin otherwise."""
    unfinished = _open(paths)
    done = paths - unfinished
    if _START in unfinished:
        return _first(item, unfinished, done)
    if _separates(item):
        return None if "" in unfinished else done | {p + _END for p in unfinished}
    letters = _letters(item)
    if letters is None:
        found = _nested(item, unfinished)
    elif all(_is_word(char) for char in letters):
        found = frozenset(p + char for p in unfinished for char in letters)
    else:
        found = None
    return None if found is None else done | found


def _extend(items: Sequence[Item], paths: Paths) -> Paths | None:
    """Every way the text matched so far, then by ``items``, can begin."""
    for item in items:
        if not _open(paths):
            return paths
        found = _step(item, paths)
        if found is None:
            return None
        paths = found
    return paths


def anchors(pattern: str) -> Paths | None:
    """What every match of ``pattern`` (compiled with IGNORECASE) begins with; None
    if that cannot be worked out, and the pattern must always be run."""
    if sre_parse is None:
        return None
    try:
        parsed = sre_parse.parse(pattern, re.IGNORECASE)
    except re.error:
        return None
    paths = _extend(list(parsed), frozenset({_START}))
    if paths is None or _open(paths):
        return None
    return frozenset(p.removesuffix(_END) for p in paths)
