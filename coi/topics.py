"""Topic tagging of COI passages with the project's taxonomy (``data/coi/taxonomy.toml``).

Each topic lists English terms (whole words, case-insensitive; ``*`` at the end matches any
ending; spaces and hyphens inside a term match any run of spaces and hyphens) and Japanese terms
(substrings). A passage gets every topic with at least ``min_hits`` term occurrences.

Speed: ingestion of a large library tags millions of passages, so there is no spaCy here and no
loop over topics. All English terms of all topics are compiled into ONE regular expression,
shaped as a trie (so the engine tests a handful of characters per position, not hundreds of
alternatives), over the lower-cased text; the matched text is mapped back to its topics with a
dictionary lookup. Overlapping terms resolve to the longest: "drug trafficking" (an excluded
phrase) hides "trafficking", and "military service" is not also "military". Japanese terms are
found the same way as Japanese country names in :mod:`coi.gazetteer` (longest first; a term
that starts or ends in katakana does not match inside a longer katakana word), and only when the
text contains Japanese script at all.

A term may belong to several topics ("arrest warrant" is both detention and documents) and then
counts for each. ``[exclude]`` phrases are matched and then dropped.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from coi.extracted import Passage

__all__ = [
    "Taxonomy",
    "TaxonomyError",
    "Topic",
    "tag",
    "tag_passages",
    "tag_scores",
    "taxonomy",
    "topic_terms",
    "topics",
]

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "coi" / "taxonomy.toml"

_CODE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
_WORD = "0-9a-z\u00c0-\u024f"  # word characters of lower-cased Latin text
_SEP_RUN = re.compile(r"[\s\-\u2010\u2011\u2013]+")
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KATAKANA = re.compile("[\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_KEYS = {"code", "label", "label_ja", "description", "terms", "terms_ja"}

_SEP = "\x00sep"  # trie unit: a run of spaces/hyphens
_APOS = "\x00apos"  # trie unit: straight or curly apostrophe
_STAR = "\x00star"  # trie marker: any word ending
_END = "\x00end"  # trie marker: the term ends here (at a word boundary)


class TaxonomyError(ValueError):
    """The taxonomy is invalid; the message names the topic and the field."""


@dataclass(frozen=True)
class Topic:
    code: str
    label: str
    label_ja: str
    description: str
    terms: tuple[str, ...]
    terms_ja: tuple[str, ...]


# ---------------------------------------------------------------------------------------------
# Term handling


def _key(text: str) -> str:
    """How a term, or the text it matched, is looked up: lower case, one space for each run of
    spaces and hyphens, straight apostrophes."""
    text = text.lower().replace("\u2019", "'")
    return _SEP_RUN.sub(" ", text).strip()


def _units(term: str) -> list[str]:
    units: list[str] = []
    for ch in term:
        if ch in " -\t\n":
            if not units or units[-1] != _SEP:
                units.append(_SEP)
        elif ch in "'\u2019":
            units.append(_APOS)
        else:
            units.append(ch)
    return units


def _trie_regex(terms: Iterable[tuple[str, bool]]) -> str:
    """One regex matching any of ``terms`` (term, is_prefix), longest alternative first."""
    root: dict = {}
    for term, prefix in terms:
        node = root
        for unit in _units(term):
            node = node.setdefault(unit, {})
        node[_STAR if prefix else _END] = True

    def unit_regex(unit: str) -> str:
        if unit == _SEP:
            return r"[\s\-\u2010\u2011\u2013]+"
        if unit == _APOS:
            return "['\u2019]"
        return re.escape(unit)

    def emit(node: dict) -> str:
        alternatives = []
        for unit in sorted(k for k in node if k not in (_STAR, _END)):
            alternatives.append(unit_regex(unit) + emit(node[unit]))
        if node.get(_STAR):
            alternatives.append(f"[{_WORD}]*")
        elif node.get(_END):
            alternatives.append(f"(?![{_WORD}])")
        if len(alternatives) == 1:
            return alternatives[0]
        return "(?:" + "|".join(alternatives) + ")"

    return f"(?<![{_WORD}])" + emit(root)


# ---------------------------------------------------------------------------------------------
# The taxonomy


class Taxonomy:
    """Topics and their compiled matchers. Build with :meth:`load` or :meth:`from_dict`."""

    def __init__(self, topics: Sequence[Topic], exclude: Sequence[str] = ()) -> None:
        self._topics = list(topics)
        self._by_code = {t.code: t for t in self._topics}
        self._order = {t.code: i for i, t in enumerate(self._topics)}

        exact: dict[str, tuple[str, ...]] = {}
        prefix: dict[str, tuple[str, ...]] = {}
        pattern_terms: dict[tuple[str, bool], None] = {}
        for topic in self._topics:
            for term in topic.terms:
                is_prefix = term.endswith("*")
                base = _key(term.rstrip("*"))
                table = prefix if is_prefix else exact
                table[base] = (*table.get(base, ()), topic.code)
                pattern_terms[(base, is_prefix)] = None
        for term in exclude:
            is_prefix = term.endswith("*")
            base = _key(term.rstrip("*"))
            (prefix if is_prefix else exact)[base] = ()
            pattern_terms[(base, is_prefix)] = None
        self._exact = exact
        self._prefix = prefix
        self._prefix_lengths = sorted({len(k) for k in prefix}, reverse=True)
        self._en = re.compile(_trie_regex(pattern_terms))

        ja: dict[str, tuple[str, ...]] = {}
        for topic in self._topics:
            for term in topic.terms_ja:
                ja[term] = (*ja.get(term, ()), topic.code)
        for term in exclude:
            if _CJK.search(term):
                ja[term] = ()
        self._ja = ja
        self._ja_by_first: dict[str, list[str]] = {}
        for term in sorted(ja, key=len, reverse=True):
            self._ja_by_first.setdefault(term[0], []).append(term)
        self._ja_start = (
            re.compile("[" + "".join(re.escape(c) for c in sorted(self._ja_by_first)) + "]")
            if ja else None
        )

    # --- construction ----------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path | str = DATA_FILE) -> Taxonomy:
        path = Path(path)
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise TaxonomyError(f"cannot read the taxonomy {path}: {exc}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise TaxonomyError(f"{path.name} is not valid TOML: {exc}") from exc
        return cls.from_dict(raw, source=path.name)

    @classmethod
    def from_dict(cls, data: Mapping[str, object], *, source: str = "taxonomy") -> Taxonomy:
        """Validate and build; every error names the offending topic and field."""
        entries = data.get("topic")
        if not isinstance(entries, list) or not entries:
            raise TaxonomyError(f"{source}: no [[topic]] entries")
        topics: list[Topic] = []
        seen: dict[str, int] = {}
        for number, entry in enumerate(entries, start=1):
            where = f"{source}, topic #{number}"
            if not isinstance(entry, dict):
                raise TaxonomyError(f"{where}: expected a table")
            code = entry.get("code")
            if isinstance(code, str):
                where += f" ({code!r})"
            unknown = sorted(set(entry) - _KEYS)
            if unknown:
                raise TaxonomyError(
                    f"{where}: unknown field(s) {', '.join(unknown)}; expected "
                    f"{', '.join(sorted(_KEYS))}"
                )
            if not isinstance(code, str) or not _CODE.match(code):
                raise TaxonomyError(f"{where}: 'code' must be a snake_case identifier")
            if code in seen:
                raise TaxonomyError(
                    f"{where}: duplicate code {code!r} (already used by topic #{seen[code]})"
                )
            seen[code] = number
            texts = {}
            for name in ("label", "label_ja", "description"):
                value = entry.get(name)
                if not isinstance(value, str) or not value.strip():
                    raise TaxonomyError(f"{where}: '{name}' must be a non-empty string")
                if "\n" in value.strip():
                    raise TaxonomyError(f"{where}: '{name}' must be one line")
                texts[name] = value.strip()
            terms = _terms(entry.get("terms"), f"{where}: 'terms'", required=True)
            terms_ja = _terms(entry.get("terms_ja", []), f"{where}: 'terms_ja'", required=False)
            topics.append(Topic(code, texts["label"], texts["label_ja"], texts["description"],
                                terms, terms_ja))
        exclude_table = data.get("exclude", {})
        if not isinstance(exclude_table, dict):
            raise TaxonomyError(f"{source}: [exclude] must be a table with 'terms'")
        exclude = _terms(exclude_table.get("terms", []), f"{source}: [exclude] 'terms'",
                         required=False)
        used: dict[str, str] = {}
        for topic in topics:
            for term in (*topic.terms, *topic.terms_ja):
                used.setdefault(_key(term), topic.code)
        for term in exclude:
            if _key(term) in used:
                raise TaxonomyError(
                    f"{source}: [exclude] term {term!r} is also a term of topic "
                    f"{used[_key(term)]!r}"
                )
        return cls(topics, exclude)

    # --- reading ---------------------------------------------------------------------------

    @property
    def topics(self) -> list[Topic]:
        return list(self._topics)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(t.code for t in self._topics)

    def topic(self, code: str) -> Topic:
        try:
            return self._by_code[code]
        except KeyError:
            raise KeyError(
                f"unknown topic {code!r}; known topics: {', '.join(self.codes)}"
            ) from None

    def topic_terms(self, code: str, language: str | None = None) -> list[str]:
        """The terms of a topic as written in the taxonomy (``*`` = any ending), for building
        search queries: English and Japanese, or only ``language`` ("en" or "ja")."""
        topic = self.topic(code)
        if language == "en":
            return list(topic.terms)
        if language == "ja":
            return list(topic.terms_ja)
        return [*topic.terms, *topic.terms_ja]

    # --- tagging ---------------------------------------------------------------------------

    def _topics_of(self, matched: str) -> tuple[str, ...]:
        key = _key(matched) if not matched.isalnum() else matched
        found = self._exact.get(key)
        if found is not None:
            return found
        for length in self._prefix_lengths:
            if length <= len(key):
                found = self._prefix.get(key[:length])
                if found is not None:
                    return found
        return ()

    def tag_scores(self, text: str) -> dict[str, int]:
        """Term occurrences per topic (topics without any are left out), taxonomy order."""
        if not text:
            return {}
        counts: dict[str, int] = {}
        cache: dict[str, tuple[str, ...]] = {}
        for m in self._en.finditer(text.lower()):
            matched = m.group()
            codes = cache.get(matched)
            if codes is None:
                codes = cache[matched] = self._topics_of(matched)
            for code in codes:
                counts[code] = counts.get(code, 0) + 1
        if self._ja_start is not None and _CJK.search(text):
            for term in self._japanese(text):
                for code in self._ja[term]:
                    counts[code] = counts.get(code, 0) + 1
        return {code: counts[code] for code in sorted(counts, key=self._order.__getitem__)}

    def _japanese(self, text: str) -> list[str]:
        assert self._ja_start is not None
        found: list[str] = []
        pos = 0
        search = self._ja_start.search
        while True:
            m = search(text, pos)
            if m is None:
                return found
            at = m.start()
            for term in self._ja_by_first[text[at]]:
                if text.startswith(term, at) and _katakana_bounded(text, at, at + len(term)):
                    found.append(term)
                    pos = at + len(term)
                    break
            else:
                pos = at + 1

    def tag(self, text: str, *, min_hits: int = 1) -> tuple[str, ...]:
        """Codes of the topics with at least ``min_hits`` term occurrences, taxonomy order."""
        return tuple(code for code, n in self.tag_scores(text).items() if n >= min_hits)

    def tag_passages(self, passages: Iterable[Passage], *, min_hits: int = 1) -> list[Passage]:
        """The passages with ``topics`` set from their text (headings are not counted: a long
        section would otherwise give its heading's topic to every paragraph)."""
        return [replace(p, topics=self.tag(p.text, min_hits=min_hits)) for p in passages]


def _katakana_bounded(text: str, start: int, end: int) -> bool:
    if _KATAKANA.match(text[start]) and start > 0 and _KATAKANA.match(text[start - 1]):
        return False
    return not (_KATAKANA.match(text[end - 1]) and end < len(text)
                and _KATAKANA.match(text[end]))


def _terms(value: object, where: str, *, required: bool) -> tuple[str, ...]:
    if not isinstance(value, list) or (required and not value):
        raise TaxonomyError(f"{where} must be a {'non-empty ' if required else ''}list of strings")
    seen: set[str] = set()
    out: list[str] = []
    for term in value:
        if not isinstance(term, str) or not term.strip():
            raise TaxonomyError(f"{where}: every term must be a non-empty string, got {term!r}")
        term = term.strip()
        if "*" in term[:-1] or len(term.rstrip("*")) < 2:
            raise TaxonomyError(
                f"{where}: term {term!r}: '*' may only end a term of two or more characters"
            )
        if _CJK.search(term) and term.endswith("*"):
            raise TaxonomyError(f"{where}: term {term!r}: Japanese terms match as substrings, "
                                "no '*' needed")
        key = _key(term)
        if key in seen:
            raise TaxonomyError(f"{where}: duplicate term {term!r}")
        seen.add(key)
        out.append(term)
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# The project's taxonomy, loaded once


@lru_cache(maxsize=1)
def taxonomy() -> Taxonomy:
    return Taxonomy.load(DATA_FILE)


def topics() -> list[Topic]:
    return taxonomy().topics


def tag(text: str, *, min_hits: int = 1) -> tuple[str, ...]:
    return taxonomy().tag(text, min_hits=min_hits)


def tag_scores(text: str) -> dict[str, int]:
    return taxonomy().tag_scores(text)


def tag_passages(passages: Iterable[Passage], *, min_hits: int = 1) -> list[Passage]:
    return taxonomy().tag_passages(passages, min_hits=min_hits)


def topic_terms(code: str, language: str | None = None) -> list[str]:
    return taxonomy().topic_terms(code, language)
