"""Candidate search for identity matching: blocking keys (each name token's phonetic key with
the nationality, so family and given names entered the other way round still meet; the folded
katakana reading and kanji) within a birth-year window, and the in-memory index that returns
the best-scoring candidates.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from triage.identity import YEAR_WINDOW, IdentityRecord, Match, birth_year_of
from triage.identity_names import NameForm, _Features, _features, name_forms, phonetic_key
from triage.identity_score import _score_features
from triage.readings import kana_key, kanji_key

# --------------------------------------------------------------------------------------------
# Blocking


def _token_keys(forms: Sequence[NameForm]) -> set[str]:
    keys = set()
    for form in forms:
        for f in form.folded:
            k = phonetic_key(f)
            if len(k) >= 2 or len(f) >= 2:
                keys.add(k)
    return keys


def _reading_keys(kana: str, kanji: str) -> set[str]:
    """Blocking keys of the Japanese readings: ``kana:グエンヴァンアン``, ``kanji:張偉``."""
    keys = set()
    if len(kana) >= 2:
        keys.add(f"kana:{kana}")
    if kanji:
        keys.add(f"kanji:{kanji}")
    return keys


def blocking_keys(record: IdentityRecord) -> set[str]:
    """Stable blocking keys, one per name token (aliases included): ``"AFG:krm"``, and one
    each for the katakana reading and the kanji name when the record has them
    (``"VNM:kana:グエンヴァンアン"``).

    Two records are candidates when they share a key and their birth years lie within
    :data:`YEAR_WINDOW` of each other (or either year is unknown)."""
    nat = (record.nationality or "").upper() or "UNK"
    keys = _token_keys(name_forms(record)) | _reading_keys(kana_key(record.name_kana),
                                                          kanji_key(record.name_kanji))
    return {f"{nat}:{k}" for k in keys}


def years_compatible(a: int | None, b: int | None, window: int = YEAR_WINDOW) -> bool:
    return a is None or b is None or abs(a - b) <= window


def blocked_together(a: IdentityRecord, b: IdentityRecord) -> bool:
    """Whether blocking would put ``a`` and ``b`` forward as candidates of each other."""
    return bool(blocking_keys(a) & blocking_keys(b)) and years_compatible(
        birth_year_of(a), birth_year_of(b))


# --------------------------------------------------------------------------------------------
# Index


@dataclass
class _Posting:
    years: list[int] = field(default_factory=list)  # sorted, parallel to ``rows``
    rows: list[int] = field(default_factory=list)
    no_year: list[int] = field(default_factory=list)


class IdentityIndex:
    """An in-memory blocking index over many people: key → record positions."""

    def __init__(self, records: Iterable[IdentityRecord]):
        self.records: list[IdentityRecord] = []
        self._features: list[_Features] = []
        staging: dict[str, list[tuple[int, int]]] = defaultdict(list)
        no_year: dict[str, list[int]] = defaultdict(list)
        for record in records:
            row = len(self.records)
            feats = _features(record)
            self.records.append(record)
            self._features.append(feats)
            nat = feats.nationality or "UNK"
            for k in _token_keys(feats.forms) | _reading_keys(feats.kana, feats.kanji):
                key = f"{nat}:{k}"
                if feats.year is None:
                    no_year[key].append(row)
                else:
                    staging[key].append((feats.year, row))
        self.postings: dict[str, _Posting] = {}
        for key, items in staging.items():
            items.sort()
            self.postings[key] = _Posting([y for y, _ in items], [r for _, r in items])
        for key, rows in no_year.items():
            self.postings.setdefault(key, _Posting()).no_year = rows

    def __len__(self) -> int:
        return len(self.records)

    def block_sizes(self) -> Counter:
        return Counter({k: len(p.rows) + len(p.no_year) for k, p in self.postings.items()})

    def candidates(self, query: IdentityRecord) -> set[int]:
        """Positions of the records that share a blocking key and the year window."""
        year = birth_year_of(query)
        out: set[int] = set()
        for key in blocking_keys(query):
            p = self.postings.get(key)
            if p is None:
                continue
            if year is None:
                out.update(p.rows)
            else:
                lo = bisect.bisect_left(p.years, year - YEAR_WINDOW)
                hi = bisect.bisect_right(p.years, year + YEAR_WINDOW)
                out.update(p.rows[lo:hi])
            out.update(p.no_year)
        return out

    def search(self, query: IdentityRecord, limit: int = 10,
               exclude_id: int | str | None = None,
               threshold: float | None = None) -> list[tuple[IdentityRecord, Match]]:
        """Candidates from blocking, scored and ranked best first (all scores, not only
        those above the threshold; ``Match.same`` tells which pass it)."""
        fq = _features(query)
        results = []
        for row in self.candidates(query):
            record = self.records[row]
            if exclude_id is not None and record.id == exclude_id:
                continue
            results.append((record, _score_features(fq, self._features[row], threshold)))
        results.sort(key=lambda rm: -rm[1].score)
        return results[:limit]


__all__ = [
    "IdentityIndex",
    "blocked_together",
    "blocking_keys",
    "years_compatible",
]
