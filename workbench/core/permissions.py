"""Who may do what: deny by default, enforced in services.

``ROLE_ACTIONS`` says which roles may attempt an action at all; ``CASE_SCOPES`` says which
cases a role reaches. A request outside either is refused with ``PermissionDenied`` and the
refusal is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from sqlalchemy import ColumnElement, false, select, true
from sqlmodel import Session

from models import Application, Role
from workbench.core import audit
from workbench.core.actor import Actor
from workbench.core.errors import PermissionDenied
from workbench.core.i18n import t


class Action(StrEnum):
    CASE_LIST = "case.list"
    CASE_OPEN = "case.open"
    CASE_CREATE = "case.create"
    CASE_EDIT = "case.update"
    CASE_EXPORT = "case.export"
    CASE_ASSIGN = "case.assign"
    CASE_TRANSITION = "case.transition"
    STATS_VIEW = "stats.view"
    USER_ADMIN = "user.admin"
    AUDIT_VERIFY = "audit.verify"
    COI_SEARCH = "coi.search"
    COI_INGEST = "coi.ingest"
    COI_EDIT = "coi.edit"
    COI_CITE = "coi.cite"
    TRIAGE_VIEW = "triage.view"
    TRIAGE_DECIDE = "triage.decide"
    TRIAGE_QC = "triage.qc"
    TRIAGE_ADMIN = "triage.admin"
    APPEAL_FILE = "appeal.file"
    APPEAL_MANAGE = "appeal.manage"
    APPEAL_OPINION = "appeal.opinion"


ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.INQUIRER: frozenset(
        {Action.CASE_LIST, Action.CASE_OPEN, Action.CASE_CREATE, Action.CASE_EDIT,
         Action.CASE_EXPORT, Action.CASE_TRANSITION, Action.COI_SEARCH, Action.COI_CITE,
         Action.TRIAGE_VIEW, Action.TRIAGE_DECIDE, Action.APPEAL_FILE}
    ),
    Role.COUNSELLOR: frozenset(
        {Action.CASE_LIST, Action.CASE_OPEN, Action.CASE_EXPORT, Action.CASE_TRANSITION,
         Action.COI_SEARCH, Action.COI_CITE, Action.APPEAL_OPINION}
    ),
    Role.MANAGER: frozenset(
        {Action.CASE_LIST, Action.CASE_OPEN, Action.CASE_CREATE, Action.CASE_EXPORT,
         Action.CASE_ASSIGN, Action.CASE_TRANSITION, Action.STATS_VIEW, Action.COI_SEARCH,
         Action.TRIAGE_VIEW, Action.TRIAGE_DECIDE, Action.TRIAGE_QC, Action.APPEAL_FILE,
         Action.APPEAL_MANAGE}
    ),
    Role.ADMIN: frozenset({Action.USER_ADMIN, Action.AUDIT_VERIFY, Action.COI_SEARCH,
                           Action.COI_INGEST, Action.COI_EDIT, Action.TRIAGE_ADMIN}),
}

#: Actions the command line (system actor) may take.
SYSTEM_ACTIONS: frozenset[Action] = frozenset(
    {Action.CASE_CREATE, Action.CASE_ASSIGN, Action.USER_ADMIN, Action.AUDIT_VERIFY,
     Action.STATS_VIEW, Action.COI_SEARCH, Action.COI_INGEST, Action.COI_EDIT,
     Action.TRIAGE_VIEW, Action.TRIAGE_ADMIN}
)


def _assigned_to_actor(actor: Actor) -> ColumnElement[bool]:
    return Application.assigned_inquirer_id == actor.id


def _all_cases(actor: Actor) -> ColumnElement[bool]:
    return true()


def _no_cases(actor: Actor) -> ColumnElement[bool]:
    return false()


def _panel_appeals(actor: Actor) -> ColumnElement[bool]:
    """Cases with an appeal allocated to a panel the counsellor sits on."""
    from models import Appeal, PanelMember

    return Application.id.in_(
        select(Appeal.application_id).join(PanelMember, PanelMember.panel_id == Appeal.panel_id)
        .where(PanelMember.user_id == actor.id))


def _sits_on(session: Session, actor: Actor, app: Application) -> bool:
    from models import Appeal, PanelMember

    return session.execute(
        select(Appeal.id).join(PanelMember, PanelMember.panel_id == Appeal.panel_id)
        .where(Appeal.application_id == app.id, PanelMember.user_id == actor.id).limit(1)
    ).first() is not None


#: For each role, a SQL condition selecting the cases it reaches. Counsellors reach the
#: appeals allocated to the panels they sit on.
CASE_SCOPES: dict[Role, Callable[[Actor], ColumnElement[bool]]] = {
    Role.INQUIRER: _assigned_to_actor,
    Role.COUNSELLOR: _panel_appeals,
    Role.MANAGER: _all_cases,
    Role.ADMIN: _no_cases,
}

#: For each role, whether one loaded case is in reach (mirrors CASE_SCOPES in Python).
CASE_CHECKS: dict[Role, Callable[[Session, Actor, Application], bool]] = {
    Role.INQUIRER: lambda _s, actor, app: app.assigned_inquirer_id == actor.id,
    Role.COUNSELLOR: _sits_on,
    Role.MANAGER: lambda _s, _actor, _app: True,
    Role.ADMIN: lambda _s, _actor, _app: False,
}


def may(actor: Actor, action: Action) -> bool:
    if actor.is_system:
        return action in SYSTEM_ACTIONS
    return actor.role is not None and action in ROLE_ACTIONS.get(actor.role, frozenset())


def require(actor: Actor, action: Action, *, entity_type: str | None = None,
            entity_id: int | None = None, attempted: str | None = None) -> None:
    """Refuse (and audit, as ``attempted`` or the action) what the actor's role may not do."""
    if not may(actor, action):
        raise audit.refuse(
            PermissionDenied(_denied_message(action)),
            actor=actor, action=attempted or str(action), entity_type=entity_type,
            entity_id=entity_id,
        )


def case_scope(actor: Actor) -> ColumnElement[bool]:
    """SQL condition for the cases ``actor`` may see in lists."""
    if actor.is_system:
        return true()
    if actor.role is None:
        return false()
    return CASE_SCOPES[actor.role](actor)


def require_case(session: Session, actor: Actor, action: Action, application: Application) -> None:
    """Refuse (and audit) ``action`` on a case outside the actor's reach."""
    require(actor, action, entity_type="application", entity_id=application.id)
    if actor.is_system:
        return
    if actor.role is None or not CASE_CHECKS[actor.role](session, actor, application):
        raise audit.refuse(
            PermissionDenied(t("errors.permissions.do_not_access_case")),
            actor=actor, action=str(action), entity_type="application",
            entity_id=application.id,
        )


def is_assigned_inquirer(actor: Actor, application: Application) -> bool:
    return not actor.is_system and application.assigned_inquirer_id == actor.id


def require_assigned_inquirer(actor: Actor, application: Application, *, attempted: str,
                              does: str) -> None:
    """Refuse (and audit) work that only the inquirer the case is assigned to does (``does``
    names the work: the key ``errors.permissions.assigned_only.<does>`` says "Only the inquirer
    the case is assigned to …")."""
    if not is_assigned_inquirer(actor, application):
        raise audit.refuse(
            PermissionDenied(t(f"errors.permissions.assigned_only.{does}")),
            actor=actor, action=attempted, entity_type="application", entity_id=application.id)


def _denied_message(action: Action) -> str:
    """"Your role may not …" for ``action`` (keys ``errors.permissions.role_may_not.*``)."""
    return t(f"errors.permissions.role_may_not.{action.name.lower()}")


def require_case_id(session: Session, actor: Actor, action: Action,
                    application: Application | None, application_id: int) -> Application:
    """``require_case`` for a case looked up by id. A missing id is refused like one out of
    reach for roles that see only some cases, so that ids cannot be probed; roles that see
    every case are told it does not exist."""
    if application is None:
        from workbench.core.errors import NotFound

        require(actor, action, entity_type="application", entity_id=application_id)
        if actor.is_system or (actor.role is not None
                               and CASE_SCOPES[actor.role] is _all_cases):
            raise NotFound(t("errors.permissions.no_case_id", application_id=application_id))
        raise audit.refuse(
            PermissionDenied(t("errors.permissions.do_not_access_case")),
            actor=actor, action=str(action), entity_type="application",
            entity_id=application_id,
        )
    require_case(session, actor, action, application)
    return application
