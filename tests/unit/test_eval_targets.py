"""The held-out evaluation: the committed models must meet the targets on it.

The held-out set is written independently of the rules and models and is never
used to build them; this test only reads it.
"""

from __future__ import annotations

import pytest

from mailrouter.classify import Classifier
from mailrouter.classify.evaluate import TARGETS, evaluate, format_table, load_examples
from mailrouter.classify.paths import HELDOUT, MODELS_DIR, PROJECT_ROOT

HELDOUT_PATH = PROJECT_ROOT / HELDOUT


@pytest.mark.skipif(not HELDOUT_PATH.is_file(), reason=f"{HELDOUT} is not present")
def test_heldout_targets() -> None:
    classifier = Classifier.load(MODELS_DIR)
    examples = load_examples(HELDOUT_PATH)
    scores, _ = evaluate(examples, lambda message: classifier.classify(message).labels)
    by_name = {row.name: row for row in scores}
    table = format_table(scores)
    for target in TARGETS:
        row = by_name[target.row]
        assert row.recall >= target.min_recall, table
        assert row.precision >= target.min_precision, table
