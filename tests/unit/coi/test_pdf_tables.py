"""Ruled tables in PDFs become one readable passage per row; pages without a table never pay
for pdfplumber."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from coi.pdf_extract import extract_pdf
from tests.pdfgen import body, new_pdf, ruled_table

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "coi-samples" / "pdf"

HEADER = ("Province", "Incident", "Year")
ROWS = [
    ("Kabul", "Arrests of journalists", "2023"),
    ("Herat", "Detention of women activists", "2022"),
    ("Kandahar", "Forced evictions", "2021"),
    ("Balkh", "Attacks on schools", "2023"),
]
EXPECTED = [
    "Province: Kabul; Incident: Arrests of journalists; Year: 2023",
    "Province: Herat; Incident: Detention of women activists; Year: 2022",
    "Province: Kandahar; Incident: Forced evictions; Year: 2021",
    "Province: Balkh; Incident: Attacks on schools; Year: 2023",
]


@pytest.fixture
def pdfplumber_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every pdfplumber.open (and let it work)."""
    calls: list[str] = []
    real_open = pdfplumber.open

    def spy(path, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        calls.append(str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(pdfplumber, "open", spy)
    return calls


@pytest.fixture
def no_pdfplumber(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """pdfplumber.open raises (and is recorded: extract_pdf would swallow the error)."""
    calls: list[str] = []

    def refuse(path, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        calls.append(str(path))
        raise AssertionError("pdfplumber must not be opened for a page without a table")

    monkeypatch.setattr(pdfplumber, "open", refuse)
    return calls


def _table_page(path: Path, *, header: bool = True, bold: bool = True) -> Path:
    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.text(20, 25, "SECURITY SITUATION")
    pdf.text(20, 35, "The table below lists incidents reported by the monitoring mission in the")
    pdf.text(20, 41, "provinces during the reporting period.")
    rows = ([HEADER] if header else []) + ROWS
    bottom = ruled_table(pdf, 20, 50, (40, 80, 30), rows, bold_header=bold)
    pdf.set_font("Helvetica", size=11)
    pdf.text(20, bottom + 10,
             "Figures for the northern provinces were not available to the mission")
    pdf.text(20, bottom + 16, "at the time of writing.")
    pdf.output(str(path))
    return path


def test_rows_of_a_ruled_table_become_header_value_passages(
    tmp_path: Path, pdfplumber_calls: list[str]
) -> None:
    doc = extract_pdf(_table_page(tmp_path / "table.pdf"))
    texts = [p.text for p in doc.passages]
    above = "The table below lists incidents reported by the monitoring mission in the " \
            "provinces during the reporting period."
    below = "Figures for the northern provinces were not available to the mission at the " \
            "time of writing."
    assert texts == [above, *EXPECTED, below]
    assert [p.paragraph for p in doc.passages] == list(range(1, 7))
    for passage in doc.passages:
        assert passage.page == 1
        assert passage.heading_path == ("SECURITY SITUATION",)
    # The page text reads in the same order, rows as their own paragraphs.
    page_text = doc.pages[0].text
    positions = [page_text.index(t) for t in [above, *EXPECTED, below]]
    assert positions == sorted(positions)
    assert "Province Incident Year" not in page_text  # the header is not a loose line
    assert pdfplumber_calls  # this page was worth a pdfplumber look


def test_a_table_without_a_header_row_joins_its_cells(tmp_path: Path) -> None:
    doc = extract_pdf(_table_page(tmp_path / "plain.pdf", header=False, bold=False))
    rows = [p.text for p in doc.passages if ";" in p.text]
    assert rows == [
        "Kabul; Arrests of journalists; 2023",
        "Herat; Detention of women activists; 2022",
        "Kandahar; Forced evictions; 2021",
        "Balkh; Attacks on schools; 2023",
    ]


def test_a_numeric_table_has_its_header_without_bold(tmp_path: Path) -> None:
    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.text(20, 25, "Asylum applications lodged and granted, by year, in the reporting country.")
    ruled_table(pdf, 20, 35, (40, 40, 40), [
        ("Year", "Lodged", "Granted"),
        ("2021", "1,250", "310"),
        ("2022", "1,910", "402"),
        ("2023", "2,040", "515"),
    ], bold_header=False)
    path = tmp_path / "numbers.pdf"
    pdf.output(str(path))
    rows = [p.text for p in extract_pdf(path).passages if ";" in p.text]
    assert rows == [
        "Year: 2021; Lodged: 1,250; Granted: 310",
        "Year: 2022; Lodged: 1,910; Granted: 402",
        "Year: 2023; Lodged: 2,040; Granted: 515",
    ]


def test_two_column_page_with_a_table_in_the_left_column(tmp_path: Path) -> None:
    left_top = [f"West line {i:02d} of the left column text." for i in range(1, 11)]
    left_bottom = [f"West line {i:02d} of the left column text." for i in range(11, 21)]
    right = [f"East line {i:02d} of the right column text." for i in range(1, 31)]
    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    # The right column first, so that content-stream order is not reading order.
    for x, y, text in body(right, top=30, x=112, step=7):
        pdf.text(x, y, text)
    for x, y, text in body(left_top, top=30, x=15, step=7):
        pdf.text(x, y, text)
    bottom = ruled_table(pdf, 15, 30 + 10 * 7, (30, 55), [
        ("District", "Displaced"),
        ("Nangarhar", "Twelve villages"),
        ("Kunar", "Four villages"),
        ("Laghman", "Two villages"),
    ], size=9)
    pdf.set_font("Helvetica", size=10)
    for x, y, text in body(left_bottom, top=bottom + 7, x=15, step=7):
        pdf.text(x, y, text)
    path = tmp_path / "cols-table.pdf"
    pdf.output(str(path))

    doc = extract_pdf(path)
    page = doc.pages[0]
    assert page.columns == 2
    text = page.text
    rows = ["District: Nangarhar; Displaced: Twelve villages",
            "District: Kunar; Displaced: Four villages",
            "District: Laghman; Displaced: Two villages"]
    order = (
        [text.index(f"West line {i:02d}") for i in range(1, 11)]
        + [text.index(r) for r in rows]
        + [text.index(f"West line {i:02d}") for i in range(11, 21)]
        + [text.index(f"East line {i:02d}") for i in range(1, 31)]
    )
    assert order == sorted(order)
    assert [p.text for p in doc.passages if p.text in rows] == rows
    # The table's words are not also scattered through the column text.
    assert text.count("Nangarhar") == 1


def test_a_full_width_table_below_two_columns(tmp_path: Path) -> None:
    left = [f"West line {i:02d} of the left column text." for i in range(1, 21)]
    right = [f"East line {i:02d} of the right column text." for i in range(1, 21)]
    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for x, y, text in body(left, top=30, x=15, step=7) + body(right, top=30, x=112, step=7):
        pdf.text(x, y, text)
    ruled_table(pdf, 15, 30 + 20 * 7, (60, 60, 60), [HEADER, *ROWS])
    path = tmp_path / "cols-wide-table.pdf"
    pdf.output(str(path))
    doc = extract_pdf(path)
    text = doc.pages[0].text
    assert doc.pages[0].columns == 2
    order = ([text.index(f"West line {i:02d}") for i in range(1, 21)]
             + [text.index(f"East line {i:02d}") for i in range(1, 21)]
             + [text.index(r) for r in EXPECTED])
    assert order == sorted(order)


def test_a_table_continued_on_the_next_page_keeps_its_header(tmp_path: Path) -> None:
    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.text(20, 25, "Incidents recorded in the provinces during the year under review.")
    ruled_table(pdf, 20, 200, (40, 80, 30), [HEADER, *ROWS[:3]])
    pdf.add_page()
    ruled_table(pdf, 20, 20, (40, 80, 30), [ROWS[3], ("Ghazni", "Attacks on clinics", "2022")],
                bold_header=False)
    pdf.set_font("Helvetica", size=11)
    pdf.text(20, 50, "The mission could not verify the figures independently.")
    path = tmp_path / "continued.pdf"
    pdf.output(str(path))
    doc = extract_pdf(path)
    rows = [(p.page, p.text) for p in doc.passages if ";" in p.text]
    assert rows == [
        (1, EXPECTED[0]), (1, EXPECTED[1]), (1, EXPECTED[2]),
        (2, EXPECTED[3]), (2, "Province: Ghazni; Incident: Attacks on clinics; Year: 2022"),
    ]
    # The paragraph after the table is its own passage, not glued to the last row.
    assert doc.passages[-1].text == "The mission could not verify the figures independently."


def test_a_framed_paragraph_is_not_a_table(tmp_path: Path) -> None:
    pdf = new_pdf()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    lines = ["Note: the figures below were compiled from open sources and could not be",
             "verified by the mission; they should be read as indicative only."]
    for x, y, text in body(lines, top=30, x=22):
        pdf.text(x, y, text)
    pdf.rect(20, 24, 170, 16)
    pdf.output(str(tmp_path / "box.pdf"))
    doc = extract_pdf(tmp_path / "box.pdf")
    assert [p.text for p in doc.passages] == [" ".join(lines)]


def test_pages_without_tables_never_touch_pdfplumber(
    tmp_path: Path, no_pdfplumber: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rules, link underlines, a framed box and two columns with a separator line, but no
    ruled grid: the vector graphics are looked at, pdfplumber is not."""
    from coi import pdf_tables

    looked: list[list[tuple[float, float, float, float]]] = []
    real_grids = pdf_tables._ruled_grids

    def spy(page, rects):  # noqa: ANN001, ANN202
        looked.append(real_grids(page, rects))
        return looked[-1]

    monkeypatch.setattr(pdf_tables, "_ruled_grids", spy)
    pdf = new_pdf()
    for n in range(1, 4):
        pdf.add_page()
        pdf.set_font("Helvetica", size=10)
        pdf.text(15, 12, "Country Report 2024 - Internal Security")
        pdf.line(15, 14, 195, 14)  # a rule under the running header
        pdf.line(15, 280, 195, 280)
        pdf.line(105, 25, 105, 250)  # a rule between the columns
        for i in range(1, 25):
            y = 30 + i * 9
            pdf.text(15, y, f"({n}{i})")
            pdf.text(28, y, f"Numbered paragraph {i} with a hanging label.")
            pdf.text(112, y, f"Right column line {i} of the text.")
            if i % 3 == 0:
                pdf.line(28, y + 1, 60, y + 1)  # an underlined link
        pdf.rect(112, 255, 40, 10)  # a framed box
    path = tmp_path / "no-table.pdf"
    pdf.output(str(path))
    doc = extract_pdf(path)
    assert doc.page_count == 3
    assert looked == [[], [], []]  # the cheap text tests passed; the graphics had no grid
    assert no_pdfplumber == []


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.pdf")) or ["none"])
def test_real_samples_do_not_open_pdfplumber(name: str, no_pdfplumber: list[str]) -> None:
    path = SAMPLES / name
    if not path.is_file():
        pytest.skip("shared COI samples not available")
    extract_pdf(path)
    assert no_pdfplumber == []


def test_fpdf2_table_cells_and_a_running_header(tmp_path: Path) -> None:
    """Cells drawn as one bordered rectangle each (fpdf2's table()), pages with a running
    header and a page number: rows still come out once each, the header lines do not."""
    pdf = new_pdf()
    for n in range(1, 4):
        pdf.add_page()
        pdf.set_font("Helvetica", size=9)
        pdf.text(20, 12, "Country Focus Afghanistan - Security Situation 2024")
        pdf.text(100, 285, f"Page {n} of 3")
        pdf.set_font("Helvetica", size=11)
        pdf.set_xy(20, 25)
        pdf.multi_cell(170, 6, f"The mission recorded these incidents in area {n}.")
        pdf.set_y(40)
        with pdf.table(col_widths=(40, 80, 30), first_row_as_headings=True) as table:
            for cells in [HEADER, *ROWS]:
                row = table.row()
                for cell in cells:
                    row.cell(cell)
    path = tmp_path / "fpdf2-table.pdf"
    pdf.output(str(path))
    doc = extract_pdf(path)
    for n in range(1, 4):
        texts = [p.text for p in doc.passages if p.page == n]
        assert texts == [f"The mission recorded these incidents in area {n}.", *EXPECTED]
    joined = "\n".join(p.text for p in doc.passages)
    assert "Country Focus" not in joined
    assert "of 3" not in joined
