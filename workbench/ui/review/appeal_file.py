"""The appeal's file, read-only: the decision under review and its reasons, the grounds and
the evidence filed (each document downloaded on demand, its opening audited), the country
information cited, the interview record and earlier applications.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import t, tn
from workbench.review.appeals import AppealFile, AppealView, CitedPassage
from workbench.review.filing import evidence_file
from workbench.ui.core import nav
from workbench.ui.core.format import fmt_date, fmt_datetime, outcome_label, state_label
from workbench.ui.core.text import html_text, md
from workbench.ui.library.shared import html_block
from workbench.ui.review.shared import FILE_KEY, text_block

_MIME = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg",
         "text": "text/plain"}


def file_tab(actor: Actor, view: AppealView, file: AppealFile) -> None:
    st.subheader(t("appeal.decision_heading"), anchor=False)
    c1, c2 = st.columns(2)
    c1.markdown(t("appeal.decision_outcome", outcome=outcome_label(file.decision_outcome)))
    c2.markdown(t("appeal.decision_notice", date=fmt_date(file.decision_notice_date)))
    st.markdown(f"**{t('appeal.decision_reasons')}**")
    with st.container(border=True):
        text_block(file.decision_reasons, t("appeal.no_reasons"))

    st.subheader(t("appeal.grounds_heading"), anchor=False)
    with st.container(border=True):
        text_block(view.grounds)
    st.caption(t("appeal.hearing_asked") if view.hearing_requested
               else t("appeal.hearing_not_asked"))

    st.subheader(t("appeal.evidence_heading"), anchor=False)
    if not view.documents:
        st.caption(t("appeal.no_evidence"))
    for doc in view.documents:
        left, right = st.columns([4, 1], vertical_alignment="center")
        left.markdown(f"**{md(doc.title)}**  \n"
                      + t("appeal.evidence_line", name=md(doc.file_name),
                          kind=doc.media_type.upper(), size=_size(doc.size_bytes),
                          date=fmt_datetime(doc.added_at)))
        right.download_button(t("appeal.download"), data=_evidence(actor, doc.id),
                              file_name=doc.file_name,
                              mime=_MIME.get(doc.media_type, "application/octet-stream"),
                              on_click="ignore", icon=":material/download:",
                              key=f"appeal_doc_{doc.id}")

    st.subheader(t("appeal.coi_heading"), anchor=False)
    _citations(file.citations)
    if st.button(t("appeal.coi_search"), icon=":material/travel_explore:",
                 key=f"appeal_coi_{view.id}"):
        st.session_state.pop(FILE_KEY, None)  # passages cited there show on return
        st.switch_page(nav.page("coi"), query_params={"case": str(view.application_id)})

    st.subheader(t("appeal.record_heading"), anchor=False)
    _interview(file)
    with st.expander(tn("appeal.incidents", len(file.incidents)),
                     icon=":material/event_note:"):
        if not file.incidents:
            st.caption(t("appeal.none_recorded"))
        st.markdown("\n".join(f"- {md(i)}" for i in file.incidents))
    with st.expander(tn("appeal.inconsistencies", len(file.inconsistencies)),
                     icon=":material/rule:"):
        if not file.inconsistencies:
            st.caption(t("appeal.none_recorded"))
        for matter, explanation in file.inconsistencies:
            st.markdown(f"- **{md(matter)}** — "
                        + t("appeal.explanation", text=md(explanation or "—")))
    with st.expander(t("appeal.narrative"), icon=":material/description:"):
        text_block(file.narrative, t("appeal.none_recorded"))
    with st.expander(tn("appeal.earlier", len(file.earlier_applications)),
                     icon=":material/history:"):
        if not file.earlier_applications:
            st.caption(t("appeal.no_earlier"))
        else:
            st.dataframe([{t("appeal.col_case"): number, t("appeal.col_state"): state_label(s),
                           t("appeal.col_outcome"): outcome_label(o)}
                          for number, s, o in file.earlier_applications],
                         hide_index=True, width="stretch")


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def _evidence(actor: Actor, document_id: int) -> Callable[[], bytes]:
    """The document's bytes, read (and the opening audited) only when it is downloaded."""
    def produce() -> bytes:
        with unit_of_work(get_engine()) as session:
            return evidence_file(session, actor=actor, document_id=document_id)[1]
    return produce


def _citations(citations: Sequence[CitedPassage]) -> None:
    if not citations:
        st.caption(t("appeal.no_citations"))
        return
    for c in citations:
        with st.container(border=True):
            reference = md(c.reference)
            if c.removed:
                st.markdown(f"~~{reference}~~ · **{t('appeal.citation_removed')}**")
            else:
                st.markdown(f"**{reference}**")
            html_block(f'<blockquote style="margin:.2em 0">{html_text(c.quote)}</blockquote>')
            meta = [t("appeal.cited_on", date=fmt_datetime(c.cited_at))]
            if c.finding:
                meta.insert(0, t("appeal.supports", finding=md(c.finding)))
            st.caption(" · ".join(meta))


def _interview(file: AppealFile) -> None:
    by_section: dict[str, list[tuple[str, str]]] = {}
    for section, prompt, answer in file.interview_answers:
        by_section.setdefault(section, []).append((prompt, answer))
    with st.expander(tn("appeal.answers", len(file.interview_answers)),
                     icon=":material/record_voice_over:"):
        if not by_section:
            st.caption(t("appeal.no_interview"))
        for section, rows in by_section.items():
            st.markdown(f"**{md(section)}**")
            st.markdown("\n".join(f"- {md(prompt)} — *{md(answer or '—')}*"
                                  for prompt, answer in rows))


__all__ = [
    "file_tab",
]
