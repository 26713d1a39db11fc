"""The interview record: preparation, sessions, answers saved as the inquirer goes, incidents
of past harm, inconsistencies put to the applicant, read-back and closing, and the record as
a PDF.

Only the inquirer the case is assigned to writes the record (managers read it and edit no
findings), and only while the case is under examination and the record is open. Every write
is one transaction with its audit entry; answers are validated against the question bank the
record was started with, so a refused answer changes nothing and an old record keeps showing
the questions it was taken with. Audit entries name the question, never the answer.

The read models are in ``views``, the record (access, opening, closing) in ``record``, what is
written into it in ``entries``, and its wording and PDF in ``printing``; this package's public
face is the names below.

Imports the core, the library and intake.
"""

from workbench.examination.interviews.entries import (
    remove_incident,
    save_answer,
    save_incident,
    save_inconsistency,
    save_session,
)
from workbench.examination.interviews.printing import answer_lines, format_answer, interview_pdf
from workbench.examination.interviews.record import (
    close_interview,
    interview,
    reopen_interview,
    start_interview,
)
from workbench.examination.interviews.views import (
    AnswerView,
    IncidentView,
    InconsistencyView,
    InterviewView,
    SessionView,
)

__all__ = [
    "AnswerView",
    "IncidentView",
    "InconsistencyView",
    "InterviewView",
    "SessionView",
    "answer_lines",
    "close_interview",
    "format_answer",
    "interview",
    "interview_pdf",
    "remove_incident",
    "reopen_interview",
    "save_answer",
    "save_incident",
    "save_inconsistency",
    "save_session",
    "start_interview",
]
