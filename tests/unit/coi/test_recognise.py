"""Metadata recognition: title, publication date, countries, language, document type."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from coi.extracted import ExtractedDocument, ExtractedPage, Passage
from coi.gazetteer import lookup
from coi.recognise import DOC_TYPES, recognise
from coi.recognise_date import find_date
from coi.recognise_language import detect_language
from coi.recognise_title import is_junk_title

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "coi-samples"


def text_doc(*paragraphs: str, metadata: dict | None = None,
             headings: tuple[str, ...] = ()) -> ExtractedDocument:
    passages = [Passage(p, page=None, paragraph=i, heading_path=headings)
                for i, p in enumerate(paragraphs, start=1)]
    return ExtractedDocument(pages=[], page_count=None, metadata=metadata or {},
                             passages=passages, kind="text")


def pdf_doc(*pages: str, metadata: dict | None = None,
            passages: list[Passage] | None = None) -> ExtractedDocument:
    return ExtractedDocument(
        pages=[ExtractedPage(i, text) for i, text in enumerate(pages, start=1)],
        page_count=len(pages), metadata=metadata or {}, passages=passages or [], kind="pdf",
    )


BODY = ("Afghanistan is ruled by the Taliban. Women in Afghanistan cannot study. The Taliban "
        "detained journalists in Afghanistan.")


# --- title ------------------------------------------------------------------------------------


def test_title_from_metadata() -> None:
    r = recognise(text_doc(BODY, metadata={"title": "  Afghanistan:   Situation of women "}))
    assert r.title == "Afghanistan: Situation of women"
    assert r.reasons["title"] == "title given by the document's metadata"


@pytest.mark.parametrize(
    "junk",
    ["Microsoft Word - report.docx", "untitled", "Untitled-1", "Document1",
     "https://example.org/report.pdf", "www.example.org", "report_final_v2", "scan0001.pdf",
     "C:\\Users\\clerk\\report.pdf", "PowerPoint Presentation", "1234", ""],
)
def test_junk_metadata_titles_are_ignored(junk: str) -> None:
    assert is_junk_title(junk)
    passages = [Passage("Afghanistan is ruled by the Taliban.", 1, 1,
                        ("Afghanistan: Treatment of returnees",))]
    r = recognise(pdf_doc(BODY, metadata={"title": junk}, passages=passages))
    assert r.title == "Afghanistan: Treatment of returnees"
    assert "first heading" in r.reasons["title"]
    if junk:
        assert "ignored" in r.reasons["title"]


@pytest.mark.parametrize("good", ["Afghanistan", "Nepal - United States Department of State",
                                  "COI Focus: Guinea. Security situation"])
def test_real_titles_are_not_junk(good: str) -> None:
    assert not is_junk_title(good)


def test_title_skips_boilerplate_headings() -> None:
    passages = [
        Passage("An official website.", 1, 1, ("Skip to content",)),
        Passage("Text.", 1, 2, ("Sri Lanka: Tamils returning from abroad",)),
    ]
    assert recognise(pdf_doc("x", passages=passages)).title == (
        "Sri Lanka: Tamils returning from abroad")


def test_title_from_the_first_line_of_page_one() -> None:
    page = ("12\n\nNepal: Treatment of political activists\n\nThe situation in Nepal has not "
            "changed since the last report. Activists were arrested.")
    r = recognise(pdf_doc(page))
    assert r.title == "Nepal: Treatment of political activists"
    assert "first line of page 1" in r.reasons["title"]


def test_no_title_when_the_text_starts_with_prose() -> None:
    r = recognise(text_doc("There were no reports of significant human rights abuses.", BODY))
    assert r.title is None


# --- publication date -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Country report\n\n12 March 2024\n\nBody text.", date(2024, 3, 12)),
        ("Country report\n\n12th March 2024\n\nBody.", date(2024, 3, 12)),
        ("Country report\n\nMarch 12, 2024\n\nBody.", date(2024, 3, 12)),
        ("Country report\n\nMarch 2024\n\nBody.", date(2024, 3, 1)),
        ("Country report\n\n2024-03-12\n\nBody.", date(2024, 3, 12)),
        ("Published: 12 March 2024. The report covers 2023.", date(2024, 3, 12)),
        ("Date: 2024-03-12 Subject: Afghanistan", date(2024, 3, 12)),
        ("Publication date: March 2024; covers the period 1 January 2023 to 31 December 2023",
         date(2024, 3, 1)),
        ("Vienna, 5 June 2023\n\nQuery response.", date(2023, 6, 5)),
        ("Federal Register Vol. 85, No. 152 Thursday, August 6, 2020 Proposed Rules",
         date(2020, 8, 6)),
        ("Rapport\n\n12 mars 2024\n\nTexte.", date(2024, 3, 12)),
        ("Informe\n\n12 de marzo de 2024\n\nTexto.", date(2024, 3, 12)),
        ("Bericht\n\n12. März 2024\n\nText.", date(2024, 3, 12)),
        ("出身国情報報告\n\n2024年3月12日\n\n本文", date(2024, 3, 12)),
        ("出身国情報報告\n\n令和6年3月12日\n\n本文", date(2024, 3, 12)),
        ("報告書\n\n令和元年5月1日\n\n本文", date(2019, 5, 1)),
        ("報告書\n\n平成31年4月30日\n\n本文", date(2019, 4, 30)),
        ("発行日：令和６年３月１２日　本文が続く", date(2024, 3, 12)),  # full-width digits
        ("The regulation of 14 May 2024 on standards for the qualification of third-country "
         "nationals, amending the earlier directive.", date(2024, 5, 14)),
    ],
)
def test_dates_stated_near_the_start(text: str, expected: date) -> None:
    found = find_date(text)
    assert found is not None, text
    assert found[0] == expected
    doc = recognise(text_doc(*text.split("\n\n")))
    assert doc.published == expected
    assert "near the start" in doc.reasons["published"]


def test_a_labelled_date_beats_an_earlier_one() -> None:
    text = "Reporting period\n\n1 January 2023\n\nPublished: 20 March 2024"
    assert find_date(text)[0] == date(2024, 3, 20)  # type: ignore[index]
    assert "labelled" in find_date(text)[1]  # type: ignore[index]


@pytest.mark.parametrize(
    "text",
    [
        "Since August 2021 the Taliban have ruled the country and restricted women's rights.",
        "The Taliban took power after 15 August 2021 and dissolved the commission.",
        "2021年8月以降、タリバンが国を支配している。",
        "In 1850 the town was founded.",
    ],
)
def test_event_dates_in_prose_are_not_publication_dates(text: str) -> None:
    assert find_date(text) is None


def test_dates_deep_in_prose_and_footnotes_are_not_publication_dates() -> None:
    prose = "The commission reported on the situation of returnees in the provinces. " * 20
    assert find_date(prose + "It met on 3 May 2023 in the capital.") is None
    assert find_date(prose + "\n( 2 ) OJ C 207, 30.6.2017, p. 67.\n") is None


@pytest.mark.parametrize(
    "value",
    [date(2024, 4, 17), datetime(2024, 4, 17, 9, 30, tzinfo=UTC), "2024-04-17",
     "2024-04-17T09:30:00Z", "17 April 2024"],
)
def test_metadata_date_is_preferred(value: object) -> None:
    r = recognise(text_doc("Published: 1 May 2020", BODY, metadata={"published": value}))
    assert r.published == date(2024, 4, 17)
    assert r.reasons["published"] == "publication date given by the document's metadata"


def test_pdf_creation_date_is_the_last_resort() -> None:
    created = datetime(2026, 11, 22, 10, 9, tzinfo=UTC)
    r = recognise(pdf_doc(BODY, metadata={"creation_date": created}))
    assert r.published == date(2026, 11, 22)
    assert "creation date" in r.reasons["published"]
    assert "printed or saved" in r.reasons["published"]


def test_no_date_at_all() -> None:
    r = recognise(text_doc(BODY))
    assert r.published is None
    assert r.reasons["published"].startswith("no publication date")


# --- countries --------------------------------------------------------------------------------

NEIGHBOURS = (
    "Afghanistan remains under Taliban rule. Returnees to Afghanistan from Iran and Pakistan "
    "face poverty. In Afghanistan, women cannot work. Afghan journalists were detained. "
    "The border with Pakistan was closed. Afghanistan's economy shrank. Afghans fled. "
    "Afghanistan has no functioning courts."
)


def test_title_country_comes_first_and_neighbours_are_not_listed() -> None:
    r = recognise(text_doc(NEIGHBOURS, metadata={"title": "Afghanistan: Security situation"}))
    assert r.primary_country == "AFG"
    assert r.countries == ["AFG"]
    assert r.reasons["primary_country"] == "title names Afghanistan"
    assert "AFG" in r.reasons["countries"]


def test_without_a_title_the_most_mentioned_country_dominates() -> None:
    r = recognise(text_doc("Many people left the region.", NEIGHBOURS))
    assert r.primary_country == "AFG"
    assert r.countries[0] == "AFG"
    assert "IRN" not in r.countries


def test_two_countries_of_a_title_are_both_listed() -> None:
    body = ("Afghanistan and Pakistan share a long border. Pakistan deported Afghans. "
            "Afghanistan received them. Pakistan closed camps. Afghanistan lacks shelter.")
    r = recognise(text_doc(body, metadata={"title": "Afghanistan and Pakistan: returnees"}))
    assert set(r.countries) == {"AFG", "PAK"}


def test_the_lead_sentence_names_the_subject() -> None:
    body = ("Ukraine is a republic with a semi-presidential system. Russia's forces attacked "
            "cities; Russia deported children to Russia, and Russian troops occupied towns. "
            "Ukraine's government documented the abuses.")
    r = recognise(text_doc(body))
    assert r.primary_country == "UKR"
    assert r.countries[:2] == ["UKR", "RUS"]
    assert "opening names Ukraine" in r.reasons["primary_country"]


def test_headings_weigh_more_than_body_text() -> None:
    doc = text_doc("Iran and Iraq were mentioned. Iran again.", "Nothing else.",
                   headings=("Sri Lanka: Tamils",))
    r = recognise(doc)
    assert r.countries[0] == "LKA"


def test_no_country_named() -> None:
    r = recognise(text_doc("A report about nothing in particular."))
    assert r.countries == [] and r.primary_country is None


# --- language ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The government of the country has been accused of detaining journalists and of "
         "restricting the freedom of the press, which was reported by several sources.", "en"),
        ("アフガニスタンでは、タリバンが女性の教育を制限しており、多くのジャーナリストが拘束された。",
         "ja"),
        ("Le gouvernement a arrêté des journalistes et les autorités ont restreint la liberté de "
         "la presse dans le pays, selon les organisations qui sont présentes sur place.", "fr"),
        ("El gobierno detuvo a los periodistas y las autoridades restringieron la libertad de "
         "prensa en el país, según las organizaciones que están presentes.", "es"),
        ("Die Regierung hat Journalisten festgenommen und die Behörden haben die Pressefreiheit "
         "eingeschränkt, wie die Organisationen berichten, die im Land sind.", "de"),
        ("塔利班限制妇女接受教育，许多记者被拘留。政府没有保护他们。", "zh"),
        ("탈레반은 여성의 교육을 제한하고 있으며 많은 기자들이 구금되었다.", "ko"),
        ("قامت الحكومة باعتقال الصحفيين وتقييد حرية الصحافة في البلاد", "ar"),
        ("Правительство задержало журналистов и ограничило свободу прессы в стране.", "ru"),
        ("", "en"),
    ],
)
def test_language_detection(text: str, expected: str) -> None:
    assert detect_language(text)[0] == expected


def test_declared_language_is_preferred_and_normalised() -> None:
    assert recognise(text_doc(BODY, metadata={"language": "en-GB"})).language == "en"
    assert recognise(text_doc(BODY, metadata={"language": "jpn"})).language == "ja"
    r = recognise(text_doc("アフガニスタンでは、タリバンが女性の教育を制限している。",
                           metadata={"language": "???"}))
    assert r.language == "ja"
    assert "kana" in r.reasons["language"]


# --- document type ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Query response: Afghanistan: Treatment of Hazara", "query_response"),
        ("Response to Information Request AFG201234.E", "query_response"),
        ("Afghanistan: Country Focus", "country_report"),
        ("2023 Country Reports on Human Rights Practices: Nepal", "country_report"),
        ("Country of Origin Information Report Sri Lanka", "country_report"),
        ("Regulation (EU) 2024/1347 of the European Parliament and of the Council", "legal"),
        ("Immigration Control and Refugee Recognition Act", "legal"),
        ("出入国管理及び難民認定法", "legal"),
        ("Country Policy and Information Note: Afghanistan: Fear of the Taliban", "guidance"),
        ("UNHCR Eligibility Guidelines for Assessing the International Protection Needs of "
         "Asylum-Seekers from Afghanistan", "guidance"),
        ("Press release: UN condemns executions in Iran", "news"),
        ("Afghanistan: Situation of women", "thematic_report"),
        ("Eritrea: Military service", "thematic_report"),
        ("Sri Lanka: Tamils returning from abroad", "thematic_report"),
        ("Afghanistan", None),
    ],
)
def test_doc_type_from_the_title(title: str, expected: str | None) -> None:
    r = recognise(text_doc(BODY, metadata={"title": title}))
    assert r.doc_type == expected
    assert expected is None or expected in DOC_TYPES
    assert r.reasons["doc_type"]


def test_doc_type_from_the_address_and_the_opening() -> None:
    url = "https://www.state.gov/reports/2023-country-reports-on-human-rights-practices/sri-lanka/"
    r = recognise(text_doc(BODY, metadata={"title": "Sri Lanka", "url": url}))
    assert r.doc_type == "country_report"
    assert "address" in r.reasons["doc_type"]
    r = recognise(text_doc("Home > Reports > 2023 Country Reports on Human Rights Practices",
                           BODY))
    assert r.doc_type == "country_report"
    # words such as "Act" in running text do not make a report legal
    r = recognise(text_doc("Under the Anti-Terrorism Act, the police detained journalists."))
    assert r.doc_type is None


# --- real samples -----------------------------------------------------------------------------

needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared COI samples absent")


@needs_samples
def test_primary_country_of_the_2022_executive_summaries() -> None:
    path = SAMPLES / "text" / "usdos-hrr-2022-executive-summaries.json"
    if not path.exists():
        pytest.skip("executive summaries absent")
    summaries = json.loads(path.read_text(encoding="utf-8"))
    right, wrong = 0, []
    for key, entry in summaries.items():
        expected = lookup(key)
        assert expected is not None, key
        paragraphs = [p for p in entry["summary"].split("\n\n") if p.strip()]
        r = recognise(text_doc(*paragraphs))  # no title: the text alone must tell
        if r.primary_country == expected.code:
            right += 1
        else:
            wrong.append((key, r.primary_country))
    share = right / len(summaries)
    print(f"primary country right for {right}/{len(summaries)} summaries ({share:.1%})")
    assert len(summaries) == 194
    assert share >= 0.9, wrong


@needs_samples
@pytest.mark.parametrize(
    ("name", "country"),
    [("usdos-hrr-2023-afghanistan", "AFG"), ("usdos-hrr-2023-nepal", "NPL"),
     ("usdos-hrr-2023-sri-lanka", "LKA"), ("usdos-hrr-2023-turkey", "TUR"),
     ("usdos-hrr-2024-afghanistan", "AFG")],
)
def test_usdos_samples(name: str, country: str) -> None:
    html = SAMPLES / "html" / f"{name}.html"
    pdf = SAMPLES / "pdf" / f"{name}.pdf"
    if html.exists():
        from coi.html_extract import extract_html

        r = recognise(extract_html(html))
        assert r.primary_country == country
        assert r.countries[0] == country
        assert r.doc_type == "country_report"
        assert r.language == "en"
    if pdf.exists():
        from coi.pdf_extract import extract_pdf

        r = recognise(extract_pdf(pdf))
        assert r.primary_country == country
        assert r.countries == [country]  # not the United States, the publisher's country
        assert r.doc_type == "country_report"
        assert r.title is not None and r.title.endswith(
            "Country Reports on Human Rights Practices: " + r.title.split(": ", 1)[1])
        assert r.title.startswith(name.split("-")[2])  # the report's year, not the tab's
        # The print states no publication date: none rather than the day it was printed.
        assert r.published is None
        assert "printed" in r.reasons["published"]


@needs_samples
def test_eu_regulation_sample() -> None:
    pdf = SAMPLES / "pdf" / "eu-regulation-2024-1347-qualification.pdf"
    if not pdf.exists():
        pytest.skip("sample absent")
    from coi.pdf_extract import extract_pdf

    r = recognise(extract_pdf(pdf))
    assert r.doc_type == "legal"
    assert r.published == date(2024, 5, 14)
    assert r.primary_country is None
    assert r.title is not None and r.title.startswith("Regulation (EU) 2024/1347")


# --- suspect metadata (coi.review, issue 17) ---------------------------------------------------


def test_metadata_flags_name_what_looks_wrong_and_suggest_a_fix() -> None:
    from coi.review import metadata_flags

    sites = ["United States Department of State", "USDOS"]
    flags = metadata_flags(
        title="Afghanistan - United States Department of State", published=date(2026, 11, 22),
        added_on=date(2026, 11, 22), countries=[], site_names=sites,
        opening_text="The Taliban detained returnees in Afghanistan and Afghanistan.")
    assert [(f.code, f.suggestion) for f in flags] == [
        ("published_on_ingestion_day", ""), ("title_site_name", "Afghanistan"),
        ("no_country", "AFG")]
    future = metadata_flags(title="USDOS", published=date(2027, 1, 1),
                            added_on=date(2026, 11, 22), countries=["AFG"], site_names=sites,
                            first_heading="2023 Country Reports: Afghanistan")
    assert [(f.code, f.suggestion) for f in future] == [
        ("published_future", ""), ("title_site_name", "2023 Country Reports: Afghanistan")]
    # Sound metadata has no flags; a flag an administrator kept is not raised again.
    assert metadata_flags(title="2023 Country Reports on Human Rights Practices: Nepal",
                          published=date(2024, 4, 17), added_on=date(2026, 11, 22),
                          countries=["NPL"], site_names=sites) == []
    assert metadata_flags(title="Nepal report", published=date(2026, 11, 22),
                          added_on=date(2026, 11, 22), countries=["NPL"], site_names=sites,
                          reviewed=["published_on_ingestion_day"]) == []


def test_the_publishers_country_is_listed_only_when_the_content_is_about_it() -> None:
    body = [Passage("Eritrea requires indefinite national service. Deserters from the army of "
                    "Eritrea are detained. Claims lodged in the United Kingdom were refused; "
                    "the United Kingdom returns few people to Eritrea.", None, 1)]
    meta = {"publisher": "United Kingdom Home Office", "url": "https://www.gov.uk/x"}
    note = ExtractedDocument(pages=[], page_count=None, kind="html", passages=body,
                             metadata={**meta, "title": "Eritrea: national service"})
    assert recognise(note).countries == ["ERI"]
    about_home = ExtractedDocument(
        pages=[], page_count=None, kind="html", metadata={**meta, "title": "UK asylum statistics"},
        passages=[Passage("The United Kingdom received 80,000 asylum claims. The United "
                          "Kingdom granted half of them; Eritrea was a top nationality.",
                          None, 1)])
    assert recognise(about_home).primary_country == "GBR"


def test_a_document_without_a_publication_date_is_flagged_for_a_person() -> None:
    from coi.review import metadata_flags

    flags = metadata_flags(title="2023 Country Reports on Human Rights Practices: Nepal",
                           published=None, added_on=date(2026, 11, 22), countries=["NPL"],
                           site_names=["USDOS"])
    # Nothing to suggest: the administrator types the publisher's date or keeps it unknown.
    assert [(f.code, f.field, f.suggestion) for f in flags] == [
        ("no_published_date", "published", None)]
    assert metadata_flags(title="2023 Country Reports on Human Rights Practices: Nepal",
                          published=None, added_on=date(2026, 11, 22), countries=["NPL"],
                          site_names=["USDOS"], reviewed=["no_published_date"]) == []
