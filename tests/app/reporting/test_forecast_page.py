"""The forecast view of the dashboard (workbench/ui/reporting/forecast.py and its parts) on a
small demo caseload: the baseline charted with its backtest, a what-if scenario run, saved,
compared side by side and deleted with confirmation; an inquirer is refused by the service."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import CaseState, ForecastScenario
from tests.app.conftest import signed_in
from tests.app.helpers import audit_entries, button, messages, page_as, shown, table
from tests.conftest import insert_case
from workbench.core import clock
from workbench.core.db import unit_of_work
from workbench.core.settings import get_settings
from workbench.demo import load_demo
from workbench.reporting import forecast as fc

BASELINE = "Baseline (current pace)"
NAME = "2 more inquirers in Tokyo"
FIGURE, WHEN = "Figure", "When"


@pytest.fixture
def demo(app_db, monkeypatch):  # noqa: ANN001, ANN201
    """The demo caseload (accounts manager1, inquirer1 …) lodged up to today; forecasts of
    20 runs, so that the test stays quick."""
    engine, staff = app_db
    load_demo(engine, cases=400, seed=7, as_of=clock.today())
    monkeypatch.setenv("WORKBENCH_FORECAST_RUNS", "20")
    get_settings.cache_clear()
    fc.clear_cache()
    yield engine, staff
    fc.clear_cache()


def _forecast_view():  # noqa: ANN202
    at = signed_in("manager1", "manager1-demo-pass").switch_page("../pages/dashboard.py").run()
    at.segmented_control(key="dash_view").set_value("forecast").run()
    assert not at.exception
    return at


def _backlog(rows: list[dict], column: str, horizon: int) -> float:
    """The median first-instance backlog in ``column`` at ``horizon`` months."""
    row = next(r for r in rows if r[FIGURE] == "First-instance backlog"
               and r[WHEN] == f"in {horizon} months")
    return float(re.match(r"[\d,.]+", row[column]).group(0).replace(",", ""))


def _charts(at) -> int:  # noqa: ANN001
    return len(at.get("vega_lite_chart"))


def test_baseline_then_a_scenario_saved_compared_and_deleted(demo) -> None:  # noqa: ANN001
    engine, _ = demo
    at = _forecast_view()
    text = messages(at)
    assert "simulated 20 times" in text
    assert "First-instance backlog" in text and "Backlog by stage" in text
    # the backtest beside the forecasts (the demo holds years of history)
    assert re.search(r"Backtest: the forecast made on \d{4}-\d\d-\d\d from the data up to "
                     r"then was off by [+−±]\d+ % at 3 months", text)
    assert _charts(at) >= 8  # backlog, months of work, 4 stages, time, share within
    rows = table(at, having=BASELINE)
    assert {r[WHEN] for r in rows} >= {"in 3 months", "in 6 months", "in 12 months"}
    assert _backlog(rows, BASELINE, 12) > 0
    # no filter bar: the forecast covers the whole office
    assert not [b for b in at.button if b.label == "Apply filters"]

    # an unsaved scenario, run: it joins the comparison
    at.number_input(key="fc_arr_*").set_value(30.0).run()
    at.text_input(key="fc_name").input("More arrivals").run()
    at.button(key="fc_run").click().run()
    assert not at.exception
    assert "More arrivals (not saved)" in table(at, having=BASELINE)[0]

    # the scenario of the issue: two more inquirers in Tokyo, saved under its name
    at.number_input(key="fc_arr_*").set_value(0.0).run()
    at.number_input(key="fc_inq_TOKYO").set_value(2).run()
    at.text_input(key="fc_name").input(NAME).run()
    button(at, "Save scenario").click().run()
    assert not at.exception
    assert f"Scenario “{NAME}” saved." in messages(at)
    with unit_of_work(engine, write=False) as session:
        row = session.execute(select(ForecastScenario)).scalar_one()
        assert (row.name, row.params["inquirers"]) == (NAME, {"TOKYO": 2})
    assert audit_entries(engine, "forecast.scenario.create")
    # listed, ticked and compared side by side with the baseline
    compare = at.multiselect(key="fc_compare")
    assert compare.options == [NAME]
    assert len(compare.value) == 1
    rows = table(at, having=BASELINE)
    assert NAME in rows[0]
    assert _backlog(rows, NAME, 12) < _backlog(rows, BASELINE, 12)
    assert f"“{NAME}”: TOKYO: +2 inquirers" in messages(at)
    # the editor holds the saved scenario, across a switch to another view and back
    assert at.selectbox(key="fc_from").value == row.id
    at.segmented_control(key="dash_view").set_value("backlog").run()
    at.segmented_control(key="dash_view").set_value("forecast").run()
    assert at.number_input(key="fc_inq_TOKYO").value == 2
    assert at.text_input(key="fc_name").value == NAME
    # a new scenario empties the editor; choosing the saved one loads it again
    at.selectbox(key="fc_from").set_value(0).run()
    assert at.selectbox(key="fc_from").value == 0
    assert (at.text_input(key="fc_name").value, at.number_input(key="fc_inq_TOKYO").value) \
        == ("", 0)
    at.selectbox(key="fc_from").set_value(row.id).run()
    assert (at.text_input(key="fc_name").value, at.number_input(key="fc_inq_TOKYO").value) \
        == (NAME, 2)

    # deleted only with the tick
    button(at, "Delete scenario").click().run()
    assert "nothing has been recorded" in messages(at)
    with unit_of_work(engine, write=False) as session:
        assert session.execute(select(ForecastScenario)).scalars().all() != []
    at.checkbox(key="fc_delete_confirm").check()
    button(at, "Delete scenario").click().run()
    assert not at.exception
    assert f"Scenario “{NAME}” deleted." in messages(at)
    with unit_of_work(engine, write=False) as session:
        assert session.execute(select(ForecastScenario)).scalars().all() == []
    assert audit_entries(engine, "forecast.scenario.delete")
    assert at.multiselect(key="fc_compare").options == []
    assert NAME not in table(at, having=BASELINE)[0]


def test_a_refused_scenario_shows_the_catalogue_message(demo) -> None:  # noqa: ANN001
    at = _forecast_view()
    button(at, "Save scenario").click().run()  # no name
    assert "Give the scenario a name." in messages(at)
    at.text_input(key="fc_name").input("baseline").run()
    button(at, "Save scenario").click().run()
    assert "is the forecast without changes" in messages(at)
    # a new scenario may not overwrite a saved one of the same name
    at.text_input(key="fc_name").input("Tokyo").run()
    button(at, "Save scenario").click().run()
    at.selectbox(key="fc_from").set_value(0).run()
    at.number_input(key="fc_inq_OSAKA").set_value(3).run()
    at.text_input(key="fc_name").input("Tokyo").run()
    button(at, "Save scenario").click().run()
    assert "A scenario named “Tokyo” is saved already" in messages(at)


def test_the_view_in_japanese(demo, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("WORKBENCH_LANGUAGE", "ja")
    get_settings.cache_clear()
    at = _forecast_view()
    text = messages(at)
    assert "一次審査の滞留件数" in text and "事後検証" in text
    assert table(at, having="ベースライン（現在の処理ペース）")


def test_a_scenario_name_is_shown_as_written(demo) -> None:  # noqa: ANN001
    name = "**Tokyo** [more](https://example.org) <b>x</b> :red[y]"
    at = _forecast_view()
    at.number_input(key="fc_inq_OSAKA").set_value(1).run()
    at.text_input(key="fc_name").input(name).run()
    button(at, "Save scenario").click().run()
    assert not at.exception
    text = messages(at)
    assert f"Scenario “{name}” saved." in shown(text)
    assert "**Tokyo**" not in text and "<b>" not in text and ":red[" not in text
    assert name in table(at, having=BASELINE)[0]  # a table shows it literally, unescaped
    assert at.multiselect(key="fc_compare").options == [name]


def test_an_inquirer_is_refused_by_the_service(demo) -> None:  # noqa: ANN001
    engine, staff = demo
    at = page_as("dashboard.py", staff.inquirer)
    at.session_state["dash_view"] = "forecast"
    at.run()
    assert "Your role may not view statistics" in messages(at)
    assert not at.get("vega_lite_chart")


def test_a_young_database_has_no_backtest(app_db, monkeypatch) -> None:  # noqa: ANN001
    engine, staff = app_db
    for n in range(3):
        insert_case(engine, inquirer=staff.inquirer, nationality="LKA", office="TOKYO",
                    lodged=clock.today() - timedelta(days=40 + n),
                    state=CaseState.UNDER_EXAMINATION, family_name=f"Young{n}")
    monkeypatch.setenv("WORKBENCH_FORECAST_RUNS", "20")
    get_settings.cache_clear()
    fc.clear_cache()
    at = signed_in("mgr.one").switch_page("../pages/dashboard.py").run()
    at.segmented_control(key="dash_view").set_value("forecast").run()
    assert not at.exception
    text = messages(at)
    assert "Backtest: there is not enough history yet to test the forecast" in text
    assert "First-instance backlog" in text
    assert not at.error
    fc.clear_cache()


def test_an_empty_database(app_db) -> None:  # noqa: ANN001
    fc.clear_cache()
    at = signed_in("mgr.one").switch_page("../pages/dashboard.py").run()
    at.segmented_control(key="dash_view").set_value("forecast").run()
    assert not at.exception
    assert "not enough history" in messages(at)
    assert not at.error
    fc.clear_cache()
