"""Confirming a sorting: a person takes the suggested category or overrides it with a reason,
one case at a time or several confident suggestions at once, through the ordinary workflow
transitions; a fixed per-case draw sends some B and C sortings to the managers' quality check.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from models import Application, CaseState, SortingCategory, TriageReview, TriageSuggestion
from workbench.core import audit, clock
from workbench.core.actor import Actor
from workbench.core.errors import InvalidTransition, ValidationError, WorkbenchError
from workbench.core.i18n import t
from workbench.core.permissions import Action, may, require
from workbench.core.settings import Settings, get_settings
from workbench.core.versioning import stale_edit
from workbench.core.workflow import TransitionInput, transition
from workbench.intake.triage_views import (
    ABSTAIN,
    DECIDABLE,
    QC_CATEGORIES,
    UNSORTED_STATES,
    ReviewView,
    _latest_suggestion,
    _latest_suggestions,
    _load_case,
    _review_view,
)

# --- read models ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BulkOutcome:
    application_id: int
    case_number: str | None
    category: str | None
    confirmed: bool
    why: str | None = None


@dataclass(frozen=True)
class BulkResult:
    outcomes: list[BulkOutcome]

    @property
    def confirmed(self) -> list[BulkOutcome]:
        return [o for o in self.outcomes if o.confirmed]

    @property
    def refused(self) -> list[BulkOutcome]:
        return [o for o in self.outcomes if not o.confirmed]


# --- helpers ----------------------------------------------------------------------------------


def _category(value: SortingCategory | str | None) -> str:
    raw = value.value if isinstance(value, SortingCategory) else str(value or "").strip()
    raw = raw.upper()
    if raw == "NOT_APPLICABLE":
        raw = "NA"
    if raw not in DECIDABLE:
        raise ValidationError(t("errors.triage.choose_sorting_category_b"))
    return raw


def qc_sampled(application_id: int, rate: float) -> bool:
    """Whether a B or C sorting of this case is drawn for a second look: a fixed draw per
    case (a hash of its id), so the sample is reproducible and cannot be gamed by retrying."""
    if rate <= 0:
        return False
    digest = hashlib.sha256(f"triage-qc:{application_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < rate


# --- confirming a sorting ---------------------------------------------------------------------


def _confirm(session: Session, actor: Actor, app: Application, suggestion: TriageSuggestion,
             category: str, reason: str | None, expected_version: int | None,
             settings: Settings, *, bulk: bool = False) -> TriageReview:
    agreed = suggestion.category == category
    refusal = {"actor": actor, "action": "triage.confirm", "entity_type": "application",
               "entity_id": app.id}
    if not agreed and not reason:
        what = (t("errors.triage.suggestion_abstained") if suggestion.category == ABSTAIN
                else t("errors.triage.you_chose_instead", category=category,
                       suggested=suggestion.category))
        raise audit.refuse(ValidationError(
            t("errors.triage.give_reason_sorting", what=what)), outcome="refused", **refusal)
    if CaseState(app.state) not in UNSORTED_STATES:
        if expected_version is not None and app.version != expected_version:
            raise audit.refuse(stale_edit(session, "case", app, expected_version,
                                          {"category": category}),
                               outcome="refused", **refusal)
        raise audit.refuse(InvalidTransition(
            t("errors.triage.case_already_been_sorted",
              case_number=app.case_number)), outcome="refused", **refusal)
    version = expected_version
    if CaseState(app.state) == CaseState.RECEIVED:
        moved = transition(session, actor=actor, application_id=app.id, action="start_sorting",
                           expected_version=version, settings=settings)
        version = moved.version
    transition(session, actor=actor, application_id=app.id, action="confirm_sorting",
               data=TransitionInput(category=SortingCategory(category), reason=reason),
               expected_version=version, settings=settings)
    sampled = ((category in QC_CATEGORIES and qc_sampled(app.id, settings.triage_qc_sample_rate))
               or (not agreed and category == "B"))
    review = TriageReview(
        application_id=app.id, suggestion_id=suggestion.id,
        suggested_category=suggestion.category, decided_category=category, agreed=agreed,
        reason=reason, reviewer_id=actor.id, created_at=clock.now_utc(), qc_sampled=sampled)
    session.add(review)
    session.flush()
    audit.record(session, actor=actor,
                 action="triage.confirm" if agreed else "triage.override",
                 entity_type="application", entity_id=app.id,
                 details={"review": review.id, "suggestion": suggestion.id,
                          "suggested": suggestion.category, "decided": category,
                          "qc_sampled": sampled, "bulk": bulk})
    return review


def confirm(session: Session, *, actor: Actor, application_id: int,
            category: SortingCategory | str, reason: str | None = None,
            expected_version: int, settings: Settings | None = None) -> ReviewView:
    """A person sorts the case: the suggested category (confirmation) or another one with a
    reason (override). Records the review and moves the case to UNDER_EXAMINATION through the
    workflow, all in the caller's transaction; any refusal changes nothing."""
    settings = settings or get_settings()
    require(actor, Action.TRIAGE_DECIDE, entity_type="application", entity_id=application_id)
    app = _load_case(session, actor, Action.TRIAGE_DECIDE, application_id, lock=True)
    decided = _category(category)
    suggestion = _latest_suggestion(session, app.id)
    if suggestion is None:
        raise ValidationError(t("errors.triage.case_no_triage_suggestion",
                                case_number=app.case_number))
    reason = (reason or "").strip() or None
    review = _confirm(session, actor, app, suggestion, decided, reason, expected_version,
                      settings)
    return _review_view(review, {actor.id: actor.display_name})


def bulk_confirm(session: Session, *, actor: Actor, application_ids: Sequence[int],
                 min_confidence: float | None = None,
                 versions: Mapping[int, int] | None = None,
                 settings: Settings | None = None) -> BulkResult:
    """Confirm several suggestions as they stand. Only confident suggestions that are
    neither B nor an abstention qualify; each other case is refused with the reason, and
    each case succeeds or fails on its own."""
    settings = settings or get_settings()
    require(actor, Action.TRIAGE_DECIDE, entity_type="application")
    floor = settings.triage_bulk_min_confidence if min_confidence is None else min_confidence
    floor = max(floor, settings.triage_bulk_min_confidence)
    ids = list(dict.fromkeys(application_ids))
    if not ids:
        raise ValidationError(t("errors.triage.select_least_one_case"))
    apps = {a.id: a for a in session.execute(
        select(Application).where(Application.id.in_(ids))).scalars()}
    latest = _latest_suggestions(session, ids)
    outcomes: list[BulkOutcome] = []
    for app_id in ids:
        app = apps.get(app_id)
        number = app.case_number if app else None
        if app is None or not may(actor, Action.TRIAGE_DECIDE) or not _reaches(session, actor,
                                                                              app):
            audit.record(session, actor=actor, action="triage.confirm",
                         entity_type="application", entity_id=app_id, outcome="denied",
                         details={"message": "no access", "bulk": True})
            outcomes.append(BulkOutcome(app_id, number if app else None, None, False,
                                        t("errors.permissions.do_not_access_case")))
            continue
        suggestion = latest.get(app_id)
        why = None
        if suggestion is None:
            why = t("errors.triage.bulk.no_suggestion")
        elif suggestion.category == ABSTAIN:
            why = t("errors.triage.bulk.abstained")
        elif suggestion.category == "B":
            why = t("errors.triage.bulk.b_one_by_one")
        elif suggestion.confidence < floor:
            why = t("errors.triage.bulk.low_confidence",
                    confidence=f"{suggestion.confidence:.0%}", floor=f"{floor:.0%}")
        if why:
            outcomes.append(BulkOutcome(app_id, number, suggestion.category if suggestion
                                        else None, False, why))
            continue
        expected = (versions or {}).get(app_id, app.version)
        try:
            with session.begin_nested():
                _confirm(session, actor, app, suggestion, suggestion.category, None, expected,
                         settings, bulk=True)
        except WorkbenchError as exc:
            session.refresh(app)
            outcomes.append(BulkOutcome(app_id, number, suggestion.category, False, str(exc)))
            continue
        outcomes.append(BulkOutcome(app_id, number, suggestion.category, True))
    return BulkResult(outcomes)


def _reaches(session: Session, actor: Actor, app: Application) -> bool:
    from workbench.core.permissions import CASE_CHECKS

    if actor.is_system or actor.role is None:
        return False
    return CASE_CHECKS[actor.role](session, actor, app)


def may_decide(actor: Actor) -> bool:
    return may(actor, Action.TRIAGE_DECIDE)


__all__ = [
    "BulkOutcome",
    "BulkResult",
    "bulk_confirm",
    "confirm",
    "qc_sampled",
]
