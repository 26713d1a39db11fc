"""Demo administrative review: standing panels of the demo counsellors in two offices (Tokyo
and Osaka), and an appeal row (allocated, once the case has passed that step, to the panel of
the office that covers the case's, with its hearing held or skipped and its ruling) for every
demo case the generator put into review.

Written with bulk inserts in the demo load's transaction; like the rest of the demo data it is
made up and only for demonstrations and tests.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import func, insert, select
from sqlmodel import Session

from models import (
    Appeal,
    Application,
    CaseState,
    Hearing,
    Panel,
    PanelMember,
    ReviewBasis,
    Role,
    User,
)
from models.types import utcnow
from workbench.core import clock
from workbench.core.settings import Settings
from workbench.demo.accounts import MANAGER_REGION, OFFICE_COVER

#: Demo panels: (name, office, member user names, presiding user name).
DEMO_PANELS = (
    ("Tokyo Panel 1", "TOKYO", ("counsellor1", "counsellor2", "counsellor3"), "counsellor1"),
    ("Osaka Panel 1", "OSAKA", ("counsellor4", "counsellor5", "counsellor6"), "counsellor4"),
)
_AFTER_ALLOCATION = {CaseState.PANEL_ASSIGNED, CaseState.HEARING_HELD,
                     CaseState.HEARING_SKIPPED, CaseState.PANEL_OPINION, CaseState.RULED,
                     CaseState.FINAL}
_GROUNDS = (
    "The decision did not weigh the country information on the treatment of returnees.",
    "The applicant's account was found inconsistent without the inconsistencies being put "
    "to the applicant at interview.",
    "New evidence: a summons issued after the decision.",
    "The decision applied too high a standard of proof to the fear of persecution.",
)


def ensure_demo_panels(session: Session) -> list[int]:
    """Create the demo panels when the database has none; returns the panel ids."""
    existing = list(session.execute(select(Panel.id).order_by(Panel.id)).scalars())
    if existing:
        return existing
    users = {u.username: u for u in session.execute(
        select(User).where(User.role == Role.COUNSELLOR)).scalars()}
    ids = []
    for name, office, members, presiding in DEMO_PANELS:
        if not all(m in users for m in members):
            continue
        panel = Panel(name=name, office=office)
        session.add(panel)
        session.flush()
        for m in members:
            session.add(PanelMember(panel_id=panel.id, user_id=users[m].id,
                                    presiding=m == presiding))
        ids.append(panel.id)
    session.flush()
    return ids


def panel_office(case_office: str) -> str:
    """The office whose panels hear the appeals of a case of ``case_office``: the region that
    covers it (Tokyo for Sapporo, Sendai and Nagoya; Osaka for Hiroshima, Takamatsu and
    Fukuoka)."""
    covering = OFFICE_COVER.get(case_office, case_office)
    return MANAGER_REGION.get(covering, covering)


def add_demo_appeals(session: Session, settings: Settings, today: date,
                     after_application_id: int = 0) -> int:
    """An appeal row for each demo case in review without one; returns how many."""
    ids = ensure_demo_panels(session)
    by_office: dict[str | None, list[int]] = {}
    for panel_id, office in session.execute(select(Panel.id, Panel.office).where(
            Panel.id.in_(ids or [0])).order_by(Panel.id)).all():
        by_office.setdefault(office, []).append(panel_id)
    rows = session.execute(
        select(Application.id, Application.state, Application.office, Application.review_basis,
               Application.review_filed_date, Application.review_late_reason,
               Application.notice_date, Application.review_ruling, Application.updated_at)
        .where(Application.id > after_application_id,
               Application.review_basis.is_not(None),
               Application.review_filed_date.is_not(None),
               ~Application.id.in_(select(Appeal.application_id)))
        .order_by(Application.id)).all()
    if not rows:
        return 0
    first_id = (session.execute(select(func.max(Appeal.id))).scalar() or 0) + 1
    appeals, hearings = [], []
    now = utcnow()
    for n, (aid, state, office, basis, filed, late_reason, notice, ruling, updated
            ) in enumerate(rows):
        state = CaseState(state)
        deadline = (clock.review_deadline(notice, settings)
                    if notice is not None and basis != ReviewBasis.INACTION else None)
        # The panels of the case's region, or any panel when that region has none.
        panels = by_office.get(panel_office(office)) or ids
        panel = panels[aid % len(panels)] if panels and state in _AFTER_ALLOCATION else None
        appeal_id = first_id + n
        appeals.append({
            "id": appeal_id, "application_id": aid, "decision_id": None, "basis": basis,
            "filed_date": filed, "deadline": deadline,
            "late": bool(deadline and filed > deadline), "late_reason": late_reason,
            "grounds": _GROUNDS[aid % len(_GROUNDS)], "hearing_requested": aid % 5 != 0,
            "panel_id": panel,
            "allocated_at": datetime.combine(filed, time(9), tzinfo=settings.zone)
            if panel else None,
            "allocated_by_id": None, "ruling": ruling,
            "ruling_gist": "The panel's opinion is recorded with the ruling." if ruling else None,
            "ruled_at": updated if ruling else None, "ruled_by_id": None, "version": 1,
            "created_at": now, "created_by_id": None, "updated_at": now, "updated_by_id": None,
        })
        if state in (CaseState.HEARING_HELD, CaseState.HEARING_SKIPPED) or (
                panel and ruling and aid % 3 != 0):
            skipped = state == CaseState.HEARING_SKIPPED or (ruling and aid % 2 == 0)
            hearings.append({
                "appeal_id": appeal_id, "scheduled_for": None if skipped else now,
                "place": "" if skipped else "Tokyo hearing room", "language": "",
                "interpreter": "", "attendance": "" if skipped else "requester, panel",
                "requester_attended": None if skipped else True,
                "held_on": None if skipped else min(_held_on(filed), today),
                "skipped": bool(skipped),
                "skip_reason": "The request repeats the earlier claim." if skipped else None,
                "version": 1, "updated_at": now, "updated_by_id": None})
    connection = session.connection()
    for start in range(0, len(appeals), 5000):
        connection.execute(insert(Appeal.__table__), appeals[start:start + 5000])
    for start in range(0, len(hearings), 5000):
        connection.execute(insert(Hearing.__table__), hearings[start:start + 5000])
    return len(appeals)


def _held_on(filed: date) -> date:
    return date.fromordinal(filed.toordinal() + 60)


__all__ = ["DEMO_PANELS", "add_demo_appeals", "ensure_demo_panels", "panel_office"]
