"""Triage robustness to how a narrative arrives: the same claims in another layout.

    .venv/bin/python benchmarks/bench_triage_layout.py

A claim copied out of a PDF, an e-mail or a word processor reaches the triage hard-wrapped,
with Windows line ends, numbered paragraphs or no-break spaces; none of that changes what the
claim says, so none of it should change the suggestion. For each way of laying the text out,
this prints the share of suggestions whose category changes and how far p(B) moves (mean and
largest), against the same texts as written:

- English: the allegations of the real decisions' training part (../shared/real-claims, read
  in place; skipped without it), else the project's English narratives;
- Japanese: the project's Japanese first-application narratives (wrapped anywhere, as
  Japanese is, even inside a word).

No label is read: this measures only whether the layout moves the suggestion.
"""

from __future__ import annotations

import re
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._common import machine  # noqa: E402
from triage import corpus, realset  # noqa: E402
from triage.engine import TriageInput, Triager  # noqa: E402


def _english() -> tuple[str, list[tuple[str, str | None]]]:
    if realset.available():
        claims = [c for c in realset.build() if c.part == "train"]
        return (f"{len(claims)} real allegations (training part)",
                [(c.narrative, c.nationality) for c in claims])
    records = [r for r in corpus.load() if r.language == "en" and r.application_number == 1]
    return (f"{len(records)} English narratives",
            [(r.narrative, r.nationality) for r in records])


def _japanese() -> tuple[str, list[tuple[str, str | None]]]:
    records = [r for r in corpus.load() if r.language == "ja" and r.application_number == 1]
    return (f"{len(records)} Japanese narratives",
            [(r.narrative, r.nationality) for r in records])


def _wrap_en(text: str, width: int) -> str:
    return "\n".join("\n".join(textwrap.wrap(par, width)) for par in text.split("\n"))


def _wrap_ja(text: str, width: int) -> str:
    return "\n".join("\n".join(par[i:i + width] for i in range(0, len(par), width))
                     for par in text.split("\n"))


ENGLISH: dict[str, Callable[[str], str]] = {
    "hard-wrapped at 80 characters": lambda t: _wrap_en(t, 80),
    "hard-wrapped at 60, Windows line ends": lambda t: _wrap_en(t, 60).replace("\n", "\r\n"),
    "no-break spaces (first 50 spaces)": lambda t: t.replace(" ", "\u00a0", 50),
    "numbered paragraphs ([10], [11], …)": lambda t: "\n".join(
        f"[{i + 10}] {p}" for i, p in enumerate(t.split("\n"))),
    "blank line between paragraphs": lambda t: t.replace("\n", "\n\n"),
    "all on one line": lambda t: re.sub(r"\s+", " ", t),
}
JAPANESE: dict[str, Callable[[str], str]] = {
    "wrapped every 35 characters": lambda t: _wrap_ja(t, 35),
    "wrapped every 20 characters": lambda t: _wrap_ja(t, 20),
    "Windows line ends": lambda t: t.replace("\n", "\r\n"),
}


def _suggest(triager: Triager, items: Sequence[tuple[str, str | None]]
             ) -> tuple[np.ndarray, np.ndarray]:
    out = triager.suggest_many([TriageInput(narrative=t, nationality=n) for t, n in items])
    return (np.array([s.category for s in out]),
            np.array([0.0 if s.p_b is None else s.p_b for s in out]))


def main() -> None:
    print(machine())
    triager = Triager.from_files()
    print(f"model {triager.model.version}, rules {triager.rules.version}")
    for (label, items), variants in ((_english(), ENGLISH), (_japanese(), JAPANESE)):
        base_category, base_p = _suggest(triager, items)
        print(f"\n{label}: {np.mean(base_category == 'B'):.3f} suggested B as written")
        print("| layout | category changed | mean |Δp(B)| | largest |Δp(B)| |")
        print("|---|---|---|---|")
        for name, change in variants.items():
            category, p = _suggest(triager, [(change(t), n) for t, n in items])
            moved = np.abs(p - base_p)
            print(f"| {name} | {np.mean(category != base_category):.3f} "
                  f"({int(np.sum(category != base_category))}) | {moved.mean():.3f} "
                  f"| {moved.max():.3f} |")


if __name__ == "__main__":
    main()
