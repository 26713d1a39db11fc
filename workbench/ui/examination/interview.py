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
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import streamlit as st

from models import CaseState, Role
from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.dates import DateFormatError, format_date, parse_date
from workbench.core.db import get_engine, unit_of_work
from workbench.core.errors import StaleEdit, WorkbenchError
from workbench.core.i18n import LANGUAGE_NAMES, current_language, t, tn
from workbench.examination import question_bank as qb
from workbench.examination.interviews import (
    InterviewView,
    close_interview,
    format_answer,
    interview,
    interview_pdf,
    remove_incident,
    reopen_interview,
    save_answer,
    save_incident,
    save_inconsistency,
    save_session,
    start_interview,
)
from workbench.examination.preparation import Preparation, preparation, preparation_sheet_pdf
from workbench.ui.core import nav
from workbench.ui.core.confirm import irreversible, not_confirmed
from workbench.ui.core.documents import document_language, file_name
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.format import date_cell, date_columns, fmt_date, fmt_datetime, state_label
from workbench.ui.core.text import html_text, md
from workbench.ui.core.widgets import date_field, date_refused, required_label
from workbench.ui.examination.interview_keys import interview_keys
from workbench.ui.examination.shared import (
    bump,
    loaded_version,
    notify,
    page_header,
    round_of,
    show_notice,
    text_block,
)
from workbench.ui.library.shared import chips_html, html_block

log = logging.getLogger("workbench.ui")

_LOADED = "wb_iv_loaded"  # "<case>:<question>" -> the answer's version the widget shows
_STATUS = "wb_iv_status"  # "<case>:<question>" -> {"ok", "text", "stale"}
_OPENED = "wb_iv_opened"  # "<case>:<section>" -> whether its expander is open
_EARLIEST = date(1900, 1, 1)


def widget_key(case_id: int, question_id: str) -> str:
    """The answer widget's key (dots are not welcome in the CSS class a key becomes)."""
    return f"iv_q_{case_id}_{question_id.replace('.', '__')}"


def section_key(case_id: int, section_id: str) -> str:
    return f"iv_sec_{case_id}_{section_id}"


def progress_key(case_id: int) -> str:
    """The bar at the top of the record with the count of required questions left."""
    return f"iv_progress_{case_id}"


def tabs_key(case_id: int) -> str:
    return f"iv_tabs_{case_id}"


def record_language_key(case_id: int) -> str:
    """The choice of the record's language before the interview starts."""
    return f"iv_lang_{case_id}"


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


def _may_write(actor: Actor, view: InterviewView) -> bool:
    """Whether the page offers writing at all (the service decides each write)."""
    return actor.role == Role.INQUIRER and view.state == CaseState.UNDER_EXAMINATION


def _pdf(make: Callable[[Any], bytes]) -> Callable[[], bytes]:
    """A download's contents, made (and audited) only when the button is clicked."""
    def produce() -> bytes:
        with unit_of_work(get_engine()) as session:
            return make(session)
    return produce


# --- preparation ------------------------------------------------------------------------------


def preparation_panel(actor: Actor, case_id: int) -> None:
    prep: Preparation | None = None
    with shown_errors(stop=False):
        with unit_of_work(get_engine(), write=False) as session:
            prep = preparation(session, actor=actor, application_id=case_id)
    if prep is None:
        return
    top = st.container(horizontal=True, vertical_alignment="center")
    with top:
        st.caption(t("interview.prep_intro", version=prep.bank_version))
        # The sheet's own language: its questions' (the record's once it is taken, before
        # that the reader's).
        language = document_language(f"iv_prep_lang_{case_id}", prep.language)
        st.download_button(
            t("interview.prep_download"), icon=":material/download:", on_click="ignore",
            data=_pdf(lambda s: preparation_sheet_pdf(s, actor=actor, application_id=case_id,
                                                      language=language)),
            file_name=file_name(f"preparation-{prep.case_number}", language),
            mime="application/pdf", key=f"iv_prep_pdf_{case_id}")
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.subheader(t("interview.prep_claim"))
        _narrative(prep)
        if prep.earlier_case_numbers:
            earlier = ", ".join(prep.earlier_case_numbers)
            st.markdown(f"**{t('interview.prep_new', cases=earlier)}**")
            if prep.new_sentences:
                html_block("".join(f"<p><mark>{html_text(s)}</mark></p>"
                                   for s in prep.new_sentences))
            else:
                st.caption(t("interview.prep_nothing_new"))
            if prep.new_share is not None:
                st.caption(t("interview.prep_new_share", share=f"{prep.new_share:.0%}"))
        st.subheader(t("interview.prep_questions"))
        _suggested_questions(prep)
    with right:
        st.subheader(t("interview.prep_profiles"))
        if not prep.profiles:
            st.caption(t("interview.prep_no_profiles"))
        for code, reasons in prep.profiles.items():
            st.markdown(f"**{prep.profile_labels.get(code, code)}**")
            st.caption("; ".join(reasons))
        st.caption(t("interview.prep_profiles_hint"))
        st.subheader(t("interview.prep_coi"))
        st.page_link(nav.page("coi"), label=t("interview.prep_library"),
                     query_params={"case": str(case_id)}, icon=":material/travel_explore:")
        if prep.passages_note:
            st.caption(prep.passages_note)
        for passage in prep.passages:
            with st.container(border=True):
                html_block(f"<strong>{html_text(passage.reference)}</strong>"
                           f"<p style=\"margin:.4em 0;font-size:.9em\">"
                           f"{html_text(passage.snippet)}</p>")
                if passage.reasons:
                    st.caption("; ".join(passage.reasons))


def _narrative(prep: Preparation) -> None:
    narrative = prep.narrative
    if not narrative.strip():
        st.caption(t("claim.empty"))
        return
    out, pos = [], 0
    for h in sorted(prep.highlights, key=lambda h: h.start):
        if h.start < pos or h.end > len(narrative) or h.start >= h.end:
            continue
        out.append(html_text(narrative[pos:h.start]))
        out.append(f" <mark>{html_text(narrative[h.start:h.end])}</mark> {chips_html(h.cues)}")
        if h.note:
            out.append(f" <small><em>({html_text(h.note)})</em></small>")
        pos = h.end
    out.append(html_text(narrative[pos:]))
    html_block(f'<div class="wb-prep-narrative" style="line-height:1.7">{"".join(out)}</div>')
    if prep.highlights:
        st.caption(t("interview.prep_highlight_hint"))
    elif prep.triage_note:
        st.caption(prep.triage_note)


def _suggested_questions(prep: Preparation) -> None:
    if not prep.questions:
        st.caption(t("interview.prep_no_questions"))
        return
    sections: dict[str, list] = {}
    for q in prep.questions:
        sections.setdefault(q.section, []).append(q)
    for title, questions in sections.items():
        st.markdown(f"**{title}**")
        for q in questions:
            html_block(f"<div style=\"margin:0 0 .5em .8em\">• {html_text(q.prompt)}"
                       + (f"<br><small style=\"opacity:.75\">{html_text(q.guidance)}</small>"
                          if q.guidance else "") + "</div>")


# --- the record -------------------------------------------------------------------------------


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


# --- questions --------------------------------------------------------------------------------


def _questions(actor: Actor, view: InterviewView, bank: qb.QuestionBank) -> None:
    case_id = view.application_id
    if view.editable:
        st.caption(t("interview.entry_hint"))
    lang = view.record_language  # the bank's texts in the record's language, not the reader's
    sections = bank.visible_sections(view.values, view.profiles)
    missing = set(view.missing_required)
    opened = st.session_state.setdefault(_OPENED, {})
    for number, (section, questions) in enumerate(sections):
        open_count = sum(1 for q in questions if q.id in missing)
        slot = f"{case_id}:{section.id}"
        key = section_key(case_id, section.id)
        expanded = opened.get(slot, number == 0)
        # A closed section's label and icon say what is still open in it. An open one keeps
        # a label that does not change as its answers are saved: a changed label makes a new
        # expander, which would take the focus from the field being typed in (the count is
        # in the section, and the total at the top). A new expander opens as the user last
        # left it, kept here.
        label = section.title_in(lang)
        if open_count and not expanded:
            label += " · " + tn("interview.section_open", open_count)
        icon = (":material/edit_note:" if expanded else
                ":material/pending:" if open_count else ":material/check_circle:")
        box = st.expander(label, expanded=expanded, key=key, on_change=_remember_open,
                          args=(slot, key), icon=icon)
        opened[slot] = bool(box.open)
        if not box.open:
            continue  # only the sections open on screen are built
        with box:
            if section.guidance_in(lang):
                st.caption(section.guidance_in(lang))
            if not view.editable:
                _answers_read_only(actor, view, bank, questions)
                continue
            for question in questions:
                if question.type == "incidents":
                    _incidents(actor, view, question)
                else:
                    # One block per question: its saved/error line coming and going does
                    # not move the questions after it (a moved field loses the focus).
                    with st.container(key=f"iv_a_{case_id}_{question.id.replace('.', '__')}",
                                      gap="small"):
                        _answer_widget(actor, view, bank, question)
            if open_count:  # last, so that its going does not move anything either
                st.caption(tn("interview.section_open", open_count))


def _remember_open(slot: str, key: str) -> None:
    """The user opened or closed a section (kept even if the section's label has changed
    since the page they clicked was drawn)."""
    st.session_state.setdefault(_OPENED, {})[slot] = bool(st.session_state.get(key))


_QA_STYLE = ("display:grid;grid-template-columns:minmax(14em,2fr) 3fr;gap:.35em 1.5em;"
             "margin:.2em 0 .8em 0")


def _answers_read_only(actor: Actor, view: InterviewView, bank: qb.QuestionBank,
                       questions: list[qb.Question]) -> None:
    """Questions and answers side by side (the incident table where it belongs)."""
    rows: list[str] = []

    def flush() -> None:
        if rows:
            html_block(f'<div class="wb-iv-answers" style="{_QA_STYLE}">{"".join(rows)}</div>')
            rows.clear()

    for question in questions:
        if question.type == "incidents":
            flush()
            _incidents(actor, view, question)
            continue
        stored = view.answers.get(question.id)
        value = stored.value if stored else None
        if question.type == "long_text" and value:
            answer_html = "<br>".join(html_text(line) for line in str(value).splitlines())
        else:
            answer_html = html_text(answer_words(question, value, bank,
                                                 view.record_language))
        prompt = question.prompt_in(view.record_language)
        rows.append(f'<div style="opacity:.7;font-size:.9em">{html_text(prompt)}</div>'
                    f"<div>{answer_html}</div>")
    flush()


def answer_words(question: qb.Question, value: Any, bank: qb.QuestionBank,
                 language: str = "en") -> str:
    """An answer as the page words it (choices with the labels their widgets show, in the
    record's ``language``: the stored value is the same in every language)."""
    if value is None or value == "" or value == []:
        return "—"
    if question.type == "yes_no":
        return t("interview.yes") if value else t("interview.no")
    if question.type in ("choice", "multi_choice"):
        label = _choice_label(question, bank, language)
        return ", ".join(label(v) for v in value) if isinstance(value, list) else label(value)
    return format_answer(question, value)


def _md(text: str) -> str:
    return md(text)


def _choice_label(question: qb.Question, bank: qb.QuestionBank,
                  language: str = "en") -> Callable[[Any], str]:
    """How a widget words a stored choice value in ``language``."""
    if question.id == qb.PROFILES_QUESTION:
        return lambda code: (bank.profiles[code].label_in(language) if code in bank.profiles
                             else str(code))
    return lambda value: question.choice_label(value, language)


def to_widget(question: qb.Question, value: Any) -> Any:
    """The stored answer as its widget holds it."""
    kind = question.type
    if kind in ("text", "long_text"):
        return "" if value is None else str(value)
    if kind == "yes_no":
        return value if isinstance(value, bool) else None
    if kind == "date":
        # Typed, in the reader's form (令和7年12月7日 (2025年) or 2025-12-07); read back by
        # ``_from_widget`` whichever form the user types.
        if not isinstance(value, date):
            try:
                value = date.fromisoformat(str(value)) if value else None
            except ValueError:
                return ""
        return format_date(value, current_language(), empty="") if value else ""
    if kind == "number":
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value if isinstance(value, int | float) else None
    if kind == "choice":
        return value if value in question.choices else None
    if kind == "multi_choice":
        return [v for v in (value or []) if v in question.choices]
    return value


def _answer_widget(actor: Actor, view: InterviewView, bank: qb.QuestionBank,
                   question: qb.Question) -> None:
    case_id = view.application_id
    key = widget_key(case_id, question.id)
    slot = f"{case_id}:{question.id}"
    loaded = st.session_state.setdefault(_LOADED, {})
    statuses = st.session_state.setdefault(_STATUS, {})
    stored = view.answers.get(question.id)
    stored_version = stored.version if stored else 0
    status = statuses.get(slot)
    pending_error = status is not None and not status["ok"]
    # Show the stored answer when the widget first appears, and again when it changed
    # elsewhere while nothing of the user's is pending here.
    if key not in st.session_state or (loaded.get(slot) != stored_version
                                       and not pending_error):
        st.session_state[key] = to_widget(question, stored.value if stored else None)
        loaded[slot] = stored_version
    lang = view.record_language
    label = _md(question.prompt_in(lang))
    if question.required:
        label = required_label(label)
    common = {"key": key, "help": question.guidance_in(lang) or None, "on_change": _on_answer,
              # The value before this change: a choice that stands alone replaces the others
              # (or is replaced by the one just ticked).
              "args": (actor, case_id, question, key, st.session_state.get(key))}
    kind = question.type
    if kind == "text":
        st.text_input(label, max_chars=2000, **common)
    elif kind == "long_text":
        st.text_area(label, max_chars=20000, height=110, **common)
    elif kind == "yes_no":
        st.radio(label, [True, False], index=None, horizontal=True,
                 format_func=lambda v: t("interview.yes") if v else t("interview.no"), **common)
    elif kind == "date":
        st.text_input(label, max_chars=40, placeholder=t("date_field.placeholder"), **common)
    elif kind == "number":
        whole = not isinstance(st.session_state.get(key), float)
        st.number_input(label, value=None, min_value=0 if whole else 0.0,
                        step=1 if whole else 0.1, placeholder=t("interview.number_hint"),
                        **common)
    elif kind == "choice":
        st.selectbox(label, list(question.choices), index=None,
                     placeholder=t("interview.choose"),
                     format_func=_choice_label(question, bank, lang), **common)
    elif kind == "multi_choice":
        st.multiselect(label, list(question.choices), placeholder=t("interview.choose_any"),
                       format_func=_choice_label(question, bank, lang), **common)
    if question.id == qb.PROFILES_QUESTION and not stored:
        suggested = [bank.profiles[c].label_in(lang) for c in sorted(view.profiles)
                     if c in bank.profiles]
        st.caption(t("interview.profiles_suggested", profiles=", ".join(suggested))
                   if suggested else t("interview.profiles_none_suggested"))
    if status is None:
        return
    if status["ok"]:
        st.caption(f":green[{status['text']}]")
        return
    st.error(status["text"])
    left, right = st.columns(2)
    if status.get("stale"):
        left.button(t("interview.keep_mine"), key=f"iv_keep_{key[5:]}", on_click=_keep_mine,
                    args=(actor, case_id, question, key, stored_version))
    right.button(t("interview.take_stored"), key=f"iv_take_{key[5:]}", on_click=_take_stored,
                 args=(case_id, question, key, stored.value if stored else None,
                       stored_version))


class _DateRefused(ValueError):
    """A typed date answer that is not a date the interview can take (the reason, worded)."""


def _from_widget(question: qb.Question, value: Any) -> Any:
    if question.type == "date":
        return _typed_date(value, question.id)
    if question.type == "multi_choice":
        return list(value or [])
    if question.type in ("text", "long_text"):
        return value or None
    return value


def _store(actor: Actor, case_id: int, question: qb.Question, value: Any,
           expected: int) -> None:
    """Save one answer and note the outcome for the widget to show (a callback: it runs
    before the page, which then shows the questions the new answer opens)."""
    slot = f"{case_id}:{question.id}"
    loaded = st.session_state.setdefault(_LOADED, {})
    statuses = st.session_state.setdefault(_STATUS, {})
    try:
        with unit_of_work(get_engine()) as session:
            saved = save_answer(session, actor=actor, application_id=case_id,
                                question_id=question.id, value=value,
                                expected_version=expected)
    except WorkbenchError as exc:
        statuses[slot] = {"ok": False, "text": str(exc), "stale": isinstance(exc, StaleEdit)}
        return
    except Exception as exc:  # noqa: BLE001
        ref = uuid.uuid4().hex[:8]
        log.error("unexpected error %s: %s", ref, type(exc).__name__)
        statuses[slot] = {"ok": False, "text": t("app.error", ref=ref), "stale": False}
        return
    loaded[slot] = saved.version
    for other in [s for s, v in statuses.items() if v["ok"]]:
        del statuses[other]
    statuses[slot] = {"ok": True, "stale": False, "text": t(
        "interview.saved", time=fmt_datetime(saved.updated_at).split(" ")[-1])}


def _typed_date(text: Any, question_id: str = "") -> date | None:
    """The date typed as an answer, in either form; _DateRefused says why it cannot be.
    Answers tell of the past, but for a deadline given at the interview (``*_deadline``)."""
    if isinstance(text, date):
        return text
    if not text or not str(text).strip():
        return None
    try:
        day = parse_date(str(text))
    except DateFormatError:
        raise _DateRefused(t("date_field.unreadable", text=str(text).strip())) from None
    if day < _EARLIEST:
        raise _DateRefused(t("date_field.too_early", date=fmt_date(_EARLIEST)))
    if day > clock.today() and not question_id.endswith("_deadline"):
        raise _DateRefused(t("date_field.too_late", date=fmt_date(clock.today())))
    return day


def _refuse_typed(case_id: int, question: qb.Question, reason: str) -> None:
    st.session_state.setdefault(_STATUS, {})[f"{case_id}:{question.id}"] = {
        "ok": False, "text": reason, "stale": False}


def _on_answer(actor: Actor, case_id: int, question: qb.Question, key: str,
               before: Any = None) -> None:
    loaded = st.session_state.setdefault(_LOADED, {})
    try:
        value = _from_widget(question, st.session_state.get(key))
    except _DateRefused as refused:
        _refuse_typed(case_id, question, str(refused))
        return
    note = None
    if question.exclusive_choices and isinstance(value, list):
        kept = question.without_contradiction(before or [], value)
        if kept != value:
            # "None identified" and a ground cannot both stand: the one just ticked does.
            st.session_state[key] = kept
            note = t("interview.exclusive_kept")
            value = kept
    _store(actor, case_id, question, value, loaded.get(f"{case_id}:{question.id}", 0))
    status = st.session_state.setdefault(_STATUS, {}).get(f"{case_id}:{question.id}")
    if note and status and status["ok"]:
        status["text"] += " · " + note


def _keep_mine(actor: Actor, case_id: int, question: qb.Question, key: str,
               stored_version: int) -> None:
    try:
        value = _from_widget(question, st.session_state.get(key))
    except _DateRefused as refused:
        _refuse_typed(case_id, question, str(refused))
        return
    _store(actor, case_id, question, value, stored_version)


def _take_stored(case_id: int, question: qb.Question, key: str, value: Any,
                 stored_version: int) -> None:
    st.session_state[key] = to_widget(question, value)
    st.session_state.setdefault(_LOADED, {})[f"{case_id}:{question.id}"] = stored_version
    st.session_state.setdefault(_STATUS, {}).pop(f"{case_id}:{question.id}", None)


# --- incidents --------------------------------------------------------------------------------


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
