"""The library's search tab: the search kept in the user's session (it survives a switch to
another page), the search box and the filters in the sidebar, the results a page at a time
or, with nothing to search for, the documents added most recently; opened from a case, it
starts from the applicant's nationality and the claim's key terms.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import streamlit as st

from workbench.core.actor import Actor
from workbench.core.dates import DateFormatError, format_date, parse_date
from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import current_language, t, tn
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.format import fmt_date
from workbench.ui.core.text import html_text, md, tm
from workbench.ui.library.citing import CiteTarget, hit_card
from workbench.ui.library.shared import (
    country_codes,
    country_list,
    country_name,
    doc_type_label,
    document_link,
    fmt_day,
    html_block,
    language_label,
    tn_count,
    topic_codes,
    topic_label,
)

# --- the search kept in the session ----------------------------------------------------------

STATE_KEY = "wb_coi_search"
_WIDGETS_KEY = "wb_coi_search_widgets"
PAGE_KEY = "wb_coi_page"
LAST_REQUEST_KEY = "wb_coi_last_request"

DEFAULTS: dict[str, object] = {
    "query": "", "countries": [], "country_only": False, "not_countries": [],
    "topics": [], "not_topics": [], "sources": [], "not_sources": [], "doc_types": [],
    "languages": [], "published_from": None, "published_to": None, "added_from": None,
    "added_to": None, "current_only": False, "sort": "relevance",
}


def _fresh() -> dict[str, object]:
    return {k: (list(v) if isinstance(v, list) else v) for k, v in DEFAULTS.items()}


class SearchState:
    """The library search as the user left it, in the user's own session keys so that it
    survives a switch to another page (widget keys are dropped when their widget is not
    drawn). Widgets are views of it: each run first takes the values the widgets of the
    previous run hold, then draws the widgets from the values."""

    def __init__(self) -> None:
        stored = st.session_state.setdefault(STATE_KEY, _fresh())
        for field, default in DEFAULTS.items():
            stored.setdefault(field, default)
        self.values: dict[str, object] = stored
        self._widgets: dict[str, str] = st.session_state.setdefault(_WIDGETS_KEY, {})
        for field, key in self._widgets.items():
            if key in st.session_state:
                self.values[field] = st.session_state[key]

    def __getitem__(self, field: str) -> object:
        return self.values[field]

    def bind(self, field: str, key: str) -> str:
        """Draw ``field`` with the widget ``key`` this run (set from the stored value when
        the widget is new or was dropped)."""
        if key not in st.session_state:
            st.session_state[key] = self.values[field]
        self._widgets[field] = key
        return key


def facet_multiselect(state: SearchState, field: str, label: str, *,
                      counts: dict[str, int] | None, fallback: Sequence[str],
                      name: Callable[[str], str], help: str | None = None) -> list[str]:
    """A multiselect over facet values, each shown with its number of matching passages
    ("Afghanistan (42)"). The labels change with the results, and a multiselect reports
    its choice by label, so the widget key follows the labels: a new set of labels is a
    new widget drawn from the stored choice."""
    chosen = [v for v in state[field] or []]
    if counts is not None:
        options = sorted(counts, key=lambda v: (-counts[v], name(v).casefold()))
    else:
        options = list(fallback)
    options += [v for v in chosen if v not in options]

    def fmt(value: str) -> str:
        if counts is None:
            return name(value)
        return f"{name(value)} ({counts.get(value, 0):,})"

    labels = "|".join(fmt(v) for v in options)
    key = f"coi_{field}_{zlib.crc32(labels.encode()):08x}"
    state.bind(field, key)
    return st.multiselect(label, options, format_func=fmt, key=key, help=help,
                          placeholder=t("widgets.choose_options"))


def plain_multiselect(state: SearchState, field: str, label: str, options: Sequence[str], *,
                      name: Callable[[str], str], help: str | None = None) -> list[str]:
    chosen = [v for v in state[field] or []]
    opts = list(options) + [v for v in chosen if v not in options]
    key = state.bind(field, f"coi_{field}")
    return st.multiselect(label, opts, format_func=name, key=key, help=help,
                          placeholder=t("widgets.choose_options"))


def date_or_none(value: object) -> date | None:
    """A filter's date: kept as a date, or typed in either form (2025-12-07, 令和7年12月7日)."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return parse_date(value)
        except DateFormatError:
            return None
    return None


def _date_filter(where: Any, state: SearchState, field: str, key: str, label: str) -> None:
    """A date bound of the search, typed in either form and read back under the field; a
    text that is not a date is said so and leaves that bound open."""
    if key not in st.session_state:
        value = state.values[field]
        st.session_state[key] = (format_date(value, current_language(), empty="")
                                 if isinstance(value, date) else str(value or ""))
    state.bind(field, key)
    text = where.text_input(label, key=key, placeholder=t("date_field.placeholder"))
    if text and text.strip():
        day = date_or_none(text)
        if day is None:
            where.error(t("date_field.unreadable", text=text.strip()),
                        icon=":material/event_busy:")
        else:
            where.caption(t("date_field.read_as", date=fmt_date(day)))


def clear_search() -> None:
    """Back to an empty search (a button callback: runs before the widgets are drawn)."""
    for key in st.session_state.get(_WIDGETS_KEY, {}).values():
        st.session_state.pop(key, None)
    st.session_state.pop(_WIDGETS_KEY, None)
    st.session_state[STATE_KEY] = _fresh()
    st.session_state[PAGE_KEY] = 1


# --- the library search ----------------------------------------------------------------------

PAGE_SIZE = 20
RECENT_COUNT = 15


def _request(state: SearchState, page: int):  # noqa: ANN202 - SearchRequest
    from coi.search_request import FacetFilter, SearchRequest

    def tup(field: str) -> tuple[str, ...]:
        return tuple(state[field] or ())

    return SearchRequest(
        query=str(state["query"] or ""),
        countries=FacetFilter(tup("countries"), tup("not_countries")),
        country_only=bool(state["country_only"]),
        topics=FacetFilter(tup("topics"), tup("not_topics")),
        sources=FacetFilter(tup("sources"), tup("not_sources")),
        doc_types=FacetFilter(tup("doc_types")), languages=FacetFilter(tup("languages")),
        published_from=date_or_none(state["published_from"]),
        published_to=date_or_none(state["published_to"]),
        added_from=date_or_none(state["added_from"]),
        added_to=date_or_none(state["added_to"]),
        current_only=bool(state["current_only"]),
        sort=str(state["sort"] or "relevance"), limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE)


def _searchable(request) -> bool:  # noqa: ANN001
    """Something to search for: words, a facet to include, or current editions."""
    return bool(request.query.strip() or request.countries.include or request.topics.include
                or request.sources.include or request.doc_types.include
                or request.languages.include or request.current_only)


def _query_help() -> None:
    with st.popover(t("coi.query_help"), icon=":material/help:"):
        st.markdown(t("coi.query_help_text"))


def _set_page(page: int) -> None:
    st.session_state[PAGE_KEY] = page


def search_panel(actor: Actor, target: CiteTarget | None) -> None:
    """The search box, the filters (in the sidebar) and the results or, with nothing to
    search for, the documents added most recently."""
    from workbench.library.citations import case_citations
    from workbench.library.search import search
    from workbench.library.sources import list_sources

    state = SearchState()
    if target is not None:
        _from_case(actor, target, state)
    page = int(st.session_state.get(PAGE_KEY, 1) or 1)
    request = _request(state, 1)
    if st.session_state.get(LAST_REQUEST_KEY) != request:
        page = 1  # a new search starts on its first page
    st.session_state[LAST_REQUEST_KEY] = request
    st.session_state[PAGE_KEY] = page
    request = _request(state, page)

    result = None
    sources = []
    cited: set[int] = set()
    with shown_errors(stop=False):
        with unit_of_work(get_engine(), write=False) as session:
            sources = list_sources(session, actor=actor)
            if target is not None:
                cited = {c.passage_id for c in case_citations(
                    session, actor=actor, application_id=target.case_id)}
    source_names = {s.key: s.short_name or s.name for s in sources}

    box, helper = st.columns([4, 1], vertical_alignment="bottom")
    with box:
        st.text_input(t("coi.query"), key=state.bind("query", "coi_query"),
                      placeholder=t("coi.query_placeholder"))
    with helper:
        _query_help()
    searching = _searchable(request)
    if searching:
        # A query the user must correct (an unclosed quote, a lone NOT) shows its message.
        with shown_errors(stop=False):
            with unit_of_work(get_engine(), write=False) as session:
                result = search(session, actor=actor, request=request)

    counts = ({facet: dict(values) for facet, values in result.facet_counts.items()}
              if result is not None else {})
    _filters(state, counts if result is not None else None, source_names)

    if searching and result is None:
        return
    if result is None:
        if any(state[f] for f in ("not_countries", "not_topics", "not_sources",
                                  "published_from", "published_to", "added_from",
                                  "added_to")):
            st.info(t("coi.need_something"))
        _recent(actor, target)
        return
    _results(actor, target, result, page, cited)


_SEEDED_KEY = "wb_coi_case_seeded"
_CASE_TERMS_KEY = "wb_coi_case_terms"


def _set_query(state: SearchState, query: str) -> None:
    """Put ``query`` in the search box (a button callback: runs before the box is drawn)."""
    key = st.session_state.get(_WIDGETS_KEY, {}).get("query")
    if key:
        st.session_state.pop(key, None)
    state.values["query"] = query


def _from_case(actor: Actor, target: CiteTarget, state: SearchState) -> None:
    """Opened from a case: the first time, the search is filtered to the applicant's
    nationality; the claim's key terms are offered as the query."""
    from workbench.library.suggestions import case_search

    seeded = st.session_state.setdefault(_SEEDED_KEY, {})
    if target.case_id not in seeded:
        with shown_errors(stop=False):
            with unit_of_work(get_engine(), write=False) as session:
                found = case_search(session, actor=actor, application_id=target.case_id)
            seeded[target.case_id] = (found.nationality, found.query)
            if found.nationality:
                for key in st.session_state.get(_WIDGETS_KEY, {}).values():
                    st.session_state.pop(key, None)
                st.session_state.pop(_WIDGETS_KEY, None)
                fresh = _fresh()
                fresh["countries"] = [found.nationality]
                st.session_state[STATE_KEY] = fresh
                state.values = fresh
                state._widgets = st.session_state.setdefault(_WIDGETS_KEY, {})
    nationality, query = seeded.get(target.case_id, (None, ""))
    if nationality and nationality in (state["countries"] or []):
        st.caption(tm("coi.case_filtered", country=country_name(nationality)))
    if query and str(state["query"] or "") != query:
        st.button(tm("coi.case_terms", terms=query), key="coi_case_terms",
                  icon=":material/manage_search:", on_click=_set_query, args=(state, query))


def _filters(state: SearchState, counts: dict[str, dict[str, int]] | None,
             source_names: dict[str, str]) -> None:
    """The filters in the sidebar; include lists show how many passages each value has
    among the current results."""
    from coi.ingest import DOC_TYPES

    def facet(name: str) -> dict[str, int] | None:
        if counts is None:
            return None
        return {v: n for v, n in counts.get(name, {}).items()
                if v not in ("(none)", "(unknown)")}

    with st.sidebar:
        st.subheader(t("coi.filters"))
        st.button(t("coi.clear"), on_click=clear_search, key="coi_clear",
                  icon=":material/filter_alt_off:")
        facet_multiselect(state, "countries", t("coi.countries"), counts=facet("country"),
                          fallback=country_codes(), name=country_name)
        st.checkbox(t("coi.country_only"), key=state.bind("country_only", "coi_country_only"),
                    help=t("coi.country_only_help"))
        plain_multiselect(state, "not_countries", t("coi.not_countries"), country_codes(),
                          name=country_name)
        facet_multiselect(state, "topics", t("coi.topics"), counts=facet("topic"),
                          fallback=topic_codes(), name=topic_label)
        plain_multiselect(state, "not_topics", t("coi.not_topics"), topic_codes(),
                          name=topic_label)
        facet_multiselect(state, "sources", t("coi.sources"), counts=facet("source"),
                          fallback=sorted(source_names),
                          name=lambda k: source_names.get(k, k))
        plain_multiselect(state, "not_sources", t("coi.not_sources"), sorted(source_names),
                          name=lambda k: source_names.get(k, k))
        facet_multiselect(state, "doc_types", t("coi.doc_types"), counts=facet("doc_type"),
                          fallback=DOC_TYPES, name=doc_type_label)
        facet_multiselect(state, "languages", t("coi.languages"), counts=facet("language"),
                          fallback=("en", "ja"), name=language_label)
        st.markdown(f"**{t('coi.published')}**")
        left, right = st.columns(2)
        _date_filter(left, state, "published_from", "coi_published_from", t("coi.from"))
        _date_filter(right, state, "published_to", "coi_published_to", t("coi.to"))
        st.markdown(f"**{t('coi.added')}**")
        left, right = st.columns(2)
        _date_filter(left, state, "added_from", "coi_added_from", t("coi.from"))
        _date_filter(right, state, "added_to", "coi_added_to", t("coi.to"))
        st.checkbox(t("coi.current_only"), key=state.bind("current_only", "coi_current_only"),
                    help=t("coi.current_only_help"))
        st.selectbox(t("coi.sort"), ("relevance", "published", "added"),
                     format_func=lambda s: t(f"coi.sort_{s}"),
                     key=state.bind("sort", "coi_sort"))


def _results(actor: Actor, target: CiteTarget | None, result, page: int,  # noqa: ANN001
             cited: set[int]) -> None:
    if not result.hits:
        if result.suggestions:
            st.info(t("coi.did_you_mean"))
            state = SearchState()
            for n, suggestion in enumerate(result.suggestions):
                st.button(md(suggestion), key=f"coi_suggest_{n}", on_click=_set_query,
                          args=(state, suggestion), icon=":material/spellcheck:")
        else:
            st.info(t("coi.no_hits"))
        return
    pages = max(1, -(-result.total // PAGE_SIZE))
    total = f"{result.total:,}{'+' if result.total_capped else ''}"
    st.caption(tn("coi.hits_count", result.total, total=total, page=page, pages=pages))
    first = (page - 1) * PAGE_SIZE
    for number, hit in enumerate(result.hits, start=first + 1):
        hit_card(hit, key=f"hit_{hit.passage_id}", actor=actor, target=target, number=number,
                 cited=hit.passage_id in cited)
    if pages > 1:
        prev, info, nxt = st.columns([1, 2, 1])
        prev.button(t("coi.previous"), disabled=page <= 1, on_click=_set_page,
                    args=(page - 1,), key="coi_prev", icon=":material/chevron_left:")
        info.caption(t("coi.page_of", page=page, pages=pages))
        nxt.button(t("coi.next"), disabled=page >= pages, on_click=_set_page,
                   args=(page + 1,), key="coi_next", icon=":material/chevron_right:")


def _recent(actor: Actor, target: CiteTarget | None) -> None:
    from workbench.library.documents import list_documents

    with shown_errors(stop=False):
        with unit_of_work(get_engine(), write=False) as session:
            docs, total = list_documents(session, actor=actor, limit=RECENT_COUNT)
        st.subheader(t("coi.recent"))
        if not docs:
            st.info(t("coi.library_empty"))
            return
        st.caption(tn("coi.recent_hint", total, total=f"{total:,}"))
        for doc in docs:
            with st.container(border=True):
                meta = " · ".join([
                    html_text(doc.source or t("coi.no_source")),
                    html_text(t("coi.published_on", date=fmt_date(doc.published_on))),
                    html_text(t("coi.added_on", date=fmt_day(doc.ingested_at))),
                    html_text(country_list(doc.countries)),
                    html_text(tn_count("coi.passages", doc.passages)),
                ])
                html_block(f'<div style="font-weight:600">{html_text(doc.title)}</div>'
                           f'<div style="opacity:.75;font-size:.9em">{meta}</div>')
                if not doc.current:
                    st.caption(t("coi.superseded_short"))
                document_link(doc.id, case_id=target.case_id if target else None,
                              label=t("coi.open_document"))
