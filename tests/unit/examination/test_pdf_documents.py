"""Unit tests for the PDF documents: the PDFs are read back with pdfplumber and checked
for what a reader would notice (text, tables, page headers and numbering, metadata)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import replace
from functools import cached_property
from pathlib import Path

import pdfplumber
import pytest

from workbench.core.documents import fonts
from workbench.core.documents.fonts import FONT_ENV, FontSet, discover_fonts
from workbench.examination.documents.interview_record import (
    AnswerLine,
    IncidentLine,
    InconsistencyLine,
    InterviewRecordDoc,
    SessionLine,
    interview_record_pdf,
)
from workbench.examination.documents.notice import CitationLine, NoticeDoc, notice_pdf
from workbench.examination.documents.preparation_sheet import (
    PreparationSheetDoc,
    PrepPassage,
    PrepQuestion,
    preparation_sheet_pdf,
)

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
PAGE_RE = re.compile(r"Page (\d+) of (\d+)")


# --- reading PDFs back ---------------------------------------------------------------------------


class Read:
    """The text, tables and metadata of a PDF as pdfplumber sees them."""

    def __init__(self, data: bytes) -> None:
        assert data.startswith(b"%PDF-")
        self.data = data
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            self.metadata = dict(pdf.metadata)
            self.pages = [page.extract_text() or "" for page in pdf.pages]

    @cached_property
    def tables(self) -> list[list[list[str]]]:
        with pdfplumber.open(io.BytesIO(self.data)) as pdf:
            return [table for page in pdf.pages for table in page.extract_tables()]

    @cached_property
    def overflow(self) -> list[str]:
        """Characters drawn beyond the right margin (20 mm, with 1 mm slack) or off the page."""
        with pdfplumber.open(io.BytesIO(self.data)) as pdf:
            return [
                char["text"]
                for page in pdf.pages
                for char in page.chars
                if char["x1"] > page.width - 19 / 25.4 * 72
                or char["x0"] < 0
                or char["bottom"] > page.height
            ]

    @property
    def text(self) -> str:
        """All the text, whitespace (including line breaks from wrapping) collapsed to spaces."""
        return squash(" ".join(self.pages))

    @property
    def compact(self) -> str:
        """All the text without any whitespace: for Japanese, which wraps anywhere."""
        return re.sub(r"\s+", "", " ".join(self.pages))


def squash(text: str) -> str:
    return " ".join(text.split())


def assert_page_furniture(read: Read, case_number: str, title: str) -> None:
    total = len(read.pages)
    for number, page in enumerate(read.pages, start=1):
        assert case_number in page, f"case number missing on page {number}"
        assert title in page, f"document title missing on page {number}"
        assert PAGE_RE.findall(page) == [(str(number), str(total))], page[-200:]


# --- documents -----------------------------------------------------------------------------------


def words(count: int, tag: str) -> str:
    base = ("the applicant stated that armed men came to the family house at night and "
            "took her brother away").split()
    return " ".join([f"{tag}start"] + [base[i % len(base)] for i in range(count - 2)]
                    + [f"{tag}end"])


SESSIONS = (
    SessionLine(1, "2024-03-01", "09:30", "12:45",
                   "Tokyo Regional Immigration Services Bureau, interview room 4", "Vietnamese",
                   "Tran Van Minh", "Applicant, inquirer, interpreter", "10:45-11:00"),
    SessionLine(2, "2024-03-08", "13:00", "15:10", "Tokyo Regional Immigration Services Bureau",
                   "Vietnamese", "Tran Van Minh", "Applicant, inquirer, interpreter, lawyer",
                   "none"),
)

ANSWERS = (
    AnswerLine("Opening", "Do you understand the interpreter?", "Yes"),
    AnswerLine("Opening", "Are you fit to be interviewed today?", "Yes, I slept well."),
    AnswerLine("Travel route and entry", "On what date did you enter Japan?", "2023-11-02"),
    AnswerLine("Past harm", "Why did you leave your country?",
                  "Because the police arrested me twice after the land protest.\n\n"
                  "The second time they beat me with batons."),
    AnswerLine("Convention grounds", "Which grounds apply?", "political opinion, religion"),
)

INCIDENTS = (
    IncidentLine("2021-05-14", "Ha Tinh province", "Provincial police",
                    "Arrested at the protest site and held for three days without charge.",
                    "Bruised ribs", "Two neighbours", "Not reported: the police were the actor",
                    "Photograph of the injuries"),
    IncidentLine("2022-01-09", "Home village", "Plain-clothes officers",
                    "Searched the house and confiscated leaflets.", "None", "Mother",
                    "Complained to the commune chief", "Witness letter"),
)

INCONSISTENCIES = (
    InconsistencyLine("In the application form you said the first arrest was in June 2021.",
                         "I confused the lunar and the solar calendar.", "2024-03-08"),
)


def record(**changes: object) -> InterviewRecordDoc:
    doc = InterviewRecordDoc(
        case_number="R-2024-000123",
        applicant="Nguyen Thi Lan",
        nationality="Viet Nam",
        bank_version="question-bank 2024.1",
        sessions=SESSIONS,
        answers=ANSWERS,
        incidents=INCIDENTS,
        inconsistencies=INCONSISTENCIES,
        read_back_confirmed=True,
        read_back_note="",
        inquirer="Sato Hanako",
        interpreter="Tran Van Minh",
        produced_at="2024-03-08 15:30",
    )
    return replace(doc, **changes)


REASONS = (
    "The applicant claims to fear the provincial police because of her part in a land protest."
    "\n\n"
    "Her account of the arrest in May 2021 is detailed and consistent with country information "
    "on the treatment of land-rights protesters."
    "\n\n"
    "The harm she describes is serious, but she was released and has since lived openly in "
    "another province without further contact with the police."
)


def notice(**changes: object) -> NoticeDoc:
    doc = NoticeDoc(
        case_number="R-2024-000123",
        applicant="Nguyen Thi Lan",
        nationality="Viet Nam",
        date_of_birth="1991-07-30",
        application_type="REFUGEE",
        lodged="2023-11-20",
        outcome="NOT_RECOGNISED",
        reasons=REASONS,
        citations=(
            CitationLine("USDOS Country Report Viet Nam 2023, section 1.d",
                            "Police detained land-rights protesters for several days."),
            CitationLine("Amnesty International, Viet Nam 2024, p. 3",
                            "Activists released from detention remained under surveillance."),
        ),
        humanitarian_permission=None,
        notice_date="2024-06-03",
        review_deadline="2024-06-10",
        review_window_days=7,
        decision_reference="DEC-2024-0042",
        superseded_note=None,
    )
    return replace(doc, **changes)


def sheet(**changes: object) -> PreparationSheetDoc:
    doc = PreparationSheetDoc(
        case_number="R-2024-000123",
        applicant="Nguyen Thi Lan",
        nationality="Viet Nam",
        category="A (suggested by triage, confirmed)",
        narrative="I joined the land protest in 2021.\n\nThe police arrested me twice.",
        highlighted=(
            ("The police arrested me twice.", "state agent; detention"),
            ("I joined the land protest in 2021.", "political activity"),
        ),
        new_since_earlier=("The second arrest took place in January 2022.",),
        profiles=("Land-rights activist", "Woman travelling alone"),
        questions=(
            PrepQuestion("Past harm", "When and where were you arrested?",
                            "Ask for the date, the place and who took part."),
            PrepQuestion("State protection", "Did you report the arrest to anyone?",
                            "Explore why reporting would have been futile."),
        ),
        passages=(
            PrepPassage("USDOS Country Report Viet Nam 2023, section 1.d",
                           "Police detained land-rights protesters for several days.",
                           "matches the claimed detention"),
        ),
        produced_at="2024-03-01 09:00",
    )
    return replace(doc, **changes)


@pytest.fixture
def no_fonts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Font discovery that finds nothing: no env font, no fc-list, no known font paths."""
    monkeypatch.delenv(FONT_ENV, raising=False)
    monkeypatch.setattr(fonts, "_fc_list_japanese", lambda: [])
    monkeypatch.setattr(fonts, "_JAPANESE_PATHS", ())
    monkeypatch.setattr(fonts, "_DEJAVU_PATHS", ())
    discover_fonts.cache_clear()
    yield
    discover_fonts.cache_clear()


# --- interview record ----------------------------------------------------------------------------


def test_interview_record_shows_answers_incidents_inconsistencies_and_signatures() -> None:
    read = Read(interview_record_pdf(record()))
    text = read.text
    assert_page_furniture(read, "R-2024-000123", "Record of interview")
    for answer in ANSWERS:
        assert answer.section in text
        assert squash(answer.prompt) in text
        for paragraph in answer.answer.split("\n\n"):
            assert squash(paragraph) in text
    for incident in INCIDENTS:
        for value in (incident.when, incident.place, incident.actor, incident.what_happened,
                      incident.injuries, incident.witnesses, incident.reported,
                      incident.evidence):
            assert squash(value) in text, value
    assert INCONSISTENCIES[0].put_to_applicant in text
    assert INCONSISTENCIES[0].explanation in text
    assert ("The record was read back to the applicant in Vietnamese through the interpreter, "
            "Tran Van Minh,") in text
    last_page = read.pages[-1]
    for label in ("Applicant", "Interpreter", "Inquirer"):
        assert re.search(rf"^{label}$", last_page, re.M), f"no signature label {label}"
    assert last_page.count("Signature") == 3
    assert len(re.findall(r"\bDate\b", last_page)) >= 3
    assert not read.overflow


def test_sessions_and_incidents_are_tables_with_wrapped_cells() -> None:
    read = Read(interview_record_pdf(record()))
    sessions = next(t for t in read.tables if t[0][:3] == ["No.", "Date", "Start"])
    assert sessions[0] == ["No.", "Date", "Start", "End", "Place", "Language", "Interpreter",
                           "Present", "Breaks"]
    assert len(sessions) == 3
    place = sessions[1][4]
    assert "\n" in place  # wrapped inside its cell, not cut off or run into the next column
    assert squash(place) == SESSIONS[0].place
    assert sessions[2][:4] == ["2", "2024-03-08", "13:00", "15:10"]
    incident = next(t for t in read.tables if t[0][0] == "When" and t[0][1] == "2021-05-14")
    assert [row[0] for row in incident] == ["When", "Place", "Actor", "What happened",
                                            "Injuries", "Witnesses", "Reported to authorities",
                                            "Evidence"]
    assert squash(incident[3][1]) == INCIDENTS[0].what_happened


def test_record_not_read_back_says_so_with_the_note() -> None:
    doc = record(read_back_confirmed=False,
                 read_back_note="The applicant left before the end; read-back set for 2024-03-15.")
    text = Read(interview_record_pdf(doc)).text
    assert "The record was not read back to the applicant." in text
    assert "read-back set for 2024-03-15" in text
    assert "was read back to the applicant in" not in text


@pytest.mark.slow
def test_long_record_spans_many_pages_numbered_throughout() -> None:
    answers = tuple(
        AnswerLine(f"Section {i // 20 + 1}", f"Question {i + 1}: tell us more.",
                      words(300, f"a{i:03d}"))
        for i in range(200)
    )
    read = Read(interview_record_pdf(record(answers=answers)))
    assert len(read.pages) > 30
    assert_page_furniture(read, "R-2024-000123", "Record of interview")
    text = read.text
    for i in range(200):
        assert f"a{i:03d}start" in text and f"a{i:03d}end" in text, i
    assert "Signature" in read.pages[-1]


def test_long_unbroken_text_stays_inside_the_page() -> None:
    url = "https://example.org/" + "x" * 600
    doc = record(
        answers=(AnswerLine("Documents", "Where is the evidence?", url),),
        incidents=(replace(INCIDENTS[0], evidence=url, what_happened=words(1500, "long")),),
    )
    read = Read(interview_record_pdf(doc))
    assert not read.overflow
    assert read.compact.count("x" * 600) >= 1  # the answer, wrapped but whole
    assert "longstart" in read.text and "longend" in read.text


def test_odd_characters_never_break_rendering() -> None:
    odd = ("ctrl\x00\x07 tab\tsoft\u00adhyphen zero\u200bwidth rtl\u200f bom\ufeff "
           "surrogate\ud800 emoji\U0001f600 private\ue000 thai\u0e01\u0e32 "
           "combining e\u0301 literal {nb} (parens) back\\slash")
    doc = record(applicant=odd, answers=(AnswerLine(odd, odd, odd),),
                 incidents=(IncidentLine(*([odd] * 8)),), case_number="R-\ud800-1")
    read = Read(interview_record_pdf(doc))
    assert "literal {nb} (parens) back\\slash" in read.text  # not replaced by the page count
    assert "combining \u00e9" in read.text
    Read(notice_pdf(language="en", doc=notice(applicant=odd, reasons=odd)))
    Read(preparation_sheet_pdf(sheet(narrative=odd, highlighted=((odd, odd),))))


def test_metadata_has_title_author_date_and_no_personal_data() -> None:
    read = Read(interview_record_pdf(record(applicant="Nguyen Thi Lan")))
    meta = read.metadata
    assert meta["Title"] == "Record of interview - R-2024-000123"
    assert meta["Author"] == "Protection workbench"
    assert str(meta["CreationDate"]).startswith("D:20")
    assert not any("Nguyen" in str(value) for value in meta.values())


# --- notice of decision --------------------------------------------------------------------------


def test_notice_shows_outcome_reasons_citations_and_review_deadline() -> None:
    read = Read(notice_pdf(language="en", doc=notice()))
    text = read.text
    assert_page_furniture(read, "R-2024-000123", "Notice of decision")
    assert "Non-recognition of refugee status" in text
    for paragraph in REASONS.split("\n\n"):
        assert squash(paragraph) in text
    for citation in notice().citations:
        assert citation.reference in text
        assert citation.quote in text
    assert "request for administrative review" in text
    assert "within 7 days of the date of this notice (2024-06-03)" in text
    assert "by 2024-06-10" in text
    assert "Minister of Justice" in text
    assert "Refugee recognition" in text  # the application type, worded by the catalogue
    assert ("This notice sets out the decision on your application (Refugee recognition) "
            "lodged on 2023-11-20.") in text
    assert "DEC-2024-0042" in text
    # Issued by the authority, with a place for its seal; the officers are not named.
    assert re.search(r"2024-06-03\s+Minister of Justice\s", squash(read.pages[-1]) + " ")
    assert "Official seal" in read.pages[-1]
    assert "SUPERSEDED" not in text
    assert not read.overflow


def test_notice_without_review_says_none_applies_and_gives_no_deadline() -> None:
    doc = notice(outcome="RECOGNISED_REFUGEE", review_deadline=None, citations=())
    text = Read(notice_pdf(doc, "en")).text
    assert "Recognition of refugee status" in text
    assert "No request for administrative review applies to this decision" in text
    assert "2024-06-10" not in text
    assert "within" not in text
    assert "days of the date" not in text


def test_notice_shows_superseded_note_on_top_and_humanitarian_permission() -> None:
    doc = notice(
        superseded_note="Replaced by decision DEC-2024-0050 of 2024-06-12 (reasons corrected).",
        humanitarian_permission="Special permission to stay is granted for one year.",
        reasons="\n\n".join([words(400, f"p{i}") for i in range(4)]),
    )
    read = Read(notice_pdf(doc, "en"))
    assert len(read.pages) > 1
    first = squash(read.pages[0])
    assert "SUPERSEDED: Replaced by decision DEC-2024-0050 of 2024-06-12 (reasons corrected)." in (
        first
    )
    assert first.index("SUPERSEDED:") < first.index("Reasons")
    assert all("SUPERSEDED" in page for page in read.pages)  # flagged in every page header
    assert "Special permission to stay is granted for one year." in read.text


# --- preparation sheet ---------------------------------------------------------------------------


def test_preparation_sheet_shows_highlights_new_sentences_questions_and_passages() -> None:
    doc = sheet()
    read = Read(preparation_sheet_pdf(doc))
    text = read.text
    assert_page_furniture(read, "R-2024-000123", "Interview preparation sheet")
    flagged = next(t for t in read.tables if t[0] == ["Sentence", "Cues"])
    assert [tuple(row) for row in flagged[1:]] == list(doc.highlighted)
    assert "The second arrest took place in January 2022." in text
    for profile in doc.profiles:
        assert profile in text
    for question in doc.questions:
        assert question.section in text
        assert question.prompt in text
        assert f"Guidance: {question.guidance}" in text
    passage = doc.passages[0]
    assert passage.reference in text
    assert passage.snippet in text
    assert passage.reasons in text
    assert "I joined the land protest in 2021." in text


# --- scripts and fonts ---------------------------------------------------------------------------


def test_japanese_and_vietnamese_text_round_trips() -> None:
    fonts = discover_fonts()
    if not fonts.japanese:
        pytest.skip("no font with Japanese glyphs installed (fc-list :lang=ja is empty; "
                    "scripts/ensure-fonts.sh installs IPA Gothic)")
    sentence = "私は土地の抗議に参加したため、警察に二回逮捕されました。"
    read = Read(preparation_sheet_pdf(sheet(
        applicant="山田 太郎",
        narrative=f"{sentence}\n\nNguyễn Thị Lan was with me. Иван Петров saw it.",
        highlighted=((sentence, "逮捕 / detention"),),
    )))
    assert "山田 太郎" in read.text
    assert "Nguyễn Thị Lan" in read.text
    assert "Иван Петров" in read.text
    assert read.compact.count(re.sub(r"\s", "", sentence)) >= 2  # narrative and table
    assert "transliterated" not in read.metadata.get("Subject", "")
    record_read = Read(interview_record_pdf(record(applicant="Nguyễn Thị Lan 山田 太郎")))
    assert "Nguyễn Thị Lan 山田 太郎" in record_read.text


def test_lines_starting_in_a_fallback_font_keep_their_size() -> None:
    # fpdf2 2.8 drew the lines that follow a line starting in a fallback font at the size the
    # page had before (here: the 13 pt heading), so they grew and ran off the page.
    fonts = discover_fonts().fonts
    if len(fonts) < 2:
        pytest.skip("needs a main and a fallback font")
    lead = "Жанна" if fonts[0].japanese else "山田"  # a script only the fallback font draws
    answers = (AnswerLine(f"{lead} section", f"{lead} question\n{words(60, 'q')}",
                             words(120, "a")),)
    read = Read(interview_record_pdf(record(answers=answers)))
    with pdfplumber.open(io.BytesIO(read.data)) as pdf:
        found = {w["text"]: round(w["size"], 1) for page in pdf.pages
                 for w in page.extract_words(extra_attrs=["size"])}
    assert found["qstart"] == found["qend"] == found["astart"] == 10.0
    assert not read.overflow


def test_without_any_font_documents_render_transliterated(no_fonts: None) -> None:
    assert discover_fonts() == FontSet(())
    read = Read(interview_record_pdf(record(applicant="Nguyễn Thị Lan",
                                               interpreter="Иван Петров")))
    assert "Nguyen Thi Lan" in read.text
    assert "Ivan Petrov" in read.text
    assert "transliterated" in read.metadata["Subject"]
    assert "characters outside the Latin alphabet have been transliterated" in read.text
    assert_page_furniture(read, "R-2024-000123", "Record of interview")
    for data in (notice_pdf(language="en", doc=notice(applicant="山田 太郎")),
                 preparation_sheet_pdf(sheet(narrative="私は逮捕されました。"))):
        other = Read(data)
        assert "transliterated" in other.metadata["Subject"]
        assert other.text.isascii()


def test_font_from_environment_comes_first(monkeypatch: pytest.MonkeyPatch) -> None:
    if not DEJAVU.is_file():
        pytest.skip(f"{DEJAVU} is not installed")
    monkeypatch.setenv(FONT_ENV, str(DEJAVU))
    discover_fonts.cache_clear()
    try:
        fonts = discover_fonts()
        assert fonts.fonts[0].path == str(DEJAVU)
        assert fonts.fonts[0].bold_path is not None
        assert all(Path(f.path).resolve() != DEJAVU.resolve() for f in fonts.fonts[1:])
        read = Read(notice_pdf(language="en", doc=notice(applicant="Nguyễn Thị Lan")))
        assert "Nguyễn Thị Lan" in read.text
    finally:
        discover_fonts.cache_clear()


def test_unreadable_font_in_environment_is_ignored(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bogus = tmp_path / "broken.ttf"
    bogus.write_bytes(b"not a font")
    monkeypatch.setenv(FONT_ENV, str(bogus))
    discover_fonts.cache_clear()
    try:
        assert all(f.path != str(bogus) for f in discover_fonts().fonts)
        Read(notice_pdf(language="en", doc=notice()))
    finally:
        discover_fonts.cache_clear()
