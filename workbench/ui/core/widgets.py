"""Small pieces several pages share: the one-shot success message, the case filter bar and
the date field."""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from models import CaseState, SortingCategory
from workbench.core.dates import DateFormatError, format_date, parse_date
from workbench.core.i18n import current_language, t
from workbench.ui.core.format import category_label, fmt_date, state_label
from workbench.ui.core.text import md

_FLASH_KEY = "wb_flash"
_REFUSED_KEY = "wb_date_refused"  # date field key -> whether its text was refused this run


def required_label(label: str) -> str:
    """A widget label marked as required in words ("… (required)", "…（必須）"), which a
    screen reader reads as it is shown (a Markdown marker such as ``:red[*]`` is read out
    literally: the widget's accessible name is its label's source)."""
    return t("form.required", label=label)


def flash(message: str) -> None:
    """Show ``message`` as a success notice on the next run (after ``st.rerun``): shown
    literally unless it is ``Markdown`` (a message built with ``tm``)."""
    st.session_state[_FLASH_KEY] = message


def show_flash() -> None:
    message = st.session_state.pop(_FLASH_KEY, None)
    if message:
        st.success(md(message))


def filter_bar(prefix: str, *, last_label: str, last_chars: int | None = None
               ) -> tuple[str, list[CaseState], list[SortingCategory], str]:
    """Search text, states, categories and one short code (nationality or office), with
    widget keys under ``prefix`` so that each page keeps its own filters."""
    c1, c2, c3, c4 = st.columns([3, 2, 2, 1])
    text = c1.text_input(t("cases.search"), key=f"{prefix}_search",
                         help=t("cases.search_help"))
    states = c2.multiselect(t("cases.states"), list(CaseState), format_func=state_label,
                            key=f"{prefix}_states",
                            placeholder=t("widgets.choose_options"))
    categories = c3.multiselect(t("cases.categories"), list(SortingCategory),
                                format_func=category_label, key=f"{prefix}_categories",
                                placeholder=t("widgets.choose_options"))
    code = c4.text_input(last_label, max_chars=last_chars, key=f"{prefix}_code")
    return text, states, categories, code


def date_field(label: str, value: date | None = None, *, key: str,
               min_value: date | None = None, max_value: date | None = None,
               required: bool = True, help: str | None = None,  # noqa: A002
               container: Any = None) -> date | None:
    """A date typed the way the reader writes it: ``2025-12-07``, ``2025/12/7``,
    ``令和7年12月7日``, ``R7.12.7`` (``workbench.core.dates.parse_date``), starting from ``value``
    written in the reader's language. Under the field: the date as read, in the era form
    for a Japanese reader, or why the text is not a date the form can take (unreadable, before
    ``min_value``, after ``max_value``, missing when ``required``).

    Returns the date, or None when the field is empty or its text is refused: a form's
    submit handler stops on None for a date it needs (the reason is already on the page)."""
    where = container if container is not None else st
    touched = key in st.session_state
    refused = st.session_state.setdefault(_REFUSED_KEY, {})
    refused[key] = True  # until the text is read and accepted below
    text = where.text_input(
        label, value=format_date(value, current_language(), empty="") if value else "",
        key=key, help=help, placeholder=t("date_field.placeholder"))
    if not text or not text.strip():
        if required and touched:
            where.error(t("date_field.required"), icon=":material/event_busy:")
        else:
            refused[key] = False
        return None
    try:
        day = parse_date(text)
    except DateFormatError:
        where.error(t("date_field.unreadable", text=text.strip()), icon=":material/event_busy:")
        return None
    if min_value is not None and day < min_value:
        where.error(t("date_field.too_early", date=fmt_date(min_value)),
                    icon=":material/event_busy:")
        return None
    if max_value is not None and day > max_value:
        where.error(t("date_field.too_late", date=fmt_date(max_value)),
                    icon=":material/event_busy:")
        return None
    where.caption(t("date_field.read_as", date=_read_as(day)))
    refused[key] = False
    return day


def date_refused(key: str) -> bool:
    """Whether the date field ``key`` holds text it refused on this run (its reason is on
    the page): an optional date must then not be saved as "no date"."""
    return bool(st.session_state.get(_REFUSED_KEY, {}).get(key))


def _read_as(day: date) -> str:
    """The date spelled out for the reader to check: the era form in Japanese, the day, the
    month's name and the year in English."""
    if current_language() == "ja":
        return format_date(day, "ja")
    return f"{day.day} {day:%B} {day.year}"
