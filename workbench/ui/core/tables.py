"""Rows for case tables: what a caseworker reads at a glance."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote, urlencode

import streamlit as st

from workbench.core import clock
from workbench.core.i18n import t
from workbench.intake.case_list import CaseSummary
from workbench.ui.core.format import (
    application_label,
    category_label,
    date_cell,
    date_columns,
    fmt_date,
    state_label,
)

#: What a link cell shows: the text after ``#`` in its address (``link``).
LINK_TEXT = r"#(.+)$"


def link(page_key: str, params: Mapping[str, str], text: str) -> str:
    """A link cell's value: the page's address within the app (``/case?case=12``), and after
    ``#`` the text the cell shows (the case number); the browser never sends that part."""
    from workbench.ui.core.nav import url_path

    return f"/{url_path(page_key)}?{urlencode(dict(params))}#{quote(text, safe='')}"


def case_link(case_id: int, case_number: str) -> str:
    """The case number, as a link to the case file."""
    return link("case", {"case": str(case_id)}, case_number)


def link_column(label: str, help: str | None = None) -> st.column_config.Column:  # noqa: A002
    """A column of ``link`` cells: one click opens the page (in a new tab, signed in)."""
    return st.column_config.LinkColumn(label, display_text=LINK_TEXT,
                                       help=help or t("columns.link_help"))


def deadline_text(case: CaseSummary) -> str:
    deadline = case.next_deadline
    if deadline is None:
        return t("deadline.none")
    kind, day = deadline
    text = t(f"deadline.{kind}", date=fmt_date(day))
    if day < clock.today():
        text = f"⚠ {text} ({t('deadline.overdue')})"
    return text


def deadline_day_text(case: CaseSummary) -> str:
    """The next deadline's day alone (the case's state says which clock it is)."""
    deadline = case.next_deadline
    if deadline is None:
        return t("deadline.none")
    day = deadline[1]
    if day < clock.today():
        return f"⚠ {fmt_date(day)} ({t('deadline.overdue')})"
    return fmt_date(day)


def standard_text(case: CaseSummary) -> str:
    if case.days_pending is None:
        return "—"
    overdue = clock.today() > case.standard_deadline
    return f"{'⚠ ' if overdue else ''}{case.days_pending} d"


#: Column widths (px) of the compact table, which fits a 1280-px screen beside the menu.
COMPACT_WIDTHS = {"case_number": 122, "name": 115, "reading": 85, "nationality": 55,
                  "category": 50, "state": 115, "flags": 110, "next_deadline": 125}


def case_rows(cases: list[CaseSummary], *, with_inquirer: bool = True,
              compact: bool = False) -> list[dict]:
    """One row per case. ``compact``: an inquirer's own list, the columns that fit the page
    (the application's number is among the flags, the lodging date behind the deadline)."""
    if compact:
        return [{
            t("columns.case_number"): case_link(c.id, c.case_number),
            t("columns.name"): c.person_name,
            t("columns.reading"): " ".join(v for v in (c.name_kana, c.name_kanji) if v),
            t("columns.nationality"): c.nationality,
            t("columns.category"): category_label(c.sorting_category),
            t("columns.state"): state_label(c.state),
            t("columns.flags"): ", ".join(t(f"flag.{f}") for f in c.flags),
            t("columns.next_deadline"): deadline_day_text(c),
        } for c in cases]
    rows = []
    for c in cases:
        row = {
            t("columns.case_number"): case_link(c.id, c.case_number),
            t("columns.name"): c.person_name,
            t("columns.reading"): " ".join(v for v in (c.name_kana, c.name_kanji) if v),
            t("columns.nationality"): c.nationality,
            t("columns.application"): application_label(c.application_number),
            t("columns.category"): category_label(c.sorting_category),
            t("columns.state"): state_label(c.state),
            t("columns.flags"): ", ".join(t(f"flag.{f}") for f in c.flags),
            t("columns.lodged"): date_cell(c.lodged_date),
            t("columns.days_pending"): standard_text(c),
            t("columns.next_deadline"): deadline_text(c),
        }
        if with_inquirer:
            row[t("columns.inquirer")] = c.assigned_inquirer or "—"
        rows.append(row)
    return rows


def case_columns(compact: bool = False) -> dict:
    """Column settings of a ``case_rows`` table: the case number a link to the case file,
    the lodging date's in Japanese; in a compact table, every column's width."""
    number = t("columns.case_number")
    if not compact:
        return {number: link_column(number), **date_columns(t("columns.lodged"))}
    config: dict = {number: st.column_config.LinkColumn(
        number, display_text=LINK_TEXT, help=t("columns.link_help"),
        width=COMPACT_WIDTHS["case_number"])}
    for key, width in COMPACT_WIDTHS.items():
        if key != "case_number":
            label = t(f"columns.{key}")
            config[label] = st.column_config.TextColumn(
                label, width=width,
                help=t("columns.next_deadline_help") if key == "next_deadline" else None)
    return config
