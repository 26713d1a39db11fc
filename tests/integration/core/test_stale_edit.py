"""Saving from an outdated version: refused with StaleEdit, nothing of the newer data lost.

Only the assigned inquirer may edit a case's application (managers edit no findings), so two
editors of the same application are the same inquirer in two browser tabs, or a manager who
moves the case through the workflow while the inquirer edits. Two different inquirers can
edit the same *person* through their own applications of that person.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from models import Application, AuditEvent, CaseState, Person, StatusEvent
from tests.conftest import FrozenClock, Staff, insert_case
from workbench.core import workflow
from workbench.core.db import unit_of_work
from workbench.core.errors import StaleEdit
from workbench.intake import case_file, cases

ORIGINAL = "I fear that I will be harmed if I return."
FIRST = "First save: I was arrested at a protest in Colombo in March 2023."
SECOND = "Second save: I was threatened by a local militia after the 2022 election."
T1 = datetime(2024, 5, 1, 1, 30, tzinfo=UTC)  # 10:30 in Tokyo
TIME = re.compile(r"at 2024-05-01[T ]\d{2}:\d{2}")


def case_row(engine, case_id: int) -> dict:  # noqa: ANN001
    with engine.connect() as conn:
        return dict(conn.execute(
            select(Application.state, Application.version, Application.claim_narrative,
                   Application.detained, Application.updated_by_id)
            .where(Application.id == case_id)
        ).mappings().one())


def person_row(engine, person_id: int) -> dict:  # noqa: ANN001
    with engine.connect() as conn:
        return dict(conn.execute(
            select(Person.given_names, Person.family_name, Person.version, Person.updated_by_id)
            .where(Person.id == person_id)
        ).mappings().one())


def audit_entries(engine, **equal) -> list[dict]:  # noqa: ANN001, ANN003
    query = select(AuditEvent.__table__).order_by(AuditEvent.seq)
    for column, value in equal.items():
        query = query.where(getattr(AuditEvent, column) == value)
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def audit_count(engine) -> int:  # noqa: ANN001
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(AuditEvent)).scalar_one()


def status_events(engine, case_id: int) -> list[str]:  # noqa: ANN001
    with engine.connect() as conn:
        return list(conn.execute(
            select(StatusEvent.action).where(StatusEvent.application_id == case_id)
            .order_by(StatusEvent.id)
        ).scalars())


def load(engine, actor, case_id: int):  # noqa: ANN001, ANN201
    """What a user's form holds after opening the case."""
    with unit_of_work(engine, write=False) as session:
        return case_file.open_case(session, actor=actor, application_id=case_id)


def save_narrative(engine, actor, case_id: int, version: int, text: str):  # noqa: ANN001, ANN201
    with unit_of_work(engine) as session:
        return cases.update_application(session, actor=actor, application_id=case_id,
                                        expected_version=version,
                                        changes={"claim_narrative": text})


@pytest.fixture
def case_id(engine, staff: Staff) -> int:  # noqa: ANN001
    return insert_case(engine, inquirer=staff.inquirer, claim_narrative=ORIGINAL)


def test_second_save_from_the_same_version_is_refused_and_the_first_is_kept(
    engine, staff: Staff, case_id: int, frozen_clock: FrozenClock,  # noqa: ANN001
) -> None:
    # Two tabs load version v.
    tab_one = load(engine, staff.inquirer, case_id)
    tab_two = load(engine, staff.inquirer, case_id)
    v = tab_one.application.version
    assert tab_two.application.version == v == 1

    frozen_clock.set(T1)
    before = audit_count(engine)
    saved = save_narrative(engine, staff.inquirer, case_id, v, FIRST)
    assert (saved.claim_narrative, saved.version) == (FIRST, v + 1)
    assert audit_count(engine) == before + 1
    last = audit_entries(engine)[-1]
    assert (last["action"], last["outcome"], last["actor_id"], last["entity_id"]) == \
        ("case.update", "ok", staff.inquirer.id, str(case_id))
    assert json.loads(last["details"]) == {"fields": ["claim_narrative"]}

    frozen_clock.set(datetime(2024, 5, 1, 2, 0, tzinfo=UTC))
    before = audit_count(engine)
    ok_before = len(audit_entries(engine, action="case.update", outcome="ok"))
    with pytest.raises(StaleEdit) as refused:
        save_narrative(engine, staff.inquirer, case_id, v, SECOND)
    error = refused.value
    message = str(error)
    assert "changed by Ines Inquirer" in message
    assert TIME.search(message), message
    assert "your version 1, now 2" in message
    assert "Your changes were not saved" in message
    assert error.changed_by == "Ines Inquirer"
    assert error.changed_at == T1
    assert (error.expected_version, error.current_version) == (1, 2)
    assert error.attempted == {"claim_narrative": SECOND}

    # The database still holds the first text, at v + 1.
    row = case_row(engine, case_id)
    assert (row["claim_narrative"], row["version"]) == (FIRST, v + 1)
    # One refused entry, no new successful update.
    assert audit_count(engine) == before + 1
    last = audit_entries(engine)[-1]
    assert (last["action"], last["outcome"], last["actor_id"], last["entity_id"]) == \
        ("case.update", "refused", staff.inquirer.id, str(case_id))
    assert len(audit_entries(engine, action="case.update", outcome="ok")) == ok_before
    # The audit entry names what happened, not the applicant's account.
    assert SECOND not in last["details"] and FIRST not in last["details"]

    # Reloading gives v + 1 and the first text; saving from there works.
    reloaded = load(engine, staff.inquirer, case_id)
    assert (reloaded.application.claim_narrative, reloaded.application.version) == (FIRST, 2)
    before = audit_count(engine)
    resaved = save_narrative(engine, staff.inquirer, case_id, reloaded.application.version,
                             error.attempted["claim_narrative"])
    assert (resaved.claim_narrative, resaved.version) == (SECOND, 3)
    assert case_row(engine, case_id)["claim_narrative"] == SECOND
    assert audit_count(engine) == before + 1


def test_edit_from_before_a_managers_workflow_step_is_refused_naming_the_manager(
    engine, staff: Staff, case_id: int, frozen_clock: FrozenClock,  # noqa: ANN001
) -> None:
    form = load(engine, staff.inquirer, case_id)
    v = form.application.version

    frozen_clock.set(T1)
    with unit_of_work(engine) as session:
        workflow.transition(session, actor=staff.manager, application_id=case_id,
                            action="start_sorting", expected_version=v)

    with pytest.raises(StaleEdit) as refused:
        with unit_of_work(engine) as session:
            cases.update_application(session, actor=staff.inquirer, application_id=case_id,
                                     expected_version=v,
                                     changes={"claim_narrative": SECOND, "detained": True})
    message = str(refused.value)
    assert "changed by Mina Manager" in message
    assert TIME.search(message), message
    assert refused.value.attempted == {"claim_narrative": SECOND, "detained": True}

    row = case_row(engine, case_id)
    assert row == {"state": CaseState.SORTING, "version": v + 1, "claim_narrative": ORIGINAL,
                   "detained": False, "updated_by_id": staff.manager.id}


def test_unchanged_form_saved_from_an_old_version_changes_nothing(
    engine, staff: Staff, case_id: int,  # noqa: ANN001
) -> None:
    save_narrative(engine, staff.inquirer, case_id, 1, FIRST)
    before = audit_count(engine)
    with pytest.raises(StaleEdit):
        save_narrative(engine, staff.inquirer, case_id, 1, FIRST)
    assert case_row(engine, case_id)["version"] == 2
    assert audit_count(engine) == before + 1
    assert audit_entries(engine)[-1]["outcome"] == "refused"


def _second_application_of_same_person(engine, case_id: int, inquirer) -> int:  # noqa: ANN001
    with unit_of_work(engine) as session:
        first = session.get(Application, case_id)
        second = Application(
            person_id=first.person_id, nationality=first.nationality,
            case_number=f"TST-{uuid.uuid4().hex[:10]}",
            lodged_date=date(2024, 3, 1), state=CaseState.RECEIVED,
            assigned_inquirer_id=inquirer.id, application_type="REFUGEE", office="TOKYO",
            residence_status_at_filing="TEMPORARY_VISITOR", application_number=2,
            previous_application_id=first.id,
        )
        session.add(second)
        session.flush()
        return second.id


def test_two_inquirers_correcting_the_same_person_second_is_refused(
    engine, staff: Staff, case_id: int, frozen_clock: FrozenClock,  # noqa: ANN001
) -> None:
    other_case = _second_application_of_same_person(engine, case_id, staff.inquirer2)
    mine = load(engine, staff.inquirer, case_id)
    theirs = load(engine, staff.inquirer2, other_case)
    person_id = mine.person.id
    assert theirs.person.id == person_id
    v = mine.person.version
    assert theirs.person.version == v == 1

    frozen_clock.set(T1)
    before = audit_count(engine)
    with unit_of_work(engine) as session:
        saved = cases.update_person(session, actor=staff.inquirer, application_id=case_id,
                                    expected_version=v, changes={"given_names": "Anura"})
    assert (saved.given_names, saved.version) == ("Anura", v + 1)
    assert audit_count(engine) == before + 1
    last = audit_entries(engine)[-1]
    assert (last["action"], last["outcome"], last["actor_id"], last["entity_id"]) == \
        ("person.update", "ok", staff.inquirer.id, str(person_id))

    before = audit_count(engine)
    with pytest.raises(StaleEdit) as refused:
        with unit_of_work(engine) as session:
            cases.update_person(session, actor=staff.inquirer2, application_id=other_case,
                                expected_version=v,
                                changes={"given_names": "Anoma", "family_name": "Perera-Silva"})
    error = refused.value
    assert "This person record was changed by Ines Inquirer" in str(error)
    assert TIME.search(str(error)), str(error)
    assert error.changed_by == "Ines Inquirer"
    assert error.changed_at == T1
    assert error.attempted == {"given_names": "Anoma", "family_name": "Perera-Silva"}

    row = person_row(engine, person_id)
    assert row == {"given_names": "Anura", "family_name": "Perera", "version": v + 1,
                   "updated_by_id": staff.inquirer.id}
    assert audit_count(engine) == before + 1
    last = audit_entries(engine)[-1]
    assert (last["action"], last["outcome"], last["actor_id"], last["entity_id"]) == \
        ("person.update", "refused", staff.inquirer2.id, str(person_id))
    assert audit_entries(engine, action="person.update", outcome="ok",
                         actor_id=staff.inquirer2.id) == []
    assert "Anoma" not in last["details"]

    # The second inquirer reloads (v + 1) and saves again.
    reloaded = load(engine, staff.inquirer2, other_case)
    assert (reloaded.person.given_names, reloaded.person.version) == ("Anura", 2)
    with unit_of_work(engine) as session:
        resaved = cases.update_person(session, actor=staff.inquirer2,
                                      application_id=other_case,
                                      expected_version=reloaded.person.version,
                                      changes=error.attempted)
    assert (resaved.given_names, resaved.family_name, resaved.version) == \
        ("Anoma", "Perera-Silva", 3)
    assert person_row(engine, person_id)["updated_by_id"] == staff.inquirer2.id


def test_transition_from_a_stale_version_is_refused_and_changes_nothing(
    engine, staff: Staff, case_id: int, frozen_clock: FrozenClock,  # noqa: ANN001
) -> None:
    v = load(engine, staff.manager, case_id).application.version
    frozen_clock.set(T1)
    save_narrative(engine, staff.inquirer, case_id, v, FIRST)

    before = audit_count(engine)
    with pytest.raises(StaleEdit) as refused:
        with unit_of_work(engine) as session:
            workflow.transition(session, actor=staff.manager, application_id=case_id,
                                action="start_sorting", expected_version=v)
    assert "changed by Ines Inquirer" in str(refused.value)
    assert TIME.search(str(refused.value))
    assert refused.value.attempted == {"action": "start_sorting"}

    row = case_row(engine, case_id)
    assert (row["state"], row["version"], row["claim_narrative"]) == \
        (CaseState.RECEIVED, v + 1, FIRST)
    assert status_events(engine, case_id) == ["register"]
    assert audit_count(engine) == before + 1
    last = audit_entries(engine)[-1]
    assert (last["action"], last["outcome"], last["actor_id"], last["entity_id"]) == \
        ("case.transition.start_sorting", "refused", staff.manager.id, str(case_id))

    # From the current version the step goes through, with one audit entry.
    before = audit_count(engine)
    with unit_of_work(engine) as session:
        app = workflow.transition(session, actor=staff.manager, application_id=case_id,
                                  action="start_sorting", expected_version=v + 1)
        assert (app.state, app.version) == (CaseState.SORTING, v + 2)
    assert status_events(engine, case_id) == ["register", "start_sorting"]
    assert audit_count(engine) == before + 1
    assert audit_entries(engine)[-1]["outcome"] == "ok"


def test_stale_edit_message_shows_the_time_in_the_office_time_zone(
    engine, staff: Staff, case_id: int, frozen_clock: FrozenClock,  # noqa: ANN001
) -> None:
    frozen_clock.set(T1)  # 10:30 in Tokyo
    save_narrative(engine, staff.inquirer, case_id, 1, FIRST)
    with pytest.raises(StaleEdit) as refused:
        save_narrative(engine, staff.inquirer, case_id, 1, SECOND)
    assert "10:30" in str(refused.value)


def test_repeating_a_step_another_person_already_took_is_a_stale_edit(
    engine, staff: Staff, case_id: int, frozen_clock: FrozenClock,  # noqa: ANN001
) -> None:
    v = load(engine, staff.manager, case_id).application.version
    assert load(engine, staff.inquirer, case_id).application.version == v
    frozen_clock.set(T1)
    with unit_of_work(engine) as session:
        workflow.transition(session, actor=staff.manager, application_id=case_id,
                            action="start_sorting", expected_version=v)

    with pytest.raises(StaleEdit) as refused:
        with unit_of_work(engine) as session:
            workflow.transition(session, actor=staff.inquirer, application_id=case_id,
                                action="start_sorting", expected_version=v)
    assert "changed by Mina Manager" in str(refused.value)
    row = case_row(engine, case_id)
    assert (row["state"], row["version"]) == (CaseState.SORTING, v + 1)
    assert status_events(engine, case_id) == ["register", "start_sorting"]


def test_saving_an_unchanged_person_form_is_not_a_write(
    engine, staff: Staff, case_id: int,  # noqa: ANN001
) -> None:
    other_case = _second_application_of_same_person(engine, case_id, staff.inquirer2)
    before = audit_count(engine)
    with unit_of_work(engine) as session:
        cases.update_person(session, actor=staff.inquirer, application_id=case_id,
                            expected_version=1, changes={})
    assert audit_count(engine) == before
    with unit_of_work(engine) as session:
        saved = cases.update_person(session, actor=staff.inquirer2, application_id=other_case,
                                    expected_version=1, changes={"given_names": "Anoma"})
    assert (saved.given_names, saved.version) == ("Anoma", 2)


def test_a_corrected_nationality_follows_onto_every_application(engine, staff: Staff,  # noqa: ANN001
                                                                 case_id: int) -> None:
    other_case = _second_application_of_same_person(engine, case_id, staff.inquirer)
    mine = load(engine, staff.inquirer, case_id)
    with unit_of_work(engine) as session:
        cases.update_person(session, actor=staff.inquirer, application_id=case_id,
                            expected_version=mine.person.version,
                            changes={"nationality": "MMR"})
    # the statistics read the nationality from the applications: both follow the person
    with engine.connect() as conn:
        found = dict(conn.execute(select(Application.id, Application.nationality).where(
            Application.id.in_([case_id, other_case]))).all())
    assert found == {case_id: "MMR", other_case: "MMR"}
