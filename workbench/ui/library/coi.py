"""Pieces the COI pages and the case file's COI section share: country, topic and source
labels, safe rendering of document text (every character escaped, matches in ``<mark>``),
result cards, the "Cite in this case" form and the search kept in the user's session.

Document text and metadata are untrusted: they reach the browser only through
``workbench.ui.core.text`` (``html_text`` inside a single raw HTML block, ``md``/``tm`` elsewhere).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

import streamlit as st

from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.dates import DateFormatError, format_date, parse_date
from workbench.core.db import get_engine, unit_of_work
from workbench.core.errors import WorkbenchError
from workbench.core.i18n import catalogue, current_language, t, tn
from workbench.core.permissions import Action, may
from workbench.core.settings import get_settings
from workbench.library.citations import cite
from workbench.ui.core import nav
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.format import date_cell, date_columns, fmt_date
from workbench.ui.core.text import html_text, md, tm, tnm
from workbench.ui.core.widgets import date_field, date_refused

PURPOSES = ("finding", "interview", "decision")

# --- labels ----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    from coi.gazetteer import countries

    return {c.code: c.name for c in countries()}


def country_name(code: str) -> str:
    return _countries().get(code.upper(), code)


def country_codes() -> list[str]:
    """Every country code, ordered by the country's name."""
    names = _countries()
    return sorted(names, key=lambda c: names[c].casefold())


def country_list(codes: Iterable[str]) -> str:
    return ", ".join(country_name(c) for c in codes) or "—"


@lru_cache(maxsize=1)
def _topics() -> dict[str, str]:
    from coi.topics import topics

    return {tp.code: tp.label for tp in topics()}


def topic_label(code: str) -> str:
    return _topics().get(code, code)


def topic_codes() -> list[str]:
    labels = _topics()
    return sorted(labels, key=lambda c: labels[c].casefold())


def _optional(key: str, fallback: str) -> str:
    """A catalogue message when there is one, else ``fallback`` (for open-ended codes such
    as languages)."""
    return (catalogue(current_language()).get(key) or catalogue("en").get(key)
            or fallback)


def language_label(code: str) -> str:
    return _optional(f"coi.language.{code}", code)


def doc_type_label(code: str | None) -> str:
    return _optional(f"coi.doc_type.{code}", code) if code else "—"


def purpose_label(code: str) -> str:
    return _optional(f"coi.purpose.{code}", code)


def fmt_day(moment: datetime | None) -> str:
    """The office's calendar day of a stored UTC time."""
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return fmt_date(moment.astimezone(get_settings().zone).date())


# --- safe text ---------------------------------------------------------------------------------


def snippet_html(segments: Sequence[tuple[str, bool]]) -> str:
    parts = []
    for text, matched in segments:
        escaped = html_text(text)
        parts.append(f"<mark>{escaped}</mark>" if matched else escaped)
    return "".join(parts)


def html_block(inner: str) -> None:
    """One raw HTML block (the caller escaped every piece of text in it)."""
    st.markdown(f'<div class="wb-coi">{inner}</div>', unsafe_allow_html=True)


_CHIP = ('<span style="display:inline-block;padding:0 .5em;margin:.15em .3em .15em 0;'
         'border-radius:.75em;background:rgba(128,128,128,.16);font-size:.8em">{}</span>')


def chips_html(labels: Iterable[str]) -> str:
    return "".join(_CHIP.format(html_text(label)) for label in labels)


# --- links -----------------------------------------------------------------------------------


def document_link(document_id: int, *, passage_id: int | None = None,
                  case_id: int | None = None, label: str | None = None) -> None:
    params = {"doc": str(document_id)}
    if passage_id is not None:
        params["passage"] = str(passage_id)
    if case_id is not None:
        params["case"] = str(case_id)
    st.page_link(nav.page("coi_document"), label=label or t("coi.open_passage"),
                 query_params=params, icon=":material/description:")


def library_link(*, case_id: int | None = None, label: str | None = None) -> None:
    params = {"case": str(case_id)} if case_id is not None else None
    st.page_link(nav.page("coi"), label=label or t("coi.back_to_library"),
                 query_params=params, icon=":material/travel_explore:")


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
    return st.multiselect(label, options, format_func=fmt, key=key, help=help)


def plain_multiselect(state: SearchState, field: str, label: str, options: Sequence[str], *,
                      name: Callable[[str], str], help: str | None = None) -> list[str]:
    chosen = [v for v in state[field] or []]
    opts = list(options) + [v for v in chosen if v not in options]
    key = state.bind(field, f"coi_{field}")
    return st.multiselect(label, opts, format_func=name, key=key, help=help)


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


def _request(state: SearchState, page: int):  # noqa: ANN202 - SearchRequest
    from coi.search import FacetFilter, SearchRequest

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


# --- administrators: adding documents and the source registry --------------------------------

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
                                   help=t("coi.upload_countries_help"))
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


def kind_label(kind: str) -> str:
    return _optional(f"coi.kind.{kind}", kind)


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


def tn_count(key: str, count: int) -> str:
    from workbench.core.i18n import tn

    return tn(key, count, n=f"{count:,}")


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
                                   default=[c for c in view.countries if c in _countries()],
                                   format_func=country_name, key=f"{prefix}_countries")
        primary = st.selectbox(t("coi.edit_primary"), [None, *country_codes()],
                               index=(country_codes().index(view.primary_country) + 1
                                      if view.primary_country in _countries() else 0),
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
