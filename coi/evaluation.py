"""Measuring case-linked suggestions against a judged set (``data/coi/judged.toml``).

Each judged query is a fictional applicant (nationality and claim narrative) with the
passages of the sample library a COI researcher would want to see, graded 2 (on point) or
1 (useful background); every other passage counts as not relevant. Reported per query and
averaged: recall@k (share of the relevant passages in the first k suggestions) and nDCG@k
(graded gain 2^grade - 1, discounted by log2 of the rank, over the ideal ordering).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from coi.suggest import suggest
from models.coi import CoiDocument, CoiPassage


@dataclass(frozen=True)
class JudgedQuery:
    id: str
    nationality: str
    narrative: str
    relevant: tuple[tuple[str, str, int], ...]  # (file, contains, grade)


@dataclass(frozen=True)
class QueryScore:
    id: str
    recall: float
    ndcg: float
    found: int
    relevant: int


@dataclass(frozen=True)
class Report:
    k: int
    queries: tuple[QueryScore, ...]

    @property
    def recall(self) -> float:
        return sum(q.recall for q in self.queries) / len(self.queries)

    @property
    def ndcg(self) -> float:
        return sum(q.ndcg for q in self.queries) / len(self.queries)


def load_judged(path: Path) -> list[JudgedQuery]:
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    return [JudgedQuery(q["id"], q["nationality"], q["narrative"].strip(),
                        tuple((r["file"], r["contains"], int(r["grade"]))
                              for r in q["relevant"]))
            for q in data["query"]]


def _squash(text: str) -> str:
    return " ".join(text.split())


def resolve(session: Session, query: JudgedQuery) -> dict[int, int]:
    """Passage id -> grade for the judged passages (each must be found exactly once)."""
    grades: dict[int, int] = {}
    for file, contains, grade in query.relevant:
        rows = session.execute(
            select(CoiPassage.id, CoiPassage.text).join(
                CoiDocument, CoiDocument.id == CoiPassage.document_id)
            .where(CoiDocument.file_name == file)).all()
        matches = [pid for pid, text in rows if _squash(contains) in _squash(text)]
        if len(matches) != 1:
            raise LookupError(f"{query.id}: {contains!r} in {file} matches {len(matches)} "
                              "passages (expected exactly one)")
        grades[matches[0]] = max(grade, grades.get(matches[0], 0))
    return grades


def ndcg(ranked: list[int], grades: dict[int, int], k: int) -> float:
    def dcg(gains: list[int]) -> float:
        return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(gains[:k]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(pid, 0) for pid in ranked]) / ideal if ideal else 0.0


def evaluate(session: Session, queries: list[JudgedQuery], *, today: date,
             k: int = 10) -> Report:
    scores = []
    for query in queries:
        grades = resolve(session, query)
        ranked = [s.hit.passage_id for s in suggest(
            session, nationality=query.nationality, narrative=query.narrative, today=today,
            limit=k)]
        found = sum(1 for pid in ranked[:k] if pid in grades)
        scores.append(QueryScore(query.id, found / len(grades), ndcg(ranked, grades, k),
                                 found, len(grades)))
    return Report(k, tuple(scores))
