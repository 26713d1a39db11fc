"""Web pages printed to PDF by a browser (issue 17): the print's header and footer and the
site's chrome are not passages, and the title, date, publisher and countries come from the
content, not from the print.

The printed pages are made here: HTML written for this test (a made-up report with a site's
navigation, an "official website" banner, a breadcrumb, a heading, a date line and a footer
menu), printed by Chromium's ``--print-to-pdf`` with its default header (print date and time,
tab title) and footer (address, "n/m"). Without /usr/bin/chromium these tests are skipped,
unless ``CI`` is set, where a missing browser is a failure. The real printed State Department
reports are tested in ``test_pdf_extract.py`` and
``tests/integration/library/test_coi_real_samples.py``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from coi import printed
from coi.enrich import enrich
from coi.pdf_extract import extract_pdf
from coi.recognise import recognise
from coi.recognise_countries import source_countries

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

_SENTENCES = [
    "Returnees from neighbouring states reported arbitrary detention at border crossings, "
    "where police questioned them about their political activities abroad.",
    "Journalists who criticised the governor of the northern province were detained for "
    "several days without charge, and two newspapers were closed by court order.",
    "Local monitors said that conscripts who deserted were punished without trial and that "
    "their families were fined or detained in their place.",
    "The authorities required exit visas for citizens of military age, and those who left "
    "without one faced questioning on their return.",
]

_PLACES = ("Alder Amber Aspen Basil Birch Cedar Clover Cypress Daisy Elm Fern Hazel Heath "
           "Iris Ivy Juniper Laurel Linden Maple Myrtle Oak Poplar Rowan Willow").split()


def _page(title: str, heading: str, subject: str, *, dated: bool, extra: str = "") -> str:
    """A made-up report page as a government site would serve it."""
    paragraphs = []
    for section in range(1, 7):
        paragraphs.append(f"<h2>{section}. Section {section} of the report</h2>")
        for n in range(4):
            text = _SENTENCES[(section + n) % len(_SENTENCES)]
            # Every paragraph differs in words, not only in numbers: lines repeated at the
            # same place on every page would be running headers.
            place = _PLACES[(section - 1) * 4 + n]
            paragraphs.append(f"<p>In {subject}, paragraph {section}.{n + 1}: {text} "
                              f"The same was reported from {place}.</p>")
    menu = "".join(f"<li>{item}</li>" for item in (
        "Home", "Newsroom", "Business", "Travel", "Visas", "Countries and Areas", "About"))
    date_line = "<p>Published 14 March 2025</p>" if dated else ""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title}</title></head><body>
<div>Skip to content</div>
<div>An official website of the government. Here's how you know: official websites use
a secure address.</div>
<nav><ul>{menu}</ul></nav>
<p>Home › Reports › Annual Reports 2025 … {subject}</p>
<h1>{heading}</h1>
{date_line}
<p>Download Report</p>
{extra}
{''.join(paragraphs)}
<footer><p>Tags</p><p>{subject}</p><p>Back to Top</p><p>Contact us</p><p>Privacy</p>
</footer></body></html>"""


def _print(html: str, folder: Path, name: str) -> Path:
    source = folder / f"{name}.html"
    source.write_text(html, encoding="utf-8")
    target = folder / f"{name}.pdf"
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         f"--user-data-dir={folder / 'profile'}", f"--print-to-pdf={target}",
         source.as_uri()],
        check=True, capture_output=True, timeout=120)
    return target


@pytest.fixture(scope="module")
def printouts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("CI is set but Chromium is missing (scripts/ensure-chromium.sh)")
        pytest.skip("no Chromium to print pages with")
    folder = tmp_path_factory.mktemp("printed")
    return {
        "dated": _print(_page("Eritrea - United Kingdom Home Office",
                              "Country Policy and Information Note: Eritrea", "Eritrea",
                              dated=True,
                              extra="<p>This note is for decision makers handling asylum "
                                    "claims lodged in the United Kingdom by nationals of "
                                    "Eritrea.</p>"),
                        folder, "dated"),
        "undated": _print(_page("Myanmar - United States Department of State",
                                "Myanmar", "Myanmar", dated=False,
                                extra="<p>This report was submitted to the United States "
                                      "Congress.</p>"), folder, "undated"),
    }


def test_print_furniture_and_site_chrome_are_not_passages(printouts: dict[str, Path]) -> None:
    doc = extract_pdf(printouts["dated"])
    assert doc.page_count and doc.page_count >= 2
    texts = [p.text for p in doc.passages]
    joined = "\n".join(texts)
    assert "file://" not in joined and "official website" not in joined.lower()
    assert not any(t in joined for t in ("Skip to content", "Download Report", "Back to Top",
                                         "Newsroom", "Privacy"))
    assert not any(t.strip().endswith(f"/{doc.page_count}") for t in texts)
    assert not any(f"{date.today():%-m/%-d/%y}" in t for t in texts)  # the print date
    # The report's own text is all there, under its own headings.
    assert texts[0].startswith("This note is for decision makers")
    assert all(f"reported from {place}." in joined for place in _PLACES)
    assert any(p.heading_path and p.heading_path[0].startswith("1. Section 1")
               for p in doc.passages)


def test_title_date_and_publisher_come_from_the_content(printouts: dict[str, Path]) -> None:
    doc = enrich(extract_pdf(printouts["dated"]))
    found = recognise(doc)
    assert found.title == "Country Policy and Information Note: Eritrea"
    assert "tab title" in found.reasons["title"]
    assert found.published == date(2025, 3, 14)
    assert doc.metadata["publisher"] == "United Kingdom Home Office"
    assert doc.metadata["printed"]["tab_title"] == "Eritrea - United Kingdom Home Office"
    # The United Kingdom is named by the publisher and where claims are lodged; the note is
    # about Eritrea only.
    assert found.countries == ["ERI"] and found.primary_country == "ERI"


def test_a_page_without_a_stated_date_gets_none_not_the_print_date(
        printouts: dict[str, Path]) -> None:
    doc = extract_pdf(printouts["undated"])
    found = recognise(doc)
    assert found.published is None
    assert "printed" in found.reasons["published"]
    # The heading is the tab title's subject alone: the breadcrumb's item before it joins it.
    assert found.title == "Annual Reports 2025: Myanmar"
    assert "USA" not in found.countries and found.primary_country == "MMR"


# --- the rules on plain lines (no browser needed) --------------------------------------------


def _lines(total: int, body: list[str]) -> list[list[str]]:
    return [[*body, "1/2/25, 9:05 AM Topic - Example Agency",
             f"https://www.example.org/reports/topic {n}/{total}"] for n in range(1, total + 1)]


def test_detect_needs_counters_and_a_print_date() -> None:
    info = printed.detect(_lines(3, ["Some text of the report."]))
    assert info is not None
    assert info.tab_title == "Topic - Example Agency"
    assert (info.subject, info.site_name) == ("Topic", "Example Agency")
    assert info.url == "https://www.example.org/reports/topic"
    assert printed.web_url(info.url) == info.url
    assert printed.web_url("file:///tmp/x.html") is None
    # An ordinary PDF with page numbers but no print header or address is not a printout.
    plain = [["Report text.", f"{n}/3"] for n in range(1, 4)]
    assert printed.detect(plain) is None
    # A report's own footer (its address and "n/m") without a print date is not a print.
    footer = [["Report text.", f"https://www.example.org/report {n}/3"] for n in range(1, 4)]
    assert printed.detect(footer) is None
    # Counters that do not match the page count are not a browser's.
    assert printed.detect(_lines(3, ["x"])[:2]) is None


def test_source_countries_from_publisher_and_address() -> None:
    assert source_countries({"publisher": "United States Department of State"}) == {"USA"}
    assert source_countries({"url": "https://www.gov.uk/guidance/x"}) == {"GBR"}
    assert source_countries({"url": "https://www.state.gov/reports/x"}) == {"USA"}
    assert source_countries({"publisher": "UK Home Office"}) == {"GBR"}
    assert source_countries({"publisher": "Human Rights Watch",
                             "url": "https://www.hrw.org/"}) == set()
