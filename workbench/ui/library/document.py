"""The parts of a document's page: what the document is and who published it, its editions,
the library's own copy, the passage a link pointed at, the text by page or section with
paragraph numbers, and the administrators' metadata form.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.errors import WorkbenchError
from workbench.core.i18n import t
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.format import fmt_date
from workbench.ui.core.text import html_text, md, tm
from workbench.ui.core.widgets import date_field, date_refused
from workbench.ui.library.citing import CiteTarget, cite_control, cite_notice, may_cite
from workbench.ui.library.shared import (
    chips_html,
    country_codes,
    country_list,
    country_name,
    country_names,
    doc_type_label,
    document_link,
    fmt_day,
    html_block,
    kind_label,
    language_label,
    tn_count,
    topic_label,
)

# --- the document page -----------------------------------------------------------------------

_DOC_VERSION_KEY = "wb_coi_doc_version"
EAGER_DOWNLOAD_BYTES = 8 * 1024 * 1024


def _rows_html(rows: Sequence[tuple[str, str]]) -> str:
    """A two-column table of label and value (both escaped here)."""
    cells = "".join(
        f'<tr><th style="text-align:left;vertical-align:top;padding:.15em 1em .15em 0;'
        f'font-weight:600;white-space:nowrap">{html_text(label)}</th>'
        f'<td style="padding:.15em 0;word-break:break-all">{html_text(value)}</td></tr>'
        for label, value in rows)
    return f'<table style="border:none;font-size:.92em">{cells}</table>'


def document_metadata(view) -> None:  # noqa: ANN001 - DocumentView
    """What the document is, where it comes from, and which edition it is."""
    left, right = st.columns([3, 2])
    with left:
        rows = [
            (t("coi.meta_published"), fmt_date(view.published_on)),
            (t("coi.meta_added"), fmt_day(view.ingested_at)),
            (t("coi.meta_countries"), country_list(view.countries)),
            (t("coi.meta_language"), language_label(view.language)),
            (t("coi.meta_type"), doc_type_label(view.doc_type)),
            (t("coi.meta_url"), view.url or "—"),
            (t("coi.meta_file"), f"{view.file_name} · {view.size_bytes / 1024:,.0f} KB"
                                 + (f" · {tn_count('coi.pages', view.page_count)}"
                                    if view.page_count else "")),
            (t("coi.meta_sha256"), view.sha256),
            (t("coi.meta_edition"), str(view.edition)),
            (t("coi.meta_cited"), str(view.cited)),
        ]
        html_block(_rows_html(rows))
        if view.notes:
            st.caption(t("coi.meta_notes") + " " + md("; ".join(
                f"{field}: {why}" for field, why in sorted(view.notes.items()))))
    with right, st.container(border=True):
        source = view.source
        if source is None:
            st.markdown(f"**{t('coi.source')}**")
            st.caption(t("coi.no_source_known"))
        else:
            st.markdown(f"**{t('coi.source')}:** {md(source.name)} "
                        f"({md(source.short_name)}) · {kind_label(source.kind)}")
            if source.mandate:
                html_block(f"<div><b>{html_text(t('coi.source_mandate'))}:</b> "
                           f"{html_text(source.mandate)}</div>")
            if source.description:
                html_block(f"<div><b>{html_text(t('coi.source_description'))}:</b> "
                           f"{html_text(source.description)}</div>")
            st.caption(t("coi.described_on", date=fmt_date(source.reviewed_on)))


def editions(view, *, case_id: int | None) -> None:  # noqa: ANN001
    """Every edition of the report, which one is current, and a warning on a superseded one."""
    current = next((e for e in view.editions if e.current), None)
    if view.superseded_by is not None and current is not None:
        st.warning(tm("coi.doc_superseded", title=current.title,
                     date=fmt_date(current.published_on)), icon=":material/history:")
        document_link(current.id, case_id=case_id, label=t("coi.open_current"))
    if len(view.editions) <= 1:
        return
    st.markdown(f"**{t('coi.editions')}**")
    for edition in view.editions:
        marks = []
        if edition.current:
            marks.append(t("coi.edition_current"))
        if edition.id == view.id:
            marks.append(t("coi.edition_this"))
        label = t("coi.edition_line", edition=edition.edition, title=edition.title,
                  date=fmt_date(edition.published_on))
        if marks:
            label += f" — {', '.join(marks)}"
        if edition.id == view.id:
            st.caption(md(label))
        else:
            document_link(edition.id, case_id=case_id, label=md(label))


def download(actor: Actor, view) -> None:  # noqa: ANN001
    """The library's own copy (links rot; the copy and its hash stay)."""
    from workbench.library.documents import document_file

    def read() -> bytes:
        with unit_of_work(get_engine(), write=False) as session:
            return document_file(session, actor=actor, document_id=view.id)[0]

    mime = {"pdf": "application/pdf", "html": "text/html", "text": "text/plain"}.get(
        view.media_type, "application/octet-stream")
    data = None
    if view.size_bytes <= EAGER_DOWNLOAD_BYTES:
        with shown_errors(stop=False):
            data = read()
        if data is None:
            return
    st.download_button(tm("coi.download", name=view.file_name), data=data or read,
                       file_name=view.file_name, mime=mime, icon=":material/download:",
                       key=f"coi_download_{view.id}")


def _groups(view) -> list[tuple[str, list]]:  # noqa: ANN001
    """Passages by page (PDF) or by section (web pages and text), in document order."""
    groups: list[tuple[str, list]] = []
    for passage in view.passages:
        if passage.page is not None:
            label = t("coi.page_label", page=passage.page)
        else:
            label = passage.section or t("coi.text_label")
        if groups and groups[-1][0] == label:
            groups[-1][1].append(passage)
        else:
            groups.append((label, [passage]))
    return groups


_MARKED = "background:rgba(255,214,10,.35);border-left:3px solid #f0b400;padding-left:.4em"


def _paragraph_html(passage, marked: bool) -> str:  # noqa: ANN001
    style = f' style="{_MARKED}"' if marked else ""
    return (f'<p id="passage-{passage.id}"{style}><span style="opacity:.55;font-size:.8em">'
            f"¶&nbsp;{passage.paragraph}</span> {html_text(passage.text)}</p>")


def passage_you_came_from(actor: Actor, view, passage_id: int,  # noqa: ANN001
                          target: CiteTarget | None) -> None:
    passage = next((p for p in view.passages if p.id == passage_id), None)
    if passage is None:
        st.info(t("coi.passage_missing"))
        return
    from coi.citations import pinpoint

    with st.container(border=True):
        place = pinpoint(passage.page, passage.paragraph, passage.section)
        st.markdown(f"**{t('coi.came_from')}** · {md(place)}")
        html_block(f'<div style="{_MARKED}">{html_text(passage.text)}</div>')
        if passage.topics:
            html_block(chips_html(topic_label(tp) for tp in passage.topics))
        if target is not None and may_cite(actor):
            cite_control(actor, target, passage.id, key=f"doc_{passage.id}")
        cite_notice(f"doc_{passage.id}")


def document_text(view, passage_id: int | None) -> None:  # noqa: ANN001
    groups = _groups(view)
    st.subheader(t("coi.text_heading"))
    if not groups:
        st.caption(t("coi.no_text"))
        return
    st.caption(tn_count("coi.paragraphs", len(view.passages)))
    few = len(groups) <= 3
    for index, (label, passages) in enumerate(groups):
        holds = any(p.id == passage_id for p in passages)
        opening = passage_id is None and index == 0
        with st.expander(md(label), expanded=few or holds or opening):
            html_block("".join(_paragraph_html(p, p.id == passage_id) for p in passages))


def edit_document(actor: Actor, view) -> None:  # noqa: ANN001
    """An administrator corrects the metadata; the save is checked against the version the
    form was loaded at."""
    from coi.ingest import DOC_TYPES
    from workbench.library.documents import DocumentChanges, update_document
    from workbench.library.sources import list_sources
    from workbench.ui.core.widgets import flash

    with shown_errors(stop=False):
        with unit_of_work(get_engine(), write=False) as session:
            sources = list_sources(session, actor=actor)
    versions = st.session_state.setdefault(_DOC_VERSION_KEY, {})
    loaded = versions.setdefault(view.id, view.version)
    source_keys = ["", *[s.key for s in sources]]
    current_source = view.source.key if view.source else ""
    prefix = f"coi_doc_{view.id}"
    with st.form(f"{prefix}_edit"):
        title = st.text_input(t("coi.edit_title"), value=view.title, max_chars=500,
                              key=f"{prefix}_title")
        left, right = st.columns(2)
        published = date_field(t("coi.meta_published"), view.published_on,
                               key=f"{prefix}_published", required=False, container=left)
        clear_published = right.checkbox(t("coi.edit_clear_published"),
                                         key=f"{prefix}_clear_published")
        source = st.selectbox(
            t("coi.source"), source_keys,
            index=source_keys.index(current_source) if current_source in source_keys else 0,
            format_func=lambda k: t("coi.no_source") if not k
            else next(f"{s.name} ({s.short_name})" for s in sources if s.key == k),
            key=f"{prefix}_source")
        countries = st.multiselect(t("coi.meta_countries"), country_codes(),
                                   default=[c for c in view.countries if c in country_names()],
                                   format_func=country_name, key=f"{prefix}_countries",
                                   placeholder=t("widgets.choose_options"))
        primary = st.selectbox(t("coi.edit_primary"), [None, *country_codes()],
                               index=(country_codes().index(view.primary_country) + 1
                                      if view.primary_country in country_names() else 0),
                               format_func=lambda c: "—" if c is None else country_name(c),
                               key=f"{prefix}_primary")
        left, right = st.columns(2)
        language = left.text_input(t("coi.meta_language"), value=view.language, max_chars=8,
                                   key=f"{prefix}_language")
        types = ["", *DOC_TYPES]
        doc_type = right.selectbox(t("coi.meta_type"), types,
                                   index=types.index(view.doc_type or ""),
                                   format_func=lambda d: doc_type_label(d or None),
                                   key=f"{prefix}_doc_type")
        url = st.text_input(t("coi.meta_url"), value=view.url or "", key=f"{prefix}_url")
        saved = st.form_submit_button(t("coi.edit_save"), type="primary")
    if not saved or date_refused(f"{prefix}_published"):
        return
    changes = DocumentChanges(
        title=title, published_on=None if clear_published else published,
        clear_published=clear_published, source_key=source, countries=tuple(countries),
        primary_country=primary, language=language, doc_type=doc_type, url=url)
    try:
        with unit_of_work(get_engine()) as session:
            update_document(session, actor=actor, document_id=view.id,
                            expected_version=loaded, changes=changes)
    except WorkbenchError as exc:
        st.error(md(str(exc)))
        versions[view.id] = view.version  # judged against what is stored from now on
        return
    versions.pop(view.id, None)
    flash(t("coi.edit_saved"))
    st.rerun()
