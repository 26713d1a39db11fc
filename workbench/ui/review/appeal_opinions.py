"""The opinions on the appeal's page: each counsellor's own opinion (saved, then submitted
once the oral opinion statement is over), the others' once submitted, and the panel's
opinion that the presiding counsellor records.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from models import CaseState
from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import t
from workbench.review.appeals import AppealFile, AppealView, CitedPassage, OpinionView
from workbench.review.opinions import record_panel_opinion, save_opinion, submit_opinion
from workbench.ui.core.confirm import irreversible, not_confirmed
from workbench.ui.core.format import fmt_datetime
from workbench.ui.core.text import md
from workbench.ui.review.shared import (
    HEARING_DONE,
    action_errors,
    finding_text,
    member_line,
    panel_member,
    rerun_with,
    shown_version,
    submitted_opinions,
    text_block,
    well_founded_label,
)


def opinions_tab(actor: Actor, view: AppealView, file: AppealFile) -> None:
    citations = {c.id: c for c in file.citations}
    submitted = submitted_opinions(view)
    if view.panel is None:
        st.info(t("appeal.opinions_after_allocation"))
        return
    st.markdown(t("appeal.opinions_progress", n=len(submitted)))
    by_author = {o.counsellor_id: o for o in submitted}
    st.markdown("\n".join(
        f"- {md(member_line(m))}: "
        + (t("appeal.opinion_submitted_on", date=fmt_datetime(by_author[m.user_id].submitted_at))
           if m.user_id in by_author else t("appeal.opinion_pending"))
        for m in view.panel.members))
    me = panel_member(actor, view)
    if me is not None:
        _my_opinion(actor, view, citations)
    others = [o for o in submitted if o.counsellor_id != actor.id]
    if others:
        st.subheader(t("appeal.others_heading") if me else t("appeal.submitted_heading"),
                     anchor=False)
        for o in others:
            _opinion_card(o, citations)
    st.subheader(t("appeal.panel_opinion_heading"), anchor=False)
    if view.panel_opinion is not None:
        _panel_opinion(view)
    elif me is not None and me.presiding and view.state in HEARING_DONE:
        _panel_opinion_form(actor, view, submitted)
    else:
        st.caption(t("appeal.panel_opinion_waiting"))


def _opinion_card(o: OpinionView, citations: dict[int, CitedPassage]) -> None:
    with st.container(border=True):
        st.markdown(f"**{md(o.counsellor)}** · {well_founded_label(o.well_founded)}")
        if o.submitted_at:
            st.caption(t("appeal.opinion_submitted_on", date=fmt_datetime(o.submitted_at)))
        text_block(o.reasons)
        if o.citation_ids:
            st.markdown("\n".join(
                f"- {md(citations[c].reference)}" if c in citations
                else f"- {t('appeal.citation_unknown')}" for c in o.citation_ids))


def _citation_option(c: CitedPassage) -> str:
    quote = c.quote if len(c.quote) <= 90 else c.quote[:87] + "…"
    return f"{c.reference} — “{quote}”"


def _my_opinion(actor: Actor, view: AppealView, citations: dict[int, CitedPassage]) -> None:
    mine = next((o for o in view.opinions if o.counsellor_id == actor.id), None)
    st.subheader(t("appeal.my_opinion_heading"), anchor=False)
    if mine is not None and mine.submitted_at is not None:
        st.success(t("appeal.my_opinion_submitted", date=fmt_datetime(mine.submitted_at)),
                   icon=":material/lock:")
        _opinion_card(mine, citations)
        return
    if view.state not in (CaseState.PANEL_ASSIGNED, *HEARING_DONE):
        st.caption(t("appeal.opinion_closed"))
        return
    available = [c.id for c in citations.values() if not c.removed]
    tag = f"{view.id}_{mine.version if mine else 0}"
    hearing_done = view.state in HEARING_DONE
    if mine is not None:
        st.caption(t("appeal.draft_saved"))
    with st.form(f"appeal_opinion_{view.id}"):
        current = None if mine is None else mine.well_founded
        well_founded = st.radio(t("appeal.well_founded_question"), [True, False],
                                index=None if current is None else (0 if current else 1),
                                format_func=well_founded_label, horizontal=True,
                                key=f"appeal_op_wf_{tag}")
        reasons = st.text_area(t("appeal.reasons"), value=mine.reasons if mine else "",
                               height=220, key=f"appeal_op_reasons_{tag}",
                               placeholder=t("appeal.reasons_hint"))
        if available:
            chosen = st.multiselect(
                t("appeal.opinion_citations"), available,
                default=[c for c in (mine.citation_ids if mine else ()) if c in available],
                format_func=lambda c: _citation_option(citations[c]),
                key=f"appeal_op_cites_{tag}", placeholder=t("appeal.opinion_citations_hint"))
        else:
            chosen = []
            st.caption(t("appeal.no_citations"))
        understood = (irreversible(t("appeal.submit_irreversible"), f"appeal_op_sure_{tag}")
                      if hearing_done else False)
        buttons = st.container(horizontal=True)
        with buttons:
            save = st.form_submit_button(t("appeal.save_opinion"), icon=":material/save:")
            submit = st.form_submit_button(t("appeal.submit_opinion"), type="primary",
                                           icon=":material/send:", disabled=not hearing_done)
    if not hearing_done:
        st.caption(t("appeal.submit_after_hearing"))
    else:
        st.caption(t("appeal.submit_hint"))
    expected = shown_version(f"opinion_{view.id}", mine.version if mine else 0,
                             save or submit)
    if not (save or submit):
        return
    if submit and not understood:
        not_confirmed()
        return
    with action_errors():
        with unit_of_work(get_engine()) as session:
            saved = save_opinion(session, actor=actor, appeal_id=view.id,
                                 well_founded=well_founded, reasons=reasons,
                                 citation_ids=chosen,
                                 expected_version=expected if mine else None)
        if submit:
            with unit_of_work(get_engine()) as session:
                submit_opinion(session, actor=actor, appeal_id=view.id,
                               expected_version=saved.version)
            rerun_with(t("appeal.opinion_submitted"))
        rerun_with(t("appeal.opinion_saved"))


def _panel_opinion(view: AppealView) -> None:
    p = view.panel_opinion
    with st.container(border=True):
        st.markdown(f"**{well_founded_label(p.well_founded)}** · "
                    + (t("appeal.unanimous") if p.unanimous else t("appeal.by_majority")))
        text_block(p.summary)
        if p.dissent:
            st.markdown(f"**{t('appeal.dissent')}**")
            text_block(p.dissent)
        st.caption(t("appeal.recorded_by", name=md(p.recorded_by or "—"),
                     date=fmt_datetime(p.recorded_at)))


def _panel_opinion_form(actor: Actor, view: AppealView,
                        submitted: Sequence[OpinionView]) -> None:
    if len(submitted) < 3:
        st.info(t("appeal.panel_opinion_after_all", n=len(submitted)),
                icon=":material/hourglass_top:")
        return
    yes = sum(1 for o in submitted if o.well_founded)
    no = len(submitted) - yes
    divided = 0 < yes < len(submitted)
    majority = finding_text(yes >= 2)
    st.markdown(t("appeal.votes", yes=yes, no=no, majority=majority))
    if divided:
        st.warning(t("appeal.divided"), icon=":material/call_split:")
    with st.form(f"appeal_panel_opinion_{view.id}"):
        summary = st.text_area(t("appeal.summary"), height=160,
                               help=t("appeal.summary_help"))
        dissent = st.text_area(t("appeal.dissent_required"), height=120) if divided else ""
        recorded = st.form_submit_button(t("appeal.record_panel_opinion"), type="primary")
    expected = shown_version(f"panel_opinion_{view.id}", view.case_version, recorded)
    if recorded:
        with action_errors():
            with unit_of_work(get_engine()) as session:
                record_panel_opinion(session, actor=actor, appeal_id=view.id,
                                     summary=summary, dissent=dissent,
                                     expected_case_version=expected)
            rerun_with(t("appeal.panel_opinion_done"))


__all__ = [
    "opinions_tab",
]
