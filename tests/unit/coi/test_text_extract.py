"""Unit tests for coi.text_extract: inline text files, plus the shared real summaries."""

from __future__ import annotations

import codecs
import json
from datetime import date
from pathlib import Path

import pytest

from coi.extracted import ExtractedDocument, ExtractError
from coi.text_extract import extract_text, extract_text_bytes, parse_date

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "coi-samples"
SUMMARIES = SAMPLES / "text" / "usdos-hrr-2022-executive-summaries.json"


def write(tmp_path: Path, content: str | bytes, name: str = "report.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def texts(doc: ExtractedDocument) -> list[str]:
    return [p.text for p in doc.passages]


def under(doc: ExtractedDocument, fragment: str) -> tuple[str, ...]:
    """The heading path of the first passage containing ``fragment``."""
    return next(p.heading_path for p in doc.passages if fragment in p.text)


# --- paragraphs ------------------------------------------------------------------------------


def test_paragraphs_split_on_blank_lines_and_lines_joined(tmp_path: Path) -> None:
    doc = extract_text(
        write(
            tmp_path,
            "The applicant stated that he feared persecu-\n"
            "tion by the local militia because of his\n"
            "public criticism of the COVID-\n"
            "19 measures.\n"
            "\n"
            "   \n"
            "Officials   at the checkpoint\tchecked documents.\n",
        )
    )
    assert doc.kind == "text"
    assert doc.pages == [] and doc.page_count is None
    assert texts(doc) == [
        "The applicant stated that he feared persecution by the local militia because of his "
        "public criticism of the COVID-19 measures.",
        "Officials at the checkpoint checked documents.",
    ]
    assert [p.paragraph for p in doc.passages] == [1, 2]
    assert all(p.page is None for p in doc.passages)


def test_bullet_lines_are_passages_of_their_own(tmp_path: Path) -> None:
    doc = extract_text(
        write(
            tmp_path,
            "Sources reported the following incidents during the year:\n"
            "- arbitrary arrests of returnees at the airport\n"
            "- confiscation of passports and documents\n"
            "• harassment of family members\n",
        )
    )
    assert texts(doc) == [
        "Sources reported the following incidents during the year:",
        "arbitrary arrests of returnees at the airport",
        "confiscation of passports and documents",
        "harassment of family members",
    ]


def test_one_paragraph_per_line_text_keeps_each_line(tmp_path: Path) -> None:
    long_a = "The security situation deteriorated in the northern provinces. " * 4
    long_b = "Humanitarian organisations reported restricted access to displaced people. " * 3
    doc = extract_text(write(tmp_path, f"{long_a.strip()}\n{long_b.strip()}\n"))
    assert texts(doc) == [long_a.strip(), long_b.strip()]


def test_wrapped_text_without_blank_lines_splits_at_short_sentence_ends(tmp_path: Path) -> None:
    content = (
        "Line one of a long wrapped document that has no blank lines at all in\n"
        "it, which happens with some exports from older case systems that do not\n"
        "use blank lines.\n"
        "A second paragraph starts here after a short line ending a sentence and\n"
        "continues on this line with more words about the situation in the area\n"
        "of the capital.\n"
        "Yet another paragraph follows with more text to make the typical length\n"
        "work out as expected for this particular document and its paragraphs.\n"
        "Final paragraph here.\n"
    )
    doc = extract_text(write(tmp_path, content))
    assert [p.text[:20] for p in doc.passages] == [
        "Line one of a long w",
        "A second paragraph s",
        "Yet another paragrap",
    ]
    assert doc.passages[2].text.endswith("its paragraphs. Final paragraph here.")


# --- encodings and bad input -----------------------------------------------------------------


@pytest.mark.parametrize(
    "encoded",
    [
        codecs.BOM_UTF8 + "Café owners in Herat reported threats.".encode(),
        "Café owners in Herat reported threats.".encode("utf-16"),  # BOM + native order
        codecs.BOM_UTF16_BE + "Café owners in Herat reported threats.".encode("utf-16-be"),
        "Café owners in Herat reported threats.".encode(),
    ],
    ids=["utf-8-bom", "utf-16-bom", "utf-16-be-bom", "utf-8"],
)
def test_unicode_encodings_are_read(tmp_path: Path, encoded: bytes) -> None:
    doc = extract_text(write(tmp_path, encoded))
    assert texts(doc) == ["Café owners in Herat reported threats."]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"  \n\n\t \r\n", "empty"),
        (codecs.BOM_UTF8 + "\u3000 \n".encode(), "only blank space"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"plain start\x00\x01\x02 then binary", "NUL"),
        (b"Caf\xe9 au lait in Latin-1", "not valid UTF-8"),
        (b"<!DOCTYPE html><html><body><p>Hi</p></body></html>", "HTML"),
    ],
    ids=["empty", "whitespace", "bom-whitespace", "pdf", "zip", "png", "nul", "latin1", "html"],
)
def test_bad_input_is_refused_with_a_plain_message(
    tmp_path: Path, content: bytes, words: str
) -> None:
    with pytest.raises(ExtractError) as info:
        extract_text(write(tmp_path, content))
    assert words in info.value.message
    assert "Traceback" not in info.value.message


def test_file_larger_than_the_limit_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "A paragraph of text about the situation. " * 100)
    with pytest.raises(ExtractError, match="too large"):
        extract_text(path, max_bytes=1000)
    assert extract_text(path).passages  # the default limit (50 MB) accepts it


def test_missing_file_is_a_plain_error(tmp_path: Path) -> None:
    with pytest.raises(ExtractError, match="cannot read"):
        extract_text(tmp_path / "missing.txt")


def test_bytes_entry_point_matches_the_path_one(tmp_path: Path) -> None:
    content = "# Title of the report\n\nFirst paragraph of the body text.\n"
    assert extract_text_bytes(content.encode()) == extract_text(write(tmp_path, content))


# --- headings and title ----------------------------------------------------------------------


def test_markdown_headings_build_the_heading_path(tmp_path: Path) -> None:
    doc = extract_text(
        write(
            tmp_path,
            "# Afghanistan: Security situation\n\n"
            "Introductory remarks on the sources used.\n\n"
            "## Kabul\n\n"
            "Attacks on civilians continued in the capital.\n\n"
            "### Returnees\n\n"
            "Returnees to Kabul faced checks.\n\n"
            "## Herat\n\n"
            "The province was comparatively calm.\n",
        )
    )
    assert doc.metadata["title"] == "Afghanistan: Security situation"
    assert under(doc, "Introductory") == ()  # the title is metadata, not a section
    assert under(doc, "Attacks") == ("Kabul",)
    assert under(doc, "faced checks") == ("Kabul", "Returnees")
    assert under(doc, "calm") == ("Herat",)  # a new ## closes ## and ###


def test_numbered_and_title_case_headings(tmp_path: Path) -> None:
    doc = extract_text(
        write(
            tmp_path,
            "1. Background\n\n"
            "The conflict began in 2011 and displaced millions of people.\n\n"
            "1.1 Political Developments\n\n"
            "Elections were postponed twice.\n\n"
            "2.1 Treatment of returnees\n\n"
            "Returnees were questioned at the airport.\n\n"
            "Women and Girls\n\n"
            "Women faced restrictions on movement.\n\n"
            "SECURITY FORCES\n\n"
            "Checkpoints were set up across the city.\n",
        )
    )
    assert "title" not in doc.metadata  # a numbered section heading is not a title
    assert under(doc, "conflict began") == ("1. Background",)
    assert under(doc, "postponed") == ("1. Background", "1.1 Political Developments")
    # "2.1" is not part of section 1, so it closes "1." as well as "1.1".
    assert under(doc, "airport") == ("2.1 Treatment of returnees",)
    assert under(doc, "movement") == ("2.1 Treatment of returnees", "Women and Girls")
    assert "SECURITY FORCES" in under(doc, "Checkpoints")


def test_heading_glued_to_its_paragraph_is_split_off(tmp_path: Path) -> None:
    doc = extract_text(
        write(
            tmp_path,
            "3.2 Detention\n"
            "Detainees were held without charge for weeks in facilities run by the\n"
            "intelligence service, according to former detainees and their lawyers.\n\n"
            "Visits by relatives were rarely allowed by the authorities in charge.\n",
        )
    )
    assert under(doc, "Detainees were held") == ("3.2 Detention",)
    assert doc.passages[0].text.startswith("Detainees were held")


def test_first_short_line_is_the_title(tmp_path: Path) -> None:
    doc = extract_text(
        write(tmp_path, "Iraq: Treatment of Returnees\n\nReturnees were questioned on arrival.\n")
    )
    assert doc.metadata["title"] == "Iraq: Treatment of Returnees"
    assert texts(doc) == ["Returnees were questioned on arrival."]


def test_first_sentence_is_not_a_title(tmp_path: Path) -> None:
    doc = extract_text(
        write(tmp_path, "Returnees were questioned on arrival.\n\nSome were detained.\n")
    )
    assert "title" not in doc.metadata
    assert len(doc.passages) == 2


def test_single_paragraph_file_keeps_its_text(tmp_path: Path) -> None:
    doc = extract_text(write(tmp_path, "Note on sources"))
    assert texts(doc) == ["Note on sources"]


# --- publication date ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Published: 12 March 2024", date(2024, 3, 12)),
        ("March 2024", date(2024, 3, 1)),
        ("2024-03-12", date(2024, 3, 12)),
        ("Date of publication: March 12, 2024", date(2024, 3, 12)),
        ("2024年3月12日", date(2024, 3, 12)),
        ("公開日：令和6年3月12日", date(2024, 3, 12)),
        ("２０２４年３月１２日発行", date(2024, 3, 12)),
    ],
)
def test_date_line_near_the_top_is_the_publication_date(
    tmp_path: Path, line: str, expected: date
) -> None:
    doc = extract_text(
        write(tmp_path, f"Syria: Country Focus\n\n{line}\n\nThe situation remained tense.\n")
    )
    assert doc.metadata["published"] == expected
    assert doc.metadata["title"] == "Syria: Country Focus"
    assert texts(doc) == ["The situation remained tense."]  # the date line is not a passage


def test_update_date_is_not_the_publication_date(tmp_path: Path) -> None:
    doc = extract_text(
        write(
            tmp_path,
            "Syria: Country Focus\nLast updated: 2 May 2025\nMarch 2024\n\n"
            "The situation remained tense in the north-east of the country.\n",
        )
    )
    assert doc.metadata["published"] == date(2024, 3, 1)
    assert doc.metadata["title"] == "Syria: Country Focus"


def test_dates_in_the_body_are_not_publication_dates(tmp_path: Path) -> None:
    body = "The situation remained tense in the north-east of the country, sources said. " * 3
    doc = extract_text(write(tmp_path, f"Syria\n\n{body}\n\n12 March 2024\n\nMore text here.\n"))
    assert "published" not in doc.metadata


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-04-17T19:53:00+00:00", date(2024, 4, 17)),
        ("17 April 2024", date(2024, 4, 17)),
        ("Sept. 3, 2021", date(2021, 9, 3)),
        ("12.03.2024", date(2024, 3, 12)),
        ("平成31年4月1日", date(2019, 4, 1)),
        ("03/04/2024", None),  # day/month order unknown
        ("2024-02-30", None),
        ("in March 2024 the", None),
        ("", None),
    ],
)
def test_parse_date(value: str, expected: date | None) -> None:
    assert parse_date(value) == expected


# --- Japanese --------------------------------------------------------------------------------


def test_japanese_text_without_spaces(tmp_path: Path) -> None:
    doc = extract_text(
        write(
            tmp_path,
            "イラク：帰還者の扱い\n\n"
            "2024年3月12日\n\n"
            "第1章 総論\n\n"
            "本報告書は、帰還者の扱いに関する情報を\n"
            "まとめたものである。\n\n"
            "1.1 帰還者の状況\n\n"
            "\u3000帰還者は空港で尋問を受けた。\n"
            "\u3000一部の帰還者は拘束された。\n",
        )
    )
    assert doc.metadata == {"title": "イラク：帰還者の扱い", "published": date(2024, 3, 12)}
    assert texts(doc) == [
        "本報告書は、帰還者の扱いに関する情報をまとめたものである。",  # no space at the line break
        "帰還者は空港で尋問を受けた。",  # an ideographic-space indent starts a paragraph
        "一部の帰還者は拘束された。",
    ]
    assert under(doc, "本報告書") == ("第1章 総論",)
    assert under(doc, "拘束") == ("第1章 総論", "1.1 帰還者の状況")


# --- real samples ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def summaries() -> dict[str, dict[str, str]]:
    if not SUMMARIES.is_file():
        pytest.skip(f"shared samples not available ({SUMMARIES})")
    return json.loads(SUMMARIES.read_text(encoding="utf-8"))


@pytest.mark.parametrize("country", ["Afghanistan", "Nepal", "Japan"])
def test_real_summary_paragraphs(
    tmp_path: Path, summaries: dict[str, dict[str, str]], country: str
) -> None:
    summary = summaries[country]["summary"]
    doc = extract_text(write(tmp_path, summary, f"{country}.txt"))
    paragraphs = [" ".join(p.split()) for p in summary.split("\n\n") if p.strip()]
    assert texts(doc) == paragraphs
    assert [p.paragraph for p in doc.passages] == list(range(1, len(paragraphs) + 1))
    assert "title" not in doc.metadata  # the summary opens with a sentence, not a title
    assert country in doc.text


def test_real_summary_with_a_title_and_date_header(
    tmp_path: Path, summaries: dict[str, dict[str, str]]
) -> None:
    entry = summaries["Afghanistan"]
    content = (
        f"{entry['name']} 2022 Human Rights Report\n"
        f"Published: 20 March 2023\n"
        f"Source: {entry['url']}\n\n"
        f"Executive Summary\n\n{entry['summary']}\n"
    )
    doc = extract_text(write(tmp_path, content, "afghanistan.txt"))
    assert doc.metadata["title"] == "Afghanistan 2022 Human Rights Report"
    assert doc.metadata["published"] == date(2023, 3, 20)
    # The source line is kept as text, not glued onto the title.
    assert doc.passages[0].text == f"Source: {entry['url']}"
    body = doc.passages[1:]
    assert body[0].text.startswith("The United States has not decided")
    assert all(p.heading_path == ("Executive Summary",) for p in body)
    assert len(body) == entry["summary"].count("\n\n") + 1


def test_every_real_summary_extracts_to_its_paragraphs(
    summaries: dict[str, dict[str, str]],
) -> None:
    for country, entry in summaries.items():
        doc = extract_text_bytes(entry["summary"].encode("utf-8"))
        paragraphs = [" ".join(p.split()) for p in entry["summary"].split("\n\n") if p.strip()]
        assert texts(doc) == paragraphs, country
