"""The managers' quality check of sortings: the sampled B and C sortings (and overrides to B)
waiting for a second look, and a second manager's verdict on one of them (never the person who
sorted it).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from models import Application, Person, TriageReview, TriageSuggestion
from workbench.core import audit, clock
from workbench.core.actor import Actor
from workbench.core.errors import NotFound, PermissionDenied, ValidationError
from workbench.core.i18n import t
from workbench.core.permissions import Action, may, require
from workbench.intake.cases import user_names
from workbench.intake.triage_views import (
    ReviewView,
    SuggestionView,
    _case_numbers,
    _review_view,
    _suggestion_view,
)


@dataclass(frozen=True)
class QcItem:
    review: ReviewView
    case_number: str
    nationality: str
    suggestion: SuggestionView | None


# --- quality check ----------------------------------------------------------------------------


def qc_queue(session: Session, *, actor: Actor, limit: int = 200) -> list[QcItem]:
    """Sampled B and C sortings (and overrides to B) still waiting for a manager's check,
    oldest first. The manager's own sortings are listed too but cannot be checked by them."""
    require(actor, Action.TRIAGE_QC)
    rows = list(session.execute(
        select(TriageReview).where(TriageReview.qc_sampled.is_(True),
                                   TriageReview.qc_verdict.is_(None))
        .order_by(TriageReview.created_at, TriageReview.id).limit(limit)).scalars())
    if not rows:
        return []
    info = {r.id: r for r in session.execute(
        select(Application.id, Application.case_number, Person.nationality)
        .join(Person, Person.id == Application.person_id)
        .where(Application.id.in_({r.application_id for r in rows}))).all()}
    suggestions = list(session.execute(select(TriageSuggestion).where(
        TriageSuggestion.id.in_({r.suggestion_id for r in rows}))).scalars())
    by_id = {s.id: s for s in suggestions}
    numbers = _case_numbers(session, [s.repeats_application_id for s in suggestions])
    names = user_names(session, [r.reviewer_id for r in rows]
                   + [s.created_by_id for s in suggestions])
    return [QcItem(review=_review_view(r, names), case_number=info[r.application_id].case_number,
                   nationality=info[r.application_id].nationality,
                   suggestion=_suggestion_view(by_id[r.suggestion_id], numbers, names)
                   if r.suggestion_id in by_id else None)
            for r in rows]


def qc_record(session: Session, *, actor: Actor, review_id: int, verdict: str,
              note: str | None = None) -> ReviewView:
    """A second manager's verdict on a sampled sorting (never the person who sorted it)."""
    require(actor, Action.TRIAGE_QC, entity_type="triage_review", entity_id=review_id)
    review = session.get(TriageReview, review_id)
    if review is None or not review.qc_sampled:
        raise NotFound(t("errors.triage.no_sorting_waiting_quality"))
    refusal = {"actor": actor, "action": "triage.qc", "entity_type": "triage_review",
               "entity_id": review_id}
    if review.reviewer_id == actor.id:
        raise audit.refuse(PermissionDenied(
            t("errors.triage.sorted_case_yourself_another")),
            **refusal)
    if review.qc_verdict is not None:
        raise audit.refuse(ValidationError(t("errors.triage.sorting_already_been_checked")),
                           outcome="refused", **refusal)
    verdict = (verdict or "").strip().lower()
    if verdict not in ("agree", "disagree"):
        raise ValidationError(t("errors.triage.record_whether_agree_disagree"))
    note = (note or "").strip() or None
    if verdict == "disagree" and not note:
        raise ValidationError(t("errors.triage.say_why_disagree_sorting"))
    review.qc_verdict = verdict
    review.qc_note = note
    review.qc_checker_id = actor.id
    review.qc_at = clock.now_utc()
    session.add(review)
    session.flush()
    audit.record(session, actor=actor, action="triage.qc", entity_type="application",
                 entity_id=review.application_id,
                 details={"review": review.id, "verdict": verdict})
    names = user_names(session, [review.reviewer_id, actor.id])
    return _review_view(review, names)


def may_qc(actor: Actor) -> bool:
    return may(actor, Action.TRIAGE_QC)


__all__ = [
    "QcItem",
    "qc_queue",
    "qc_record",
]
