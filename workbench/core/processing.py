"""Processing times from status events: per case, and summarised in SQL.

Official definition: the processing period runs from the application date to the decision
date (DOMAIN.md §6.3). Here the decision date is the day the notice of decision was served
(``serve_notice``), sorting is the day a person confirmed the category (``confirm_sorting``)
and a review runs from its filing to its ruling or withdrawal. Days are calendar days in the
office time zone. Percentiles use the nearest-rank method (the median of an even count is
the lower middle value).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, Integer, cast, func, literal, literal_column, select
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session

from models import Application, CaseState, StatusEvent
from models.enums import PRIMARY_PENDING_STATES, REVIEW_PENDING_STATES
from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.permissions import Action, require
from workbench.core.settings import Settings, get_settings

SORTING_ACTIONS = ("confirm_sorting",)
DECISION_ACTIONS = ("serve_notice",)
REVIEW_FILING_ACTIONS = ("file_review", "file_review_inaction")
RULING_ACTIONS = ("record_ruling", "withdraw_review")
UNSORTED_STATES = (CaseState.RECEIVED, CaseState.SORTING)


@dataclass(frozen=True)
class CaseClock:
    lodged: date
    sorting_deadline: date
    standard_deadline: date
    sorted_on: date | None
    decided_on: date | None
    review_filed_on: date | None
    ruled_on: date | None
    review_deadline: date | None
    days_to_sorting: int | None
    days_to_decision: int | None
    days_review_to_ruling: int | None
    pending_days: int | None
    review_pending_days: int | None
    sorting_overdue: bool
    sorted_late: bool
    standard_overdue: bool
    decided_late: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def case_clock(app: Application, events: Sequence[StatusEvent],
               settings: Settings | None = None, as_of: date | None = None) -> CaseClock:
    """The clocks of one case from its events (in any order)."""
    settings = settings or get_settings()
    as_of = as_of or clock.today(settings)
    ordered = sorted(events, key=lambda e: (e.occurred_at, e.id or 0))

    def first_day(actions: tuple[str, ...], after: date | None = None) -> date | None:
        for event in ordered:
            day = clock.local_date(event.occurred_at, settings)
            if event.action in actions and (after is None or day >= after):
                return day
        return None

    lodged = app.lodged_date
    sorted_on = first_day(SORTING_ACTIONS)
    decided_on = first_day(DECISION_ACTIONS)
    filed_on = first_day(REVIEW_FILING_ACTIONS)
    ruled_on = first_day(RULING_ACTIONS, after=filed_on) if filed_on else None
    sorting_deadline = clock.sorting_deadline(lodged, settings)
    standard_deadline = clock.standard_period_end(lodged, settings)
    state = CaseState(app.state)
    primary_pending = state in PRIMARY_PENDING_STATES
    review_pending = state in REVIEW_PENDING_STATES and state != CaseState.RULED
    return CaseClock(
        lodged=lodged,
        sorting_deadline=sorting_deadline,
        standard_deadline=standard_deadline,
        sorted_on=sorted_on,
        decided_on=decided_on,
        review_filed_on=filed_on,
        ruled_on=ruled_on,
        review_deadline=(clock.review_deadline(app.notice_date, settings)
                         if app.notice_date else None),
        days_to_sorting=(sorted_on - lodged).days if sorted_on else None,
        days_to_decision=(decided_on - lodged).days if decided_on else None,
        days_review_to_ruling=(ruled_on - filed_on).days if filed_on and ruled_on else None,
        pending_days=(as_of - lodged).days if primary_pending else None,
        review_pending_days=(as_of - filed_on).days if review_pending and filed_on else None,
        sorting_overdue=state in UNSORTED_STATES and as_of > sorting_deadline,
        sorted_late=sorted_on is not None and sorted_on > sorting_deadline,
        standard_overdue=primary_pending and as_of > standard_deadline,
        decided_late=decided_on is not None and decided_on > standard_deadline,
    )


# --- summary in SQL --------------------------------------------------------------------------


@dataclass(frozen=True)
class Stat:
    count: int
    mean: float | None
    median: float | None
    p90: float | None

    @classmethod
    def from_histogram(cls, histogram: Sequence[tuple[int, int]]) -> Stat:
        """Figures from (value, count) pairs; nearest-rank percentiles."""
        pairs = sorted((int(v), int(n)) for v, n in histogram if v is not None)
        total = sum(n for _, n in pairs)
        if not total:
            return cls(0, None, None, None)
        mean = sum(v * n for v, n in pairs) / total

        def rank(p: float) -> float:
            target = max(1, math.ceil(p * total))
            running = 0
            for value, n in pairs:
                running += n
                if running >= target:
                    return float(value)
            return float(pairs[-1][0])

        return cls(total, mean, rank(0.5), rank(0.9))


@dataclass(frozen=True)
class ProcessingSummary:
    as_of: date
    to_sorting: Stat
    to_decision: Stat
    review_to_ruling: Stat
    pending_primary_age: Stat
    pending_review_age: Stat
    pending_unsorted_past_limit: int
    pending_past_standard: int
    decided_within_standard: int
    decided_total: int

    @property
    def share_decided_within_standard(self) -> float | None:
        if not self.decided_total:
            return None
        return self.decided_within_standard / self.decided_total


class _Days:
    """Dialect-specific day arithmetic on date columns (SQLite and PostgreSQL)."""

    def __init__(self, session: Session) -> None:
        self.sqlite = session.get_bind().dialect.name == "sqlite"

    def day(self, value: ColumnElement | date) -> ColumnElement:
        if isinstance(value, date):
            value = literal(value.isoformat()) if self.sqlite else cast(literal(value), Date)
        return func.julianday(value) if self.sqlite else value

    def between(self, start: ColumnElement | date, end: ColumnElement | date) -> ColumnElement:
        return cast(self.day(end) - self.day(start), Integer)

    def add_months(self, day: ColumnElement, months: int) -> ColumnElement:
        """``day`` plus whole months, clamped to the end of the target month as
        ``clock.add_months`` does (SQLite's own month arithmetic overflows instead)."""
        if self.sqlite:
            naive = func.date(day, f"+{months} months")
            month_end = func.date(day, "start of month", f"+{months + 1} months", "-1 day")
            return func.min(naive, month_end)
        return cast(day + func.make_interval(0, months), Date)


def _histogram(session: Session, value: ColumnElement, *conditions: ColumnElement) -> Stat:
    """Count cases per whole day in the database and summarise the (small) histogram."""
    v = value.label("v")
    # Grouping by the output name computes the day arithmetic once per row, not twice.
    rows = session.execute(
        select(v, func.count()).select_from(Application).where(*conditions)
        .group_by(literal_column("v"))
    ).all()
    return Stat.from_histogram(rows)


def latest_lodged_past(as_of: date, months: int) -> date:
    """The latest lodging date whose ``months``-month limit has passed by ``as_of``."""
    candidate = clock.add_months(as_of, -months) + timedelta(days=3)
    while clock.add_months(candidate, months) >= as_of:
        candidate -= timedelta(days=1)
    return candidate


def processing_summary(session: Session, *, actor: Actor, as_of: date | None = None,
                       settings: Settings | None = None) -> ProcessingSummary:
    """Processing-time figures over every case, aggregated in the database.

    Durations come from the milestone dates the workflow writes with each status event
    (``workbench.core.milestones``). Each figure is a grouped query over a covering index that
    returns a histogram of at most a few thousand rows, summarised here.
    """
    require(actor, Action.STATS_VIEW)
    settings = settings or get_settings()
    as_of = as_of or clock.today(settings)
    days = _Days(session)
    a = Application
    primary_pending = [str(s) for s in PRIMARY_PENDING_STATES]
    open_review = [str(s) for s in REVIEW_PENDING_STATES if s != CaseState.RULED]

    # Decisions: days to decision, split by whether the standard period was kept.
    kept = (days.day(a.decided_on)
            <= days.day(days.add_months(a.lodged_date, settings.standard_period_months)))
    decision_rows = _grouped(session, days.between(a.lodged_date, a.decided_on),
                             cast(kept, Integer), a.decided_on.is_not(None))
    to_decision = Stat.from_histogram([(v, n) for v, _, n in decision_rows])
    within = sum(n for _, k, n in decision_rows if k)

    # Pending first instance: one row per lodging date and state.
    pending_rows = _grouped(session, a.lodged_date, a.state, a.state.in_(primary_pending))
    sorting_cutoff = latest_lodged_past(as_of, settings.sorting_limit_months)
    standard_cutoff = latest_lodged_past(as_of, settings.standard_period_months)
    unsorted = {str(s) for s in UNSORTED_STATES}
    pending_age: dict[int, int] = {}
    unsorted_past = past_standard = 0
    for lodged, state, n in pending_rows:
        lodged = _as_date(lodged)
        age = (as_of - lodged).days
        pending_age[age] = pending_age.get(age, 0) + n
        past_standard += n if lodged <= standard_cutoff else 0
        unsorted_past += n if state in unsorted and lodged <= sorting_cutoff else 0

    return ProcessingSummary(
        as_of=as_of,
        to_sorting=_histogram(session, days.between(a.lodged_date, a.sorted_on),
                              a.sorted_on.is_not(None)),
        to_decision=to_decision,
        review_to_ruling=_histogram(session, days.between(a.review_filed_on, a.ruled_on),
                                    a.review_filed_on.is_not(None), a.ruled_on.is_not(None)),
        pending_primary_age=Stat.from_histogram(list(pending_age.items())),
        pending_review_age=_histogram(session, days.between(a.review_filed_on, as_of),
                                      a.state.in_(open_review), a.review_filed_on.is_not(None)),
        pending_unsorted_past_limit=unsorted_past,
        pending_past_standard=past_standard,
        decided_within_standard=within,
        decided_total=to_decision.count,
    )


def _grouped(session: Session, first: ColumnElement, second: ColumnElement,
             *conditions: ColumnElement) -> list[tuple]:
    a, b = first.label("a"), second.label("b")
    return [tuple(r) for r in session.execute(
        select(a, b, func.count()).select_from(Application).where(*conditions)
        .group_by(literal_column("a"), literal_column("b"))
    ).all()]


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)
