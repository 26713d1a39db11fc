"""The source registry tab (administrators): who publishes, their mandate and how they work,
described (never scored), edited in a form checked against the version it was loaded at.
"""

from __future__ import annotations

import streamlit as st

from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.errors import WorkbenchError
from workbench.core.i18n import t
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.format import date_cell, date_columns
from workbench.ui.core.text import md, tm
from workbench.ui.core.widgets import date_field, date_refused
from workbench.ui.library.shared import kind_label

_SOURCE_VERSION_KEY = "wb_coi_source_version"


def sources_panel(actor: Actor) -> None:
    """The source registry: who publishes, their mandate and how they work, described
    (never scored), and when the description was last reviewed."""
    from workbench.library.sources import SOURCE_KINDS, list_sources, save_source
    from workbench.ui.core.widgets import flash

    with shown_errors(stop=False):
        with unit_of_work(get_engine(), write=False) as session:
            sources = list_sources(session, actor=actor)
    st.dataframe([{
        t("coi.source_key"): s.key, t("coi.source_name"): s.name,
        t("coi.source_short"): s.short_name, t("coi.source_kind"): kind_label(s.kind),
        t("coi.source_documents"): s.documents,
        t("coi.source_reviewed"): date_cell(s.reviewed_on),
    } for s in sources], hide_index=True, width="stretch", key="coi_sources_table",
        column_config=date_columns(t("coi.source_reviewed")))
    keys = [None, *[s.key for s in sources]]
    chosen = st.selectbox(t("coi.source_pick"), keys, key="coi_source_pick",
                          format_func=lambda k: t("coi.source_new") if k is None
                          else next(s.name for s in sources if s.key == k))
    current = next((s for s in sources if s.key == chosen), None)
    loaded = None
    if current is not None:
        versions = st.session_state.setdefault(_SOURCE_VERSION_KEY, {})
        loaded = versions.setdefault(current.key, current.version)
    suffix = chosen or "new"
    # Keyed fields keep what the user typed when the saved source changes under them.
    with st.form(f"coi_source_form_{suffix}"):
        key = st.text_input(t("coi.source_key"), value=current.key if current else "",
                            disabled=current is not None, max_chars=32,
                            help=t("coi.source_key_help"), key=f"coi_src_{suffix}_key")
        name = st.text_input(t("coi.source_name"), value=current.name if current else "",
                             max_chars=200, key=f"coi_src_{suffix}_name")
        short = st.text_input(t("coi.source_short"), max_chars=40,
                              value=current.short_name if current else "",
                              key=f"coi_src_{suffix}_short")
        kind = st.selectbox(t("coi.source_kind"), SOURCE_KINDS, format_func=kind_label,
                            index=SOURCE_KINDS.index(current.kind)
                            if current and current.kind in SOURCE_KINDS else 0,
                            key=f"coi_src_{suffix}_kind")
        mandate = st.text_area(t("coi.source_mandate"),
                               value=current.mandate if current else "",
                               key=f"coi_src_{suffix}_mandate")
        description = st.text_area(t("coi.source_description"),
                                   value=current.description if current else "",
                                   help=t("coi.source_description_help"),
                                   key=f"coi_src_{suffix}_description")
        url = st.text_input(t("coi.source_url"), value=(current.url or "") if current else "",
                            key=f"coi_src_{suffix}_url")
        reviewed = date_field(t("coi.source_reviewed"),
                              current.reviewed_on if current else None,
                              key=f"coi_src_{suffix}_reviewed", max_value=clock.today(),
                              required=False)
        saved = st.form_submit_button(t("coi.source_save"), type="primary")
    if not saved or date_refused(f"coi_src_{suffix}_reviewed"):
        return
    try:
        with unit_of_work(get_engine()) as session:
            result = save_source(session, actor=actor, key=key, name=name,
                                 short_name=short, kind=kind, mandate=mandate,
                                 description=description, url=url.strip() or None,
                                 reviewed_on=reviewed, expected_version=loaded)
    except WorkbenchError as exc:
        st.error(md(str(exc)))
        if current is not None:
            # The user has now been told: a second save is judged against what is stored.
            st.session_state[_SOURCE_VERSION_KEY][current.key] = current.version
        return
    st.session_state.get(_SOURCE_VERSION_KEY, {}).pop(result.key, None)
    flash(tm("coi.source_saved", name=result.name))
    st.rerun()
