"""Where models and data live, relative to the project (never an absolute path).

The project root is the directory holding the ``mailrouter`` package; the
shared data sits beside it in ``../shared`` and is only read, by training.
"""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MODELS_DIR = PROJECT_ROOT / "models"
SHARED_DIR = PROJECT_ROOT.parent / "shared"
# The held-out set the targets are measured on: heldout-6, written blind and evaluated
# once on the finished detectors. Never study it, train on it or tune against it; the
# next change to the detectors needs a new blind set (and this one joins those below).
HELDOUT = Path("tests/data/eval/heldout-6.jsonl")
# The fifth held-out set: evaluated once, blind, then studied and used to train.
DEV_HELDOUT_5 = Path("tests/data/eval/heldout-5.jsonl")
# The fourth held-out set: evaluated once, blind, then studied and used to train.
DEV_HELDOUT_4 = Path("tests/data/eval/heldout-4.jsonl")
# The third held-out set: evaluated once, blind, then its misses and false alarms
# were studied, so it is development data now.
DEV_HELDOUT_3 = Path("tests/data/eval/heldout-3.jsonl")
# The second held-out set: its misses were studied, so it is development data now.
DEV_HELDOUT_2 = Path("tests/data/eval/heldout-2.jsonl")
# The first held-out set: read while developing, so it is development data now.
DEV_HELDOUT = Path("tests/data/eval/heldout.jsonl")
# Every set read while developing: reported, never a measure of new mail. Each was
# written by a different person at a different time, so leaving one out of training
# and scoring it (``mailrouter models crossval``) measures how the method generalises.
DEVELOPMENT_SETS = (DEV_HELDOUT, DEV_HELDOUT_2, DEV_HELDOUT_3, DEV_HELDOUT_4, DEV_HELDOUT_5)
