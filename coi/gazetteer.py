"""Country gazetteer: every ISO 3166-1 country (plus Kosovo) with the names, historic names,
nationality words and Japanese names that country-of-origin information uses.

The list of countries, their alpha-3 codes and ISO names come from pycountry; what ISO does not
carry (Burma, Ivory Coast, DRC, Zaire, "Afghan", ミャンマー, ...) comes from the project's data
file ``data/coi/countries.toml``, which also documents the editorial choices (ethnic groups and
languages are not nationalities, host-country adjectives are left out, and so on).

``find_countries(text)`` counts mentions per alpha-3 code:

* Latin-script names and demonyms go through a spaCy ``PhraseMatcher`` on the ``LOWER`` token
  attribute over the tokenizer of ``spacy.blank("en")`` (``nlp.make_doc`` only: no pipes, no
  trained model). Every name is added both as written and with its diacritics removed, so
  "Cote d'Ivoire" and "Türkiye"/"Turkiye" match alike; curly apostrophes are straightened first.
* Japanese names are found by plain substring search. A name that starts (ends) with katakana
  only counts when the character before (after) it is not katakana, so タイ is not found in
  タイトル and マリ is not found in ソマリア.
* Overlapping matches resolve to the longest, in both scripts: "Democratic Republic of the
  Congo" is not also "Congo", "Papua New Guinea" is not "Guinea", "South Sudanese" is not
  "Sudanese", コンゴ民主共和国 is not コンゴ. Different tokens never collide ("Niger" and
  "Nigeria", "Dominica" and "Dominican Republic").
* Phrases listed under ``ignore`` (Indian Ocean, Niger Delta, Lake Chad, "United States
  Department of State", インド洋 ...) are matched and dropped, so the name inside them does not
  count.
* Names that are also ordinary words (Turkey, Chad, China, Jordan, US) only count when written
  with a capital (or in capitals).
* Words naming several countries (Congo, Congolese, Korea, Korean, Guinean, Dominican, コンゴ)
  are resolved per text: they go to whichever candidate the same text names unambiguously most
  often, and to the first listed candidate (the default: DRC, South Korea, Guinea, Dominican
  Republic) when the text names none of them.

Known ambiguities that are *not* resolved: "Georgia" the US state (only "Atlanta, Georgia" and
"Georgia, USA" are ignored), "Jordan" or "Chad" as a person's name, "Macedonia" the Greek
region, nationality words used for an ethnic group abroad ("ethnic Albanians in North
Macedonia", "Russian speakers in Ukraine"), 中国 for the Chūgoku region when not written
中国地方, and the neighbouring-country mentions any report contains: ranking a document's
countries is the job of ``coi.recognise``.

The matcher and the Japanese index are built once per process (first use, about a second) and
cached; only ``nlp.make_doc`` runs per text (no pipes), in chunks of 200,000 characters, and the
vocabulary computes nothing but the LOWER attribute for new words. Measured on 2 cores: about
230,000-450,000 words/s on fresh report text and about 1,000,000 words/s once the tokenizer's
cache is warm. New words stay in spaCy's vocabulary, so the matcher is rebuilt when that passes
500,000 entries, which bounds memory in long ingestion runs.
"""

from __future__ import annotations

import gettext
import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pycountry

__all__ = [
    "Country",
    "GazetteerError",
    "by_code",
    "countries",
    "country_mentions",
    "find_countries",
    "lookup",
]

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "coi" / "countries.toml"

_CHUNK = 200_000  # characters per make_doc call (spaCy refuses texts over nlp.max_length)
_VOCAB_LIMIT = 500_000  # lexemes; beyond this the matcher is rebuilt to bound memory
_IGNORE = "-"  # match label of phrases that are dropped
_AMBIGUOUS = "?"  # prefix of match labels of ambiguous words

_QUOTES = str.maketrans({
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "\u0060": "'",
    "\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u00ad": None,
})
_QUOTE_PAIRS = tuple((chr(k), v or "") for k, v in _QUOTES.items())
_KATAKANA = re.compile("[\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_PAREN = re.compile(r"\s*\(([^)]*)\)\s*")


class GazetteerError(ValueError):
    """The countries data file is inconsistent; the message names the entry."""


@dataclass(frozen=True)
class Country:
    """One country: ``names`` holds every Latin-script name (display name first, then current,
    official and historic names), ``demonyms`` the nationality words (with plurals) and
    ``ja_names`` the Japanese names."""

    code: str  # ISO 3166-1 alpha-3 (XKX for Kosovo)
    name: str  # display name in English
    names: tuple[str, ...]
    demonyms: tuple[str, ...]
    ja_names: tuple[str, ...]


# ---------------------------------------------------------------------------------------------
# Normalisation


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """The form names are compared in: NFKC, accents removed, case-folded, straight quotes,
    single spaces, without a leading "the"."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = _strip_accents(text).casefold()
    text = " ".join(text.split())
    if text.startswith("the "):
        text = text[4:]
    return text


def _is_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def _plurals(word: str) -> list[str]:
    """A nationality noun and its plural: Afghan -> Afghans; Burmese, Turkish stay as they are."""
    if word.endswith(("ese", "ish", "ch", "sh", "s", "x", "z", "è", "é")):
        return [word]
    return [word, word + "s"]


# ---------------------------------------------------------------------------------------------
# Building the country list


@dataclass(frozen=True)
class _Data:
    countries: dict[str, Country]
    ambiguous: dict[str, tuple[str, ...]]  # surface -> candidate codes, default first
    ignore: tuple[str, ...]
    case_sensitive: tuple[str, ...]


def _japanese_translations() -> gettext.NullTranslations:
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ja"])
    except OSError:  # locale files missing: no fallback names
        return gettext.NullTranslations()


def _split_ja(value: str) -> list[str]:
    """pycountry's "大韓民国 (韓国)" -> ["大韓民国", "韓国"]."""
    parts = [value]
    inner = _PAREN.search(value)
    if inner:
        parts = [_PAREN.sub("", value), inner.group(1)]
    return [p.strip() for p in parts if p.strip() and _is_cjk(p)]


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        value = " ".join(value.split())
        if value.lower().startswith("the "):
            value = value[4:]
        if value and value not in seen:
            seen[value] = None
    return tuple(seen)


def _str_list(entry: dict, key: str, where: str) -> list[str]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise GazetteerError(f"{where}: '{key}' must be a list of non-empty strings")
    return value


def _load(path: Path = DATA_FILE) -> _Data:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise GazetteerError(f"cannot read the countries file {path}: {exc}") from exc
    extra: dict = raw.get("countries", {})
    ja = _japanese_translations()
    known = {c.alpha_3 for c in pycountry.countries}
    for code in extra:
        if code not in known and code != "XKX":
            raise GazetteerError(
                f"{path.name}: [countries.{code}] is not an ISO 3166-1 alpha-3 code (nor XKX)"
            )

    result: dict[str, Country] = {}
    iso = [
        (c.alpha_3, c.name, getattr(c, "common_name", None), getattr(c, "official_name", None))
        for c in pycountry.countries
    ]
    iso.append(("XKX", "Kosovo", None, "Republic of Kosovo"))
    for code, iso_name, common, official in iso:
        entry = extra.get(code, {})
        where = f"{path.name} [countries.{code}]"
        display = entry.get("name") or common or iso_name
        if not isinstance(display, str):
            raise GazetteerError(f"{where}: 'name' must be a string")
        names = _unique([
            display, *_str_list(entry, "names", where), iso_name, common or "", official or "",
            *_str_list(entry, "historic", where),
        ])
        demonyms = _unique(
            form for word in _str_list(entry, "demonyms", where) for form in _plurals(word)
        )
        ja_names = _unique(_str_list(entry, "ja", where)) or _unique(
            _split_ja(ja.gettext(iso_name)) if code != "XKX" else []
        )
        result[code] = Country(code, display, names, demonyms, ja_names)

    ambiguous: dict[str, tuple[str, ...]] = {}
    for surface, codes in raw.get("ambiguous", {}).items():
        if (not isinstance(codes, list) or len(codes) < 2
                or any(c not in result for c in codes)):
            raise GazetteerError(
                f"{path.name} [ambiguous] '{surface}': expected a list of two or more known "
                f"alpha-3 codes, got {codes!r}"
            )
        ambiguous[surface] = tuple(codes)
    ignore = tuple(_str_list(raw, "ignore", f"{path.name} (top level)"))
    case_sensitive = tuple(_str_list(raw, "case_sensitive", f"{path.name} (top level)"))
    return _Data(dict(sorted(result.items())), ambiguous, ignore, case_sensitive)


@lru_cache(maxsize=1)
def _data() -> _Data:
    return _load()


def countries() -> list[Country]:
    """Every country, ordered by alpha-3 code."""
    return list(_data().countries.values())


def by_code(code: str) -> Country:
    """The country with this alpha-3 code (any case). Raises ``KeyError`` naming the code."""
    data = _data().countries
    key = code.strip().upper() if isinstance(code, str) else code
    try:
        return data[key]
    except (KeyError, TypeError):
        hint = ""
        if isinstance(code, str) and len(code.strip()) == 2:
            hint = " (that looks like an alpha-2 code: lookup() accepts those)"
        elif isinstance(code, str) and lookup(code) is not None:
            hint = f" (lookup({code!r}) finds {lookup(code).code})"  # type: ignore[union-attr]
        raise KeyError(
            f"unknown country code {code!r}: expected an ISO 3166-1 alpha-3 code such as "
            f"'AFG', or 'XKX' for Kosovo{hint}"
        ) from None


# ---------------------------------------------------------------------------------------------
# Lookup of a single name or code


@lru_cache(maxsize=1)
def _lookup_index() -> dict[str, str]:
    data = _data()
    index: dict[str, str] = {}
    for country in data.countries.values():
        for value in (*country.names, *country.demonyms, *country.ja_names):
            index.setdefault(fold(value), country.code)
    # display names and ISO names win over anything added from another country, and the
    # default of an ambiguous word over both (ISO's "Congo" is COG; COI mostly means COD)
    for country in data.countries.values():
        index[fold(country.name)] = country.code
    for c in pycountry.countries:
        index[fold(c.name)] = c.alpha_3
    for surface, codes in data.ambiguous.items():
        index[fold(surface)] = codes[0]
    return index


@lru_cache(maxsize=1)
def _codes() -> dict[str, str]:
    codes = {c.code: c.code for c in countries()}
    for c in pycountry.countries:
        codes[c.alpha_2] = c.alpha_3
        codes[c.numeric] = c.alpha_3
    codes["XK"] = "XKX"
    return codes


def lookup(name_or_code: str) -> Country | None:
    """The country a name, nationality word, Japanese name or ISO code (alpha-3, alpha-2,
    numeric) refers to, ignoring case, accents and a leading "the"; ``None`` when unknown.

    Forms such as "Turkey (Türkiye)", "China (includes Hong Kong, Macau, and Tibet)" and
    "Israel, West Bank and Gaza" resolve through the part before the parenthesis or comma.
    Ambiguous words give their default ("Congo" -> COD, "Korea" -> KOR).
    """
    if not isinstance(name_or_code, str) or not name_or_code.strip():
        return None
    data = _data().countries
    raw = name_or_code.strip()
    code = _codes().get(raw.upper())
    if code is not None and len(raw) <= 3:
        return data[code]
    index = _lookup_index()
    candidates = [raw]
    inner = _PAREN.search(raw)
    if inner:
        candidates += [_PAREN.sub(" ", raw), inner.group(1)]
    if "," in raw:
        candidates.append(raw.split(",", 1)[0])
    for candidate in candidates:
        code = index.get(fold(candidate))
        if code is not None:
            return data[code]
    return None


# ---------------------------------------------------------------------------------------------
# Finding countries in text


class _Matcher:
    """The spaCy phrase matcher for Latin script and the substring index for Japanese."""

    def __init__(self, data: _Data) -> None:
        import spacy
        from spacy.attrs import LOWER
        from spacy.matcher import PhraseMatcher

        self.nlp = spacy.blank("en")
        # Only the LOWER attribute is matched on: computing the other lexical attributes
        # (shape, stop word, like_num ...) for every new word roughly doubles tokenizing time.
        getters = self.nlp.vocab.lex_attr_getters
        self.nlp.vocab.lex_attr_getters = {LOWER: getters[LOWER]}
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        targets: dict[str, str] = {}  # surface -> label (country code, "?surface" or "-")
        owner: dict[str, str] = {}  # folded surface -> code, to report conflicts

        def add(surface: str, label: str) -> None:
            for form in {surface, _strip_accents(surface)}:
                form = form.translate(_QUOTES)
                targets[form] = label

        for country in data.countries.values():
            for surface in (*country.names, *country.demonyms):
                key = fold(surface)
                if key in owner and owner[key] != country.code and surface not in data.ambiguous:
                    raise GazetteerError(
                        f"'{surface}' names both {owner[key]} and {country.code}: list it "
                        "under [ambiguous] in countries.toml"
                    )
                owner[key] = country.code
                add(surface, country.code)
        self.ambiguous: dict[str, tuple[str, ...]] = {}
        for surface, codes in data.ambiguous.items():
            label = _AMBIGUOUS + surface
            self.ambiguous[label] = codes
            if not _is_cjk(surface):
                add(surface, label)
        for surface in data.ignore:
            if not _is_cjk(surface):
                add(surface, _IGNORE)

        by_label: dict[str, list[str]] = {}
        for surface, label in targets.items():
            by_label.setdefault(label, []).append(surface)
        for label, surfaces in by_label.items():
            self.matcher.add(label, [self.nlp.make_doc(s) for s in surfaces])
        self.labels = {self.nlp.vocab.strings.add(label): label for label in by_label}

        self.cs_lower = {s.lower() for s in data.case_sensitive}
        self.cs_exact = set(data.case_sensitive) | {s.upper() for s in data.case_sensitive}

        # Japanese: surface -> label, candidates grouped by first character, longest first
        ja_targets: dict[str, str] = {}
        for country in data.countries.values():
            for surface in country.ja_names:
                ja_targets.setdefault(surface, country.code)
        for surface, codes in data.ambiguous.items():
            if _is_cjk(surface):
                ja_targets[surface] = _AMBIGUOUS + surface
                self.ambiguous[_AMBIGUOUS + surface] = codes
        for surface in data.ignore:
            if _is_cjk(surface):
                ja_targets[surface] = _IGNORE
        self.ja_targets = ja_targets
        self.ja_by_first: dict[str, list[str]] = {}
        for surface in sorted(ja_targets, key=len, reverse=True):
            self.ja_by_first.setdefault(surface[0], []).append(surface)
        self.ja_start = re.compile(
            "[" + "".join(re.escape(c) for c in sorted(self.ja_by_first)) + "]"
        ) if ja_targets else None

    # --- Latin script ----------------------------------------------------------------------

    def _chunks(self, text: str) -> Iterator[str]:
        if len(text) <= _CHUNK:
            yield text
            return
        start = 0
        while start < len(text):
            end = min(start + _CHUNK, len(text))
            if end < len(text):
                cut = text.rfind("\n", start + _CHUNK // 2, end)
                if cut == -1:
                    cut = text.rfind(" ", start + _CHUNK // 2, end)
                end = cut + 1 if cut != -1 else end
            yield text[start:end]
            start = end

    def latin(self, text: str) -> list[tuple[int, str]]:
        """(character offset, label) of each Latin-script match, in text order."""
        labels: list[tuple[int, str]] = []
        offset = 0
        for old, new in _QUOTE_PAIRS:  # str.replace is far faster than str.translate
            if old in text:
                text = text.replace(old, new)
        for chunk in self._chunks(text):
            doc = self.nlp.make_doc(chunk)
            found = []
            for match_id, start, end in self.matcher(doc):
                surface = doc[start:end].text
                if surface.lower() in self.cs_lower and surface not in self.cs_exact:
                    continue
                found.append((start, end, self.labels[match_id]))
            labels.extend((offset + doc[start].idx, label) for start, _, label in _longest(found))
            offset += len(chunk)
        return labels

    # --- Japanese --------------------------------------------------------------------------

    def japanese(self, text: str) -> list[tuple[int, str]]:
        """(character offset, label) of each Japanese match, in text order."""
        if self.ja_start is None or not _is_cjk(text):
            return []
        labels: list[tuple[int, str]] = []
        pos = 0
        search = self.ja_start.search
        while True:
            m = search(text, pos)
            if m is None:
                break
            at = m.start()
            hit = None
            for surface in self.ja_by_first[text[at]]:
                if text.startswith(surface, at) and self._guarded(text, at, at + len(surface)):
                    hit = surface
                    break
            if hit is None:
                pos = at + 1
                continue
            labels.append((at, self.ja_targets[hit]))
            pos = at + len(hit)
        return labels

    @staticmethod
    def _guarded(text: str, start: int, end: int) -> bool:
        if _KATAKANA.match(text[start]) and start > 0 and _KATAKANA.match(text[start - 1]):
            return False
        return not (
            _KATAKANA.match(text[end - 1]) and end < len(text) and _KATAKANA.match(text[end])
        )

    # --- together --------------------------------------------------------------------------

    def mentions(self, text: str) -> list[tuple[int, str]]:
        """(character offset, alpha-3) of every mention in text order, ambiguous words
        resolved to the candidate the text otherwise names most (or the default)."""
        found = [m for m in self.latin(text) + self.japanese(text) if m[1] != _IGNORE]
        counts = Counter(label for _, label in found if not label.startswith(_AMBIGUOUS))
        resolved: dict[str, str] = {}
        for _, label in found:
            if label.startswith(_AMBIGUOUS) and label not in resolved:
                candidates = self.ambiguous[label]
                resolved[label] = max(
                    candidates, key=lambda c: (counts.get(c, 0), -candidates.index(c))
                )
        return sorted((offset, resolved.get(label, label)) for offset, label in found)


def _longest(found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Non-overlapping matches, longest first (then earliest), returned in text order."""
    if len(found) < 2:
        return found
    taken: set[int] = set()
    kept = []
    for start, end, label in sorted(found, key=lambda f: (f[0] - f[1], f[0])):
        span = range(start, end)
        if any(i in taken for i in span):
            continue
        taken.update(span)
        kept.append((start, end, label))
    kept.sort()
    return kept


@lru_cache(maxsize=1)
def _cached_matcher() -> _Matcher:
    return _Matcher(_data())


def _matcher() -> _Matcher:
    matcher = _cached_matcher()
    if len(matcher.nlp.vocab) > _VOCAB_LIMIT:
        # every new word becomes a lexeme in the vocabulary and the tokenizer's cache, which
        # never shrink: in a long ingestion run, start afresh now and then (about a second)
        _cached_matcher.cache_clear()
        matcher = _cached_matcher()
    return matcher


def find_countries(text: str) -> Counter[str]:
    """Mentions of each country in ``text``, by alpha-3 code (names, demonyms, Japanese names).
    A word shared by several countries counts for the one the text otherwise names most."""
    if not text:
        return Counter()
    return Counter(code for _, code in _matcher().mentions(text))


def country_mentions(text: str) -> list[tuple[int, str]]:
    """Every country mention in ``text`` as (character offset, alpha-3), in text order."""
    if not text:
        return []
    return _matcher().mentions(text)
