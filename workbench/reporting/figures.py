"""The dashboard's figures over the filtered caseload: the backlog and its ageing (primary and
review), processing times against the standards grouped by month, office, nationality,
category or inquirer, and flows and outcomes with the yearly table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session

from models import Application, CaseState, PrimaryOutcome, User
from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.errors import ValidationError
from workbench.core.i18n import t
from workbench.core.permissions import Action, require
from workbench.core.processing import Stat, latest_lodged_past
from workbench.core.settings import Settings, get_settings
from workbench.reporting.dashboard import (
    _Q,
    AGE_BUCKETS,
    GROUPINGS,
    OUTCOMES,
    PRIMARY_PENDING,
    REVIEW_AGE_BUCKETS,
    REVIEW_OPEN,
    DashboardFilter,
    _as_date,
    _as_of,
)

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




__all__ = [
    "Backlog",
    "Flows",
    "ProcessingRow",
    "age_bucket",
    "backlog",
    "flows",
    "processing_times",
    "review_age_bucket",
    "yearly_table",
]
