"""The question bank's parts: the constants of the format, the error that refuses a bank, the
``when`` conditions (and whether an answer is usable or matches a value), and the profiles,
sections and questions with their texts in English and Japanese."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ANSWER_TYPES: tuple[str, ...] = (
    "text", "long_text", "yes_no", "date", "number", "choice", "multi_choice", "incidents",
)
ELEMENTS: tuple[str, ...] = (
    "persecution", "well_founded_fear", "ground", "nexus", "state_protection", "relocation",
    "exclusion", "credibility", "identity", "procedure",
)
# Triage cue types (data/triage/cues.toml) a profile may name as raising it.
CUE_TYPES: tuple[str, ...] = (
    "ground_race", "ground_religion", "ground_nationality", "ground_social_group",
    "ground_political", "conflict", "harm", "agent_state", "agent_non_state",
)
CHOICE_TYPES = ("choice", "multi_choice")
INCIDENTS_SECTION = "past_harm"
# The opening question where the inquirer confirms the profiles the claim raises; its answer
# counts as raised profiles for the conditions of the rest of the interview.
PROFILES_QUESTION = "opening.profiles_raised"
# The sections whose element-bearing questions go on a preparation sheet.
CORE_SECTIONS = ("fear_on_return", "convention_grounds", "agents_protection",
                 "internal_relocation")

# The languages a bank's texts can be given in. English is always there; a bank that gives
# one Japanese text gives them all (``title_ja``, ``label_ja``, ``prompt_ja``, ``choices_ja``…).
LANGUAGES: tuple[str, ...] = ("en", "ja")
DEFAULT_LANGUAGE = "en"

# A ``multi_choice`` choice saying there is nothing to tick stands alone in an answer.
_EXCLUSIVE_CHOICE = re.compile(r"^none(_[a-z0-9_]+)?$")


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class BankError(ValueError):
    """A question bank that cannot be used: ``str()`` is ``"<file>:<line>: <message>"``."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line is not None else f"{self.path}"
        super().__init__(f"{where}: {message}")


# --------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """A ``when`` table: every given part must hold.

    ``profiles``: any of these profiles is raised. ``question`` with ``equals`` (the answer is
    this value), ``includes`` (a multi_choice answer contains this choice) or ``answered``
    (the question has, or with ``False`` has not, a usable answer).
    """

    profiles: tuple[str, ...] = ()
    question: str | None = None
    equals: object = None
    includes: str | None = None
    answered: bool | None = None

    def holds(self, answers: Mapping[str, object], profiles: AbstractSet[str]) -> bool:
        if self.profiles and not any(code in profiles for code in self.profiles):
            return False
        if self.question is None:
            return True
        value = answers.get(self.question)
        if self.answered is not None:
            return _is_answered(value) == self.answered
        if self.includes is not None:
            return isinstance(value, list | tuple | set | frozenset) and self.includes in value
        return _same_value(value, self.equals)


def language_code(language: str | None) -> str:
    """``en`` or ``ja`` for a language tag (``ja-JP`` → ``ja``); anything else is English."""
    code = re.split(r"[-_]", (language or "").strip().lower(), maxsplit=1)[0]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def _in(english: str, japanese: str | None, language: str | None) -> str:
    """The text in ``language``: the Japanese one when asked for and given, else English
    (a bank from before Japanese was added has English only)."""
    if japanese and language_code(language) == "ja":
        return japanese
    return english


def choice_words(value: object) -> str:
    """A stored choice value as English words: ``particular_social_group`` → ``Particular
    social group``."""
    return str(value).replace("_", " ").capitalize()


@dataclass(frozen=True)
class Question:
    """One question. ``prompt``, ``guidance`` and ``choices`` are the English texts and the
    stored values; ``prompt_ja``, ``guidance_ja`` and ``choices_ja`` (parallel to ``choices``)
    are the Japanese texts of a bilingual bank. An answer always stores the value from
    ``choices``, whatever language it was given in."""

    id: str
    section_id: str
    prompt: str
    guidance: str
    type: str
    required: bool = False
    element: str | None = None
    choices: tuple[str, ...] = ()
    when: Condition | None = None
    prompt_ja: str | None = None
    guidance_ja: str | None = None
    choices_ja: tuple[str, ...] = ()

    def prompt_in(self, language: str | None) -> str:
        return _in(self.prompt, self.prompt_ja, language)

    def guidance_in(self, language: str | None) -> str:
        return _in(self.guidance, self.guidance_ja, language)

    def choice_label(self, value: object, language: str | None = DEFAULT_LANGUAGE) -> str:
        """How a stored choice value reads in ``language`` (English words from the value
        itself; the parallel ``choices_ja`` entry in Japanese). A value that is not among the
        choices is shown as it is stored."""
        if value in self.choices:
            if language_code(language) == "ja" and self.choices_ja:
                return self.choices_ja[self.choices.index(value)]
            return choice_words(value)
        return str(value)

    @property
    def exclusive_choices(self) -> tuple[str, ...]:
        """The choices of a ``multi_choice`` that say there is nothing to tick (``none``,
        ``none_identified``, ``none_observed``…): such a choice stands alone."""
        if self.type != "multi_choice":
            return ()
        return tuple(c for c in self.choices if _EXCLUSIVE_CHOICE.match(c))

    def without_contradiction(self, before: Iterable[object], after: Iterable[object]
                              ) -> list[object]:
        """A ``multi_choice`` answer as a widget changed it from ``before`` to ``after``, with
        a choice that stands alone never kept together with another: the one just ticked
        wins (ticking "None identified" clears the grounds; ticking a ground clears "None
        identified")."""
        chosen = list(after)
        exclusive = [c for c in chosen if c in self.exclusive_choices]
        if not exclusive or len(chosen) < 2:
            return chosen
        added = [c for c in chosen if c not in set(before)]
        added_exclusive = [c for c in added if c in exclusive]
        if added_exclusive:
            return [added_exclusive[-1]]
        return [c for c in chosen if c not in exclusive]

    def choice_value(self, label: str, language: str | None = DEFAULT_LANGUAGE) -> str:
        """The stored value for a choice shown as ``label`` in ``language`` (``ValueError``
        when no choice reads so)."""
        for value in self.choices:
            if self.choice_label(value, language) == label or value == label:
                return value
        raise ValueError(f'"{label}" is not a choice of question "{self.id}"')


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    guidance: str
    when: Condition | None
    questions: tuple[Question, ...]
    title_ja: str | None = None
    guidance_ja: str | None = None

    def title_in(self, language: str | None) -> str:
        return _in(self.title, self.title_ja, language)

    def guidance_in(self, language: str | None) -> str:
        return _in(self.guidance, self.guidance_ja, language)


@dataclass(frozen=True)
class Profile:
    code: str
    label: str
    guidance: str
    cues: tuple[str, ...]
    keywords: tuple[str, ...]
    label_ja: str | None = None
    guidance_ja: str | None = None

    def label_in(self, language: str | None) -> str:
        return _in(self.label, self.label_ja, language)

    def guidance_in(self, language: str | None) -> str:
        return _in(self.guidance, self.guidance_ja, language)


def _is_answered(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple | set | frozenset | dict):
        return len(value) > 0
    return True


def _same_value(value: object, expected: object) -> bool:
    if isinstance(expected, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(expected, bool) and value is expected
    if isinstance(value, str):
        value = value.strip()
    if isinstance(expected, date) and isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return False
    return value == expected
