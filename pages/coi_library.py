"""COI library: search with the portals' query language and facet filters, results as cards
with the words in context; from a case file (``?case=ID``) each result can be cited in that
case. Administrators also add documents and keep the source registry here."""

import streamlit as st

from workbench.core.i18n import t
from workbench.core.permissions import Action, may
from workbench.ui.core.session import require_actor
from workbench.ui.core.widgets import show_flash
from workbench.ui.library.citing import cite_target, citing_banner
from workbench.ui.library.needs_review import review_panel
from workbench.ui.library.search import search_panel
from workbench.ui.library.sources import sources_panel
from workbench.ui.library.upload import upload_panel

actor = require_actor()
st.title(t("coi.heading"))
show_flash()

target = cite_target(actor)
if target is not None:
    citing_banner(actor, target)

if may(actor, Action.COI_INGEST):
    search_tab, add_tab, review_tab, sources_tab = st.tabs(
        [t("coi.tab_search"), t("coi.tab_add"), t("coi.tab_review"), t("coi.tab_sources")])
    with add_tab:
        upload_panel(actor)
    with review_tab:
        review_panel(actor)
    with sources_tab:
        sources_panel(actor)
    with search_tab:
        search_panel(actor, target)
else:
    search_panel(actor, target)
