"""Maps TOML key paths to the line they are written on, for error messages.

``tomllib`` keeps no positions, so this reads the text once more, line by line,
tracking ``[table]`` and ``[[array]]`` headers. It only has to be good enough to
point an operator at the right line; the real parse is ``tomllib``'s.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)

KeyPath = tuple[str | int, ...]


def _split(dotted: str) -> list[str]:
    return [part.strip().strip("\"'") for part in dotted.split(".")]


class KeyLocator:
    def __init__(self, text: str) -> None:
        self._lines: dict[KeyPath, int] = {}
        array_counts: dict[tuple[str, ...], int] = {}
        table: KeyPath = ()
        for number, line in enumerate(text.splitlines(), start=1):
            header = _HEADER.match(line)
            if header:
                names = _split(header.group(2))
                if header.group(1) == "[[":
                    index = array_counts.get(tuple(names), -1) + 1
                    array_counts[tuple(names)] = index
                    table = (*names, index)
                else:
                    table = tuple(names)
                self._lines.setdefault(table, number)
                continue
            key = _KEY.match(line)
            if key:
                self._lines.setdefault((*table, *_split(key.group(1))), number)

    def line_of(self, path: KeyPath) -> int | None:
        """The line of ``path``, or of its nearest written ancestor; None if nothing matches."""
        for end in range(len(path), 0, -1):
            line = self._lines.get(path[:end])
            if line is not None:
                return line
        return None
