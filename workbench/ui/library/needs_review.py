"""Metadata to review (administrators): documents whose date, title or countries look wrong,
each flag with its one-click fix and "keep as it is"; the list tab, and the flags on a
document's own page.
"""

from __future__ import annotations

import streamlit as st

from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import t
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.format import fmt_date
from workbench.ui.core.text import md, tm
from workbench.ui.library.shared import country_list, document_link


def _flag_text(item, flag) -> str:  # noqa: ANN001 - ReviewItem, Flag
    return tm(f"coi.review_{flag.code}", date=fmt_date(item.published_on), title=item.title)


def _fix_label(flag) -> str:  # noqa: ANN001 - Flag
    if flag.field == "published":
        return t("coi.review_fix_published")
    if flag.field == "title":
        return tm("coi.review_fix_title", value=flag.suggestion or "")
    return tm("coi.review_fix_countries", value=country_list(
        (flag.suggestion or "").split(", ")))


def _resolve(actor: Actor, document_id: int, version: int, code: str, accept: bool) -> None:
    """A flag's button (a callback): apply the suggestion or keep the value."""
    from workbench.library.metadata_review import resolve_flag

    with shown_errors(stop=False):
        with unit_of_work(get_engine()) as session:
            view = resolve_flag(session, actor=actor, document_id=document_id,
                                expected_version=version, code=code, accept=accept)
        st.session_state[_REVIEW_DONE_KEY] = tm(
            "coi.review_fixed" if accept else "coi.review_kept", title=view.title)


_REVIEW_DONE_KEY = "wb_coi_review_done"


def review_card(actor: Actor, item, *, key: str, heading: bool = True) -> None:  # noqa: ANN001
    """One document's flags, each with its one-click fix and "keep as it is"."""
    if heading:
        document_link(item.document_id, label=md(item.title))
    for flag in item.flags:
        st.warning(_flag_text(item, flag), icon=":material/report:")
        fix, keep = st.columns(2)
        if flag.suggestion is not None:
            fix.button(_fix_label(flag), key=f"coi_fix_{key}_{flag.code}", type="primary",
                       on_click=_resolve,
                       args=(actor, item.document_id, item.version, flag.code, True))
        keep.button(t("coi.review_keep"), key=f"coi_keep_{key}_{flag.code}",
                    on_click=_resolve,
                    args=(actor, item.document_id, item.version, flag.code, False))


def review_notice() -> None:
    """The outcome of the last flag clicked, once."""
    done = st.session_state.pop(_REVIEW_DONE_KEY, None)
    if done:
        st.success(done)


def document_flags(actor: Actor, document_id: int) -> None:
    """On a document's page, for administrators: what looks wrong in its details."""
    from workbench.library.metadata_review import review_flags

    review_notice()
    with shown_errors(stop=False):
        with unit_of_work(get_engine(), write=False) as session:
            item = review_flags(session, actor=actor, document_id=document_id)
        if item.flags:
            review_card(actor, item, key=f"doc_{document_id}", heading=False)


def review_panel(actor: Actor) -> None:
    """The documents whose details need a look (see ``coi.review``)."""
    from workbench.library.metadata_review import needs_review

    review_notice()
    st.caption(t("coi.review_intro"))
    items = []
    with shown_errors(stop=False):
        with unit_of_work(get_engine(), write=False) as session:
            items = needs_review(session, actor=actor)
    if not items:
        st.info(t("coi.review_none"))
        return
    for item in items:
        with st.container(border=True):
            review_card(actor, item, key=f"review_{item.document_id}")
