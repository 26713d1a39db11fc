"""Training: fit the claim-basis model on the training split and tune the decision thresholds
on out-of-fold predictions, never on the test split.

Folds are grouped like the split (writer+template and near-duplicate groups), so the
out-of-fold probabilities behave like predictions on unseen writing and the thresholds are not
tuned on texts the fold's model has seen a near copy of.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold

from triage import model as model_mod
from triage import nlp
from triage.corpus import Record
from triage.cues import default_lexicon
from triage.features import nexus_sentences
from triage.model import B_CLASSES, BasisModel, Thresholds
from triage.novelty import compare

#: Out-of-fold precision the B threshold must reach.
B_TARGET_PRECISION = 0.95
#: Share of true B claims allowed to fall below the "not B" threshold.
B_MISS_ALLOWED = 0.05


def basis_label(record: Record) -> str:
    return f"b_{record.b_reason}" if record.basis == "b" else record.basis


@dataclass
class TrainingResult:
    model: BasisModel
    oof_p_b: np.ndarray
    labels: list[str]
    notes: list[str]


def _tune_b(p_b: np.ndarray, is_b: np.ndarray, vetoed: np.ndarray) -> Thresholds:
    accept = 0.95
    for t in np.round(np.arange(0.40, 0.96, 0.01), 2):
        chosen = (p_b >= t) & ~vetoed
        if chosen.sum() >= 5 and is_b[chosen].mean() >= B_TARGET_PRECISION:
            accept = float(t)
            break
    b_scores = np.sort(p_b[is_b])
    floor = float(b_scores[int(len(b_scores) * B_MISS_ALLOWED)]) if len(b_scores) else 0.3
    reject = float(np.clip(np.floor(floor * 100) / 100, 0.15, accept - 0.05))
    return Thresholds(b_accept=accept, b_reject=reject, min_confidence=0.5)


def _tune_novelty(records: Sequence[Record]) -> dict[str, float]:
    repeats = [r for r in records if r.application_number >= 2 and r.previous_narratives]
    if not repeats:
        return {"repeated": 0.55, "reworded": 0.33}
    docs = list(nlp.analyse_many([r.narrative for r in repeats]))
    earlier = [list(nlp.analyse_many(r.previous_narratives)) for r in repeats]
    truth = np.array([r.new_circumstances is False for r in repeats])
    best, best_score = (0.55, 0.33), -1.0
    for repeated in (0.45, 0.5, 0.55, 0.6, 0.65):
        for reworded in (0.2, 0.25, 0.3, 0.35, 0.4):
            if reworded >= repeated:
                continue
            pred = np.array([not compare(d, e, repeated=repeated, reworded=reworded)
                             .has_material_news for d, e in zip(docs, earlier, strict=True)])
            tp = (pred & truth).sum()
            precision = tp / pred.sum() if pred.sum() else 0.0
            recall = tp / truth.sum() if truth.sum() else 0.0
            f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
            if f1 > best_score:
                best, best_score = (repeated, reworded), f1
    return {"repeated": best[0], "reworded": best[1], "train_c_f1": round(best_score, 4)}


def fit_repeat(records: Sequence[Record], novelty: dict[str, float]):
    """The repeat-claim classifier: 1 = no material new facts (Category C)."""
    from sklearn.linear_model import LogisticRegression

    from triage.novelty import pair_features

    repeats = [r for r in records if r.application_number >= 2 and r.previous_narratives
               and r.new_circumstances is not None]
    if len({r.new_circumstances for r in repeats}) < 2:
        return None
    rows = []
    for r in repeats:
        doc = nlp.analyse(r.narrative)
        earlier = list(nlp.analyse_many(r.previous_narratives))
        nov = compare(doc, earlier, repeated=novelty["repeated"], reworded=novelty["reworded"])
        rows.append(pair_features(doc, earlier, nov))
    y = np.array([1 if r.new_circumstances is False else 0 for r in repeats])
    classifier = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced")
    classifier.fit(np.asarray(rows), y)
    return classifier


def train(records: Sequence[Record], groups: dict[str, str], *,
          progress: Callable[[str], None] = lambda _: None, folds: int = 5,
          c: float = 4.0, estimator: str = "logistic") -> TrainingResult:
    labels = [basis_label(r) for r in records]
    progress(f"Reading {len(records)} training narratives")
    docs = list(nlp.analyse_many([r.narrative for r in records]))
    group_ids = [groups.get(r.id, r.id) for r in records]
    y = np.asarray(labels)
    oof = np.zeros((len(records), len(model_mod.BASIS_CLASSES)))
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=13)
    for fold, (fit_idx, held_idx) in enumerate(splitter.split(docs, y, group_ids), start=1):
        progress(f"Cross-validation fold {fold}/{folds}")
        fold_model = model_mod.fit([docs[i] for i in fit_idx], y[fit_idx].tolist(), c=c,
                                   estimator=estimator)
        oof[held_idx] = fold_model.predict_proba([docs[i] for i in held_idx])
    b_columns = [model_mod.BASIS_CLASSES.index(k) for k in B_CLASSES]
    p_b = oof[:, b_columns].sum(axis=1)
    is_b = np.array([lab.startswith("b_") for lab in labels])
    vetoed = np.array([bool(nexus_sentences(d._.cues or [])) for d in docs])
    thresholds = _tune_b(p_b, is_b, vetoed)
    progress("Tuning the repeat-claim comparison")
    novelty = _tune_novelty(records)
    progress("Fitting the repeat-claim classifier")
    repeat = fit_repeat(records, novelty)
    progress("Fitting the final model on the whole training split")
    final = model_mod.fit(docs, labels, c=c, cues_version=default_lexicon().version,
                          estimator=estimator)
    final.thresholds = thresholds
    final.novelty = novelty
    final.repeat = repeat
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    final.version = "triage-{}-{}".format(stamp, model_mod.fingerprint(
        sorted(r.id for r in records), labels, c, estimator, default_lexicon().version,
        nlp.PIPELINE_VERSION, novelty))
    final.trained_on = {
        "records": len(records),
        "record_ids": sorted(r.id for r in records),
        "by_label": {lab: labels.count(lab) for lab in sorted(set(labels))},
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "c": c,
        "estimator": estimator,
        "folds": folds,
        "oof_b_precision_at_accept": _precision(p_b, is_b, vetoed, thresholds.b_accept),
    }
    notes = [f"B accepted at p(B) >= {thresholds.b_accept:.2f}, rejected below "
             f"{thresholds.b_reject:.2f} (abstain between)",
             f"repeat comparison: repeated >= {novelty['repeated']}, "
             f"reworded >= {novelty['reworded']}"]
    return TrainingResult(final, p_b, labels, notes)


def _precision(p_b: np.ndarray, is_b: np.ndarray, vetoed: np.ndarray, t: float) -> float:
    chosen = (p_b >= t) & ~vetoed
    return round(float(is_b[chosen].mean()), 4) if chosen.any() else 0.0
