"""Triage in the case file: the latest suggestion with its grounds and evidence, who sorted the
case and whether they followed the suggestion, other person records that may be the same
applicant (with the person's verdict), and what changed since the earlier applications.

A fragment: a decision here reruns this section alone.
"""

from __future__ import annotations

import streamlit as st

from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import t
from workbench.intake.case_file import CaseFile
from workbench.intake.identity_links import identity_candidates, link_identity
from workbench.intake.triage_confirm import may_decide
from workbench.intake.triage_desk import CaseTriage, case_triage, suggest_for_case
from workbench.intake.triage_novelty import NoveltyView, novelty_for_case
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.format import fmt_datetime
from workbench.ui.core.session import fragment
from workbench.ui.core.text import md, tm
from workbench.ui.intake.triage import (
    _esc,
    category_text,
    decision_controls,
    show_evidence,
    show_suggestion,
)

_NOTICE_KEY = "wb_triage_section_notice"
_NOVELTY_KEY = "wb_triage_novelty"


@fragment
def render(case: CaseFile, actor: Actor) -> None:
    notice = st.session_state.pop(_NOTICE_KEY, None)
    if notice:
        st.success(md(notice))
    app = case.application
    view: CaseTriage | None = None
    with shown_errors(stop=False):
        with unit_of_work(get_engine(), write=False) as session:
            view = case_triage(session, actor=actor, application_id=app.id)
    if view is None:
        return
    _suggestion(view, actor)
    _reviews(view)
    st.divider()
    _identity(view, actor)
    st.divider()
    _novelty(view, actor)


def _suggestion(view: CaseTriage, actor: Actor) -> None:
    show_suggestion(view.suggestion)
    if view.suggestion is None:
        if view.unsorted and st.button(t("triage.run_one"),
                                       key=f"case_triage_run_{view.application_id}"):
            with shown_errors(stop=False):
                with unit_of_work(get_engine()) as session:
                    suggest_for_case(session, actor=actor, application_id=view.application_id)
                st.rerun(scope="fragment")
        return
    show_evidence(view.suggestion)
    if view.unsorted and may_decide(actor):
        decision_controls(actor, view, prefix="case_triage")


def _reviews(view: CaseTriage) -> None:
    for r in view.reviews:
        st.markdown(tm("triage.section_sorted_by", category=category_text(r.decided_category),
                       who=r.reviewer or "—", when=fmt_datetime(r.created_at)))
        if not r.agreed:
            st.markdown(tm("triage.section_overridden",
                           suggested=category_text(r.suggested_category),
                           reason=r.reason or "—"))
        if r.qc_verdict:
            st.caption(tm("triage.section_qc", verdict=t(f"triage.qc_{r.qc_verdict}"),
                          who=r.qc_checker or "—",
                          note=f": {r.qc_note}" if r.qc_note else ""))
        elif r.qc_sampled:
            st.caption(t("triage.section_qc_pending"))


def _identity(view: CaseTriage, actor: Actor) -> None:
    st.markdown(f"**{t('triage.identity_heading')}**")
    candidates = []
    with shown_errors(stop=False):
        with unit_of_work(get_engine(), write=False) as session:
            candidates = identity_candidates(session, actor=actor, person_id=view.person_id)
    candidates = [c for c in candidates if c.same or c.link_status]
    if not candidates:
        st.caption(t("triage.identity_none"))
        return
    for c in candidates:
        with st.container(border=True):
            name = " · ".join(n for n in (c.name, c.name_kana, c.name_kanji) if n)
            st.markdown(tm("triage.identity_score", name=name, nationality=c.nationality,
                           year=c.birth_year or "—", score=f"{c.score:.0%}"))
            if c.reasons:
                st.caption(md(" · ".join(c.reasons)))
            if c.case_numbers:
                st.caption(tm("triage.identity_cases", cases=", ".join(c.case_numbers)))
            if c.link_status in ("confirmed", "rejected"):
                st.caption(t(f"triage.identity_status_{c.link_status}"))
            if not may_decide(actor):
                continue
            left, right = st.columns(2)
            same = left.button(t("triage.identity_same"), key=f"identity_same_{c.person_id}",
                               disabled=c.link_status == "confirmed")
            other = right.button(t("triage.identity_not_same"),
                                 key=f"identity_other_{c.person_id}",
                                 disabled=c.link_status == "rejected")
            if same or other:
                with shown_errors(stop=False):
                    with unit_of_work(get_engine()) as session:
                        link_identity(session, actor=actor, person_id=view.person_id,
                                      other_person_id=c.person_id, confirm=same)
                    st.session_state[_NOTICE_KEY] = tm("triage.identity_done", name=c.name)
                    st.session_state.pop(_NOVELTY_KEY, None)
                    st.rerun(scope="fragment")


def _novelty(view: CaseTriage, actor: Actor) -> None:
    st.markdown(f"**{t('triage.novelty_heading')}**")
    if not view.earlier_case_numbers:
        st.caption(t("triage.novelty_none"))
        return
    key = (view.application_id, view.version, tuple(view.earlier_case_numbers))
    kept = st.session_state.get(_NOVELTY_KEY)
    novelty = kept[1] if kept and kept[0] == key else None
    if novelty is None:
        if not st.button(t("triage.novelty_show"), key=f"novelty_{view.application_id}"):
            return
        with shown_errors(stop=False):
            with unit_of_work(get_engine(), write=False) as session:
                novelty = novelty_for_case(session, actor=actor,
                                           application_id=view.application_id)
            st.session_state[_NOVELTY_KEY] = (key, novelty)
    if novelty is None:
        st.caption(t("triage.novelty_none"))
        return
    _novelty_text(novelty)


def _novelty_text(novelty: NoveltyView) -> None:
    st.caption(tm("triage.novelty_legend", cases=", ".join(novelty.earlier_case_numbers)))
    parts = []
    for s in novelty.sentences:
        status = t(f"triage.novelty_status_{s.status}")
        if s.status == "new":
            parts.append(f"<mark>{_esc(s.text)}</mark> <small>({_esc(status)})</small>")
        else:
            where = f"{status}, {s.earlier_case_number}" if s.earlier_case_number else status
            parts.append(f'<span style="opacity:.6">{_esc(s.text)}</span> '
                         f"<small>({_esc(where)})</small>")
    st.markdown(f'<div style="line-height:1.7">{" ".join(parts)}</div>',
                unsafe_allow_html=True)
    if novelty.new_share is not None:
        st.caption(t("triage.novelty_share", share=f"{novelty.new_share:.0%}"))
