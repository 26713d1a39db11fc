"""The interview page of one case: preparation, the record taken during the interview, and
the record as a PDF.

Answers are saved one by one as the inquirer leaves a field (``on_change`` calls
``save_answer`` with the version the answer was loaded at), so nothing typed is lost to a
rerun, a refresh or a dropped connection: it is already in the database. A widget shows the
stored answer when it first appears, and again whenever the stored answer changed elsewhere
(another tab) while nothing unsaved of the user's is pending; a save refused as stale keeps
the user's value on screen with the choice to keep it or take the stored one.

Every write goes through ``workbench.examination.interviews``, which checks who may write
and when; the page only mirrors it (a manager, or a closed record, is shown read-only).
The page's tabs and the print tab are here; the preparation tab is in
``interview_preparation``, the record tab in ``interview_record`` (its questions in
``interview_answers``, its incidents in ``interview_incidents``), the widget keys and what the
views share in ``interview_common``.
"""

from __future__ import annotations

import streamlit as st

from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import t
from workbench.examination.interviews import InterviewView, interview, interview_pdf
from workbench.ui.core.documents import document_language, file_name
from workbench.ui.core.errors import shown_errors
from workbench.ui.examination.interview_common import _pdf, tabs_key
from workbench.ui.examination.interview_preparation import preparation_panel
from workbench.ui.examination.interview_record import record_panel
from workbench.ui.examination.shared import page_header


def render_page(actor: Actor, case_id: int | None) -> None:
    case = page_header(actor, case_id, "interview")
    view = _load(actor, case.application.id)
    labels = [t("interview.tab_preparation"), t("interview.tab_record"),
              t("interview.tab_print")]
    # Only the open tab runs: the preparation is not recomputed at every saved answer.
    prep_tab, record_tab, print_tab = st.tabs(
        labels, key=tabs_key(view.application_id), on_change="rerun",
        default=labels[1] if view.started else labels[0])
    if prep_tab.open:
        with prep_tab:
            preparation_panel(actor, view.application_id)
    if record_tab.open:
        with record_tab:
            record_panel(actor, view)
    if print_tab.open:
        with print_tab:
            print_panel(actor, view)


def _load(actor: Actor, case_id: int) -> InterviewView:
    with shown_errors():
        with unit_of_work(get_engine(), write=False) as session:
            return interview(session, actor=actor, application_id=case_id)
    raise AssertionError("unreachable")  # pragma: no cover


# --- print ------------------------------------------------------------------------------------


def print_panel(actor: Actor, view: InterviewView) -> None:
    case_id = view.application_id
    if not view.started:
        st.info(t("interview.print_not_started"))
        return
    st.caption(t("interview.print_hint") if view.closed else t("interview.print_open_hint"))
    row = st.container(horizontal=True, vertical_alignment="center")
    with row:
        # The record prints in the language it was taken in unless the other is chosen.
        language = document_language(f"iv_record_lang_{case_id}", view.record_language)
        st.download_button(
            t("interview.print_download"), icon=":material/download:", on_click="ignore",
            type="primary",
            data=_pdf(lambda s: interview_pdf(s, actor=actor, application_id=case_id,
                                              language=language)),
            file_name=file_name(f"interview-{view.case_number}", language),
            mime="application/pdf", key=f"iv_record_pdf_{case_id}")
