"""The raw text of a bank file, read for the lines to blame: where each profile, section and
question begins, the line of a key within an entry, the first Japanese text, and the line of an
id."""

from __future__ import annotations

import re

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

