"""PDF documents of a case: the interview record, the notice of decision, the notice of a
ruling on a request for review and the interview preparation sheet, rendered with fpdf2 from
plain frozen dataclasses, in English or Japanese.

The callers (pages, CLI, batch jobs) build the ``*Doc`` values from their read models and get
PDF bytes back; they also name the files (no personal data goes into a file name or into the PDF
metadata here). Fonts: ``workbench.documents.fonts``; the page machinery shared by the documents:
``workbench.documents.layout``; text and dates: ``workbench.documents.text``.
"""

from workbench.documents.fonts import FONT_ENV, FontFile, FontSet, discover_fonts
from workbench.documents.interview_record import (
    AnswerLine,
    IncidentLine,
    InconsistencyLine,
    InterviewRecordDoc,
    SessionLine,
    interview_record_pdf,
)
from workbench.documents.layout import AUTHOR, TRANSLITERATED_NOTE
from workbench.documents.notice import CitationLine, NoticeDoc, notice_pdf
from workbench.documents.preparation_sheet import (
    PreparationSheetDoc,
    PrepPassage,
    PrepQuestion,
    preparation_sheet_pdf,
)
from workbench.documents.ruling_notice import RulingNoticeDoc, ruling_notice_pdf
from workbench.documents.text import document_language

__all__ = [
    "AUTHOR",
    "FONT_ENV",
    "TRANSLITERATED_NOTE",
    "AnswerLine",
    "CitationLine",
    "FontFile",
    "FontSet",
    "IncidentLine",
    "InconsistencyLine",
    "InterviewRecordDoc",
    "NoticeDoc",
    "PrepPassage",
    "PrepQuestion",
    "PreparationSheetDoc",
    "RulingNoticeDoc",
    "SessionLine",
    "discover_fonts",
    "document_language",
    "interview_record_pdf",
    "notice_pdf",
    "preparation_sheet_pdf",
    "ruling_notice_pdf",
]
