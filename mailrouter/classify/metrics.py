"""Binary precision/recall/F1/AUC for model sidecars."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sklearn.metrics import precision_recall_fscore_support, roc_auc_score


def binary_metrics(
    truth: Sequence[bool], scores: Iterable[float], threshold: float = 0.5
) -> dict[str, float]:
    scores = [float(score) for score in scores]
    predicted = [score >= threshold for score in scores]
    precision, recall, f1, _ = precision_recall_fscore_support(
        truth, predicted, average="binary", zero_division=0
    )
    auc = roc_auc_score(truth, scores) if len(set(truth)) == 2 else float("nan")
    return {
        "precision": round(float(precision), 4),
        "recall": round(float(recall), 4),
        "f1": round(float(f1), 4),
        "roc_auc": round(float(auc), 4),
        "support": float(sum(truth)),
        "n": float(len(truth)),
    }
