"""What the three examination pages (interview, assessment, decision) share: the case named
by ``?case=ID``, the page header with its links, text shown exactly as written, the version a
form was loaded at, and notices shown where an action was taken.
"""

from __future__ import annotations

import re

import streamlit as st

from models import DecisionStatus
from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import t
from workbench.intake.case_file import CaseFile, open_case
from workbench.ui.core import nav
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.format import STATE_COLOURS, state_label
from workbench.ui.core.params import id_param
from workbench.ui.core.text import html_text
from workbench.ui.library.shared import html_block

#: The case file page keeps the same key: a case opened on any of its pages is audited once
#: per session, not on every page change.
OPENED_KEY = "wb_opened_case"
EXAM_PAGES = ("interview", "assessment", "decision")
ICONS = {"case": ":material/folder_open:", "interview": ":material/record_voice_over:",
          "assessment": ":material/fact_check:", "decision": ":material/gavel:"}
DECISION_COLOURS = {DecisionStatus.DRAFT: "gray", DecisionStatus.SUBMITTED: "violet",
                    DecisionStatus.APPROVED: "blue", DecisionStatus.FINAL: "green",
                    DecisionStatus.SUPERSEDED: "gray"}


def case_param() -> int | None:
    return id_param("case")


def page_header(actor: Actor, case_id: int | None, current: str) -> CaseFile:
    """Title, case line and the links between the case file and the three pages. Opening
    the case is audited once per session, as on the case file itself."""
    if case_id is None:
        st.title(t(f"exam.nav_{current}"))
        st.info(t("exam.no_case"))
        st.page_link(nav.page("cases", actor.role), label=t("exam.to_cases"),
                     icon=":material/list:")
        st.stop()
    first = st.session_state.get(OPENED_KEY) != case_id
    with shown_errors():
        with unit_of_work(get_engine(), write=first) as session:
            case = open_case(session, actor=actor, application_id=case_id,
                             record_opening=first)
    st.session_state[OPENED_KEY] = case_id
    app, person = case.application, case.person
    st.title(t(f"exam.title_{current}", name=f"{person.family_name.upper()} "
                                              f"{person.given_names}".strip()))
    line = st.container(horizontal=True, vertical_alignment="center")
    with line:
        st.badge(state_label(app.state), color=STATE_COLOURS.get(app.state, "gray"))
        inquirer = t("exam.inquirer", name=case.assigned_inquirer or "—")
        st.caption(f"{app.case_number} · {t(f'apptype.{app.application_type}')} · "
                   f"{person.nationality} · {inquirer}")
    links = st.container(horizontal=True)
    params = {"case": str(case_id)}
    with links:
        st.page_link(nav.page("case"), label=t("exam.link_case"), query_params=params,
                     icon=":material/arrow_back:")
        for key in EXAM_PAGES:
            st.page_link(nav.page(key), label=t(f"exam.nav_{key}"), query_params=params,
                         icon=ICONS[key], disabled=key == current)
    st.divider()
    return case


def text_block(text: str | None, empty: str | None = None) -> None:
    """Text written by a person (reasons, a draft), paragraphs kept, shown exactly as typed."""
    text = (text or "").strip()
    if not text:
        st.caption(empty or "—")
        return
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    inner = "".join("<p>" + "<br>".join(html_text(line) for line in p.splitlines()) + "</p>"
                    for p in paragraphs)
    html_block(inner)


def loaded_version(name: str, current: int, submitted: bool) -> int:
    """The version the user had on screen when they submitted: each run that shows the form
    keeps the version it showed; a submission is judged against that one."""
    key = f"wb_loaded_{name}"
    if not submitted:
        st.session_state[key] = current
        return current
    return st.session_state.get(key, current)


def bump(name: str) -> None:
    """A new round of a form (its fields show the stored values again after a save)."""
    key = f"wb_round_{name}"
    st.session_state[key] = st.session_state.get(key, 0) + 1


def round_of(name: str) -> int:
    return st.session_state.get(f"wb_round_{name}", 0)


def decision_status_label(status: str | None) -> str:
    return t(f"exam.decision_status.{status}") if status else t("exam.decision_none")


# --- notices shown where the action was taken -------------------------------------------------


def notify(area: str, message: str) -> None:
    """Show ``message`` as a success notice at ``area`` on the next run."""
    st.session_state[f"wb_notice_{area}"] = message


def show_notice(area: str) -> None:
    message = st.session_state.pop(f"wb_notice_{area}", None)
    if message:
        st.success(message, icon=":material/check_circle:")
