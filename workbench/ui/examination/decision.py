"""The decision page of one case: the inquirer drafts the reasons (generated from the
findings, then edited) and sends the draft for approval once nothing is missing; a manager
who did not write it approves it or returns it with a reason; the notice is served; the
final decision is read-only, printed as a notice, and can only be superseded by a new
decision when a manager reopens the case with a reason.

Every transition passes the case version the page was showing, so that a page gone out of
date is refused with who changed the case and when.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from models import CaseState, DecisionStatus, Role
from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.errors import WorkbenchError
from workbench.core.i18n import t
from workbench.examination.assessments import CitationOption, assessment
from workbench.examination.decisions import (
    DecisionDesk,
    DecisionView,
    approve,
    desk,
    generated_reasons,
    notice_pdf,
    reopen_for_new_decision,
    return_draft,
    save_draft,
    serve_notice,
    submit_draft,
)
from workbench.intake.case_file import CaseFile
from workbench.ui.core.confirm import irreversible, not_confirmed
from workbench.ui.core.documents import document_language, file_name
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.format import fmt_date, fmt_datetime, outcome_label
from workbench.ui.core.text import md
from workbench.ui.core.widgets import date_field
from workbench.ui.examination.shared import (
    DECISION_COLOURS,
    decision_status_label,
    loaded_version,
    notify,
    page_header,
    show_notice,
    text_block,
)


def render_page(actor: Actor, case_id: int | None) -> None:
    case = page_header(actor, case_id, "decision")
    app_id = case.application.id
    loaded: tuple[DecisionDesk, tuple[CitationOption, ...]] | None = None
    with shown_errors():
        with unit_of_work(get_engine(), write=False) as session:
            loaded = (desk(session, actor=actor, application_id=app_id),
                      assessment(session, actor=actor, application_id=app_id).citations)
    d, citations = loaded
    area = f"dc_{app_id}"
    show_notice(area)
    current = d.current
    _status(d)
    _returned(case, current)
    if d.may_edit:
        draft = current if current and current.status == DecisionStatus.DRAFT else None
        _editor(actor, d, draft, citations)
        _submission(actor, d, draft)
    elif current is not None and (current.status != DecisionStatus.FINAL
                                  or d.state != CaseState.UNDER_EXAMINATION):
        if current.status == DecisionStatus.DRAFT:
            st.info(t("decision.being_drafted"), icon=":material/edit_note:")
        _read_only(current, citations)
    elif current is not None:  # reopened: the final decision stands until a new one
        st.info(t("decision.reopened_waiting"))
        _read_only(current, citations)
    else:
        st.info(t("decision.none_manager") if actor.role == Role.MANAGER
                else t("decision.none"))
    if current is not None and current.status == DecisionStatus.SUBMITTED:
        _approval(actor, d, current)
    if current is not None and current.status == DecisionStatus.APPROVED:
        _serve(actor, d)
    if current is not None and current.status == DecisionStatus.FINAL:
        _final(actor, d, current)
    _history(d, citations)


def _status(d: DecisionDesk) -> None:
    current = d.current
    row = st.container(horizontal=True, vertical_alignment="center")
    with row:
        if current is None:
            st.badge(t("exam.decision_none"), color="gray")
            return
        st.badge(t("decision.number", number=current.number), color="gray")
        st.badge(decision_status_label(current.status),
                 color=DECISION_COLOURS.get(current.status, "gray"))
        st.badge(outcome_label(current.outcome), color="violet")
        if current.humanitarian_permission:
            st.badge(t("decision.humanitarian"), color="blue")
        st.caption(t("exam.drafted_by", name=current.drafted_by or "—"))


def _returned(case: CaseFile, current: DecisionView | None) -> None:
    """A draft sent back by a manager says why, until it is submitted again."""
    if current is None or current.status != DecisionStatus.DRAFT:
        return
    steps = [e for e in case.events if e.action in ("draft_decision", "return_draft")]
    if steps and steps[-1].action == "return_draft":
        last = steps[-1]
        st.warning(t("decision.returned", name=last.actor_name or "—",
                     date=fmt_datetime(last.occurred_at), reason=md(last.reason or "—")),
                   icon=":material/undo:")


def _citation_lines(ids: Sequence[int], citations: Sequence[CitationOption]) -> None:
    by_id = {c.id: c for c in citations}
    if not ids:
        st.caption(t("decision.no_citations"))
        return
    st.markdown("\n".join(f"{n}. {md(by_id[c].reference)}" if c in by_id
                          else f"{n}. {t('decision.citation_removed')}"
                          for n, c in enumerate(ids, start=1)))


# --- the draft --------------------------------------------------------------------------------


def _editor(actor: Actor, d: DecisionDesk, draft: DecisionView | None,
            citations: Sequence[CitationOption]) -> None:
    case_id = d.application_id
    st.subheader(t("decision.draft_heading"))
    tag = str(draft.id) if draft else "new"
    reasons_key = f"dc_reasons_{case_id}_{tag}"
    cites_key = f"dc_cites_{case_id}_{tag}"
    available = {c.id: c for c in citations}
    if reasons_key not in st.session_state:
        st.session_state[reasons_key] = draft.reasons if draft else ""
    if cites_key not in st.session_state:
        st.session_state[cites_key] = [c for c in (draft.citation_ids if draft else ())
                                       if c in available]
    if draft is None and d.current is not None:
        st.caption(t("decision.new_after_final", number=d.current.number))
    st.button(t("decision.generate"), icon=":material/auto_awesome:",
              key=f"dc_generate_{case_id}", on_click=_generate,
              args=(actor, case_id, reasons_key, cites_key, tuple(available)),
              help=t("decision.generate_help"))
    error = st.session_state.pop(f"dc_generate_error_{case_id}", None)
    if error:
        st.error(error)
    name = f"dc_draft_{case_id}"
    with st.form(name):
        reasons = st.text_area(t("decision.reasons"), key=reasons_key, height=420,
                               placeholder=t("decision.reasons_hint"))
        if available:
            cited = st.multiselect(t("decision.citations"), list(available), key=cites_key,
                                   format_func=lambda c: available[c].reference,
                                   placeholder=t("decision.citations_hint"))
        else:
            cited = []
            st.caption(t("decision.no_case_citations"))
        saved = st.form_submit_button(t("decision.save"), type="primary",
                                      icon=":material/save:")
    expected = loaded_version(name, draft.version if draft else 0, saved)
    if not saved:
        return
    with shown_errors(stop=False):
        with unit_of_work(get_engine()) as session:
            save_draft(session, actor=actor, application_id=case_id, reasons=reasons,
                       citation_ids=cited, expected_version=expected if draft else None)
        notify(f"dc_{case_id}", t("decision.saved"))
        st.rerun()


def _generate(actor: Actor, case_id: int, reasons_key: str, cites_key: str,
              available: tuple[int, ...]) -> None:
    try:
        with unit_of_work(get_engine(), write=False) as session:
            text, used = generated_reasons(session, actor=actor, application_id=case_id)
    except WorkbenchError as exc:
        st.session_state[f"dc_generate_error_{case_id}"] = str(exc)
        return
    st.session_state[reasons_key] = text
    st.session_state[cites_key] = [c for c in used if c in available]
    notify(f"dc_{case_id}", t("decision.generated"))


def _submission(actor: Actor, d: DecisionDesk, draft: DecisionView | None) -> None:
    case_id = d.application_id
    st.subheader(t("decision.submit_heading"))
    if d.blockers:
        st.warning(t("decision.blockers") + "\n\n"
                   + "\n".join(f"- {md(b)}" for b in d.blockers),
                   icon=":material/checklist:")
    elif draft is None:
        st.info(t("decision.save_first"))
    else:
        st.success(t("decision.ready"), icon=":material/task_alt:")
    submit = st.button(t("decision.submit"), type="primary", icon=":material/send:",
                       disabled=not d.may_submit, key=f"dc_submit_{case_id}")
    expected = loaded_version(f"dc_case_{case_id}", d.case_version, submit)
    if not submit:
        return
    with shown_errors(stop=False):
        with unit_of_work(get_engine()) as session:
            submit_draft(session, actor=actor, application_id=case_id,
                         expected_case_version=expected)
        notify(f"dc_{case_id}", t("decision.submitted"))
        st.rerun()


def _read_only(current: DecisionView, citations: Sequence[CitationOption]) -> None:
    st.subheader(t("decision.reasons"))
    with st.container(border=True):
        text_block(current.reasons)
    st.markdown(f"**{t('decision.citations')}**")
    _citation_lines(current.citation_ids, citations)


# --- approval ---------------------------------------------------------------------------------


def _approval(actor: Actor, d: DecisionDesk, current: DecisionView) -> None:
    case_id = d.application_id
    st.subheader(t("decision.approval_heading"))
    if actor.role != Role.MANAGER:
        st.info(t("decision.waiting_approval"), icon=":material/hourglass_top:")
        return
    if current.drafted_by_id == actor.id:
        st.warning(t("decision.own_draft"), icon=":material/group:")
        return
    if not d.may_approve:
        st.caption(t("decision.cannot_approve"))
        return
    left, right = st.columns([1, 2])
    with left:
        st.caption(t("decision.approve_hint"))
        approved = st.button(t("decision.approve"), type="primary", icon=":material/verified:",
                             key=f"dc_approve_{case_id}")
    with right, st.form(f"dc_return_{case_id}"):
        reason = st.text_area(t("decision.return_reason"), height=80)
        returned = st.form_submit_button(t("decision.return"), icon=":material/undo:")
    expected = loaded_version(f"dc_case_{case_id}", d.case_version, approved or returned)
    if approved:
        with shown_errors(stop=False):
            with unit_of_work(get_engine()) as session:
                approve(session, actor=actor, application_id=case_id,
                        expected_case_version=expected)
            notify(f"dc_{case_id}", t("decision.approved"))
            st.rerun()
    if returned:
        with shown_errors(stop=False):
            with unit_of_work(get_engine()) as session:
                return_draft(session, actor=actor, application_id=case_id, reason=reason,
                             expected_case_version=expected)
            notify(f"dc_{case_id}", t("decision.returned_done"))
            st.rerun()


def _serve(actor: Actor, d: DecisionDesk) -> None:
    case_id = d.application_id
    st.subheader(t("decision.serve_heading"))
    current = d.current
    st.caption(t("exam.approved_by", name=current.approved_by or "—",
                 date=fmt_datetime(current.approved_at)))
    if not d.may_serve:
        st.info(t("decision.waiting_notice"))
        return
    today = clock.today()
    with st.form(f"dc_serve_{case_id}"):
        notice = date_field(t("decision.notice_date"), today, key=f"dc_notice_{case_id}",
                            max_value=today, help=t("decision.notice_help"))
        understood = irreversible(t("decision.serve_irreversible"), f"dc_serve_sure_{case_id}")
        served = st.form_submit_button(t("decision.serve"), type="primary",
                                       icon=":material/mark_email_read:")
    expected = loaded_version(f"dc_case_{case_id}", d.case_version, served)
    if not served or notice is None:
        return
    if not understood:
        not_confirmed()
        return
    with shown_errors(stop=False):
        with unit_of_work(get_engine()) as session:
            serve_notice(session, actor=actor, application_id=case_id, notice_date=notice,
                         expected_case_version=expected)
        notify(f"dc_{case_id}", t("decision.served"))
        st.rerun()


# --- the final decision -----------------------------------------------------------------------


def _final(actor: Actor, d: DecisionDesk, current: DecisionView) -> None:
    case_id = d.application_id
    st.subheader(t("decision.final_heading"))
    c1, c2, c3 = st.columns(3)
    c1.metric(t("decision.notice_served"), fmt_date(current.notice_date))
    if current.review_deadline is not None:
        c2.metric(t("decision.review_deadline"), fmt_date(current.review_deadline))
    else:
        c2.metric(t("decision.review_deadline"), "—")
        c2.caption(t("exam.no_review"))
    # A name with its office is longer than a metric shows (it would be cut off with "…"):
    # the label and the name as text, which wraps.
    with c3.container(gap=None):
        st.caption(t("decision.approved_by_label"))
        st.markdown(md(current.approved_by or "—"))
    row = st.container(horizontal=True, vertical_alignment="center")
    with row:
        # Japanese, the office's official language, unless English is chosen.
        language = document_language(f"dc_notice_lang_{case_id}_{current.id}", "ja")
        st.download_button(
            t("decision.notice_download"), icon=":material/download:", on_click="ignore",
            data=_notice(actor, case_id, current.id, language),
            file_name=file_name(f"notice-{d.case_number}-D{current.number}", language),
            mime="application/pdf", key=f"dc_notice_{case_id}_{current.id}")
    if not d.may_reopen:
        return
    with st.expander(t("decision.reopen_heading"), icon=":material/restart_alt:"):
        with st.form(f"dc_reopen_{case_id}", border=False):
            st.caption(t("decision.reopen_hint"))
            reason = st.text_area(t("decision.reopen_reason"), height=80)
            reopened = st.form_submit_button(t("decision.reopen"))
        expected = loaded_version(f"dc_case_{case_id}", d.case_version, reopened)
        if reopened:
            with shown_errors(stop=False):
                with unit_of_work(get_engine()) as session:
                    reopen_for_new_decision(session, actor=actor, application_id=case_id,
                                            reason=reason, expected_case_version=expected)
                notify(f"dc_{case_id}", t("decision.reopened"))
                st.rerun()


def _notice(actor: Actor, case_id: int, decision_id: int, language: str):  # noqa: ANN202
    def produce() -> bytes:
        with unit_of_work(get_engine()) as session:
            return notice_pdf(session, actor=actor, application_id=case_id,
                              decision_id=decision_id, language=language)
    return produce


def _history(d: DecisionDesk, citations: Sequence[CitationOption]) -> None:
    earlier = [v for v in d.history if d.current is None or v.id != d.current.id]
    if not earlier:
        return
    st.subheader(t("decision.history"))
    numbers = {v.id: v.number for v in d.history}
    for v in earlier:
        label = t("decision.history_item", number=v.number, outcome=outcome_label(v.outcome),
                  status=decision_status_label(v.status))
        with st.expander(label, icon=":material/history:"):
            if v.status == DecisionStatus.SUPERSEDED:
                st.warning(t("decision.superseded_by",
                             number=numbers.get(v.superseded_by_id, "—")))
            st.caption(" · ".join(filter(None, [
                t("exam.drafted_by", name=v.drafted_by or "—"),
                t("exam.approved_by", name=v.approved_by, date=fmt_datetime(v.approved_at))
                if v.approved_by else None,
                t("exam.notice_served", date=fmt_date(v.notice_date))
                if v.notice_date else None])))
            if v.supersede_reason:
                st.caption(t("decision.supersedes_because", reason=md(v.supersede_reason)))
            text_block(v.reasons)
            _citation_lines(v.citation_ids, citations)
