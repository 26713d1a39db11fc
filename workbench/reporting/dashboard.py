"""Manager dashboards: backlog and ageing, processing times against the standards, flows and
outcomes, workload, and the cases behind any figure — over a national caseload.

Every figure is one grouped query that returns at most a few thousand rows (histograms of
whole days, counts per month or per group), summarised here; durations come from the
milestone dates the workflow writes on each case (``workbench.core.milestones``), never from
hand-entered durations. The same ``DashboardFilter`` (period, offices, nationalities,
sorting categories, stages) applies to every figure. The period selects the cases whose event
the figure counts falls in it: lodging for applications received, the notice for decisions,
the ruling for reviews; backlog figures are as of the end of the period (or today).

Aggregates carry no applicant's name. The drill-down lists the cases behind a figure within
the actor's reach, with names only for roles that may open case files; exports neutralise
spreadsheet formulas and are audited.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from sqlalchemy import Date, Integer, case, cast, func, literal_column, select
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session

from models import (
    Appeal,
    Application,
    CaseState,
    Panel,
    Person,
    PrimaryOutcome,
    SortingCategory,
    User,
)
from models.enums import PRIMARY_PENDING_STATES, REVIEW_PENDING_STATES
from workbench.core import audit, clock
from workbench.core.actor import Actor
from workbench.core.errors import ValidationError
from workbench.core.i18n import t
from workbench.core.permissions import Action, case_scope, may, require
from workbench.core.processing import Stat, _Days, latest_lodged_past
from workbench.core.settings import Settings, get_settings

PRIMARY_PENDING = tuple(s.value for s in sorted(PRIMARY_PENDING_STATES,
                                                 key=list(CaseState).index))
REVIEW_OPEN = tuple(s.value for s in sorted(REVIEW_PENDING_STATES, key=list(CaseState).index)
                    if s != CaseState.RULED)
AGE_BUCKETS = ("under 2 months", "2–6 months", "6–12 months", "1–2 years", "2 years or more")
REVIEW_AGE_BUCKETS = ("under 3 months", "3–6 months", "6–12 months", "1 year or more")
GROUPINGS = ("month", "office", "nationality", "category", "inquirer")
OUTCOMES = (PrimaryOutcome.RECOGNISED_REFUGEE.value, PrimaryOutcome.RECOGNISED_CP.value,
            PrimaryOutcome.NOT_RECOGNISED_HUMANITARIAN_STAY.value,
            PrimaryOutcome.NOT_RECOGNISED.value, PrimaryOutcome.WITHDRAWN.value)
#: A spreadsheet reads a cell starting with these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "|", "%", "\t", "\r")
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00a0 "


@dataclass(frozen=True)
class DashboardFilter:
    date_from: date | None = None
    date_to: date | None = None
    offices: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()

    def check(self) -> None:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValidationError(t("errors.dashboard.period_ends_before_starts"))

    def as_dict(self) -> dict:
        return {"from": self.date_from.isoformat() if self.date_from else None,
                "to": self.date_to.isoformat() if self.date_to else None,
                "offices": list(self.offices), "nationalities": list(self.nationalities),
                "categories": list(self.categories), "stages": list(self.stages)}


class _Q:
    """Dialect helpers and the shared filter conditions."""

    def __init__(self, session: Session, f: DashboardFilter) -> None:
        self.session = session
        self.f = f
        self.days = _Days(session)
        self.sqlite = self.days.sqlite

    def month(self, column: ColumnElement) -> ColumnElement:
        if self.sqlite:  # dates are stored as ISO text: the first seven characters
            return func.substr(column, 1, 7)
        return func.to_char(column, "YYYY-MM")

    def year(self, column: ColumnElement) -> ColumnElement:
        if self.sqlite:
            return cast(func.substr(column, 1, 4), Integer)
        return cast(func.extract("year", column), Integer)

    def kept(self, start: ColumnElement, end: ColumnElement, months: int) -> ColumnElement:
        """1 when ``end`` is within ``months`` calendar months of ``start``. Only a duration
        near the limit needs the month arithmetic; the rest is decided by the day count."""
        shortest, longest = _month_span(months)
        days = self.days.between(start, end)
        exact = cast(self.days.day(end) <= self.days.day(self.days.add_months(start, months)),
                     Integer)
        return case((days < shortest, 1), (days > longest, 0), else_=exact)

    def utc_day(self, column: ColumnElement) -> ColumnElement:
        """The UTC calendar day of a timestamp column."""
        if self.sqlite:
            return func.date(column)
        return cast(func.timezone("UTC", column), Date)

    def conditions(self, *, stage: bool = True) -> list[ColumnElement]:
        a, f = Application, self.f
        out: list[ColumnElement] = []
        if f.offices:
            out.append(a.office.in_(f.offices))
        if f.categories:
            out.append(a.sorting_category.in_(f.categories))
        if f.stages and stage:
            out.append(a.state.in_(f.stages))
        if f.nationalities:
            out.append(a.nationality.in_(f.nationalities))
        return out

    def period(self, column: ColumnElement) -> list[ColumnElement]:
        out = []
        if self.f.date_from:
            out.append(column >= self.f.date_from)
        if self.f.date_to:
            out.append(column <= self.f.date_to)
        return out

    def rows(self, columns: Sequence[ColumnElement], where: Iterable[ColumnElement],
             group: bool = True) -> list[tuple]:
        labelled = [c.label(f"c{i}") for i, c in enumerate(columns)]
        query = select(*labelled, func.count()).select_from(Application).where(*where)
        if group:
            query = query.group_by(*[literal_column(f"c{i}") for i in range(len(columns))])
        # Core execution: the rows are plain tuples, without the ORM's per-row work.
        return [tuple(r) for r in self.session.connection().execute(query).all()]


@lru_cache(maxsize=8)
def _month_span(months: int) -> tuple[int, int]:
    """The fewest and most days ``months`` calendar months can last."""
    start = date(2020, 1, 1)
    spans = [(clock.add_months(start + timedelta(days=i), months)
              - (start + timedelta(days=i))).days for i in range(4 * 366)]
    return min(spans), max(spans)


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _as_of(f: DashboardFilter, settings: Settings) -> date:
    today = clock.today(settings)
    return min(f.date_to, today) if f.date_to else today


# --- backlog ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Backlog:
    as_of: date
    by_stage: dict[str, int]
    by_year_stage: dict[int, dict[str, int]]
    ageing: dict[str, int]
    past_sorting_limit: int
    past_standard_period: int
    review_by_age: dict[str, int]

    @property
    def pending_primary(self) -> int:
        return sum(v for k, v in self.by_stage.items() if k in PRIMARY_PENDING)

    @property
    def pending_review(self) -> int:
        return sum(v for k, v in self.by_stage.items() if k in REVIEW_OPEN)


def age_bucket(lodged: date, as_of: date) -> str:
    if lodged > clock.add_months(as_of, -2):
        return AGE_BUCKETS[0]
    if lodged > clock.add_months(as_of, -6):
        return AGE_BUCKETS[1]
    if lodged > clock.add_months(as_of, -12):
        return AGE_BUCKETS[2]
    if lodged > clock.add_months(as_of, -24):
        return AGE_BUCKETS[3]
    return AGE_BUCKETS[4]


def review_age_bucket(filed: date, as_of: date) -> str:
    if filed > clock.add_months(as_of, -3):
        return REVIEW_AGE_BUCKETS[0]
    if filed > clock.add_months(as_of, -6):
        return REVIEW_AGE_BUCKETS[1]
    if filed > clock.add_months(as_of, -12):
        return REVIEW_AGE_BUCKETS[2]
    return REVIEW_AGE_BUCKETS[3]


def backlog(session: Session, *, actor: Actor, f: DashboardFilter = DashboardFilter(),
            settings: Settings | None = None) -> Backlog:
    """Pending cases today (or at the end of the period) by stage, by year of filing and by
    age; cases past the sorting limit and past the standard period; reviews by age."""
    require(actor, Action.STATS_VIEW)
    f.check()
    settings = settings or get_settings()
    q = _Q(session, f)
    as_of = _as_of(f, settings)
    a = Application
    pending = list(PRIMARY_PENDING + REVIEW_OPEN)
    rows = q.rows([a.lodged_date, a.state],
                  [a.state.in_(pending), a.lodged_date <= as_of, *q.conditions()])
    by_stage: dict[str, int] = {s: 0 for s in pending}
    by_year: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    ageing = {b: 0 for b in AGE_BUCKETS}
    sorting_cutoff = latest_lodged_past(as_of, settings.sorting_limit_months)
    standard_cutoff = latest_lodged_past(as_of, settings.standard_period_months)
    past_sorting = past_standard = 0
    for lodged, state, n in rows:
        lodged = _as_date(lodged)
        by_stage[state] = by_stage.get(state, 0) + n
        by_year[lodged.year][state] += n
        if state in PRIMARY_PENDING:
            ageing[age_bucket(lodged, as_of)] += n
            past_standard += n if lodged <= standard_cutoff else 0
            if state in (CaseState.RECEIVED.value, CaseState.SORTING.value):
                past_sorting += n if lodged <= sorting_cutoff else 0
    review = {b: 0 for b in REVIEW_AGE_BUCKETS}
    for filed, n in q.rows([a.review_filed_on], [a.state.in_(list(REVIEW_OPEN)),
                                                  a.review_filed_on.is_not(None),
                                                  *q.conditions()]):
        review[review_age_bucket(_as_date(filed), as_of)] += n
    return Backlog(as_of, by_stage, {y: dict(v) for y, v in sorted(by_year.items())}, ageing,
                   past_sorting, past_standard, review)


# --- processing times -----------------------------------------------------------------------


@dataclass(frozen=True)
class ProcessingRow:
    group: str
    to_sorting: Stat
    to_decision: Stat
    review_to_ruling: Stat
    decided_within_standard: int

    @property
    def share_within_standard(self) -> float | None:
        if not self.to_decision.count:
            return None
        return self.decided_within_standard / self.to_decision.count


def _group_column(q: _Q, by: str, milestone: ColumnElement) -> ColumnElement:
    a = Application
    if by == "month":
        return q.month(milestone)
    if by == "office":
        return a.office
    if by == "nationality":
        return a.nationality
    if by == "category":
        return a.sorting_category
    if by == "inquirer":
        return func.coalesce(a.assigned_inquirer_id, 0)
    raise ValidationError(t("errors.dashboard.unknown_grouping_choose_one", by=by,
                            groupings=', '.join(GROUPINGS)))


def processing_times(session: Session, *, actor: Actor, by: str = "month",
                     f: DashboardFilter = DashboardFilter(),
                     settings: Settings | None = None) -> list[ProcessingRow]:
    """Median, mean and 90th percentile of the days from lodging to sorting and to the
    decision, and from review filing to ruling, by month of completion or by office,
    nationality, sorting category or inquirer; with the share decided within the standard
    period. A case counts in the period when the step it completed falls in it."""
    require(actor, Action.STATS_VIEW)
    f.check()
    settings = settings or get_settings()
    q = _Q(session, f)
    a = Application
    days = q.days
    histos: dict[str, dict[str, list[tuple[int, int]]]] = defaultdict(
        lambda: {"sorting": [], "decision": [], "review": []})
    within: dict[str, int] = defaultdict(int)
    specs = (("sorting", a.lodged_date, a.sorted_on), ("decision", a.lodged_date, a.decided_on),
             ("review", a.review_filed_on, a.ruled_on))
    for key, start, end in specs:
        group = _group_column(q, by, end)
        columns = [group, days.between(start, end)]
        if key == "decision":
            columns.append(q.kept(a.lodged_date, a.decided_on,
                                  settings.standard_period_months))
        where = [end.is_not(None), start.is_not(None), *q.period(end),
                 *q.conditions()]
        for row in q.rows(columns, where):
            name = _group_name(row[0])
            histos[name][key].append((row[1], row[-1]))
            if key == "decision" and row[2]:
                within[name] += row[-1]
    names = _inquirer_names(session, histos) if by == "inquirer" else {}
    out = [ProcessingRow(names.get(g, g), Stat.from_histogram(h["sorting"]),
                         Stat.from_histogram(h["decision"]), Stat.from_histogram(h["review"]),
                         within.get(g, 0)) for g, h in histos.items()]
    return sorted(out, key=lambda r: r.group)


def _group_name(value: object) -> str:
    if value is None:
        return "—"
    return str(value)


def _inquirer_names(session: Session, groups: Iterable[str]) -> dict[str, str]:
    ids = [int(g) for g in groups if g.isdigit() and g != "0"]
    names = {str(u.id): u.display_name for u in session.execute(
        select(User).where(User.id.in_(ids or [0]))).scalars()}
    names["0"] = "unassigned"
    return names


# --- flows and outcomes ---------------------------------------------------------------------


@dataclass(frozen=True)
class Flows:
    received_by_month: dict[str, int]
    decided_by_month: dict[str, int]
    outcomes_by_nationality: dict[str, dict[str, int]]
    received: int
    repeat_applications: int
    third_or_later_with_materials: int
    third_or_later_without_materials: int
    appeal_outcomes: dict[str, int]
    yearly: list[dict]

    @property
    def repeat_share(self) -> float | None:
        return self.repeat_applications / self.received if self.received else None


def flows(session: Session, *, actor: Actor, f: DashboardFilter = DashboardFilter(),
          top_nationalities: int = 12) -> Flows:
    require(actor, Action.STATS_VIEW)
    f.check()
    q = _Q(session, f)
    a = Application
    received_by_month = {m: n for m, n in q.rows([q.month(a.lodged_date)],
                                                 [*q.period(a.lodged_date), *q.conditions()])}
    decided_by_month = {m: n for m, n in q.rows([q.month(a.decided_on)],
                                                [a.decided_on.is_not(None),
                                                 *q.period(a.decided_on), *q.conditions()])}
    mix: dict[str, dict[str, int]] = defaultdict(lambda: {o: 0 for o in OUTCOMES})
    for nationality, outcome, n in q.rows(
            [a.nationality, a.outcome],
            [a.outcome.in_(OUTCOMES), a.decided_on.is_not(None), *q.period(a.decided_on),
             *q.conditions()]):
        mix[nationality][outcome] += n
    # withdrawals have no notice: counted by the day they ended (their last update)
    for nationality, n in q.rows(
            [a.nationality],
            [a.outcome == PrimaryOutcome.WITHDRAWN.value, a.decided_on.is_(None),
             *q.period(q.utc_day(a.updated_at)),
             *q.conditions()]):
        mix[nationality][PrimaryOutcome.WITHDRAWN.value] += n
    ranked = sorted(mix, key=lambda k: (-sum(mix[k].values()), k))[:top_nationalities]
    counts = q.rows([a.application_number >= 2, a.application_number >= 3,
                     a.reasonable_grounds_materials],
                    [*q.period(a.lodged_date), *q.conditions()])
    received = sum(r[-1] for r in counts)
    repeat = sum(r[-1] for r in counts if r[0])
    third_with = sum(r[-1] for r in counts if r[1] and r[2])
    third_without = sum(r[-1] for r in counts if r[1] and not r[2])
    appeal = {r: n for r, n in q.rows([a.review_ruling],
                                      [a.review_ruling.is_not(None), a.ruled_on.is_not(None),
                                       *q.period(a.ruled_on), *q.conditions()])}
    return Flows(dict(sorted(received_by_month.items())), dict(sorted(decided_by_month.items())),
                 {k: mix[k] for k in ranked}, received, repeat, third_with, third_without,
                 appeal, yearly_table(q))


def yearly_table(q: _Q) -> list[dict]:
    """One row a calendar year, in the layout of the agency's published statistics:
    applications, first-instance decisions by outcome, reviews filed and ruled, recognitions
    on review."""
    a = Application
    years: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for year, n in q.rows([q.year(a.lodged_date)], [*q.period(a.lodged_date), *q.conditions()]):
        years[year]["applications"] += n
    for year, outcome, review, n in q.rows(
            [q.year(a.decided_on), a.outcome, a.review_ruling],
            [a.decided_on.is_not(None), *q.period(a.decided_on), *q.conditions()]):
        granted_on_review = review == "GRANTED"
        key = {PrimaryOutcome.RECOGNISED_REFUGEE.value: "refugee_first_instance",
               PrimaryOutcome.RECOGNISED_CP.value: "cp",
               PrimaryOutcome.NOT_RECOGNISED_HUMANITARIAN_STAY.value: "humanitarian",
               PrimaryOutcome.NOT_RECOGNISED.value: "not_recognised"}.get(outcome)
        years[year]["decided"] += n
        if key == "refugee_first_instance" and granted_on_review:
            key = "not_recognised"  # recognised on review: refused at first instance
        if key:
            years[year][key] += n
    for year, n in q.rows([q.year(a.review_filed_on)],
                          [a.review_filed_on.is_not(None), *q.period(a.review_filed_on),
                           *q.conditions()]):
        years[year]["reviews_filed"] += n
    for year, ruling, n in q.rows([q.year(a.ruled_on), a.review_ruling],
                                  [a.ruled_on.is_not(None), *q.period(a.ruled_on),
                                   *q.conditions()]):
        years[year]["reviews_ruled"] += n
        if ruling == "GRANTED":
            years[year]["refugee_on_review"] += n
    keys = ("applications", "decided", "refugee_first_instance", "refugee_on_review", "cp",
            "humanitarian", "not_recognised", "reviews_filed", "reviews_ruled")
    return [{"year": y, **{k: years[y].get(k, 0) for k in keys}} for y in sorted(years)]


# --- workload ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class InquirerWorkload:
    inquirer: str
    office: str | None
    open_cases: int
    oldest_lodged: date | None
    decided_per_week: float


@dataclass(frozen=True)
class PanelWorkload:
    panel: str
    open_appeals: int
    oldest_filed: date | None
    ruled_per_week: float


def workload(session: Session, *, actor: Actor, f: DashboardFilter = DashboardFilter(),
             weeks: int = 8, settings: Settings | None = None
             ) -> tuple[list[InquirerWorkload], list[PanelWorkload]]:
    """Open first-instance cases per inquirer and open appeals per panel, each with its
    oldest case, and throughput per week over the last ``weeks`` weeks of the period."""
    require(actor, Action.STATS_VIEW)
    f.check()
    settings = settings or get_settings()
    q = _Q(session, f)
    a = Application
    as_of = _as_of(f, settings)
    since = as_of - timedelta(weeks=weeks)
    open_rows = session.execute(
        select(a.assigned_inquirer_id, func.count(), func.min(a.lodged_date))
        .where(a.state.in_(list(PRIMARY_PENDING)), a.assigned_inquirer_id.is_not(None),
               *q.conditions()).group_by(a.assigned_inquirer_id)).all()
    done = dict(q.rows([a.decision_drafted_by_id],
                       [a.decided_on.is_not(None), a.decided_on > since, a.decided_on <= as_of,
                        a.decision_drafted_by_id.is_not(None), *q.conditions(stage=False)]))
    users = {u.id: u for u in session.execute(select(User).where(
        User.id.in_([r[0] for r in open_rows] + list(done) or [0]))).scalars()}
    inquirers = [InquirerWorkload(users[uid].display_name if uid in users else str(uid),
                                  users[uid].office if uid in users else None, n,
                                  _as_date(first) if first else None,
                                  round(done.get(uid, 0) / weeks, 2))
                 for uid, n, first in open_rows]
    inquirers.sort(key=lambda w: (-w.open_cases, w.inquirer))
    panel_rows = session.execute(
        select(Panel.name, func.count(Appeal.id), func.min(Appeal.filed_date))
        .join(Appeal, Appeal.panel_id == Panel.id)
        .join(Application, Application.id == Appeal.application_id)
        .where(Application.state.in_(list(REVIEW_OPEN)), *q.conditions())
        .group_by(Panel.name)).all()
    ruled = dict(session.execute(
        select(Panel.name, func.count(Appeal.id)).join(Appeal, Appeal.panel_id == Panel.id)
        .where(Appeal.ruled_at.is_not(None), Appeal.ruled_at >= clock.now_utc()
               - timedelta(weeks=weeks)).group_by(Panel.name)).all())
    panels = [PanelWorkload(name, n, _as_date(first) if first else None,
                            round(ruled.get(name, 0) / weeks, 2))
              for name, n, first in panel_rows]
    return inquirers, sorted(panels, key=lambda p: (-p.open_appeals, p.panel))


# --- the cases behind a figure ------------------------------------------------------------------


@dataclass(frozen=True)
class DrillRow:
    application_id: int
    case_number: str
    applicant: str | None  # None when the role may not see names
    nationality: str
    office: str
    lodged: date
    state: str
    category: str
    outcome: str | None
    decided_on: date | None


@dataclass(frozen=True)
class Drill:
    figure: str
    value: str
    total: int
    rows: list[DrillRow] = field(default_factory=list)
    names_shown: bool = False


#: Figures a drill-down can open, each a condition on the case (value given as text).
DRILL_FIGURES = ("stage", "lodged_year", "age", "past_sorting_limit", "past_standard_period",
                 "review_age", "received_month", "decided_month", "outcome_nationality",
                 "repeat", "third_with_materials", "third_without_materials", "ruling",
                 "inquirer_open")


def _drill_condition(q: _Q, figure: str, value: str, as_of: date, settings: Settings
                     ) -> list[ColumnElement]:
    a = Application
    pending = list(PRIMARY_PENDING + REVIEW_OPEN)
    if figure == "stage":
        return [a.state == value, a.lodged_date <= as_of]
    if figure == "lodged_year":
        return [a.state.in_(pending), q.year(a.lodged_date) == int(value),
                a.lodged_date <= as_of]
    if figure == "age":
        if value not in AGE_BUCKETS:
            raise ValidationError(t("errors.dashboard.unknown_age_bucket"))
        i = AGE_BUCKETS.index(value)
        bounds = [clock.add_months(as_of, -m) for m in (2, 6, 12, 24)]
        upper = as_of if i == 0 else bounds[i - 1]
        cond = [a.state.in_(list(PRIMARY_PENDING)), a.lodged_date <= upper]
        if i == 0:
            cond.append(a.lodged_date > bounds[0])
        elif i < 4:
            cond.append(a.lodged_date > bounds[i])
        return cond
    if figure == "past_sorting_limit":
        return [a.state.in_([CaseState.RECEIVED.value, CaseState.SORTING.value]),
                a.lodged_date <= latest_lodged_past(as_of, settings.sorting_limit_months)]
    if figure == "past_standard_period":
        return [a.state.in_(list(PRIMARY_PENDING)),
                a.lodged_date <= latest_lodged_past(as_of, settings.standard_period_months)]
    if figure == "review_age":
        if value not in REVIEW_AGE_BUCKETS:
            raise ValidationError(t("errors.dashboard.unknown_age_bucket"))
        i = REVIEW_AGE_BUCKETS.index(value)
        bounds = [clock.add_months(as_of, -m) for m in (3, 6, 12)]
        cond = [a.state.in_(list(REVIEW_OPEN)), a.review_filed_on.is_not(None)]
        if i > 0:
            cond.append(a.review_filed_on <= bounds[i - 1])
        if i < 3:
            cond.append(a.review_filed_on > bounds[i])
        return cond
    if figure == "received_month":
        return [q.month(a.lodged_date) == value, *q.period(a.lodged_date)]
    if figure == "decided_month":
        return [q.month(a.decided_on) == value, a.decided_on.is_not(None),
                *q.period(a.decided_on)]
    if figure == "outcome_nationality":
        nationality, _, outcome = value.partition(":")
        if outcome == PrimaryOutcome.WITHDRAWN.value:
            return [a.nationality == nationality, a.outcome == outcome,
                    a.decided_on.is_(None), *q.period(q.utc_day(a.updated_at))]
        return [a.nationality == nationality, a.outcome == outcome,
                a.decided_on.is_not(None), *q.period(a.decided_on)]
    if figure == "repeat":
        return [a.application_number >= 2, *q.period(a.lodged_date)]
    if figure in ("third_with_materials", "third_without_materials"):
        return [a.application_number >= 3,
                a.reasonable_grounds_materials.is_(figure == "third_with_materials"),
                *q.period(a.lodged_date)]
    if figure == "ruling":
        return [a.review_ruling == value, a.ruled_on.is_not(None), *q.period(a.ruled_on)]
    if figure == "inquirer_open":
        return [a.state.in_(list(PRIMARY_PENDING)), a.assigned_inquirer_id == int(value)]
    raise ValidationError(t("errors.dashboard.unknown_figure", figure=figure))


def drill_down(session: Session, *, actor: Actor, figure: str, value: str,
               f: DashboardFilter = DashboardFilter(), limit: int = 200, offset: int = 0,
               settings: Settings | None = None) -> Drill:
    """The cases behind one figure, within the actor's reach, oldest lodged first."""
    require(actor, Action.STATS_VIEW)
    require(actor, Action.CASE_LIST)
    f.check()
    settings = settings or get_settings()
    q = _Q(session, f)
    as_of = _as_of(f, settings)
    where = [*_drill_condition(q, figure, str(value), as_of, settings),
             *q.conditions(stage=figure != "stage"), case_scope(actor)]
    a = Application
    base = select(a.id).where(*where)
    total = session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    names = may(actor, Action.CASE_OPEN)
    rows = session.execute(
        select(a.id, a.case_number, Person.family_name, Person.given_names,
               a.nationality, a.office, a.lodged_date, a.state, a.sorting_category,
               a.outcome, a.decided_on)
        .join(Person, Person.id == a.person_id).where(*where)
        .order_by(a.lodged_date, a.id).limit(max(1, min(limit, 1000))).offset(max(0, offset))
    ).all()
    return Drill(figure, str(value), total, [
        DrillRow(r.id, r.case_number,
                 f"{r.family_name.upper()} {r.given_names}".strip() if names else None,
                 r.nationality, r.office, r.lodged_date, r.state, r.sorting_category,
                 r.outcome, r.decided_on) for r in rows], names)


# --- export -------------------------------------------------------------------------------------


def neutralise(value: object) -> object:
    """A cell a spreadsheet would read as a formula gets a leading apostrophe (also after
    leading invisible characters)."""
    if not isinstance(value, str):
        return value
    stripped = value.lstrip(_INVISIBLE)
    if stripped.startswith(_FORMULA_START):
        return "'" + value
    return value


def export_table(session: Session, *, actor: Actor, name: str, columns: Sequence[str],
                 rows: Sequence[Sequence[object]], fmt: str = "csv",
                 f: DashboardFilter | None = None) -> bytes:
    """A table as CSV (UTF-8 with BOM, so that spreadsheets read Japanese) or Excel, every
    cell neutralised; the export is audited with the table name, filter and row count."""
    require(actor, Action.STATS_VIEW, attempted="stats.export")
    if fmt not in ("csv", "xlsx"):
        raise ValidationError(t("errors.dashboard.export_csv_xlsx"))
    safe_rows = [[neutralise(v) for v in row] for row in rows]
    header = [neutralise(c) for c in columns]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(safe_rows)
        data = ("\ufeff" + buffer.getvalue()).encode("utf-8")
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(title=name[:31] or "table")
        sheet.append(header)
        for row in safe_rows:
            sheet.append([v.isoformat() if isinstance(v, date) else v for v in row])
        out = io.BytesIO()
        book.save(out)
        data = out.getvalue()
    audit.record(session, actor=actor, action="stats.export", entity_type="dashboard",
                 entity_id=name[:60], details={"format": fmt, "rows": len(rows),
                                                "filter": (f or DashboardFilter()).as_dict()})
    return data


def filter_options(session: Session, *, actor: Actor) -> dict[str, list[str]]:
    """The values the filters offer (offices, nationalities seen, categories, stages)."""
    require(actor, Action.STATS_VIEW)
    offices = sorted(r for r in session.execute(select(Application.office).distinct()).scalars())
    nationalities = sorted(r for r in session.execute(
        select(Application.nationality).distinct()).scalars() if r)
    return {"offices": offices, "nationalities": nationalities,
            "categories": [c.value for c in SortingCategory if c != SortingCategory.UNSORTED]
            + [SortingCategory.UNSORTED.value],
            "stages": [s.value for s in CaseState]}


__all__ = [
    "AGE_BUCKETS",
    "DRILL_FIGURES",
    "GROUPINGS",
    "REVIEW_AGE_BUCKETS",
    "Backlog",
    "DashboardFilter",
    "Drill",
    "DrillRow",
    "Flows",
    "InquirerWorkload",
    "PanelWorkload",
    "ProcessingRow",
    "age_bucket",
    "backlog",
    "drill_down",
    "export_table",
    "filter_options",
    "flows",
    "neutralise",
    "processing_times",
    "review_age_bucket",
    "workload",
    "yearly_table",
]
