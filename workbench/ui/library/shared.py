"""Pieces every COI view uses: country, topic, language, document-type and source-kind
labels, safe rendering of document text (every character escaped, matches in ``<mark>``),
and the links to a document and back to the library.

Document text and metadata are untrusted: they reach the browser only through
``workbench.ui.core.text`` (``html_text`` inside a single raw HTML block, ``md``/``tm`` elsewhere).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import lru_cache

import streamlit as st

from workbench.core.i18n import catalogue, current_language, t
from workbench.core.settings import get_settings
from workbench.ui.core import nav
from workbench.ui.core.format import fmt_date
from workbench.ui.core.text import html_text

# --- labels ----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    from coi.gazetteer import countries

    return {c.code: c.name for c in countries()}


def country_name(code: str) -> str:
    return country_names().get(code.upper(), code)


def country_codes() -> list[str]:
    """Every country code, ordered by the country's name."""
    names = country_names()
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


def kind_label(kind: str) -> str:
    return _optional(f"coi.kind.{kind}", kind)


def tn_count(key: str, count: int) -> str:
    from workbench.core.i18n import tn

    return tn(key, count, n=f"{count:,}")


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
