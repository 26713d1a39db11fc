"""The question bank as a whole: its sections and profiles by id, and what an interview asks of
it: the profiles raised, the sections and questions shown for the answers so far, the required
questions still open and an answer normalised for storage."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from workbench.examination.question_bank.answers import _normalise
from workbench.examination.question_bank.model import (
    DEFAULT_LANGUAGE,
    ELEMENTS,
    LANGUAGES,
    PROFILES_QUESTION,
    Profile,
    Question,
    Section,
    _in,
    _is_answered,
)


@dataclass(frozen=True)
class QuestionBank:
    version: str
    title: str
    sections: tuple[Section, ...]
    profiles: Mapping[str, Profile]
    title_ja: str | None = None
    _index: Mapping[str, Question] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages this bank's texts are given in (English, and Japanese when the
        bank is bilingual)."""
        return LANGUAGES if self.title_ja else (DEFAULT_LANGUAGE,)

    def title_in(self, language: str | None) -> str:
        return _in(self.title, self.title_ja, language)

    def __post_init__(self) -> None:
        index = {q.id: q for section in self.sections for q in section.questions}
        object.__setattr__(self, "_index", MappingProxyType(index))
        if not isinstance(self.profiles, MappingProxyType):
            object.__setattr__(self, "profiles", MappingProxyType(dict(self.profiles)))

    @property
    def questions(self) -> tuple[Question, ...]:
        """Every question, in bank order."""
        return tuple(self._index.values())

    def section(self, sid: str) -> Section:
        for section in self.sections:
            if section.id == sid:
                return section
        raise KeyError(f"no section {sid!r} in question bank {self.version}")

    def question(self, qid: str) -> Question:
        try:
            return self._index[qid]
        except KeyError:
            raise KeyError(f"no question {qid!r} in question bank {self.version}") from None

    def effective_profiles(
        self, answers: Mapping[str, object], profiles: Iterable[str] = ()
    ) -> frozenset[str]:
        """The profiles given plus those confirmed in ``opening.profiles_raised``."""
        raised = set(profiles)
        confirmed = answers.get(PROFILES_QUESTION) if PROFILES_QUESTION in self._index else None
        if isinstance(confirmed, list | tuple | set | frozenset):
            raised.update(str(code) for code in confirmed)
        return frozenset(raised)

    def visible_sections(
        self, answers: Mapping[str, object], profiles: Iterable[str] = ()
    ) -> list[tuple[Section, list[Question]]]:
        """The sections shown for these answers and profiles, each with its shown questions.

        ``profiles`` are the profiles raised (triage suggestions accepted, say); the answer to
        ``opening.profiles_raised`` is added to them. A condition on a question that is itself
        hidden does not hold: an answer left behind by a hidden question does not count.
        A section none of whose questions is shown is left out.
        """
        raised = self.effective_profiles(answers, profiles)
        shown: dict[str, object] = {}
        result: list[tuple[Section, list[Question]]] = []
        for section in self.sections:
            if section.when is not None and not section.when.holds(shown, raised):
                continue
            questions = []
            for question in section.questions:
                if question.when is None or question.when.holds(shown, raised):
                    questions.append(question)
                    if question.id in answers:
                        shown[question.id] = answers[question.id]
            if questions:
                result.append((section, questions))
        return result

    def missing_required(
        self, answers: Mapping[str, object], profiles: Iterable[str] = ()
    ) -> list[Question]:
        """The shown required questions without a usable answer, in bank order."""
        return [
            question
            for _section, questions in self.visible_sections(answers, profiles)
            for question in questions
            if question.required and not _is_answered(answers.get(question.id))
        ]

    def questions_for_element(self, element: str) -> list[Question]:
        if element not in ELEMENTS:
            raise ValueError(f"unknown element {element!r}; expected one of {', '.join(ELEMENTS)}")
        return [q for q in self._index.values() if q.element == element]

    def validate_answer(self, qid: str, value: object) -> object:
        """The answer normalised for storage, or ``ValueError`` naming the question.

        An empty answer (``None``, blank text) is ``None`` (and ``[]`` for multi_choice):
        whether it may stay empty is for :meth:`missing_required`.
        """
        question = self.question(qid)
        return _normalise(question, value)

