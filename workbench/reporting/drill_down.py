"""The cases behind a dashboard figure (the drill-down, with applicants' names only for roles
that may open case files) and the audited CSV or Excel export of a table, every cell
neutralised against spreadsheet formulas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session

from models import Application, CaseState, Person, PrimaryOutcome
from workbench.core import audit, clock
from workbench.core.actor import Actor
from workbench.core.errors import ValidationError
from workbench.core.i18n import t
from workbench.core.permissions import Action, case_scope, may, require
from workbench.core.processing import latest_lodged_past
from workbench.core.settings import Settings, get_settings
from workbench.reporting.dashboard import (
    _Q,
    AGE_BUCKETS,
    PRIMARY_PENDING,
    REVIEW_AGE_BUCKETS,
    REVIEW_OPEN,
    DashboardFilter,
    _as_of,
)

#: A spreadsheet reads a cell starting with these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "|", "%", "\t", "\r")
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00a0 "


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


__all__ = [
    "DRILL_FIGURES",
    "Drill",
    "DrillRow",
    "drill_down",
    "export_table",
    "neutralise",
]
