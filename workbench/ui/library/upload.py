"""Adding documents (administrators): uploaded files go through the same sandboxed ingestion
as the command line, each file's outcome is listed, and the documents just added are shown
with what looks wrong in their details.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import t, tn
from workbench.core.settings import get_settings
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.text import md, tnm
from workbench.ui.core.widgets import date_field, date_refused
from workbench.ui.library.needs_review import review_card
from workbench.ui.library.shared import country_codes, country_name, document_link

UPLOAD_TYPES = ("pdf", "html", "htm", "txt")
_OUTCOMES_KEY = "wb_coi_upload_outcomes"


def upload_panel(actor: Actor) -> None:
    """Files go to a private temporary folder, then through the same ingestion as the
    command line (sandboxed extraction, one transaction per file); each file's outcome is
    listed, and a failed file never stops the others."""
    import tempfile
    from pathlib import Path

    from coi.ingest import DocumentFields
    from workbench.library.ingestion import ingest_files
    from workbench.library.sources import list_sources

    settings = get_settings()
    with shown_errors(stop=False):
        with unit_of_work(get_engine(), write=False) as session:
            sources = list_sources(session, actor=actor)
    st.caption(t("coi.upload_intro", mb=settings.coi_max_file_mb))
    with st.form("coi_upload", clear_on_submit=True):
        files = st.file_uploader(t("coi.upload_files"), type=list(UPLOAD_TYPES),
                                 accept_multiple_files=True,
                                 max_upload_size=settings.coi_max_file_mb)
        source = st.selectbox(t("coi.upload_source"), [None, *[s.key for s in sources]],
                              format_func=lambda k: t("coi.upload_recognise") if k is None
                              else next(f"{s.name} ({s.short_name})" for s in sources
                                        if s.key == k))
        countries = st.multiselect(t("coi.upload_countries"), country_codes(),
                                   format_func=country_name,
                                   help=t("coi.upload_countries_help"),
                                   placeholder=t("widgets.choose_options"))
        published = date_field(t("coi.upload_published"), key="coi_upload_published",
                               max_value=clock.today(), required=False,
                               help=t("coi.upload_published_help"))
        submitted = st.form_submit_button(t("coi.upload_submit"), type="primary",
                                          icon=":material/upload_file:")
    if submitted and not date_refused("coi_upload_published"):
        if not files:
            st.warning(t("coi.upload_none"))
        else:
            fields = DocumentFields(source_key=source, countries=tuple(countries) or None,
                                    published=published)
            bar = st.progress(0.0, text=tn("coi.upload_progress", len(files), done=0,
                                           total=len(files), name=""))

            def report(done: int, total: int, outcome) -> None:  # noqa: ANN001
                bar.progress(done / total, text=tnm("coi.upload_progress", total, done=done,
                                                    total=total, name=outcome.path))

            outcomes = None
            with tempfile.TemporaryDirectory(prefix="coi-upload-") as folder:
                paths = []
                for index, upload in enumerate(files):
                    # Our own file names: the uploaded name is only shown, never a path.
                    suffix = Path(upload.name).suffix.lower()
                    path = Path(folder) / f"upload-{index:04d}{suffix}"
                    path.write_bytes(upload.getvalue())
                    paths.append(path)
                with shown_errors(stop=False):
                    outcomes = ingest_files(get_engine(), actor=actor, paths=paths,
                                            fields=fields,
                                            display_names=[f.name for f in files],
                                            progress=report)
            bar.empty()
            if outcomes is not None:
                st.session_state[_OUTCOMES_KEY] = [
                    (o.path, o.status, o.message, o.document_id) for o in outcomes]
    outcomes = st.session_state.get(_OUTCOMES_KEY)
    if outcomes:
        added = sum(status == "added" for _, status, _, _ in outcomes)
        failed = sum(status == "failed" for _, status, _, _ in outcomes)
        summary = tn("coi.upload_summary", len(outcomes), added=added, failed=failed,
                     total=len(outcomes))
        (st.warning if failed else st.success)(summary)
        st.dataframe([{
            t("coi.upload_file"): name,
            t("coi.upload_outcome"): t(f"coi.outcome_{status}"),
            t("coi.upload_message"): message,
            t("coi.upload_document"): str(document_id) if document_id else "—",
        } for name, status, message, document_id in outcomes],
            hide_index=True, width="stretch", key="coi_upload_outcomes")
        added_ids = [d for _, status, _, d in outcomes if status == "added" and d]
        if added_ids:
            _added_documents(actor, added_ids)


def _added_documents(actor: Actor, document_ids: Sequence[int]) -> None:
    """A link to each document just added, with what looks wrong in its details."""
    from workbench.library.metadata_review import review_flags

    items = []
    with shown_errors(stop=False):
        with unit_of_work(get_engine(), write=False) as session:
            items = [review_flags(session, actor=actor, document_id=d) for d in document_ids]
    for item in items:
        with st.container(border=True):
            document_link(item.document_id, label=md(item.title))
            if item.flags:
                review_card(actor, item, key=f"added_{item.document_id}", heading=False)
