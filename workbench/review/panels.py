"""Standing panels of three distinct active counsellors, one presiding, from at least two
fields of expertise; their members do not change while they hold appeals in progress. Managers
form and list them, choosing from the active counsellors.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlmodel import Session

from models import Panel, PanelMember, Role, User
from workbench.core import audit
from workbench.core.actor import Actor
from workbench.core.errors import NotFound, ValidationError
from workbench.core.i18n import t
from workbench.core.permissions import Action, require
from workbench.core.versioning import bump, stale_edit
from workbench.review.appeals import PanelView, _open_counts, _panel_views


def list_panels(session: Session, *, actor: Actor, include_inactive: bool = False
                ) -> list[PanelView]:
    require(actor, Action.APPEAL_MANAGE)
    query = select(Panel).order_by(Panel.name)
    if not include_inactive:
        query = query.where(Panel.active.is_(True))
    return _panel_views(session, list(session.execute(query).scalars()))


def save_panel(session: Session, *, actor: Actor, name: str, member_ids: Sequence[int],
               presiding_id: int, office: str | None = None, active: bool = True,
               panel_id: int | None = None, expected_version: int | None = None) -> PanelView:
    """Create or change a standing panel: three distinct active counsellors, one of them
    presiding, from at least two fields of expertise."""
    require(actor, Action.APPEAL_MANAGE, entity_type="panel", entity_id=panel_id,
            attempted="panel.save")
    name = (name or "").strip()
    if not name:
        raise ValidationError(t("errors.reviews.give_panel_name"))
    office = (office or "").strip().upper() or None  # office codes: TOKYO, OSAKA
    ids = list(dict.fromkeys(int(m) for m in member_ids))
    if len(ids) != 3 or len(member_ids) != 3:
        raise ValidationError(t("errors.reviews.panel_exactly_three_different"))
    if presiding_id not in ids:
        raise ValidationError(t("errors.reviews.presiding_counsellor_must_one"))
    users = {u.id: u for u in session.execute(select(User).where(User.id.in_(ids))).scalars()}
    wrong = [i for i in ids if i not in users or users[i].role != Role.COUNSELLOR
             or not users[i].is_active]
    if wrong:
        raise ValidationError(t("errors.reviews.every_member_must_active"))
    fields = {(users[i].expertise or "").strip().lower() for i in ids}
    if len(fields - {""}) < 2:
        raise ValidationError(t("errors.reviews.panel_mixes_fields_expertise"))
    clash = session.execute(select(Panel.id).where(func.lower(Panel.name) == name.lower(),
                                                    Panel.id != (panel_id or 0))).first()
    if clash:
        raise ValidationError(t("errors.reviews.already_panel_called", name=name))
    if panel_id is None:
        panel = Panel(name=name, office=office, active=active, updated_by_id=actor.id)
        session.add(panel)
        session.flush()
    else:
        panel = session.get(Panel, panel_id)
        if panel is None:
            raise NotFound(t("errors.reviews.no_such_panel"))
        if expected_version is not None and panel.version != expected_version:
            raise audit.refuse(stale_edit(session, "panel", panel, expected_version,
                                          {"name": name}),
                               actor=actor, action="panel.save", entity_type="panel",
                               entity_id=panel.id, outcome="refused")
        busy = _open_counts(session, [panel.id]).get(panel.id, 0)
        current = {m.user_id for m in session.execute(select(PanelMember).where(
            PanelMember.panel_id == panel.id)).scalars()}
        if busy and current != set(ids):
            raise ValidationError(t("errors.reviews.panel_appeals_progress_members"))
        panel.name, panel.office, panel.active = name, office, active
        bump(panel, actor)
        session.add(panel)
        for member in session.execute(select(PanelMember).where(
                PanelMember.panel_id == panel.id)).scalars():
            session.delete(member)
        session.flush()
    for uid in ids:
        session.add(PanelMember(panel_id=panel.id, user_id=uid, presiding=uid == presiding_id))
    session.flush()
    audit.record(session, actor=actor, action="panel.save", entity_type="panel",
                 entity_id=panel.id, details={"members": ids, "presiding": presiding_id,
                                              "active": active})
    return _panel_views(session, [panel])[0]


def counsellors(session: Session, *, actor: Actor) -> list[tuple[int, str, str | None]]:
    """Active counsellors (id, name, expertise), for forming panels."""
    require(actor, Action.APPEAL_MANAGE)
    return [(u.id, u.display_name, u.expertise) for u in session.execute(
        select(User).where(User.role == Role.COUNSELLOR, User.is_active.is_(True))
        .order_by(User.display_name)).scalars()]


__all__ = [
    "counsellors",
    "list_panels",
    "save_panel",
]
