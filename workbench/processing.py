"""Processing times from status events: per case, and summarised in SQL.

Official definition: the processing period runs from the application date to the decision
date (DOMAIN.md §6.3). Here the decision date is the day the notice of decision was served
(``serve_notice``), sorting is the day a person confirmed the category (``confirm_sorting``)
and a review runs from its filing to its ruling or withdrawal. Days are calendar days in the
office time zone. Percentiles use the nearest-rank method (the median of an even count is
the lower middle value).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, Integer, cast, func, literal, select
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session

from models import Application, CaseState, StatusEvent
from models.enums import PRIMARY_PENDING_STATES, REVIEW_PENDING_STATES
from workbench import clock
from workbench.actor import Actor
from workbench.permissions import Action, require
from workbench.settings import Settings, get_settings

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


def _offset_minutes(settings: Settings, as_of: date) -> int:
    from datetime import datetime, time

    moment = datetime.combine(as_of, time(12), tzinfo=settings.zone)
    return int(moment.utcoffset().total_seconds() // 60)


class _Days:
    """Dialect-specific day arithmetic, so the same query runs on SQLite and PostgreSQL."""

    def __init__(self, session: Session, settings: Settings, as_of: date) -> None:
        self.sqlite = session.get_bind().dialect.name == "sqlite"
        self.settings = settings
        self.offset = _offset_minutes(settings, as_of)

    def event_day(self, ts: ColumnElement) -> ColumnElement:
        if self.sqlite:
            return func.julianday(func.date(ts, f"{self.offset:+d} minutes"))
        return cast(func.timezone(self.settings.timezone, ts), Date)

    def date_day(self, day: ColumnElement | date) -> ColumnElement:
        if self.sqlite:
            return func.julianday(day if not isinstance(day, date) else day.isoformat())
        return day if not isinstance(day, date) else cast(literal(day), Date)

    def between(self, start: ColumnElement, end: ColumnElement) -> ColumnElement:
        return cast(end - start, Integer)

    def add_months(self, day: ColumnElement, months: int) -> ColumnElement:
        """``day`` plus whole months, clamped to the end of the target month as
        ``clock.add_months`` does (SQLite's own month arithmetic overflows instead)."""
        if self.sqlite:
            naive = func.date(day, f"+{months} months")
            month_end = func.date(day, "start of month", f"+{months + 1} months", "-1 day")
            return func.min(naive, month_end)
        return cast(day + func.make_interval(0, months), Date)


def _stat(session: Session, values) -> Stat:  # noqa: ANN001
    ranked = select(
        values.c.v.label("v"),
        func.row_number().over(order_by=values.c.v).label("rn"),
        func.count().over().label("n"),
    ).subquery()
    row = session.execute(
        select(
            func.max(ranked.c.n),
            func.avg(ranked.c.v),
            func.min(_when(ranked.c.rn >= ranked.c.n * 0.5, ranked.c.v)),
            func.min(_when(ranked.c.rn >= ranked.c.n * 0.9, ranked.c.v)),
        )
    ).one()
    count = int(row[0] or 0)
    if not count:
        return Stat(0, None, None, None)
    return Stat(count, float(row[1]), float(row[2]), float(row[3]))


def _when(condition: ColumnElement[bool], value: ColumnElement) -> ColumnElement:
    from sqlalchemy import case

    return case((condition, value), else_=None)


def _first_event(actions: tuple[str, ...]):  # noqa: ANN202
    return (
        select(StatusEvent.application_id.label("aid"),
               func.min(StatusEvent.occurred_at).label("t"))
        .where(StatusEvent.action.in_(actions))
        .group_by(StatusEvent.application_id)
        .subquery()
    )


def latest_lodged_past(as_of: date, months: int) -> date:
    """The latest lodging date whose ``months``-month limit has passed by ``as_of``."""
    candidate = clock.add_months(as_of, -months) + timedelta(days=3)
    while clock.add_months(candidate, months) >= as_of:
        candidate -= timedelta(days=1)
    return candidate


def processing_summary(session: Session, *, actor: Actor, as_of: date | None = None,
                       settings: Settings | None = None) -> ProcessingSummary:
    """Processing-time figures over every case, aggregated in the database."""
    require(actor, Action.STATS_VIEW)
    settings = settings or get_settings()
    as_of = as_of or clock.today(settings)
    days = _Days(session, settings, as_of)

    def from_lodging(actions: tuple[str, ...]):  # noqa: ANN202
        first = _first_event(actions)
        return (
            select(days.between(days.date_day(Application.lodged_date),
                                days.event_day(first.c.t)).label("v"))
            .select_from(first).join(Application, Application.id == first.c.aid)
            .subquery()
        )

    filed = _first_event(REVIEW_FILING_ACTIONS)
    ruled = _first_event(RULING_ACTIONS)
    review = (
        select(days.between(days.event_day(filed.c.t), days.event_day(ruled.c.t)).label("v"))
        .select_from(filed).join(ruled, ruled.c.aid == filed.c.aid)
        .subquery()
    )
    pending_primary = (
        select(days.between(days.date_day(Application.lodged_date),
                            days.date_day(as_of)).label("v"))
        .where(Application.state.in_([str(s) for s in PRIMARY_PENDING_STATES]))
        .subquery()
    )
    open_review_states = [str(s) for s in REVIEW_PENDING_STATES if s != CaseState.RULED]
    pending_review = (
        select(days.between(days.event_day(filed.c.t), days.date_day(as_of)).label("v"))
        .select_from(filed).join(Application, Application.id == filed.c.aid)
        .where(Application.state.in_(open_review_states))
        .subquery()
    )
    to_decision = from_lodging(DECISION_ACTIONS)
    sorting_cutoff = latest_lodged_past(as_of, settings.sorting_limit_months)
    standard_cutoff = latest_lodged_past(as_of, settings.standard_period_months)
    unsorted_past = session.execute(
        select(func.count()).select_from(Application).where(
            Application.state.in_([str(s) for s in UNSORTED_STATES]),
            Application.lodged_date <= sorting_cutoff)
    ).scalar_one()
    primary_past = session.execute(
        select(func.count()).select_from(Application).where(
            Application.state.in_([str(s) for s in PRIMARY_PENDING_STATES]),
            Application.lodged_date <= standard_cutoff)
    ).scalar_one()
    decided = _first_event(DECISION_ACTIONS)
    within = session.execute(
        select(func.count()).select_from(decided)
        .join(Application, Application.id == decided.c.aid)
        .where(days.event_day(decided.c.t)
               <= days.date_day(days.add_months(Application.lodged_date,
                                                settings.standard_period_months)))
    ).scalar_one()
    decision_stat = _stat(session, to_decision)
    return ProcessingSummary(
        as_of=as_of,
        to_sorting=_stat(session, from_lodging(SORTING_ACTIONS)),
        to_decision=decision_stat,
        review_to_ruling=_stat(session, review),
        pending_primary_age=_stat(session, pending_primary),
        pending_review_age=_stat(session, pending_review),
        pending_unsorted_past_limit=int(unsorted_past),
        pending_past_standard=int(primary_past),
        decided_within_standard=int(within),
        decided_total=decision_stat.count,
    )
