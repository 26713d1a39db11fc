"""The lists of appeals: a counsellor's own (those of their panels), the manager's queue with
the appeals' ages, and the review's figures (pending, unallocated, the oldest, hearings held
and skipped, each panel's workload).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from models import Appeal, Application, CaseState, CounsellorOpinion, Hearing, Panel
from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.permissions import Action, case_scope, require
from workbench.review.appeals import OPEN_REVIEW_STATES, PanelView
from workbench.review.panels import list_panels


@dataclass(frozen=True)
class QueueItem:
    appeal_id: int
    application_id: int
    case_number: str
    state: str
    basis: str
    filed_date: date
    age_days: int
    late: bool
    panel: str | None
    hearing: str  # "requested", "scheduled", "held", "skipped", "not requested"
    opinions_submitted: int


def my_appeals(session: Session, *, actor: Actor) -> list[QueueItem]:
    """The appeals a counsellor's panels hold (or, for a manager, all), oldest first."""
    require(actor, Action.CASE_LIST)
    return _queue(session, actor)


def appeal_queue(session: Session, *, actor: Actor, state: str | None = None
                 ) -> list[QueueItem]:
    """The manager's queue of appeals with their ages."""
    require(actor, Action.APPEAL_MANAGE)
    items = _queue(session, actor)
    return [i for i in items if state is None or i.state == state]


def _queue(session: Session, actor: Actor) -> list[QueueItem]:
    latest = select(func.max(Appeal.id)).group_by(Appeal.application_id)
    rows = session.execute(
        select(Appeal, Application.case_number, Application.state, Panel.name)
        .join(Application, Application.id == Appeal.application_id)
        .outerjoin(Panel, Panel.id == Appeal.panel_id)
        .where(Appeal.id.in_(latest), case_scope(actor),
               Application.state.in_([s.value for s in OPEN_REVIEW_STATES]
                                     + [CaseState.RULED.value]))
        .order_by(Appeal.filed_date, Appeal.id)).all()
    ids = [r[0].id for r in rows]
    hearings = {h.appeal_id: h for h in session.execute(select(Hearing).where(
        Hearing.appeal_id.in_(ids or [0]))).scalars()}
    submitted = dict(session.execute(select(CounsellorOpinion.appeal_id, func.count()).where(
        CounsellorOpinion.appeal_id.in_(ids or [0]),
        CounsellorOpinion.submitted_at.is_not(None)).group_by(CounsellorOpinion.appeal_id)).all())
    today = clock.today()
    out = []
    for appeal, number, state, panel in rows:
        h = hearings.get(appeal.id)
        hearing = ("skipped" if h and h.skipped else "held" if h and h.held_on
                   else "scheduled" if h and h.scheduled_for
                   else "requested" if appeal.hearing_requested else "not requested")
        end = clock.local_date(appeal.ruled_at) if appeal.ruled_at else today
        out.append(QueueItem(appeal.id, appeal.application_id, number, str(state), appeal.basis,
                             appeal.filed_date, (end - appeal.filed_date).days, appeal.late,
                             panel, hearing, submitted.get(appeal.id, 0)))
    return out


@dataclass(frozen=True)
class ReviewStats:
    pending: int
    unallocated: int
    oldest_pending_days: int | None
    hearings_held: int
    hearings_skipped: int
    panels: tuple[PanelView, ...]


def review_stats(session: Session, *, actor: Actor) -> ReviewStats:
    """Pending appeals, the oldest, hearings held and skipped, each panel's workload."""
    require(actor, Action.APPEAL_MANAGE)
    queue = [i for i in _queue(session, actor) if i.state != CaseState.RULED.value]
    held = session.execute(select(func.count()).select_from(Hearing).where(
        Hearing.held_on.is_not(None))).scalar_one()
    skipped = session.execute(select(func.count()).select_from(Hearing).where(
        Hearing.skipped.is_(True))).scalar_one()
    return ReviewStats(len(queue), sum(1 for i in queue if i.panel is None),
                       max((i.age_days for i in queue), default=None), held, skipped,
                       tuple(list_panels(session, actor=actor)))


__all__ = [
    "QueueItem",
    "ReviewStats",
    "appeal_queue",
    "my_appeals",
    "review_stats",
]
