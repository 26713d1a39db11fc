"""How values look on every page: dates in the reader's language, labels and badge colours.

Dates follow the reader's language (``workbench.core.i18n.current_language``): ISO ``2025-12-07``
in English, the Japanese era with the Gregorian year ``令和7年12月7日 (2025年)`` in Japanese
(``workbench.core.dates.format_date``).

Tables: a date column must sort by date when the reader clicks its heading, and era text does
not (``平成`` sorts after ``令和``, ``12月`` before ``2月``). In English a date cell is ISO text,
which sorts right; in Japanese it is the date itself (``date_cell``), shown by the column
settings of ``date_columns`` as ``2025年12月7日`` (``2025年12月7日 14:30`` with a time). The
era form is on every other date of the page: headers, metrics, captions and messages.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from models import CaseState, SortingCategory
from workbench.core.dates import format_date, format_year_month
from workbench.core.i18n import current_language, ordinal, t
from workbench.core.settings import get_settings

DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%d %H:%M"
TIME_FORMAT = "%H:%M"
#: How a date column shows its dates in Japanese (a momentJS pattern, the grid's own format).
TABLE_DATE_FORMAT_JA = "YYYY年M月D日"
TABLE_DATETIME_FORMAT_JA = "YYYY年M月D日 HH:mm"

STATE_COLOURS: dict[str, str] = {
    CaseState.RECEIVED: "gray",
    CaseState.SORTING: "orange",
    CaseState.UNDER_EXAMINATION: "blue",
    CaseState.DECISION_DRAFTED: "violet",
    CaseState.APPROVED: "violet",
    CaseState.DECIDED: "green",
    CaseState.REVIEW_FILED: "orange",
    CaseState.PANEL_ASSIGNED: "orange",
    CaseState.HEARING_HELD: "orange",
    CaseState.HEARING_SKIPPED: "orange",
    CaseState.PANEL_OPINION: "orange",
    CaseState.RULED: "green",
    CaseState.FINAL: "gray",
}

CATEGORY_COLOURS: dict[str, str] = {
    SortingCategory.UNSORTED: "gray",
    SortingCategory.A: "green",
    SortingCategory.B: "red",
    SortingCategory.C: "orange",
    SortingCategory.D1: "blue",
    SortingCategory.D2: "blue",
    SortingCategory.NOT_APPLICABLE: "gray",
}


def fmt_date(value: date | None, language: str | None = None) -> str:
    """``2025-12-07`` in English, ``令和7年12月7日 (2025年)`` in Japanese; ``—`` for none."""
    if not value:
        return "—"
    if isinstance(value, datetime):
        value = value.date()
    return format_date(value, language or current_language())


def fmt_datetime(value: datetime | None, language: str | None = None) -> str:
    """The moment in the office's time zone: ``2025-12-07 14:30`` in English,
    ``令和7年12月7日 (2025年) 14:30`` in Japanese."""
    if value is None:
        return "—"
    local = value.astimezone(get_settings().zone)
    language = language or current_language()
    if language != "ja":
        return local.strftime(DATETIME_FORMAT)
    return f"{format_date(local.date(), language)} {local.strftime(TIME_FORMAT)}"


def fmt_month(value: str, language: str | None = None) -> str:
    """A month given as ``2025-12``: ``2025-12`` in English, ``令和7年12月 (2025年)`` in
    Japanese; any other text as it is."""
    year, _, month = str(value).partition("-")
    if not (year.isdigit() and month.isdigit() and 1 <= int(month) <= 12):
        return str(value)
    return format_year_month(int(year), int(month), language or current_language())


def date_cell(value: date | None) -> date | str | None:
    """A date for a table cell: ISO text in English; in Japanese the date itself, shown by
    ``date_columns`` (so that the column sorts by date)."""
    if value is None:
        return None if current_language() == "ja" else "—"
    if isinstance(value, datetime):
        value = value.date()
    return value if current_language() == "ja" else value.strftime(DATE_FORMAT)


def datetime_cell(value: datetime | None) -> datetime | str | None:
    """A moment for a table cell, in the office's time zone: text in English, the local
    time itself in Japanese (shown by ``date_columns`` with ``times``)."""
    if value is None:
        return None if current_language() == "ja" else "—"
    if current_language() != "ja":
        return fmt_datetime(value)
    return value.astimezone(get_settings().zone).replace(tzinfo=None)


def date_columns(*labels: str, times: tuple[str, ...] = ()) -> dict[str, Any]:
    """Column settings for the date columns ``labels`` (and date-and-time columns ``times``)
    of a table whose cells come from ``date_cell``/``datetime_cell``: none are needed in
    English; in Japanese, the dates shown as ``2025年12月7日``."""
    if current_language() != "ja":
        return {}
    import streamlit as st

    config: dict[str, Any] = {label: st.column_config.DateColumn(
        label, format=TABLE_DATE_FORMAT_JA) for label in labels}
    config.update({label: st.column_config.DatetimeColumn(
        label, format=TABLE_DATETIME_FORMAT_JA) for label in times})
    return config


def state_label(state: str | None) -> str:
    return t(f"state.{state}") if state else "—"


def category_label(category: str | None) -> str:
    return t(f"category.{category}") if category else "—"


def outcome_label(outcome: str | None) -> str:
    return t(f"outcome.{outcome}") if outcome else "—"


def enum_label(kind: str, value: str | None) -> str:
    return t(f"{kind}.{value}") if value else "—"


def application_label(number: int) -> str:
    """1st, 2nd, 3rd …; whether it is a repeat or 3rd+ shows in the flags."""
    return ordinal(number)
