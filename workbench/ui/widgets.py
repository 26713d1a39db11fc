"""Small pieces several pages share: the one-shot success message and the case filter bar."""

from __future__ import annotations

import streamlit as st

from models import CaseState, SortingCategory
from workbench.i18n import t
from workbench.ui.format import category_label, state_label
from workbench.ui.text import md

_FLASH_KEY = "wb_flash"


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
    text = c1.text_input(t("cases.search"), key=f"{prefix}_search")
    states = c2.multiselect(t("cases.states"), list(CaseState), format_func=state_label,
                            key=f"{prefix}_states")
    categories = c3.multiselect(t("cases.categories"), list(SortingCategory),
                                format_func=category_label, key=f"{prefix}_categories")
    code = c4.text_input(last_label, max_chars=last_chars, key=f"{prefix}_code")
    return text, states, categories, code
