"""Manager dashboards: backlog and ageing, processing times against the standards, flows and
outcomes, workload, and the cases behind any figure — over a national caseload. This module
holds what every figure shares: the filter, its query helpers and the values it offers; the
figures are in ``workbench.reporting.figures`` (backlog, processing times, flows) and
``workbench.reporting.workload``, the cases behind a figure and the exports in
``workbench.reporting.drill_down``.

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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from sqlalchemy import Date, Integer, case, cast, func, literal_column, select
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session

from models import (
    Application,
    CaseState,
    PrimaryOutcome,
    SortingCategory,
)
from models.enums import PRIMARY_PENDING_STATES, REVIEW_PENDING_STATES
from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.errors import ValidationError
from workbench.core.i18n import t
from workbench.core.permissions import Action, require
from workbench.core.processing import _Days
from workbench.core.settings import Settings

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
    "GROUPINGS",
    "REVIEW_AGE_BUCKETS",
    "DashboardFilter",
    "filter_options",
]
