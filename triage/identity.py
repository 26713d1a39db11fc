"""Repeat-applicant identity matching: the records it compares and the match it returns.

The library (``triage.identity*``, none of which imports the app) finds earlier applications of
the same person: names folded across transliterations (``triage.identity_names``), blocking
keys and the candidate index (``triage.identity_index``), the pairwise score with reasons a
clerk can read (``triage.identity_score``) and the evaluation on labelled pairs
(``triage.identity_eval``). ``score(a, b)`` returns a :class:`Match`: a score between 0 and 1,
the decision against :data:`MATCH_THRESHOLD` and short reasons. A person confirms every link;
the matcher only proposes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "triage"

#: Decision threshold on :attr:`Match.score`, chosen on the dev split only (it sits in the wide
#: gap between the dev positives and negatives, aliases apart).
MATCH_THRESHOLD = 0.5

#: Candidates must be born within this many years of the query (when both years are known).
YEAR_WINDOW = 1

SEXES = ("F", "M", "X", "U")


# --------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class IdentityRecord:
    """One person as registered with one application."""

    id: int | str
    family_name: str
    given_names: str
    name_original: str | None = None
    date_of_birth: date | None = None
    birth_year: int | None = None
    nationality: str = ""
    sex: str = "U"
    aliases: tuple[str, ...] = ()
    name_kana: str | None = None
    name_kanji: str | None = None


@dataclass(frozen=True)
class Match:
    """The verdict on a pair: ``score`` in 0..1, ``same`` = score ≥ threshold, and reasons."""

    score: float
    same: bool
    reasons: tuple[str, ...] = ()


def birth_year_of(record: IdentityRecord) -> int | None:
    """The year of birth: from the full date when there is one, else the year alone."""
    if record.date_of_birth is not None:
        return record.date_of_birth.year
    return record.birth_year


__all__ = [
    "MATCH_THRESHOLD",
    "YEAR_WINDOW",
    "IdentityRecord",
    "Match",
    "birth_year_of",
]
