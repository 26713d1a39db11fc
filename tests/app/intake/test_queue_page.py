"""The manager's queue (pages/queue.py): unassigned and all cases, inquirers' workloads and
bulk assignment; other roles are refused by the service."""

from __future__ import annotations

from datetime import date

import pytest

from models import CaseState
from tests.app.conftest import signed_in
from tests.app.helpers import (
    audit_entries,
    button,
    by_label,
    case_row,
    column,
    details,
    messages,
    page_as,
    select_rows,
)
from tests.conftest import insert_case


@pytest.fixture
def queue(app_db):  # noqa: ANN001, ANN201
    """Two unassigned cases and three of inq.one (two open, one decided)."""
    engine, staff = app_db
    ids = {
        "Free1": insert_case(engine, family_name="Free1", lodged=date(2024, 1, 10)),
        "Free2": insert_case(engine, family_name="Free2", lodged=date(2024, 1, 12)),
        "Held1": insert_case(engine, inquirer=staff.inquirer, family_name="Held1"),
        "Held2": insert_case(engine, state=CaseState.UNDER_EXAMINATION, inquirer=staff.inquirer,
                             family_name="Held2", sorting_category="A"),
        "Done": insert_case(engine, state=CaseState.DECIDED, inquirer=staff.inquirer,
                            family_name="Done", sorting_category="A",
                            outcome="NOT_RECOGNISED", notice_date=date(2024, 1, 30)),
    }
    return engine, staff, ids


def _queue(username: str = "mgr.one"):  # noqa: ANN202
    return signed_in(username).switch_page("../pages/queue.py").run()


def _names(at) -> list[str]:  # noqa: ANN001
    return [n.split()[0].title() for n in column(at, "Name", "queue_table")]


def test_unassigned_view_lists_only_unassigned_cases(queue) -> None:  # noqa: ANN001
    at = _queue()
    assert not at.exception
    assert at.title[0].value == "Queue and assignment"
    assert _names(at) == ["Free1", "Free2"]
    assert set(column(at, "Inquirer", "queue_table")) == {"—"}
    assert "2 cases · page 1 of 1" in messages(at)


def test_all_view_lists_every_case_with_its_inquirer(queue) -> None:  # noqa: ANN001
    at = _queue()
    at.segmented_control(key="queue_view").set_value("all").run()
    assert sorted(_names(at)) == ["Done", "Free1", "Free2", "Held1", "Held2"]
    inquirers = dict(zip(_names(at), column(at, "Inquirer", "queue_table"), strict=True))
    assert inquirers["Held1"] == "Ines Inquirer" and inquirers["Free1"] == "—"


def test_workloads_list_each_inquirers_open_cases(queue) -> None:  # noqa: ANN001
    at = _queue()
    expander = next(e for e in at.expander if e.label == "Inquirers' open cases")
    rows = expander.dataframe[0].value.to_dict(orient="records")
    assert [(r["Inquirer"], r["Inquirers' open cases"]) for r in rows] == [
        ("Ines Inquirer", 2), ("Ivo Inquirer", 0)]
    assert by_label(at.selectbox, "Assign selected cases to").options == [
        "Ines Inquirer — 2 open", "Ivo Inquirer — 0 open"]


def test_bulk_assignment(queue) -> None:  # noqa: ANN001
    engine, staff, ids = queue
    at = _queue()
    select_rows(at, "queue_table", [0, 1])
    at.run()
    by_label(at.selectbox, "Assign selected cases to").select_index(1)  # Ivo Inquirer

    button(at, "Assign").click().run()

    assert not at.exception
    assert [s.value for s in at.success] == ["2 cases assigned to Ivo Inquirer."]
    for name in ("Free1", "Free2"):
        assert case_row(engine, ids[name]).assigned_inquirer_id == staff.inquirer2.id
    entries = audit_entries(engine, "case.assign")
    assert sorted(int(e.entity_id) for e in entries) == sorted([ids["Free1"], ids["Free2"]])
    assert {e.actor_id for e in entries} == {staff.manager.id}
    assert all(details(e) == {"from": None, "to": staff.inquirer2.id} for e in entries)
    assert "Every case has an inquirer. New applications appear here." in messages(at)


def test_bulk_assignment_with_cases_left_over(queue) -> None:  # noqa: ANN001
    engine, _, ids = queue
    third = insert_case(engine, family_name="Free3", lodged=date(2024, 1, 14))
    at = _queue()
    select_rows(at, "queue_table", [0, 1])
    at.run()
    by_label(at.selectbox, "Assign selected cases to").select_index(1)

    button(at, "Assign").click().run()

    assert not at.exception
    assert [s.value for s in at.success] == ["2 cases assigned to Ivo Inquirer."]
    # A fresh table after the assignment: no tick left over from the assigned rows.
    assert column(at, "Case number", "queue_table_1") == [case_row(engine, third).case_number]


def test_assigning_with_nothing_selected_warns(queue) -> None:  # noqa: ANN001
    engine, _, ids = queue
    at = _queue()
    by_label(at.selectbox, "Assign selected cases to").select_index(0)
    button(at, "Assign").click().run()
    assert [w.value for w in at.warning] == ["Select one or more cases in the table first."]
    assert not at.success
    assert case_row(engine, ids["Free1"]).assigned_inquirer_id is None
    assert not audit_entries(engine, "case.assign")


def test_assigning_without_an_inquirer_warns(queue) -> None:  # noqa: ANN001
    engine, _, ids = queue
    at = _queue()
    select_rows(at, "queue_table", [0])
    at.run()
    button(at, "Assign").click().run()
    assert [w.value for w in at.warning] == ["Choose the inquirer to assign to."]
    assert case_row(engine, ids["Free1"]).assigned_inquirer_id is None


def test_assigning_with_neither_cases_nor_an_inquirer_asks_for_both(queue) -> None:  # noqa: ANN001
    engine, _, ids = queue
    at = _queue()
    button(at, "Assign").click().run()
    assert [w.value for w in at.warning] == ["Select one or more cases in the table first.",
                                             "Choose the inquirer to assign to."]
    assert not audit_entries(engine, "case.assign")


def test_one_selected_case_can_be_opened(queue) -> None:  # noqa: ANN001
    _, _, ids = queue
    at = _queue()
    select_rows(at, "queue_table", [1])
    at.run()
    button(at, "Open the selected case").click().run()
    assert at.title[0].value == "FREE2 Test"
    assert at.query_params == {"case": str(ids["Free2"])}


def test_queue_is_not_in_an_inquirers_menu(queue) -> None:  # noqa: ANN001
    at = signed_in("inq.one")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("../pages/queue.py")


def test_inquirer_reaching_the_queue_is_refused_by_the_service(queue) -> None:  # noqa: ANN001
    engine, staff, _ = queue
    at = page_as("queue.py", staff.inquirer)
    assert not at.exception
    assert [e.value for e in at.error] == ["Your role may not assign cases."]
    assert not at.dataframe and not at.button
    denied = audit_entries(engine, "case.assign", actor_id=staff.inquirer.id)
    assert [e.outcome for e in denied] == ["denied"]

