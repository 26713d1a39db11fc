"""How values look on every page: one date format, labels and badge colours."""

from __future__ import annotations

from datetime import date, datetime

from models import CaseState, SortingCategory
from workbench.i18n import ordinal, t
from workbench.settings import get_settings

DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%d %H:%M"

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


def fmt_date(value: date | None) -> str:
    return value.strftime(DATE_FORMAT) if value else "—"


def fmt_datetime(value: datetime | None) -> str:
    if value is None:
        return "—"
    return value.astimezone(get_settings().zone).strftime(DATETIME_FORMAT)


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
