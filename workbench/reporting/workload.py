"""The dashboard's workload figure: open cases per inquirer (by stage, oldest case) and open
appeals per review panel, within the filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from models import Appeal, Application, Panel, User
from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.permissions import Action, require
from workbench.core.settings import Settings, get_settings
from workbench.reporting.dashboard import (
    _Q,
    PRIMARY_PENDING,
    REVIEW_OPEN,
    DashboardFilter,
    _as_date,
    _as_of,
)


@dataclass(frozen=True)
class InquirerWorkload:
    inquirer: str
    office: str | None
    open_cases: int
    oldest_lodged: date | None
    decided_per_week: float


@dataclass(frozen=True)
class PanelWorkload:
    panel: str
    open_appeals: int
    oldest_filed: date | None
    ruled_per_week: float


def workload(session: Session, *, actor: Actor, f: DashboardFilter = DashboardFilter(),
             weeks: int = 8, settings: Settings | None = None
             ) -> tuple[list[InquirerWorkload], list[PanelWorkload]]:
    """Open first-instance cases per inquirer and open appeals per panel, each with its
    oldest case, and throughput per week over the last ``weeks`` weeks of the period."""
    require(actor, Action.STATS_VIEW)
    f.check()
    settings = settings or get_settings()
    q = _Q(session, f)
    a = Application
    as_of = _as_of(f, settings)
    since = as_of - timedelta(weeks=weeks)
    open_rows = session.execute(
        select(a.assigned_inquirer_id, func.count(), func.min(a.lodged_date))
        .where(a.state.in_(list(PRIMARY_PENDING)), a.assigned_inquirer_id.is_not(None),
               *q.conditions()).group_by(a.assigned_inquirer_id)).all()
    done = dict(q.rows([a.decision_drafted_by_id],
                       [a.decided_on.is_not(None), a.decided_on > since, a.decided_on <= as_of,
                        a.decision_drafted_by_id.is_not(None), *q.conditions(stage=False)]))
    users = {u.id: u for u in session.execute(select(User).where(
        User.id.in_([r[0] for r in open_rows] + list(done) or [0]))).scalars()}
    inquirers = [InquirerWorkload(users[uid].display_name if uid in users else str(uid),
                                  users[uid].office if uid in users else None, n,
                                  _as_date(first) if first else None,
                                  round(done.get(uid, 0) / weeks, 2))
                 for uid, n, first in open_rows]
    inquirers.sort(key=lambda w: (-w.open_cases, w.inquirer))
    panel_rows = session.execute(
        select(Panel.name, func.count(Appeal.id), func.min(Appeal.filed_date))
        .join(Appeal, Appeal.panel_id == Panel.id)
        .join(Application, Application.id == Appeal.application_id)
        .where(Application.state.in_(list(REVIEW_OPEN)), *q.conditions())
        .group_by(Panel.name)).all()
    ruled = dict(session.execute(
        select(Panel.name, func.count(Appeal.id)).join(Appeal, Appeal.panel_id == Panel.id)
        .where(Appeal.ruled_at.is_not(None), Appeal.ruled_at >= clock.now_utc()
               - timedelta(weeks=weeks)).group_by(Panel.name)).all())
    panels = [PanelWorkload(name, n, _as_date(first) if first else None,
                            round(ruled.get(name, 0) / weeks, 2))
              for name, n, first in panel_rows]
    return inquirers, sorted(panels, key=lambda p: (-p.open_appeals, p.panel))




__all__ = [
    "InquirerWorkload",
    "PanelWorkload",
    "workload",
]
