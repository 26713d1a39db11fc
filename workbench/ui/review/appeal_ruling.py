"""The ruling on the appeal's page: the manager records it (or the withdrawal of the request)
once the panel's opinion is in; a ruling recorded, its notice to the applicant is downloaded.
"""

from __future__ import annotations

import streamlit as st

from models import CaseState, ReviewRuling, Role
from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import t
from workbench.review.appeals import AppealView
from workbench.review.review_notice import ruling_notice
from workbench.review.rulings import record_ruling, withdraw_appeal
from workbench.ui.core.confirm import irreversible, not_confirmed
from workbench.ui.core.documents import document_language, file_name
from workbench.ui.core.format import fmt_datetime
from workbench.ui.review.shared import (
    action_errors,
    finding_text,
    rerun_with,
    ruling_label,
    shown_version,
    text_block,
)

_RULINGS = (ReviewRuling.GRANTED, ReviewRuling.DISMISSED_MERITS,
            ReviewRuling.DISMISSED_INADMISSIBLE)


def ruling_tab(actor: Actor, view: AppealView) -> None:
    if view.ruling:
        with st.container(border=True):
            st.markdown(t("appeal.ruling_line", ruling=ruling_label(view.ruling),
                          date=fmt_datetime(view.ruled_at)))
            label = (t("appeal.withdrawal_reason") if view.ruling == ReviewRuling.WITHDRAWN
                     else t("appeal.gist"))
            st.markdown(f"**{label}**")
            text_block(view.ruling_gist)
        if view.ruling != ReviewRuling.WITHDRAWN:
            _ruling_notice(actor, view)
        return
    if view.panel_opinion is not None:
        st.markdown(t("appeal.panel_found", finding=finding_text(
            view.panel_opinion.well_founded), how=t("appeal.unanimous")
            if view.panel_opinion.unanimous else t("appeal.by_majority")))
    if actor.role != Role.MANAGER:
        st.caption(t("appeal.ruling_waiting"))
        return
    if view.state == CaseState.PANEL_OPINION:
        _ruling_form(actor, view)
    else:
        st.caption(t("appeal.ruling_after_opinion"))
    _withdrawal_form(actor, view)


def _ruling_form(actor: Actor, view: AppealView) -> None:
    st.caption(t("appeal.ruling_hint_inaction") if view.basis == "INACTION"
               else t("appeal.ruling_hint"))
    with st.form(f"appeal_ruling_{view.id}"):
        ruling = st.radio(t("appeal.ruling"), list(_RULINGS), index=None,
                          format_func=ruling_label)
        gist = st.text_area(t("appeal.gist"), height=140,
                            value=view.panel_opinion.summary if view.panel_opinion else "",
                            help=t("appeal.gist_help"))
        understood = irreversible(t("appeal.ruling_irreversible"),
                                  f"appeal_ruling_sure_{view.id}")
        ruled = st.form_submit_button(t("appeal.record_ruling"), type="primary",
                                      icon=":material/gavel:")
    expected = shown_version(f"ruling_{view.id}", view.case_version, ruled)
    if ruled:
        if ruling is None:
            st.error(t("appeal.ruling_missing"))
            return
        if not understood:
            not_confirmed()
            return
        with action_errors():
            with unit_of_work(get_engine()) as session:
                record_ruling(session, actor=actor, appeal_id=view.id, ruling=ruling,
                              gist=gist, expected_case_version=expected)
            rerun_with(t("appeal.ruled", ruling=ruling_label(ruling)))


def _ruling_notice(actor: Actor, view: AppealView) -> None:
    """The notice of the ruling to the applicant, in Japanese unless English is chosen;
    made (and its printing audited) only when it is downloaded."""
    row = st.container(horizontal=True, vertical_alignment="center")
    with row:
        language = document_language(f"appeal_ruling_lang_{view.id}", "ja")

        def produce() -> bytes:
            with unit_of_work(get_engine()) as session:
                return ruling_notice(session, actor=actor, appeal_id=view.id,
                                     language=language)

        st.download_button(
            t("appeal.ruling_notice_download"), icon=":material/download:", on_click="ignore",
            data=produce, file_name=file_name(f"ruling-{view.case_number}-R{view.id}",
                                              language),
            mime="application/pdf", key=f"appeal_ruling_notice_{view.id}")


def _withdrawal_form(actor: Actor, view: AppealView) -> None:
    with st.expander(t("appeal.withdraw_heading"), icon=":material/undo:"):
        with st.form(f"appeal_withdraw_{view.id}", border=False):
            reason = st.text_area(t("appeal.withdraw_reason"), height=80)
            withdrawn = st.form_submit_button(t("appeal.withdraw"))
    expected = shown_version(f"withdraw_{view.id}", view.case_version, withdrawn)
    if withdrawn:
        with action_errors():
            with unit_of_work(get_engine()) as session:
                withdraw_appeal(session, actor=actor, appeal_id=view.id,
                                reason=reason, expected_case_version=expected)
            rerun_with(t("appeal.withdrawn"))


__all__ = [
    "ruling_tab",
]
