"""Clocks of the procedure at month ends, leap years, weekends, holidays and time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from workbench.core import clock
from workbench.core.settings import Settings


@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2023, 12, 31), 2, date(2024, 2, 29)),   # leap year
    (date(2024, 12, 31), 2, date(2025, 2, 28)),
    (date(2024, 8, 31), 6, date(2025, 2, 28)),
    (date(2024, 1, 15), 6, date(2024, 7, 15)),
    (date(2024, 10, 31), 1, date(2024, 11, 30)),
    (date(2024, 11, 30), 2, date(2025, 1, 30)),
    (date(2024, 3, 31), -1, date(2024, 2, 29)),
])
def test_add_months_clamps_to_month_end(start: date, months: int, expected: date) -> None:
    assert clock.add_months(start, months) == expected


@pytest.mark.parametrize(("notice", "deadline"), [
    (date(2025, 3, 3), date(2025, 3, 10)),    # Monday -> Monday, day of notice not counted
    (date(2025, 3, 7), date(2025, 3, 14)),    # Friday -> Friday
    (date(2025, 3, 1), date(2025, 3, 10)),    # Saturday -> Saturday 8th, rolls to Monday
    (date(2025, 1, 28), date(2025, 2, 4)),    # across a month end
    (date(2024, 2, 25), date(2024, 3, 4)),    # across 29 February; Sun 3 Mar -> Mon 4 Mar
    (date(2025, 4, 26), date(2025, 5, 7)),    # Golden Week: 3-6 May closed
    (date(2024, 12, 23), date(2025, 1, 6)),   # year-end closure 29 Dec-3 Jan, then weekend
    (date(2025, 9, 8), date(2025, 9, 16)),    # Respect for the Aged Day, Mon 15 Sep
])
def test_review_deadline(notice: date, deadline: date) -> None:
    assert clock.review_deadline(notice, Settings()) == deadline


def test_review_deadline_without_rolling() -> None:
    settings = Settings(review_deadline_rolls_past_closed_days=False)
    assert clock.review_deadline(date(2025, 3, 1), settings) == date(2025, 3, 8)


def test_clocks_are_settings() -> None:
    settings = Settings(sorting_limit_months=3, standard_period_months=9, review_window_days=14)
    assert clock.sorting_deadline(date(2024, 1, 31), settings) == date(2024, 4, 30)
    assert clock.standard_period_end(date(2024, 1, 31), settings) == date(2024, 10, 31)
    assert clock.review_deadline(date(2025, 3, 3), settings) == date(2025, 3, 17)


@pytest.mark.parametrize(("utc", "local"), [
    (datetime(2024, 2, 29, 14, 59, tzinfo=UTC), date(2024, 2, 29)),  # 23:59 JST
    (datetime(2024, 2, 29, 15, 0, tzinfo=UTC), date(2024, 3, 1)),    # 00:00 JST next day
    (datetime(2024, 12, 31, 15, 30, tzinfo=UTC), date(2025, 1, 1)),
    (datetime(2024, 6, 1, 3, 0), date(2024, 6, 1)),                  # naive read as UTC
])
def test_local_date_is_in_office_time_zone(utc: datetime, local: date) -> None:
    assert clock.local_date(utc, Settings()) == local


def test_today_follows_office_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now_utc", lambda: datetime(2024, 12, 31, 16, 0, tzinfo=UTC))
    assert clock.today(Settings()) == date(2025, 1, 1)
    assert clock.today(Settings(timezone="Europe/London")) == date(2024, 12, 31)
