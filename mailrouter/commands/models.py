"""`mailrouter models train|evaluate|crossval`: the classifier's models, trained by a person.

The daemon only loads models; training reads the public corpora in ``../shared``
and our council examples, and writes ``models/<name>-<version>.joblib`` with a
JSON sidecar that the loader verifies.
"""

from __future__ import annotations

from pathlib import Path

import click

from mailrouter.classify.classifier import Classifier
from mailrouter.classify.crossval import crossval as run_crossval
from mailrouter.classify.crossval import format_folds, read_public
from mailrouter.classify.evaluate import evaluate as run_evaluation
from mailrouter.classify.evaluate import format_table, load_examples, missed_targets
from mailrouter.classify.model import ModelError
from mailrouter.classify.paths import (
    DEVELOPMENT_SETS,
    HELDOUT,
    MODELS_DIR,
    PROJECT_ROOT,
    SHARED_DIR,
)
from mailrouter.classify.train import train_all

_DIR = click.Path(file_okay=False, path_type=Path)


@click.group("models")
def models() -> None:
    """Train and evaluate the statutory-request and safety classifier's models."""


@models.command("train")
@click.option("--data-dir", type=_DIR, help="The shared data directory (default: ../shared).")
@click.option("--models-dir", type=_DIR, help="Where to write models (default: models/).")
def train(data_dir: Path | None, models_dir: Path | None) -> None:
    """Train every model from the public corpora and our council examples."""
    shared = data_dir or SHARED_DIR
    if not (shared / "data" / "abuse").is_dir():
        raise click.ClickException(f"no data/abuse under {shared}; pass --data-dir")
    reports = train_all(shared, PROJECT_ROOT, models_dir or MODELS_DIR, click.echo)
    for report in reports:
        click.echo(f"{report.joblib_path.name}: {report.size_bytes / 1e6:.2f} MB")
        for split, figures in report.metrics.items():
            summary = ", ".join(f"{key} {value:g}" for key, value in figures.items())
            click.echo(f"  {split}: {summary}")


@models.command("evaluate")
@click.option(
    "--data",
    "data_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"Labelled JSONL (default: {HELDOUT}; "
    + ", ".join(str(path) for path in DEVELOPMENT_SETS)
    + " are development data).",
)
@click.option("--models-dir", type=_DIR, help="Where the models are (default: models/).")
@click.option("--check", is_flag=True, help="Exit 1 if a precision or recall target is missed.")
@click.option("--show-misses", is_flag=True, help="List each example whose labels differ.")
def evaluate(
    data_path: Path | None, models_dir: Path | None, check: bool, show_misses: bool
) -> None:
    """Print per-label precision, recall, F1 and support, and the grouped statutory row."""
    path = data_path or PROJECT_ROOT / HELDOUT
    if not path.is_file():
        raise click.ClickException(f"{path}: no such file")
    try:
        classifier = Classifier.load(models_dir or MODELS_DIR)
    except ModelError as exc:
        raise click.ClickException(str(exc)) from exc
    examples = load_examples(path)
    scores, misses = run_evaluation(examples, lambda message: classifier.classify(message).labels)
    used = any(path.resolve() == (PROJECT_ROOT / dev).resolve() for dev in DEVELOPMENT_SETS)
    note = " (used for development)" if used else ""
    click.echo(f"{path.name}{note}: {len(examples)} messages")
    click.echo(format_table(scores))
    if show_misses:
        for example, predicted in misses:
            truth = ",".join(sorted(example.labels)) or "-"
            got = ",".join(sorted(predicted)) or "-"
            click.echo(f"  {example.id}: expected {truth}, got {got}")
    problems = missed_targets(scores)
    for problem in problems:
        click.echo(f"target missed: {problem}", err=True)
    if check and problems:
        # SystemExit, not click's Exit: the top-level CLI runs click with
        # standalone_mode=False, which would turn Exit into a return value.
        raise SystemExit(1)


@models.command("crossval")
@click.option("--data-dir", type=_DIR, help="The shared data directory (default: ../shared).")
@click.option(
    "--without-sets",
    is_flag=True,
    help="Train on train.jsonl alone, never on a held-out set (the method before they were).",
)
@click.option(
    "--set",
    "set_paths",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="A labelled set to leave out in turn (repeatable; default: every development set).",
)
@click.option("--no-public", is_flag=True, help="Council model only (quick; rules plus one model).")
def crossval(
    data_dir: Path | None, without_sets: bool, set_paths: tuple[Path, ...], no_public: bool
) -> None:
    """Leave-one-set-out: train without each held-out set in turn and score it.

    Slow (minutes): for a person changing the detectors, never for CI."""
    sets = [path.resolve() for path in set_paths] or [PROJECT_ROOT / p for p in DEVELOPMENT_SETS]
    missing = [str(path) for path in sets if not path.is_file()]
    if missing:
        raise click.ClickException(f"no such file: {', '.join(missing)}")
    shared = data_dir or SHARED_DIR
    if not no_public and not (shared / "data" / "abuse").is_dir():
        raise click.ClickException(f"no data/abuse under {shared}; pass --data-dir or --no-public")
    public = {} if no_public else read_public(shared)
    folds = run_crossval(
        PROJECT_ROOT, sets, public, train_on_sets=not without_sets, progress=click.echo
    )
    click.echo("precision/recall per left-out set:")
    click.echo(format_folds(folds))
