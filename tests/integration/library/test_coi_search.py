"""COI search on each backend (SQLite FTS5 and PostgreSQL) against the same small corpus,
with the expected passages written out by hand for every feature of the query language,
every facet, sorting, snippets and currency warnings."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from coi.extracted import ExtractedDocument, Passage
from coi.ingest import DocumentFields, add_document
from coi.query import QueryError
from coi.search import search
from coi.search_request import FacetFilter, SearchRequest
from coi.snippets import marked
from models.coi import CoiPassage, CoiSource

TODAY = date(2026, 11, 23)

# key: (title, source, published, countries, language, doc_type, kind, passages)
# passages: (text, page, topics)
CORPUS = {
    "A": ("Afghanistan: Security and Returnees 2023", "usdos", date(2023, 3, 1), ("AFG",),
          "en", "country_report", "pdf", [
              ("Armed clashes between the Taliban and ISKP continued in Nangarhar province "
               "during the year.", 1, ("armed_conflict",)),
              ("Returnees from Iran reported arbitrary arrest by the police at the border "
               "crossing.", 2, ("returnees",)),
              ("Hazara Shia communities faced targeted attacks on mosques and schools.", 2,
               ("ethnic_minorities",)),
              ("Journalists were detained for criticising the authorities; several were "
               "tortured in custody.", 3, ("journalists_hrds", "detention")),
          ]),
    "B": ("Afghanistan: Security and Returnees 2025", "usdos", date(2025, 2, 1), ("AFG",),
          "en", "country_report", "pdf", [
              ("The police detained returnees deported from Pakistan and Iran.", 1,
               ("returnees", "detention")),
              ("Women were barred from secondary education and most employment.", 1, ("gbv",)),
          ]),
    "C": ("Iran and Afghanistan: Cross-border Movements", "unhcr", date(2024, 6, 1),
          ("AFG", "IRN"), "en", "thematic_report", "html", [
              ("Afghan nationals in Iran faced deportation after police raids.", None,
               ("returnees",)),
              ("Border police used force against migrants near the crossing.", None,
               ("state_protection",)),
          ]),
    "D": ("ミャンマー：少数民族の状況", "mofa-jp", date(2024, 1, 10), ("MMR",), "ja",
          "country_report", "text", [
              ("ロヒンギャの人々は難民認定申請を行うことができない状況にある。", None,
               ("ethnic_minorities",)),
              ("軍による迫害が続いている。", None, ()),
          ]),
    "E": ("Türkiye: Treatment of HDP members", "hrw", date(2022, 5, 1), ("TUR",), "en",
          "news", "html", [
              ("Members of the HDP were prosecuted on terrorism charges; trials lacked "
               "fairness.", None, ("political_opposition",)),
              ("Kurdish journalists in Türkiye faced detention.", None,
               ("journalists_hrds", "detention")),
          ]),
}
SOURCES = {"usdos": "USDOS", "unhcr": "UNHCR", "mofa-jp": "MOFA Japan", "hrw": "HRW"}


@pytest.fixture
def corpus(engine) -> tuple[Session, dict[int, str]]:  # noqa: ANN001
    """The corpus loaded; returns an open session and passage id -> "A2"-style labels."""
    session = Session(engine)
    for key, short in SOURCES.items():
        session.add(CoiSource(key=key, name=short, short_name=short, kind="government"))
    session.flush()
    now = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    doc_ids: dict[int, str] = {}
    for offset, (label, (title, source, published, countries, lang, doc_type, kind,
                         passages)) in enumerate(CORPUS.items()):
        document = ExtractedDocument(
            pages=[], page_count=3 if kind == "pdf" else None, kind=kind,
            passages=[Passage(text, page, i, ("1. Overview",), topics)
                      for i, (text, page, topics) in enumerate(passages, start=1)])
        result = add_document(
            session, document, sha256=hashlib.sha256(label.encode()).hexdigest(),
            size_bytes=100, file_name=f"{label}.{kind}",
            fields=DocumentFields(title=title, source_key=source, published=published,
                                  countries=countries, language=lang, doc_type=doc_type),
            now=now + timedelta(minutes=offset))
        doc_ids[result.document_id] = label
    session.commit()
    labels = {p.id: f"{doc_ids[p.document_id]}{p.paragraph}"
              for p in session.exec(select(CoiPassage)).all()}
    yield session, labels
    session.close()


def found(corpus, request: SearchRequest) -> set[str]:  # noqa: ANN001
    session, labels = corpus
    result = search(session, request, today=TODAY)
    return {labels[h.passage_id] for h in result.hits}


def q(text: str, **kw) -> SearchRequest:  # noqa: ANN003
    return SearchRequest(query=text, limit=50, **kw)


@pytest.mark.parametrize(("query", "expected"), [
    ("police", {"A2", "B1", "C1", "C2"}),
    ("police returnees", {"A2", "B1"}),  # implicit AND
    ("police AND returnees", {"A2", "B1"}),
    ("Taliban OR Hazara", {"A1", "A3"}),
    ("police NOT border", {"B1", "C1"}),
    ('"border crossing"', {"A2"}),
    ('"police crossing"~3', {"A2"}),  # three words between: in reach
    ('"police crossing"~2', set()),
    ("detain*", {"A4", "B1"}),  # trailing wildcard ("detention" does not begin so)
    ("deten*", {"E2"}),
    ("(Hazara OR Kurdish) journalist*", {"E2"}),  # parentheses
    ("POLICE", {"A2", "B1", "C1", "C2"}),  # case-insensitive
    ("turkiye", {"E2"}),  # accents folded: Türkiye
    ("難民", {"D1"}),  # a two-character Japanese word inside a longer run
    ("迫害", {"D2"}),
    ("難民認定", {"D1"}),
])
def test_query_language(corpus, query: str, expected: set[str]) -> None:  # noqa: ANN001
    assert found(corpus, q(query)) == expected


def test_country_facet_include_exclude_only_and_all(corpus) -> None:  # noqa: ANN001
    assert found(corpus, q("police", countries=FacetFilter(("AFG",)))) == {"A2", "B1", "C1",
                                                                          "C2"}
    # About Afghanistan only: the cross-border report (AFG and IRN) drops out.
    assert found(corpus, q("police", countries=FacetFilter(("AFG",)),
                           country_only=True)) == {"A2", "B1"}
    assert found(corpus, q("police", countries=FacetFilter(exclude=("IRN",)))) == {"A2", "B1"}
    assert found(corpus, q("police", countries=FacetFilter(("AFG", "IRN"),
                                                           match_all=True))) == {"C1", "C2"}
    assert found(corpus, q("police", countries=FacetFilter(("TUR", "IRN")))) == {"C1", "C2"}


def test_topic_source_type_and_language_facets(corpus) -> None:  # noqa: ANN001
    assert found(corpus, q("journalist*", topics=FacetFilter(("detention",)))) == {"A4", "E2"}
    assert found(corpus, q("police", topics=FacetFilter(exclude=("detention",)))) == {
        "A2", "C1", "C2"}
    assert found(corpus, q("police", sources=FacetFilter(exclude=("usdos",)))) == {"C1", "C2"}
    assert found(corpus, q("police", sources=FacetFilter(("unhcr",)))) == {"C1", "C2"}
    assert found(corpus, q("journalist*", doc_types=FacetFilter(("news",)))) == {"E2"}
    assert found(corpus, SearchRequest(languages=FacetFilter(("ja",)))) == {"D1", "D2"}
    assert found(corpus, q("police", languages=FacetFilter(exclude=("en",)))) == set()


def test_facets_alone_browse_newest_first(corpus) -> None:  # noqa: ANN001
    session, labels = corpus
    result = search(session, SearchRequest(countries=FacetFilter(("AFG",)), limit=50),
                    today=TODAY)
    order = [labels[h.passage_id] for h in result.hits]
    assert order[:2] == ["B1", "B2"]  # 2025 edition first
    assert set(order) == {"A1", "A2", "A3", "A4", "B1", "B2", "C1", "C2"}


def test_date_filters(corpus) -> None:  # noqa: ANN001
    assert found(corpus, q("police", published_from=date(2024, 1, 1))) == {"B1", "C1", "C2"}
    assert found(corpus, q("police", published_to=date(2023, 12, 31))) == {"A2"}
    assert found(corpus, q("police", added_from=date(2026, 11, 21))) == set()
    assert found(corpus, q("police", added_to=date(2026, 11, 20))) == {"A2", "B1", "C1", "C2"}


def test_current_editions_only(corpus) -> None:  # noqa: ANN001
    assert found(corpus, q("police", current_only=True)) == {"B1", "C1", "C2"}


def test_sort_by_publication_and_date_added(corpus) -> None:  # noqa: ANN001
    session, labels = corpus
    by_pub = search(session, q("police", sort="published"), today=TODAY)
    assert [labels[h.passage_id] for h in by_pub.hits][0] == "B1"
    assert [labels[h.passage_id][0] for h in by_pub.hits] == ["B", "C", "C", "A"]
    by_added = search(session, q("police", sort="added"), today=TODAY)
    assert [labels[h.passage_id][0] for h in by_added.hits] == ["C", "C", "B", "A"]


def test_relevance_puts_the_denser_match_first(corpus) -> None:  # noqa: ANN001
    session, labels = corpus
    result = search(session, q("police OR returnees OR deported"), today=TODAY)
    assert labels[result.hits[0].passage_id] == "B1"  # all three words


def test_snippet_marks_the_matched_words_and_gives_the_place(corpus) -> None:  # noqa: ANN001
    session, labels = corpus
    result = search(session, q("police return*"), today=TODAY)
    hit = next(h for h in result.hits if labels[h.passage_id] == "A2")
    assert marked(list(hit.snippet)) == (
        "**Returnees** from Iran reported arbitrary arrest by the **police** at the border "
        "crossing.")
    assert hit.place == "p. 2, para. 2"
    html_hit = next(h for h in result.hits if labels[h.passage_id] == "C1") \
        if any(labels[h.passage_id] == "C1" for h in result.hits) else None
    assert html_hit is None  # C1 has no "returnees"
    c2 = search(session, q("migrants"), today=TODAY).hits[0]
    assert c2.place == "section “1. Overview”, para. 2"
    jp = search(session, q("難民"), today=TODAY).hits[0]
    assert marked(list(jp.snippet)).count("**難民**") == 1


def test_currency_warnings(corpus) -> None:  # noqa: ANN001
    session, labels = corpus
    hits = {labels[h.passage_id]: h for h in search(session, q("police OR journalist*"),
                                                     today=TODAY).hits}
    assert any("newer edition" in w and "2025" in w for w in hits["A2"].warnings)
    assert hits["B1"].warnings == ()
    assert any("more than 3 years ago" in w for w in hits["E2"].warnings)
    assert not any("newer edition" in w for w in hits["E2"].warnings)


def test_facet_counts_and_totals(corpus) -> None:  # noqa: ANN001
    session, _ = corpus
    result = search(session, q("police"), today=TODAY)
    assert result.total == 4 and not result.total_capped
    assert dict(result.facet_counts["country"]) == {"AFG": 4, "IRN": 2}
    assert dict(result.facet_counts["source"]) == {"usdos": 2, "unhcr": 2}
    assert dict(result.facet_counts["topic"])["returnees"] == 3  # A2, B1, C1


def test_paging(corpus) -> None:  # noqa: ANN001
    session, labels = corpus
    first = search(session, SearchRequest(query="police", limit=2), today=TODAY)
    second = search(session, SearchRequest(query="police", limit=2, offset=2), today=TODAY)
    seen = [labels[h.passage_id] for h in first.hits + second.hits]
    assert len(seen) == 4 and set(seen) == {"A2", "B1", "C1", "C2"}


@pytest.mark.parametrize(("query", "message"), [
    ('"unclosed', "closing quotation mark"),
    ("(police", "never closed"),
    ("*police", "cannot start a word"),
    ("NOT police", "NOT needs something"),
    ("", "Type words"),
])
def test_query_errors_are_explained(corpus, query: str, message: str) -> None:  # noqa: ANN001
    session, _ = corpus
    with pytest.raises(QueryError, match=message):
        search(session, SearchRequest(query=query), today=TODAY)


def test_index_follows_edits_in_the_same_transaction(corpus) -> None:  # noqa: ANN001
    """Changing a passage's text or a document's facets changes what search finds, with no
    separate re-indexing step; a rolled-back change leaves the index as it was."""
    session, labels = corpus
    from coi.cjk import index_form

    pid = next(k for k, v in labels.items() if v == "B2")
    passage = session.get(CoiPassage, pid)
    passage.text = "Women were barred from universities by decree."
    passage.index_text = index_form(passage.text)
    session.add(passage)
    session.flush()
    assert found(corpus, q("universities")) == {"B2"}
    session.rollback()
    assert found(corpus, q("universities")) == set()
    assert found(corpus, q("secondary education")) == {"B2"}


def test_both_sqlite_ranking_paths_agree(corpus, monkeypatch) -> None:  # noqa: ANN001
    """Few matches are ranked over the matched passages with stored document frequencies;
    many are ranked by FTS5 itself. Both give the same passages, the best match first."""
    import coi.search_backends as coi_search_backends

    session, labels = corpus
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("the two ranking paths are SQLite's")
    request = q("police OR returnees OR deported")
    small = [labels[h.passage_id] for h in search(session, request, today=TODAY).hits]
    monkeypatch.setattr(coi_search_backends, "RERANK_CAP", 0)
    large = [labels[h.passage_id] for h in search(session, request, today=TODAY).hits]
    assert set(small) == set(large)
    assert small[0] == large[0] == "B1"


@pytest.mark.parametrize(("query", "message"), [
    ("(" * 5000 + "police" + ")" * 5000, "keep it under 1,000"),
    ("(" * 300 + "police" + ")" * 300, "more than 10 levels deep"),
    ('"police torture"~5000000', "at most 50 words"),
])
def test_abusive_queries_get_a_plain_message_on_each_backend(corpus, query: str,
                                                             message: str) -> None:  # noqa: ANN001
    from workbench.library.search import query_message

    session, _ = corpus
    with pytest.raises(QueryError) as refused:
        search(session, SearchRequest(query=query), today=TODAY)
    assert message in query_message(refused.value)
    # the session is still usable: nothing reached the database half-built
    assert search(session, SearchRequest(query='"police torture"~50'), today=TODAY) is not None


# --- word forms and spellings (issue 17) --------------------------------------------------------


@pytest.mark.parametrize(("query", "expected"), [
    ("returnee", {"A2", "B1"}),  # "Returnees", "returnees"
    ("taliban hazara returnee", set()),  # no single passage names all three
    ("returnee police", {"A2", "B1"}),
    ("journalist", {"A4", "E2"}),  # "Journalists", "journalists"
    ("deport", {"B1", "C1"}),  # "deported", "deportation"
    ("detain", {"A4", "B1"}),  # "detained"
    ('"returnee"', set()),  # an exact phrase stays exact
    ('"returnees from Iran"', {"A2"}),
    ("returnee*", {"A2", "B1"}),  # a wildcard matches the word's beginning, as before
])
def test_word_forms_match_on_each_backend(corpus, query: str, expected: set[str]) -> None:  # noqa: ANN001
    assert found(corpus, q(query)) == expected


def test_other_word_forms_are_marked_in_the_snippet(corpus) -> None:  # noqa: ANN001
    session, _ = corpus
    hits = search(session, q("returnee iran"), today=TODAY).hits
    assert hits
    assert all(any(m in marked(list(h.snippet)) for m in ("**Returnees**", "**returnees**"))
               for h in hits)


def test_no_hits_suggest_the_nearest_spellings_in_the_library(corpus) -> None:  # noqa: ANN001
    session, _ = corpus
    result = search(session, q("retunees polise"), today=TODAY)
    assert result.hits == [] and result.suggestions
    assert result.suggestions[0] == "returnees police"
    assert found(corpus, q(result.suggestions[0])) == {"A2", "B1"}
    # Words the library holds are left as typed, and a query with hits suggests nothing.
    assert search(session, q("police"), today=TODAY).suggestions == ()
    assert search(session, q("police xqzvw"), today=TODAY).suggestions == ()


def test_a_corrected_language_reindexes_word_forms(corpus) -> None:  # noqa: ANN001
    """Stems are indexed for English only: a document corrected to another language stops
    matching other forms of its words (its words themselves still match), and back."""
    from coi.ingest import reindex_document
    from models.coi import CoiDocument

    session, labels = corpus
    doc_b = next(session.get(CoiPassage, pid).document_id for pid, v in labels.items()
                 if v == "B1")
    assert "B1" in found(corpus, q("returnee"))
    reindex_document(session, doc_b, "fr")
    session.get(CoiDocument, doc_b).language = "fr"
    session.flush()
    assert "B1" not in found(corpus, q("returnee"))
    assert "B1" in found(corpus, q("returnees"))
    reindex_document(session, doc_b, "en")
    session.flush()
    assert "B1" in found(corpus, q("returnee"))
