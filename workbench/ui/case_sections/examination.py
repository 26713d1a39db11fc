"""The examination in the case file: where the interview, the assessment and the decision
stand, each with the way to its page; and the pieces the three examination pages share (the
case named by ``?case=ID``, the page header with its links, text shown exactly as written,
the version a form was loaded at).
"""

from __future__ import annotations

import re

import streamlit as st

from models import CaseState, DecisionStatus
from workbench.actor import Actor
from workbench.assessments import AssessmentView, assessment
from workbench.cases import CaseFile, open_case
from workbench.db import get_engine, unit_of_work
from workbench.decisions import DecisionDesk, DecisionView, desk
from workbench.i18n import t, tn
from workbench.interviews import InterviewView, interview
from workbench.ui import nav
from workbench.ui.coi import html_block
from workbench.ui.errors import shown_errors
from workbench.ui.format import STATE_COLOURS, fmt_date, fmt_datetime, outcome_label, state_label
from workbench.ui.params import id_param
from workbench.ui.text import html_text, md

#: The case file page keeps the same key: a case opened on any of its pages is audited once
#: per session, not on every page change.
OPENED_KEY = "wb_opened_case"
EXAM_PAGES = ("interview", "assessment", "decision")
_ICONS = {"case": ":material/folder_open:", "interview": ":material/record_voice_over:",
          "assessment": ":material/fact_check:", "decision": ":material/gavel:"}
DECISION_COLOURS = {DecisionStatus.DRAFT: "gray", DecisionStatus.SUBMITTED: "violet",
                    DecisionStatus.APPROVED: "blue", DecisionStatus.FINAL: "green",
                    DecisionStatus.SUPERSEDED: "gray"}


# --- shared by the examination pages ---------------------------------------------------------


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
                         icon=_ICONS[key], disabled=key == current)
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


# --- the case-file section ---------------------------------------------------------------------


def render(case: CaseFile, actor: Actor) -> None:
    app = case.application
    loaded: tuple[InterviewView, AssessmentView, DecisionDesk] | None = None
    with shown_errors(stop=False):
        with unit_of_work(get_engine(), write=False) as session:
            loaded = (interview(session, actor=actor, application_id=app.id),
                      assessment(session, actor=actor, application_id=app.id),
                      desk(session, actor=actor, application_id=app.id))
    if loaded is None:
        return
    record, view, decision = loaded
    if app.state in (CaseState.RECEIVED, CaseState.SORTING):
        st.caption(t("exam.not_yet"))
    params = {"case": str(app.id)}
    columns = st.columns(3)
    cards = ((_interview_lines(record), "interview"), (_assessment_lines(view), "assessment"),
             (_decision_lines(decision, case), "decision"))
    for column, (lines, key) in zip(columns, cards, strict=True):
        with column.container(border=True, height="stretch"):
            # One block per card: the heading with its status, then what stands.
            st.markdown("  \n".join(lines))
            st.page_link(nav.page(key), label=t(f"exam.open_{key}"), query_params=params,
                         icon=_ICONS[key])


def _badge(label: str, colour: str) -> str:
    """A status as highlighted text in the card's one Markdown block (not an ``st.badge``
    element: the case header's badges stay the only ones on the page)."""
    return f":{colour}-background[:{colour}[{label}]]"


def _muted(text: str) -> str:
    return f":gray[{md(text)}]"


def _interview_lines(record: InterviewView) -> list[str]:
    heading = f"**{t('exam.interview_heading')}**"
    if not record.started:
        return [f"{heading} {_badge(t('exam.interview_not_started'), 'gray')}",
                _muted(t("exam.interview_prepare"))]
    if record.closed:
        return [f"{heading} {_badge(t('exam.interview_closed'), 'green')}",
                _muted(t("exam.interview_closed_on", date=fmt_datetime(record.closed_at),
                         sessions=tn("exam.sessions", len(record.sessions))))]
    return [f"{heading} {_badge(t('exam.interview_in_progress'), 'blue')}",
            tn("exam.sessions", len(record.sessions)) + " · "
            + tn("exam.required_open", len(record.missing_required))]


def _assessment_lines(view: AssessmentView) -> list[str]:
    heading = f"**{t('exam.assessment_heading')}**"
    if not view.facts:
        return [f"{heading} {_badge(t('exam.assessment_not_started'), 'gray')}"]
    status = (_badge(t("exam.assessment_complete"), "green") if view.complete
              else _badge(t("exam.assessment_in_progress"), "blue"))
    found = len(view.facts) - len(view.unrated_facts)
    lines = [f"{heading} {status}", tn("exam.facts_found", len(view.facts), found=found,
                                                 total=len(view.facts))]
    if view.proposal.outcome is not None:
        lines.append(t("exam.proposal", outcome=outcome_label(view.proposal.outcome)))
    else:
        lines.append(_muted(view.proposal.explanation))
    if view.chosen_outcome:
        lines.append(t("exam.chosen", outcome=outcome_label(view.chosen_outcome)))
    return lines


def _review_line(current: DecisionView, case: CaseFile) -> str:
    """Until when a review may be requested, or, once requested against this notice, that it
    was (and ruled on): the window is no longer open then."""
    clocks, notice = case.clocks, current.notice_date
    ruled, filed = clocks.get("ruled_on"), clocks.get("review_filed_on")
    if notice is not None and ruled is not None and ruled >= notice:
        return t("exam.review_ruled", date=fmt_date(ruled))
    if notice is not None and filed is not None and filed >= notice:
        return t("exam.review_requested", date=fmt_date(filed))
    return t("exam.review_until", date=fmt_date(current.review_deadline))


def _decision_lines(decision: DecisionDesk, case: CaseFile) -> list[str]:
    heading = f"**{t('exam.decision_heading')}**"
    current = decision.current
    if current is None:
        return [f"{heading} {_badge(t('exam.decision_none'), 'gray')}"]
    lines = [f"{heading} "
             + _badge(decision_status_label(current.status),
                      DECISION_COLOURS.get(current.status, "gray")),
             outcome_label(current.outcome)]
    if current.status == DecisionStatus.FINAL:
        lines.append(_muted(t("exam.notice_served", date=fmt_date(current.notice_date))))
        lines.append(_muted(_review_line(current, case)
                            if current.review_deadline is not None else t("exam.no_review")))
    elif current.status == DecisionStatus.APPROVED:
        lines.append(_muted(t("exam.approved_by", name=current.approved_by or "—",
                              date=fmt_datetime(current.approved_at))))
    else:
        lines.append(_muted(t("exam.drafted_by", name=current.drafted_by or "—")))
    return lines


# --- notices shown where the action was taken -------------------------------------------------


def notify(area: str, message: str) -> None:
    """Show ``message`` as a success notice at ``area`` on the next run."""
    st.session_state[f"wb_notice_{area}"] = message


def show_notice(area: str) -> None:
    message = st.session_state.pop(f"wb_notice_{area}", None)
    if message:
        st.success(message, icon=":material/check_circle:")
