"""The real public COI samples in ../shared/coi-samples through the whole pipeline: the
printed and saved State Department reports, the two Afghanistan editions, and search over
them. Skipped when the samples are not there (a fresh clone)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from coi.search_request import FacetFilter, SearchRequest
from models.coi import CoiDocument
from workbench.core.actor import Actor
from workbench.core.db import unit_of_work
from workbench.library.citations import cite
from workbench.library.documents import open_document
from workbench.library.ingestion import ingest_files
from workbench.library.metadata_review import review_flags
from workbench.library.search import search
from workbench.library.sources import load_sources_file

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "coi-samples"
SYSTEM = Actor.system("test")

pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/coi-samples absent")


def test_afghanistan_editions_newer_current_older_citable(engine, settings) -> None:  # noqa: ANN001
    paths = [SAMPLES / "html" / "usdos-hrr-2023-afghanistan.html",
             SAMPLES / "html" / "usdos-hrr-2024-afghanistan.html"]
    # The newer edition first: the order of ingestion must not decide which is current.
    outcomes = ingest_files(engine, actor=SYSTEM, paths=paths[::-1],
                            settings=settings)
    assert [o.status for o in outcomes] == ["added", "added"], [o.message for o in outcomes]
    with unit_of_work(engine, write=False) as session:
        docs = {d.file_name: d for d in session.execute(select(CoiDocument)).scalars()}
        old, new = docs[paths[0].name], docs[paths[1].name]
        assert old.superseded_by_id == new.id and new.superseded_by_id is None
        assert "2023" in old.title and "Afghanistan" in old.title
        hits = search(session, actor=SYSTEM, request=SearchRequest(
            query="Hazara*", countries=FacetFilter(("AFG",)), limit=100)).hits
        assert {h.document_id for h in hits} == {old.id, new.id}
        for hit in hits:
            if hit.document_id == old.id:
                assert any("newer edition" in w for w in hit.warnings)
            assert hit.page is None and hit.section  # HTML: section and paragraph
        old_hit = next(h for h in hits if h.document_id == old.id)
    with unit_of_work(engine) as session:
        from tests.conftest import _make_staff, insert_case

        staff = _make_staff(engine)
        case_id = insert_case(engine, inquirer=staff.inquirer, nationality="AFG")
        cited = cite(session, actor=staff.inquirer, application_id=case_id,
                     passage_id=old_hit.passage_id, finding="Hazara targeting")
    assert cited.newer_edition == new.id
    assert "section “" in cited.reference and "state.gov" in cited.reference


def test_printed_reports_ingest_without_site_chrome(engine, settings) -> None:  # noqa: ANN001
    paths = sorted((SAMPLES / "pdf").glob("usdos-hrr-2023-*.pdf"))
    outcomes = ingest_files(engine, actor=SYSTEM, paths=paths, settings=settings)
    assert all(o.status == "added" for o in outcomes), [o.message for o in outcomes]
    with unit_of_work(engine, write=False) as session:
        for outcome in outcomes:
            view = open_document(session, actor=SYSTEM,
                                 document_id=outcome.document_id)
            assert view.page_count and view.page_count >= 8
            texts = [p.text for p in view.passages]
            # The running footer (the page's URL and "n/m") is not a passage of its own.
            assert not any(t.startswith("https://www.state.gov") and len(t) < 120
                           for t in texts)
        nepal = search(session, actor=SYSTEM, request=SearchRequest(
            query='"freedom of expression"', countries=FacetFilter(("NPL",)),
            country_only=False)).hits
        assert nepal and all(h.page is not None for h in nepal)


def test_printed_reports_get_the_reports_own_details(engine, settings) -> None:  # noqa: ANN001
    """Issue 17: a State Department report printed from a browser goes in with the report's
    title, no publication date rather than the day it was printed, its own country only, the
    State Department as its source, and no site chrome among its passages."""
    from workbench.demo.coi_samples import COI_DATA_DIR

    with unit_of_work(engine) as session:
        load_sources_file(session, actor=SYSTEM, path=COI_DATA_DIR / "sources.toml")
    paths = [SAMPLES / "pdf" / "usdos-hrr-2023-afghanistan.pdf",
             SAMPLES / "pdf" / "usdos-hrr-2023-sri-lanka.pdf"]
    outcomes = ingest_files(engine, actor=SYSTEM, paths=paths, settings=settings)
    assert [o.status for o in outcomes] == ["added", "added"], [o.message for o in outcomes]
    with unit_of_work(engine, write=False) as session:
        afg, lka = (open_document(session, actor=SYSTEM, document_id=o.document_id)
                    for o in outcomes)
        assert afg.title == "2023 Country Reports on Human Rights Practices: Afghanistan"
        assert lka.title == "2023 Country Reports on Human Rights Practices: Sri Lanka"
        assert afg.published_on is None and "printed" in afg.notes["published"]
        assert afg.countries == ("AFG",) and lka.countries == ("LKA",)
        assert afg.source is not None and afg.source.key == "usdos"
        assert not any("official website" in p.text.lower() for p in afg.passages)
        hits = search(session, actor=SYSTEM, request=SearchRequest(
            query='"official website"')).hits
        assert hits == []
        # Word forms: "detainee" also finds the report's "detainees"; the phrase stays exact.
        forms = search(session, actor=SYSTEM, request=SearchRequest(
            query="taliban detainee", countries=FacetFilter(("AFG",)), limit=200)).hits
        exact = search(session, actor=SYSTEM, request=SearchRequest(
            query='taliban "detainee"', countries=FacetFilter(("AFG",)), limit=200)).hits
        assert any("detainees" in h.text.lower() for h in forms)
        assert {h.passage_id for h in exact} < {h.passage_id for h in forms}
        # No print date, no site name as title, a country: only the missing date is left for
        # a person to fill in, since the printed content states none.
        item = review_flags(session, actor=SYSTEM, document_id=afg.id)
        assert [f.code for f in item.flags] == ["no_published_date"]
