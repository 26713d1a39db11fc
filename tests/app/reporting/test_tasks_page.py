"""The To do page (pages/tasks.py) and its count in the menu: a manager's draft awaiting
approval links to the decision page, the count is kept for a short while and brought up to
date by opening the page; the case numbers of the case list link to the case file."""

from __future__ import annotations

from datetime import date

import pytest
import streamlit as st

from models import CaseState, Decision, DecisionStatus
from tests.app.conftest import signed_in
from tests.app.helpers import case_number, link_target, messages, table
from tests.conftest import insert_case
from workbench.core import clock
from workbench.core.db import unit_of_work


@pytest.fixture
def menus(monkeypatch):  # noqa: ANN001, ANN201
    """The titles of the pages the app passes to st.navigation, one list per run."""
    seen: list[list[str]] = []
    real = st.navigation

    def spy(pages, **kwargs):  # noqa: ANN001, ANN003, ANN202
        groups = pages.values() if isinstance(pages, dict) else [pages]
        seen.append([p.title for group in groups for p in group])
        return real(pages, **kwargs)

    monkeypatch.setattr(st, "navigation", spy)
    return seen


def _submitted(engine, staff, family_name: str) -> int:  # noqa: ANN001
    """A case whose draft decision the inquirer has submitted for approval."""
    case = insert_case(engine, state=CaseState.DECISION_DRAFTED, inquirer=staff.inquirer,
                       family_name=family_name, lodged=date(2024, 1, 15))
    with unit_of_work(engine) as s:
        s.add(Decision(application_id=case, number=1, status=DecisionStatus.SUBMITTED,
                       outcome="NOT_RECOGNISED", reasons="Draft reasons.",
                       drafted_by_id=staff.inquirer.id, submitted_at=clock.now_utc(),
                       updated_by_id=staff.inquirer.id))
    return case


def test_the_menu_counts_the_items_and_the_page_links_to_the_decision(app_db, menus) -> None:  # noqa: ANN001
    engine, staff = app_db
    first = _submitted(engine, staff, "Approve")
    # A draft still being written is not awaiting approval.
    writing = insert_case(engine, state=CaseState.UNDER_EXAMINATION, inquirer=staff.inquirer)
    with unit_of_work(engine) as s:
        s.add(Decision(application_id=writing, number=1, status=DecisionStatus.DRAFT,
                       outcome="NOT_RECOGNISED", reasons="Half written.",
                       drafted_by_id=staff.inquirer.id, updated_by_id=staff.inquirer.id))

    at = signed_in("mgr.one")
    assert not at.exception
    assert "To do (1)" in menus[-1]

    # Counted once a minute: a second draft shows in the menu once the page has been read.
    second = _submitted(engine, staff, "Second")
    at.run()
    assert "To do (1)" in menus[-1]
    at.switch_page("../pages/tasks.py").run()
    assert not at.exception
    assert at.title[0].value == "To do"
    assert "2 draft decisions awaiting your approval" in messages(at)
    rows = table(at, having="Drafted by")
    assert [r["Case number"] for r in rows] == [case_number(engine, first),
                                                case_number(engine, second)]
    assert rows[0]["Drafted by"] == "Ines Inquirer"
    assert link_target(at, "Case number", 0, having="Drafted by") == f"/decision?case={first}"
    at.run()
    assert "To do (2)" in menus[-1]


def test_nothing_to_do_reads_plainly(app_db, menus) -> None:  # noqa: ANN001
    at = signed_in("inq.one")
    assert "To do" in menus[-1]
    at.switch_page("../pages/tasks.py").run()
    assert not at.exception
    text = messages(at)
    assert "Nothing is waiting for you." in text
    assert "No draft decision has been returned to you." in text


def test_case_numbers_of_the_case_list_link_to_the_case_file(app_db) -> None:  # noqa: ANN001
    engine, staff = app_db
    mine = insert_case(engine, state=CaseState.SORTING, inquirer=staff.inquirer)
    at = signed_in("inq.one")
    assert table(at, "cases_table")[0]["Case number"] == case_number(engine, mine)
    assert link_target(at, "Case number", 0, "cases_table") == f"/case?case={mine}"
    # The inquirer's own list has no column naming the inquirer: it fits the page.
    assert "Inquirer" not in at.dataframe[0].value.columns


def test_a_manager_filters_the_drafts_awaiting_approval(app_db) -> None:  # noqa: ANN001
    engine, staff = app_db
    waiting = _submitted(engine, staff, "Waiting")
    writing = insert_case(engine, state=CaseState.UNDER_EXAMINATION, inquirer=staff.inquirer,
                          family_name="Writing")
    with unit_of_work(engine) as s:
        s.add(Decision(application_id=writing, number=1, status=DecisionStatus.DRAFT,
                       outcome="NOT_RECOGNISED", reasons="Half written.",
                       drafted_by_id=staff.inquirer.id, updated_by_id=staff.inquirer.id))
    at = signed_in("mgr.one")
    stage = next(s for s in at.selectbox if s.label == "Draft decision")
    stage.select("awaiting_approval").run()
    assert [r["Case number"] for r in table(at, "cases_table")] == [case_number(engine, waiting)]
    next(s for s in at.selectbox if s.label == "Draft decision").select("writing").run()
    assert [r["Case number"] for r in table(at, "cases_table")] == [case_number(engine, writing)]
