"""The case list (pages/cases.py): what each role sees, search, filters, sort, paging and the
empty states."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models import CaseState, SortingCategory
from tests.app.conftest import signed_in
from tests.app.helpers import (
    button,
    case_number,
    column,
    messages,
    select_rows,
    table,
)
from tests.conftest import insert_case

#: An inquirer's own list: the columns that fit the page beside the menu.
COLUMNS = ["Case number", "Name", "Reading", "Nationality", "Category", "State", "Flags",
           "Next deadline"]
TODAY = date(2024, 2, 14)


@pytest.fixture
def today(frozen_clock):  # noqa: ANN001, ANN201
    frozen_clock.set_local(TODAY)
    return TODAY


def test_inquirer_sees_own_cases_with_the_working_columns(app_db, today) -> None:  # noqa: ANN001
    engine, staff = app_db
    mine = insert_case(engine, state=CaseState.SORTING, inquirer=staff.inquirer,
                       family_name="Bravo", lodged=date(2024, 1, 15), application_number=2,
                       detained=True)
    insert_case(engine, state=CaseState.RECEIVED, inquirer=staff.inquirer2, family_name="Theirs")
    insert_case(engine, state=CaseState.RECEIVED, family_name="Nobody")

    at = signed_in("inq.one")

    assert not at.exception
    assert at.title[0].value == "My cases"
    assert list(at.dataframe[0].value.columns)[:len(COLUMNS)] == COLUMNS
    rows = table(at)
    assert len(rows) == 1
    row = {k: rows[0][k] for k in COLUMNS}
    assert row == {
        "Case number": case_number(engine, mine),
        "Name": "BRAVO Test",
        "Reading": "",
        "Nationality": "LKA",
        "Category": "Unsorted",
        "State": "Sorting",
        "Flags": "2nd application, Detained",
        "Next deadline": "2024-03-15",
    }


def test_overdue_deadline_is_marked(app_db, today) -> None:  # noqa: ANN001
    engine, staff = app_db
    insert_case(engine, state=CaseState.RECEIVED, inquirer=staff.inquirer,
                lodged=today - timedelta(days=200))
    at = signed_in("inq.one")
    deadline = column(at, "Next deadline")[0]
    # The state says which clock; the cell gives its day.
    assert deadline.startswith("⚠ 2023-") and deadline.endswith("(overdue)")
    # A manager's list names the clock and counts the days pending.
    at = signed_in("mgr.one")
    deadline = column(at, "Next deadline")[0]
    assert deadline.startswith("⚠ Sorting by ") and deadline.endswith("(overdue)")
    assert column(at, "Days pending")[0] == "⚠ 200 d"


def test_application_number_labels(app_db) -> None:  # noqa: ANN001
    engine, staff = app_db
    for n, name in [(1, "One"), (2, "Two"), (4, "Four")]:
        insert_case(engine, inquirer=staff.inquirer, family_name=name, application_number=n)
    at = signed_in("mgr.one")  # an inquirer's compact list has them among the flags
    labels = dict(zip(column(at, "Name"), column(at, "Application"), strict=True))
    assert labels == {"ONE Test": "1st", "TWO Test": "2nd", "FOUR Test": "4th"}
    flags = dict(zip(column(at, "Name"), column(at, "Flags"), strict=True))
    assert flags["FOUR Test"] == "3rd+ application"


def test_third_application_reads_3rd(app_db) -> None:  # noqa: ANN001
    engine, staff = app_db
    insert_case(engine, inquirer=staff.inquirer, application_number=3)
    at = signed_in("mgr.one")
    assert column(at, "Application")[0].startswith("3rd")


@pytest.fixture
def caseload(app_db):  # noqa: ANN001, ANN201
    """Five cases of inq.one in different states and categories, one of inq.two."""
    engine, staff = app_db
    ids = {
        "Alpha": insert_case(engine, state=CaseState.RECEIVED, inquirer=staff.inquirer,
                             family_name="Alpha", lodged=date(2024, 1, 10)),
        "Bravo": insert_case(engine, state=CaseState.SORTING, inquirer=staff.inquirer,
                             family_name="Bravo", lodged=date(2024, 1, 20)),
        "Charlie": insert_case(engine, state=CaseState.UNDER_EXAMINATION,
                               inquirer=staff.inquirer, family_name="Charlie",
                               lodged=date(2024, 1, 5), sorting_category="A"),
        "Delta": insert_case(engine, state=CaseState.UNDER_EXAMINATION, inquirer=staff.inquirer,
                             family_name="Delta", lodged=date(2024, 1, 25),
                             sorting_category="B", nationality="MMR"),
        "Echo": insert_case(engine, state=CaseState.DECIDED, inquirer=staff.inquirer,
                            family_name="Echo", lodged=date(2023, 6, 1),
                            sorting_category="B", outcome="NOT_RECOGNISED",
                            notice_date=date(2023, 12, 1)),
        "Theirs": insert_case(engine, state=CaseState.SORTING, inquirer=staff.inquirer2,
                              family_name="Theirs"),
    }
    return engine, staff, ids


def _names(at) -> list[str]:  # noqa: ANN001
    return [n.split()[0].title() for n in column(at, "Name")]


def test_search_by_case_number(caseload) -> None:  # noqa: ANN001
    engine, _, ids = caseload
    at = signed_in("inq.one")
    number = case_number(engine, ids["Charlie"])
    at.text_input(key="cases_search").input(number).run()
    assert _names(at) == ["Charlie"]
    assert column(at, "Case number") == [number]


def test_search_by_name_ignores_case_and_other_queues(caseload) -> None:  # noqa: ANN001
    at = signed_in("inq.one")
    at.text_input(key="cases_search").input("delt").run()
    assert _names(at) == ["Delta"]
    at.text_input(key="cases_search").input("THEIRS").run()
    assert not at.dataframe
    assert "No case matches these filters" in messages(at)


def test_state_filter(caseload) -> None:  # noqa: ANN001
    at = signed_in("inq.one")
    at.multiselect(key="cases_states").select(CaseState.UNDER_EXAMINATION).run()
    assert sorted(_names(at)) == ["Charlie", "Delta"]
    at.multiselect(key="cases_states").select(CaseState.RECEIVED).run()
    assert sorted(_names(at)) == ["Alpha", "Charlie", "Delta"]


def test_category_filter(caseload) -> None:  # noqa: ANN001
    at = signed_in("inq.one")
    at.toggle(key="cases_pending").set_value(False)
    at.multiselect(key="cases_categories").select(SortingCategory.B).run()
    assert sorted(_names(at)) == ["Delta", "Echo"]
    assert set(column(at, "Category")) == {"B"}


def test_nationality_filter(caseload) -> None:  # noqa: ANN001
    at = signed_in("inq.one")
    at.text_input(key="cases_code").input("mmr").run()
    assert _names(at) == ["Delta"]


def test_pending_only_is_on_for_inquirers_and_can_be_turned_off(caseload) -> None:  # noqa: ANN001
    at = signed_in("inq.one")
    assert at.toggle(key="cases_pending").value is True
    assert "Echo" not in _names(at)
    at.toggle(key="cases_pending").set_value(False).run()
    assert sorted(_names(at)) == ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]
    echo = next(r for r in table(at) if r["Name"] == "ECHO Test")
    assert echo["State"] == "Decided" and echo["Next deadline"].endswith("(overdue)")  # review


def test_sort_oldest_and_newest_first(caseload) -> None:  # noqa: ANN001
    at = signed_in("inq.one")
    assert at.selectbox(key="cases_sort").value == "lodged"
    assert _names(at) == ["Charlie", "Alpha", "Bravo", "Delta"]
    at.selectbox(key="cases_sort").set_value("-lodged").run()
    assert _names(at) == ["Delta", "Bravo", "Alpha", "Charlie"]
    assert at.selectbox(key="cases_sort").format_func("-lodged") == "Newest first"


def test_more_than_25_cases_are_paged(app_db) -> None:  # noqa: ANN001
    engine, staff = app_db
    for i in range(27):
        insert_case(engine, inquirer=staff.inquirer, family_name=f"P{i:02d}",
                    lodged=date(2024, 1, 1) + timedelta(days=i))
    at = signed_in("inq.one")
    assert len(table(at)) == 25
    assert "27 cases · page 1 of 2" in messages(at)
    first_page = set(column(at, "Name"))

    at.number_input(key="cases_page").set_value(2).run()

    assert not at.exception
    assert "27 cases · page 2 of 2" in messages(at)
    assert column(at, "Name") == ["P25 Test", "P26 Test"]
    assert not first_page & set(column(at, "Name"))


def test_no_cases_says_a_manager_assigns(app_db) -> None:  # noqa: ANN001
    engine, staff = app_db
    insert_case(engine, inquirer=staff.inquirer2)
    at = signed_in("inq.one")
    assert [i.value for i in at.info] == [
        "No cases are assigned to you. A manager assigns new applications from the queue."]
    assert not at.dataframe


def test_inquirer_with_only_decided_cases_is_not_told_none_are_assigned(app_db) -> None:  # noqa: ANN001
    engine, staff = app_db
    insert_case(engine, state=CaseState.DECIDED, inquirer=staff.inquirer, sorting_category="A",
                outcome="NOT_RECOGNISED", notice_date=date(2024, 2, 1))
    at = signed_in("inq.one")
    assert at.toggle(key="cases_pending").value is True
    assert "No cases are assigned to you" not in messages(at)


def test_filtered_to_nothing_says_clear_the_filters(caseload) -> None:  # noqa: ANN001
    at = signed_in("inq.one")
    at.multiselect(key="cases_states").select(CaseState.FINAL).run()
    assert [i.value for i in at.info] == [
        "No case matches these filters. Clear the search or the filters to see all your cases."]
    assert not at.dataframe


def test_counsellor_sees_the_appeals_empty_state(caseload) -> None:  # noqa: ANN001
    at = signed_in("cns.one")
    assert at.title[0].value == "Appeals of my panels"
    assert [i.value for i in at.info] == ["No appeals are allocated to your panels yet."]
    assert not at.dataframe


def test_admin_has_no_case_list(app_db) -> None:  # noqa: ANN001
    at = signed_in("adm.one")
    assert at.title[0].value == "Users"
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("../pages/cases.py")


def test_selected_row_opens_the_case_file(caseload) -> None:  # noqa: ANN001
    engine, _, ids = caseload
    at = signed_in("inq.one")
    assert "Select a row to open the case file." in messages(at)
    select_rows(at, "cases_table", [1])  # Alpha: oldest first is Charlie, Alpha, ...
    at.run()
    button(at, "Open the selected case").click().run()
    assert not at.exception
    assert at.title[0].value == "ALPHA Test"
    assert at.query_params == {"case": str(ids["Alpha"])}
