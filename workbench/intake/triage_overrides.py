"""The overrides export: every sorting that departed from the engine's suggestion, with the
application's facts and narrative, as labelled examples for retraining (administrators only,
audited).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from models import Application, Person, TriageReview, TriageSuggestion
from workbench.core import audit
from workbench.core.actor import Actor
from workbench.core.permissions import Action, require


@dataclass(frozen=True)
class OverrideRecord:
    """A person's override of a suggestion, as a labelled example for retraining."""

    case_number: str
    decided_at: datetime
    suggested_category: str
    decided_category: str
    reason: str | None
    model_version: str
    rules_version: str
    narrative: str
    nationality: str | None
    application_number: int
    status_of_residence: str
    activities_ceased: bool
    reasonable_grounds_materials: bool


def overrides_for_retraining(session: Session, *, actor: Actor) -> list[OverrideRecord]:
    """Every override (a sorting that departed from the suggestion), with the application's
    facts and narrative, oldest first. Holds applicants' claims: administrators only, and the
    export is audited."""
    require(actor, Action.TRIAGE_ADMIN, entity_type="triage_review",
            attempted="triage.overrides.export")
    rows = session.execute(
        select(TriageReview, TriageSuggestion, Application, Person.nationality)
        .join(TriageSuggestion, TriageSuggestion.id == TriageReview.suggestion_id)
        .join(Application, Application.id == TriageReview.application_id)
        .join(Person, Person.id == Application.person_id)
        .where(TriageReview.agreed.is_(False))
        .order_by(TriageReview.created_at, TriageReview.id)).all()
    out = [OverrideRecord(
        case_number=app.case_number, decided_at=review.created_at,
        suggested_category=review.suggested_category,
        decided_category=review.decided_category, reason=review.reason,
        model_version=suggestion.model_version, rules_version=suggestion.rules_version,
        narrative=app.claim_narrative or "", nationality=nationality,
        application_number=app.application_number,
        status_of_residence=str(app.residence_status_at_filing),
        activities_ceased=bool(app.activities_ceased),
        reasonable_grounds_materials=bool(app.reasonable_grounds_materials))
        for review, suggestion, app, nationality in rows]
    audit.record(session, actor=actor, action="triage.overrides.export",
                 entity_type="triage_review", entity_id=None,
                 details={"records": len(out)})
    return out
