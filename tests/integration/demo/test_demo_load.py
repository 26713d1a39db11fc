"""Loading the demo caseload into a migrated database (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select, text

from models import Application, AuditEvent, Person, Role, StatusEvent, User
from workbench.core import audit, db
from workbench.core.auth import authenticate
from workbench.core.errors import ValidationError
from workbench.demo import DEMO_ACCOUNTS, ensure_demo_accounts, load_demo

AS_OF = date(2025, 6, 30)


def count(engine, model) -> int:
    with db.unit_of_work(engine, write=False) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def audit_actions(engine) -> list[str]:
    with db.unit_of_work(engine, write=False) as session:
        return list(session.execute(select(AuditEvent.action).order_by(AuditEvent.seq)).scalars())


def test_load_demo_inserts_a_consistent_caseload(engine):
    calls: list[tuple[int, int]] = []
    summary = load_demo(engine, cases=2000, seed=3, as_of=AS_OF,
                        progress=lambda done, total: calls.append((done, total)))

    assert summary.cases >= 2000 and summary.cases - summary.history_cases == 2000
    assert count(engine, Application) == summary.cases
    assert count(engine, Person) == summary.persons
    assert count(engine, StatusEvent) == summary.events
    assert summary.persons < summary.cases < summary.events
    assert summary.seconds > 0

    # progress after each batch, ending at the total
    assert calls and calls[-1][0] == calls[-1][1] == (summary.cases + summary.persons
                                                      + summary.events)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)

    with db.unit_of_work(engine, write=False) as session:
        if engine.dialect.name == "sqlite":  # PostgreSQL enforces foreign keys on insert
            assert session.execute(text("PRAGMA foreign_key_check")).all() == []
        # version = number of events; the last event's state is the case's state
        mismatched = session.execute(text(
            "SELECT a.id FROM application a JOIN (SELECT application_id, COUNT(*) AS n, "
            "MAX(occurred_at) AS last FROM status_event GROUP BY application_id) e "
            "ON e.application_id = a.id WHERE a.version != e.n")).all()
        assert mismatched == []
        wrong_state = session.execute(text(
            "SELECT a.id FROM application a JOIN status_event e ON e.application_id = a.id "
            "WHERE e.occurred_at = (SELECT MAX(occurred_at) FROM status_event x "
            "WHERE x.application_id = a.id) AND e.to_state != a.state")).all()
        assert wrong_state == []
        numbers = session.execute(
            select(func.count(func.distinct(Application.case_number)))).scalar_one()
        assert numbers == summary.cases
        # repeat applications point at an earlier application
        repeats = session.execute(
            select(Application).where(Application.previous_application_id.is_not(None))
        ).scalars().all()
        assert repeats
        for application in repeats[:50]:
            previous = session.get(Application, application.previous_application_id)
            assert previous.lodged_date < application.lodged_date
        # read back through the models: aware timestamps, JSON lists
        event = session.execute(select(StatusEvent).limit(1)).scalar_one()
        assert event.occurred_at.tzinfo is not None
        person = session.execute(
            select(Person).where(func.json_array_length(Person.aliases) > 0).limit(1)
        ).scalar_one()
        assert isinstance(person.aliases, list) and person.aliases

        report = audit.verify_chain(session)
        assert report.ok, report.message()
        loads = session.execute(
            select(AuditEvent).where(AuditEvent.action == "demo.load")).scalars().all()
    assert len(loads) == 1
    details = json.loads(loads[0].details)
    assert details["cases"] == 2000 and details["seed"] == 3
    assert details["as_of"] == AS_OF.isoformat()
    assert audit_actions(engine).count("demo.accounts") == 1


def test_demo_accounts_can_sign_in_and_are_created_once(engine):
    accounts = ensure_demo_accounts(engine)
    roles = {a.role for a in accounts}
    assert roles == set(Role)
    assert all(len(a.password) >= 10 for a in accounts)
    assert all(a.office for a in accounts)
    assert all(a.expertise for a in accounts if a.role == Role.COUNSELLOR)
    users = count(engine, User)

    again = ensure_demo_accounts(engine)
    assert [(a.username, a.id) for a in again] == [(a.username, a.id) for a in accounts]
    assert count(engine, User) == users == len(DEMO_ACCOUNTS)
    assert audit_actions(engine).count("demo.accounts") == 1

    for account in accounts:
        actor = authenticate(account.username, account.password, engine=engine)
        assert actor.role == account.role and actor.id == account.id
    with db.unit_of_work(engine, write=False) as session:
        assert audit.verify_chain(session).ok


def test_loading_twice_does_not_collide(engine):
    first = load_demo(engine, cases=300, seed=1, as_of=AS_OF)
    second = load_demo(engine, cases=300, seed=1, as_of=AS_OF)
    assert second.first_application_id == first.cases + 1
    assert count(engine, Application) == first.cases + second.cases
    with db.unit_of_work(engine, write=False) as session:
        if engine.dialect.name == "sqlite":  # PostgreSQL enforces foreign keys on insert
            assert session.execute(text("PRAGMA foreign_key_check")).all() == []
        assert audit.verify_chain(session).ok
    assert audit_actions(engine).count("demo.load") == 2
    assert audit_actions(engine).count("demo.accounts") == 1


def test_a_demo_user_name_taken_by_another_role_is_refused(engine):
    with db.unit_of_work(engine) as session:
        session.add(User(username="inquirer1", display_name="Someone", role=Role.MANAGER,
                         password_hash="x"))
    with pytest.raises(ValidationError, match="inquirer1"):
        load_demo(engine, cases=10, seed=1, as_of=AS_OF)
    assert count(engine, Application) == 0


def test_as_of_in_the_future_is_refused(engine):
    with pytest.raises(ValidationError, match="future"):
        load_demo(engine, cases=10, seed=1, as_of=date(2999, 1, 1))
    assert count(engine, Application) == 0


def test_milestone_dates_agree_with_the_events(engine):
    """The milestone columns the summary reads say what the status events say."""
    from collections import defaultdict

    from workbench.core.processing import case_clock

    load_demo(engine, cases=800, seed=5, as_of=AS_OF)
    with db.unit_of_work(engine, write=False) as session:
        events = defaultdict(list)
        for event in session.execute(select(StatusEvent)).scalars():
            events[event.application_id].append(event)
        checked = 0
        for app in session.execute(select(Application)).scalars():
            clocks = case_clock(app, events[app.id], as_of=AS_OF)
            assert (app.sorted_on, app.decided_on) == (clocks.sorted_on, clocks.decided_on)
            if app.ruled_on is not None:
                assert app.review_filed_on is not None and app.ruled_on >= app.review_filed_on
            checked += app.decided_on is not None
    assert checked > 100


def test_demo_appeals_sit_with_the_demo_panels(engine):
    from models import Appeal, Panel
    from workbench.core.actor import Actor
    from workbench.demo.reviews import panel_office
    from workbench.review import queues

    load_demo(engine, cases=1500, seed=5, as_of=AS_OF)
    with db.unit_of_work(engine, write=False) as session:
        in_review = session.execute(select(func.count()).select_from(Application).where(
            Application.review_basis.is_not(None))).scalar_one()
        appeals = session.execute(select(func.count()).select_from(Appeal)).scalar_one()
        assert in_review and appeals == in_review  # one appeal row per case in review
        assert session.execute(select(func.count()).select_from(Panel)).scalar_one() == 2
        unallocated = session.execute(
            select(func.count()).select_from(Appeal).join(
                Application, Application.id == Appeal.application_id)
            .where(Appeal.panel_id.is_(None), Application.state != "REVIEW_FILED")
        ).scalar_one()
        assert unallocated == 0
        counsellor = session.execute(select(User).where(User.username == "counsellor1")
                                     ).scalar_one()
        actor = Actor(id=counsellor.id, username=counsellor.username,
                      display_name=counsellor.display_name, role=Role.COUNSELLOR)
        mine = queues.my_appeals(session, actor=actor)
        assert mine and all(item.panel == "Tokyo Panel 1" for item in mine)
        # Panels in two offices; each appeal sits with a panel of the region covering its case.
        assert sorted(session.execute(select(Panel.office)).scalars()) == ["OSAKA", "TOKYO"]
        pairs = session.execute(
            select(Application.office, Panel.office).join(
                Appeal, Appeal.application_id == Application.id)
            .join(Panel, Panel.id == Appeal.panel_id)).all()
        assert {panel for _, panel in pairs} == {"OSAKA", "TOKYO"}
        assert all(panel == panel_office(case) for case, panel in pairs)
        assert panel_office("FUKUOKA") == "OSAKA" and panel_office("SENDAI") == "TOKYO"
