"""``workbench forecast …``: the forecast and its backtest from the command line, on any
database the workbench is configured for."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from datetime import date

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TimeElapsedColumn
from rich.table import Table

from workbench.core.actor import Actor
from workbench.core.errors import WorkbenchError

console = Console(stderr=True)



def _day(value: str | None) -> date | None:
    if value is None:
        return None
    from workbench.core.dates import parse_date

    try:
        return parse_date(value)
    except (ValueError, WorkbenchError) as exc:
        raise click.BadParameter(str(exc)) from exc


def _fmt(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


def _band(band, digits: int = 0) -> str:  # noqa: ANN001
    if band.median is None:
        return "not reached"
    return f"{_fmt(band.median, digits)} ({_fmt(band.low, digits)}–{_fmt(band.high, digits)})"


def _json_default(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


@click.group("forecast")
def forecast_group() -> None:
    """Forecasts of the backlog and of processing times from the office's own history."""


@forecast_group.command("run")
@click.option("--scenario", "name", default=None, help="A scenario saved on the dashboard.")
@click.option("--runs", default=200, show_default=True, type=click.IntRange(1, 1000))
@click.option("--months", default=12, show_default=True, type=click.IntRange(1, 36))
@click.option("--as-of", "as_of", default=None, metavar="DATE",
              help="Forecast as of this day, on the data before it (default: today).")
@click.option("--seed", default=2024, show_default=True, type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the whole forecast as JSON.")
def run_cmd(name: str | None, runs: int, months: int, as_of: str | None, seed: int,
            as_json: bool) -> None:
    """The next months: backlog by stage, and time to decision by lodging month."""
    from workbench.core.db import migrated_engine, unit_of_work
    from workbench.reporting.forecast import Scenario, forecast

    actor = Actor.system("forecast")
    try:
        with unit_of_work(migrated_engine(), write=False) as session:
            scenario = Scenario()
            if name:
                scenario = _saved_scenario(session, name)
            with Progress("[progress.description]{task.description}", BarColumn(),
                          TimeElapsedColumn(), console=console,
                          disable=as_json or not console.is_terminal) as bar:
                task = bar.add_task("Forecast", total=1.0)
                result = forecast(session, actor=actor, scenario=scenario, runs=runs,
                                  months=months, seed=seed, as_of=_day(as_of),
                                  progress=lambda done, _stage: bar.update(task,
                                                                           completed=done))
    except WorkbenchError as exc:
        console.print(f"[red]Error:[/red] {exc}")
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(asdict(result), default=_json_default, ensure_ascii=False))
        return
    table = Table(title=f"Backlog ({result.scenario.name}, as of {result.as_of}, "
                  f"{result.runs} runs; median and 80 % interval)")
    for column in ("month end", "sorting", "examination", "approval", "first instance",
                   "months of work", "review"):
        table.add_column(column, justify="right")
    for p in result.months:
        table.add_row(p.month_end.isoformat(), _fmt(p.backlog["sorting"].median),
                      _fmt(p.backlog["examination"].median),
                      _fmt(p.backlog["approval"].median), _band(p.first_instance),
                      _band(p.months_of_work, 1), _fmt(p.backlog["review"].median))
    Console().print(table)
    table = Table(title=f"Lodged in the month: days to the notice (standard period "
                  f"{result.standard_months} months)")
    for column in ("lodged in", "applications", "median days", "90th percentile days",
                   "within the standard period"):
        table.add_column(column, justify="right")
    for c in result.cohorts:
        share = c.within_standard.median
        table.add_row(c.month_start.strftime("%Y-%m"), _fmt(c.lodged.median),
                      _band(c.median_days), _band(c.p90_days),
                      "—" if share is None else f"{share:.0%}")
    Console().print(table)
    console.print(f"{result.seconds:.2f} s")


def _saved_scenario(session, name: str):  # noqa: ANN001, ANN202
    from workbench.core.i18n import t
    from workbench.reporting.forecast import list_scenarios

    actor = Actor.system("forecast")
    for saved in list_scenarios(session, actor=actor):
        if saved.scenario.name == name:
            return saved.scenario
    raise click.BadParameter(t("errors.forecast.scenario_not_found"), param_hint="--scenario")


@forecast_group.command("backtest")
@click.option("--as-of", "as_of", required=True, metavar="DATE",
              help="Make the forecast as of this past day, on the data before it.")
@click.option("--runs", default=100, show_default=True, type=click.IntRange(1, 1000))
@click.option("--seed", default=2024, show_default=True, type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
def backtest_cmd(as_of: str, runs: int, seed: int, as_json: bool) -> None:
    """How far off the forecast made on a past day was, 3, 6 and 12 months later."""
    from workbench.core.db import migrated_engine, unit_of_work
    from workbench.reporting.forecast import backtest

    try:
        with unit_of_work(migrated_engine(), write=False) as session:
            report = backtest(session, actor=Actor.system("forecast"), as_of=_day(as_of),
                              runs=runs, seed=seed)
    except WorkbenchError as exc:
        console.print(f"[red]Error:[/red] {exc}")
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(asdict(report), default=_json_default, ensure_ascii=False))
        return
    if not report.rows:
        console.print("No horizon has been reached yet: choose a day at least 3 months ago.")
        sys.exit(1)
    table = Table(title=f"Backtest: forecast made as of {report.as_of} ({report.runs} runs)")
    for column in ("horizon", "day", "backlog forecast", "backlog actual", "error",
                   "median days forecast", "median days actual", "error"):
        table.add_column(column, justify="right")
    for r in report.rows:
        table.add_row(f"{r.horizon_months} months", r.target.isoformat(),
                      _band(r.backlog_forecast), _fmt(r.backlog_actual),
                      f"{r.backlog_error:+.1%}", _band(r.median_days_forecast),
                      _fmt(r.median_days_actual),
                      "—" if r.median_days_error is None else f"{r.median_days_error:+.1%}")
    Console().print(table)
