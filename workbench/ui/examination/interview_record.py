"""The interview page's record tab: starting the record in its language, the count of required
questions left, the record's state, its sessions, inconsistencies put to the applicant, and the
read-back, closing and reopening (the questions themselves are in ``interview_answers``)."""

from __future__ import annotations

import streamlit as st

from models import Role
from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import LANGUAGE_NAMES, t, tn
from workbench.examination import question_bank as qb
from workbench.examination.interviews import (
    InterviewView,
    close_interview,
    reopen_interview,
    save_inconsistency,
    save_session,
    start_interview,
)
from workbench.ui.core.confirm import irreversible, not_confirmed
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.format import date_cell, date_columns, fmt_datetime, state_label
from workbench.ui.core.text import md
from workbench.ui.core.widgets import date_field, required_label
from workbench.ui.examination.interview_answers import _questions
from workbench.ui.examination.interview_common import (
    _may_write,
    _md,
    progress_key,
    record_language_key,
)
from workbench.ui.examination.interview_keys import interview_keys
from workbench.ui.examination.shared import (
    bump,
    loaded_version,
    notify,
    round_of,
    show_notice,
    text_block,
)


def record_panel(actor: Actor, view: InterviewView) -> None:
    case_id = view.application_id
    show_notice(f"iv_{case_id}")
    if not view.started:
        if _may_write(actor, view):
            st.info(t("interview.not_started_inquirer"))
            languages = list(qb.load_bank().languages)
            language = st.radio(
                t("interview.record_language"), languages, horizontal=True,
                index=languages.index(view.record_language)
                if view.record_language in languages else 0,
                format_func=lambda code: LANGUAGE_NAMES.get(code, code),
                help=t("interview.record_language_help"), key=record_language_key(case_id))
            if st.button(t("interview.start"), type="primary", icon=":material/play_arrow:",
                         key=f"iv_start_{case_id}"):
                with shown_errors(stop=False):
                    with unit_of_work(get_engine()) as session:
                        start_interview(session, actor=actor, application_id=case_id,
                                        language=language)
                    notify(f"iv_{case_id}", t("interview.started"))
                    st.rerun()
        else:
            st.info(t("interview.not_started"))
        return
    bank = qb.load_bank(view.bank_version)
    _progress(view, bank)
    _summary(actor, view)
    st.subheader(t("interview.sessions"))
    _sessions(actor, view)
    st.subheader(t("interview.questions"))
    _questions(actor, view, bank)
    st.subheader(t("interview.inconsistencies"))
    _inconsistencies(actor, view)
    st.subheader(t("interview.closing"))
    _closing(actor, view, bank)


# Sticky on the block's wrapper (Streamlit wraps each container in one as tall as it is),
# under the app's header, over the questions scrolling by, on the page's own background
# (light or dark: the theme follows the reader's system unless chosen).
_PROGRESS_STYLE = (
    "<style>[data-testid='stLayoutWrapper']:has(> .st-key-{key}) {{position: sticky; "
    "top: 3.75rem; z-index: 99; background: var(--wb-page-background, #fff); "
    "padding: .35rem 0; border-bottom: 1px solid rgba(128, 128, 128, .25);}}</style>"
    "<script>(() => {{ const app = document.querySelector('[data-testid=\"stApp\"]'); "
    "if (app) document.documentElement.style.setProperty('--wb-page-background', "
    "getComputedStyle(app).backgroundColor); }})();</script>")


def _progress(view: InterviewView, bank: qb.QuestionBank) -> None:
    """The count of required questions left, at the top of the record and kept in sight
    while the inquirer works down the questions; every saved answer updates it (the page
    runs again after each save). While the record is open, the keys that speed up entry."""
    left = view.missing_required
    key = progress_key(view.application_id)
    with st.container(key=key, horizontal=True, vertical_alignment="center", gap="small"):
        if left:
            st.badge(tn("interview.required_left", len(left)), color="orange",
                     icon=":material/pending:")
            first = bank.question(left[0])
            st.caption(t("interview.required_next", section=md(
                bank.section(first.section_id).title_in(view.record_language)),
                prompt=md(first.prompt_in(view.record_language))))
        else:
            st.badge(t("interview.required_none_left"), color="green",
                     icon=":material/task_alt:")
        if view.editable:
            st.caption(t("interview.keys_hint"))
    st.html(_PROGRESS_STYLE.format(key=key), unsafe_allow_javascript=True)
    if view.editable:
        interview_keys()


def _summary(actor: Actor, view: InterviewView) -> None:
    row = st.container(horizontal=True, vertical_alignment="center")
    with row:
        if view.closed:
            st.badge(t("interview.badge_closed"), color="green", icon=":material/lock:")
        elif view.editable:
            st.badge(t("interview.badge_open"), color="blue", icon=":material/edit:")
        else:
            st.badge(t("interview.badge_read_only"), color="gray", icon=":material/visibility:")
        st.caption(" · ".join([
            tn("exam.sessions", len(view.sessions)),
            t("interview.bank", version=view.bank_version),
            t("interview.record_in", name=LANGUAGE_NAMES.get(view.record_language,
                                                             view.record_language)),
        ]))
    if not view.editable and not view.closed:
        st.caption(t("interview.read_only_state", state=state_label(view.state))
                   if actor.role == Role.INQUIRER else t("interview.read_only_hint"))


# --- sessions ---------------------------------------------------------------------------------


def _sessions(actor: Actor, view: InterviewView) -> None:
    case_id = view.application_id
    show_notice(f"iv_sessions_{case_id}")
    if view.sessions:
        st.dataframe([{
            t("interview.col_no"): s.number,
            t("interview.col_date"): date_cell(s.session_date),
            t("interview.col_time"): f"{s.start_time}–{s.end_time or '…'}",
            t("interview.col_place"): s.place or "—",
            t("interview.col_language"): s.language,
            t("interview.col_interpreter"): s.interpreter or "—",
            t("interview.col_present"): s.present or "—",
            t("interview.col_breaks"): s.breaks or "—",
        } for s in view.sessions], hide_index=True, width="stretch",
            column_config=date_columns(t("interview.col_date")))
    else:
        st.caption(t("interview.no_sessions"))
    if not view.editable:
        return
    last = view.sessions[-1] if view.sessions else None
    name = f"iv_session_{case_id}"
    with st.expander(t("interview.add_session"), expanded=not view.sessions,
                     icon=":material/add:"):
        with st.form(f"{name}_{round_of(name)}", border=False):
            c1, c2, c3 = st.columns(3)
            day = date_field(t("interview.session_date"), clock.today(),
                             key=f"{name}_date_{round_of(name)}", min_value=view.lodged_date,
                             max_value=clock.today(), container=c1)
            start = c2.text_input(t("interview.session_start"), placeholder="09:30",
                                  max_chars=5)
            end = c3.text_input(t("interview.session_end"), placeholder="12:00", max_chars=5)
            c1, c2, c3 = st.columns(3)
            place = c1.text_input(t("interview.session_place"),
                                  value=last.place if last else "")
            language = c2.text_input(t("interview.session_language"),
                                     value=last.language if last else
                                     str(view.values.get("opening.interview_language") or ""))
            interpreter = c3.text_input(t("interview.session_interpreter"),
                                        value=last.interpreter if last else "")
            c1, c2 = st.columns(2)
            present = c1.text_input(t("interview.session_present"),
                                    value=last.present if last else "")
            breaks = c2.text_input(t("interview.session_breaks"),
                                   placeholder=t("interview.session_breaks_hint"))
            added = st.form_submit_button(t("interview.session_submit"), type="primary")
        if added and day is not None:
            with shown_errors(stop=False):
                with unit_of_work(get_engine()) as session:
                    saved = save_session(session, actor=actor, application_id=case_id,
                                         session_date=day, start_time=start, end_time=end,
                                         place=place, language=language,
                                         interpreter=interpreter, present=present,
                                         breaks=breaks)
                bump(name)
                notify(f"iv_sessions_{case_id}", t("interview.session_added",
                                                   number=saved.number))
                st.rerun()


# --- inconsistencies --------------------------------------------------------------------------


def _inconsistencies(actor: Actor, view: InterviewView) -> None:
    case_id = view.application_id
    show_notice(f"iv_inconsistencies_{case_id}")
    st.caption(t("interview.inconsistencies_hint"))
    for c in view.inconsistencies:
        with st.container(border=True):
            where = (t("interview.in_session", number=c.session_number)
                     if c.session_number else "")
            st.markdown(f"**{t('interview.matter')}** {where}")
            text_block(c.matter)
            st.markdown(f"**{t('interview.explanation')}**")
            text_block(c.explanation, empty=t("interview.no_explanation"))
    if not view.inconsistencies:
        st.caption(t("interview.no_inconsistencies"))
    if not view.editable:
        return
    name = f"iv_inconsistency_{case_id}"
    with st.expander(t("interview.add_inconsistency"), icon=":material/add:"):
        with st.form(f"{name}_{round_of(name)}", border=False):
            matter = st.text_area(required_label(t("interview.matter_label")), height=90)
            explanation = st.text_area(t("interview.explanation_label"), height=90)
            numbers = [s.number for s in view.sessions]
            session_number = st.selectbox(
                t("interview.inconsistency_session"), numbers,
                index=len(numbers) - 1 if numbers else None,
                format_func=lambda n: t("interview.session_n", number=n),
                placeholder=t("interview.no_session_yet"))
            added = st.form_submit_button(t("interview.inconsistency_submit"), type="primary")
        if added:
            with shown_errors(stop=False):
                with unit_of_work(get_engine()) as session:
                    save_inconsistency(session, actor=actor, application_id=case_id,
                                       matter=matter, explanation=explanation,
                                       session_number=session_number)
                bump(name)
                notify(f"iv_inconsistencies_{case_id}", t("interview.inconsistency_added"))
                st.rerun()


# --- read-back and closing ----------------------------------------------------------------------


def _closing(actor: Actor, view: InterviewView, bank: qb.QuestionBank) -> None:
    case_id = view.application_id
    show_notice(f"iv_closing_{case_id}")
    if view.closed:
        confirmed = (t("interview.read_back_confirmed") if view.read_back_confirmed
                     else t("interview.read_back_disputed"))
        st.success(t("interview.closed_on", date=fmt_datetime(view.closed_at),
                     read_back_in=view.read_back_language or "—", confirmed=confirmed),
                   icon=":material/lock:")
        if view.read_back_note:
            st.markdown(f"**{t('interview.read_back_note_heading')}**")
            text_block(view.read_back_note)
        if _may_write(actor, view):
            with st.form(f"iv_reopen_{case_id}"):
                st.markdown(f"**{t('interview.reopen_heading')}**")
                reason = st.text_input(t("interview.reopen_reason"))
                reopen = st.form_submit_button(t("interview.reopen_submit"),
                                               icon=":material/lock_open:")
            if reopen:
                with shown_errors(stop=False):
                    with unit_of_work(get_engine()) as session:
                        reopen_interview(session, actor=actor, application_id=case_id,
                                         reason=reason)
                    notify(f"iv_closing_{case_id}", t("interview.reopened"))
                    st.rerun()
        return
    if not view.editable:
        st.caption(t("interview.not_closed"))
        return
    if not view.sessions:
        st.warning(t("interview.close_needs_session"))
    if view.missing_required:
        shown = view.missing_required[:8]
        lines = "\n".join(f"- {_md(bank.question(q).prompt_in(view.record_language))}"
                          for q in shown)
        more = len(view.missing_required) - len(shown)
        st.warning(tn("interview.close_missing", len(view.missing_required)) + "\n\n" + lines
                   + (f"\n- {t('interview.and_more', count=more)}" if more > 0 else ""))
    elif view.sessions:
        st.success(t("interview.close_ready"))
    with st.form(f"iv_close_{case_id}"):
        c1, c2 = st.columns(2)
        language = c1.text_input(
            t("interview.read_back_language"),
            value=view.sessions[-1].language if view.sessions else "")
        confirmed = c2.radio(t("interview.read_back_question"), [True, False], index=None,
                             horizontal=True,
                             format_func=lambda v: t("interview.yes") if v
                             else t("interview.no"))
        note = st.text_area(t("interview.read_back_note"), height=90)
        understood = irreversible(t("interview.close_irreversible"), f"iv_close_sure_{case_id}")
        close = st.form_submit_button(t("interview.close_submit"), type="primary",
                                      icon=":material/lock:")
    expected = loaded_version(f"iv_record_{case_id}", view.record_version, close)
    if not close:
        return
    if confirmed is None:
        st.warning(t("interview.read_back_choose"))
        return
    if not understood:
        not_confirmed()
        return
    with shown_errors(stop=False):
        with unit_of_work(get_engine()) as session:
            close_interview(session, actor=actor, application_id=case_id,
                            read_back_confirmed=confirmed, read_back_language=language,
                            note=note, expected_version=expected)
        notify(f"iv_closing_{case_id}", t("interview.closed_done"))
        st.rerun()
