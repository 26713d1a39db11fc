"""Allocation of an appeal to a panel, never to one person: the eligible panel of the case's
office with the fewest open appeals. A panel is not eligible when one of its members handled
the case at first instance or declared a conflict of interest in it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session

from models import (
    Application,
    CaseState,
    ConflictDeclaration,
    CounsellorOpinion,
    Decision,
    StatusEvent,
)
from workbench.core import audit, clock
from workbench.core.actor import Actor
from workbench.core.errors import ValidationError
from workbench.core.i18n import t
from workbench.core.permissions import Action, require
from workbench.core.versioning import bump
from workbench.core.workflow import TransitionInput, transition
from workbench.review.appeals import AppealView, PanelView, _appeal, appeal_view
from workbench.review.panels import list_panels


def first_instance_handlers(session: Session, application_id: int) -> set[int]:
    """Everyone who acted on the case at first instance (and so cannot sit on its appeal)."""
    app = session.get(Application, application_id)
    users: set[int] = set()
    if app is not None and app.assigned_inquirer_id:
        users.add(app.assigned_inquirer_id)
    for drafted, approved in session.execute(select(Decision.drafted_by_id,
                                                    Decision.approved_by_id).where(
            Decision.application_id == application_id)).all():
        users.update(u for u in (drafted, approved) if u)
    first_review = session.execute(select(func.min(StatusEvent.id)).where(
        StatusEvent.application_id == application_id,
        StatusEvent.action.in_(["file_review", "file_review_inaction"]))).scalar_one()
    events = select(StatusEvent.actor_id).where(StatusEvent.application_id == application_id,
                                                StatusEvent.actor_id.is_not(None))
    if first_review is not None:
        events = events.where(StatusEvent.id < first_review)
    users.update(session.execute(events).scalars())
    return users


def conflicted(session: Session, application_id: int) -> dict[int, str]:
    """Counsellors who cannot sit on the case, with the reason."""
    out = {uid: t("errors.reviews.conflict.first_instance")
           for uid in first_instance_handlers(session, application_id)}
    for uid, reason in session.execute(select(ConflictDeclaration.user_id,
                                              ConflictDeclaration.reason).where(
            ConflictDeclaration.application_id == application_id)).all():
        out[uid] = t("errors.reviews.conflict.declared", reason=reason)
    return out


@dataclass(frozen=True)
class PanelChoice:
    panel: PanelView
    eligible: bool
    why_not: tuple[str, ...]
    same_office: bool = False  # the panel sits in the case's office


def same_office(panel_office: str | None, case_office: str | None) -> bool:
    return bool(panel_office and case_office
                and panel_office.strip().upper() == case_office.strip().upper())


def panel_choices(session: Session, *, actor: Actor, appeal_id: int) -> list[PanelChoice]:
    """Every active panel with whether it may take the appeal: the eligible ones first, those
    of the case's office before the others, each least loaded first."""
    require(actor, Action.APPEAL_MANAGE, entity_type="appeal", entity_id=appeal_id)
    row, app = _appeal(session, actor, Action.CASE_OPEN, appeal_id)
    blocked = conflicted(session, app.id)
    choices = []
    for panel in list_panels(session, actor=actor):
        why = tuple(t("errors.reviews.conflict.member", name=m.name, why=blocked[m.user_id])
                    for m in panel.members if m.user_id in blocked)
        if len(panel.members) != 3:
            why += (t("errors.reviews.conflict.not_three"),)
        choices.append(PanelChoice(panel, not why, why, same_office(panel.office, app.office)))
    choices.sort(key=lambda c: (not c.eligible, not c.same_office, c.panel.open_appeals,
                                c.panel.name))
    return choices


def allocate(session: Session, *, actor: Actor, appeal_id: int, panel_id: int | None = None,
             expected_case_version: int | None = None) -> AppealView:
    """Allocate the appeal to a panel (the chosen one, or else the eligible panel of the
    case's office with the fewest open appeals, and only when the office has none, the least
    loaded eligible panel of another office). An appeal already allocated may move to another
    panel until an opinion has been submitted."""
    require(actor, Action.APPEAL_MANAGE, entity_type="appeal", entity_id=appeal_id,
            attempted="appeal.allocate")
    row, app = _appeal(session, actor, Action.CASE_TRANSITION, appeal_id)
    state = CaseState(app.state)
    if state not in (CaseState.REVIEW_FILED, CaseState.PANEL_ASSIGNED):
        raise ValidationError(t("errors.reviews.appeal_allocated_before_hearing"))
    submitted = session.execute(select(func.count()).select_from(CounsellorOpinion).where(
        CounsellorOpinion.appeal_id == row.id,
        CounsellorOpinion.submitted_at.is_not(None))).scalar_one()
    if submitted:
        raise ValidationError(t("errors.reviews.opinions_been_submitted_appeal"))
    choices = panel_choices(session, actor=actor, appeal_id=appeal_id)
    if panel_id is None:
        chosen = next((c for c in choices if c.eligible and c.panel.id != row.panel_id), None)
        if chosen is None:
            raise ValidationError(t("errors.reviews.no_active_panel_take"))
    else:
        chosen = next((c for c in choices if c.panel.id == panel_id), None)
        if chosen is None:
            raise ValidationError(t("errors.reviews.no_such_active_panel"))
        if not chosen.eligible:
            raise audit.refuse(ValidationError(t(
                "errors.reviews.cannot_take", panel=chosen.panel.name,
                why=t("errors.reviews.conflict.separator").join(chosen.why_not))),
                actor=actor, action="appeal.allocate", entity_type="application",
                entity_id=app.id, outcome="refused")
    if state == CaseState.REVIEW_FILED:
        transition(session, actor=actor, application_id=app.id, action="assign_panel",
                   data=TransitionInput(reason=f"Allocated to {chosen.panel.name}"),
                   expected_version=expected_case_version)
    previous = row.panel_id
    row.panel_id = chosen.panel.id
    row.allocated_at = clock.now_utc()
    row.allocated_by_id = actor.id
    bump(row, actor)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="appeal.allocate", entity_type="application",
                 entity_id=app.id, details={"appeal": row.id, "panel": chosen.panel.id,
                                            "previous_panel": previous,
                                            "other_office": not chosen.same_office})
    return appeal_view(session, actor=actor, appeal_id=row.id)


def declare_conflict(session: Session, *, actor: Actor, appeal_id: int, reason: str) -> None:
    """A counsellor of the appeal's panel declares a conflict of interest: the appeal must be
    allocated to another panel (before any opinion is submitted)."""
    require(actor, Action.APPEAL_OPINION, entity_type="appeal", entity_id=appeal_id,
            attempted="appeal.conflict")
    row, app = _appeal(session, actor, Action.CASE_OPEN, appeal_id)
    if not (reason or "").strip():
        raise ValidationError(t("errors.reviews.say_what_conflict_interest"))
    exists_ = session.execute(select(ConflictDeclaration.id).where(
        ConflictDeclaration.application_id == app.id,
        ConflictDeclaration.user_id == actor.id)).first()
    if not exists_:
        session.add(ConflictDeclaration(application_id=app.id, user_id=actor.id,
                                        reason=reason.strip()))
        session.flush()
    audit.record(session, actor=actor, action="appeal.conflict", entity_type="application",
                 entity_id=app.id, details={"appeal": row.id})


__all__ = [
    "PanelChoice",
    "allocate",
    "conflicted",
    "declare_conflict",
    "first_instance_handlers",
    "panel_choices",
    "same_office",
]
