"""The incidents of past harm on the interview record: their table, a form to add one (a date or
words for when), and removing one with the reason."""

from __future__ import annotations

import streamlit as st

from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import t
from workbench.examination import question_bank as qb
from workbench.examination.interviews import InterviewView, remove_incident, save_incident
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.format import fmt_date
from workbench.ui.core.widgets import date_field, date_refused, required_label
from workbench.ui.examination.interview_common import _EARLIEST, _md
from workbench.ui.examination.shared import bump, notify, round_of, show_notice


def _incidents(actor: Actor, view: InterviewView, question: qb.Question) -> None:
    case_id = view.application_id
    st.markdown(f"**{_md(question.prompt_in(view.record_language))}**",
                help=question.guidance_in(view.record_language) or None)
    show_notice(f"iv_incidents_{case_id}")
    if view.incidents:
        st.dataframe([{
            t("interview.col_no"): i.position,
            t("interview.incident_when"): (fmt_date(i.occurred_on) if i.occurred_on
                                           else i.occurred_text or "—"),
            t("interview.incident_place"): i.place or "—",
            t("interview.incident_agent"): i.agent or "—",
            t("interview.incident_what"): i.what_happened,
            t("interview.incident_injuries"): i.injuries or "—",
            t("interview.incident_witnesses"): i.witnesses or "—",
            t("interview.incident_reported"): i.reported or "—",
            t("interview.incident_evidence"): i.evidence or "—",
        } for i in view.incidents], hide_index=True, width="stretch")
    else:
        st.caption(t("interview.no_incidents"))
    if not view.editable:
        return
    name = f"iv_incident_{case_id}"
    with st.form(f"{name}_{round_of(name)}"):
        st.markdown(f"**{t('interview.add_incident')}**")
        c1, c2 = st.columns(2)
        day_key = f"{name}_date_{round_of(name)}"
        occurred_on = date_field(t("interview.incident_date"), key=day_key,
                                 min_value=_EARLIEST, max_value=clock.today(),
                                 required=False, container=c1)
        occurred_text = c2.text_input(t("interview.incident_when_words"),
                                      placeholder=t("interview.incident_when_hint"))
        c1, c2 = st.columns(2)
        place = c1.text_input(t("interview.incident_place"))
        agent = c2.text_input(t("interview.incident_agent"))
        what = st.text_area(required_label(t("interview.incident_what")), height=90)
        c1, c2 = st.columns(2)
        injuries = c1.text_input(t("interview.incident_injuries"))
        witnesses = c2.text_input(t("interview.incident_witnesses"))
        c1, c2 = st.columns(2)
        reported = c1.text_input(t("interview.incident_reported_q"))
        evidence = c2.text_input(t("interview.incident_evidence"))
        added = st.form_submit_button(t("interview.incident_submit"), type="primary")
    # A date typed but refused (its reason is under the field) is not saved as "no date".
    if added and not date_refused(day_key):
        with shown_errors(stop=False):
            with unit_of_work(get_engine()) as session:
                saved = save_incident(session, actor=actor, application_id=case_id,
                                      what_happened=what, occurred_on=occurred_on,
                                      occurred_text=occurred_text, place=place, agent=agent,
                                      injuries=injuries, witnesses=witnesses,
                                      reported=reported, evidence=evidence)
            bump(name)
            notify(f"iv_incidents_{case_id}", t("interview.incident_added",
                                                number=saved.position))
            st.rerun()
    if not view.incidents:
        return
    by_id = {i.id: i for i in view.incidents}
    with st.form(f"iv_incident_remove_{case_id}_{round_of(name)}"):
        st.markdown(f"**{t('interview.remove_incident')}**")
        c1, c2 = st.columns([2, 3])
        chosen = c1.selectbox(t("interview.remove_which"), list(by_id), index=None,
                              placeholder=t("interview.choose"),
                              format_func=lambda i: f"{by_id[i].position}. "
                                                    f"{by_id[i].when or '—'} · "
                                                    f"{by_id[i].what_happened[:40]}")
        reason = c2.text_input(t("interview.remove_reason"))
        removed = st.form_submit_button(t("interview.remove_submit"))
    if removed:
        if chosen is None:
            st.warning(t("interview.remove_choose"))
            return
        with shown_errors(stop=False):
            with unit_of_work(get_engine()) as session:
                remove_incident(session, actor=actor, application_id=case_id,
                                incident_id=chosen, reason=reason)
            bump(name)
            notify(f"iv_incidents_{case_id}", t("interview.incident_removed",
                                                number=by_id[chosen].position))
            st.rerun()
