"""Dates and deadlines of the procedure: sorting limit, standard period, review window.

All clocks are settings. "Today" is the calendar date in the office's time zone.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

import holidays

from workbench.core.settings import Settings, get_settings


def now_utc() -> datetime:
    return datetime.now(UTC)


def today(settings: Settings | None = None) -> date:
    settings = settings or get_settings()
    return now_utc().astimezone(settings.zone).date()


def local_date(moment: datetime, settings: Settings | None = None) -> date:
    """The calendar date of ``moment`` in the office time zone."""
    settings = settings or get_settings()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(settings.zone).date()


def local_datetime(moment: datetime, settings: Settings | None = None) -> datetime:
    """``moment`` in the office time zone."""
    settings = settings or get_settings()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(settings.zone)


def add_months(start: date, months: int) -> date:
    """Same day ``months`` later; a day missing in the target month becomes its last day
    (31 December + 2 months = 28 or 29 February)."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


@lru_cache(maxsize=8)
def _holiday_calendar(country: str) -> holidays.HolidayBase:
    return holidays.country_holidays(country)


def is_closed_day(day: date, settings: Settings | None = None) -> bool:
    """Weekends, public holidays and (setting) the year-end closure of 29 Dec to 3 Jan."""
    settings = settings or get_settings()
    if day.weekday() >= 5 or day in _holiday_calendar(settings.holiday_country):
        return True
    year_end = (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)
    return settings.year_end_closure and year_end


def sorting_deadline(lodged: date, settings: Settings | None = None) -> date:
    settings = settings or get_settings()
    return add_months(lodged, settings.sorting_limit_months)


def standard_period_end(lodged: date, settings: Settings | None = None) -> date:
    settings = settings or get_settings()
    return add_months(lodged, settings.standard_period_months)


def review_deadline(notice: date, settings: Settings | None = None) -> date:
    """Last day on which a request for review is in time.

    The day of notice is not counted, so a 7-day window from a notice on the 1st ends on
    the 8th. A window ending on a weekend or public holiday runs to the next open day
    (setting ``review_deadline_rolls_past_closed_days``).
    """
    settings = settings or get_settings()
    deadline = notice + timedelta(days=settings.review_window_days)
    if settings.review_deadline_rolls_past_closed_days:
        while is_closed_day(deadline, settings):
            deadline += timedelta(days=1)
    return deadline


def days_between(start: date, end: date) -> int:
    return (end - start).days
