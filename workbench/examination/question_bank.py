"""The eligibility question bank: versioned interview questions kept as data.

The bank lives in ``data/eligibility/bank/<version>.toml``, one file per version (the format is
described in ``data/eligibility/README.md``). A recorded interview names the version it was
taken with, so an old file is never edited: ``load_bank(version)`` still shows an old record's
questions after a newer bank has been released.

Everything here is plain Python on top of ``tomllib``: loading and validating a bank (each
problem is refused with a :class:`BankError` naming the file and line), working out which
sections and questions an interview shows for its answers so far and the profiles it raises,
which required questions are still open, normalising an answer, and suggesting the specific
profiles a written claim raises.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType

from workbench.core.i18n import current_language, t
from workbench.intake import triage_text

__all__ = [
    "ANSWER_TYPES", "BANK_DIR", "CUE_TYPES", "ELEMENTS", "PROFILES_QUESTION", "BankError",
    "LANGUAGES", "Condition", "Profile", "Question", "QuestionBank", "Section",
    "available_versions", "current_version", "language_code", "load_bank", "profiles_raised",
    "suggested_questions",
]

BANK_DIR = Path(__file__).resolve().parents[2] / "data" / "eligibility" / "bank"

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

_TOP_KEYS = ("version", "title", "title_ja", "profiles", "section")
_PROFILE_KEYS = ("label", "label_ja", "guidance", "guidance_ja", "cues", "keywords")
_SECTION_KEYS = ("id", "title", "title_ja", "guidance", "guidance_ja", "when", "question")
_QUESTION_KEYS = ("id", "prompt", "prompt_ja", "guidance", "guidance_ja", "type", "required",
                  "element", "choices", "choices_ja", "when")
# Japanese texts must be written in Japanese: at least one kana or kanji.
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")
_CONDITION_KEYS = ("profiles", "question", "equals", "includes", "answered")

_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
# A ``multi_choice`` choice saying there is nothing to tick stands alone in an answer.
_EXCLUSIVE_CHOICE = re.compile(r"^none(_[a-z0-9_]+)?$")
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")


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


# --------------------------------------------------------------------------------------------
# Answers
# --------------------------------------------------------------------------------------------


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


def _normalise(question: Question, value: object) -> object:
    kind = question.type
    label = f'"{question.prompt}"'
    if isinstance(value, str):
        value = value.strip()
        if not value:
            value = None
    if value is None:
        return [] if kind == "multi_choice" else None

    if kind in ("text", "long_text"):
        if not isinstance(value, str):
            raise ValueError(t("errors.answers.answer_must_text", label=label))
        return " ".join(value.split()) if kind == "text" else value
    if kind == "yes_no":
        if not isinstance(value, bool):
            raise ValueError(t("errors.answers.answer_must_yes_no", label=label))
        return value
    if kind == "date":
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                raise ValueError(
                    t("errors.answers.answer_must_date_written", label=label, value=value)
                ) from None
        raise ValueError(t("errors.answers.answer_must_date", label=label))
    if kind == "number":
        return _number(value, label)
    if kind == "choice":
        if not isinstance(value, str) or value not in question.choices:
            raise ValueError(
                t("errors.answers.answer_must_one_not", label=label,
                  choices=', '.join(question.choices), value=value)
            )
        return value
    if kind == "multi_choice":
        if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
            raise ValueError(t("errors.answers.answer_must_list_choices", label=label))
        items = list(value)
        unknown = [item for item in items if item not in question.choices]
        if unknown:
            raise ValueError(
                t("errors.answers.answer_may_contain_not", label=label,
                  choices=', '.join(question.choices),
                  unknown=', '.join(repr(item) for item in unknown))
            )
        repeated = sorted({item for item in items if items.count(item) > 1})
        if repeated:
            raise ValueError(
                t("errors.answers.answer_names_more_than", label=label,
                  repeated=', '.join(repeated))
            )
        alone = [item for item in items if item in question.exclusive_choices]
        if alone and len(items) > 1:
            language = current_language()
            raise ValueError(
                t("errors.answers.answer_none_with_others", label=label,
                  none=question.choice_label(alone[0], language),
                  others=", ".join(question.choice_label(item, language)
                                   for item in items if item != alone[0]))
            )
        return items
    if kind == "incidents":
        if isinstance(value, str) or not isinstance(value, list | tuple):
            raise ValueError(t("errors.answers.answer_must_list_incidents", label=label))
        if not all(isinstance(row, Mapping) for row in value):
            raise ValueError(t("errors.answers.each_incident_must_record", label=label))
        return [dict(row) for row in value]
    raise ValueError(f"{label} has an unknown answer type {kind!r}.")  # pragma: no cover


def _number(value: object, label: str) -> int | float:
    if isinstance(value, bool):
        raise ValueError(t("errors.answers.answer_must_number", label=label))
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        number = value
    elif isinstance(value, str):
        text = value.replace(",", "").replace(" ", "")
        try:
            return int(text)
        except ValueError:
            pass
        try:
            number = float(text)
        except ValueError:
            raise ValueError(
                t("errors.answers.answer_must_number_not", label=label, value=value)
            ) from None
    else:
        raise ValueError(t("errors.answers.answer_must_number", label=label))
    if not math.isfinite(number):
        raise ValueError(t("errors.answers.answer_must_finite_number", label=label))
    return number


# --------------------------------------------------------------------------------------------
# Versions and loading
# --------------------------------------------------------------------------------------------


def _version_key(version: str) -> tuple:
    parts = re.split(r"(\d+)", version)
    return tuple(int(part) if i % 2 else part for i, part in enumerate(parts))


def available_versions(directory: Path = BANK_DIR) -> list[str]:
    """The versions in ``directory``, oldest first (2026.9 before 2026.12)."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    return sorted((p.stem for p in directory.glob("*.toml") if p.is_file()), key=_version_key)


def current_version(directory: Path = BANK_DIR) -> str:
    """The newest version in ``directory``."""
    versions = available_versions(directory)
    if not versions:
        raise BankError(directory, None, "no question bank (*.toml) in this directory")
    return versions[-1]


_CACHE: dict[tuple[str, str], tuple[tuple[int, int], QuestionBank]] = {}


def load_bank(version: str | None = None, directory: Path = BANK_DIR) -> QuestionBank:
    """The bank of ``version`` (the current one when ``None``), validated.

    Kept in memory per directory and version until its file changes.
    """
    directory = Path(directory)
    versions = available_versions(directory)
    if version is None:
        version = current_version(directory)
    elif version not in versions:
        known = ", ".join(versions) if versions else "none"
        raise BankError(
            directory / f"{version}.toml", None,
            f"no question bank version {version!r}; available versions: {known}",
        )
    path = directory / f"{version}.toml"
    stat = path.stat()
    stamp = (stat.st_mtime_ns, stat.st_size)
    key = (str(directory.resolve()), version)
    cached = _CACHE.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    bank = parse_bank(path.read_text(encoding="utf-8"), path)
    _CACHE[key] = (stamp, bank)
    return bank


def parse_bank(text: str, path: Path | str) -> QuestionBank:
    """Parse and validate the text of a bank file; ``path`` names it in errors and gives the
    version the file must declare (its name without ``.toml``)."""
    return _Parser(Path(path), text).parse()


# --------------------------------------------------------------------------------------------
# Finding lines in the raw text
# --------------------------------------------------------------------------------------------

_SECTION_HEADER = re.compile(r"^\s*\[\[\s*section\s*\]\]\s*(#.*)?$")
_QUESTION_HEADER = re.compile(r"^\s*\[\[\s*section\s*\.\s*question\s*\]\]\s*(#.*)?$")
_PROFILE_HEADER = re.compile(r"^\s*\[\s*profiles\s*\.\s*\"?([A-Za-z0-9_-]+)\"?\s*\]\s*(#.*)?$")
_ANY_HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\"\- ]+?)\s*\]\]?\s*(#.*)?$")


class _Source:
    """Line numbers of the entries of a bank file, for error messages."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.sections: list[int] = []
        self.questions: list[int] = []
        self.profiles: dict[str, int] = {}
        self.starts: list[int] = []  # lines that begin a new entry
        for number, line in enumerate(self.lines, start=1):
            if _SECTION_HEADER.match(line):
                self.sections.append(number)
                self.starts.append(number)
            elif _QUESTION_HEADER.match(line):
                self.questions.append(number)
                self.starts.append(number)
            elif match := _PROFILE_HEADER.match(line):
                self.profiles.setdefault(match.group(1), number)
                self.starts.append(number)
            elif (match := _ANY_HEADER.match(line)) and not match.group(1).strip().startswith(
                ("section.", "section ", "profiles")
            ):
                self.starts.append(number)

    def _end(self, start: int) -> int:
        later = [s for s in self.starts if s > start]
        return later[0] if later else len(self.lines) + 1

    def key_line(self, start: int | None, key: str) -> int | None:
        """The line of ``key`` in the entry beginning at ``start`` (a header line, or 0 for
        the top level before any header)."""
        if start is None:
            return None
        if start:
            end = self._end(start)
        else:
            end = self.starts[0] if self.starts else len(self.lines) + 1
        pattern = re.compile(
            rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\")\s*[=.]"
            rf"|^\s*\[\s*[A-Za-z0-9_.]*\b{re.escape(key)}\s*\]\s*$"
        )
        for number in range(max(start, 1), end):
            if pattern.match(self.lines[number - 1]):
                return number
        return None

    def key_line_anywhere(self, key: str) -> int | None:
        """The first line that sets ``key`` or opens a ``[key]`` table, anywhere in the file."""
        pattern = re.compile(
            rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\")\s*[=.]"
            rf"|^\s*\[\[?\s*{re.escape(key)}\s*[\].]"
        )
        for number, line in enumerate(self.lines, start=1):
            if pattern.match(line):
                return number
        return None

    def first_japanese_line(self) -> int | None:
        """The first line that sets a Japanese text (a ``*_ja`` key)."""
        pattern = re.compile(r"^\s*[a-z]+_ja\s*=")
        for number, line in enumerate(self.lines, start=1):
            if pattern.match(line):
                return number
        return None

    def id_line(self, ident: str) -> int | None:
        pattern = re.compile(rf"^\s*id\s*=\s*[\"']{re.escape(ident)}[\"']")
        for number, line in enumerate(self.lines, start=1):
            if pattern.match(line):
                return number
        return None


# --------------------------------------------------------------------------------------------
# Parsing and validation
# --------------------------------------------------------------------------------------------


def _gives_japanese(data: Mapping) -> bool:
    """Whether any entry of a parsed bank sets a Japanese text (a key ending in ``_ja``)."""
    def has(table: object) -> bool:
        return isinstance(table, Mapping) and any(
            isinstance(key, str) and key.endswith("_ja") for key in table)

    if has(data):
        return True
    profiles = data.get("profiles")
    if isinstance(profiles, Mapping) and any(has(p) for p in profiles.values()):
        return True
    sections = data.get("section")
    if not isinstance(sections, list):
        return False
    for section in sections:
        if has(section):
            return True
        questions = section.get("question") if isinstance(section, Mapping) else None
        if isinstance(questions, list) and any(has(q) for q in questions):
            return True
    return False


class _Parser:
    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text
        self.source = _Source(text)
        self.bilingual = False  # the file gives Japanese texts: then every text has one

    def fail(self, line: int | None, message: str) -> BankError:
        return BankError(self.path, line, message)

    # -- entry positions --

    def _line(self, start: int | None, key: str | None, ident: str | None = None) -> int | None:
        """The line to blame: ``key`` within the entry beginning at ``start`` (0 for the top
        level), else the entry's first line; without a known start, the entry's id line."""
        if start is None:
            return self.source.id_line(ident) if ident else None
        if key is not None:
            found = self.source.key_line(start, key)
            if found is None and start == 0:
                found = self.source.key_line_anywhere(key)
            if found is not None:
                return found
        return start or 1

    def parse(self) -> QuestionBank:
        try:
            data = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as exc:
            raise self._syntax_error(str(exc)) from None

        self._check_keys(data, _TOP_KEYS, 0, "the bank")
        version = self._string(data, "version", 0, "the bank")
        if version != self.path.stem:
            raise self.fail(
                self._line(0, "version"),
                f'version "{version}" does not match the file name {self.path.name} '
                f'(expected version = "{self.path.stem}")',
            )
        if not _VERSION.match(version):
            raise self.fail(self._line(0, "version"), f'version "{version}" is not a valid name')
        title = self._string(data, "title", 0, "the bank")
        self.bilingual = _gives_japanese(data)
        title_ja = self._japanese(data, "title_ja", 0, "the bank")

        profiles = self._profiles(data.get("profiles", {}))
        sections = self._sections(data.get("section"), profiles)
        return QuestionBank(version=version, title=title, sections=sections, profiles=profiles,
                            title_ja=title_ja)

    def _syntax_error(self, text: str) -> BankError:
        match = re.search(r"\s*\(at line (\d+), column (\d+)\)\s*$", text)
        if match:
            message = text[: match.start()]
            return self.fail(
                int(match.group(1)), f"TOML syntax error: {message} (column {match.group(2)})"
            )
        match = re.search(r"\s*\(at end of document\)\s*$", text)
        if match:
            return self.fail(
                max(len(self.source.lines), 1),
                f"TOML syntax error: {text[: match.start()]} (at end of file)",
            )
        return self.fail(None, f"TOML syntax error: {text}")

    # -- generic checks --

    def _check_keys(self, table: Mapping, allowed: tuple[str, ...], start: int | None,
                    what: str, ident: str | None = None) -> None:
        for key in table:
            if key not in allowed:
                near = difflib.get_close_matches(key, allowed, n=1)
                hint = f' (did you mean "{near[0]}"?)' if near else ""
                raise self.fail(
                    self._line(start, key, ident),
                    f'{what}: unknown key "{key}"{hint}; allowed keys: {", ".join(allowed)}',
                )

    def _string(self, table: Mapping, key: str, start: int | None, what: str,
                ident: str | None = None) -> str:
        value = table.get(key)
        if value is None:
            raise self.fail(self._line(start, None, ident), f'{what}: missing "{key}"')
        if not isinstance(value, str):
            raise self.fail(self._line(start, key, ident), f'{what}: "{key}" must be a string')
        if not value.strip():
            raise self.fail(self._line(start, key, ident), f'{what}: "{key}" is empty')
        return value.strip()

    def _japanese(self, table: Mapping, key: str, start: int | None, what: str,
                  ident: str | None = None) -> str | None:
        """The Japanese text ``key`` (``title_ja``, ``prompt_ja``…): required in a bank that
        gives any Japanese text, and written in Japanese."""
        if not self.bilingual:
            return None
        if key not in table:
            first = self.source.first_japanese_line()
            where = f" (line {first})" if first else ""
            raise self.fail(
                self._line(start, None, ident),
                f'{what}: missing "{key}"; this bank gives Japanese texts{where}, so every '
                "text needs its Japanese beside the English one",
            )
        text = self._string(table, key, start, what, ident)
        if not _JAPANESE.search(text):
            raise self.fail(self._line(start, key, ident),
                            f'{what}: "{key}" must be written in Japanese')
        return text

    def _japanese_choices(self, table: Mapping, choices: tuple[str, ...], start: int | None,
                          what: str, ident: str) -> tuple[str, ...]:
        """``choices_ja``: one Japanese label per choice, in the same order."""
        if not self.bilingual:
            return ()
        if "choices_ja" not in table:
            raise self.fail(
                self._line(start, "choices", ident),
                f'{what}: missing "choices_ja"; this bank gives Japanese texts, so each '
                "choice needs its Japanese label (in the order of \"choices\")",
            )
        labels = self._strings(table, "choices_ja", start, what)
        line = self._line(start, "choices_ja", ident)
        if len(labels) != len(choices):
            raise self.fail(
                line,
                f'{what}: "choices_ja" has {len(labels)} labels for {len(choices)} choices; '
                "give one Japanese label per choice, in the same order",
            )
        if len(set(labels)) != len(labels):
            raise self.fail(line, f'{what}: "choices_ja" lists a label twice')
        for label in labels:
            if not _JAPANESE.search(label):
                raise self.fail(line, f'{what}: "choices_ja" label "{label}" must be written '
                                      "in Japanese")
        return labels

    def _strings(self, table: Mapping, key: str, start: int | None, what: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(
            isinstance(item, str) and item.strip() for item in value
        ):
            raise self.fail(self._line(start, key), f'{what}: "{key}" must be a list of strings')
        return tuple(item.strip() for item in value)

    # -- profiles --

    def _profiles(self, raw: object) -> dict[str, Profile]:
        if not isinstance(raw, dict):
            raise self.fail(self._line(0, "profiles"), '"profiles" must be a table of tables')
        profiles: dict[str, Profile] = {}
        for code, entry in raw.items():
            start = self.source.profiles.get(code)
            what = f'profile "{code}"'
            if not _CODE.match(code):
                raise self.fail(start, f"{what}: a profile code is lower case, digits and _")
            if not isinstance(entry, dict):
                raise self.fail(start, f"{what} must be a table")
            self._check_keys(entry, _PROFILE_KEYS, start, what)
            label = self._string(entry, "label", start, what)
            label_ja = self._japanese(entry, "label_ja", start, what)
            guidance = self._string(entry, "guidance", start, what)
            guidance_ja = self._japanese(entry, "guidance_ja", start, what)
            cues = self._strings(entry, "cues", start, what)
            for cue in cues:
                if cue not in CUE_TYPES:
                    raise self.fail(
                        self._line(start, "cues"),
                        f'{what}: unknown cue type "{cue}"; expected one of {", ".join(CUE_TYPES)}',
                    )
            keywords = self._strings(entry, "keywords", start, what)
            for keyword in keywords:
                if keyword != keyword.lower():
                    raise self.fail(
                        self._line(start, "keywords"),
                        f'{what}: keyword "{keyword}" must be lower case',
                    )
            profiles[code] = Profile(code, label, guidance, cues, keywords, label_ja,
                                     guidance_ja)
        return profiles

    # -- sections and questions --

    def _sections(self, raw: object, profiles: Mapping[str, Profile]) -> tuple[Section, ...]:
        if raw is None:
            raise self.fail(None, "the bank has no [[section]] entries")
        if not isinstance(raw, list):
            raise self.fail(self._line(0, "section"), '"section" must be an array of tables')
        exact_sections = len(self.source.sections) == len(raw)
        total_questions = sum(
            len(s.get("question", [])) for s in raw
            if isinstance(s, dict) and isinstance(s.get("question", []), list)
        )
        exact_questions = len(self.source.questions) == total_questions

        seen: dict[str, Question] = {}  # questions so far, in order
        all_ids = self._all_question_ids(raw)
        section_ids: set[str] = set()
        sections: list[Section] = []
        question_number = 0
        incidents: Question | None = None

        for s_index, entry in enumerate(raw):
            raw_id = entry.get("id") if isinstance(entry, dict) else None
            start = self.source.sections[s_index] if exact_sections else (
                self.source.id_line(raw_id) if isinstance(raw_id, str) else None
            )
            if not isinstance(entry, dict):
                raise self.fail(start, f"section {s_index + 1} must be a table")
            what = f'section "{raw_id}"' if isinstance(raw_id, str) else f"section {s_index + 1}"
            self._check_keys(entry, _SECTION_KEYS, start, what, raw_id)
            sid = self._string(entry, "id", start, what)
            what = f'section "{sid}"'
            if not _CODE.match(sid):
                raise self.fail(self._line(start, "id", sid),
                                f"{what}: a section id is lower case, digits and _")
            if sid in section_ids:
                raise self.fail(self._line(start, "id", sid), f'duplicate section id "{sid}"')
            section_ids.add(sid)
            title = self._string(entry, "title", start, what, sid)
            title_ja = self._japanese(entry, "title_ja", start, what, sid)
            guidance = self._string(entry, "guidance", start, what, sid)
            guidance_ja = self._japanese(entry, "guidance_ja", start, what, sid)
            when = None
            if "when" in entry:
                when = self._condition(entry["when"], start, what, sid, seen, all_ids, profiles)

            raw_questions = entry.get("question", [])
            if not isinstance(raw_questions, list) or not raw_questions:
                raise self.fail(self._line(start, "question", sid),
                                f"{what} has no [[section.question]] entries")
            questions: list[Question] = []
            for q_entry in raw_questions:
                raw_qid = q_entry.get("id") if isinstance(q_entry, dict) else None
                q_start = self.source.questions[question_number] if exact_questions else (
                    self.source.id_line(raw_qid) if isinstance(raw_qid, str) else None
                )
                question_number += 1
                question = self._question(q_entry, q_start, sid, seen, all_ids, profiles)
                if question.type == "incidents":
                    if sid != INCIDENTS_SECTION:
                        raise self.fail(
                            self._line(q_start, "type", question.id),
                            f'question "{question.id}": type "incidents" is only allowed in '
                            f'section "{INCIDENTS_SECTION}"',
                        )
                    if incidents is not None:
                        raise self.fail(
                            self._line(q_start, "type", question.id),
                            f'question "{question.id}": only one "incidents" question is '
                            f'allowed ("{incidents.id}" is already one)',
                        )
                    incidents = question
                seen[question.id] = question
                questions.append(question)
            sections.append(Section(sid, title, guidance, when, tuple(questions), title_ja,
                                    guidance_ja))

        self._check_profiles_question(seen, profiles)
        return tuple(sections)

    def _all_question_ids(self, raw: list) -> set[str]:
        ids: set[str] = set()
        for entry in raw:
            if isinstance(entry, dict) and isinstance(entry.get("question"), list):
                for q in entry["question"]:
                    if isinstance(q, dict) and isinstance(q.get("id"), str):
                        ids.add(q["id"].strip())
        return ids

    def _question(self, entry: object, start: int | None, sid: str, seen: Mapping[str, Question],
                  all_ids: set[str], profiles: Mapping[str, Profile]) -> Question:
        if not isinstance(entry, dict):
            raise self.fail(start, f'section "{sid}": each question must be a table')
        raw_id = entry.get("id")
        what = f'question "{raw_id}"' if isinstance(raw_id, str) else f'a question of "{sid}"'
        self._check_keys(entry, _QUESTION_KEYS, start, what, raw_id)
        qid = self._string(entry, "id", start, what)
        what = f'question "{qid}"'
        if not re.match(rf"^{re.escape(sid)}\.[a-z0-9_]+$", qid):
            raise self.fail(
                self._line(start, "id", qid),
                f'{what}: a question id is "<section>.<name>", here "{sid}.<name>" '
                "with lower case, digits and _",
            )
        if qid in seen:
            raise self.fail(self._line(start, "id", qid), f'duplicate question id "{qid}"')
        prompt = self._string(entry, "prompt", start, what, qid)
        prompt_ja = self._japanese(entry, "prompt_ja", start, what, qid)
        guidance = self._string(entry, "guidance", start, what, qid)
        guidance_ja = self._japanese(entry, "guidance_ja", start, what, qid)
        kind = self._string(entry, "type", start, what, qid)
        if kind not in ANSWER_TYPES:
            raise self.fail(
                self._line(start, "type", qid),
                f'{what}: unknown type "{kind}"; expected one of {", ".join(ANSWER_TYPES)}',
            )
        required = entry.get("required", False)
        if not isinstance(required, bool):
            raise self.fail(self._line(start, "required", qid),
                            f'{what}: "required" must be true or false')
        element = entry.get("element")
        if element is not None and element not in ELEMENTS:
            raise self.fail(
                self._line(start, "element", qid),
                f'{what}: unknown element "{element}"; expected one of {", ".join(ELEMENTS)}',
            )
        choices: tuple[str, ...] = ()
        choices_ja: tuple[str, ...] = ()
        if kind in CHOICE_TYPES:
            if "choices" not in entry:
                raise self.fail(self._line(start, "type", qid),
                                f'{what}: type "{kind}" needs "choices"')
            choices = self._strings(entry, "choices", start, what)
            if not choices:
                raise self.fail(self._line(start, "choices", qid), f'{what}: "choices" is empty')
            if len(set(choices)) != len(choices):
                raise self.fail(self._line(start, "choices", qid),
                                f'{what}: "choices" lists a value twice')
            choices_ja = self._japanese_choices(entry, choices, start, what, qid)
        else:
            for key in ("choices", "choices_ja"):
                if key in entry:
                    raise self.fail(self._line(start, key, qid),
                                    f'{what}: "{key}" is only for types choice and '
                                    "multi_choice")
        when = None
        if "when" in entry:
            when = self._condition(entry["when"], start, what, qid, seen, all_ids, profiles)
        return Question(qid, sid, prompt, guidance, kind, required, element, choices, when,
                        prompt_ja, guidance_ja, choices_ja)

    def _condition(self, raw: object, start: int | None, what: str, ident: str,
                   seen: Mapping[str, Question], all_ids: set[str],
                   profiles: Mapping[str, Profile]) -> Condition:
        line = self._line(start, "when", ident)
        if not isinstance(raw, dict) or not raw:
            raise self.fail(line, f'{what}: "when" must be a table with at least one condition')
        for key in raw:
            if key not in _CONDITION_KEYS:
                near = difflib.get_close_matches(key, _CONDITION_KEYS, n=1)
                hint = f' (did you mean "{near[0]}"?)' if near else ""
                raise self.fail(line, f'{what}: unknown condition "{key}"{hint}; allowed: '
                                      f'{", ".join(_CONDITION_KEYS)}')
        codes: tuple[str, ...] = ()
        if "profiles" in raw:
            value = raw["profiles"]
            if (not isinstance(value, list) or not value
                    or not all(isinstance(code, str) for code in value)):
                raise self.fail(line, f'{what}: "when.profiles" must be a list of profile codes')
            for code in value:
                if code not in profiles:
                    raise self.fail(
                        line,
                        f'{what}: "when" names unknown profile "{code}"; known profiles: '
                        f'{", ".join(profiles) or "none"}',
                    )
            codes = tuple(value)
        tests = [key for key in ("equals", "includes", "answered") if key in raw]
        target_id = raw.get("question")
        if target_id is None:
            if tests:
                raise self.fail(line, f'{what}: "when.{tests[0]}" needs "when.question"')
            return Condition(profiles=codes)
        if not isinstance(target_id, str):
            raise self.fail(line, f'{what}: "when.question" must be a question id')
        if len(tests) != 1:
            raise self.fail(
                line, f'{what}: "when.question" needs exactly one of equals, includes, answered'
            )
        if target_id == ident:
            raise self.fail(line, f'{what}: "when" refers to the question itself')
        target = seen.get(target_id)
        if target is None:
            if target_id in all_ids:
                raise self.fail(
                    line,
                    f'{what}: "when" refers to question "{target_id}", which comes later in '
                    "the bank; a condition may only refer to an earlier question",
                )
            raise self.fail(line, f'{what}: "when" refers to unknown question "{target_id}"')
        test = tests[0]
        value = raw[test]
        if test == "answered":
            if not isinstance(value, bool):
                raise self.fail(line, f'{what}: "when.answered" must be true or false')
            return Condition(profiles=codes, question=target_id, answered=value)
        if test == "includes":
            if target.type != "multi_choice":
                raise self.fail(line, f'{what}: "when.includes" needs a multi_choice question; '
                                      f'"{target_id}" is {target.type}')
            if value not in target.choices:
                raise self.fail(
                    line,
                    f'{what}: "when.includes" value "{value}" is not among the choices of '
                    f'"{target_id}" ({", ".join(target.choices)})',
                )
            return Condition(profiles=codes, question=target_id, includes=value)
        self._check_equals(target, value, line, what)
        return Condition(profiles=codes, question=target_id, equals=value)

    def _check_equals(self, target: Question, value: object, line: int | None,
                      what: str) -> None:
        kind = target.type
        ok = {
            "yes_no": isinstance(value, bool),
            "choice": isinstance(value, str) and value in target.choices,
            "number": isinstance(value, int | float) and not isinstance(value, bool),
            "date": isinstance(value, date) and not isinstance(value, datetime),
            "text": isinstance(value, str),
            "long_text": isinstance(value, str),
        }.get(kind, False)
        if ok:
            return
        if kind == "choice":
            expected = f"one of its choices ({', '.join(target.choices)})"
        elif kind == "multi_choice":
            expected = 'a single choice tested with "includes", not "equals"'
        elif kind == "yes_no":
            expected = "true or false"
        else:
            expected = f"a {kind} value"
        raise self.fail(line, f'{what}: "when.equals" for "{target.id}" must be {expected}')

    def _check_profiles_question(self, questions: Mapping[str, Question],
                                 profiles: Mapping[str, Profile]) -> None:
        question = questions.get(PROFILES_QUESTION)
        if question is None:
            return
        if question.type != "multi_choice" or set(question.choices) != set(profiles):
            line = self.source.id_line(PROFILES_QUESTION)
            raise self.fail(
                line,
                f'question "{PROFILES_QUESTION}" must be a multi_choice whose choices are '
                f'exactly the profile codes ({", ".join(profiles)})',
            )


# --------------------------------------------------------------------------------------------
# Profiles raised by a claim, and a preparation sheet
# --------------------------------------------------------------------------------------------

_LATIN = "0-9A-Za-z\u00c0-\u024f"


def _is_latin(keyword: str) -> bool:
    return all(ord(char) < 0x2E80 for char in keyword)


def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    words = [re.escape(part) for part in re.split(r"[\s\-]+", keyword.strip()) if part]
    body = r"[\s\-]+".join(words)
    return re.compile(rf"(?<![{_LATIN}]){body}(?:s|es)?(?![{_LATIN}])", re.IGNORECASE)


def profiles_raised(
    bank: QuestionBank, narrative: str, cue_types: Iterable[str] = ()
) -> dict[str, list[str]]:
    """The specific profiles a claim suggests, each with the reasons.

    Keywords are matched case-insensitively on word boundaries in Latin script (a plural
    ``-s``/``-es`` also matches; spaces and hyphens are interchangeable) and as substrings in
    Japanese. A triage cue type listed in a profile's ``cues`` raises it too. These are
    suggestions for the inquirer to confirm in ``opening.profiles_raised``.
    """
    text = unicodedata.normalize("NFKC", narrative or "").casefold()
    cues = list(dict.fromkeys(cue_types))
    raised: dict[str, list[str]] = {}
    for code, profile in bank.profiles.items():
        reasons: list[str] = []
        for keyword in profile.keywords:
            needle = unicodedata.normalize("NFKC", keyword).casefold()
            if _is_latin(needle):
                found = _keyword_pattern(needle).search(text) is not None
            else:
                found = needle in text
            if found:
                reasons.append(t("interview.raised_by_keyword", keyword=keyword))
        reasons.extend(t("interview.raised_by_cue", cue=cue,
                         label=triage_text.cue_label(cue, cue))
                       for cue in cues if cue in profile.cues)
        if reasons:
            raised[code] = reasons
    return raised


def suggested_questions(
    bank: QuestionBank, profiles: Iterable[str], limit_per_section: int = 4
) -> list[tuple[Section, list[Question]]]:
    """Questions for a preparation sheet, in bank order.

    The questions of the fear-on-return, grounds, agents-and-protection and relocation
    sections that inform an eligibility element (follow-ups that depend on another answer are
    left out: the answers are not known yet), and the sub-form questions of each raised
    profile, at most ``limit_per_section`` per section: required questions first, then
    questions shown without depending on another answer, then the follow-ups. Unknown
    profile codes are ignored.
    """
    raised = set(profiles)
    limit = max(int(limit_per_section), 0)
    sheet: list[tuple[Section, list[Question]]] = []
    for section in bank.sections:
        if section.id in CORE_SECTIONS:
            candidates = [
                q for q in section.questions
                if q.element not in (None, "procedure", "identity") and q.type != "incidents"
                and (q.when is None or (q.when.question is None and raised & set(q.when.profiles)))
            ]
        elif (section.when is not None and section.when.profiles
              and raised & set(section.when.profiles)):
            candidates = [
                q for q in section.questions
                if q.when is None or not q.when.profiles or raised & set(q.when.profiles)
            ]
        else:
            continue
        order = {q.id: i for i, q in enumerate(section.questions)}
        ranked = sorted(
            candidates,
            key=lambda q: (not q.required, q.when is not None and q.when.question is not None,
                           order[q.id]),
        )
        chosen = sorted(ranked[:limit], key=lambda q: order[q.id])
        if chosen:
            sheet.append((section, chosen))
    return sheet
