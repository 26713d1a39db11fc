"""Every dashboard figure against a plain Python oracle over the same caseload: a generated
demo caseload plus hand-made edge cases (no decision yet, withdrawn, same-day transitions,
leap years), on both databases."""

from __future__ import annotations

import csv
import io
import json
import math
from collections import Counter, defaultdict
from datetime import UTC, date, timedelta

import pytest
from sqlalchemy import select

from models import Appeal, Application, CaseState, Panel, Person, User
from tests.app.helpers import audit_entries
from tests.conftest import (
    _make_staff,
    insert_case,
    module_database,
)
from workbench.core import clock
from workbench.core.db import unit_of_work
from workbench.core.errors import PermissionDenied, ValidationError
from workbench.core.settings import Settings
from workbench.demo import load_demo
from workbench.reporting import dashboard, drill_down, figures, workload
from workbench.reporting.dashboard import DashboardFilter

AS_OF = date(2025, 6, 30)
PENDING = set(dashboard.PRIMARY_PENDING) | set(dashboard.REVIEW_OPEN)


@pytest.fixture(scope="module",
                params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def loaded(request, sqlite_template, tmp_path_factory):  # noqa: ANN001, ANN201
    """One generated caseload per backend for the whole module (read-only tests)."""
    with (pytest.MonkeyPatch.context() as patch,
          module_database(request, sqlite_template, tmp_path_factory, "dash") as engine):
        patch.setattr(clock, "today", lambda settings=None: AS_OF)
        staff = _make_staff(engine)
        _load(engine, staff)
        with unit_of_work(engine, write=False) as s:
            rows = s.execute(select(Application, Person.nationality).join(
                Person, Person.id == Application.person_id)).all()
            cases = []
            for app, nationality in rows:
                s.expunge(app)
                cases.append((app, nationality))
        yield engine, staff, cases


def _load(engine, staff) -> None:  # noqa: ANN001
    load_demo(engine, cases=1200, seed=11, as_of=AS_OF)
    edge = [
        # decided on the day it was sorted, sorted the day it was lodged (leap day)
        dict(lodged=date(2024, 2, 29), state=CaseState.DECIDED, sorted_on=date(2024, 2, 29),
             decided_on=date(2024, 8, 29), outcome="NOT_RECOGNISED",
             notice_date=date(2024, 8, 29), sorting_category="D2"),
        # one day past the standard period from a leap day
        dict(lodged=date(2024, 2, 29), state=CaseState.DECIDED, sorted_on=date(2024, 3, 1),
             decided_on=date(2024, 8, 30), outcome="RECOGNISED_REFUGEE",
             notice_date=date(2024, 8, 30), sorting_category="A"),
        # pending, never sorted, lodged on a leap day: past both limits
        dict(lodged=date(2024, 2, 29), state=CaseState.RECEIVED),
        # withdrawn: no decision date
        dict(lodged=date(2025, 1, 10), state=CaseState.FINAL, outcome="WITHDRAWN"),
        # lodged exactly two months before the as-of date: not yet past the sorting limit
        dict(lodged=date(2025, 4, 30), state=CaseState.SORTING),
        # review filed and ruled the same day
        dict(lodged=date(2023, 3, 1), state=CaseState.RULED, sorted_on=date(2023, 3, 1),
             decided_on=date(2024, 1, 5), outcome="RECOGNISED_REFUGEE",
             notice_date=date(2024, 1, 5), review_basis="NON_RECOGNITION",
             review_filed_on=date(2024, 1, 9), ruled_on=date(2024, 1, 9),
             review_ruling="GRANTED", sorting_category="D1"),
    ]
    for fields in edge:
        insert_case(engine, inquirer=staff.inquirer, nationality="AFG", **fields)


@pytest.fixture
def db(loaded):  # noqa: ANN001, ANN201
    return loaded[0]


@pytest.fixture
def manager(loaded):  # noqa: ANN001, ANN201
    return loaded[1].manager


@pytest.fixture
def caseload(loaded):  # noqa: ANN001, ANN201
    return loaded[2]


def nearest_rank(values: list[int], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return float(ordered[max(1, math.ceil(p * len(ordered))) - 1])


def in_period(day: date | None, f: DashboardFilter) -> bool:
    return day is not None and (f.date_from is None or day >= f.date_from) and (
        f.date_to is None or day <= f.date_to)


def keep(app, nationality, f: DashboardFilter, stage: bool = True) -> bool:  # noqa: ANN001
    return ((not f.offices or app.office in f.offices)
            and (not f.nationalities or nationality in f.nationalities)
            and (not f.categories or app.sorting_category in f.categories)
            and (not stage or not f.stages or app.state in f.stages))


FILTERS = [DashboardFilter(),
           DashboardFilter(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31)),
           DashboardFilter(offices=("TOKYO",), nationalities=("AFG", "LKA", "MMR")),
           DashboardFilter(categories=("A", "D2"), stages=("UNDER_EXAMINATION", "DECIDED"))]


@pytest.mark.parametrize("f", FILTERS, ids=["all", "2024", "tokyo-3-nat", "cat-stage"])
def test_backlog_against_the_oracle(db, manager, caseload, f) -> None:  # noqa: ANN001
    with unit_of_work(db, write=False) as s:
        got = figures.backlog(s, actor=manager, f=f, settings=Settings())
    as_of = min(f.date_to, AS_OF) if f.date_to else AS_OF
    pending = [(a, n) for a, n in caseload if a.state in PENDING and a.lodged_date <= as_of
               and keep(a, n, f)]
    assert got.as_of == as_of
    assert {k: v for k, v in got.by_stage.items() if v} == dict(Counter(a.state
                                                                        for a, _ in pending))
    years: dict[int, Counter] = defaultdict(Counter)
    for a, _ in pending:
        years[a.lodged_date.year][a.state] += 1
    assert got.by_year_stage == {y: dict(c) for y, c in years.items()}
    primary = [a for a, _ in pending if a.state in dashboard.PRIMARY_PENDING]

    def bucket(lodged: date) -> str:
        months = [m for m in (2, 6, 12, 24) if lodged <= clock.add_months(as_of, -m)]
        return dashboard.AGE_BUCKETS[len(months)]

    assert {k: v for k, v in got.ageing.items() if v} == dict(Counter(bucket(a.lodged_date)
                                                                      for a in primary))
    assert got.past_standard_period == sum(1 for a in primary
                                           if clock.add_months(a.lodged_date, 6) < as_of)
    assert got.past_sorting_limit == sum(
        1 for a in primary if a.state in ("RECEIVED", "SORTING")
        and clock.add_months(a.lodged_date, 2) < as_of)
    reviews = [a for a, _ in pending if a.state in dashboard.REVIEW_OPEN
               and a.review_filed_on is not None]
    assert sum(got.review_by_age.values()) == len(reviews)


@pytest.mark.parametrize("by", dashboard.GROUPINGS)
@pytest.mark.parametrize("f", FILTERS[:3], ids=["all", "2024", "tokyo-3-nat"])
def test_processing_times_against_the_oracle(db, manager, caseload, by, f) -> None:  # noqa: ANN001
    with unit_of_work(db, write=False) as s:
        rows = {r.group: r for r in figures.processing_times(s, actor=manager, by=by,
                                                               f=f, settings=Settings())}

    def group(a, nationality, day: date) -> str:  # noqa: ANN001
        if by == "month":
            return day.strftime("%Y-%m")
        if by == "office":
            return a.office
        if by == "nationality":
            return nationality
        if by == "category":
            return a.sorting_category
        return str(a.assigned_inquirer_id or 0)

    decisions: dict[str, list[int]] = defaultdict(list)
    within: Counter = Counter()
    for a, n in caseload:
        if a.decided_on is None or not in_period(a.decided_on, f) or not keep(a, n, f):
            continue
        g = group(a, n, a.decided_on)
        decisions[g].append((a.decided_on - a.lodged_date).days)
        within[g] += a.decided_on <= clock.add_months(a.lodged_date, 6)
    got = {r.group: r for r in rows.values()}
    if by == "inquirer":  # the service shows names; map them back through the counts
        assert sum(r.to_decision.count for r in got.values()) == sum(map(len,
                                                                          decisions.values()))
        return
    for g, values in decisions.items():
        stat = got[g].to_decision
        assert (stat.count, stat.median, stat.p90) == (len(values), nearest_rank(values, 0.5),
                                                      nearest_rank(values, 0.9)), g
        assert stat.mean == pytest.approx(sum(values) / len(values))
        assert got[g].decided_within_standard == within[g]
    sortings: dict[str, list[int]] = defaultdict(list)
    for a, n in caseload:
        if a.sorted_on and in_period(a.sorted_on, f) and keep(a, n, f):
            sortings[group(a, n, a.sorted_on)].append((a.sorted_on - a.lodged_date).days)
    for g, values in sortings.items():
        assert got[g].to_sorting.count == len(values)
        assert got[g].to_sorting.median == nearest_rank(values, 0.5)
    assert sum(r.to_decision.count for r in got.values()) == sum(map(len, decisions.values()))


@pytest.mark.parametrize("f", FILTERS[:3], ids=["all", "2024", "tokyo-3-nat"])
def test_flows_against_the_oracle(db, manager, caseload, f) -> None:  # noqa: ANN001
    with unit_of_work(db, write=False) as s:
        got = figures.flows(s, actor=manager, f=f, top_nationalities=500)
    received = [a for a, n in caseload if in_period(a.lodged_date, f) and keep(a, n, f)]
    assert got.received_by_month == dict(sorted(Counter(
        a.lodged_date.strftime("%Y-%m") for a in received).items()))
    assert got.received == len(received)
    assert got.repeat_applications == sum(1 for a in received if a.application_number >= 2)
    assert got.third_or_later_with_materials == sum(
        1 for a in received if a.application_number >= 3 and a.reasonable_grounds_materials)
    assert got.third_or_later_without_materials == sum(
        1 for a in received if a.application_number >= 3 and not a.reasonable_grounds_materials)
    decided = [(a, n) for a, n in caseload if a.decided_on and in_period(a.decided_on, f)
               and keep(a, n, f)]
    assert got.decided_by_month == dict(sorted(Counter(
        a.decided_on.strftime("%Y-%m") for a, _ in decided).items()))
    mix: dict[str, Counter] = defaultdict(Counter)
    for a, n in decided:
        if a.outcome in dashboard.OUTCOMES:
            mix[n][a.outcome] += 1
    for a, n in caseload:
        if (a.outcome == "WITHDRAWN" and a.decided_on is None and keep(a, n, f)
                and in_period(a.updated_at.astimezone(UTC).date(), f)):
            mix[n]["WITHDRAWN"] += 1
    assert {k: {o: c for o, c in v.items() if c} for k, v in got.outcomes_by_nationality.items()
            } == {k: dict(v) for k, v in mix.items()}
    rulings = Counter(a.review_ruling for a, n in caseload if a.ruled_on and a.review_ruling
                      and in_period(a.ruled_on, f) and keep(a, n, f))
    assert got.appeal_outcomes == dict(rulings)
    years = {row["year"]: row for row in got.yearly}
    for year, count in Counter(a.lodged_date.year for a in received).items():
        assert years[year]["applications"] == count
    granted = Counter(a.ruled_on.year for a, n in caseload if a.ruled_on
                      and a.review_ruling == "GRANTED" and in_period(a.ruled_on, f)
                      and keep(a, n, f))
    for year, count in granted.items():
        assert years[year]["refugee_on_review"] == count


def test_edge_cases_are_counted_as_a_reader_expects(db, manager, caseload) -> None:  # noqa: ANN001
    f = DashboardFilter(nationalities=("AFG",), date_from=date(2024, 8, 1),
                        date_to=date(2024, 8, 31))
    with unit_of_work(db, write=False) as s:
        times = {r.group: r for r in figures.processing_times(s, actor=manager,
                                                                by="month", f=f)}
    august = times["2024-08"]
    # the leap-day case decided on 29 August kept the standard period; the next day did not
    leap = [a for a, n in caseload if n == "AFG" and a.lodged_date == date(2024, 2, 29)
            and a.decided_on is not None and a.decided_on.month == 8]
    assert {a.decided_on.day for a in leap} == {29, 30}
    assert august.decided_within_standard == sum(
        1 for a, n in caseload if n == "AFG" and a.decided_on and a.decided_on.month == 8
        and a.decided_on.year == 2024 and a.decided_on <= clock.add_months(a.lodged_date, 6))
    with unit_of_work(db, write=False) as s:
        same_day = figures.processing_times(
            s, actor=manager, by="category",
            f=DashboardFilter(nationalities=("AFG",), date_from=date(2024, 1, 9),
                              date_to=date(2024, 1, 9)))
    ruled = [r for r in same_day if r.review_to_ruling.count]
    assert ruled and min(r.review_to_ruling.median for r in ruled) == 0.0


def test_drill_down_lists_the_cases_behind_a_figure(db, manager, caseload, loaded) -> None:  # noqa: ANN001
    f = DashboardFilter()
    with unit_of_work(db, write=False) as s:
        backlog = figures.backlog(s, actor=manager, f=f)
        bucket = next(b for b, n in backlog.ageing.items() if n)
        drill = drill_down.drill_down(s, actor=manager, figure="age", value=bucket, f=f,
                                     limit=1000)
        stage = drill_down.drill_down(s, actor=manager, figure="stage",
                                     value="UNDER_EXAMINATION", f=f, limit=5)
        past = drill_down.drill_down(s, actor=manager, figure="past_standard_period",
                                    value="", f=f)
    assert drill.total == backlog.ageing[bucket] == len(drill.rows)
    assert stage.total == backlog.by_stage["UNDER_EXAMINATION"] and len(stage.rows) == 5
    assert past.total == backlog.past_standard_period
    assert drill.names_shown and all(r.applicant for r in drill.rows)
    # an inquirer may not see the dashboards at all
    with pytest.raises(PermissionDenied):
        with unit_of_work(db, write=False) as s:
            figures.backlog(s, actor=loaded[1].inquirer)
    with pytest.raises(ValidationError, match="ends before it starts"):
        with unit_of_work(db, write=False) as s:
            figures.backlog(s, actor=manager, f=DashboardFilter(
                date_from=date(2025, 1, 2), date_to=date(2025, 1, 1)))


def test_exports_neutralise_formulas_and_are_audited(engine, staff, tmp_path) -> None:  # noqa: ANN001
    rows = [["=HYPERLINK(\"http://x\")", 3, "-2+3", "\u200b@SUM(A1)", "Kabul", -5,
             date(2024, 2, 29)]]
    columns = ["a", "count", "b", "c", "city", "delta", "day"]
    with unit_of_work(engine) as s:
        data = drill_down.export_table(s, actor=staff.manager, name="backlog", columns=columns,
                                      rows=rows, fmt="csv")
        xlsx = drill_down.export_table(s, actor=staff.manager, name="backlog", columns=columns,
                                      rows=rows, fmt="xlsx")
    read = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert read[1] == ["'=HYPERLINK(\"http://x\")", "3", "'-2+3", "'\u200b@SUM(A1)", "Kabul",
                       "-5", "2024-02-29"]
    from openpyxl import load_workbook

    path = tmp_path / "t.xlsx"
    path.write_bytes(xlsx)
    sheet = load_workbook(path).active
    values = [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert values[0].startswith("'=") and values[1] == 3 and values[5] == -5
    entries = audit_entries(engine, "stats.export")
    assert [json.loads(e.details)["format"] for e in entries] == ["csv", "xlsx"]
    with pytest.raises(PermissionDenied):
        with unit_of_work(engine) as s:
            drill_down.export_table(s, actor=staff.inquirer, name="x", columns=["a"], rows=[])
    assert [e.outcome for e in audit_entries(engine, "stats.export")][-1] == "denied"


def test_workload_counts_open_cases_and_oldest(db, manager, caseload) -> None:  # noqa: ANN001
    with unit_of_work(db, write=False) as s:
        inquirers, panels = workload.workload(s, actor=manager)
    open_by: Counter = Counter()
    oldest: dict[int, date] = {}
    for a, _ in caseload:
        if a.state in dashboard.PRIMARY_PENDING and a.assigned_inquirer_id:
            open_by[a.assigned_inquirer_id] += 1
            oldest[a.assigned_inquirer_id] = min(oldest.get(a.assigned_inquirer_id, date.max),
                                                 a.lodged_date)
    assert sorted(w.open_cases for w in inquirers) == sorted(open_by.values())
    assert sorted(w.oldest_lodged for w in inquirers) == sorted(oldest.values())
    since = AS_OF - timedelta(weeks=8)
    decided_by: Counter = Counter(a.decision_drafted_by_id for a, _ in caseload
                                  if a.decided_on and since < a.decided_on <= AS_OF
                                  and a.decision_drafted_by_id)
    with unit_of_work(db, write=False) as s:
        names = {u.display_name: u.id for u in s.execute(select(User)).scalars()}
        appeals = s.execute(select(Appeal.panel_id, Appeal.filed_date, Application.state)
                            .join(Application, Application.id == Appeal.application_id)
                            .where(Appeal.panel_id.is_not(None))).all()
        panel_names = {p.id: p.name for p in s.execute(select(Panel)).scalars()}
    for w in inquirers:
        assert w.decided_per_week == round(decided_by.get(names[w.inquirer], 0) / 8, 2)
    open_appeals: Counter = Counter()
    first_filed: dict[str, date] = {}
    for panel_id, filed, state in appeals:
        if state in dashboard.REVIEW_OPEN:
            name = panel_names[panel_id]
            open_appeals[name] += 1
            first_filed[name] = min(first_filed.get(name, date.max), filed)
    assert {p.panel: p.open_appeals for p in panels} == dict(open_appeals)
    assert {p.panel: p.oldest_filed for p in panels} == first_filed


def test_every_outcome_figure_drills_down_to_its_cases(db, manager) -> None:  # noqa: ANN001
    f = DashboardFilter(date_from=date(2024, 1, 1), date_to=date(2025, 6, 30))
    with unit_of_work(db, write=False) as s:
        mix = figures.flows(s, actor=manager, f=f, top_nationalities=3).outcomes_by_nationality
        for nationality, outcomes in mix.items():
            for outcome, count in outcomes.items():
                drill = drill_down.drill_down(s, actor=manager, figure="outcome_nationality",
                                             value=f"{nationality}:{outcome}", f=f, limit=1)
                assert drill.total == count, (nationality, outcome)
