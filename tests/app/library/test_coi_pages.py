"""The COI library pages (pages/coi_library.py, pages/coi_document.py) and the case file's
country information section, over the project's sample library (data/coi)."""

from __future__ import annotations

import html
import shutil
from datetime import date

import pytest
from sqlalchemy import select

from models.coi import CoiDocument, CoiPassage
from tests.app.conftest import signed_in
from tests.app.helpers import everything, messages, open_case_file, shown
from tests.conftest import _make_staff, insert_case
from workbench.core.db import dispose_engines, make_engine, unit_of_work
from workbench.core.settings import get_settings
from workbench.demo.coi_samples import load_coi_samples
from workbench.intake.cases import assign_cases
from workbench.library.ingestion import ingest_files

TODAY = date(2026, 1, 20)
HAZARA_CLAIM = ("I am a Hazara Shia from Kabul. After returning from Iran I was stopped at "
                "checkpoints by the Taliban and threatened because of my religion.")


@pytest.fixture(scope="module")
def coi_template(sqlite_template, tmp_path_factory):  # noqa: ANN001, ANN201
    """A migrated database holding the sample COI library, built once for this module."""
    folder = tmp_path_factory.mktemp("coi-library")
    path = folder / "coi.db"
    shutil.copy(sqlite_template, path)
    store = folder / "store"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WORKBENCH_COI_STORE_DIR", str(store))
        get_settings.cache_clear()
        engine = make_engine(f"sqlite:///{path}")
        outcomes = load_coi_samples(engine, workers=2)
        engine.dispose()
    get_settings.cache_clear()
    assert outcomes and all(o.status == "added" for o in outcomes), outcomes
    return path, store


@pytest.fixture
def coi_app(coi_template, tmp_path, monkeypatch, frozen_clock):  # noqa: ANN001, ANN201
    """The app on a copy of the library database, with staff, on a fixed day."""
    template, store = coi_template
    path = tmp_path / "app.db"
    shutil.copy(template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", url)
    monkeypatch.setenv("WORKBENCH_COI_STORE_DIR", str(store))
    get_settings.cache_clear()
    dispose_engines()
    frozen_clock.set_local(TODAY)
    engine = make_engine(url)
    staff = _make_staff(engine)
    yield engine, staff
    engine.dispose()
    dispose_engines()
    get_settings.cache_clear()


@pytest.fixture
def hazara_case(coi_app):  # noqa: ANN001, ANN201
    """An Afghan applicant's case assigned to inq.one."""
    engine, staff = coi_app
    case_id = insert_case(engine, inquirer=staff.inquirer, nationality="AFG",
                          family_name="Rahimi", claim_narrative=HAZARA_CLAIM,
                          lodged=date(2025, 12, 1))
    return engine, staff, case_id


# --- helpers ---------------------------------------------------------------------------------


def library(at, case_id: int | None = None):  # noqa: ANN001, ANN201
    if case_id is not None:
        at.query_params["case"] = str(case_id)
    return at.switch_page("../pages/coi_library.py").run()


def search(at, query: str):  # noqa: ANN001, ANN201
    at.text_input(key="coi_query").input(query)
    return at.run()


def snippets(at) -> list[str]:  # noqa: ANN001
    return [str(m.value) for m in at.markdown if "wb-coi-snippet" in str(m.value)]


def headers(at) -> list[str]:  # noqa: ANN001
    """The first line of each result card (number and title)."""
    out = []
    for m in at.markdown:
        body = str(m.value)
        if body.startswith('<div class="wb-coi"><div style="font-weight:600;font-size:1.05em">'):
            out.append(body.split(">", 2)[2].split("</div>", 1)[0])
    return out


def hit_count(at) -> str:  # noqa: ANN001
    return next(c.value for c in at.caption if "passages found" in str(c.value))


def by_label(widgets, label: str):  # noqa: ANN001, ANN201
    found = [w for w in widgets if w.label == label]
    assert len(found) == 1, f"{len(found)} widgets labelled {label!r}"
    return found[0]


def passage_id(engine, title: str, contains: str) -> tuple[int, int]:  # noqa: ANN001
    with unit_of_work(engine, write=False) as s:
        row = s.execute(
            select(CoiPassage.id, CoiPassage.document_id).join(
                CoiDocument, CoiDocument.id == CoiPassage.document_id)
            .where(CoiDocument.title == title, CoiPassage.text.contains(contains))).first()
    assert row is not None
    return row[0], row[1]


# --- search ----------------------------------------------------------------------------------


def test_without_a_query_the_library_shows_recent_documents(coi_app) -> None:  # noqa: ANN001
    at = library(signed_in("inq.one"))
    assert not at.exception
    assert at.title[0].value == "Country of origin information"
    assert "Recently added documents" in messages(at)
    assert "The library holds 17 documents." in messages(at)
    assert not at.tabs  # searching only: no administration tabs for an inquirer


def test_search_returns_hits_with_the_words_marked(coi_app) -> None:  # noqa: ANN001
    at = search(library(signed_in("inq.one")), "Hazara")
    assert not at.exception
    # "Hazara" also finds "Hazaras" (word forms, issue 17): 12 passages name "Hazara", 2
    # more only "Hazaras".
    assert hit_count(at).startswith("14 passages found")
    marked = snippets(at)
    assert len(marked) == 14
    assert all("<mark>Hazara</mark>" in s or "<mark>Hazaras</mark>" in s for s in marked)
    assert headers(at)[0].startswith("1. Query response: Afghanistan")
    # Where each passage is: source, date and section with paragraph.
    assert "ACCORD · published 2025-02-12 · section “6. Settlement in Kabul" in everything(at)
    # The country facet counts the matching passages.
    country = by_label(at.multiselect, "Country")
    assert "Afghanistan (14)" in country.options


def test_one_hit_is_one_passage(coi_app) -> None:  # noqa: ANN001
    at = search(library(signed_in("inq.one")), "Buthidaung")
    assert not at.exception
    assert [c.value for c in at.caption if "found" in str(c.value)] == [
        "1 passage found · page 1 of 1"]
    assert len(snippets(at)) == 1


def test_text_of_documents_is_escaped_not_interpreted(coi_app, tmp_path) -> None:  # noqa: ANN001
    engine, staff = coi_app
    upload = tmp_path / "markup.txt"
    upload.write_text("Markup sample\n\nThe report quotes <script>alert(1)</script> and "
                      "**stars** and :red[colour] verbatim.\n", encoding="utf-8")
    [outcome] = ingest_files(engine, actor=staff.admin, paths=[upload], workers=1)
    assert outcome.status == "added", outcome.message
    at = search(library(signed_in("inq.one")), "verbatim")
    assert not at.exception
    [snippet] = snippets(at)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in snippet
    # The document's script never reaches the page as markup (the page's only script is the
    # workbench's own request for the session cookie).
    assert "<script>alert(1)" not in everything(at)
    assert "**stars** and &#58;red[colour] <mark>verbatim</mark>" in snippet


def test_a_country_filter_narrows_the_results(coi_app) -> None:  # noqa: ANN001
    at = search(library(signed_in("inq.one")), "military")
    before = int(hit_count(at).split()[0])
    by_label(at.multiselect, "Country").select("MMR").run()
    assert not at.exception
    after = int(hit_count(at).split()[0])
    assert 0 < after < before
    assert all("Myanmar" in h or "Military service" in h for h in headers(at))
    # Only the reports about Myanmar alone.
    by_label(at.checkbox, "Documents about this country only").check().run()
    assert all("Myanmar" in h for h in headers(at))
    assert int(hit_count(at).split()[0]) < after


def test_an_unclosed_quote_is_explained_not_a_traceback(coi_app) -> None:  # noqa: ANN001
    at = search(library(signed_in("inq.one")), '"forced recruitment')
    assert not at.exception
    assert [shown(e.value) for e in at.error] == [
        'A phrase is missing its closing quotation mark (").']
    assert not snippets(at)


def test_a_deeply_nested_or_far_reaching_query_is_explained_not_a_crash(coi_app) -> None:  # noqa: ANN001
    at = search(library(signed_in("inq.one")), "(" * 5000 + "Hazara" + ")" * 5000)
    assert not at.exception
    assert [shown(e.value) for e in at.error] == [
        "The query is 10,006 characters long; keep it under 1,000."]
    at = search(at, '"forced recruitment"~5000000')
    assert not at.exception
    assert [shown(e.value) for e in at.error] == ["Proximity can be at most 50 words (~50)."]
    assert not snippets(at)


def test_a_superseded_edition_warns_of_the_newer_one(coi_app) -> None:  # noqa: ANN001
    at = search(library(signed_in("inq.one")), '"Service Law" "not been brought into force"')
    assert not at.exception
    assert headers(at) == ["1. Myanmar: Country Focus 2023"]
    warnings = [shown(w.value) for w in at.warning]
    assert any("A newer edition exists: “Myanmar: Country Focus 2025” (2025-06-30)" in w
               for w in warnings)
    # Current editions only leaves it out.
    by_label(at.checkbox, "Current editions only").check().run()
    assert "No passage matches." in messages(at)


def test_the_search_survives_a_visit_to_another_page(coi_app) -> None:  # noqa: ANN001
    at = search(library(signed_in("inq.one")), "Hazara")
    by_label(at.multiselect, "Country").select("AFG").run()
    at.switch_page("../pages/cases.py").run()
    at = at.switch_page("../pages/coi_library.py").run()
    assert not at.exception
    assert at.text_input(key="coi_query").value == "Hazara"
    assert by_label(at.multiselect, "Country").value == ["AFG"]
    assert hit_count(at).startswith("14 passages found")


def test_paging_through_results(coi_app) -> None:  # noqa: ANN001
    at = search(library(signed_in("inq.one")), "returnees")
    assert "page 1 of 3" in hit_count(at)
    at.button(key="coi_next").click().run()
    assert "page 2 of 3" in hit_count(at)
    assert headers(at)[0].startswith("21. ")


# --- administrators --------------------------------------------------------------------------


def test_the_administrator_adds_documents_and_keeps_the_sources(coi_app) -> None:  # noqa: ANN001
    at = library(signed_in("adm.one"))
    assert not at.exception
    assert [tab.label for tab in at.tabs] == ["Search", "Add documents", "Needs review",
                                              "Sources"]
    assert "Add to the library" in [b.label for b in at.button]
    sources = next(d for d in at.dataframe if "Key" in d.value.columns).value
    assert "unhcr" in list(sources["Key"])
    # A new source through the registry form.
    at.text_input(key="coi_src_new_key").input("testorg")
    at.text_input(key="coi_src_new_name").input("Test Organisation")
    at.text_input(key="coi_src_new_short").input("TO")
    by_label(at.button, "Save source").click().run()
    assert not at.exception
    assert "Source Test Organisation saved." in [s.value for s in at.success]


# --- citing from the library -----------------------------------------------------------------


def test_citing_from_the_library_adds_the_citation_to_the_case_file(hazara_case) -> None:  # noqa: ANN001
    engine, staff, case_id = hazara_case
    pid, _ = passage_id(engine, "Query response: Afghanistan - Treatment of Hazara Shia "
                        "returning from Iran", "where rents are lower")
    at = library(signed_in("inq.one"), case_id)
    with unit_of_work(engine, write=False) as s:
        from models import Application

        number = s.get(Application, case_id).case_number
    assert f"Citing for case {number}" in messages(at)
    at = search(at, "Hazara")
    at.text_area(key=f"cite_finding_hit_{pid}").input(
        "Hazara returnees settle in western Kabul.")
    at.button(key=f"cite_submit_hit_{pid}").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [f"Cited in case {number}, with its full reference."]
    # Not "Already cited" and "Cited" together, and no way to cite the passage a second time.
    assert "Already cited in this case." not in messages(at)
    assert not [b for b in at.button if b.key == f"cite_submit_hit_{pid}"]
    at.run()
    assert "Already cited in this case." in messages(at)
    assert not [b for b in at.button if b.key == f"cite_submit_hit_{pid}"]
    assert _live_citations(engine, case_id) == [pid]

    at = open_case_file(at, case_id)
    assert not at.exception
    section = next(e for e in at.expander if e.label == "Country information")
    body = html.unescape("\n".join(str(m.value) for m in section.markdown))
    assert ("Austrian Centre for Country of Origin and Asylum Research and Documentation "
            "(ACCORD), “Query response: Afghanistan - Treatment of Hazara Shia returning from "
            "Iran”, 12 February 2025, section “6. Settlement in Kabul or the province of "
            "origin”, para. 20, https://coi.example.org/accord/query/afg-hazara-returnees-iran-"
            "2025 (accessed 20 January 2026)") in body
    assert "Hazara returnees settle in western Kabul." in body
    assert "Cited by Ines Inquirer on " in "\n".join(c.value for c in section.caption)


def _live_citations(engine, case_id: int) -> list[int]:  # noqa: ANN001
    from models.coi import CoiCitation

    with unit_of_work(engine, write=False) as s:
        return list(s.execute(select(CoiCitation.passage_id).where(
            CoiCitation.application_id == case_id, CoiCitation.removed_at.is_(None))
            .order_by(CoiCitation.id)).scalars())


def test_a_double_click_on_cite_makes_one_citation(hazara_case) -> None:  # noqa: ANN001
    """A double click sends "Cite" twice with the same finding (the form is no longer
    cleared on submit, so the second click does not arrive empty): the second answers with
    the citation the first made, says so, and no second row is stored, no warning shown."""
    engine, staff, case_id = hazara_case
    pid, doc = passage_id(engine, "Query response: Afghanistan - Treatment of Hazara Shia "
                          "returning from Iran", "where rents are lower")
    at = signed_in("inq.one")
    at.query_params["doc"] = str(doc)
    at.query_params["passage"] = str(pid)
    at.query_params["case"] = str(case_id)
    at = at.switch_page("../pages/coi_document.py").run()
    with unit_of_work(engine, write=False) as s:
        from models import Application

        number = s.get(Application, case_id).case_number
    finding = "Hazara returnees settle in western Kabul."
    for _ in range(2):
        at.text_area(key=f"cite_finding_doc_{pid}").input(finding)
        at.button(key=f"cite_submit_doc_{pid}").click().run()
        assert not at.exception and not at.warning and not at.error
    assert [s.value for s in at.success] == [
        f"This passage is already cited in case {number}: it is cited there once, as before."]
    assert _live_citations(engine, case_id) == [pid]


def test_another_inquirer_cannot_cite_into_the_case(hazara_case) -> None:  # noqa: ANN001
    engine, staff, case_id = hazara_case
    at = search(library(signed_in("inq.two"), case_id), "Hazara")
    assert not at.exception
    assert [e.value for e in at.error] == ["You do not have access to this case."]
    assert "Citing for case" not in messages(at)
    assert not [p for p in at.get("popover") if "Cite" in str(p.proto)]
    assert snippets(at)  # searching itself is open to them


def test_a_case_reassigned_meanwhile_refuses_the_citation(hazara_case) -> None:  # noqa: ANN001
    engine, staff, case_id = hazara_case
    at = search(library(signed_in("inq.one"), case_id), "Hazara")
    pid = int(next(k for k in (ta.key for ta in at.text_area) if k)
              .removeprefix("cite_finding_hit_"))
    with unit_of_work(engine) as s:
        assign_cases(s, actor=staff.manager, application_ids=[case_id],
                     inquirer_id=staff.inquirer2.id)
    at.text_area(key=f"cite_finding_hit_{pid}").input("A finding.")
    at.button(key=f"cite_submit_hit_{pid}").click().run()
    assert not at.exception
    assert "You do not have access to this case." in [e.value for e in at.error]
    assert not at.success


# --- the case file ---------------------------------------------------------------------------


def test_case_file_suggests_passages_and_cites_one(hazara_case) -> None:  # noqa: ANN001
    engine, staff, case_id = hazara_case
    at = open_case_file(signed_in("inq.one"), case_id)
    assert not at.exception
    section = next(e for e in at.expander if e.label == "Country information")
    body = "\n".join(str(m.value) for m in section.markdown)
    assert "No country information is cited in this case yet." in "\n".join(
        c.value for c in section.caption)
    assert "Suggested for this case" in body
    assert ("About Afghanistan, the applicant&#x27;s country" in body
            or "About Afghanistan, the applicant's country" in body)
    assert [p.value for p in section.get("page_link")][0] == \
        "Search the COI library for this case"
    key = next(ta.key for ta in section.text_area if ta.key.startswith("cite_finding_"))
    at.text_area(key=key).input("Checkpoint harassment of Hazara returnees.")
    at.button(key=key.replace("cite_finding_", "cite_submit_")).click().run()
    assert not at.exception
    section = next(e for e in at.expander if e.label == "Country information")
    assert "1 citation" in [c.value for c in section.caption]
    assert "Checkpoint harassment of Hazara returnees." in "\n".join(
        str(m.value) for m in section.markdown)


def test_a_citation_of_an_older_edition_notes_the_newer_one_and_can_be_removed(
        coi_app) -> None:  # noqa: ANN001
    engine, staff = coi_app
    case_id = insert_case(engine, inquirer=staff.inquirer, nationality="MMR",
                          family_name="Aung", claim_narrative="I fear forced recruitment.")
    pid, _ = passage_id(engine, "Myanmar: Country Focus 2023", "not been brought into force")
    from workbench.library.citations import cite

    with unit_of_work(engine) as s:
        cite(s, actor=staff.inquirer, application_id=case_id, passage_id=pid,
             finding="Conscription was not enforced in 2023.")
    at = open_case_file(signed_in("inq.one"), case_id)
    section = next(e for e in at.expander if e.label == "Country information")
    assert any("newer edition of this document" in i.value for i in section.info)
    assert "Quoted passage" in [e.label for e in section.expander]
    at.text_area(key=next(ta.key for ta in section.text_area
                          if ta.key.startswith("coi_remove_reason_"))).input("Superseded.")
    by_label(section.button, "Remove the citation").click().run()
    assert not at.exception
    section = next(e for e in at.expander if e.label == "Country information")
    assert "Citation removed." in section.success[0].value
    assert "No country information is cited in this case yet." in [
        c.value for c in section.caption]


def test_a_manager_sees_citations_but_cannot_cite(hazara_case) -> None:  # noqa: ANN001
    engine, staff, case_id = hazara_case
    at = open_case_file(signed_in("mgr.one"), case_id)
    assert not at.exception
    section = next(e for e in at.expander if e.label == "Country information")
    assert "Suggested for this case" in "\n".join(str(m.value) for m in section.markdown)
    assert not [ta for ta in section.text_area if ta.key.startswith("cite_finding_")]


# --- the document page -----------------------------------------------------------------------


def test_the_document_page_shows_metadata_editions_and_the_passage(coi_app) -> None:  # noqa: ANN001
    engine, _ = coi_app
    pid, doc = passage_id(engine, "Myanmar: Country Focus 2023", "not been brought into force")
    at = signed_in("inq.one")
    at.query_params["doc"] = str(doc)
    at.query_params["passage"] = str(pid)
    at = at.switch_page("../pages/coi_document.py").run()
    assert not at.exception
    assert at.title[0].value == "Myanmar: Country Focus 2023"
    text = "\n".join(str(m.value) for m in at.markdown)
    assert "European Union Agency for Asylum" in text
    assert "Source described on 2026-01-12" in messages(at)
    assert "SHA-256" in text and "2023-05-30" in text
    assert any("superseded by a newer one: Myanmar: Country Focus 2025" in w.value
               for w in at.warning)
    assert "**Passage you came from**" in messages(at)
    assert f'<p id="passage-{pid}" style=' in text  # marked in the text
    assert "¶&nbsp;25" in text
    assert [b.label for b in at.get("download_button")] == [
        "Download the library's copy (mmr-country-focus-2023.txt)"]
    assert not [e for e in at.expander if e.label == "Edit metadata"]


def test_the_administrator_corrects_a_document_title(coi_app) -> None:  # noqa: ANN001
    engine, _ = coi_app
    _, doc = passage_id(engine, "Myanmar: Country Focus 2025", "military")
    at = signed_in("adm.one")
    at.query_params["doc"] = str(doc)
    at = at.switch_page("../pages/coi_document.py").run()
    at.text_input(key=f"coi_doc_{doc}_title").input("Myanmar: Country Focus, June 2025")
    by_label(at.button, "Save metadata").click().run()
    assert not at.exception
    assert at.title[0].value == "Myanmar: Country Focus, June 2025"
    assert "Metadata saved." in [s.value for s in at.success]


# --- issue 17: word forms, spellings, a search from a case, metadata to review ----------------


def test_word_forms_match_and_a_misspelling_gets_a_suggestion(coi_app) -> None:  # noqa: ANN001
    # The library says "returnees" only: the singular finds them.
    at = search(library(signed_in("inq.one")), "hazara returnee")
    assert not at.exception
    assert not hit_count(at).startswith("0 ")
    assert any("<mark>returnees</mark>" in s.lower() or "<mark>returnee</mark>" in s.lower()
               for s in snippets(at))
    at = search(at, "hazzara retunees")
    assert not at.exception
    assert "No passage matches. Did you mean:" in [i.value for i in at.info]
    suggestion = next(b for b in at.button if b.key == "coi_suggest_0")
    assert suggestion.label == "hazara returnees"
    suggestion.click().run()
    assert not at.exception
    assert at.text_input(key="coi_query").value == "hazara returnees"
    assert not hit_count(at).startswith("0 ")


def test_from_a_case_the_library_is_filtered_to_the_nationality(hazara_case) -> None:  # noqa: ANN001
    engine, staff, case_id = hazara_case
    at = library(signed_in("inq.one"), case_id)
    assert not at.exception
    assert "Filtered to the applicant's nationality: Afghanistan." in messages(at)
    terms = next(b for b in at.button if b.key == "coi_case_terms")
    assert terms.label.startswith("Search for the key terms of the claim: ")
    assert "hazara" in terms.label and " OR " in terms.label
    terms.click().run()
    assert not at.exception
    assert "hazara" in at.text_input(key="coi_query").value
    assert not hit_count(at).startswith("0 ")
    assert any(m.value == ["AFG"] for m in at.multiselect)  # the filter holds


def _suspect(engine, title: str) -> int:  # noqa: ANN001
    """Give a sample document a publication date on the day it was added and a site name
    as its title: what a printed web page used to get."""
    with unit_of_work(engine) as s:
        doc = s.execute(select(CoiDocument).where(CoiDocument.title == title)).scalar_one()
        doc.published_on = doc.ingested_at.date()
        doc.title = "Afghanistan - Austrian Centre for Country of Origin and Asylum Research " \
            "and Documentation"
        s.add(doc)
        return doc.id


def test_needs_review_lists_suspect_details_with_one_click_fixes(coi_app) -> None:  # noqa: ANN001
    engine, _ = coi_app
    doc_id = _suspect(engine, "Query response: Afghanistan - Treatment of Hazara Shia "
                              "returning from Iran")
    at = library(signed_in("adm.one"))
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert any("is the day the document was added" in w for w in warnings), warnings
    assert any("a site's name or a browser tab title" in w for w in warnings), warnings
    by_label(at.button, "Use “Afghanistan” as the title").click().run()
    assert not at.exception
    assert "Corrected: Afghanistan" in [s.value for s in at.success]
    at.button(key=f"coi_fix_review_{doc_id}_published_on_ingestion_day").click().run()
    assert not at.exception
    with unit_of_work(engine, write=False) as s:
        doc = s.get(CoiDocument, doc_id)
        assert doc.title == "Afghanistan" and doc.published_on is None
    # A document whose date really is the day it was added: kept, and no longer listed.
    doc2 = _suspect(engine, "Myanmar: Country Focus 2025")
    at = library(signed_in("adm.one"))
    at.button(key=f"coi_keep_review_{doc2}_published_on_ingestion_day").click().run()
    assert not at.exception
    assert not any(b.key == f"coi_keep_review_{doc2}_published_on_ingestion_day"
                   for b in at.button)
    with unit_of_work(engine, write=False) as s:
        assert s.get(CoiDocument, doc2).published_on is not None


def test_the_upload_result_links_to_each_new_document_and_flags_it(coi_app) -> None:  # noqa: ANN001
    engine, _ = coi_app
    doc_id = _suspect(engine, "Myanmar: Country Focus 2025")
    at = signed_in("adm.one")
    at.session_state["wb_coi_upload_outcomes"] = [("report.pdf", "added", "added", doc_id)]
    at = at.switch_page("../pages/coi_library.py").run()
    assert not at.exception
    links = [p for p in at.get("page_link") if p.proto.query_string == f"doc={doc_id}"]
    assert links, "no link to the new document"
    assert at.button(key=f"coi_fix_added_{doc_id}_title_site_name")


def test_the_document_page_flags_suspect_details_for_administrators(coi_app) -> None:  # noqa: ANN001
    engine, _ = coi_app
    doc_id = _suspect(engine, "Myanmar: Country Focus 2025")
    def page(user: str):  # noqa: ANN202
        at = signed_in(user)
        at.query_params["doc"] = str(doc_id)
        return at.switch_page("../pages/coi_document.py").run()

    def flagged(at) -> bool:  # noqa: ANN001
        return any("is the day the document was added" in w.value for w in at.warning)

    assert not flagged(page("inq.one"))
    at = page("adm.one")
    assert not at.exception and flagged(at)
    at.button(key=f"coi_fix_doc_{doc_id}_published_on_ingestion_day").click().run()
    assert not at.exception
    assert any(s.value.startswith("Corrected: ") for s in at.success)
    assert not flagged(at)


def test_a_publication_date_bound_is_typed_in_either_form(coi_app) -> None:  # noqa: ANN001
    at = search(library(signed_in("inq.one")), "military")
    before = int(hit_count(at).split()[0])
    # 令和7年 is 2025: only what was published from 1 February 2025 on.
    at.text_input(key="coi_published_from").input("令和7年2月1日").run()
    assert not at.exception
    era = int(hit_count(at).split()[0])
    assert 0 < era < before
    assert "2025-02-01" in "\n".join(str(c.value) for c in at.caption)
    at.text_input(key="coi_published_from").input("2025-02-01").run()
    assert int(hit_count(at).split()[0]) == era
    # Nonsense is said to be no date and leaves the bound open.
    at.text_input(key="coi_published_from").input("someday").run()
    assert not at.exception
    assert "someday" in "\n".join(str(e.value) for e in at.error)
    assert int(hit_count(at).split()[0]) == before
