"""The interview page's preparation tab: the claim with its highlighted cues and what is new
since an earlier claim, the profiles it raises, the suggested questions, COI passages, and the
preparation sheet as a PDF."""

from __future__ import annotations

import streamlit as st

from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import t
from workbench.examination.preparation import Preparation, preparation, preparation_sheet_pdf
from workbench.ui.core import nav
from workbench.ui.core.documents import document_language, file_name
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.text import html_text
from workbench.ui.examination.interview_common import _pdf
from workbench.ui.library.shared import chips_html, html_block


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
