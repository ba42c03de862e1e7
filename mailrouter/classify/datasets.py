"""Readers for the training corpora (read-only, beside the project in ``../shared``).

Every reader yields ``(text, positive)`` pairs in file order, so training sees
the same data in the same order every time. Formats, from each README:

- Davidson et al. 2017 (MIT), ``labeled_data.csv``: ``class`` 0 hate, 1 offensive, 2 neither.
- OLID / OffensEval 2019 (CC BY 4.0), TSV with ``subtask_a`` OFF/NOT; the test
  set's labels are in ``labels-levela.csv``.
- ThreatGram 101 (CC BY 4.0), JSON list with ``reply`` and ``Label``: 2 is a
  threat or call for violence, 1 a call for legal punishment, 0 neither.
  The threat model also reads a third of Davidson's offensive tweets as negatives.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from mailrouter.classify.evaluate import load_examples
from mailrouter.classify.labels import Label

ABUSE_DIR = Path("data/abuse")
DAVIDSON = ABUSE_DIR / "davidson/labeled_data.csv"
OLID_TRAIN = ABUSE_DIR / "olid/olid-training-v1.0.tsv"
OLID_TEST = ABUSE_DIR / "olid/testset-levela.tsv"
OLID_TEST_LABELS = ABUSE_DIR / "olid/labels-levela.csv"
THREATGRAM = ABUSE_DIR / "threatgram/Labeled_15076.json"
THREATGRAM_THREAT = 2
ABUSE_NEGATIVE_STRIDE = 3


@dataclass(frozen=True, slots=True)
class Sample:
    text: str
    positive: bool
    source: str


def davidson(shared: Path) -> Iterator[Sample]:
    with (shared / DAVIDSON).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            yield Sample(row["tweet"], row["class"] in ("0", "1"), "davidson")


def davidson_offensive(shared: Path) -> Iterator[Sample]:
    """Offensive (not hateful) tweets as *negatives* for the threat model: swearing and
    insults are abuse, not threats. Every third one, so they do not swamp the threats."""
    with (shared / DAVIDSON).open(encoding="utf-8", newline="") as handle:
        offensive = (row["tweet"] for row in csv.DictReader(handle) if row["class"] == "1")
        for index, text in enumerate(offensive):
            if index % ABUSE_NEGATIVE_STRIDE == 0:
                yield Sample(text, False, "davidson-offensive")


def _olid_rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)


def olid(shared: Path) -> Iterator[Sample]:
    for row in _olid_rows(shared / OLID_TRAIN):
        yield Sample(row["tweet"], row["subtask_a"] == "OFF", "olid")
    with (shared / OLID_TEST_LABELS).open(encoding="utf-8", newline="") as handle:
        gold = {row[0]: row[1] for row in csv.reader(handle) if len(row) == 2}
    for row in _olid_rows(shared / OLID_TEST):
        if row["id"] in gold:
            yield Sample(row["tweet"], gold[row["id"]] == "OFF", "olid")


def threatgram(shared: Path) -> Iterator[Sample]:
    rows = json.loads((shared / THREATGRAM).read_text(encoding="utf-8"))
    for row in rows:
        yield Sample(str(row["reply"]), int(row["Label"]) == THREATGRAM_THREAT, "threatgram")


def council(path: Path, label: Label) -> Iterator[Sample]:
    """Our own council-style examples: positive when ``label`` is among an example's labels."""
    for example in load_examples(path):
        text = f"{example.message.subject}\n{example.message.body}"
        yield Sample(text, label in example.labels, "council")
