"""The labelled narratives in ``data/triage/narratives/``: loading, validation and the rule
that turns a record's facts into its sorting category (``data/triage/README.md``).

Run ``python -m triage.corpus FILE…`` to check files: every problem is printed with its file
and line number.
"""

from __future__ import annotations

import json
import sys
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "triage"
NARRATIVES_DIR = DATA_DIR / "narratives"
A_COUNTRIES_FILE = DATA_DIR / "a_countries.toml"

CATEGORIES = ("A", "B", "C", "D1", "D2")
BASES = ("convention", "conflict", "b")
B_REASONS = ("debt_property", "hardship_work", "private_trouble", "general_insecurity")
GROUNDS = ("race", "religion", "nationality", "social_group", "political_opinion")
VOICES = ("first_person", "officer_summary", "interpreter", "decision_text")
STATUSES = ("TEMPORARY_VISITOR", "TECHNICAL_INTERN", "STUDENT", "DA_DEPARTURE_PREPARATION",
            "OTHER_STATUS", "NO_STATUS")


class CorpusError(ValueError):
    """A narrative file that cannot be used; ``problems`` lists (file, line, message)."""

    def __init__(self, problems: list[tuple[str, int, str]]):
        self.problems = problems
        lines = [f"{f}:{n}: {m}" for f, n, m in problems[:20]]
        more = f"\n… and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__("\n".join(lines) + more)


@dataclass(frozen=True)
class Record:
    id: str
    author: str
    template: str
    voice: str
    language: str
    nationality: str
    status_of_residence: str
    activities_ceased: bool
    application_number: int
    previous_narratives: tuple[str, ...]
    reasonable_grounds_materials: bool
    basis: str
    b_reason: str | None
    grounds: tuple[str, ...]
    new_circumstances: bool | None
    hard_case: str | None
    category: str
    narrative: str
    source: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)


def a_country_entries(path: Path = A_COUNTRIES_FILE) -> list[dict]:
    """The shipped Category A list (the database copy is what the app uses): one dict per
    country with ``code``, ``reason`` and ``since`` (a date or None)."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return [{"code": str(entry["code"]).upper(), "reason": entry.get("reason", ""),
             "since": entry.get("since") if isinstance(entry.get("since"), date) else None}
            for entry in data.get("country", [])]


def a_countries(path: Path = A_COUNTRIES_FILE) -> frozenset[str]:
    """Codes on the shipped Category A list."""
    return frozenset(entry["code"] for entry in a_country_entries(path))


def category_for(*, basis: str, application_number: int, new_circumstances: bool | None,
                 nationality: str, status_of_residence: str, activities_ceased: bool,
                 a_list: Iterable[str]) -> str:
    """The sorting the README's rules give for these facts."""
    if application_number >= 2 and new_circumstances is False:
        return "C"
    if basis == "b":
        return "B"
    if nationality in set(a_list) and basis in ("convention", "conflict"):
        return "A"
    if activities_ceased or status_of_residence == "DA_DEPARTURE_PREPARATION":
        return "D1"
    return "D2"


def _check(obj: dict, a_list: frozenset[str]) -> list[str]:
    problems: list[str] = []

    def need(name: str, kind: type | tuple[type, ...]) -> bool:
        if name not in obj:
            problems.append(f"missing field '{name}'")
            return False
        if not isinstance(obj[name], kind) or (kind is int and isinstance(obj[name], bool)):
            problems.append(f"'{name}' has the wrong type ({type(obj[name]).__name__})")
            return False
        return True

    for name in ("id", "author", "template", "voice", "language", "nationality",
                 "status_of_residence", "basis", "category", "narrative"):
        need(name, str)
    need("activities_ceased", bool)
    need("reasonable_grounds_materials", bool)
    need("application_number", int)
    need("previous_narratives", list)
    need("grounds", list)
    if problems:
        return problems
    if obj["voice"] not in VOICES:
        problems.append(f"voice '{obj['voice']}' is not one of {', '.join(VOICES)}")
    if obj["language"] not in ("en", "ja"):
        problems.append("language must be 'en' or 'ja'")
    if obj["status_of_residence"] not in STATUSES:
        problems.append(f"status_of_residence '{obj['status_of_residence']}' is unknown")
    if len(obj["nationality"]) != 3 or not obj["nationality"].isupper():
        problems.append("nationality must be an upper-case alpha-3 code")
    if obj["basis"] not in BASES:
        problems.append(f"basis '{obj['basis']}' is not one of {', '.join(BASES)}")
    if obj["category"] not in CATEGORIES:
        problems.append(f"category '{obj['category']}' is not one of {', '.join(CATEGORIES)}")
    b_reason = obj.get("b_reason")
    if obj["basis"] == "b" and b_reason not in B_REASONS:
        problems.append(f"a B claim needs b_reason, one of {', '.join(B_REASONS)}")
    if obj["basis"] != "b" and b_reason is not None:
        problems.append("b_reason is only for basis 'b'")
    bad = [g for g in obj["grounds"] if g not in GROUNDS]
    if bad:
        problems.append(f"unknown grounds {bad}")
    if obj["basis"] == "convention" and not obj["grounds"]:
        problems.append("a convention claim names at least one ground")
    number = obj["application_number"]
    previous = obj["previous_narratives"]
    if number < 1:
        problems.append("application_number starts at 1")
    if number == 1 and previous:
        problems.append("a first application has no previous_narratives")
    if number >= 2:
        if not previous:
            problems.append("a repeat application lists its previous_narratives")
        if obj.get("new_circumstances") not in (True, False):
            problems.append("a repeat application says whether there are new_circumstances")
    if not all(isinstance(p, str) and p.strip() for p in previous):
        problems.append("previous_narratives must be non-empty strings")
    if not obj["narrative"].strip():
        problems.append("narrative is empty")
    if not problems:
        expected = category_for(
            basis=obj["basis"], application_number=number,
            new_circumstances=obj.get("new_circumstances"), nationality=obj["nationality"],
            status_of_residence=obj["status_of_residence"],
            activities_ceased=obj["activities_ceased"], a_list=a_list)
        if expected != obj["category"]:
            problems.append(f"category {obj['category']} but the sorting rules give {expected}")
    return problems


def iter_file(path: Path, a_list: frozenset[str] | None = None
              ) -> Iterator[tuple[int, Record | None, list[str]]]:
    a_list = a_countries() if a_list is None else a_list
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, None, [f"not JSON: {exc.msg}"]
                continue
            if not isinstance(obj, dict):
                yield number, None, ["a line must be a JSON object"]
                continue
            problems = _check(obj, a_list)
            if problems:
                yield number, None, problems
                continue
            yield number, Record(
                id=obj["id"], author=obj["author"], template=obj["template"],
                voice=obj["voice"], language=obj["language"], nationality=obj["nationality"],
                status_of_residence=obj["status_of_residence"],
                activities_ceased=obj["activities_ceased"],
                application_number=obj["application_number"],
                previous_narratives=tuple(obj["previous_narratives"]),
                reasonable_grounds_materials=obj["reasonable_grounds_materials"],
                basis=obj["basis"], b_reason=obj.get("b_reason"),
                grounds=tuple(obj["grounds"]), new_circumstances=obj.get("new_circumstances"),
                hard_case=obj.get("hard_case"), category=obj["category"],
                narrative=obj["narrative"], source=path.name, line=number,
            ), []


def load(paths: Iterable[Path] | None = None) -> list[Record]:
    """Every record of the given files (default: all narrative files); refuses the lot when
    any line is broken or an id repeats."""
    files = sorted(NARRATIVES_DIR.glob("*.jsonl")) if paths is None else list(paths)
    a_list = a_countries()
    records: list[Record] = []
    problems: list[tuple[str, int, str]] = []
    seen: dict[str, str] = {}
    for path in files:
        for number, record, errors in iter_file(path, a_list):
            problems.extend((path.name, number, e) for e in errors)
            if record is None:
                continue
            if record.id in seen:
                problems.append((path.name, number, f"id {record.id} repeats ({seen[record.id]})"))
                continue
            seen[record.id] = f"{path.name}:{number}"
            records.append(record)
    if problems:
        raise CorpusError(problems)
    return records


def _main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted(NARRATIVES_DIR.glob("*.jsonl"))
    try:
        records = load(paths)
    except CorpusError as exc:
        print(exc)
        print(f"{len(exc.problems)} problem(s)")
        return 1
    from collections import Counter
    print(f"{len(records)} records OK")
    for name, counter in (
        ("category", Counter(r.category for r in records)),
        ("b_reason", Counter(r.b_reason for r in records if r.b_reason)),
        ("voice", Counter(r.voice for r in records)),
        ("grounds", Counter(g for r in records for g in r.grounds)),
        ("hard_case", Counter(r.hard_case for r in records if r.hard_case)),
        ("nationality", Counter(r.nationality for r in records)),
    ):
        print(f"  {name}: " + ", ".join(f"{k} {v}" for k, v in counter.most_common()))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
