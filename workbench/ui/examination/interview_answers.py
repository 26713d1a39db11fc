"""The questions of the interview record, section by section: each answer's widget, saved as the
inquirer leaves it (with the stored version, a stale save offering to keep one's own or take
the stored answer), typed dates read in either form, and the answers read-only."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import streamlit as st

from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.dates import DateFormatError, format_date, parse_date
from workbench.core.db import get_engine, unit_of_work
from workbench.core.errors import StaleEdit, WorkbenchError
from workbench.core.i18n import current_language, t, tn
from workbench.examination import question_bank as qb
from workbench.examination.interviews import InterviewView, format_answer, save_answer
from workbench.ui.core.format import fmt_date, fmt_datetime
from workbench.ui.core.text import html_text
from workbench.ui.core.widgets import required_label
from workbench.ui.examination.interview_common import (
    _EARLIEST,
    _LOADED,
    _OPENED,
    _STATUS,
    _md,
    log,
    section_key,
    widget_key,
)
from workbench.ui.examination.interview_incidents import _incidents
from workbench.ui.library.shared import html_block


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
