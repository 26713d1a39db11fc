"""COI library services end to end on each database: ingesting the sample library and bad
files, duplicates and editions, the file store, metadata correction, citations into cases
and the permissions and audit entries around them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fpdf import FPDF
from sqlalchemy import func, select

from coi.ingest import DocumentFields
from coi.search_request import FacetFilter, SearchRequest
from coi.store import FileStore, sha256_of
from models import AuditEvent
from models.coi import CoiDocument, CoiPassage
from tests.conftest import insert_case
from tests.pdfgen import bomb_pdf
from workbench.core import audit
from workbench.core.actor import Actor
from workbench.core.db import unit_of_work
from workbench.core.errors import NotFound, PermissionDenied, StaleEdit, ValidationError
from workbench.core.settings import Settings
from workbench.demo.coi_samples import COI_DATA_DIR, manifest_entries
from workbench.library.citations import case_citations, cite, remove_citation
from workbench.library.documents import DocumentChanges, open_document, update_document
from workbench.library.ingestion import ingest_files
from workbench.library.metadata_review import needs_review, resolve_flag
from workbench.library.search import search
from workbench.library.sources import load_sources_file

SYSTEM = Actor.system("test")


def count(engine, model) -> int:  # noqa: ANN001
    with unit_of_work(engine, write=False) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_sample_library_ingests_with_metadata_editions_and_copies(library) -> None:  # noqa: ANN001
    engine, settings = library.engine, library.settings
    entries = manifest_entries(COI_DATA_DIR)
    assert [o.status for o in library.outcomes] == ["added"] * len(entries), \
        [o.message for o in library.outcomes if o.status != "added"]
    assert count(engine, CoiDocument) == len(entries)
    store = FileStore(settings.resolved_coi_store)
    with unit_of_work(engine, write=False) as session:
        docs = {d.file_name: d for d in session.execute(select(CoiDocument)).scalars()}
        for path, fields in entries:
            doc = docs[path.name]
            assert doc.title == fields.title
            assert doc.published_on == fields.published
            assert store.path_for(doc.sha256).read_bytes() == path.read_bytes()
            view = open_document(session, actor=SYSTEM, document_id=doc.id)
            assert set(view.countries) == set(fields.countries)
            assert view.passages and all(p.text for p in view.passages)
        # Two editions of the Myanmar country focus: the 2025 one is current.
        old, new = docs["mmr-country-focus-2023.txt"], docs["mmr-country-focus-2025.html"]
        assert old.superseded_by_id == new.id and new.superseded_by_id is None
        assert (old.edition, new.edition) == (1, 2)
        # Passages carry topics from the taxonomy.
        tagged = session.execute(select(func.count()).select_from(CoiPassage)
                                 .where(CoiPassage.topics != "")).scalar_one()
        assert tagged > 100
        # Every ingestion is in the audit log, and the chain holds.
        ingests = session.execute(select(func.count()).select_from(AuditEvent)
                                  .where(AuditEvent.action == "coi.ingest")).scalar_one()
        assert ingests == len(entries)
    with unit_of_work(engine, write=False) as session:
        assert audit.verify_chain(session).ok


def test_search_across_the_sample_library(library) -> None:  # noqa: ANN001
    engine = library.engine
    with unit_of_work(engine, write=False) as session:
        result = search(session, actor=SYSTEM, request=SearchRequest(
            query="Rohingya OR military", countries=FacetFilter(("MMR",)), limit=200))
        assert result.hits and all("MMR" in h.countries for h in result.hits)
        old_edition = [h for h in result.hits if h.title.endswith("2023")]
        assert old_edition and all(any("newer edition" in w for w in h.warnings)
                                   for h in old_edition)
        japanese = search(session, actor=SYSTEM, request=SearchRequest(query="難民"))
        assert japanese.hits and all(h.language == "ja" for h in japanese.hits)


def test_reingesting_the_same_file_is_recognised(library) -> None:  # noqa: ANN001
    engine, settings = library.engine, library.settings
    path, _ = manifest_entries(COI_DATA_DIR)[0]
    before = count(engine, CoiPassage)
    again = ingest_files(engine, actor=SYSTEM, paths=[path], settings=settings)
    assert again[0].status == "duplicate" and "already in the library" in again[0].message
    assert count(engine, CoiPassage) == before


# --- bad input ------------------------------------------------------------------------------


def _pdf(path: Path, text: str = "Returnees were questioned at the airport.", **kw) -> Path:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, text)
    if kw.get("encrypt"):
        pdf.set_encryption(owner_password="owner-pass", user_password="user-pass")
    pdf.output(str(path))
    return path


def _image_only(path: Path) -> Path:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_fill_color(30, 30, 30)
    pdf.rect(20, 20, 100, 60, style="F")
    pdf.output(str(path))
    return path


def test_each_bad_file_gets_a_clear_message_and_leaves_nothing_behind(
        engine, tmp_path: Path, settings: Settings) -> None:  # noqa: ANN001
    good = _pdf(tmp_path / "good.pdf")
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    fake = tmp_path / "report.pdf"
    fake.write_bytes(b"MZ\x90\x00 this is a program, not a report" * 20)
    corrupt = tmp_path / "corrupt.pdf"
    corrupt.write_bytes(b"%PDF-1.7\n" + b"\x00garbage\xff" * 300 + b"\n%%EOF\n")
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    files = {
        "good.pdf": (good, "added"),
        "truncated.pdf": (truncated, "truncated"),
        "report.pdf": (fake, "not a PDF"),
        "corrupt.pdf": (corrupt, "corrupt"),
        "empty.pdf": (empty, "empty"),
        "encrypted.pdf": (_pdf(tmp_path / "encrypted.pdf", encrypt=True), "encrypted"),
        "scan.pdf": (_image_only(tmp_path / "scan.pdf"), "no text layer"),
        "bomb.pdf": (bomb_pdf(tmp_path / "bomb.pdf", unpacked_mb=600), "MB"),
    }
    outcomes = ingest_files(
        engine, actor=SYSTEM, paths=[p for p, _ in files.values()],
        fields=DocumentFields(countries=("AFG",)), settings=settings)
    by_name = {o.path: o for o in outcomes}
    for name, (_, expected) in files.items():
        outcome = by_name[name]
        if expected == "added":
            assert outcome.status == "added", outcome.message
        else:
            assert outcome.status == "failed", (name, outcome.message)
            assert expected.lower() in outcome.message.lower(), (name, outcome.message)
    assert count(engine, CoiDocument) == 1
    stored = [p for p in settings.resolved_coi_store.rglob("*") if p.is_file()]
    assert [p.name for p in stored] == [sha256_of(good)]


def test_file_over_the_size_limit_is_refused(engine, tmp_path: Path) -> None:  # noqa: ANN001
    small = Settings(data_dir=tmp_path, coi_store_dir=tmp_path / "s", coi_max_file_mb=1)
    big = tmp_path / "big.txt"
    big.write_text("Country information. " * 60_000)
    [outcome] = ingest_files(engine, actor=SYSTEM, paths=[big], settings=small)
    assert outcome.status == "failed" and "limit is 1 MB" in outcome.message


def test_only_administrators_ingest_and_refusals_are_audited(engine, staff, tmp_path,
                                                             settings) -> None:  # noqa: ANN001
    path = _pdf(tmp_path / "x.pdf")
    with pytest.raises(PermissionDenied):
        ingest_files(engine, actor=staff.inquirer, paths=[path], settings=settings)
    with unit_of_work(engine, write=False) as session:
        refused = session.execute(select(AuditEvent).where(
            AuditEvent.action == "coi.ingest", AuditEvent.outcome == "denied")).scalars().all()
    assert len(refused) == 1 and refused[0].actor_username == staff.inquirer.username
    [ok] = ingest_files(engine, actor=staff.admin, paths=[path], settings=settings,
                        fields=DocumentFields(countries=("AFG",)))
    assert ok.status == "added"


def test_newer_edition_supersedes_and_older_stays_citable(engine, staff, tmp_path, settings,
                                                          ) -> None:  # noqa: ANN001
    first = tmp_path / "first.txt"
    first.write_text("Somalia: Security Situation 2022\n\nPublished: 1 March 2022\n\n"
                     "Al-Shabaab controlled rural districts and taxed travellers.\n")
    second = tmp_path / "second.txt"
    second.write_text("Somalia: Security Situation 2024\n\nPublished: 1 March 2024\n\n"
                      "Al-Shabaab still controlled rural districts in 2024.\n")
    fields = DocumentFields(countries=("SOM",))
    [a] = ingest_files(engine, actor=SYSTEM, paths=[first], fields=fields,
                       settings=settings)
    [b] = ingest_files(engine, actor=SYSTEM, paths=[second], fields=fields,
                       settings=settings)
    assert b.superseded == (a.document_id,) and "supersedes" in b.message
    case_id = insert_case(engine, inquirer=staff.inquirer)
    with unit_of_work(engine) as session:
        old = session.execute(select(CoiPassage).where(
            CoiPassage.document_id == a.document_id)).scalars().all()[-1]
        cited = cite(session, actor=staff.inquirer, application_id=case_id,
                     passage_id=old.id, finding="Control of rural areas in 2022")
    assert cited.newer_edition == b.document_id
    assert "Somalia: Security Situation 2022" in cited.reference


def test_citation_reference_and_permissions(library) -> None:  # noqa: ANN001
    engine, staff = library.engine, library.staff
    case_id = insert_case(engine, inquirer=staff.inquirer)
    with unit_of_work(engine, write=False) as session:
        hit = search(session, actor=staff.inquirer, request=SearchRequest(
            query="Rohingya", countries=FacetFilter(("MMR",)), current_only=True)).hits[0]
    with unit_of_work(engine) as session:
        cited = cite(session, actor=staff.inquirer, application_id=case_id,
                     passage_id=hit.passage_id, finding="Rohingya lack citizenship",
                     purpose="finding")
    assert hit.title in cited.reference
    assert f"para. {hit.paragraph}" in cited.reference
    assert "accessed" in cited.reference and hit.url in cited.reference
    assert cited.quote == hit.text
    # Another inquirer cannot cite into the case, and the refusal is audited.
    with pytest.raises(PermissionDenied):
        with unit_of_work(engine) as session:
            cite(session, actor=staff.inquirer2, application_id=case_id,
                 passage_id=hit.passage_id, finding="x")
    # A manager may search but not cite.
    with pytest.raises(PermissionDenied):
        with unit_of_work(engine) as session:
            cite(session, actor=staff.manager, application_id=case_id,
                 passage_id=hit.passage_id, finding="x")
    with unit_of_work(engine, write=False) as session:
        denied = session.execute(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "coi.cite", AuditEvent.outcome == "denied")).scalar_one()
    assert denied == 2
    # Removing keeps the record, with the reason, and needs a reason.
    with pytest.raises(ValidationError):
        with unit_of_work(engine) as session:
            remove_citation(session, actor=staff.inquirer, citation_id=cited.id,
                            reason=" ")
    with unit_of_work(engine) as session:
        remove_citation(session, actor=staff.inquirer, citation_id=cited.id,
                        reason="Cited the wrong paragraph")
    with unit_of_work(engine, write=False) as session:
        assert case_citations(session, actor=staff.inquirer,
                              application_id=case_id) == []


def test_admin_corrects_metadata_and_search_follows(library) -> None:  # noqa: ANN001
    engine, staff = library.engine, library.staff
    with unit_of_work(engine, write=False) as session:
        doc = session.execute(select(CoiDocument).where(
            CoiDocument.file_name == "npl-query-intercaste-2022.txt")).scalars().one()
    with unit_of_work(engine) as session:
        view = update_document(
            session, actor=staff.admin, document_id=doc.id, expected_version=doc.version,
            changes=DocumentChanges(countries=("Nepal", "India"),
                                    published_on=date(2022, 6, 8)))
    assert set(view.countries) == {"NPL", "IND"} and view.notes["countries"].startswith("edited")
    with unit_of_work(engine, write=False) as session:
        india = search(session, actor=staff.admin, request=SearchRequest(
            countries=FacetFilter(("IND",))))
        assert {h.document_id for h in india.hits} == {doc.id}
    with pytest.raises(StaleEdit):
        with unit_of_work(engine) as session:
            update_document(session, actor=staff.admin, document_id=doc.id,
                            expected_version=doc.version,
                            changes=DocumentChanges(title="Other"))
    with pytest.raises(PermissionDenied):
        with unit_of_work(engine) as session:
            update_document(session, actor=staff.inquirer, document_id=doc.id,
                            expected_version=view.version,
                            changes=DocumentChanges(title="Other"))
    with pytest.raises(NotFound):
        with unit_of_work(engine) as session:
            open_document(session, actor=staff.admin, document_id=99_999)


def test_suspect_details_are_listed_fixed_or_kept(library) -> None:  # noqa: ANN001
    """Issue 17: a date on the day the document was added, a site's name as the title and no
    country are listed for review; one click fixes each or keeps it, with an audit entry."""
    engine, admin = library.engine, library.staff.admin
    with unit_of_work(engine) as s:
        doc = s.execute(select(CoiDocument).order_by(CoiDocument.id)).scalars().first()
        doc.published_on = doc.ingested_at.date()
        doc.title = "Human Rights Watch"
        s.add(doc)
        doc_id = doc.id
    with unit_of_work(engine, write=False) as s:
        items = {i.document_id: i for i in needs_review(s, actor=admin)}
        assert {f.code for f in items[doc_id].flags} == {"published_on_ingestion_day",
                                                         "title_site_name"}
        title_flag = next(f for f in items[doc_id].flags if f.code == "title_site_name")
        assert title_flag.suggestion  # the document's first heading
        with pytest.raises(PermissionDenied):
            needs_review(s, actor=library.staff.inquirer)
    with unit_of_work(engine) as s:
        view = resolve_flag(s, actor=admin, document_id=doc_id,
                            expected_version=items[doc_id].version,
                            code="title_site_name", accept=True)
        assert view.title == title_flag.suggestion
    with unit_of_work(engine) as s:
        view = resolve_flag(s, actor=admin, document_id=doc_id,
                            expected_version=view.version,
                            code="published_on_ingestion_day", accept=False)
        assert view.published_on is not None and "_reviewed" not in view.notes
    with unit_of_work(engine, write=False) as s:
        assert doc_id not in {i.document_id for i in needs_review(s, actor=admin)}
        actions = [e.action for e in s.execute(select(AuditEvent).where(
            AuditEvent.entity_type == "coi_document",
            AuditEvent.entity_id == str(doc_id))).scalars()]
    assert "coi.document.update" in actions and "coi.document.review" in actions


def test_the_source_comes_from_the_web_address_when_no_publisher_is_named(
        engine, settings, tmp_path) -> None:  # noqa: ANN001
    """Issue 17: a page of www.state.gov that names no publisher is the State Department's;
    a page of a site no source owns gets no source."""
    with unit_of_work(engine) as session:
        load_sources_file(session, actor=SYSTEM, path=COI_DATA_DIR / "sources.toml")
    pages = []
    for name, url in (("dos.html", "https://www.state.gov/reports/2025-report/chad/"),
                      ("other.html", "https://news.example.org/chad")):
        page = tmp_path / name
        page.write_text(
            f'<html><head><title>Chad report</title><link rel="canonical" href="{url}">'
            "</head><body><h1>Chad: conditions in 2025</h1><p>Published 3 March 2025</p>"
            "<p>Chad held elections in which opposition parties were restricted by the "
            "authorities in several provinces of Chad.</p></body></html>", encoding="utf-8")
        pages.append(page)
    outcomes = ingest_files(engine, actor=SYSTEM, paths=pages, settings=settings)
    assert [o.status for o in outcomes] == ["added", "added"], [o.message for o in outcomes]
    with unit_of_work(engine, write=False) as session:
        dos, other = (open_document(session, actor=SYSTEM,
                                    document_id=o.document_id) for o in outcomes)
    assert dos.source is not None and dos.source.key == "usdos"
    assert "web address" in dos.notes["source"]
    assert other.source is None
