"""What a reader sees of an interview record: its sessions, incidents of past harm,
inconsistencies put to the applicant, answers, and the record as a whole (read models, no
database rows)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from workbench.examination import question_bank as qb


@dataclass(frozen=True)
class SessionView:
    id: int
    number: int
    session_date: date
    start_time: str
    end_time: str | None
    place: str
    language: str
    interpreter: str
    present: str
    breaks: str
    version: int


@dataclass(frozen=True)
class IncidentView:
    id: int
    position: int
    occurred_on: date | None
    occurred_text: str
    place: str
    agent: str
    what_happened: str
    injuries: str
    witnesses: str
    reported: str
    evidence: str
    version: int

    @property
    def when(self) -> str:
        return self.occurred_on.isoformat() if self.occurred_on else self.occurred_text


@dataclass(frozen=True)
class InconsistencyView:
    id: int
    session_number: int | None
    matter: str
    explanation: str
    version: int


@dataclass(frozen=True)
class AnswerView:
    question_id: str
    value: Any
    version: int
    updated_at: datetime
    updated_by: str | None


@dataclass(frozen=True)
class InterviewView:
    application_id: int
    case_number: str
    applicant: str
    nationality: str
    lodged_date: date
    state: str
    record_id: int | None  # None: not started yet
    bank_version: str
    editable: bool  # the actor may write and the record is open
    closed_at: datetime | None
    read_back_confirmed: bool | None
    read_back_language: str | None
    read_back_note: str | None
    record_version: int
    sessions: tuple[SessionView, ...]
    answers: Mapping[str, AnswerView]
    incidents: tuple[IncidentView, ...]
    inconsistencies: tuple[InconsistencyView, ...]
    profiles: frozenset[str]  # confirmed in the opening, else suggested from the claim
    missing_required: tuple[str, ...]  # question ids
    inquirer: str | None = None
    values: Mapping[str, Any] = field(default_factory=dict)
    # The language the record is taken in (``en``/``ja``): the bank's texts are shown and
    # printed in it, whoever reads it. Before the record starts, the language it would get.
    record_language: str = qb.DEFAULT_LANGUAGE

    @property
    def started(self) -> bool:
        return self.record_id is not None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None
