"""Unsegmented scripts (Chinese, Japanese, Korean) as overlapping character bigrams.

Full-text engines split words on spaces, which Japanese does not use: an index of raw text
never matches a two-character word such as 難民 inside 難民認定申請. Indexing every run of
CJK characters as its overlapping bigrams (難民 民認 認定 定申 申請), and querying the same
way, makes any word of two or more characters findable, on SQLite FTS5 and PostgreSQL alike.
"""

from __future__ import annotations

import re

# Han, Hiragana, Katakana (incl. the prolonged sound mark), Hangul, CJK compatibility.
_CJK = (
    "\u3005\u3006\u3007\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f"
)
CJK_RUN = re.compile(f"[{_CJK}]+")


def has_cjk(text: str) -> bool:
    return CJK_RUN.search(text) is not None


def bigrams(run: str) -> list[str]:
    """Overlapping pairs of a CJK run; a single character stays as it is."""
    if len(run) < 2:
        return [run] if run else []
    return [run[i:i + 2] for i in range(len(run) - 1)]


def index_form(text: str) -> str:
    """Text as it goes into the full-text index: each CJK run replaced by its bigrams,
    separated by spaces; everything else unchanged."""
    return CJK_RUN.sub(lambda m: f" {' '.join(bigrams(m.group()))} ", text)


def query_terms(word: str) -> list[str]:
    """The index tokens a query word must match in sequence (a phrase when more than one).
    Latin parts of a mixed word stay whole."""
    terms: list[str] = []
    position = 0
    for match in CJK_RUN.finditer(word):
        if match.start() > position:
            terms.append(word[position:match.start()])
        terms.extend(bigrams(match.group()))
        position = match.end()
    if position < len(word):
        terms.append(word[position:])
    return [t for t in (t.strip() for t in terms) if t]
