"""Sign-in, role-aware case list, sign-out and the unmigrated-database message."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from models import AuditEvent, CaseState
from tests.app.conftest import new_app, signed_in
from tests.conftest import PASSWORD, insert_case
from workbench.core.db import dispose_engines, unit_of_work
from workbench.core.settings import get_settings


def _texts(at) -> str:  # noqa: ANN001
    parts = [e.value for e in at.title] + [e.value for e in at.error] + \
        [e.value for e in at.info] + [e.value for e in at.caption]
    return "\n".join(str(p) for p in parts)


def test_sign_in_page_is_shown_first(app_db) -> None:  # noqa: ANN001
    at = new_app().run()
    assert not at.exception
    assert "Sign in to the protection workbench" in _texts(at)


def test_wrong_password_shows_a_plain_message(app_db) -> None:  # noqa: ANN001
    at = signed_in("inq.one", "wrong-password-1")
    assert "Unknown user name or wrong password." in _texts(at)


def test_repeated_failures_make_the_page_ask_to_wait_alike_for_any_name(
    app_db, frozen_clock,  # noqa: ANN001
) -> None:
    frozen_clock.set_local(date(2024, 2, 14), 10, 0)
    shown = {}
    for username in ("inq.one", "no.such.user"):
        at = signed_in(username, "wrong-password-1")
        for _ in range(3):
            at.button[0].click().run()
        at.button[0].click().run()  # the fifth failure in a row
        fifth = [e.value for e in at.error]
        at.text_input[1].input(PASSWORD)  # even the right password is not checked now
        at.button[0].click().run()
        shown[username] = (fifth, [e.value for e in at.error])
        assert at.title[0].value == "Sign in to the protection workbench"
    assert shown["inq.one"] == shown["no.such.user"] == (
        ["Unknown user name or wrong password. Too many failed attempts: wait 5 seconds "
         "before the next one."],
        ["Too many failed sign-ins. Try again in 5 seconds. Attempts made before then are "
         "not checked."],
    )
    frozen_clock.advance(seconds=5)  # after the wait the right password signs in
    at = signed_in("inq.one")
    assert not at.error
    assert at.title[0].value != "Sign in to the protection workbench"


def test_inquirer_sees_only_their_cases(app_db) -> None:  # noqa: ANN001
    engine, staff = app_db
    insert_case(engine, state=CaseState.SORTING, inquirer=staff.inquirer, family_name="Mine")
    insert_case(engine, state=CaseState.SORTING, inquirer=staff.inquirer2, family_name="Theirs")
    at = signed_in("inq.one")
    assert not at.exception
    assert "My cases" in _texts(at)
    table = at.dataframe[0].value
    names = " ".join(table["Name"].tolist())
    assert "MINE" in names and "THEIRS" not in names


def test_empty_inbox_says_what_happens_next(app_db) -> None:  # noqa: ANN001
    at = signed_in("inq.two")
    assert "A manager assigns new applications" in _texts(at)


def test_manager_sees_all_cases(app_db) -> None:  # noqa: ANN001
    engine, staff = app_db
    insert_case(engine, state=CaseState.SORTING, inquirer=staff.inquirer, family_name="Mine")
    insert_case(engine, state=CaseState.RECEIVED, family_name="Unassigned")
    at = signed_in("mgr.one")
    assert at.title[0].value == "Cases"
    assert len(at.dataframe[0].value) == 2


def test_sign_out_ends_the_session_and_is_audited(app_db) -> None:  # noqa: ANN001
    engine, staff = app_db
    at = signed_in("inq.one")
    at.switch_page("../pages/sign_out.py").run()
    assert "You are signed out." in _texts(at)
    with unit_of_work(engine, write=False) as s:
        actions = s.execute(select(AuditEvent.action).where(
            AuditEvent.actor_id == staff.inquirer.id)).scalars().all()
    assert actions[-1] == "auth.sign_out"


def test_unmigrated_database_shows_the_command(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", f"sqlite:///{tmp_path / 'blank.db'}")
    get_settings.cache_clear()
    dispose_engines()
    at = new_app().run()
    assert "workbench db upgrade" in _texts(at)
    get_settings.cache_clear()
    dispose_engines()
