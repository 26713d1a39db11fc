"""The managers' dashboard (pages/dashboard.py): figures shown, a filter applied to every
view, the cases behind a figure listed, an export prepared and audited; other roles are
refused by the service."""

from __future__ import annotations

from datetime import date

import pytest

from models import CaseState
from tests.app.conftest import signed_in
from tests.app.helpers import audit_entries, button, by_label, messages, page_as, table
from tests.conftest import insert_case


@pytest.fixture
def caseload(app_db):  # noqa: ANN001, ANN201
    engine, staff = app_db
    for n in range(3):
        insert_case(engine, inquirer=staff.inquirer, nationality="LKA", office="TOKYO",
                    lodged=date(2024, 1, 10 + n), state=CaseState.UNDER_EXAMINATION,
                    sorting_category="D2", family_name=f"Tokyo{n}")
    insert_case(engine, inquirer=staff.inquirer, nationality="MMR", office="OSAKA",
                lodged=date(2024, 2, 1), state=CaseState.UNDER_EXAMINATION,
                sorting_category="A", family_name="Osaka")
    insert_case(engine, nationality="TUR", office="TOKYO", lodged=date(2024, 3, 5),
                family_name="Waiting")
    insert_case(engine, inquirer=staff.inquirer, nationality="LKA", office="TOKYO",
                lodged=date(2023, 5, 1), state=CaseState.DECIDED, sorting_category="B",
                outcome="NOT_RECOGNISED", notice_date=date(2024, 2, 20),
                sorted_on=date(2023, 6, 1), decided_on=date(2024, 2, 20),
                family_name="Decided")
    return engine, staff


def _dashboard():  # noqa: ANN202
    return signed_in("mgr.one").switch_page("../pages/dashboard.py").run()


def _metric(at, label: str) -> str:  # noqa: ANN001
    return by_label(at.metric, label).value


def test_backlog_figures_and_a_filter(caseload) -> None:  # noqa: ANN001
    at = _dashboard()
    assert not at.exception
    assert at.title[0].value == "Dashboard"
    assert _metric(at, "Pending, first instance") == "5"
    assert _metric(at, "Past the standard period") == "5"
    by_label(at.multiselect, "Offices").set_value(["OSAKA"])
    button(at, "Apply filters").click().run()
    assert _metric(at, "Pending, first instance") == "1"
    assert "Offices: OSAKA" in messages(at)
    # the same filter holds in another view
    at.segmented_control(key="dash_view").set_value("flows").run()
    assert _metric(at, "Received") == "1"


def test_the_cases_behind_a_figure_then_an_export(caseload) -> None:  # noqa: ANN001
    engine, staff = caseload
    at = _dashboard()
    picker = at.selectbox(key="pick_backlog")
    stage = next(o for o in picker.options if o.startswith("Under examination"))
    picker.set_value(stage).run()
    at.button(key="pick_backlog_go").click().run()
    rows = table(at, "drill_table")
    assert sorted(r["Name"].split()[0] for r in rows) == ["OSAKA", "TOKYO0", "TOKYO1", "TOKYO2"]
    assert "4 cases" in messages(at)
    assert not audit_entries(engine, "stats.export")  # nothing exported by looking
    at.button(key="prep_cases-stage_csv").click().run()
    entries = audit_entries(engine, "stats.export")
    assert len(entries) == 1 and entries[0].actor_id == staff.manager.id
    assert at.get("download_button")


def test_processing_time_by_office(caseload) -> None:  # noqa: ANN001
    at = _dashboard()
    at.segmented_control(key="dash_view").set_value("processing").run()
    at.segmented_control(key="dash_by").set_value("office").run()
    rows = table(at)
    tokyo = next(r for r in rows if r["Office"] == "TOKYO")
    assert tokyo["Lodging to decision: n"] == 1
    assert tokyo["Lodging to decision: median"] == "295"
    assert tokyo["Decided within the standard period"] == "0%"


def test_an_inquirer_is_refused_by_the_service(caseload) -> None:  # noqa: ANN001
    engine, staff = caseload
    at = page_as("dashboard.py", staff.inquirer)
    assert "Your role may not view statistics" in messages(at)
    assert audit_entries(engine, "stats.view", actor_id=staff.inquirer.id)
