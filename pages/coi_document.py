"""A COI document: what it is and who published it, its editions, the library's own copy,
and its text by page or section with paragraph numbers; the passage a link pointed at is shown
first and marked in the text. Administrators correct the metadata here."""

import streamlit as st

from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import t
from workbench.core.permissions import Action, may
from workbench.library.documents import open_document
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.params import id_param
from workbench.ui.core.session import require_actor
from workbench.ui.core.text import md
from workbench.ui.core.widgets import show_flash
from workbench.ui.library.citing import cite_target, citing_banner
from workbench.ui.library.document import (
    document_metadata,
    document_text,
    download,
    edit_document,
    editions,
    passage_you_came_from,
)
from workbench.ui.library.needs_review import document_flags
from workbench.ui.library.shared import library_link

actor = require_actor()
document_id, passage_id = id_param("doc"), id_param("passage")
target = cite_target(actor)
case_id = target.case_id if target else None

library_link(case_id=case_id)
if document_id is None:
    st.title(t("coi.nav_document"))
    st.info(t("coi.choose_document"))
    st.stop()

with shown_errors():
    with unit_of_work(get_engine(), write=False) as session:
        view = open_document(session, actor=actor, document_id=document_id)

st.title(md(view.title), anchor=False)
show_flash()
if target is not None:
    citing_banner(actor, target)
editions(view, case_id=case_id)
if passage_id is not None:
    passage_you_came_from(actor, view, passage_id, target)
if may(actor, Action.COI_EDIT):
    document_flags(actor, view.id)
document_metadata(view)
download(actor, view)
if may(actor, Action.COI_EDIT):
    with st.expander(t("coi.edit_heading"), icon=":material/edit:"):
        edit_document(actor, view)
document_text(view, passage_id)
