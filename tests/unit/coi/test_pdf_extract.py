"""Unit tests for coi.pdf_extract: synthetic PDFs built with fpdf2, plus the shared real samples."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fpdf import FPDF

from coi.extracted import ExtractedDocument
from coi.pdf_extract import extract_pdf
from coi.pdf_open import PdfExtractError
from tests.pdfgen import add_japanese_font, body, make_pdf, new_pdf, output

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "coi-samples" / "pdf"


def all_passage_text(doc: ExtractedDocument) -> str:
    return "\n".join(p.text for p in doc.passages)


# --- (1) running headers and footers ---------------------------------------------------------


def test_running_header_and_page_footer_removed(tmp_path: Path) -> None:
    pages = []
    for n in range(1, 6):
        lines = [(20, 12, "Example Country Report 2024 - Internal Security")]
        lines += body(
            [
                f"Paragraph on page {n} describing the security situation in the",
                "northern provinces, where armed groups operated checkpoints.",
            ]
        )
        lines.append((95, 285, f"Page {n} of 5"))
        pages.append(lines)
    doc = extract_pdf(make_pdf(tmp_path / "hf.pdf", pages, title="Report", author="Unit"))
    assert doc.page_count == 5
    assert doc.metadata["title"] == "Report"
    assert doc.metadata["author"] == "Unit"
    for page in doc.pages:
        assert "Example Country Report" not in page.text
        assert "of 5" not in page.text
        assert f"Paragraph on page {page.number}" in page.text
    text = all_passage_text(doc)
    assert "Example Country Report" not in text
    assert not re.search(r"Page \d of 5", text)
    assert len(doc.passages) == 5


# --- (2) hyphenation -------------------------------------------------------------------------


def test_hyphenated_line_break_joined(tmp_path: Path) -> None:
    lines = body(
        [
            "The applicant stated that he feared persecu-",
            "tion by the local militia because of his political opinion and his",
            "public criticism of the COVID-",
            "19 measures imposed by the provincial authorities last year.",
        ]
    )
    doc = extract_pdf(make_pdf(tmp_path / "hyph.pdf", [lines]))
    text = all_passage_text(doc)
    assert "feared persecution by the local militia" in text
    assert "COVID-19 measures" in text
    assert "persecu-" not in text


# --- (3) two columns -------------------------------------------------------------------------


def test_two_column_page_read_column_by_column(tmp_path: Path) -> None:
    left = [f"West line {i:02d} of the left column text." for i in range(1, 31)]
    right = [f"East line {i:02d} of the right column text." for i in range(1, 31)]
    # Draw the right column first so that content-stream order is not reading order.
    lines = body(right, top=30, x=112, step=7) + body(left, top=30, x=15, step=7)
    doc = extract_pdf(make_pdf(tmp_path / "cols.pdf", [lines], font_size=10))
    page = doc.pages[0]
    assert page.columns == 2
    text = page.text
    positions_left = [text.index(f"West line {i:02d}") for i in range(1, 31)]
    positions_right = [text.index(f"East line {i:02d}") for i in range(1, 31)]
    assert positions_left == sorted(positions_left)
    assert positions_right == sorted(positions_right)
    assert max(positions_left) < min(positions_right)


def test_single_column_page_reports_one_column(tmp_path: Path) -> None:
    lines = body([f"Line {i} of an ordinary single column page with full width text." for i in
                  range(1, 30)])
    doc = extract_pdf(make_pdf(tmp_path / "one.pdf", [lines]))
    assert doc.pages[0].columns == 1


# --- (4) headings ----------------------------------------------------------------------------


def test_headings_give_heading_path(tmp_path: Path) -> None:
    lines = body(
        [
            "SECURITY SITUATION",
            "Armed groups controlled several districts in the north of the country.",
            "Article 12",
            "Exclusion",
            "The authorities excluded persons suspected of serious crimes from status.",
            "Women and girls",
            "Women faced restrictions on movement imposed by the de facto authorities.",
            "2. Humanitarian situation",
            "Food insecurity affected more than half of the population during the winter.",
        ]
    )
    doc = extract_pdf(make_pdf(tmp_path / "head.pdf", [lines]))
    paths = {p.text.split()[0]: p.heading_path for p in doc.passages}
    assert paths["Armed"] == ("SECURITY SITUATION",)
    assert paths["The"] == ("SECURITY SITUATION", "Article 12 Exclusion")
    assert paths["Women"] == ("SECURITY SITUATION", "Article 12 Exclusion", "Women and girls")
    assert paths["Food"] == ("SECURITY SITUATION", "2. Humanitarian situation")
    assert len(doc.passages) == 4


# --- (5) paragraphs and pages ----------------------------------------------------------------


def test_paragraph_numbers_and_pages(tmp_path: Path) -> None:
    page1 = body(
        [
            "The first paragraph describes arbitrary arrests of journalists in the",
            "capital and ends here.",
            "The second paragraph starts on the first page and describes how the",
            "courts handled the cases of detained members of the opposition and the",
        ]
    )
    page2 = body(
        [
            "defence lawyers who represented them before the tribunal.",
            "The third paragraph is entirely on the second page of the document and",
            "it ends on a short line.",
        ]
    )
    doc = extract_pdf(make_pdf(tmp_path / "paras.pdf", [page1, page2]))
    got = [(p.paragraph, p.page, p.text.split()[1]) for p in doc.passages]
    assert got == [(1, 1, "first"), (2, 1, "second"), (3, 2, "third")]
    assert "opposition and the defence lawyers who represented them" in doc.passages[1].text


# --- (6) Japanese ----------------------------------------------------------------------------


def test_japanese_text_round_trips(tmp_path: Path) -> None:
    pdf = new_pdf(title="出身国情報")
    if not add_japanese_font(pdf, "jp"):
        pytest.skip("no font with Japanese glyphs (fc-list :lang=ja is empty); "
                    "scripts/ensure-fonts.sh installs one")
    bodies = [
        ["難民認定申請者の出身国情報。", "迫害のおそれがあると認められた。"],
        ["北部の州では武装勢力が検問所を設けた。", "難民は帰還を恐れている。"],
        ["報道の自由は制限された。", "記者の逮捕が報告された。"],
    ]
    for n, lines in enumerate(bodies, start=1):
        pdf.add_page()
        pdf.set_font("jp", size=10)
        pdf.text(20, 12, "出身国情報報告書 アフガニスタン 2024年版")  # running header
        pdf.text(100, 285, f"{n}")
        pdf.set_font("jp", size=12)
        for x, y, text in body(lines, top=40, step=8):
            pdf.text(x, y, text)
    path = output(pdf, tmp_path / "ja.pdf")

    doc = extract_pdf(path)
    assert doc.metadata["title"] == "出身国情報"
    assert doc.page_count == 3
    for page in doc.pages:
        assert "出身国情報報告書" not in page.text  # the running header is gone
    text = all_passage_text(doc)
    assert "出身国情報報告書" not in text
    # The two-character word survives inside a passage, on a page with a running header.
    on_page_2 = [p for p in doc.passages if p.page == 2]
    assert any("難民" in p.text for p in on_page_2)
    assert any("難民は帰還を恐れている。" in p.text for p in on_page_2)
    assert any(p.text.startswith("難民認定申請者の出身国情報。") for p in doc.passages)


# --- (7) bad input ---------------------------------------------------------------------------


def _valid_pdf(tmp_path: Path) -> Path:
    return make_pdf(tmp_path / "ok.pdf", [body(["A perfectly ordinary sentence of text."])])


def test_renamed_executable_is_not_a_pdf(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200)
    with pytest.raises(PdfExtractError, match="not a PDF"):
        extract_pdf(path)


def test_text_file_is_not_a_pdf(tmp_path: Path) -> None:
    path = tmp_path / "notes.pdf"
    path.write_text("Country information notes, plain text.\n")
    with pytest.raises(PdfExtractError, match="not a PDF"):
        extract_pdf(path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    with pytest.raises(PdfExtractError, match="empty"):
        extract_pdf(path)


def test_truncated_pdf(tmp_path: Path) -> None:
    data = _valid_pdf(tmp_path).read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(PdfExtractError, match="truncated"):
        extract_pdf(path)


def test_corrupt_pdf(tmp_path: Path) -> None:
    path = tmp_path / "bad.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"garbage " * 100 + b"\n%%EOF\n")
    with pytest.raises(PdfExtractError, match="corrupt"):
        extract_pdf(path)


def test_encrypted_pdf(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.text(20, 30, "Confidential country guidance.")
    pdf.set_encryption(owner_password="owner-secret", user_password="user-secret")
    path = tmp_path / "enc.pdf"
    pdf.output(str(path))
    with pytest.raises(PdfExtractError, match="encrypted"):
        extract_pdf(path)


def test_image_only_pdf(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_fill_color(40, 40, 40)
    pdf.rect(20, 20, 120, 80, style="F")
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(PdfExtractError, match="no text layer"):
        extract_pdf(path)


def test_valid_pdf_sanity(tmp_path: Path) -> None:
    doc = extract_pdf(_valid_pdf(tmp_path))
    assert doc.passages[0].text == "A perfectly ordinary sentence of text."


# --- real samples ----------------------------------------------------------------------------


def _sample(name: str) -> Path:
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip(f"shared COI sample {name} not available")
    return path


@pytest.mark.parametrize(
    "name",
    [
        "usdos-hrr-2023-afghanistan.pdf",
        "usdos-hrr-2024-afghanistan.pdf",
        "usdos-hrr-2023-sri-lanka.pdf",
        "usdos-hrr-2023-turkey.pdf",
        "usdos-hrr-2023-nepal.pdf",
    ],
)
def test_state_department_printout_loses_running_lines(name: str) -> None:
    doc = extract_pdf(_sample(name))
    assert doc.page_count >= 8
    # The report's own title, not the browser tab's ("Afghanistan - United States ...").
    title = str(doc.metadata.get("title", ""))
    assert re.fullmatch(r"20\d\d Country Reports on Human Rights Practices: .+", title), title
    assert doc.metadata["publisher"] == "United States Department of State"
    assert "creation_date" not in doc.metadata  # the print date is no publication date
    text = all_passage_text(doc)
    # Site chrome before the report and the footer menu after it are not passages.
    assert "official website" not in text.lower()
    assert "Skip to content" not in text
    assert not any(p.text.startswith(("1. EXECUTIVE SUMMARY", "Download Report"))
                   for p in doc.passages)
    assert "file:///" not in text
    assert not re.search(r"\.html \d+/\d+", text)
    assert not re.search(r"\d{1,2}/\d{1,2}/\d{2}, \d{1,2}:\d{2} [AP]M", text)
    for page in doc.pages:
        assert f"{page.number}/{doc.page_count}" not in page.text.split()
    assert any(p.heading_path and p.heading_path[0].startswith("Section 1") for p in doc.passages)


def test_federal_register_three_columns_in_reading_order() -> None:
    doc = extract_pdf(_sample("layout-control-federal-register-2020-17221.pdf"))
    page = doc.pages[1]
    assert page.columns == 3
    text = page.text
    left = text.index("Investigation of the accident has been completed by the Indonesian")
    middle = text.index("the FAA issued Emergency AD")
    right = text.index("The data from the flight data recorders")
    assert left < middle < right
    assert text.index("Hatta International Airport") < left
