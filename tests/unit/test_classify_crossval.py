"""Leave-one-set-out plumbing on a tiny sample (the real run takes minutes and is
``mailrouter models crossval``, run by a person, never here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailrouter.classify.crossval import (
    Fold,
    build_classifier,
    crossval,
    format_folds,
    summarise,
    training_files,
)
from mailrouter.classify.evaluate import Score, load_examples
from mailrouter.classify.labels import Label
from mailrouter.classify.paths import PROJECT_ROOT
from mailrouter.commands.models import models

TRAIN = PROJECT_ROOT / "tests/data/council/train.jsonl"
DEV = PROJECT_ROOT / "tests/data/council/dev.jsonl"
PER_LABEL = 12


def _rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[Path]]:
    """A small project: every label (and none) in the base file, and two tiny sets."""
    root = tmp_path_factory.mktemp("project")
    rows = _rows(TRAIN)
    base: list[dict[str, object]] = [r for r in rows if not r["labels"]][:PER_LABEL]
    for label in Label:
        base += [r for r in rows if label.value in r["labels"]][:PER_LABEL]  # type: ignore[operator]
    dev = _rows(DEV)
    first = _write(root / "sets/a.jsonl", dev[:15])
    second = _write(root / "sets/b.jsonl", dev[15:35])
    return root, _write(root / "base.jsonl", base), [first, second]


def test_each_fold_learns_from_every_set_but_its_own() -> None:
    base, a, b, c = Path("t"), Path("a"), Path("b"), Path("c")
    assert training_files([base], [a, b, c], b) == [base, a, c]
    assert training_files([base], [a], a) == [base]


def test_crossval_scores_each_left_out_set(sample: tuple[Path, Path, list[Path]]) -> None:
    root, base, sets = sample
    seen: list[str] = []
    folds = crossval(root, sets, {}, base=[base], progress=seen.append)
    assert [fold.name for fold in folds] == ["a", "b"]
    assert len(seen) == len(sets)  # one classifier trained per fold
    for fold, path in zip(folds, sets, strict=True):
        examples = load_examples(path)
        rows = {row.name: row for row in fold.scores}
        for label in Label:
            assert rows[label.value].support == sum(label in e.labels for e in examples)
    table = format_folds(folds)
    assert "mean" in table and "worst" in table and "statutory" in table


def test_without_sets_trains_once(sample: tuple[Path, Path, list[Path]]) -> None:
    root, base, sets = sample
    seen: list[str] = []
    folds = crossval(root, sets, {}, base=[base], train_on_sets=False, progress=seen.append)
    assert len(folds) == 2 and len(seen) == 1


def test_fold_classifier_has_only_the_models_it_was_given(
    sample: tuple[Path, Path, list[Path]],
) -> None:
    root, base, _ = sample
    classifier = build_classifier(root, [base], {})
    assert classifier.council_model is not None
    assert classifier.threat_model is None and classifier.abuse_model is None


def test_summary_is_mean_and_worst_over_folds() -> None:
    folds = [
        Fold("x", (Score("threat", tp=9, fp=1, fn=1),)),
        Fold("y", (Score("threat", tp=6, fp=0, fn=4),)),
    ]
    (row,) = summarise(folds)
    assert row.mean_precision == pytest.approx(0.95) and row.worst_precision == 0.9
    assert row.mean_recall == pytest.approx(0.75) and row.worst_recall == 0.6


def test_cli_crossval_council_model_only(sample: tuple[Path, Path, list[Path]]) -> None:
    _, _, sets = sample
    args = ["crossval", "--no-public", "--set", str(sets[0]), "--set", str(sets[1])]
    result = CliRunner().invoke(models, args)
    assert result.exit_code == 0, result.output
    assert "precision/recall per left-out set" in result.output
    header = next(line for line in result.output.splitlines() if line.startswith("label"))
    assert header.split() == ["label", "a", "b", "mean", "worst"]
