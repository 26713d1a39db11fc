"""Citing into a case: the case a page cites into (``?case=ID``) and its banner, the "Cite in
this case" form, and the result cards (a search hit or a suggestion) that offer it; used by
the library pages and the case file's COI section.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st

from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import t
from workbench.core.permissions import Action, may
from workbench.library.citations import cite
from workbench.ui.core import nav
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.format import fmt_date
from workbench.ui.core.text import html_text, md, tm
from workbench.ui.library.shared import (
    chips_html,
    document_link,
    html_block,
    purpose_label,
    snippet_html,
    topic_label,
)

PURPOSES = ("finding", "interview", "decision")


# --- citing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CiteTarget:
    """The case a page cites into: its id and number."""

    case_id: int
    case_number: str


_CITED_KEY = "wb_coi_cited"


def _notice_pending(key: str) -> bool:
    notice = st.session_state.get(_CITED_KEY)
    return bool(notice and notice[0] == key)


def cite_notice(key: str) -> None:
    """The success message of a citation made from the form ``key``, once."""
    notice = st.session_state.get(_CITED_KEY)
    if notice and notice[0] == key:
        st.session_state.pop(_CITED_KEY, None)
        st.success(notice[1], icon=":material/check_circle:")


def cite_control(actor: Actor, target: CiteTarget, passage_id: int, *, key: str,
                 scope: str = "app") -> None:
    """A "Cite in this case" popover asking what the passage supports; the service checks
    that the user may cite into the case."""
    label = t("coi.cite_in_case")
    # The form keeps what was typed until the citation is stored: a second click on "Cite"
    # (a double click) sends the same finding again, which the service answers with the
    # citation the first one made, rather than an empty form that cites nothing.
    if st.session_state.pop(f"cite_clear_{key}", False):
        st.session_state[f"cite_finding_{key}"] = ""
    with st.popover(label, icon=":material/format_quote:"):
        with st.form(f"cite_form_{key}", clear_on_submit=False, border=False):
            finding = st.text_area(t("coi.cite_finding"), max_chars=4000,
                                   help=t("coi.cite_finding_help"), key=f"cite_finding_{key}")
            purpose = st.selectbox(t("coi.cite_purpose"), PURPOSES, format_func=purpose_label,
                                   key=f"cite_purpose_{key}")
            submitted = st.form_submit_button(t("coi.cite_submit"), type="primary",
                                              key=f"cite_submit_{key}")
    if not submitted:
        return
    if not finding.strip():
        st.warning(t("coi.cite_needs_finding"))
        return
    with shown_errors(stop=False):
        with unit_of_work(get_engine()) as session:
            view = cite(session, actor=actor, application_id=target.case_id,
                        passage_id=passage_id, finding=finding, purpose=purpose)
        message = "coi.cited_already" if view.already_cited else "coi.cited"
        st.session_state[_CITED_KEY] = (key, tm(message, case=target.case_number))
        st.session_state[f"cite_clear_{key}"] = True
        rerun(scope)


def rerun(scope: str = "app") -> None:
    """Rerun the fragment alone when this run is a fragment rerun, else the whole page
    (``scope="fragment"`` is refused during a full run)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    in_fragment = bool(ctx is not None and ctx.fragment_ids_this_run)
    st.rerun(scope="fragment" if scope == "fragment" and in_fragment else "app")


def may_cite(actor: Actor) -> bool:
    return may(actor, Action.COI_CITE)


# --- result cards ----------------------------------------------------------------------------


def hit_header_html(hit, *, number: int | None = None) -> str:  # noqa: ANN001 - SearchHit
    when = fmt_date(hit.published_on)
    title = html_text(hit.title)
    prefix = f"{number}. " if number is not None else ""
    meta = " · ".join([html_text(hit.source or t("coi.no_source")),
                       html_text(t("coi.published_on", date=when)), html_text(hit.place)])
    return (f'<div style="font-weight:600;font-size:1.05em">{prefix}{title}</div>'
            f'<div style="opacity:.75;font-size:.9em">{meta}</div>')


def hit_card(hit, *, key: str, actor: Actor, target: CiteTarget | None = None,  # noqa: ANN001
             number: int | None = None, reasons: Sequence[str] = (),
             cited: bool = False, scope: str = "app") -> None:
    """One search hit or suggestion: where it is, the words in context, its topics and
    currency warnings, a link to the passage in the document and, when citing for a case,
    the cite control."""
    with st.container(border=True):
        html_block(hit_header_html(hit, number=number))
        if reasons:
            html_block("<ul style='margin:.2em 0 .2em 1.2em;font-size:.9em'>"
                       + "".join(f"<li>{html_text(r)}</li>" for r in reasons) + "</ul>")
        html_block(f'<div class="wb-coi-snippet">{snippet_html(hit.snippet)}</div>')
        if hit.topics:
            html_block(chips_html(topic_label(tp) for tp in hit.topics))
        for warning in hit.warnings:
            st.warning(md(warning), icon=":material/history:")
        cols = st.columns([2, 2, 3])
        with cols[0]:
            document_link(hit.document_id, passage_id=hit.passage_id,
                          case_id=target.case_id if target else None)
        if target is not None and may_cite(actor):
            # A passage is cited once in a case: once it is, the card says so instead of
            # offering to cite it again (the notice of a citation just made says it too).
            if not cited:
                with cols[1]:
                    cite_control(actor, target, hit.passage_id, key=key, scope=scope)
            elif not _notice_pending(key):
                cols[1].caption(t("coi.already_cited"))
        cite_notice(key)


# --- the case cited into ----------------------------------------------------------------------



def cite_target(actor: Actor) -> CiteTarget | None:
    """The case named by ``?case=ID``, when the user may see it (else its error shows)."""
    from workbench.intake.case_file import get_application
    from workbench.ui.core.params import id_param

    case_id = id_param("case")
    if case_id is None:
        return None
    with shown_errors(stop=False):
        with unit_of_work(get_engine(), write=False) as session:
            app = get_application(session, actor=actor, application_id=case_id)
        return CiteTarget(app.id, app.case_number)
    return None


def citing_banner(actor: Actor, target: CiteTarget) -> None:
    with st.container(border=True):
        left, right = st.columns([3, 1])
        if may_cite(actor):
            banner = tm("coi.citing_for", case=target.case_number)
            left.markdown(f":material/format_quote: **{banner}**")
            left.caption(t("coi.citing_hint"))
        else:
            left.markdown(f"**{tm('coi.searching_for', case=target.case_number)}**")
        with right:
            st.page_link(nav.page("case"), label=t("coi.back_to_case"),
                         query_params={"case": str(target.case_id)},
                         icon=":material/arrow_back:")
