"""The examination in the case file: where the interview, the assessment and the decision
stand, each with the way to its page."""

from __future__ import annotations

import streamlit as st

from models import CaseState, DecisionStatus
from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import t, tn
from workbench.examination.assessments import AssessmentView, assessment
from workbench.examination.decisions import DecisionDesk, DecisionView, desk
from workbench.examination.interviews import InterviewView, interview
from workbench.intake.case_file import CaseFile
from workbench.ui.core import nav
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.format import (
    fmt_date,
    fmt_datetime,
    outcome_label,
)
from workbench.ui.core.text import md
from workbench.ui.examination.shared import (
    DECISION_COLOURS,
    ICONS,
    decision_status_label,
)

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
                         icon=ICONS[key])


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
