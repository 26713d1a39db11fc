"""The triage desk: the engine loaded once per process, suggestions for unsorted cases (one
case, or in batches), the triage queue and the triage view of one case.

Triage is advice (DESIGN.md): the engine in ``triage/`` proposes a category with its grounds;
only a person's confirmation (``workbench.intake.triage_confirm``) sorts a case. Every
suggestion is stored with the model, rule and cue-lexicon versions that made it, and every
write is audited. Services return plain read models.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlmodel import Session

from models import Application, CaseState, IdentityLink, Person, TriageReview, TriageSuggestion
from workbench.core import audit, clock
from workbench.core.actor import Actor
from workbench.core.errors import NotFound, ValidationError, WorkbenchError
from workbench.core.i18n import t
from workbench.core.permissions import Action, case_scope, require
from workbench.core.settings import Settings, get_settings
from workbench.intake.a_countries import active_a_countries
from workbench.intake.cases import user_names
from workbench.intake.triage_views import (
    UNSORTED_STATES,
    ReviewView,
    SuggestionView,
    _latest_suggestion,
    _load_case,
    _review_view,
    _suggestion_views,
)


class TriageUnavailable(WorkbenchError):
    """The triage model cannot be loaded (missing, unreadable or out of date)."""


# --- the engine, loaded once per process ----------------------------------------------------


@lru_cache(maxsize=2)
def _load_model(path: str, mtime_ns: int):  # noqa: ANN202
    from triage.engine import keep_out_of_collection
    from triage.model import load

    model = load(Path(path))
    keep_out_of_collection()  # no full garbage-collector pass over the model mid-suggestion
    return model


def model_path(settings: Settings | None = None) -> Path:
    from triage.model import MODEL_FILE

    settings = settings or get_settings()
    return Path(settings.triage_model_path) if settings.triage_model_path else MODEL_FILE


def _triager(session: Session, settings: Settings):  # noqa: ANN202
    from triage.engine import Triager
    from triage.model import ModelFileError

    path = model_path(settings)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        raise TriageUnavailable(t("errors.triage.no_model")) from None
    try:
        model = _load_model(str(path), mtime)
    except ModelFileError as exc:
        raise TriageUnavailable(t("errors.triage.model_unusable", exc=exc)) from None
    return Triager(model, active_a_countries(session))


# --- read models ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueItem:
    application_id: int
    case_number: str
    nationality: str
    application_number: int
    state: str
    lodged_date: date
    sorting_deadline: date
    days_left: int
    assigned_inquirer: str | None
    version: int
    suggestion: SuggestionView | None


@dataclass
class QueueFilter:
    nationality: str | None = None
    #: Suggested categories to show ("NONE" for cases without a suggestion yet).
    categories: list[str] | None = None
    limit: int = 200


@dataclass(frozen=True)
class Queue:
    items: list[QueueItem]
    total: int
    without_suggestion: int


@dataclass(frozen=True)
class CaseTriage:
    """What the triage view of one case shows."""

    application_id: int
    case_number: str
    person_id: int
    nationality: str
    application_number: int
    state: str
    version: int
    lodged_date: date
    sorting_deadline: date
    narrative: str
    sorting_category: str
    suggestion: SuggestionView | None
    reviews: list[ReviewView]
    earlier_case_numbers: list[str]

    @property
    def unsorted(self) -> bool:
        return CaseState(self.state) in UNSORTED_STATES


@dataclass
class _Prepared:
    """An application ready for the engine, with the ids behind its earlier-claim labels."""

    app: Application
    item: Any  # triage.engine.TriageInput
    earlier_ids: list[int] = field(default_factory=list)


# --- earlier applications and the engine's input ---------------------------------------------


def _linked_persons(session: Session, person_id: int) -> set[int]:
    rows = session.execute(
        select(IdentityLink.person_id, IdentityLink.other_person_id)
        .where(IdentityLink.status == "confirmed",
               or_(IdentityLink.person_id == person_id,
                   IdentityLink.other_person_id == person_id))).all()
    return {p for row in rows for p in row} - {person_id}


def _earlier_applications(session: Session, app: Application) -> list[Application]:
    """Earlier applications of the same applicant: the previous-application chain, the
    person's other applications lodged before this one, and those of persons a person has
    confirmed to be the same applicant. Oldest first."""
    found: dict[int, Application] = {}
    seen = {app.id}
    current = app.previous_application_id
    while current is not None and current not in seen:
        seen.add(current)
        earlier = session.get(Application, current)
        if earlier is None:
            break
        found[earlier.id] = earlier
        current = earlier.previous_application_id
    persons = {app.person_id} | _linked_persons(session, app.person_id)
    rows = session.execute(
        select(Application).where(
            Application.person_id.in_(persons), Application.id != app.id,
            or_(Application.lodged_date < app.lodged_date,
                and_(Application.lodged_date == app.lodged_date, Application.id < app.id)))
    ).scalars()
    for row in rows:
        found.setdefault(row.id, row)
    return sorted(found.values(), key=lambda a: (a.lodged_date, a.id))


def _prepare(session: Session, app: Application, person: Person | None = None) -> _Prepared:
    from triage.engine import TriageInput

    person = person or session.get(Person, app.person_id)
    earlier = [a for a in _earlier_applications(session, app) if (a.claim_narrative or "").strip()]
    item = TriageInput(
        narrative=app.claim_narrative or "",
        nationality=person.nationality if person else None,
        application_number=app.application_number,
        previous_narratives=tuple(a.claim_narrative for a in earlier),
        previous_labels=tuple(a.case_number for a in earlier),
        status_of_residence=str(app.residence_status_at_filing),
        activities_ceased=app.activities_ceased,
        reasonable_grounds_materials=app.reasonable_grounds_materials,
        removal_procedure=app.removal_procedure,
        lodged=app.lodged_date,
    )
    return _Prepared(app=app, item=item, earlier_ids=[a.id for a in earlier])


def _store(session: Session, actor: Actor, prepared: _Prepared, suggestion: Any
           ) -> TriageSuggestion:
    repeats_id = None
    if suggestion.repeats is not None and suggestion.repeats < len(prepared.earlier_ids):
        repeats_id = prepared.earlier_ids[suggestion.repeats]
    record = suggestion.to_record()
    row = TriageSuggestion(
        application_id=prepared.app.id, category=suggestion.category,
        confidence=float(suggestion.confidence), basis=suggestion.basis,
        b_reason=suggestion.b_reason if suggestion.category == "B" else None,
        third_or_later_exception=suggestion.third_or_later_exception,
        repeats_application_id=repeats_id,
        new_share=None if suggestion.new_share is None else float(suggestion.new_share),
        details=record, model_version=str(suggestion.model_version)[:64],
        rules_version=str(suggestion.rules_version)[:64],
        cues_version=str(suggestion.cues_version)[:64],
        created_at=clock.now_utc(), created_by_id=actor.id,
    )
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="triage.suggest", entity_type="application",
                 entity_id=prepared.app.id,
                 details={"suggestion": row.id, "category": row.category,
                          "confidence": round(row.confidence, 3),
                          "model_version": row.model_version,
                          "rules_version": row.rules_version})
    return row


# --- suggestions ------------------------------------------------------------------------------


def suggest_for_case(session: Session, *, actor: Actor, application_id: int,
                     settings: Settings | None = None) -> SuggestionView:
    """Run the engine on one unsorted case and store its suggestion."""
    settings = settings or get_settings()
    app = _load_case(session, actor, Action.TRIAGE_VIEW, application_id)
    if CaseState(app.state) not in UNSORTED_STATES:
        raise ValidationError(t("errors.triage.case_already_sorted_triage",
                                case_number=app.case_number))
    triager = _triager(session, settings)
    prepared = _prepare(session, app)
    row = _store(session, actor, prepared, triager.suggest(prepared.item))
    return _suggestion_views(session, [row])[app.id]


def suggest_for_case_number(session: Session, *, actor: Actor, case_number: str,
                            settings: Settings | None = None) -> dict:
    """``suggest_for_case`` by case number, as a JSON-ready dict (the command line)."""
    require(actor, Action.TRIAGE_VIEW)
    app_id = session.execute(
        select(Application.id).where(Application.case_number == case_number.strip().upper(),
                                     case_scope(actor))).scalar_one_or_none()
    if app_id is None:
        raise NotFound(t("errors.triage.no_case_may_see", case_number=case_number.strip()))
    view = suggest_for_case(session, actor=actor, application_id=app_id, settings=settings)
    row = session.get(TriageSuggestion, view.id)
    return {"id": view.id, "case_number": case_number.strip().upper(), **row.details,
            "repeats_case_number": view.repeats_case_number}


def _unsuggested_query(actor: Actor, current: tuple[str, str, str] | None = None
                       ):  # noqa: ANN202
    """Unsorted cases without a suggestion; with ``current`` (model, rules and cue versions),
    also those whose latest suggestion was made by other versions."""
    if current is None:
        fresh = exists().where(TriageSuggestion.application_id == Application.id)
    else:
        model, rules, cues = current
        newer = TriageSuggestion.__table__.alias("newer")
        fresh = exists().where(
            TriageSuggestion.application_id == Application.id,
            TriageSuggestion.model_version == model, TriageSuggestion.rules_version == rules,
            TriageSuggestion.cues_version == cues,
            ~exists().where(newer.c.application_id == TriageSuggestion.application_id,
                            newer.c.id > TriageSuggestion.id))
    return (select(Application)
            .where(Application.state.in_([str(s) for s in UNSORTED_STATES]),
                   case_scope(actor), ~fresh))


def current_versions(session: Session, settings: Settings | None = None
                     ) -> tuple[str, str, str]:
    """The model, rule and cue-lexicon versions a new suggestion would carry."""
    from triage.cues import default_lexicon

    triager = _triager(session, settings or get_settings())
    return triager.model.version, triager.rules.version, default_lexicon().version


def count_unsuggested(session: Session, *, actor: Actor) -> int:
    """Unsorted cases in the actor's reach that have no suggestion yet."""
    require(actor, Action.TRIAGE_VIEW)
    return session.execute(select(func.count()).select_from(
        _unsuggested_query(actor).subquery())).scalar_one()


def suggest_unsorted(session: Session, *, actor: Actor, limit: int = 200,
                     progress: Callable[[int, int], None] | None = None,
                     settings: Settings | None = None, stale: bool = False) -> int:
    """Suggestions for up to ``limit`` unsorted cases without one (oldest lodged first),
    in chunks through the engine's batch call. With ``stale``, also a fresh suggestion for
    cases whose latest one was made by an earlier model, rule set or cue lexicon (after a
    retraining); the earlier suggestion stays on record. Returns how many were stored."""
    settings = settings or get_settings()
    require(actor, Action.TRIAGE_VIEW, entity_type="application")
    current = current_versions(session, settings) if stale else None
    apps = list(session.execute(
        _unsuggested_query(actor, current).order_by(Application.lodged_date, Application.id)
        .limit(max(0, limit))).scalars())
    if not apps:
        return 0
    triager = _triager(session, settings)
    persons = {p.id: p for p in session.execute(
        select(Person).where(Person.id.in_({a.person_id for a in apps}))).scalars()}
    done = 0
    chunk = settings.triage_batch_size
    for start in range(0, len(apps), chunk):
        prepared = [_prepare(session, a, persons.get(a.person_id))
                    for a in apps[start:start + chunk]]
        suggestions = triager.suggest_many([p.item for p in prepared])
        for p, s in zip(prepared, suggestions, strict=True):
            _store(session, actor, p, s)
        done += len(prepared)
        if progress is not None:
            progress(done, len(apps))
    session.flush()
    return done


# --- queue and case view ------------------------------------------------------------------------


def triage_queue(session: Session, *, actor: Actor, filters: QueueFilter | None = None,
                 settings: Settings | None = None) -> Queue:
    """Unsorted cases the actor may see, each with its latest suggestion, the one whose
    sorting deadline comes first at the top."""
    settings = settings or get_settings()
    require(actor, Action.TRIAGE_VIEW)
    filters = filters or QueueFilter()
    latest = (select(TriageSuggestion.application_id,
                     func.max(TriageSuggestion.id).label("sid"))
              .group_by(TriageSuggestion.application_id).subquery())
    base = (select(Application.id, Application.case_number, Application.application_number,
                   Application.state, Application.lodged_date, Application.version,
                   Application.assigned_inquirer_id, Person.nationality, latest.c.sid)
            .join(Person, Person.id == Application.person_id)
            .outerjoin(latest, latest.c.application_id == Application.id)
            .where(Application.state.in_([str(s) for s in UNSORTED_STATES]), case_scope(actor)))
    if filters.nationality:
        base = base.where(Person.nationality == filters.nationality.strip().upper())
    if filters.categories:
        wanted = [c for c in filters.categories if c != "NONE"]
        conditions = []
        if wanted:
            conditions.append(latest.c.sid.in_(
                select(TriageSuggestion.id).where(TriageSuggestion.category.in_(wanted))))
        if "NONE" in filters.categories:
            conditions.append(latest.c.sid.is_(None))
        base = base.where(or_(*conditions))
    sub = base.subquery()
    total, without = session.execute(
        select(func.count(), func.count().filter(sub.c.sid.is_(None)))).one()
    rows = session.execute(base.order_by(Application.lodged_date, Application.id)
                           .limit(max(1, filters.limit))).all()
    suggestion_rows = list(session.execute(
        select(TriageSuggestion).where(TriageSuggestion.id.in_(
            [r.sid for r in rows if r.sid is not None]))).scalars()) if rows else []
    views = _suggestion_views(session, suggestion_rows)
    names = user_names(session, [r.assigned_inquirer_id for r in rows])
    today = clock.today(settings)
    items = []
    for r in rows:
        deadline = clock.sorting_deadline(r.lodged_date, settings)
        items.append(QueueItem(
            application_id=r.id, case_number=r.case_number, nationality=r.nationality,
            application_number=r.application_number, state=r.state,
            lodged_date=r.lodged_date, sorting_deadline=deadline,
            days_left=(deadline - today).days, assigned_inquirer=names.get(
                r.assigned_inquirer_id), version=r.version, suggestion=views.get(r.id)))
    return Queue(items=items, total=total, without_suggestion=without)


def case_triage(session: Session, *, actor: Actor, application_id: int,
                settings: Settings | None = None) -> CaseTriage:
    """The triage view of one case: narrative, latest suggestion and the sorting reviews."""
    settings = settings or get_settings()
    app = _load_case(session, actor, Action.TRIAGE_VIEW, application_id)
    person = session.get(Person, app.person_id)
    row = _latest_suggestion(session, app.id)
    suggestion = _suggestion_views(session, [row])[app.id] if row else None
    reviews = list(session.execute(
        select(TriageReview).where(TriageReview.application_id == app.id)
        .order_by(TriageReview.created_at, TriageReview.id)).scalars())
    names = user_names(session, [r.reviewer_id for r in reviews]
                       + [r.qc_checker_id for r in reviews])
    return CaseTriage(
        application_id=app.id, case_number=app.case_number, person_id=app.person_id,
        nationality=person.nationality if person else "", application_number=app.application_number,
        state=str(app.state), version=app.version, lodged_date=app.lodged_date,
        sorting_deadline=clock.sorting_deadline(app.lodged_date, settings),
        narrative=app.claim_narrative or "", sorting_category=str(app.sorting_category),
        suggestion=suggestion, reviews=[_review_view(r, names) for r in reviews],
        earlier_case_numbers=[a.case_number for a in _earlier_applications(session, app)],
    )


__all__ = [
    "CaseTriage",
    "Queue",
    "QueueFilter",
    "QueueItem",
    "TriageUnavailable",
    "case_triage",
    "count_unsuggested",
    "suggest_for_case",
    "suggest_for_case_number",
    "suggest_unsorted",
    "triage_queue",
]
