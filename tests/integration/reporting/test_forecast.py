"""Forecasts over a generated demo caseload, on both databases: the history read as of a day
against the cases' states, the backtest against what happened, scenarios saved and audited,
the command line."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from models import Application, AuditEvent, CaseState
from tests.conftest import _make_staff, module_database
from workbench.core import clock
from workbench.core.db import dispose_engines, unit_of_work
from workbench.core.errors import NotFound, PermissionDenied, ValidationError
from workbench.core.settings import get_settings
from workbench.demo import load_demo
from workbench.reporting.forecast import (
    STAGES,
    Scenario,
    backtest,
    clear_cache,
    delete_scenario,
    forecast,
    latest_backtest,
    list_scenarios,
    save_scenario,
)
from workbench.reporting.forecast.backtest import MIN_DECISIONS
from workbench.reporting.forecast.history import read_history

AS_OF = date(2025, 6, 30)
STAGE_OF = {CaseState.RECEIVED: "sorting", CaseState.SORTING: "sorting",
            CaseState.UNDER_EXAMINATION: "examination",
            CaseState.DECISION_DRAFTED: "approval", CaseState.APPROVED: "approval",
            CaseState.REVIEW_FILED: "review", CaseState.PANEL_ASSIGNED: "review",
            CaseState.HEARING_HELD: "review", CaseState.HEARING_SKIPPED: "review",
            CaseState.PANEL_OPINION: "review"}


@pytest.fixture(scope="module",
                params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def loaded(request, sqlite_template, tmp_path_factory):  # noqa: ANN001, ANN201
    with (pytest.MonkeyPatch.context() as patch,
          module_database(request, sqlite_template, tmp_path_factory, "forecast") as engine):
        patch.setattr(clock, "today", lambda settings=None: AS_OF)
        staff = _make_staff(engine)
        load_demo(engine, cases=2500, seed=11, as_of=AS_OF)
        yield engine, staff


@pytest.fixture
def db(loaded, monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setattr(clock, "today", lambda settings=None: AS_OF)
    clear_cache()
    yield loaded
    clear_cache()


def test_the_backlog_read_for_a_day_is_the_cases_states_on_that_day(db) -> None:  # noqa: ANN001
    engine, _ = db
    with unit_of_work(engine, write=False) as s:
        states = Counter(STAGE_OF.get(CaseState(state))
                         for (state,) in s.execute(select(Application.state)).all())
        # the morning after the last day of the demo: every event is before it
        history = read_history(s, AS_OF + timedelta(days=1))
    assert history.backlog_now() == {stage: states[stage] for stage in STAGES}
    assert sum(history.backlog_now().values()) > 300
    assert history.arrivals.sum() > 0
    assert history.capacity_weeks.sum() > 0
    assert 0 <= history.oldest_first <= 1


def test_a_day_in_the_past_sees_only_what_was_known_then(db) -> None:  # noqa: ANN001
    engine, _ = db
    day = date(2024, 6, 30)
    with unit_of_work(engine, write=False) as s:
        then = read_history(s, day)
        apps = s.execute(select(Application.lodged_date, Application.decided_on)).all()
    lodged_before = sum(1 for lodged, _ in apps if lodged < day)
    decided_before = sum(1 for _, decided in apps if decided and decided < day)
    backlog = then.backlog_now()
    first_instance = backlog["sorting"] + backlog["examination"] + backlog["approval"]
    # withdrawn cases are neither: the backlog is at most what was lodged and not decided
    assert 0 < first_instance <= lodged_before - decided_before


def test_the_backtest_on_the_demo_caseload_stays_close(db) -> None:  # noqa: ANN001
    """The demo caseload draws each case's processing time at random rather than from a
    queue: the forecast still has to follow its backlog."""
    engine, staff = db
    with unit_of_work(engine, write=False) as s:
        report = backtest(s, actor=staff.manager, as_of=date(2024, 6, 30), runs=60)
        latest = latest_backtest(s, actor=staff.manager)
    assert [r.horizon_months for r in report.rows] == [3, 6, 12]
    for row in report.rows:
        assert abs(row.backlog_error) < 0.15, row
        assert row.backlog_forecast.low <= row.backlog_forecast.median
        assert row.median_days_actual is not None
        if row.decisions_actual >= MIN_DECISIONS:
            assert abs(row.median_days_error) < 0.5, row
        else:  # too few decisions that month to judge the forecast by their median
            assert row.median_days_error is None
    assert latest is not None and latest.as_of == date(2024, 6, 30)


def test_a_forecast_answers_a_managers_questions_and_is_kept_for_the_day(db) -> None:  # noqa: ANN001
    engine, staff = db
    steps: list[float] = []
    with unit_of_work(engine, write=False) as s:
        first = forecast(s, actor=staff.manager, runs=40,
                         progress=lambda done, _stage: steps.append(done))
        again = forecast(s, actor=staff.manager, runs=40)
        more = forecast(s, actor=staff.manager, runs=40,
                        scenario=Scenario("more", inquirers={first.inputs.offices[0]: 3}))
    assert again is first  # the same day and scenario: not computed again
    assert steps[-1] == 1.0 and steps == sorted(steps)
    assert len(first.months) == 12 and len(first.cohorts) == 12
    assert first.months[0].month_end == date(2025, 7, 30)
    assert first.cohorts[0].month_start == date(2025, 7, 1)
    assert set(first.months[0].backlog) == set(STAGES)
    assert more.months[-1].first_instance.median < first.months[-1].first_instance.median
    assert first.inputs.backlog_now["examination"] > 0


def test_only_managers_see_forecasts(db) -> None:  # noqa: ANN001
    engine, staff = db
    with unit_of_work(engine, write=False) as s:
        for who in (staff.inquirer, staff.counsellor):
            with pytest.raises(PermissionDenied):
                forecast(s, actor=who, runs=5)
            with pytest.raises(PermissionDenied):
                list_scenarios(s, actor=who)


def test_scenarios_are_saved_changed_and_deleted_with_an_audit_trail(db) -> None:  # noqa: ANN001
    engine, staff = db
    scenario = Scenario("  Two more  in Tokyo ", inquirers={"TOKYO": 2, "OSAKA": 0},
                        arrivals={"*": 30}, priority="bc_first")
    with unit_of_work(engine) as s:
        saved = save_scenario(s, actor=staff.manager, scenario=scenario)
    assert saved.scenario.name == "Two more in Tokyo"
    assert saved.scenario.inquirers == {"TOKYO": 2}
    with unit_of_work(engine) as s:
        changed = save_scenario(s, actor=staff.manager2,
                                scenario=Scenario("Two more in Tokyo", inquirers={"TOKYO": 3}))
    assert changed.id == saved.id and changed.version == 2
    with unit_of_work(engine, write=False) as s:
        listed = list_scenarios(s, actor=staff.manager)
    assert [x.scenario.inquirers for x in listed] == [{"TOKYO": 3}]
    with unit_of_work(engine) as s:
        delete_scenario(s, actor=staff.manager, scenario_id=saved.id)
    with unit_of_work(engine, write=False) as s:
        assert list_scenarios(s, actor=staff.manager) == []
        actions = [a for (a,) in s.execute(
            select(AuditEvent.action).where(AuditEvent.entity_type == "forecast_scenario")
            .order_by(AuditEvent.seq)).all()]
    assert actions == ["forecast.scenario.create", "forecast.scenario.update",
                       "forecast.scenario.delete"]
    with unit_of_work(engine) as s, pytest.raises(NotFound):
        delete_scenario(s, actor=staff.manager, scenario_id=saved.id)


@pytest.mark.parametrize("bad", [
    Scenario(""), Scenario("x" * 81), Scenario("baseline"), Scenario("p", priority="fastest"),
    Scenario("i", inquirers={"TOKYO": 10_000}), Scenario("a", arrivals={"LKA": -150}),
    Scenario("n", arrivals={"*": float("nan")}), Scenario("s", standard_months=0),
])
def test_a_scenario_that_makes_no_sense_is_refused_plainly(db, bad) -> None:  # noqa: ANN001
    engine, staff = db
    with unit_of_work(engine) as s, pytest.raises(ValidationError) as caught:
        save_scenario(s, actor=staff.manager, scenario=bad)
    assert str(caught.value)


def test_the_command_line_backtest_and_forecast(db, tmp_path: Path,  # noqa: ANN001
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    engine, _ = db
    if engine.dialect.name != "sqlite":
        pytest.skip("the command line is tried on the SQLite file")
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", str(engine.url))
    get_settings.cache_clear()
    dispose_engines()
    try:
        from workbench.cli import main

        cli = CliRunner()
        result = cli.invoke(main, ["forecast", "backtest", "--as-of", "2024-06-30",
                                   "--runs", "20", "--json"])
        assert result.exit_code == 0, result.output
        rows = json.loads(result.output)["rows"]
        assert [r["horizon_months"] for r in rows] == [3, 6, 12]
        result = cli.invoke(main, ["forecast", "run", "--runs", "20", "--months", "3"])
        assert result.exit_code == 0, result.output
        assert "Backlog (baseline" in result.output and "Lodged in the month" in result.output
        result = cli.invoke(main, ["forecast", "backtest", "--as-of", "2030-01-01"])
        assert result.exit_code == 1 and "Traceback" not in result.output
    finally:
        dispose_engines()
        get_settings.cache_clear()
