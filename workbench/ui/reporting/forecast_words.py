"""The forecast view's numbers and words: a band as ``median (low–high)``, signed percentages,
months from days, the labels of priorities, stages, groups and progress, and a scenario's
changes in words.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from workbench.core.i18n import t
from workbench.reporting.forecast.history import OTHER as OTHER_GROUPS
from workbench.reporting.forecast.result import Band, Forecast
from workbench.reporting.forecast.scenarios import ALL_GROUPS, Scenario

DAYS_PER_MONTH = 365.25 / 12
PROGRESS_STAGES = ("history", "simulation", "figures", "done")
#: The baseline's priority rule: the order the office works in now.
BASE_PRIORITY = Scenario().priority


def _months(days: float | None) -> float | None:
    return None if days is None else days / DAYS_PER_MONTH


def _num(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def band_text(band: Band, digits: int = 0, scale: Callable[[float], float] = float) -> str:
    """``1,234 (1,100–1,350)``: the median and the 80 % interval."""
    if band.median is None:
        return "—"
    median = _num(scale(band.median), digits)
    if band.low is None or band.high is None:
        return median
    return t("forecast.band", median=median, low=_num(scale(band.low), digits),
             high=_num(scale(band.high), digits))


def _share_text(band: Band) -> str:
    if band.median is None:
        return "—"
    if band.low is None or band.high is None:
        return f"{band.median:.0%}"
    return t("forecast.band", median=f"{band.median:.0%}", low=f"{band.low:.0%}",
             high=f"{band.high:.0%}")


def signed_percent(error: float | None) -> str:
    """An error as a signed percentage: ``+8 %``, ``−12 %``, ``±0 %``."""
    if error is None:
        return "—"
    whole = round(error * 100)
    sign = "+" if whole > 0 else "−" if whole < 0 else "±"
    return t("forecast.percent", value=f"{sign}{abs(whole)}")


def _month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _span_months(result: Forecast, start: date) -> int:
    """Whole months from ``start`` to the end of the forecast."""
    end = result.months[-1].month_end if result.months else start
    return max(0, (end.year - start.year) * 12 + end.month - start.month)


def priority_label(priority: str) -> str:
    return t(f"forecast.priority.{priority}")


def stage_label(stage: str) -> str:
    return t(f"forecast.stage.{stage}")


def group_label(group: str) -> str:
    if group == ALL_GROUPS:
        return t("forecast.all_groups")
    return t("forecast.other_groups") if group == OTHER_GROUPS else group


def progress_label(stage: str) -> str:
    """The service's stage of work (``history``, ``simulation`` …) in words."""
    return t(f"forecast.progress.{stage}") if stage in PROGRESS_STAGES else stage


def describe(scenario: Scenario) -> str:
    """The scenario's changes in words (plain text: offices and groups are data)."""
    parts = [t("forecast.describe_inquirers", office=office, change=f"{change:+d}")
             for office, change in scenario.inquirers.items()]
    parts += [t("forecast.describe_arrivals", group=group_label(group),
                change=f"{change:+g}") for group, change in scenario.arrivals.items()]
    if scenario.priority != BASE_PRIORITY:
        parts.append(priority_label(scenario.priority))
    if scenario.standard_months is not None:
        parts.append(t("forecast.describe_standard", months=scenario.standard_months))
    return t("forecast.separator").join(parts) or t("forecast.no_changes")
