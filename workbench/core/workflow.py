"""The case workflow: one table of allowed moves, their roles and their guards.

``transition`` is the only way a case changes state. It checks the table, the actor's role
and reach, the guard and the version the user loaded, then updates the case and writes a
StatusEvent and an AuditEvent in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from models import (
    Application,
    ApplicationRead,
    ApplicationType,
    CaseState,
    PrimaryOutcome,
    ResidenceMeasure,
    ResidenceStatus,
    ReviewBasis,
    ReviewRuling,
    Role,
    SortingCategory,
    StatusEvent,
)
from models.enums import REVIEWABLE_OUTCOMES
from workbench.core import audit, clock
from workbench.core.actor import Actor
from workbench.core.errors import InvalidTransition, NotFound, PermissionDenied, StaleEdit  # noqa: F401
from workbench.core.i18n import t
from workbench.core.milestones import MILESTONE_COLUMNS, milestone_updates
from workbench.core.permissions import Action, require_case_id
from workbench.core.settings import Settings, get_settings
from workbench.core.versioning import stale_edit

S = CaseState
_INQ = Role.INQUIRER
_MGR = Role.MANAGER
_CNS = Role.COUNSELLOR


@dataclass
class TransitionInput:
    """What a user supplies with an action; each transition reads the fields it needs."""

    reason: str | None = None
    category: SortingCategory | None = None
    residence_measure: ResidenceMeasure | None = None
    outcome: PrimaryOutcome | None = None
    notice_date: date | None = None
    filed_date: date | None = None
    ruling: ReviewRuling | None = None


@dataclass(frozen=True)
class Context:
    session: Session
    actor: Actor
    application: Application
    data: TransitionInput
    settings: Settings
    today: date


Guard = Callable[[Context], str | None]
Effect = Callable[[Context], None]


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[CaseState]
    target: CaseState
    roles: frozenset[Role]
    reason_required: bool = False
    needs_person: bool = True
    guards: tuple[Guard, ...] = ()
    effects: tuple[Effect, ...] = ()
    description: str = ""
    fields: tuple[str, ...] = field(default=())


# --- guards: each returns a refusal message or None ---------------------------------------

DEFAULT_MEASURE = {
    SortingCategory.A: ResidenceMeasure.DA_6M_WORK,
    SortingCategory.B: ResidenceMeasure.RESIDENCE_RESTRICTED,
    SortingCategory.C: ResidenceMeasure.RESIDENCE_RESTRICTED,
    SortingCategory.D1: ResidenceMeasure.DA_3M_NO_WORK,
    SortingCategory.D2: ResidenceMeasure.DA_3M_NO_WORK,
    SortingCategory.NOT_APPLICABLE: ResidenceMeasure.PROVISIONAL_STAY,
}


def _category_given(ctx: Context) -> str | None:
    category = ctx.data.category
    app = ctx.application
    if category is None or category == SortingCategory.UNSORTED:
        return t("errors.workflow.choose_sorting_category_b")
    no_status = app.residence_status_at_filing == ResidenceStatus.NO_STATUS
    if no_status and category != SortingCategory.NOT_APPLICABLE:
        return (t("errors.workflow.applicant_had_no_status"))
    if not no_status and category == SortingCategory.NOT_APPLICABLE:
        return t("errors.workflow.not_applicable_applicants_without")
    if category == SortingCategory.C and app.application_number < 2:
        return t("errors.workflow.category_c_repeat_applications")
    return None


def _outcome_for_draft(ctx: Context) -> str | None:
    outcome = ctx.data.outcome
    if outcome is None:
        return t("errors.workflow.choose_proposed_outcome_draft")
    if outcome in (PrimaryOutcome.WITHDRAWN, PrimaryOutcome.REVOKED):
        return t("errors.workflow.draft_decision_proposes_recognition")
    if (outcome == PrimaryOutcome.RECOGNISED_REFUGEE
            and ctx.application.application_type == ApplicationType.COMPLEMENTARY):
        return t("errors.workflow.complementary_protection_application_cannot")
    return None


def _four_eyes(ctx: Context) -> str | None:
    if ctx.application.decision_drafted_by_id == ctx.actor.id:
        return t("errors.workflow.author_draft_decision_cannot")
    return None


def _notice_date(ctx: Context) -> str | None:
    notice = ctx.data.notice_date
    if notice is None:
        return t("errors.workflow.enter_date_notice_decision")
    if notice > ctx.today:
        return t("errors.workflow.notice_date_cannot_future")
    if notice < ctx.application.lodged_date:
        return t("errors.workflow.notice_date_cannot_before")
    return None


def outcome_reviewable(outcome: str | None, application_type: str) -> bool:
    """Whether a request for review lies against this outcome of this kind of application."""
    if outcome is None:
        return False
    outcome = PrimaryOutcome(outcome)
    if outcome in REVIEWABLE_OUTCOMES:
        return True
    # CP instead of refugee status is a non-recognition as refugee.
    return (outcome == PrimaryOutcome.RECOGNISED_CP
            and application_type == ApplicationType.REFUGEE)


def is_reviewable(app: Application) -> bool:
    return outcome_reviewable(app.outcome, app.application_type)


def _review_window_closed(ctx: Context) -> str | None:
    app = ctx.application
    if not is_reviewable(app):
        return None
    if app.notice_date is None:
        return t("errors.workflow.notice_date_missing_review")
    deadline = clock.review_deadline(app.notice_date, ctx.settings)
    if ctx.today <= deadline:
        return t("errors.workflow.review_window_open_until", deadline=deadline.isoformat())
    return None


def _review_allowed(ctx: Context) -> str | None:
    app = ctx.application
    if app.review_ruling is not None:
        return t("errors.workflow.review_decision_already_been")
    if not is_reviewable(app):
        return (t("errors.workflow.review_filed_against_non", outcome=t(f"outcome.{app.outcome}")))
    return _filed_date(ctx) or _late_reason(ctx)


def _filed_date(ctx: Context) -> str | None:
    filed = ctx.data.filed_date
    if filed is None:
        return t("errors.workflow.enter_date_request_review")
    if filed > ctx.today:
        return t("errors.workflow.filing_date_cannot_future")
    floor = ctx.application.notice_date or ctx.application.lodged_date
    if filed < floor:
        return t("errors.workflow.filing_date_cannot_before")
    return None


def _late_reason(ctx: Context) -> str | None:
    app = ctx.application
    deadline = clock.review_deadline(app.notice_date, ctx.settings)
    if ctx.data.filed_date > deadline and not (ctx.data.reason or "").strip():
        return (t("errors.workflow.request_filed_after_review", deadline=deadline.isoformat()))
    return None


def _ruling_given(ctx: Context) -> str | None:
    if ctx.data.ruling is None or ctx.data.ruling == ReviewRuling.WITHDRAWN:
        return t("errors.workflow.choose_ruling_granted_dismissed")
    return None


def _basis_is(*bases: ReviewBasis) -> Guard:
    def guard(ctx: Context) -> str | None:
        if ctx.application.review_basis not in bases:
            return t("errors.workflow.only_reviews_against",
                     bases=t("errors.workflow.basis.or").join(
                         t(f"errors.workflow.basis.{b.value}") for b in bases))
        return None
    return guard


def _no_review_pending(ctx: Context) -> str | None:
    app = ctx.application
    if app.review_basis is not None and app.review_ruling is None:
        return (t("errors.workflow.review_decision_pending_panel"))
    if app.outcome in (PrimaryOutcome.WITHDRAWN, None):
        return t("errors.workflow.decided_case_reopened_new")
    return None


def _recognised(ctx: Context) -> str | None:
    if ctx.application.outcome not in (PrimaryOutcome.RECOGNISED_REFUGEE,
                                       PrimaryOutcome.RECOGNISED_CP):
        return t("errors.workflow.recognition_revoked")
    return None


# --- effects ---------------------------------------------------------------------------------


def _set_category(ctx: Context) -> None:
    category = ctx.data.category
    ctx.application.sorting_category = category
    ctx.application.residence_measure = ctx.data.residence_measure or DEFAULT_MEASURE[category]


def _set_draft(ctx: Context) -> None:
    ctx.application.outcome = ctx.data.outcome
    ctx.application.decision_drafted_by_id = ctx.actor.id


def _clear_draft(ctx: Context) -> None:
    ctx.application.outcome = None
    ctx.application.decision_drafted_by_id = None


def _clear_draft_only(ctx: Context) -> None:
    # The outcome of the final decision stands until a new notice is served.
    ctx.application.decision_drafted_by_id = None


def _set_notice(ctx: Context) -> None:
    ctx.application.notice_date = ctx.data.notice_date


def _set_withdrawn(ctx: Context) -> None:
    ctx.application.outcome = PrimaryOutcome.WITHDRAWN


def _set_review(basis: ReviewBasis | None) -> Effect:
    def effect(ctx: Context) -> None:
        app = ctx.application
        app.review_basis = basis or (
            ReviewBasis.REVOCATION if app.outcome == PrimaryOutcome.REVOKED
            else ReviewBasis.NON_RECOGNITION
        )
        app.review_filed_date = ctx.data.filed_date
        if app.notice_date and ctx.data.filed_date > clock.review_deadline(app.notice_date,
                                                                           ctx.settings):
            app.review_late_reason = ctx.data.reason
        else:
            app.review_late_reason = None
    return effect


def _set_ruling(ctx: Context) -> None:
    app = ctx.application
    app.review_ruling = ctx.data.ruling
    if ctx.data.ruling == ReviewRuling.GRANTED and app.review_basis != ReviewBasis.INACTION:
        app.outcome = (PrimaryOutcome.RECOGNISED_CP
                       if app.application_type == ApplicationType.COMPLEMENTARY
                       else PrimaryOutcome.RECOGNISED_REFUGEE)


def _set_review_withdrawn(ctx: Context) -> None:
    ctx.application.review_ruling = ReviewRuling.WITHDRAWN


def _clear_review(ctx: Context) -> None:
    app = ctx.application
    app.review_basis = None
    app.review_filed_date = None
    app.review_late_reason = None
    app.review_ruling = None


def _set_revoked(ctx: Context) -> None:
    ctx.application.outcome = PrimaryOutcome.REVOKED
    ctx.application.notice_date = ctx.data.notice_date
    _clear_review(ctx)


_PRE_DECISION = frozenset({S.RECEIVED, S.SORTING, S.UNDER_EXAMINATION, S.DECISION_DRAFTED,
                           S.APPROVED})
_REVIEW_OPEN = frozenset({S.REVIEW_FILED, S.PANEL_ASSIGNED, S.HEARING_HELD, S.HEARING_SKIPPED,
                          S.PANEL_OPINION})

TRANSITIONS: tuple[Transition, ...] = (
    Transition("start_sorting", "Start sorting", frozenset({S.RECEIVED}), S.SORTING,
               frozenset({_INQ, _MGR})),
    Transition("confirm_sorting", "Confirm sorting", frozenset({S.SORTING}),
               S.UNDER_EXAMINATION, frozenset({_INQ, _MGR}),
               guards=(_category_given,), effects=(_set_category,),
               fields=("category", "residence_measure", "reason"),
               description="A person confirms the category; triage only suggests it."),
    Transition("draft_decision", "Draft decision", frozenset({S.UNDER_EXAMINATION}),
               S.DECISION_DRAFTED, frozenset({_INQ}),
               guards=(_outcome_for_draft,), effects=(_set_draft,), fields=("outcome",)),
    Transition("return_draft", "Return draft for revision", frozenset({S.DECISION_DRAFTED}),
               S.UNDER_EXAMINATION, frozenset({_MGR}), reason_required=True,
               effects=(_clear_draft,), fields=("reason",)),
    Transition("approve_decision", "Approve decision", frozenset({S.DECISION_DRAFTED}),
               S.APPROVED, frozenset({_MGR}), guards=(_four_eyes,)),
    Transition("serve_notice", "Serve notice of decision", frozenset({S.APPROVED}), S.DECIDED,
               frozenset({_INQ, _MGR}), guards=(_notice_date,), effects=(_set_notice,),
               fields=("notice_date",)),
    Transition("withdraw", "Record withdrawal", _PRE_DECISION, S.FINAL,
               frozenset({_INQ, _MGR}), reason_required=True, effects=(_set_withdrawn,),
               fields=("reason",)),
    Transition("close_case", "Close case", frozenset({S.DECIDED}), S.FINAL,
               frozenset({_INQ, _MGR}), guards=(_review_window_closed,)),
    Transition("file_review", "Record request for review", frozenset({S.DECIDED, S.FINAL}),
               S.REVIEW_FILED, frozenset({_INQ, _MGR}), guards=(_review_allowed,),
               effects=(_set_review(None),), fields=("filed_date", "reason")),
    Transition("file_review_inaction", "Record review against inaction",
               frozenset({S.SORTING, S.UNDER_EXAMINATION}), S.REVIEW_FILED,
               frozenset({_INQ, _MGR}), guards=(_filed_date,),
               effects=(_set_review(ReviewBasis.INACTION),), fields=("filed_date",)),
    Transition("assign_panel", "Assign to a panel", frozenset({S.REVIEW_FILED}),
               S.PANEL_ASSIGNED, frozenset({_MGR})),
    Transition("hold_hearing", "Record oral opinion statement", frozenset({S.PANEL_ASSIGNED}),
               S.HEARING_HELD, frozenset({_MGR, _CNS})),
    Transition("skip_hearing", "Skip oral opinion statement", frozenset({S.PANEL_ASSIGNED}),
               S.HEARING_SKIPPED, frozenset({_MGR, _CNS}), reason_required=True,
               fields=("reason",)),
    Transition("submit_panel_opinion", "Record panel opinion",
               frozenset({S.HEARING_HELD, S.HEARING_SKIPPED}), S.PANEL_OPINION,
               frozenset({_MGR, _CNS})),
    Transition("record_ruling", "Record ruling", frozenset({S.PANEL_OPINION}), S.RULED,
               frozenset({_MGR}), guards=(_ruling_given,), effects=(_set_ruling,),
               fields=("ruling",)),
    Transition("withdraw_review", "Record withdrawal of review", _REVIEW_OPEN, S.RULED,
               frozenset({_MGR}), reason_required=True, effects=(_set_review_withdrawn,),
               fields=("reason",)),
    Transition("close_review", "Close after ruling", frozenset({S.RULED}), S.FINAL,
               frozenset({_MGR}),
               guards=(_basis_is(ReviewBasis.NON_RECOGNITION, ReviewBasis.REVOCATION),)),
    Transition("resume_examination", "Resume examination after ruling", frozenset({S.RULED}),
               S.UNDER_EXAMINATION, frozenset({_MGR}),
               guards=(_basis_is(ReviewBasis.INACTION),), effects=(_clear_review,)),
    Transition("reopen_for_new_decision", "Reopen for a new decision",
               frozenset({S.DECIDED, S.FINAL}), S.UNDER_EXAMINATION, frozenset({_MGR}),
               reason_required=True, guards=(_no_review_pending,), effects=(_clear_draft_only,),
               fields=("reason",),
               description="A final decision is never edited: a later decision, drafted and "
                           "approved again, supersedes it."),
    Transition("revoke_recognition", "Revoke recognition", frozenset({S.FINAL}), S.DECIDED,
               frozenset({_MGR}), reason_required=True, guards=(_recognised, _notice_date),
               effects=(_set_revoked,), fields=("notice_date", "reason")),
)

BY_NAME: dict[str, Transition] = {t.name: t for t in TRANSITIONS}


def _label(spec: Transition) -> str:
    """The transition's name in the reader's language (``transition.<name>``)."""
    return t(f"transition.{spec.name}")


def transitions_from(state: CaseState | str) -> list[Transition]:
    state = CaseState(state)
    return [t for t in TRANSITIONS if state in t.sources]


def available_actions(app: Application, actor: Actor) -> list[Transition]:
    """Transitions the actor's role may take from the case's state (guards not run)."""
    if actor.role is None:
        return []
    return [t for t in transitions_from(app.state) if actor.role in t.roles]


def transition(
    session: Session,
    *,
    actor: Actor,
    application_id: int,
    action: str,
    data: TransitionInput | None = None,
    expected_version: int | None = None,
    settings: Settings | None = None,
) -> ApplicationRead:
    """Move a case by ``action``. Raises InvalidTransition, PermissionDenied or StaleEdit,
    each leaving the case unchanged (and the refusal audited)."""
    settings = settings or get_settings()
    data = data or TransitionInput()
    query = select(Application).where(Application.id == application_id)
    if session.get_bind().dialect.name != "sqlite":
        query = query.with_for_update()
    app = require_case_id(session, actor, Action.CASE_TRANSITION,
                          session.execute(query).scalar_one_or_none(), application_id)

    refusal = {"actor": actor, "action": f"case.transition.{action}",
               "entity_type": "application", "entity_id": app.id}
    if expected_version is not None and app.version != expected_version:
        # Someone moved or edited the case since this user loaded it: say who and when
        # rather than judging the action against a state the user never saw.
        raise audit.refuse(stale_edit(session, "case", app, expected_version,
                                      {"action": action}),
                           outcome="refused", **refusal)
    spec = BY_NAME.get(action)
    state = CaseState(app.state)
    if spec is None or state not in spec.sources:
        allowed = [f"{t.name} → {t.target.value}" for t in transitions_from(state)]
        raise audit.refuse(
            InvalidTransition(t("errors.workflow.not_allowed_from", label=_label(spec),
                                state_label=t(f"state.{state.value}"))
                              if spec else t("errors.workflow.unknown_action", action=action),
                              allowed),
            outcome="refused", **refusal,
        )
    if actor.is_system or actor.role not in spec.roles:
        role_labels = t("errors.list_separator").join(
            t(f"role.{r.value}") for r in sorted(spec.roles))
        raise audit.refuse(
            PermissionDenied(t("errors.workflow.roles_only", label=_label(spec),
                               role_labels=role_labels)), **refusal
        )
    reason = (data.reason or "").strip() or None
    data.reason = reason
    if spec.reason_required and not reason:
        raise audit.refuse(
            InvalidTransition(t("errors.workflow.needs_reason", label=_label(spec)),
                              [f"{t.name} → {t.target.value}" for t in transitions_from(state)]),
            outcome="refused", **refusal,
        )
    ctx = Context(session, actor, app, data, settings, clock.today(settings))
    for guard in spec.guards:
        message = guard(ctx)
        if message:
            raise audit.refuse(
                InvalidTransition(message, [f"{t.name} → {t.target.value}"
                                            for t in transitions_from(state)]),
                outcome="refused", **refusal,
            )
    for effect in spec.effects:
        effect(ctx)
    now = clock.now_utc()
    current = {column: getattr(app, column) for column in MILESTONE_COLUMNS}
    for column, value in milestone_updates(current, spec.name,
                                           clock.local_date(now, settings)).items():
        setattr(app, column, value)
    app.state = spec.target
    app.version += 1
    app.updated_at = now
    app.updated_by_id = actor.id
    session.add(app)
    session.add(StatusEvent(application_id=app.id, action=spec.name, from_state=state,
                            to_state=spec.target, actor_id=actor.id, reason=reason,
                            occurred_at=now))
    audit.record(session, actor=actor, action=f"case.transition.{spec.name}",
                 entity_type="application", entity_id=app.id,
                 details={"from": state.value, "to": spec.target.value,
                          "fields": [f for f in spec.fields if getattr(data, f, None) is not None]})
    session.flush()
    return ApplicationRead.model_validate(app, from_attributes=True)


__all__ = [
    "BY_NAME",
    "DEFAULT_MEASURE",
    "TRANSITIONS",
    "Transition",
    "TransitionInput",
    "available_actions",
    "is_reviewable",
    "transition",
    "transitions_from",
]
