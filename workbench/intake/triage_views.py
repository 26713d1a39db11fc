"""The triage desk's shared read models: a suggestion with its grounds and evidence, a person's
sorting review, the categories and states they speak of, and the look-ups that build them
(latest suggestions, case numbers, reviewers' names, a case loaded within the actor's reach).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from models import Application, CaseState, TriageReview, TriageSuggestion
from triage.model import b_probability
from workbench.core.actor import Actor
from workbench.core.permissions import Action, require_case_id
from workbench.intake import triage_text
from workbench.intake.cases import user_names

UNSORTED_STATES = (CaseState.RECEIVED, CaseState.SORTING)
#: Categories a person may confirm (the case's SortingCategory values).
DECIDABLE = ("A", "B", "C", "D1", "D2", "NA")
QC_CATEGORIES = ("B", "C")
ABSTAIN = "ABSTAIN"
#: How the engine's why-not-B notes begin (triage.engine.Triager._why_not_b), in the English
#: the suggestions are stored in.
NOT_B_PREFIXES = ("Not B:", "A Convention ground is mentioned here", "Crime, extortion, debt")


# --- read models ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CueView:
    type: str
    label: str
    text: str
    start: int  # within the sentence
    end: int
    negated: bool
    hypothetical: bool


@dataclass(frozen=True)
class EvidenceView:
    sentence: str
    start: int  # within the narrative
    end: int
    cues: tuple[CueView, ...]
    note: str | None


@dataclass(frozen=True)
class SuggestionView:
    id: int
    application_id: int
    category: str
    confidence: float
    basis: str | None
    b_reason: str | None
    b_reason_label: str | None
    reasons: tuple[str, ...]
    abstain_reasons: tuple[str, ...]
    evidence: tuple[EvidenceView, ...]
    third_or_later: bool
    third_or_later_exception: bool | None
    repeats_application_id: int | None
    repeats_case_number: str | None
    new_share: float | None
    new_sentences: tuple[str, ...]
    a_list_reason: str | None
    model_version: str
    rules_version: str
    cues_version: str
    created_at: datetime
    created_by: str | None
    #: The engine's why-not-B notes among the reasons (shown first, apart from the others).
    why_not_b: tuple[str, ...] = ()
    #: p(the claim is outside the Convention grounds), None where the suggestion kept none.
    p_b: float | None = None

    @property
    def abstained(self) -> bool:
        return self.category == ABSTAIN

    @property
    def bulk_eligible_category(self) -> bool:
        return self.category not in ("B", ABSTAIN)


@dataclass(frozen=True)
class ReviewView:
    id: int
    application_id: int
    suggestion_id: int
    suggested_category: str
    decided_category: str
    agreed: bool
    reason: str | None
    reviewer_id: int
    reviewer: str | None
    created_at: datetime
    qc_sampled: bool
    qc_verdict: str | None = None
    qc_checker: str | None = None
    qc_note: str | None = None
    qc_at: datetime | None = None


# --- helpers ----------------------------------------------------------------------------------


def _case_numbers(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    rows = session.execute(select(Application.id, Application.case_number)
                           .where(Application.id.in_(ids))).all()
    return {r.id: r.case_number for r in rows}


def b_reason_label(code: str | None) -> str | None:
    if not code:
        return None
    from triage.rules import B_REASON_LABELS

    if code not in B_REASON_LABELS:
        return code.replace("_", " ")
    return triage_text.b_reason(code)


def _suggestion_view(row: TriageSuggestion, case_numbers: Mapping[int, str],
                     names: Mapping[int, str]) -> SuggestionView:
    d = row.details or {}
    evidence = tuple(
        EvidenceView(
            sentence=e.get("sentence", ""), start=int(e.get("start", 0)),
            end=int(e.get("end", 0)), note=triage_text.note(e.get("note")),
            cues=tuple(CueView(type=c.get("type", ""),
                               label=triage_text.cue_label(c.get("type", ""),
                                                           c.get("label", c.get("type", ""))),
                               text=c.get("text", ""), start=int(c.get("start", 0)),
                               end=int(c.get("end", 0)), negated=bool(c.get("negated")),
                               hypothetical=bool(c.get("hypothetical")))
                       for c in e.get("cues", [])))
        for e in d.get("evidence", []))
    b_reason = row.b_reason if row.category == "B" else None
    probabilities = d.get("probabilities") or {}
    return SuggestionView(
        id=row.id, application_id=row.application_id, category=row.category,
        confidence=float(row.confidence), basis=row.basis, b_reason=b_reason,
        b_reason_label=b_reason_label(b_reason),
        reasons=tuple(triage_text.reason(r) for r in d.get("reasons", [])),
        why_not_b=tuple(triage_text.reason(r) for r in d.get("reasons", [])
                        if r.startswith(NOT_B_PREFIXES)),
        abstain_reasons=tuple(triage_text.reason(r) for r in d.get("abstain_reasons", [])),
        evidence=evidence, third_or_later=bool(d.get("third_or_later")),
        third_or_later_exception=row.third_or_later_exception,
        repeats_application_id=row.repeats_application_id,
        repeats_case_number=case_numbers.get(row.repeats_application_id)
        if row.repeats_application_id else d.get("repeats_label"),
        new_share=row.new_share, new_sentences=tuple(d.get("new_sentences", [])),
        a_list_reason=d.get("a_list_reason"), model_version=row.model_version,
        rules_version=row.rules_version, cues_version=row.cues_version,
        created_at=row.created_at, created_by=names.get(row.created_by_id),
        p_b=b_probability(probabilities) if probabilities else None,
    )


def _suggestion_views(session: Session, rows: Sequence[TriageSuggestion]
                      ) -> dict[int, SuggestionView]:
    numbers = _case_numbers(session, [r.repeats_application_id for r in rows])
    names = user_names(session, [r.created_by_id for r in rows])
    return {r.application_id: _suggestion_view(r, numbers, names) for r in rows}


def _review_view(row: TriageReview, names: Mapping[int, str]) -> ReviewView:
    return ReviewView(
        id=row.id, application_id=row.application_id, suggestion_id=row.suggestion_id,
        suggested_category=row.suggested_category, decided_category=row.decided_category,
        agreed=row.agreed, reason=row.reason, reviewer_id=row.reviewer_id,
        reviewer=names.get(row.reviewer_id), created_at=row.created_at,
        qc_sampled=row.qc_sampled, qc_verdict=row.qc_verdict,
        qc_checker=names.get(row.qc_checker_id), qc_note=row.qc_note, qc_at=row.qc_at,
    )


def _latest_suggestions(session: Session, application_ids: Iterable[int]
                        ) -> dict[int, TriageSuggestion]:
    ids = sorted(set(application_ids))
    if not ids:
        return {}
    out: dict[int, TriageSuggestion] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        latest = (select(func.max(TriageSuggestion.id))
                  .where(TriageSuggestion.application_id.in_(chunk))
                  .group_by(TriageSuggestion.application_id))
        for row in session.execute(select(TriageSuggestion)
                                   .where(TriageSuggestion.id.in_(latest))).scalars():
            out[row.application_id] = row
    return out


def _latest_suggestion(session: Session, application_id: int) -> TriageSuggestion | None:
    return _latest_suggestions(session, [application_id]).get(application_id)


def _load_case(session: Session, actor: Actor, action: Action, application_id: int,
               *, lock: bool = False) -> Application:
    query = select(Application).where(Application.id == application_id)
    if lock and session.get_bind().dialect.name != "sqlite":
        query = query.with_for_update()
    return require_case_id(session, actor, action,
                           session.execute(query).scalar_one_or_none(), application_id)


__all__ = [
    "ReviewView",
    "SuggestionView",
    "b_reason_label",
]
