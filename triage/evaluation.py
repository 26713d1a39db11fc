"""Evaluation of the whole triage (pipeline, classifier and sorting rules) on the fixed test
split, and of the identity matcher on the name-pair test split.

Figures: precision, recall and F1 per category; macro F1 over A, B, C and D (D1 and D2 as one);
the confusion matrix with an ABSTAIN column; the abstention rate; for Category B the average
precision of p(B), the recall at precision 0.90, precision re-weighted to a 1% prior and the
calibration error of the classifier; bootstrap 95% intervals. An abstention counts against
recall (the case was not sorted) but never as a wrong B. The same headline figures (B precision
and recall, macro F1, C recall) are given for each language apart, and for Japanese on the
held-out Japanese writer alone (``triage.split.WRITER_SIDES``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import average_precision_score, precision_recall_curve

from triage.corpus import Record
from triage.engine import Suggestion, TriageInput, Triager

CATEGORIES = ("A", "B", "C", "D1", "D2")
GROUPED = ("A", "B", "C", "D")
B_PRIOR = 0.01


def to_input(record: Record) -> TriageInput:
    return TriageInput(
        narrative=record.narrative, nationality=record.nationality,
        application_number=record.application_number,
        previous_narratives=record.previous_narratives,
        status_of_residence=record.status_of_residence,
        activities_ceased=record.activities_ceased,
        reasonable_grounds_materials=record.reasonable_grounds_materials,
    )


def _group(category: str) -> str:
    return "D" if category in ("D1", "D2") else category


def _prf(gold: Sequence[str], pred: Sequence[str], label: str) -> tuple[float, float, float, int]:
    tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == label and p == label)
    predicted = sum(1 for p in pred if p == label)
    actual = sum(1 for g in gold if g == label)
    precision = tp / predicted if predicted else 0.0
    recall = tp / actual if actual else 0.0
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return precision, recall, f1, actual


def macro_f1(gold: Sequence[str], pred: Sequence[str]) -> float:
    g = [_group(x) for x in gold]
    p = [_group(x) for x in pred]
    return float(np.mean([_prf(g, p, label)[2] for label in GROUPED]))


def calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error: the gap between confidence and accuracy, weighted by the
    share of cases in each confidence bin."""
    if len(confidence) == 0:
        return 0.0
    edges = np.linspace(0.0, 1.0, bins + 1)
    total = 0.0
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        inside = (confidence > low) & (confidence <= high) if low > 0 else (confidence <= high)
        if inside.any():
            total += inside.mean() * abs(confidence[inside].mean() - correct[inside].mean())
    return float(total)


@dataclass
class Outcome:
    records: list[Record]
    suggestions: list[Suggestion]

    @property
    def gold(self) -> list[str]:
        return [r.category for r in self.records]

    @property
    def predicted(self) -> list[str]:
        return [s.category for s in self.suggestions]


def run(triager: Triager, records: Sequence[Record]) -> Outcome:
    return Outcome(list(records), triager.suggest_many([to_input(r) for r in records]))


def ranked_p_b(suggestion: Suggestion) -> float:
    """p(B) to rank by: a text the model did not read ranks as not B."""
    return 0.0 if suggestion.p_b is None else suggestion.p_b


def _b_scores(outcome: Outcome) -> np.ndarray:
    return np.array([ranked_p_b(s) for s in outcome.suggestions])


def b_figures(gold: Sequence[str], pred: Sequence[str]) -> dict[str, float]:
    tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == "B" and p == "B")
    fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != "B" and p == "B")
    positives = sum(1 for g in gold if g == "B")
    negatives = len(gold) - positives
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / positives if positives else 0.0
    fpr = fp / negatives if negatives else 0.0
    at_prior = (recall * B_PRIOR / (recall * B_PRIOR + fpr * (1 - B_PRIOR))
                if recall or fpr else 0.0)
    return {"precision": precision, "recall": recall, "tp": tp, "fp": fp,
            "false_positive_rate": fpr, "precision_at_1pct_prior": at_prior}


def bootstrap(gold: list[str], pred: list[str], *, rounds: int = 1000, seed: int = 7
              ) -> dict[str, tuple[float, float]]:
    rng = np.random.default_rng(seed)
    n = len(gold)
    g = np.array(gold)
    p = np.array(pred)
    stats: dict[str, list[float]] = {"b_precision": [], "b_recall": [], "macro_f1": [],
                                     "abstention_rate": []}
    for _ in range(rounds):
        idx = rng.integers(0, n, n)
        gs, ps = g[idx].tolist(), p[idx].tolist()
        b = b_figures(gs, ps)
        if b["tp"] + b["fp"]:
            stats["b_precision"].append(b["precision"])
        stats["b_recall"].append(b["recall"])
        stats["macro_f1"].append(macro_f1(gs, ps))
        stats["abstention_rate"].append(float(np.mean(p[idx] == "ABSTAIN")))
    return {k: (float(np.percentile(v, 2.5)), float(np.percentile(v, 97.5)))
            for k, v in stats.items() if v}


def language_figures(gold: Sequence[str], pred: Sequence[str], *, rounds: int = 1000
                     ) -> dict:
    """The headline figures of one part of the test split (a language, a writer)."""
    b = b_figures(gold, pred)
    _, c_recall, _, c_support = _prf(gold, pred, "C")
    return {"n": len(gold), "b_precision": b["precision"], "b_recall": b["recall"],
            "b_tp": b["tp"], "b_fp": b["fp"], "b_support": sum(1 for g in gold if g == "B"),
            "macro_f1_abcd": macro_f1(gold, pred), "c_recall": c_recall,
            "c_support": c_support,
            "abstention_rate": float(np.mean([p == "ABSTAIN" for p in pred])) if pred else 0.0,
            "accuracy": (float(np.mean([g == p for g, p in zip(gold, pred, strict=True)]))
                         if gold else 0.0),
            "bootstrap_95": bootstrap(list(gold), list(pred), rounds=rounds) if gold else {}}


def _by_language(outcome: Outcome, rounds: int) -> dict[str, dict]:
    from triage.split import WRITER_SIDES

    parts: dict[str, list[int]] = {}
    for i, r in enumerate(outcome.records):
        parts.setdefault(r.language, []).append(i)
        if r.language == "ja" and WRITER_SIDES.get(r.author) == "test":
            parts.setdefault(f"ja, held-out writer {r.author}", []).append(i)
    gold, pred = outcome.gold, outcome.predicted
    return {name: language_figures([gold[i] for i in ix], [pred[i] for i in ix],
                                   rounds=rounds)
            for name, ix in sorted(parts.items())}


def report(outcome: Outcome, *, rounds: int = 1000) -> dict:
    gold, pred = outcome.gold, outcome.predicted
    per_category = {}
    for label in CATEGORIES:
        precision, recall, f1, support = _prf(gold, pred, label)
        per_category[label] = {"precision": precision, "recall": recall, "f1": f1,
                               "support": support}
    grouped = {}
    for label in GROUPED:
        precision, recall, f1, support = _prf([_group(x) for x in gold],
                                              [_group(x) for x in pred], label)
        grouped[label] = {"precision": precision, "recall": recall, "f1": f1,
                          "support": support}
    columns = list(CATEGORIES) + ["NA", "ABSTAIN"]
    confusion = Counter(zip(gold, pred, strict=True))
    matrix = {g: {p: confusion.get((g, p), 0) for p in columns} for g in CATEGORIES}

    # Category B as a scored detector: p(B) over the non-repeat applications (a repeat's
    # category is decided by the comparison with the earlier claim, not by p(B)).
    first = [i for i, r in enumerate(outcome.records) if r.application_number == 1
             and r.language == "en"]
    scores = _b_scores(outcome)
    y_b = np.array([outcome.records[i].basis == "b" for i in first])
    s_b = scores[first]
    ap = float(average_precision_score(y_b, s_b)) if y_b.any() else 0.0
    precision_curve, recall_curve, _ = precision_recall_curve(y_b, s_b)
    ok = precision_curve >= 0.90
    recall_at_90 = float(recall_curve[ok].max()) if ok.any() else 0.0
    # Calibration of the classifier's p(B) and of the top basis class.
    ece_b = calibration_error(s_b, y_b.astype(float))
    top_conf, top_correct = [], []
    for i in first:
        s, r = outcome.suggestions[i], outcome.records[i]
        if not s.probabilities:  # a text the model did not read
            continue
        best = max(s.probabilities, key=s.probabilities.get)
        truth = f"b_{r.b_reason}" if r.basis == "b" else r.basis
        top_conf.append(s.probabilities[best])
        top_correct.append(float(best == truth))
    ece_top = calibration_error(np.array(top_conf), np.array(top_correct))

    answered = [i for i, p in enumerate(pred) if p != "ABSTAIN"]
    b_true = [i for i, (g, p) in enumerate(zip(gold, pred, strict=True)) if g == "B" and p == "B"]
    b_reason_correct = sum(1 for i in b_true
                           if outcome.suggestions[i].b_reason == outcome.records[i].b_reason)

    def slice_accuracy(key) -> dict[str, dict[str, float]]:
        groups: dict[str, list[int]] = {}
        for i, r in enumerate(outcome.records):
            k = key(r)
            if k:
                groups.setdefault(k, []).append(i)
        return {k: {"n": len(ix),
                    "accuracy": float(np.mean([gold[i] == pred[i] for i in ix])),
                    "abstained": float(np.mean([pred[i] == "ABSTAIN" for i in ix])),
                    "wrong_b": int(sum(1 for i in ix if pred[i] == "B" and gold[i] != "B"))}
                for k, ix in sorted(groups.items())}

    return {
        "n": len(gold),
        "per_category": per_category,
        "grouped": grouped,
        "macro_f1_abcd": macro_f1(gold, pred),
        "confusion": matrix,
        "abstention_rate": float(np.mean([p == "ABSTAIN" for p in pred])),
        "accuracy_answered": (float(np.mean([gold[i] == pred[i] for i in answered]))
                              if answered else 0.0),
        "b": {**b_figures(gold, pred), "average_precision": ap,
              "recall_at_precision_90": recall_at_90, "calibration_error": ece_b,
              "sub_reason_accuracy": b_reason_correct / len(b_true) if b_true else 0.0},
        "basis_calibration_error": ece_top,
        "bootstrap_95": bootstrap(gold, pred, rounds=rounds),
        "by_author": slice_accuracy(lambda r: r.author),
        "by_voice": slice_accuracy(lambda r: r.voice),
        "hard_cases": slice_accuracy(lambda r: "hard case" if r.hard_case else "ordinary"),
        "by_language": slice_accuracy(lambda r: r.language),
        "languages": _by_language(outcome, rounds),
        "third_or_later": {
            "n": sum(1 for s in outcome.suggestions if s.third_or_later),
            "exception_applies": sum(1 for s in outcome.suggestions
                                     if s.third_or_later_exception),
        },
    }


def format_report(data: dict, identity: dict | None = None) -> str:
    """The report as Markdown, as `workbench triage evaluate` prints and saves it."""
    lines = [f"## Triage on the held-out split ({data['n']} applications)", ""]
    ci = data["bootstrap_95"]

    def interval(key: str) -> str:
        if key not in ci:
            return ""
        low, high = ci[key]
        return f" (95% CI {low:.3f}–{high:.3f})"

    b = data["b"]
    lines += [
        f"- Category B precision **{b['precision']:.3f}**{interval('b_precision')}, "
        f"recall **{b['recall']:.3f}**{interval('b_recall')} "
        f"({b['tp']} right, {b['fp']} wrong B)",
        f"- Macro F1 over A/B/C/D **{data['macro_f1_abcd']:.3f}**{interval('macro_f1')}",
        f"- Abstention rate **{data['abstention_rate']:.3f}**{interval('abstention_rate')}; "
        f"accuracy of the answered cases {data['accuracy_answered']:.3f}",
        f"- p(B) on first applications: average precision {b['average_precision']:.3f}, "
        f"recall at precision 0.90 {b['recall_at_precision_90']:.3f}, calibration error "
        f"{b['calibration_error']:.3f}; basis classifier calibration error "
        f"{data['basis_calibration_error']:.3f}",
        f"- B precision re-weighted to a 1% prior: {b['precision_at_1pct_prior']:.3f} "
        f"(false-positive rate {b['false_positive_rate']:.4f})",
        f"- B sub-reason right on {b['sub_reason_accuracy']:.3f} of the correct B suggestions",
    ]
    languages = data.get("languages") or {}
    if languages:
        lines += ["", "Each language apart (Japanese also on its held-out writer alone):", "",
                  "| | n | B precision | B recall | right / wrong B | macro F1 | C recall "
                  "| abstained |", "|---|---|---|---|---|---|---|---|"]
        for name, row in languages.items():
            ci = row.get("bootstrap_95", {})

            def cell(value: float, key: str) -> str:
                if key in ci:  # noqa: B023
                    low, high = ci[key]  # noqa: B023
                    return f"{value:.3f} ({low:.2f}–{high:.2f})"
                return f"{value:.3f}"

            lines.append(
                f"| {name} | {row['n']} | {cell(row['b_precision'], 'b_precision')} | "
                f"{cell(row['b_recall'], 'b_recall')} | {row['b_tp']} / {row['b_fp']} of "
                f"{row['b_support']} | {cell(row['macro_f1_abcd'], 'macro_f1')} | "
                f"{row['c_recall']:.3f} of {row['c_support']} | "
                f"{row['abstention_rate']:.3f} |")
    lines += [
        "",
        "| category | precision | recall | F1 | support |",
        "|---|---|---|---|---|",
    ]
    for label, row in data["per_category"].items():
        lines.append(f"| {label} | {row['precision']:.3f} | {row['recall']:.3f} | "
                     f"{row['f1']:.3f} | {row['support']} |")
    row = data["grouped"]["D"]
    lines.append(f"| D (D1+D2) | {row['precision']:.3f} | {row['recall']:.3f} | "
                 f"{row['f1']:.3f} | {row['support']} |")
    columns = list(next(iter(data["confusion"].values())))
    lines += ["", "Confusion (rows: correct category; columns: suggestion)", "",
              "| | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for gold, row in data["confusion"].items():
        lines.append(f"| **{gold}** | " + " | ".join(str(row[c]) for c in columns) + " |")
    for title, key in (("By writer", "by_author"), ("By voice", "by_voice"),
                       ("Boundary cases", "hard_cases"), ("By language", "by_language")):
        lines += ["", f"{title}:", "", "| | n | accuracy | abstained | wrong B |",
                  "|---|---|---|---|---|"]
        for name, row in data[key].items():
            lines.append(f"| {name} | {row['n']} | {row['accuracy']:.3f} | "
                         f"{row['abstained']:.3f} | {row['wrong_b']} |")
    if identity:
        lines += ["", f"## Identity matching on the name-pair test split ({identity['n']} pairs)",
                  "", f"- precision {identity['precision']:.3f}, recall {identity['recall']:.3f},"
                  f" F1 **{identity['f1']:.3f}**; blocking finds the true match for "
                  f"**{identity['blocking_recall']:.3f}** of same-person pairs"]
        misses = {k: len(v) for k, v in identity.get("errors", {}).items() if v}
        if misses:
            lines.append("- errors by kind: " + ", ".join(f"{k} {v}" for k, v in
                                                           sorted(misses.items())))
    return "\n".join(lines) + "\n"


# --- the real decisions' test part ---------------------------------------------------------

REAL_PRIORS = (0.01, 0.07)


def _at_prior(recall: float, fpr: float, prior: float) -> float:
    if not recall and not fpr:
        return 0.0
    return recall * prior / (recall * prior + fpr * (1 - prior))


def _real_figures(y: np.ndarray, score: np.ndarray, chosen: np.ndarray) -> dict[str, float]:
    tp = int((chosen & y).sum())
    fp = int((chosen & ~y).sum())
    positives, negatives = int(y.sum()), int((~y).sum())
    recall = tp / positives if positives else 0.0
    fpr = fp / negatives if negatives else 0.0
    out = {"precision": tp / (tp + fp) if tp + fp else 0.0, "recall": recall, "tp": tp,
           "fp": fp, "false_positive_rate": fpr}
    if positives and negatives:
        out["average_precision"] = float(average_precision_score(y, score))
        precision_curve, recall_curve, _ = precision_recall_curve(y, score)
        ok = precision_curve >= 0.90
        out["recall_at_precision_90"] = float(recall_curve[ok].max()) if ok.any() else 0.0
    for prior in REAL_PRIORS:
        out[f"precision_at_{round(prior * 100)}pct_prior"] = _at_prior(recall, fpr, prior)
    return out


def real_report(triager: Triager, claims: Sequence, *, rounds: int = 1000,
                seed: int = 7) -> dict:
    """Category B on real decisions (``triage.realset.RealClaim``), run exactly as ``triage
    batch`` runs them (narrative and nationality only): precision and recall of the B
    suggestions, average precision and recall at precision 0.90 of p(B), precision at a 1 %
    and a 7 % B prior, bootstrap 95 % intervals, and the errors by voice and by length."""
    from triage.realset import length_bin

    suggestions = triager.suggest_many([TriageInput(narrative=c.narrative,
                                                    nationality=c.nationality)
                                        for c in claims])
    y = np.array([c.is_b for c in claims])
    score = np.array([ranked_p_b(s) for s in suggestions])
    chosen = np.array([s.category == "B" for s in suggestions])
    figures = _real_figures(y, score, chosen)
    rng = np.random.default_rng(seed)
    samples: dict[str, list[float]] = {}
    for _ in range(rounds):
        idx = rng.integers(0, len(y), len(y))
        if not y[idx].any() or y[idx].all():
            continue
        one = _real_figures(y[idx], score[idx], chosen[idx])
        for key in ("recall", "average_precision", "recall_at_precision_90",
                    "precision_at_1pct_prior", "precision_at_7pct_prior"):
            samples.setdefault(key, []).append(one[key])
        if one["tp"] + one["fp"]:
            samples.setdefault("precision", []).append(one["precision"])
    intervals = {k: (float(np.percentile(v, 2.5)), float(np.percentile(v, 97.5)))
                 for k, v in samples.items() if v}

    def slices(key) -> dict[str, dict[str, float]]:  # noqa: ANN001
        groups: dict[str, list[int]] = {}
        for i, c in enumerate(claims):
            groups.setdefault(key(c), []).append(i)
        return {k: {"n": len(ix), "b": int(y[ix].sum()),
                    "wrong_b": int((chosen[ix] & ~y[ix]).sum()),
                    "missed_b": int((~chosen[ix] & y[ix]).sum()),
                    "abstained": int(sum(suggestions[i].category == "ABSTAIN" for i in ix))}
                for k, ix in sorted(groups.items())}

    # The same decisions read in a wider cut (procedure, identity and travel beside the
    # story): how much the figures depend on what the text holds besides the allegations.
    wide_texts = [getattr(c, "wide", None) or c.narrative for c in claims]
    wide_cut = None
    if any(w != c.narrative for w, c in zip(wide_texts, claims, strict=True)):
        wide = triager.suggest_many([TriageInput(narrative=w, nationality=c.nationality)
                                     for w, c in zip(wide_texts, claims, strict=True)])
        wide_cut = _real_figures(y, np.array([ranked_p_b(s) for s in wide]),
                                 np.array([s.category == "B" for s in wide]))
        wide_cut["median_chars"] = int(np.median([len(w) for w in wide_texts]))
    return {"n": len(claims), "b_count": int(y.sum()), "b": figures, "bootstrap_95": intervals,
            "wide_cut": wide_cut,
            "median_chars": int(np.median([len(c.narrative) for c in claims])),
            "by_voice": slices(lambda c: c.voice),
            "by_length": slices(lambda c: length_bin(c.narrative)),
            "categories": dict(Counter(s.category for s in suggestions)),
            "years": sorted({c.year for c in claims})}


def format_real(data: dict, baseline: dict | None = None) -> str:
    """The real decisions' section of the report (and the comparison with the model it would
    replace, which decides whether the new one ships)."""
    from triage.realset import ATTRIBUTION

    b, ci = data["b"], data["bootstrap_95"]

    def show(key: str, source: dict = b, intervals: dict = ci) -> str:
        value = source.get(key)
        if value is None:
            return "n/a"
        if key in intervals:
            low, high = intervals[key]
            return f"**{value:.3f}** ({low:.3f}–{high:.3f})"
        return f"**{value:.3f}**"

    lines = [f"## Real decisions, test part ({data['n']} decisions of "
             f"{', '.join(map(str, data['years']))}; {data['b_count']} outside the Convention)",
             "",
             "Run as `triage batch` runs them: allegations only, narrative and nationality. "
             f"Decisions from: {ATTRIBUTION}.", "",
             "| figure | this model (95% CI) |" + (" replaced model |" if baseline else ""),
             "|---|---|" + ("---|" if baseline else "")]
    for label, key in (("B precision at the operating point", "precision"),
                       ("B recall at the operating point", "recall"),
                       ("average precision of p(B)", "average_precision"),
                       ("recall at precision 0.90", "recall_at_precision_90"),
                       ("B precision at a 1% prior", "precision_at_1pct_prior"),
                       ("B precision at a 7% prior", "precision_at_7pct_prior")):
        row = f"| {label} | {show(key)} |"
        if baseline:
            row += f" {show(key, baseline['b'], baseline['bootstrap_95'])} |"
        lines.append(row)
    lines.append(f"| B suggested (right / wrong) | {b['tp']} / {b['fp']} |" + (
        f" {baseline['b']['tp']} / {baseline['b']['fp']} |" if baseline else ""))
    if baseline:
        ours = data["b"].get("average_precision", 0.0)
        theirs = baseline["b"].get("average_precision", 0.0)
        verdict = ("no worse than the model it replaces: it may ship" if ours >= theirs
                   and data["b"]["precision"] >= baseline["b"]["precision"] - 1e-9
                   or ours >= theirs + 0.05 else
                   "WORSE than the model it replaces on the real set: do not ship it")
        lines += ["", f"Against the replaced model ({baseline.get('model_version', '?')}): "
                  f"**{verdict}**."]
    wide = data.get("wide_cut")
    if wide:
        lines += ["", f"Read in a wider cut (everything before the analysis: identity, travel "
                  f"and procedure beside the allegations; median {wide['median_chars']:,} "
                  f"characters against {data.get('median_chars', 0):,}): average precision "
                  f"{wide.get('average_precision', 0.0):.3f}, B suggested {wide['tp']} right "
                  f"/ {wide['fp']} wrong. The triage reads a claim's story; a text that holds "
                  f"much else scores lower."]
    for title, key in (("Errors by voice", "by_voice"), ("Errors by length", "by_length")):
        lines += ["", f"{title}:", "", "| | n | B | wrong B | missed B | abstained |",
                  "|---|---|---|---|---|---|"]
        for name, row in data[key].items():
            lines.append(f"| {name} | {row['n']} | {row['b']} | {row['wrong_b']} | "
                         f"{row['missed_b']} | {row['abstained']} |")
    return "\n".join(lines) + "\n"
