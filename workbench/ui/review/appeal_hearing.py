"""The oral opinion statement on the appeal's page: where it stands, and for a manager or a
counsellor of the panel the forms to schedule it, record the questions and answers, and
record it as held or skipped.
"""

from __future__ import annotations

from datetime import datetime, time

import streamlit as st

from models import CaseState, Role
from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import t
from workbench.core.settings import get_settings
from workbench.review.appeals import AppealView
from workbench.review.hearings import (
    add_hearing_entry,
    hold_hearing,
    schedule_hearing,
    skip_hearing,
)
from workbench.ui.core.format import fmt_date, fmt_datetime
from workbench.ui.core.text import md
from workbench.ui.core.widgets import date_field
from workbench.ui.review.shared import (
    action_errors,
    bump_round,
    panel_member,
    rerun_with,
    round_of,
    shown_version,
    yes_no,
)


def hearing_tab(actor: Actor, view: AppealView) -> None:
    h = view.hearing
    st.caption(t("appeal.hearing_asked") if view.hearing_requested
               else t("appeal.hearing_not_asked"))
    if h is not None and (h.scheduled_for or h.skipped):
        with st.container(border=True):
            if h.skipped:
                st.markdown(t("appeal.skipped_detail", reason=md(h.skip_reason or "—")))
            if h.scheduled_for:
                st.markdown(t("appeal.scheduled_detail", when=fmt_datetime(h.scheduled_for),
                              zone=get_settings().timezone, place=md(h.place),
                              lang=md(h.language),
                              interpreter=md(h.interpreter or "—")))
            if h.held_on:
                st.markdown(t("appeal.held_detail", date=fmt_date(h.held_on),
                              attendance=md(h.attendance or "—"),
                              attended=yes_no(h.requester_attended)))
    else:
        st.info(t("appeal.hearing_none"), icon=":material/event:")
    if h is not None and h.entries:
        st.markdown(f"**{t('appeal.entries_heading')}**")
        for e in h.entries:
            st.markdown(t("appeal.entry_q", n=e.position, who=md(e.asked_by or "—"),
                          text=md(e.question)) + "  \n"
                        + t("appeal.entry_a", text=md(e.answer or "—")))
    may_run = actor.role == Role.MANAGER or panel_member(actor, view) is not None
    if not may_run or view.state != CaseState.PANEL_ASSIGNED:
        if view.state == CaseState.REVIEW_FILED:
            st.caption(t("appeal.hearing_after_allocation"))
        return
    _schedule_form(actor, view)
    if h is not None and h.scheduled_for:
        _entry_form(actor, view)
        _held_form(actor, view)
    _skip_form(actor, view)


def _schedule_form(actor: Actor, view: AppealView) -> None:
    h = view.hearing
    zone = get_settings().zone
    when = h.scheduled_for.astimezone(zone) if h and h.scheduled_for else None
    label = t("appeal.reschedule_heading") if when else t("appeal.schedule_heading")
    with st.expander(label, expanded=when is None, icon=":material/event:"):
        with st.form(f"appeal_schedule_{view.id}_{round_of(f'schedule_{view.id}')}",
                     border=False):
            c1, c2 = st.columns(2)
            day = date_field(t("appeal.hearing_date"), when.date() if when else None,
                             key=f"appeal_day_{view.id}_{round_of(f'schedule_{view.id}')}",
                             min_value=view.filed_date, required=False, container=c1)
            at = c2.time_input(t("appeal.hearing_time", zone=get_settings().timezone),
                               value=when.time() if when else time(10, 0))
            place = st.text_input(t("appeal.place"), value=h.place if h else "")
            c3, c4 = st.columns(2)
            language = c3.text_input(t("appeal.language"), value=h.language if h else "")
            interpreter = c4.text_input(t("appeal.interpreter"),
                                        value=h.interpreter if h else "")
            saved = st.form_submit_button(t("appeal.schedule"), type="primary")
    if saved:
        if day is None:
            st.error(t("appeal.date_missing"))
            return
        with action_errors():
            with unit_of_work(get_engine()) as session:
                schedule_hearing(session, actor=actor, appeal_id=view.id,
                                 when=datetime.combine(day, at, tzinfo=zone),
                                 place=place, language=language,
                                 interpreter=interpreter)
            bump_round(f"schedule_{view.id}")
            rerun_with(t("appeal.scheduled"))


def _entry_form(actor: Actor, view: AppealView) -> None:
    with st.expander(t("appeal.entry_heading"), icon=":material/question_answer:"):
        with st.form(f"appeal_entry_{view.id}", clear_on_submit=True, border=False):
            question = st.text_area(t("appeal.question"), height=80)
            answer = st.text_area(t("appeal.answer"), height=100)
            added = st.form_submit_button(t("appeal.add_entry"))
    if added:
        with action_errors():
            with unit_of_work(get_engine()) as session:
                add_hearing_entry(session, actor=actor, appeal_id=view.id,
                                  question=question, answer=answer)
            rerun_with(t("appeal.entry_added"))


def _held_form(actor: Actor, view: AppealView) -> None:
    st.markdown(f"**{t('appeal.held_heading')}**")
    today = clock.today()
    with st.form(f"appeal_held_{view.id}"):
        c1, c2 = st.columns([1, 2])
        held_on = date_field(t("appeal.held_on"), today, key=f"appeal_held_on_{view.id}",
                             max_value=today, min_value=view.filed_date, container=c1)
        attendance = c2.text_input(t("appeal.attendance"),
                                   placeholder=t("appeal.attendance_hint"))
        attended = st.checkbox(t("appeal.requester_attended"), value=True)
        held = st.form_submit_button(t("appeal.record_held"), type="primary")
    expected = shown_version(f"held_{view.id}", view.case_version, held)
    if held and held_on is not None:
        with action_errors():
            with unit_of_work(get_engine()) as session:
                hold_hearing(session, actor=actor, appeal_id=view.id, held_on=held_on,
                             attendance=attendance, requester_attended=attended,
                             expected_case_version=expected)
            rerun_with(t("appeal.held_done"))


def _skip_form(actor: Actor, view: AppealView) -> None:
    st.markdown(f"**{t('appeal.skip_heading')}**")
    if view.hearing_requested:
        st.caption(t("appeal.skip_requested_hint"))
    with st.form(f"appeal_skip_{view.id}"):
        reason = st.text_area(t("appeal.skip_reason"), height=80)
        skipped = st.form_submit_button(t("appeal.skip"))
    expected = shown_version(f"skip_{view.id}", view.case_version, skipped)
    if skipped:
        with action_errors():
            with unit_of_work(get_engine()) as session:
                skip_hearing(session, actor=actor, appeal_id=view.id, reason=reason,
                             expected_case_version=expected)
            rerun_with(t("appeal.skipped_done"))


__all__ = [
    "hearing_tab",
]
