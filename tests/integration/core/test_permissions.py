"""The permission matrix: role x action x own/other case, on SQLite and PostgreSQL.

Each cell either succeeds with a visible effect, or is refused with PermissionDenied, a
plain message, an audit entry (outcome "denied") and the case left exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from models import Application, AuditEvent, CaseState, Person, Role, StatusEvent, User
from tests.conftest import PASSWORD, Staff, insert_case
from workbench.core import auth, processing, workflow
from workbench.core.actor import Actor
from workbench.core.db import unit_of_work
from workbench.core.errors import PermissionDenied
from workbench.intake import case_list, cases
from workbench.intake.case_file import export_case, open_case

FAMILY_NAME = "Wickramasinghe"
NARRATIVE = "I fear that I will be harmed if I return."
NEW_NARRATIVE = "Corrected: I was detained twice in 2022 and fear detention again."

ALLOW = "allow"  # the action succeeds and has its effect
HIDDEN = "hidden"  # (list only) the call succeeds but the case is not among the results
DENY = "deny"  # PermissionDenied: the role may not do this at all
NO_ACCESS = "no_access"  # PermissionDenied: the role may, but not on this case

ROLES = ["inquirer_own", "inquirer_other", "manager", "counsellor", "admin"]

# action -> (audit action written on refusal, message of a role refusal)
ACTIONS: dict[str, tuple[str, str]] = {
    "list": ("case.list", "Your role may not list cases."),
    "open": ("case.open", "Your role may not open case files."),
    "edit": ("case.update", "Your role may not edit case details."),
    "export": ("case.export", "Your role may not export case files."),
    "transition": ("case.transition", "Your role may not move cases through the workflow."),
    "assign": ("case.assign", "Your role may not assign cases."),
    "register": ("case.create", "Your role may not register applications."),
    "user_admin": ("user.create", "Your role may not manage user accounts."),
    "summary": ("stats.view", "Your role may not view statistics."),
}

CASE_MESSAGE = "You do not have access to this case."

EXPECTED: dict[str, dict[str, str]] = {
    "inquirer_own": {
        "list": ALLOW, "open": ALLOW, "edit": ALLOW, "export": ALLOW, "transition": ALLOW,
        "assign": DENY, "register": ALLOW, "user_admin": DENY, "summary": DENY,
    },
    "inquirer_other": {
        "list": HIDDEN, "open": NO_ACCESS, "edit": NO_ACCESS, "export": NO_ACCESS,
        "transition": NO_ACCESS, "assign": DENY, "register": ALLOW, "user_admin": DENY,
        "summary": DENY,
    },
    "manager": {
        "list": ALLOW, "open": ALLOW, "edit": DENY, "export": ALLOW, "transition": ALLOW,
        "assign": ALLOW, "register": ALLOW, "user_admin": DENY, "summary": ALLOW,
    },
    "counsellor": {
        "list": HIDDEN, "open": NO_ACCESS, "edit": DENY, "export": NO_ACCESS,
        "transition": NO_ACCESS, "assign": DENY, "register": DENY, "user_admin": DENY,
        "summary": DENY,
    },
    "admin": {
        "list": DENY, "open": DENY, "edit": DENY, "export": DENY, "transition": DENY,
        "assign": DENY, "register": DENY, "user_admin": ALLOW, "summary": DENY,
    },
}

CELLS = [(role, action) for role in ROLES for action in ACTIONS]


@dataclass
class World:
    engine: Any
    staff: Staff
    case_id: int  # the case under test, assigned to staff.inquirer, RECEIVED
    other_case_id: int  # assigned to staff.inquirer2
    unassigned_case_id: int


@pytest.fixture
def world(engine, staff: Staff) -> World:  # noqa: ANN001
    case_id = insert_case(engine, inquirer=staff.inquirer, family_name=FAMILY_NAME,
                          claim_narrative=NARRATIVE)
    other = insert_case(engine, inquirer=staff.inquirer2, family_name="Fernando")
    unassigned = insert_case(engine, family_name="Silva")
    return World(engine, staff, case_id, other, unassigned)


def actor_for(role: str, staff: Staff) -> Actor:
    return {
        "inquirer_own": staff.inquirer,
        "inquirer_other": staff.inquirer2,
        "manager": staff.manager,
        "counsellor": staff.counsellor,
        "admin": staff.admin,
    }[role]


# --- reading the database back ------------------------------------------------------------


def case_row(engine, case_id: int) -> dict:  # noqa: ANN001
    with engine.connect() as conn:
        row = conn.execute(
            select(Application.state, Application.version, Application.claim_narrative,
                   Application.assigned_inquirer_id, Application.updated_by_id)
            .where(Application.id == case_id)
        ).one()
    return dict(row._mapping)


def count(engine, model, *where) -> int:  # noqa: ANN001
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def audit_entries(engine, **equal) -> list[dict]:  # noqa: ANN001, ANN003
    query = select(AuditEvent.__table__).order_by(AuditEvent.seq)
    for column, value in equal.items():
        query = query.where(getattr(AuditEvent, column) == value)
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


# --- the actions ------------------------------------------------------------------------------


def run(action: str, w: World, actor: Actor) -> Any:
    engine, case_id = w.engine, w.case_id
    with unit_of_work(engine) as session:
        if action == "list":
            page = case_list.list_cases(session, actor=actor, page_size=100)
            return {item.id for item in page.items}
        if action == "open":
            return open_case(session, actor=actor, application_id=case_id)
        if action == "edit":
            return cases.update_application(session, actor=actor, application_id=case_id,
                                            expected_version=1,
                                            changes={"claim_narrative": NEW_NARRATIVE})
        if action == "export":
            return export_case(session, actor=actor, application_id=case_id)
        if action == "transition":
            app = workflow.transition(session, actor=actor, application_id=case_id,
                                      action="start_sorting", expected_version=1)
            return (app.state, app.version)
        if action == "assign":
            return cases.assign_cases(session, actor=actor, application_ids=[case_id],
                                      inquirer_id=w.staff.inquirer2.id)
        if action == "register":
            return cases.register_application(
                session, actor=actor,
                application={"lodged_date": date(2024, 3, 1), "office": "osaka",
                             "residence_status_at_filing": "TEMPORARY_VISITOR",
                             "claim_narrative": "New claim."},
                person={"family_name": "Newcomer", "given_names": "Nadia",
                        "nationality": "mmr"},
            )
        if action == "user_admin":
            return auth.create_user(session, actor=actor, data={
                "username": "new.clerk", "display_name": "New Clerk", "role": Role.INQUIRER,
                "password": PASSWORD})
        if action == "summary":
            return processing.processing_summary(session, actor=actor,
                                                 as_of=date(2024, 6, 1))
    raise AssertionError(action)


def check_allowed(action: str, role: str, w: World, actor: Actor, result: Any) -> None:
    engine, case_id = w.engine, w.case_id
    if action == "list":
        expected = {
            "inquirer_own": {case_id},
            "manager": {case_id, w.other_case_id, w.unassigned_case_id},
        }[role]
        assert result == expected
    elif action == "open":
        assert result.application.id == case_id
        assert result.person.family_name == FAMILY_NAME
        assert result.application.claim_narrative == NARRATIVE
        assert [e["outcome"] for e in audit_entries(engine, action="case.open",
                                                    actor_id=actor.id)] == ["ok"]
    elif action == "edit":
        assert result.claim_narrative == NEW_NARRATIVE
        row = case_row(engine, case_id)
        assert (row["claim_narrative"], row["version"], row["updated_by_id"]) == \
            (NEW_NARRATIVE, 2, actor.id)
    elif action == "export":
        assert result["application"]["id"] == case_id
        assert result["person"]["family_name"] == FAMILY_NAME
        assert result["exported_by"] == actor.username
        assert len(audit_entries(engine, action="case.export", actor_id=actor.id,
                                 outcome="ok")) == 1
    elif action == "transition":
        assert result == (CaseState.SORTING, 2)
        row = case_row(engine, case_id)
        assert (row["state"], row["version"]) == (CaseState.SORTING, 2)
    elif action == "assign":
        assert result == 1
        assert case_row(engine, case_id)["assigned_inquirer_id"] == w.staff.inquirer2.id
    elif action == "register":
        assert result.state == CaseState.RECEIVED
        assert result.case_number.startswith("OSA-2024-")
        expected_inquirer = actor.id if actor.role == Role.INQUIRER else None
        assert result.assigned_inquirer_id == expected_inquirer
        assert count(engine, Application) == 4
        assert count(engine, Person, Person.family_name == "Newcomer") == 1
    elif action == "user_admin":
        assert result.username == "new.clerk"
        assert count(engine, User, User.username == "new.clerk") == 1
    elif action == "summary":
        # the three fixture cases are RECEIVED: three pending first-instance cases
        assert result.pending_primary_age.count == 3
        assert result.as_of == date(2024, 6, 1)
    else:  # pragma: no cover
        raise AssertionError(action)


@pytest.mark.parametrize(("role", "action"), CELLS, ids=[f"{r}-{a}" for r, a in CELLS])
def test_permission_matrix(world: World, role: str, action: str) -> None:
    expected = EXPECTED[role][action]
    actor = actor_for(role, world.staff)
    engine, case_id = world.engine, world.case_id
    before = case_row(engine, case_id)
    applications_before = count(engine, Application)
    users_before = count(engine, User)
    audit_action, role_message = ACTIONS[action]

    if expected == ALLOW:
        result = run(action, world, actor)
        check_allowed(action, role, world, actor, result)
        assert audit_entries(engine, actor_id=actor.id, outcome="denied") == []
        return

    if expected == HIDDEN:
        visible = run(action, world, actor)
        assert case_id not in visible
        if role == "inquirer_other":
            assert visible == {world.other_case_id}
        else:
            assert visible == set()
        assert audit_entries(engine, actor_id=actor.id, outcome="denied") == []
        return

    result = None
    with pytest.raises(PermissionDenied) as refused:
        result = run(action, world, actor)
    assert result is None
    message = str(refused.value)
    assert message == (CASE_MESSAGE if expected == NO_ACCESS else role_message)
    assert FAMILY_NAME not in message

    # Nothing of the refused action is kept ...
    assert case_row(engine, case_id) == before
    assert count(engine, Application) == applications_before
    assert count(engine, User) == users_before
    # ... but the refusal itself is audited, once.
    denied = audit_entries(engine, actor_id=actor.id, outcome="denied")
    assert len(denied) == 1
    entry = denied[0]
    assert entry["action"] == audit_action
    assert entry["actor_username"] == actor.username
    if action in ("open", "edit", "export", "transition"):
        assert (entry["entity_type"], entry["entity_id"]) == ("application", str(case_id))
    assert audit_entries(engine, actor_id=actor.id, outcome="ok") == []


def test_inquirer_opening_another_inquirers_case_by_id_is_refused_and_audited(
    engine, staff: Staff,  # noqa: ANN001
) -> None:
    theirs = insert_case(engine, inquirer=staff.inquirer2, family_name=FAMILY_NAME)
    before = case_row(engine, theirs)
    seq_before = len(audit_entries(engine))

    case_file = None
    with pytest.raises(PermissionDenied, match="You do not have access to this case"):
        with unit_of_work(engine) as session:
            case_file = open_case(session, actor=staff.inquirer, application_id=theirs)
    assert case_file is None

    new = audit_entries(engine)[seq_before:]
    assert len(new) == 1
    entry = new[0]
    assert entry["outcome"] == "denied"
    assert entry["actor_id"] == staff.inquirer.id
    assert entry["actor_username"] == staff.inquirer.username
    assert entry["action"] == "case.open"
    assert entry["entity_type"] == "application"
    assert entry["entity_id"] == str(theirs)
    # no successful opening of it by anyone is on record
    assert audit_entries(engine, action="case.open", outcome="ok") == []
    assert case_row(engine, theirs) == before

    # The owner still can open it; the refusal did not disturb anything.
    with unit_of_work(engine) as session:
        owned = open_case(session, actor=staff.inquirer2, application_id=theirs)
    assert owned.person.family_name == FAMILY_NAME


def test_inquirer_does_not_see_another_inquirers_case_in_a_search(
    engine, staff: Staff,  # noqa: ANN001
) -> None:
    insert_case(engine, inquirer=staff.inquirer2, family_name=FAMILY_NAME)
    mine = insert_case(engine, inquirer=staff.inquirer, family_name=FAMILY_NAME)
    with unit_of_work(engine, write=False) as session:
        page = case_list.list_cases(session, actor=staff.inquirer,
                                    filters=case_list.CaseFilter(text=FAMILY_NAME.lower()))
    assert [item.id for item in page.items] == [mine]
    assert page.total == 1


@pytest.mark.parametrize("role", ["inquirer_other", "manager", "counsellor", "admin"])
def test_refused_edit_and_transition_leave_the_case_unchanged(
    engine, staff: Staff, role: str,  # noqa: ANN001
) -> None:
    case_id = insert_case(engine, inquirer=staff.inquirer, state=CaseState.RECEIVED,
                          claim_narrative=NARRATIVE)
    actor = actor_for(role, staff)
    before = case_row(engine, case_id)
    assert (before["state"], before["version"]) == (CaseState.RECEIVED, 1)

    with pytest.raises(PermissionDenied):
        with unit_of_work(engine) as session:
            cases.update_application(session, actor=actor, application_id=case_id,
                                     expected_version=1,
                                     changes={"claim_narrative": NEW_NARRATIVE})
    if role != "manager":
        with pytest.raises(PermissionDenied):
            with unit_of_work(engine) as session:
                workflow.transition(session, actor=actor, application_id=case_id,
                                    action="start_sorting", expected_version=1)

    after = case_row(engine, case_id)
    assert after == before
    assert after["claim_narrative"] == NARRATIVE
    with engine.connect() as conn:
        events = conn.execute(
            select(func.count()).select_from(StatusEvent)
            .where(StatusEvent.application_id == case_id)
        ).scalar_one()
    assert events == 1  # only the registration
    outcomes = [(e["action"], e["outcome"]) for e in audit_entries(engine, actor_id=actor.id)]
    expected = [("case.update", "denied")]
    if role != "manager":
        expected.append(("case.transition", "denied"))
    assert outcomes == expected


def test_counsellor_may_not_take_a_workflow_step_meant_for_counsellors_on_unreachable_case(
    engine, staff: Staff,  # noqa: ANN001
) -> None:
    """Counsellors hold hearing steps in the workflow table but reach no case until panels
    exist: the reach check refuses first, before the role check of the step."""
    case_id = insert_case(engine, inquirer=staff.inquirer, state=CaseState.PANEL_ASSIGNED)
    with pytest.raises(PermissionDenied, match="You do not have access to this case"):
        with unit_of_work(engine) as session:
            workflow.transition(session, actor=staff.counsellor, application_id=case_id,
                                action="hold_hearing")
    row = case_row(engine, case_id)
    assert (row["state"], row["version"]) == (CaseState.PANEL_ASSIGNED, 1)


def test_inquirer_may_not_take_a_managers_workflow_step_on_own_case(
    engine, staff: Staff,  # noqa: ANN001
) -> None:
    case_id = insert_case(engine, inquirer=staff.inquirer, state=CaseState.DECISION_DRAFTED)
    with pytest.raises(PermissionDenied) as refused:
        with unit_of_work(engine) as session:
            workflow.transition(session, actor=staff.inquirer, application_id=case_id,
                                action="approve_decision")
    assert str(refused.value) == "'Approve decision' is for the roles: Manager."
    row = case_row(engine, case_id)
    assert (row["state"], row["version"]) == (CaseState.DECISION_DRAFTED, 1)
    entries = audit_entries(engine, actor_id=staff.inquirer.id)
    assert [(e["action"], e["outcome"], e["entity_id"]) for e in entries] == \
        [("case.transition.approve_decision", "denied", str(case_id))]


def test_manager_registers_a_case_straight_into_an_inquirers_queue(
    engine, staff: Staff,  # noqa: ANN001
) -> None:
    with unit_of_work(engine) as session:
        app = cases.register_application(
            session, actor=staff.manager,
            application={"lodged_date": date(2024, 3, 1), "office": "TOKYO",
                         "residence_status_at_filing": "TEMPORARY_VISITOR",
                         "assigned_inquirer_id": staff.inquirer2.id},
            person={"family_name": "Newcomer", "nationality": "MMR"})
    assert app.assigned_inquirer_id == staff.inquirer2.id


def test_inquirer_cannot_register_a_case_into_another_inquirers_queue(
    engine, staff: Staff,  # noqa: ANN001
) -> None:
    created = None
    try:
        with unit_of_work(engine) as session:
            created = cases.register_application(
                session, actor=staff.inquirer,
                application={"lodged_date": date(2024, 3, 1), "office": "TOKYO",
                             "residence_status_at_filing": "TEMPORARY_VISITOR",
                             "assigned_inquirer_id": staff.inquirer2.id},
                person={"family_name": "Newcomer", "nationality": "MMR"})
    except PermissionDenied:
        assert count(engine, Application) == 0
        return
    # Or the assignment is ignored and the case stays with the inquirer who registered it.
    assert created.assigned_inquirer_id == staff.inquirer.id


def test_a_missing_case_id_looks_the_same_as_one_out_of_reach(engine, staff) -> None:  # noqa: ANN001
    """Inquirers cannot probe which case ids exist; managers are told plainly."""
    from workbench.core.errors import NotFound, PermissionDenied
    from workbench.intake.case_file import open_case

    with pytest.raises(PermissionDenied, match="You do not have access to this case."):
        with unit_of_work(engine) as session:
            open_case(session, actor=staff.inquirer, application_id=987654)
    with pytest.raises(NotFound, match="No case with id 987654"):
        with unit_of_work(engine) as session:
            open_case(session, actor=staff.manager, application_id=987654)


@pytest.mark.parametrize("oversized", [2**31, 2**63, 10**20])
def test_an_id_beyond_the_id_columns_is_not_found_on_each_database(
        engine, staff, oversized: int) -> None:  # noqa: ANN001
    """No overflow error reaches the user: ids beyond the 32-bit id columns are not found,
    for every role (such an id can name no case, so it reveals nothing)."""
    from workbench.core.errors import NotFound
    from workbench.intake.case_file import get_application, open_case
    from workbench.library.documents import open_document
    from workbench.review import appeals, filing

    calls = [
        lambda s, a: open_case(s, actor=a, application_id=oversized),
        lambda s, a: get_application(s, actor=a, application_id=oversized),
        lambda s, a: appeals.appeal_file(s, actor=a, appeal_id=oversized),
        lambda s, a: filing.evidence_file(s, actor=a, document_id=oversized),
        lambda s, a: open_document(s, actor=a, document_id=oversized),
    ]
    for actor in (staff.inquirer, staff.manager):
        for call in calls:
            with pytest.raises(NotFound):
                with unit_of_work(engine) as session:
                    call(session, actor)
