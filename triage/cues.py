"""The cue lexicon (``data/triage/cues.toml``): what each cue type is called, which family it
belongs to and the terms that signal it, plus the negation and hypothetical triggers.

Terms are kept as stem sequences so that the spaCy matcher in :mod:`triage.nlp` matches
inflected forms; Japanese terms are kept as written here and analysed by SudachiPy when the
pipeline is built (:mod:`triage.japanese`), so they match normalised forms. The ``[japanese]``
table holds how Japanese negation, conditions, fears and hedges are read and the words that
make a Convention ground the motive of the harm; ``[never_b]`` the terms of the subjects a claim
about which is never Category B. The stemmer is deliberately light (plural
-s, -ed, -ing, a final -e): a full Porter or Snowball stemmer conflates words the cues must keep
apart ("national" and "nationality", "protests" and "Protestant", "active" and "activism").
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from triage.corpus import DATA_DIR

CUES_FILE = DATA_DIR / "cues.toml"

#: Cue families the rules reason with.
FAMILIES = ("ground", "b", "conflict", "agent", "harm", "protection", "new")

_WORD = re.compile(r"n't|[\w'’-]+|[^\w\s]", re.UNICODE)


class CueLexiconError(ValueError):
    """The cue file is malformed; the message names the entry at fault."""


@dataclass(frozen=True)
class CueType:
    name: str
    family: str
    label: str
    b_reason: str | None
    terms: tuple[tuple[str, ...], ...]
    weak_terms: tuple[tuple[str, ...], ...]
    ja_terms: tuple[str, ...]
    ja_weak_terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class JapaneseRules:
    """How Japanese negation, conditions, fears, hedges and motives are read (``[japanese]``)."""

    negators: frozenset[str] = frozenset()
    denials: frozenset[str] = frozenset()
    not_negation: tuple[str, ...] = ()
    reporting: frozenset[str] = frozenset()
    reporting_window: int = 60
    clause_ends: frozenset[str] = frozenset()
    window: int = 16
    conditionals: frozenset[str] = frozenset()
    not_conditional: tuple[str, ...] = ()
    fears: tuple[str, ...] = ()
    hedges: tuple[str, ...] = ()
    questions: frozenset[str] = frozenset()
    motive: tuple[str, ...] = ()
    mention: tuple[str, ...] = ()
    criminal: tuple[str, ...] = ()
    knowing: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Triggers:
    before: tuple[tuple[str, ...], ...]
    after: tuple[tuple[str, ...], ...]
    pseudo: tuple[tuple[str, ...], ...]
    terminators: frozenset[str]
    window: int
    ja: tuple[str, ...]
    clause: tuple[tuple[str, ...], ...] = ()  # reach to the end of the clause
    clause_window: int = 30


@dataclass(frozen=True)
class Lexicon:
    version: str
    cue_types: tuple[CueType, ...]
    negation: Triggers
    hypothetical: Triggers
    japanese: JapaneseRules = JapaneseRules()
    #: subject ("demonstration", "religious_community", "ethnic_group") → its terms, English
    #: ones as stem sequences and Japanese ones as written.
    never_b: tuple[tuple[str, tuple[tuple[str, ...], ...], tuple[str, ...]], ...] = ()

    def by_name(self) -> dict[str, CueType]:
        return {c.name: c for c in self.cue_types}

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.cue_types)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The matching form of one token: lower case without plural, -ed, -ing or final -e
    ("arrested", "arrests" → "arrest"; "raped", "rape" → "rap")."""
    w = word.lower().replace("’", "'")
    if w == "n't":
        return "not"
    if not w.isascii() or not w[:1].isalpha() or len(w) <= 3:
        return w
    if w.endswith("'s"):
        w = w[:-2]
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ing", "ed"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            if w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]  # stopped → stop, but killed → kill
            break
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    return w


def stems(phrase: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in _WORD.findall(phrase.lower()))


def _strings(value: object, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise CueLexiconError(f"{where} must be a list of non-empty strings")
    return value


def _triggers(section: dict, name: str) -> Triggers:
    if not isinstance(section, dict):
        raise CueLexiconError(f"[{name}] must be a table")
    for key in ("before", "after", "pseudo", "terminators", "ja", "clause"):
        _strings(section.get(key), f"[{name}] '{key}'")
    try:
        return Triggers(
            before=tuple(stems(p) for p in section.get("before", [])),
            after=tuple(stems(p) for p in section.get("after", [])),
            pseudo=tuple(stems(p) for p in section.get("pseudo", [])),
            terminators=frozenset(stem(t) for t in section.get("terminators", [])),
            window=int(section.get("window", 8)),
            ja=tuple(section.get("ja", [])),
            clause=tuple(stems(p) for p in section.get("clause", [])),
            clause_window=int(section.get("clause_window", 30)),
        )
    except (TypeError, ValueError) as exc:
        raise CueLexiconError(f"[{name}] is malformed: {exc}") from exc


def parse(data: dict) -> Lexicon:
    cue_types = []
    cues = data.get("cue", {})
    if not isinstance(cues, dict):
        raise CueLexiconError("'cue' must be a table of [cue.<type>] entries")
    for name, entry in cues.items():
        if not isinstance(entry, dict):
            raise CueLexiconError(f"[cue.{name}] must be a table")
        family = entry.get("family")
        if family not in FAMILIES:
            raise CueLexiconError(f"[cue.{name}] has family {family!r}; use one of {FAMILIES}")
        terms = _strings(entry.get("terms"), f"[cue.{name}] 'terms'")
        if not terms:
            raise CueLexiconError(f"[cue.{name}] needs a non-empty 'terms' list")
        _strings(entry.get("weak"), f"[cue.{name}] 'weak'")
        _strings(entry.get("ja"), f"[cue.{name}] 'ja'")
        _strings(entry.get("ja_weak"), f"[cue.{name}] 'ja_weak'")
        cue_types.append(CueType(
            name=name, family=family, label=str(entry.get("label", name)),
            b_reason=entry.get("b_reason"),
            terms=tuple(stems(t) for t in terms),
            weak_terms=tuple(stems(t) for t in entry.get("weak", [])),
            ja_terms=tuple(entry.get("ja", [])),
            ja_weak_terms=tuple(entry.get("ja_weak", [])),
        ))
    if not cue_types:
        raise CueLexiconError("the cue file defines no [cue.*] entries")
    return Lexicon(version=str(data.get("version", "0")), cue_types=tuple(cue_types),
                   negation=_triggers(data.get("negation", {}), "negation"),
                   hypothetical=_triggers(data.get("hypothetical", {}), "hypothetical"),
                   japanese=_japanese(data.get("japanese", {})),
                   never_b=_never_b(data.get("never_b", {}), cue_types))


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")


def _japanese(section: dict) -> JapaneseRules:
    if not isinstance(section, dict):
        raise CueLexiconError("[japanese] must be a table")
    lists = ("negators", "denials", "not_negation", "reporting", "clause_ends", "conditionals",
             "not_conditional", "fears", "hedges", "questions", "motive", "mention", "criminal",
             "knowing")
    for key in set(section) - set(lists) - {"window", "reporting_window"}:
        raise CueLexiconError(f"[japanese] has an unknown key {key!r}")
    values = {key: _strings(section.get(key), f"[japanese] '{key}'") for key in lists}
    try:
        window, reporting_window = int(section.get("window", 16)), int(
            section.get("reporting_window", 60))
    except (TypeError, ValueError) as exc:
        raise CueLexiconError(f"[japanese] is malformed: {exc}") from exc
    sets = ("negators", "denials", "reporting", "clause_ends", "conditionals", "questions",
            "knowing")
    return JapaneseRules(
        window=window, reporting_window=reporting_window,
        **{key: frozenset(v) if key in sets else tuple(v) for key, v in values.items()})


def _never_b(section: dict, cue_types: list[CueType]
             ) -> tuple[tuple[str, tuple[tuple[str, ...], ...], tuple[str, ...]], ...]:
    if not isinstance(section, dict):
        raise CueLexiconError("[never_b] must be a table")
    english = {t for c in cue_types for t in c.terms + c.weak_terms}
    japanese = {t for c in cue_types for t in c.ja_terms + c.ja_weak_terms}
    out = []
    for subject, terms in section.items():
        terms = _strings(terms, f"[never_b] '{subject}'")
        en, ja = [], []
        for term in terms:
            if _CJK.search(term):
                if term not in japanese:
                    raise CueLexiconError(f"[never_b] '{subject}': {term!r} is no cue's term")
                ja.append(term)
            else:
                if stems(term) not in english:
                    raise CueLexiconError(f"[never_b] '{subject}': {term!r} is no cue's term")
                en.append(stems(term))
        out.append((subject, tuple(en), tuple(ja)))
    return tuple(out)


def load(path: Path = CUES_FILE) -> Lexicon:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise CueLexiconError(f"{path.name}: {exc}") from exc
    return parse(data)


@lru_cache(maxsize=4)
def default_lexicon() -> Lexicon:
    return load()
