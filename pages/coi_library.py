"""COI library: search with the portals' query language and facet filters, results as cards
with the words in context; from a case file (``?case=ID``) each result can be cited in that
case. Administrators also add documents and keep the source registry here."""

import streamlit as st

from workbench.core.i18n import t
from workbench.core.permissions import Action, may
from workbench.ui.core.session import require_actor
from workbench.ui.core.widgets import show_flash
from workbench.ui.library import coi

actor = require_actor()
st.title(t("coi.heading"))
show_flash()

target = coi.cite_target(actor)
if target is not None:
    coi.citing_banner(actor, target)

if may(actor, Action.COI_INGEST):
    search_tab, add_tab, review_tab, sources_tab = st.tabs(
        [t("coi.tab_search"), t("coi.tab_add"), t("coi.tab_review"), t("coi.tab_sources")])
    with add_tab:
        coi.upload_panel(actor)
    with review_tab:
        coi.review_panel(actor)
    with sources_tab:
        coi.sources_panel(actor)
    with search_tab:
        coi.search_panel(actor, target)
else:
    coi.search_panel(actor, target)
