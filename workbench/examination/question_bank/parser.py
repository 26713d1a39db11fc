"""Parsing and validating a bank file: every key, text, type, choice and ``when`` condition is
checked, and a problem is refused with a :class:`BankError` naming the file and the line."""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path

from workbench.examination.question_bank.bank import QuestionBank
from workbench.examination.question_bank.model import (
    ANSWER_TYPES,
    CHOICE_TYPES,
    CUE_TYPES,
    ELEMENTS,
    INCIDENTS_SECTION,
    PROFILES_QUESTION,
    BankError,
    Condition,
    Profile,
    Question,
    Section,
)
from workbench.examination.question_bank.source import _Source

_TOP_KEYS = ("version", "title", "title_ja", "profiles", "section")
_PROFILE_KEYS = ("label", "label_ja", "guidance", "guidance_ja", "cues", "keywords")
_SECTION_KEYS = ("id", "title", "title_ja", "guidance", "guidance_ja", "when", "question")
_QUESTION_KEYS = ("id", "prompt", "prompt_ja", "guidance", "guidance_ja", "type", "required",
                  "element", "choices", "choices_ja", "when")
# Japanese texts must be written in Japanese: at least one kana or kanji.
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")
_CONDITION_KEYS = ("profiles", "question", "equals", "includes", "answered")

_CODE = re.compile(r"^[a-z][a-z0-9_]*$")

_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")


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

