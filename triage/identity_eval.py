"""Evaluation of identity matching on labelled pairs (``data/triage/name_pairs.jsonl``):
precision, recall and blocking recall per split, and the errors by kind.

``python -m triage.identity_eval [FILE]`` prints the evaluation for the dev and test splits.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from triage.identity import DATA_DIR, MATCH_THRESHOLD, IdentityRecord
from triage.identity_index import blocked_together
from triage.identity_score import score

PAIRS_FILE = DATA_DIR / "name_pairs.jsonl"


# --------------------------------------------------------------------------------------------
# Labelled pairs and evaluation


@dataclass(frozen=True)
class LabelledPair:
    id: str
    kind: str
    same: bool
    split: str
    a: IdentityRecord
    b: IdentityRecord


def _record_from_json(obj: dict, rid: str) -> IdentityRecord:
    dob = obj.get("date_of_birth")
    return IdentityRecord(
        id=rid, family_name=obj.get("family_name") or "", given_names=obj.get("given_names") or "",
        name_original=obj.get("name_original"),
        date_of_birth=date.fromisoformat(dob) if dob else None,
        birth_year=obj.get("birth_year"), nationality=obj.get("nationality") or "",
        sex=obj.get("sex") or "U", aliases=tuple(obj.get("aliases") or ()),
        name_kana=obj.get("name_kana"), name_kanji=obj.get("name_kanji"))


def load_pairs(path: str | Path = PAIRS_FILE, split: str | None = None) -> list[LabelledPair]:
    """The labelled pairs of ``name_pairs.jsonl`` (optionally one split)."""
    pairs = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.strip()
            if not line:
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:  # a line still being written
                continue
            if split is not None and obj.get("split") != split:
                continue
            pid = obj.get("id") or f"line-{n}"
            pairs.append(LabelledPair(pid, obj.get("kind", ""), bool(obj["same"]),
                                      obj.get("split", ""), _record_from_json(obj["a"], pid + "a"),
                                      _record_from_json(obj["b"], pid + "b")))
    return pairs


def evaluate_pairs(pairs: Iterable[LabelledPair],
                   threshold: float = MATCH_THRESHOLD) -> dict:
    """Precision, recall and F1 of ``score`` on labelled pairs, blocking recall, and the
    errors by kind (``errors[kind]`` = list of (pair id, score, reasons))."""
    tp = fp = fn = tn = 0
    same_total = blocked = 0
    errors: dict[str, list[tuple[str, float, tuple[str, ...]]]] = defaultdict(list)
    blocking_misses: list[str] = []
    by_kind: dict[str, Counter] = defaultdict(Counter)
    for p in pairs:
        m = score(p.a, p.b, threshold)
        by_kind[p.kind]["n"] += 1
        if p.same:
            same_total += 1
            if blocked_together(p.a, p.b):
                blocked += 1
            else:
                blocking_misses.append(p.id)
            if m.same:
                tp += 1
            else:
                fn += 1
                by_kind[p.kind]["errors"] += 1
                errors[p.kind].append((p.id, m.score, m.reasons))
        else:
            if m.same:
                fp += 1
                by_kind[p.kind]["errors"] += 1
                errors[p.kind].append((p.id, m.score, m.reasons))
            else:
                tn += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "n": tp + fp + fn + tn, "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        "precision": precision, "recall": recall, "f1": f1,
        "blocking_recall": blocked / same_total if same_total else 1.0,
        "blocking_misses": blocking_misses,
        "threshold": threshold,
        "kinds": {k: dict(v) for k, v in sorted(by_kind.items())},
        "errors": dict(errors),
    }


def format_report(report: dict, label: str = "") -> str:
    lines = [f"{label}n={report['n']} precision {report['precision']:.3f} recall "
             f"{report['recall']:.3f} F1 {report['f1']:.3f} blocking recall "
             f"{report['blocking_recall']:.3f} (tp {report['tp']} fp {report['fp']} "
             f"fn {report['fn']} tn {report['tn']}, threshold {report['threshold']})"]
    for kind, c in report["kinds"].items():
        if c.get("errors"):
            lines.append(f"  {kind:32} {c['errors']}/{c['n']} wrong")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    path = Path(argv[0]) if argv else PAIRS_FILE
    for split in ("dev", "test"):
        print(format_report(evaluate_pairs(load_pairs(path, split)), f"{split}: "))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = [
    "PAIRS_FILE",
    "LabelledPair",
    "evaluate_pairs",
    "format_report",
    "load_pairs",
]
