"""Where models and data live, relative to the project (never an absolute path).

The project root is the directory holding the ``mailrouter`` package; the
shared data sits beside it in ``../shared`` and is only read, by training.
"""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
MODELS_DIR = PROJECT_ROOT / "models"
SHARED_DIR = PROJECT_ROOT.parent / "shared"
HELDOUT = Path("tests/data/eval/heldout.jsonl")
