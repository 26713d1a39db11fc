"""Country information in the case file: the passages cited in this case (each with its
formatted reference, the finding it supports and who cited it), the library's suggestions
for the applicant's nationality and claim, and the way into the library to search for more.

A fragment: citing, removing or opening a quote reruns this section alone.
"""

from __future__ import annotations

import streamlit as st

from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.errors import WorkbenchError
from workbench.core.i18n import t, tn
from workbench.intake.case_file import CaseFile
from workbench.library.citations import case_citations, remove_citation
from workbench.library.suggestions import suggestions_for_case
from workbench.ui.core import nav
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.session import fragment, kept
from workbench.ui.core.text import html_text, md, tm
from workbench.ui.library.citing import CiteTarget, hit_card, may_cite, rerun
from workbench.ui.library.shared import document_link, fmt_day, html_block, purpose_label

SUGGESTIONS = 5
_NOTICE_KEY = "wb_coi_section_notice"
_SUGGESTIONS_KEY = "wb_coi_suggestions"
#: Suggestions are kept for the session this long (or until the case changes), so that the
#: reruns of other sections of the case file do not search the library again each time.
_SUGGESTIONS_SECONDS = 600


def _suggestions(session, actor: Actor, app) -> list:  # noqa: ANN001
    return kept(_SUGGESTIONS_KEY, (app.id, app.version), _SUGGESTIONS_SECONDS,
                lambda: suggestions_for_case(session, actor=actor, application_id=app.id,
                                             limit=SUGGESTIONS))


@fragment
def render(case: CaseFile, actor: Actor) -> None:
    app = case.application
    notice = st.session_state.pop(_NOTICE_KEY, None)
    if notice:
        st.success(notice)
    citations, suggestions = [], []
    with shown_errors(stop=False):
        with unit_of_work(get_engine(), write=False) as session:
            citations = case_citations(session, actor=actor, application_id=app.id)
            suggestions = _suggestions(session, actor, app)
    st.page_link(nav.page("coi"), label=t("coi.search_for_case"),
                 query_params={"case": str(app.id)}, icon=":material/travel_explore:")

    st.markdown(f"**{t('coi.citations_heading')}**")
    if not citations:
        st.caption(t("coi.no_citations"))
    else:
        st.caption(tn("coi.citation_count", len(citations)))
    can_cite = may_cite(actor)
    for citation in citations:
        _citation(citation, app.id, actor, can_cite)

    st.markdown(f"**{t('coi.suggestions_heading')}**")
    if not suggestions:
        st.caption(t("coi.no_suggestions"))
        return
    st.caption(t("coi.suggestions_hint"))
    target = CiteTarget(app.id, app.case_number)
    cited = {c.passage_id for c in citations}
    for number, suggestion in enumerate(suggestions, start=1):
        hit_card(suggestion.hit, key=f"suggest_{app.id}_{suggestion.hit.passage_id}",
                 actor=actor, target=target, number=number, reasons=suggestion.reasons,
                 cited=suggestion.hit.passage_id in cited, scope="fragment")


def _citation(citation, case_id: int, actor: Actor, can_cite: bool) -> None:  # noqa: ANN001
    with st.container(border=True):
        html_block(f'<div style="font-size:.95em">{html_text(citation.reference)}</div>')
        st.markdown(f"**{purpose_label(citation.purpose)}:** {md(citation.finding)}"
                    if citation.finding else f"**{purpose_label(citation.purpose)}**")
        st.caption(tm("coi.cited_by", name=citation.created_by or t("timeline.system"),
                      date=fmt_day(citation.created_at)))
        if citation.newer_edition is not None:
            st.info(t("coi.citation_newer_edition"), icon=":material/update:")
        with st.expander(t("coi.quoted_passage"), expanded=False):
            html_block(html_text(citation.quote))
        cols = st.columns([2, 2, 3])
        with cols[0]:
            document_link(citation.document_id, passage_id=citation.passage_id,
                          case_id=case_id, label=t("coi.open_in_library"))
        if citation.newer_edition is not None:
            with cols[1]:
                document_link(citation.newer_edition, case_id=case_id,
                              label=t("coi.open_newer_edition"))
        if can_cite:
            with cols[2]:
                _remove_control(citation, actor)


def _remove_control(citation, actor: Actor) -> None:  # noqa: ANN001
    with st.popover(t("coi.remove_citation"), icon=":material/delete:"):
        with st.form(f"coi_remove_{citation.id}", clear_on_submit=True, border=False):
            reason = st.text_area(t("coi.remove_reason"), max_chars=1000,
                                  key=f"coi_remove_reason_{citation.id}")
            submitted = st.form_submit_button(t("coi.remove_submit"))
    if not submitted:
        return
    if not reason.strip():
        st.warning(t("coi.remove_needs_reason"))
        return
    try:
        with unit_of_work(get_engine()) as session:
            remove_citation(session, actor=actor, citation_id=citation.id, reason=reason)
    except WorkbenchError as exc:
        st.error(md(str(exc)))
        return
    st.session_state[_NOTICE_KEY] = t("coi.citation_removed")
    rerun("fragment")
