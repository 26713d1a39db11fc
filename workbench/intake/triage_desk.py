"""The triage desk: sorting suggestions for unsorted cases, the person's confirmation or
override, the managers' quality check, repeat-applicant identity links and the Category A list.

Triage is advice (DESIGN.md): the engine in ``triage/`` proposes a category with its grounds;
only ``confirm`` (a person) sorts a case, through the ordinary workflow transitions. Every
suggestion is stored with the model, rule and cue-lexicon versions that made it, and every
write is audited in its own transaction. Services return plain read models.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlmodel import Session

from models import (
    ACountry,
    Application,
    CaseState,
    IdentityLink,
    Person,
    SortingCategory,
    TriageReview,
    TriageSuggestion,
)
from workbench.core import audit, clock
from workbench.core.actor import Actor
from workbench.core.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationError,
    WorkbenchError,
)
from workbench.core.i18n import t
from workbench.core.permissions import Action, case_scope, may, require, require_case_id
from workbench.core.settings import Settings, get_settings
from workbench.core.versioning import stale_edit
from workbench.core.workflow import TransitionInput, transition
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
_ALPHA3 = re.compile(r"^[A-Z]{3}$")


class TriageUnavailable(WorkbenchError):
    """The triage model cannot be loaded (missing, unreadable or out of date)."""


# --- the engine, loaded once per process ----------------------------------------------------


@lru_cache(maxsize=2)
def _load_model(path: str, mtime_ns: int):  # noqa: ANN202
    from triage.model import load

    return load(Path(path))


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


@dataclass(frozen=True)
class QcItem:
    review: ReviewView
    case_number: str
    nationality: str
    suggestion: SuggestionView | None


@dataclass(frozen=True)
class SentenceView:
    text: str
    start: int
    end: int
    status: str  # repeated | reworded | new
    similarity: float
    earlier_case_number: str | None
    earlier_text: str | None
    material: bool
    cue_types: tuple[str, ...]


@dataclass(frozen=True)
class NoveltyView:
    earlier_case_numbers: list[str]
    sentences: list[SentenceView]
    new_share: float | None


@dataclass(frozen=True)
class ACountryView:
    code: str
    reason: str
    since: date | None
    active: bool
    version: int
    updated_at: datetime
    updated_by: str | None


@dataclass
class _Prepared:
    """An application ready for the engine, with the ids behind its earlier-claim labels."""

    app: Application
    item: Any  # triage.engine.TriageInput
    earlier_ids: list[int] = field(default_factory=list)


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


# --- what changed since the earlier application ----------------------------------------------


def novelty_for_case(session: Session, *, actor: Actor, application_id: int,
                     settings: Settings | None = None) -> NoveltyView | None:
    """Each sentence of the claim marked repeated, reworded or new against the applicant's
    earlier claims; None when there is no earlier claim on file."""
    settings = settings or get_settings()
    app = _load_case(session, actor, Action.TRIAGE_VIEW, application_id)
    prepared = _prepare(session, app)
    if not prepared.item.previous_narratives or not prepared.item.narrative.strip():
        return None
    item = prepared.item
    if item.application_number < 2:
        # The comparison runs only for repeat applications; one found through an identity
        # link is compared as the application it then is.
        from dataclasses import replace

        item = replace(item, application_number=len(item.previous_narratives) + 1)
    suggestion = _triager(session, settings).suggest(item)
    novelty = suggestion.novelty
    if novelty is None:
        return None
    labels = item.previous_labels
    return NoveltyView(
        earlier_case_numbers=list(labels),
        sentences=[SentenceView(
            text=s.text, start=s.start, end=s.end, status=s.status,
            similarity=float(s.similarity),
            earlier_case_number=labels[s.earlier] if s.earlier is not None
            and s.earlier < len(labels) else None,
            earlier_text=s.earlier_text, material=bool(s.material),
            cue_types=tuple(s.cue_types)) for s in novelty.sentences],
        new_share=None if suggestion.new_share is None else float(suggestion.new_share))


# --- the Category A list ------------------------------------------------------------------------


def a_country_seed_rows(path: Path | None = None) -> list[dict]:
    """Rows for ``a_country`` from the shipped list (data/triage/a_countries.toml)."""
    from triage.corpus import A_COUNTRIES_FILE, a_country_entries

    path = path or A_COUNTRIES_FILE
    if not path.is_file():
        return []
    now = clock.now_utc()
    return [{**entry, "active": True, "version": 1, "updated_at": now, "updated_by_id": None}
            for entry in sorted(a_country_entries(path), key=lambda e: e["code"])]


def seed_a_countries(session: Session, path: Path | None = None) -> int:
    """Fill an empty Category A list from the shipped file; returns the rows added."""
    if session.execute(select(func.count()).select_from(ACountry)).scalar_one():
        return 0
    rows = a_country_seed_rows(path)
    if rows:
        session.execute(ACountry.__table__.insert(), rows)
    return len(rows)


def load_a_countries_file(session: Session, *, actor: Actor, path: Path,
                          deactivate_missing: bool = False) -> dict[str, int]:
    """Apply a Category A file (the layout of ``data/triage/a_countries.toml``) to the list:
    new countries are added, changed ones updated, each through ``save_a_country`` and its
    audit entry. With ``deactivate_missing``, active entries the file leaves out are switched
    off. The whole file is checked before anything is written."""
    from triage.corpus import a_country_entries

    require(actor, Action.TRIAGE_ADMIN, entity_type="a_country",
            attempted="triage.a_country.load")
    try:
        entries = a_country_entries(path)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValidationError(t("errors.triage.not_readable_category_file", path=path,
                                exc=exc)) from exc
    problems = [f"entry {n}: {e['code']!r} is not an ISO 3166-1 alpha-3 code"
                for n, e in enumerate(entries, 1) if not _ALPHA3.match(e["code"])]
    problems += [f"entry {n} ({e['code']}): no reason given"
                 for n, e in enumerate(entries, 1) if not str(e["reason"]).strip()]
    if problems:
        raise ValidationError(f"{path}: " + "; ".join(problems))
    counts = {"added": 0, "changed": 0, "unchanged": 0, "deactivated": 0}
    existing = {r.code: (r.version, r.active, r.reason, r.since)
                for r in session.execute(select(ACountry)).scalars()}
    for e in entries:
        view = save_a_country(session, actor=actor, code=e["code"], reason=e["reason"],
                              since=e["since"], active=True)
        before = existing.get(e["code"])
        key = "added" if before is None else "changed" if view.version != before[0] \
            else "unchanged"
        counts[key] += 1
    if deactivate_missing:
        listed = {e["code"] for e in entries}
        for code, (_, active, reason, since) in existing.items():
            if code not in listed and active:
                save_a_country(session, actor=actor, code=code, reason=reason, since=since,
                               active=False)
                counts["deactivated"] += 1
    return counts


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


def active_a_countries(session: Session) -> dict[str, str]:
    return {r.code: r.reason for r in session.execute(
        select(ACountry.code, ACountry.reason).where(ACountry.active.is_(True))).all()}


def list_a_countries(session: Session, *, actor: Actor) -> list[ACountryView]:
    if not (may(actor, Action.TRIAGE_ADMIN) or may(actor, Action.TRIAGE_VIEW)):
        require(actor, Action.TRIAGE_ADMIN)
    rows = list(session.execute(select(ACountry).order_by(ACountry.code)).scalars())
    names = user_names(session, [r.updated_by_id for r in rows])
    return [ACountryView(code=r.code, reason=r.reason, since=r.since, active=r.active,
                         version=r.version, updated_at=r.updated_at,
                         updated_by=names.get(r.updated_by_id)) for r in rows]


def save_a_country(session: Session, *, actor: Actor, code: str, reason: str,
                   since: date | None = None, active: bool = True,
                   expected_version: int | None = None) -> ACountryView:
    """Add or change one entry of the Category A list (administrators)."""
    code = (code or "").strip().upper()
    require(actor, Action.TRIAGE_ADMIN, entity_type="a_country", entity_id=code or None,
            attempted="triage.a_country.save")
    if not _ALPHA3.match(code):
        raise ValidationError(t("errors.triage.country_must_iso_alpha"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(t("errors.triage.give_reason_country_category"))
    if since is not None and since > clock.today():
        raise ValidationError(t("errors.triage.date_entry_takes_effect"))
    row = session.get(ACountry, code)
    now = clock.now_utc()
    if row is None:
        row = ACountry(code=code, reason=reason, since=since, active=active, version=1,
                       updated_at=now, updated_by_id=actor.id)
        changed = ["code", "reason", "since", "active"]
    else:
        if expected_version is not None and row.version != expected_version:
            raise audit.refuse(
                stale_edit(session, "Category A entry", row, expected_version,
                           {"reason": reason, "since": since, "active": active}),
                actor=actor, action="triage.a_country.save", entity_type="a_country",
                entity_id=code, outcome="refused")
        changed = [f for f, v in (("reason", reason), ("since", since), ("active", active))
                   if getattr(row, f) != v]
        if not changed:
            return list_a_countries_one(session, row)
        row.reason, row.since, row.active = reason, since, active
        row.version += 1
        row.updated_at = now
        row.updated_by_id = actor.id
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="triage.a_country.save", entity_type="a_country",
                 entity_id=code, details={"fields": changed, "active": active})
    return list_a_countries_one(session, row)


def list_a_countries_one(session: Session, row: ACountry) -> ACountryView:
    names = user_names(session, [row.updated_by_id])
    return ACountryView(code=row.code, reason=row.reason, since=row.since, active=row.active,
                        version=row.version, updated_at=row.updated_at,
                        updated_by=names.get(row.updated_by_id))


def may_decide(actor: Actor) -> bool:
    return may(actor, Action.TRIAGE_DECIDE)


def may_qc(actor: Actor) -> bool:
    return may(actor, Action.TRIAGE_QC)


def may_admin(actor: Actor) -> bool:
    return may(actor, Action.TRIAGE_ADMIN)


__all__ = [
    "ACountryView",
    "BulkOutcome",
    "BulkResult",
    "CaseTriage",
    "NoveltyView",
    "QcItem",
    "Queue",
    "QueueFilter",
    "QueueItem",
    "ReviewView",
    "SuggestionView",
    "TriageUnavailable",
    "a_country_seed_rows",
    "active_a_countries",
    "bulk_confirm",
    "case_triage",
    "confirm",
    "count_unsuggested",
    "list_a_countries",
    "novelty_for_case",
    "qc_queue",
    "qc_record",
    "qc_sampled",
    "save_a_country",
    "seed_a_countries",
    "suggest_for_case",
    "suggest_for_case_number",
    "suggest_unsorted",
    "triage_queue",
]
