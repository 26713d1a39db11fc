"""Administrative review in the case file: where the request for review stands (its panel,
the oral opinion statement, the panel's opinion and the ruling) with the way to the appeal;
and, for inquirers and managers, the form to record a request for review received against
the decision (within the window from the notice, or late with the reason given) or, while
the case is still under examination, against inaction.

A fragment: choosing a filing date recomputes the deadline and reruns this section alone.
"""

from __future__ import annotations

import streamlit as st

from models import CaseState, Role
from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import t
from workbench.core.settings import get_settings
from workbench.core.workflow import outcome_reviewable
from workbench.intake.case_file import CaseFile
from workbench.review import appeals, filing
from workbench.review.appeals import AppealView
from workbench.ui.core import nav
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.format import fmt_date, fmt_datetime, state_label
from workbench.ui.core.session import fragment
from workbench.ui.core.text import md
from workbench.ui.core.widgets import date_field
from workbench.ui.review.shared import (
    action_errors,
    basis_label,
    hearing_text,
    ruling_label,
    well_founded_label,
)

_NOTICE_KEY = "wb_review_section_notice"
_EVIDENCE_TYPES = ["pdf", "png", "jpg", "jpeg", "txt"]
#: Requests against a decision; against inaction while the case is still being examined.
_DECIDED = (CaseState.DECIDED, CaseState.FINAL)
_PENDING = (CaseState.SORTING, CaseState.UNDER_EXAMINATION)


@fragment
def render(case: CaseFile, actor: Actor) -> None:
    app = case.application
    notice = st.session_state.pop(_NOTICE_KEY, None)
    if notice:
        st.success(notice, icon=":material/check_circle:")
    appeal: AppealView | None = None
    with shown_errors(stop=False):
        with unit_of_work(get_engine(), write=False) as session:
            appeal = appeals.appeal_for_case(session, actor=actor, application_id=app.id)
    if appeal is not None:
        _summary(appeal)
    kind = _request_kind(case, actor)
    if kind is None:
        if appeal is None:
            st.caption(t("appeal.section_none"))
        return
    if appeal is not None:
        st.divider()
    if kind == "inaction":
        # Most cases under examination never see one: the form opens on request.
        if not st.toggle(t("appeal.inaction_open"), key=f"rv_inaction_open_{app.id}"):
            return
    _request_form(case, actor, kind)


def _request_kind(case: CaseFile, actor: Actor) -> str | None:
    """"decision" or "inaction" when the actor may record a request on this case now."""
    app = case.application
    if actor.role not in (Role.INQUIRER, Role.MANAGER):
        return None
    if (app.state in _DECIDED and app.notice_date is not None and app.review_ruling is None
            and outcome_reviewable(app.outcome, app.application_type)):
        return "decision"
    if app.state in _PENDING:
        return "inaction"
    return None


def _summary(view: AppealView) -> None:
    lines = [
        t("appeal.section_state", state=state_label(view.state), basis=basis_label(view.basis)),
        t("appeal.section_filed", filed=fmt_date(view.filed_date),
          deadline=fmt_date(view.deadline) if view.deadline else t("appeal.no_deadline")),
    ]
    if view.late:
        lines.append(t("appeal.section_late", reason=md(view.late_reason or "—")))
    panel = view.panel
    lines.append(t("appeal.section_panel", panel=md(panel.name),
                   presiding=md(panel.presiding.name if panel.presiding else "—"))
                 if panel else t("appeal.section_no_panel"))
    lines.append(t("appeal.section_hearing", hearing=hearing_text(view)))
    if view.panel_opinion is not None:
        p = view.panel_opinion
        lines.append(t("appeal.section_opinion", finding=well_founded_label(p.well_founded),
                       how=t("appeal.unanimous") if p.unanimous else t("appeal.by_majority"),
                       summary=md(p.summary)))
    if view.ruling:
        lines.append(t("appeal.section_ruling", ruling=ruling_label(view.ruling),
                       date=fmt_datetime(view.ruled_at), gist=md(view.ruling_gist or "—")))
    st.markdown("\n".join(f"- {line}" for line in lines))
    st.page_link(nav.page("appeal"), label=t("appeal.open_appeal"),
                 query_params={"appeal": str(view.id)}, icon=":material/gavel:")


def _request_form(case: CaseFile, actor: Actor, kind: str) -> None:
    app = case.application
    settings = get_settings()
    round_key = f"rv_round_{app.id}"
    tag = f"{app.id}_{st.session_state.get(round_key, 0)}"
    today = clock.today()
    st.markdown(f"**{t('appeal.request_heading')}**")
    against_inaction = False
    deadline = None
    if kind == "inaction":
        against_inaction = st.checkbox(t("appeal.against_inaction"), key=f"rv_inaction_{tag}",
                                       help=t("appeal.against_inaction_help"))
    else:
        deadline = clock.review_deadline(app.notice_date, settings)
    floor = app.notice_date or app.lodged_date
    c1, c2 = st.columns([1, 2], vertical_alignment="center")
    filed = date_field(t("appeal.filed_date"), today, key=f"rv_filed_{tag}", min_value=floor,
                       max_value=today, container=c1)
    late = deadline is not None and filed is not None and filed > deadline
    with c2:
        if deadline is None:
            st.caption(t("appeal.deadline_none"))
        elif late:
            st.warning(t("appeal.deadline_passed", deadline=fmt_date(deadline),
                         notice=fmt_date(app.notice_date),
                         days=settings.review_window_days),
                       icon=":material/schedule:")
        else:
            st.caption(t("appeal.deadline_open", deadline=fmt_date(deadline),
                         notice=fmt_date(app.notice_date), days=settings.review_window_days))
    late_reason = ""
    if late:
        late_reason = st.text_area(t("appeal.late_reason_required"), height=80,
                                   key=f"rv_late_{tag}", help=t("appeal.late_reason_help"))
    grounds = st.text_area(t("appeal.grounds_label"), height=120, key=f"rv_grounds_{tag}",
                           placeholder=t("appeal.grounds_hint"))
    hearing = st.checkbox(t("appeal.hearing_requested"), value=True, key=f"rv_hearing_{tag}")
    files = st.file_uploader(t("appeal.evidence_upload"), type=_EVIDENCE_TYPES,
                             accept_multiple_files=True, key=f"rv_files_{tag}",
                             max_upload_size=settings.appeal_max_file_mb,
                             help=t("appeal.evidence_help", mb=settings.appeal_max_file_mb))
    titles = [st.text_input(t("appeal.evidence_title", name=f.name),
                            key=f"rv_title_{tag}_{f.file_id}") for f in files or []]
    if not st.button(t("appeal.record_request"), type="primary", icon=":material/gavel:",
                     key=f"rv_submit_{tag}"):
        return
    if filed is None:
        st.error(t("appeal.date_missing"))
        return
    evidence = [filing.Evidence(title, f.name, f.getvalue())
                for f, title in zip(files or [], titles, strict=True)]
    with action_errors():
        with unit_of_work(get_engine()) as session:
            view = filing.file_appeal(session, actor=actor, application_id=app.id,
                                      filed_date=filed, grounds=grounds,
                                      hearing_requested=hearing,
                                      late_reason=late_reason or None,
                                      against_inaction=against_inaction, evidence=evidence,
                                      expected_case_version=app.version)
        st.session_state[round_key] = st.session_state.get(round_key, 0) + 1
        st.session_state[_NOTICE_KEY] = t("appeal.request_recorded",
                                          date=fmt_date(view.filed_date),
                                          n=len(view.documents))
        st.rerun()  # the whole case file: its state and timeline have changed
