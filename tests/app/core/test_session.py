"""The signed-in session: idle timeout, a disabled account or a changed role in an open session,
sign-out, and each role's menu."""

from __future__ import annotations

from datetime import date

import pytest
import streamlit as st
from sqlalchemy import update

from models import Role, User
from tests.app.conftest import new_app, signed_in
from tests.app.helpers import audit_entries, details
from workbench.core import sessions
from workbench.core.db import unit_of_work
from workbench.core.settings import get_settings
from workbench.ui.core.session import ACTOR_KEY, TOKEN_KEY


@pytest.fixture
def idle_minutes(app_db, monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setenv("WORKBENCH_IDLE_TIMEOUT_MINUTES", "5")
    get_settings.cache_clear()
    return 5


def test_idle_timeout_signs_out_with_a_notice(app_db, idle_minutes, frozen_clock) -> None:  # noqa: ANN001
    engine, staff = app_db
    frozen_clock.set_local(date(2024, 2, 14), 10, 0)
    at = signed_in("inq.one")
    assert at.title[0].value == "My cases"

    frozen_clock.advance(minutes=idle_minutes + 1)
    at.run()

    assert not at.exception
    assert at.title[0].value == "Sign in to the protection workbench"
    assert [i.value for i in at.info] == [
        "You were signed out after 5 minutes without activity. Sign in again."]
    assert ACTOR_KEY not in at.session_state
    out = audit_entries(engine, "auth.sign_out", actor_id=staff.inquirer.id)
    assert [details(e)["reason"] for e in out] == ["idle timeout"]

    at.run()  # the notice is shown once
    assert not at.info


def test_activity_within_the_timeout_keeps_the_session(app_db, idle_minutes,  # noqa: ANN001
                                                       frozen_clock) -> None:  # noqa: ANN001
    engine, staff = app_db
    frozen_clock.set_local(date(2024, 2, 14), 10, 0)
    at = signed_in("inq.one")
    for _ in range(4):  # twenty minutes of work, never five minutes idle
        frozen_clock.advance(minutes=idle_minutes - 1)
        at.run()
        assert at.title[0].value == "My cases"
    assert not audit_entries(engine, "auth.sign_out")


def test_a_disabled_account_is_signed_out_at_its_next_click(app_db) -> None:  # noqa: ANN001
    engine, staff = app_db
    at = signed_in("mgr.one")
    assert at.title[0].value == "Cases"
    with unit_of_work(engine) as s:
        s.execute(update(User).where(User.id == staff.manager.id).values(is_active=False))
    at.run()
    assert at.title[0].value == "Sign in to the protection workbench"
    assert [i.value for i in at.info] == [
        "Your account has been disabled. Ask an administrator if you need access."]
    out = audit_entries(engine, "auth.sign_out", actor_id=staff.manager.id)
    assert [details(e)["reason"] for e in out] == ["account disabled"]


def test_a_changed_role_changes_the_menu_of_an_open_session(app_db, menus) -> None:  # noqa: ANN001
    engine, staff = app_db
    at = signed_in("mgr.one")
    assert "Dashboard" in menus[-1]["Work"]
    with unit_of_work(engine) as s:
        s.execute(update(User).where(User.id == staff.manager.id)
                  .values(role=Role.INQUIRER))
    at.run()
    assert "Dashboard" not in menus[-1]["Work"]
    assert at.session_state[ACTOR_KEY].role == Role.INQUIRER


def test_sign_out_ends_the_session_on_the_server(app_db) -> None:  # noqa: ANN001
    engine, staff = app_db
    at = signed_in("inq.one")
    token = at.session_state[TOKEN_KEY]
    at.switch_page("../pages/sign_out.py").run()
    assert at.title[0].value == "Sign in to the protection workbench"
    assert [i.value for i in at.info] == ["You are signed out."]
    # Another tab holding the same session is signed out too.
    assert sessions.resolve(token, engine=engine).actor is None


@pytest.fixture
def menus(monkeypatch):  # noqa: ANN001, ANN201
    """The menus the app passes to st.navigation, as {section: [page titles]} per run."""
    seen: list[dict[str, list[str]]] = []
    real = st.navigation

    def spy(pages, **kwargs):  # noqa: ANN001, ANN003, ANN202
        if isinstance(pages, dict):
            seen.append({section: [p.title for p in group] for section, group in pages.items()})
        else:
            seen.append({"": [p.title for p in pages]})
        return real(pages, **kwargs)

    monkeypatch.setattr(st, "navigation", spy)
    return seen


#: The COI library section (the document page is in it, hidden from the menu).
COI_MENU = {"Country information": ["COI library", "COI document"]}


@pytest.mark.parametrize(("username", "menu", "landing"), [
    # Interview, Assessment, Decision and Appeal are hidden pages opened from a case.
    ("inq.one", {"Work": ["My cases", "To do", "Case file", "Register an application",
                          "Interview", "Assessment", "Decision", "Appeal", "Triage"],
                 **COI_MENU, "Account": ["Sign out"]},
     "My cases"),
    ("mgr.one", {"Work": ["Cases", "To do", "Queue and assignment", "Dashboard",
                          "Case file", "Register an application", "Interview", "Assessment",
                          "Decision", "Appeal", "Triage"],
                 "Administrative review": ["Appeals", "Panels"], **COI_MENU,
                 "Account": ["Sign out"]}, "Cases"),
    ("cns.one", {"Work": ["Cases of my panels", "To do", "Case file", "Appeal"],
                 "Administrative review": ["My appeals"], **COI_MENU,
                 "Account": ["Sign out"]}, "Appeals of my panels"),
    ("adm.one", {"Administration": ["Users", "Category A countries"], **COI_MENU,
                 "Account": ["Sign out"]}, "Users"),
])
def test_each_role_gets_its_menu(app_db, menus, username, menu, landing) -> None:  # noqa: ANN001
    at = signed_in(username)
    assert not at.exception
    assert menus[-1] == menu
    assert at.title[0].value == landing


def test_signed_out_menu_is_only_sign_in(app_db, menus) -> None:  # noqa: ANN001
    at = new_app().run()
    # Every address leads to the sign-in page (a shared link continues after sign-in).
    assert set(menus[-1]) == {""} and set(menus[-1][""]) == {"Sign in"}
    assert at.title[0].value == "Sign in to the protection workbench"
