"""CSV output: one file per table, ``governance-<quarter>-<table>.csv``.

One file per table (rather than one "tidy" file) because each table has its
own columns and IG officers open them in a spreadsheet one at a time. Cells
starting with ``=``, ``+``, ``-`` or ``@`` get a leading apostrophe so a
hostile name cannot become a formula when the file is opened.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from mailrouter.reports.tables import Cell, Table, format_cell

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Cell) -> str:
    text = format_cell(value)
    if isinstance(value, str) and text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def write(tables: Sequence[Table], out_dir: Path, stem: str) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for table in tables:
        path = out_dir / f"{stem}-{table.key}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(table.columns)
            writer.writerows([_safe(cell) for cell in row] for row in table.rows)
        written.append(path)
    return written
