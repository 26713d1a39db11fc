"""Repeat-applicant identity matching: find earlier applications of the same person.

Names are compared after transliteration (``anyascii``), case folding and a set of spelling
folds common in the romanisation of Arabic, Persian, Pashto, Russian, Chinese and South-Asian
names (``ou``/``u``, ``kh``/``h``, ``q``/``k``, ``dj``/``j``, doubled letters, the many
spellings of Muhammad, ``Abdul`` joined to the next name, …).  Every name token gets a
phonetic key; the blocking keys are those keys combined with the nationality, so a record
whose family and given names were entered the other way round still lands in the same block.
Candidates from the blocks must also lie within one year of the query's birth year (no
constraint when either side has no year).

Japanese readings (``triage.readings``): a record may carry the katakana reading of the name
and the name in kanji. The folded reading and the folded kanji are blocking keys of their own,
so that two records whose Latin spellings have nothing in common but whose readings agree are
still compared. In the score the same reading, or the same kanji, supports the match; kanji
that differ weigh against it (a different reading does not: two clerks transcribe a foreign
name into katakana in different ways).

``score(a, b)`` returns a :class:`Match`: a score between 0 and 1, the decision against
:data:`MATCH_THRESHOLD` and short reasons a clerk can read.  A person confirms every link;
the matcher only proposes.

``python -m triage.identity [FILE]`` prints the evaluation on the labelled pairs
(``data/triage/name_pairs.jsonl``) for the dev and test splits.
"""

from __future__ import annotations

import bisect
import json
import math
import re
import sys
import tomllib
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from anyascii import anyascii
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, JaroWinkler

from triage.readings import kana_key, kanji_key

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "triage"
PAIRS_FILE = DATA_DIR / "name_pairs.jsonl"
NAME_CHANGES_FILE = DATA_DIR / "name_changes.toml"

#: Decision threshold on :attr:`Match.score`, chosen on the dev split only (it sits in the wide
#: gap between the dev positives and negatives, aliases apart).
MATCH_THRESHOLD = 0.5

#: Candidates must be born within this many years of the query (when both years are known).
YEAR_WINDOW = 1

SEXES = ("F", "M", "X", "U")


# --------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class IdentityRecord:
    """One person as registered with one application."""

    id: int | str
    family_name: str
    given_names: str
    name_original: str | None = None
    date_of_birth: date | None = None
    birth_year: int | None = None
    nationality: str = ""
    sex: str = "U"
    aliases: tuple[str, ...] = ()
    name_kana: str | None = None
    name_kanji: str | None = None


@dataclass(frozen=True)
class Match:
    """The verdict on a pair: ``score`` in 0..1, ``same`` = score ≥ threshold, and reasons."""

    score: float
    same: bool
    reasons: tuple[str, ...] = ()


def birth_year_of(record: IdentityRecord) -> int | None:
    """The year of birth: from the full date when there is one, else the year alone."""
    if record.date_of_birth is not None:
        return record.date_of_birth.year
    return record.birth_year


# --------------------------------------------------------------------------------------------
# Normalisation

_NON_LETTER = re.compile(r"[^a-z]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_DOUBLE = re.compile(r"(.)\1+")
_C_NOT_H = re.compile(r"c(?!h)")
_TRAILING_H = re.compile(r"(?<=[aeiou])h$")
_AL_PREFIX = re.compile(r"^(?:al|el)(?=[b-df-hj-np-tv-z])")
_ABD_JOINED = re.compile(r"^abd[aeiou]*")
_INITIAL_J = re.compile(r"^j(?=[aeiou])")
_QUE = re.compile(r"qu(?=[ei]|$)")
_VOWEL_CLASSES = str.maketrans("eo", "iu")

#: Whole tokens dropped from names: Arabic article and filiation words.
PARTICLES = frozenset({"al", "el", "ul"})

#: Tokens that are joined to the following token (``Abdul Rahman`` = ``Abdulrahman``).
JOINERS = frozenset({"abd", "abdul", "abdel", "abdal", "abdol", "abdoul", "abdu", "abdi",
                     "abdur", "abo", "abu", "abou", "ben", "bin", "ibn", "bint", "binti"})

#: The spellings of Muhammad that the spelling folds below do not already unite.
_MUHAMMAD_FORMS = frozenset({"mohd", "muhd", "md", "mhd", "mehmet", "mehmed", "muhammet",
                             "mohammet", "mamad", "mamed"})
_MUHAMMAD_SHAPE = re.compile(r"^m[aeiou]{0,2}h[aeiou]m[aeiou][dt]$")
MUHAMMAD = "muhamad"

# Ordered spelling folds applied to an ASCII lower-case token.
_FOLDS: tuple[tuple[str, str], ...] = (
    ("dzh", "j"), ("dj", "j"), ("tch", "ch"), ("tsch", "ch"), ("sch", "sh"), ("zh", "j"),
    ("kh", "h"), ("gh", "g"), ("ph", "f"), ("th", "t"), ("dh", "d"), ("ck", "k"), ("q", "k"),
    ("x", "ks"), ("w", "v"), ("y", "i"), ("ee", "i"), ("oo", "u"), ("ou", "u"), ("aa", "a"),
)


def _ascii_words(text: str | None) -> list[str]:
    """Transliterate, case-fold and split into lower-case ASCII words (apostrophes dropped)."""
    if not text:
        return []
    ascii_text = anyascii(text)
    if ascii_text != text:  # CJK comes back as "ZhangWei": split the syllables
        ascii_text = _CAMEL.sub(" ", ascii_text)
    ascii_text = ascii_text.casefold().replace("'", "").replace("`", "").replace("’", "")
    return [w for w in _NON_LETTER.split(ascii_text) if w]


def _join_and_drop(words: list[str]) -> list[str]:
    """Join ``Abdul``/``Abu`` to the following word; drop stand-alone articles."""
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        if w in JOINERS and i + 1 < len(words):
            j = i + 1
            joined = w
            while j < len(words) and words[j] in PARTICLES | {"ur", "ud", "ad", "ar", "as"}:
                joined += words[j]
                j += 1
            if j < len(words):
                out.append(joined + words[j])
                i = j + 1
                continue
            out.append(joined)
            i = j
            continue
        if w not in PARTICLES:
            out.append(w)
        i += 1
    return out


#: Somali orthography: x = ħ (Xasan = Hassan), c = ʿ (Cabdi = Abdi, Cali = Ali).
_SOMALI = (re.compile(r"x"), "h"), (re.compile(r"(?:^|(?<=[aeiou]))c(?=[aeiou])"), "")
#: Wade-Giles and Hong Kong spellings next to pinyin (Chu = Zhu, Chun = Jun, Hsu = Xu).
_CHINESE = ((re.compile(r"ch|zh|q"), "j"), (re.compile(r"hs"), "x"), (re.compile(r"tz|ts"), "z"),
            (re.compile(r"c"), "z"))
_SCRIPT_FOLDS = {"SOM": _SOMALI, "CHN": _CHINESE, "TWN": _CHINESE, "HKG": _CHINESE,
                 "MAC": _CHINESE}


@lru_cache(maxsize=200_000)
def fold(word: str, nationality: str = "") -> str:
    """The spelling-folded form of one lower-case ASCII word (``Mohammed`` → ``muhamad``).

    ``nationality`` switches on the spelling conventions of a national orthography where they
    differ from the usual romanisation (Somali ``x``/``c``, Chinese Wade-Giles/pinyin)."""
    t = word
    if t in _MUHAMMAD_FORMS:
        return MUHAMMAD
    for pattern, repl in _SCRIPT_FOLDS.get(nationality, ()):
        t = pattern.sub(repl, t)
    if len(t) >= 6:
        t = _AL_PREFIX.sub("", t)
    t = _QUE.sub("k", t)
    for a, b in _FOLDS:
        if a in t:
            t = t.replace(a, b)
    t = _C_NOT_H.sub("k", t)
    t = _DOUBLE.sub(r"\1", t)
    if len(t) > 3:
        t = _TRAILING_H.sub("", t)
    if t.startswith("abd") and len(t) > 4:
        rest = _ABD_JOINED.sub("", t)
        if rest.startswith(("l", "r")) and len(rest) > 1 and rest[1] not in "aeiou":
            rest = rest[1:]
        t = "abd" + rest if rest else "abd"
    elif t.startswith(("abu", "abo")) and len(t) > 5:
        t = "abu" + t[3:]
    t = t.replace("o", "u") if t.startswith(("mo", "mu")) else t
    if _MUHAMMAD_SHAPE.match(t) or t in _MUHAMMAD_FORMS:
        return MUHAMMAD
    return t


@lru_cache(maxsize=200_000)
def loose(folded: str) -> str:
    """A looser form for comparison only: e/i and o/u merged, ``ch`` = ``sh``, ``j`` = ``i``
    before a vowel at the start, a final ``e`` after a consonant dropped."""
    t = folded.replace("ch", "sh").translate(_VOWEL_CLASSES)
    t = _INITIAL_J.sub("i", t)
    if len(t) >= 5 and t.endswith("i") and t[-2] not in "aeiou" and folded.endswith("e"):
        t = t[:-1]
    return t


@lru_cache(maxsize=200_000)
def phonetic_key(folded: str) -> str:
    """A coarse key of a folded word: initial (vowel → ``a``, ``j``/``i`` before a vowel →
    ``j``) + consonant skeleton."""
    if not folded:
        return ""
    if folded[0] == "j" or (len(folded) > 1 and folded[0] == "i" and folded[1] in "aeiou"):
        first, rest = "j", folded[1:]
    else:
        first = "a" if folded[0] in "aeiou" else folded[0]
        rest = folded[1:]
    rest = rest.replace("ch", "s").replace("sh", "s").replace("z", "s").replace("j", "g")
    rest = rest.replace("v", "").replace("h", "")
    skeleton = "".join(c for c in rest if c not in "aeiou")
    skeleton = _DOUBLE.sub(r"\1", skeleton)
    return first + skeleton


@dataclass(frozen=True)
class NameForm:
    """One way of writing a person's name, normalised."""

    family: tuple[str, ...]  # display-level tokens (transliterated, case-folded)
    given: tuple[str, ...]
    family_folded: tuple[str, ...]
    given_folded: tuple[str, ...]
    is_alias: bool = False

    @property
    def tokens(self) -> tuple[str, ...]:
        return self.family + self.given

    @property
    def folded(self) -> tuple[str, ...]:
        return self.family_folded + self.given_folded


def _tokens(text: str | None, nationality: str = "") -> tuple[tuple[str, ...], tuple[str, ...]]:
    words = _join_and_drop(_ascii_words(text))
    nat = nationality if nationality in _SCRIPT_FOLDS else ""
    folded = [fold(w, nat) for w in words]
    keep = [(w, f) for w, f in zip(words, folded, strict=True) if f]
    return tuple(w for w, _ in keep), tuple(f for _, f in keep)


def name_forms(record: IdentityRecord) -> tuple[NameForm, ...]:
    """The record's name and its aliases, normalised (aliases have no family/given split)."""
    nat = (record.nationality or "").upper()
    fam, fam_f = _tokens(record.family_name, nat)
    giv, giv_f = _tokens(record.given_names, nat)
    forms = [NameForm(fam, giv, fam_f, giv_f)]
    for alias in record.aliases:
        a, a_f = _tokens(alias, nat)
        if a:
            forms.append(NameForm((), a, (), a_f, is_alias=True))
    return tuple(forms)


_ARABIC_MARKS = re.compile(r"[\u064b-\u065f\u0670\u0640]")
_ORIGINAL_FOLDS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه",
                                 "ك": "ک", "ي": "ی", "ؤ": "و", "ئ": "ی"})


def _original_key(text: str | None) -> str:
    """The name in its original script, with vowel marks and letter variants folded."""
    if not text:
        return ""
    t = unicodedata.normalize("NFKC", text).casefold()
    t = _ARABIC_MARKS.sub("", t).translate(_ORIGINAL_FOLDS)
    t = "".join(c for c in unicodedata.normalize("NFD", t) if unicodedata.category(c) != "Mn")
    words = [w for w in re.split(r"[\W_]+", t) if w]
    return " ".join(sorted(words))


@dataclass(frozen=True)
class _Features:
    record: IdentityRecord
    forms: tuple[NameForm, ...]
    original: str
    year: int | None
    sex: str
    nationality: str
    kana: str = ""
    kanji: str = ""


def _features(record: IdentityRecord) -> _Features:
    sex = (record.sex or "U").upper()
    return _Features(record, name_forms(record), _original_key(record.name_original),
                     birth_year_of(record), sex if sex in SEXES else "U",
                     (record.nationality or "").upper(), kana_key(record.name_kana),
                     kanji_key(record.name_kanji))


# --------------------------------------------------------------------------------------------
# Blocking


def _token_keys(forms: Sequence[NameForm]) -> set[str]:
    keys = set()
    for form in forms:
        for f in form.folded:
            k = phonetic_key(f)
            if len(k) >= 2 or len(f) >= 2:
                keys.add(k)
    return keys


def _reading_keys(kana: str, kanji: str) -> set[str]:
    """Blocking keys of the Japanese readings: ``kana:グエンヴァンアン``, ``kanji:張偉``."""
    keys = set()
    if len(kana) >= 2:
        keys.add(f"kana:{kana}")
    if kanji:
        keys.add(f"kanji:{kanji}")
    return keys


def blocking_keys(record: IdentityRecord) -> set[str]:
    """Stable blocking keys, one per name token (aliases included): ``"AFG:krm"``, and one
    each for the katakana reading and the kanji name when the record has them
    (``"VNM:kana:グエンヴァンアン"``).

    Two records are candidates when they share a key and their birth years lie within
    :data:`YEAR_WINDOW` of each other (or either year is unknown)."""
    nat = (record.nationality or "").upper() or "UNK"
    keys = _token_keys(name_forms(record)) | _reading_keys(kana_key(record.name_kana),
                                                          kanji_key(record.name_kanji))
    return {f"{nat}:{k}" for k in keys}


def years_compatible(a: int | None, b: int | None, window: int = YEAR_WINDOW) -> bool:
    return a is None or b is None or abs(a - b) <= window


def blocked_together(a: IdentityRecord, b: IdentityRecord) -> bool:
    """Whether blocking would put ``a`` and ``b`` forward as candidates of each other."""
    return bool(blocking_keys(a) & blocking_keys(b)) and years_compatible(
        birth_year_of(a), birth_year_of(b))


# --------------------------------------------------------------------------------------------
# Scoring


_ARTICLE_JOINED = re.compile(r"^(?:al|el)(?=[a-z]{4})")
_DIFFERENT = 0.8  # token similarity at or below which two name tokens are different names


@lru_cache(maxsize=400_000)
def _token_sim(x: str, y: str) -> float:
    """Similarity of two folded tokens: 1 when equal, 0.95 when they differ only in e/i or
    o/u, 0.9 for one slip of the pen (a letter added, dropped, changed or two swapped), 0.85
    for two slips in a long name, otherwise at most 0.8 (a different name)."""
    if x == y:
        return 1.0
    if len(x) != len(y) and _ARTICLE_JOINED.sub("", x) == _ARTICLE_JOINED.sub("", y):
        return 0.95  # the Arabic article written joined or left out: Alomar / Omar
    lx, ly = loose(x), loose(y)
    if lx == ly:
        return 0.95
    short = min(len(x), len(y))
    d = min(OSA.distance(x, y), OSA.distance(lx, ly))
    if d == 1 and short >= 3:
        return 0.9
    if d == 2 and short >= 7:
        return 0.85
    jw = JaroWinkler.normalized_similarity(x, y, prefix_weight=0.1)
    ratio = fuzz.ratio(x, y) / 100.0
    return max(0.0, min(_DIFFERENT, 0.5 * jw + 0.5 * ratio))


def _align(xs: Sequence[str], ys: Sequence[str]) -> list[tuple[int, int, float]]:
    """Greedy one-to-one alignment of tokens by similarity, best pairs first."""
    pairs = sorted(((_token_sim(x, y), i, j) for i, x in enumerate(xs) for j, y in enumerate(ys)),
                   reverse=True)
    used_i: set[int] = set()
    used_j: set[int] = set()
    out = []
    for s, i, j in pairs:
        if i in used_i or j in used_j:
            continue
        used_i.add(i)
        used_j.add(j)
        out.append((i, j, s))
    return out


@dataclass
class _NameResult:
    sim: float
    worst: float
    differ_count: int
    unmatched: int
    swapped: bool
    translit: tuple[str, str] | None
    typo: tuple[str, str] | None
    differ: tuple[str, str] | None
    missing: str | None
    exact: bool
    alias: bool
    joined: tuple[str, str] | None = None


def _joined_distance(a: NameForm, b: NameForm) -> int:
    """Edit distance between the names written as one word (both field orders tried)."""
    ja = {"".join(a.family_folded + a.given_folded), "".join(a.given_folded + a.family_folded),
          "".join(sorted(a.folded))}
    jb = {"".join(b.family_folded + b.given_folded), "".join(b.given_folded + b.family_folded),
          "".join(sorted(b.folded))}
    return min(OSA.distance(loose(x), loose(y)) for x in ja for y in jb)


def _name_compare(a: NameForm, b: NameForm) -> _NameResult:
    xs, ys = a.folded, b.folded
    xt, yt = a.tokens, b.tokens
    if not xs or not ys:
        return _NameResult(0.0, 0.0, 0, max(len(xs), len(ys)), False, None, None, None, None,
                           False, a.is_alias or b.is_alias)
    align = _align(xs, ys)
    total = sum(len(xs[i]) + len(ys[j]) for i, j, _ in align)
    sim = sum(s * (len(xs[i]) + len(ys[j])) for i, j, s in align) / max(total, 1)
    worst = min(s for _, _, s in align)
    differ_count = sum(1 for _, _, s in align if s <= _DIFFERENT)
    matched_i = {i for i, _, _ in align}
    matched_j = {j for _, j, _ in align}
    unmatched_a = [k for k in range(len(xs)) if k not in matched_i]
    unmatched_b = [k for k in range(len(ys)) if k not in matched_j]
    unmatched = len(unmatched_a) + len(unmatched_b)
    joined = None
    if (unmatched or differ_count) and len(xs) != len(ys):
        # written together or apart: "Abdul Rahman" / "Abdulrahman", "Li Juan" / "Lijuan"
        length = min(sum(map(len, xs)), sum(map(len, ys)))
        d = _joined_distance(a, b)
        if d == 0 or (d == 1 and length >= 5) or (d == 2 and length >= 10):
            sim = worst = 0.95 if d == 0 else 0.9
            differ_count = unmatched = 0
            joined = (" ".join(map(_title, xt)), " ".join(map(_title, yt)))

    translit = typo = differ = None
    for i, j, s in align:
        if joined:
            break
        if xt[i] != yt[j] and s >= 0.95 and translit is None:
            translit = (xt[i], yt[j])
        elif s < 0.95 and s > _DIFFERENT and typo is None:
            typo = (xt[i], yt[j])
        elif s <= _DIFFERENT and differ is None:
            differ = (xt[i], yt[j])
    missing = None
    if unmatched_a and unmatched:
        missing = xt[unmatched_a[0]]
    elif unmatched_b and unmatched:
        missing = yt[unmatched_b[0]]
    swapped = False
    if a.family_folded and b.family_folded and a.given_folded and b.given_folded:
        straight = set(a.family_folded) & set(b.family_folded)
        crossed = set(a.family_folded) & set(b.given_folded) or set(a.given_folded) & set(
            b.family_folded)
        if not straight and crossed:
            swapped = True
        elif not straight and not crossed:
            st = _token_sim(" ".join(a.family_folded), " ".join(b.family_folded))
            cr = _token_sim(" ".join(a.family_folded), " ".join(b.given_folded))
            swapped = cr > st + 0.15 and cr > 0.8
    exact = xt == yt or sorted(xt) == sorted(yt)
    return _NameResult(sim, worst, differ_count, unmatched, swapped, translit, typo, differ,
                       missing, exact, a.is_alias or b.is_alias, joined)


def _title(word: str) -> str:
    return word[:1].upper() + word[1:]


@dataclass
class _DobResult:
    evidence: float  # log-odds contribution
    reason: str | None


def _is_default(d: date) -> bool:
    return d.month == 1 and d.day == 1


def _dob_compare(a: IdentityRecord, b: IdentityRecord) -> _DobResult:
    da, db = a.date_of_birth, b.date_of_birth
    ya, yb = birth_year_of(a), birth_year_of(b)
    if da is not None and db is not None:
        if da == db:
            if _is_default(da):
                return _DobResult(P.dob_year_only, "same birth year (1 January, probably a "
                                                    "default date)")
            return _DobResult(P.dob_exact, "same date of birth")
        if da.year == db.year and da.day == db.month and da.month == db.day:
            return _DobResult(P.dob_swapped, "day and month of birth swapped")
        if abs((da - db).days) == 1:
            return _DobResult(P.dob_one_day, "dates of birth one day apart")
        if _is_default(da) or _is_default(db):
            if da.year == db.year:
                return _DobResult(P.dob_year_only, "same birth year; one date is the 1 January "
                                                   "default")
            if abs(da.year - db.year) == 1:
                return _DobResult(P.dob_year_near, "birth years one apart; one date is the "
                                                   "1 January default")
        if da.month == db.month and da.day == db.day and _digit_slip(da.year, db.year):
            return _DobResult(P.dob_year_slip, f"same day and month, birth year differs by one "
                                               f"digit ({da.year} / {db.year})")
        if da.year == db.year and (da.month == db.month or da.day == db.day):
            if da.day == db.day and _digit_slip(da.month, db.month) or (
                    da.month == db.month and _digit_slip(da.day, db.day)):
                return _DobResult(P.dob_digit_slip, "dates of birth differ by one digit")
            return _DobResult(P.dob_same_year, "same birth year, dates of birth differ")
        if da.year == db.year:
            return _DobResult(P.dob_same_year_far, "same birth year, day and month differ")
        return _DobResult(P.dob_conflict, f"dates of birth conflict ({da.isoformat()} / "
                                          f"{db.isoformat()})")
    if ya is None and yb is None:
        return _DobResult(0.0, "no date of birth on either side")
    if ya is None or yb is None:
        return _DobResult(P.dob_missing, "date of birth missing on one side")
    if ya == yb:
        return _DobResult(P.dob_year_only, "only the birth year is known on one side"
                          if (da is not None or db is not None) else "same birth year")
    if abs(ya - yb) == 1:
        return _DobResult(P.dob_year_near, "birth years one apart, only the year is known on "
                                           "one side" if (da is not None or db is not None)
                          else "birth years one apart")
    return _DobResult(P.dob_conflict, f"birth years conflict ({ya} / {yb})")


def _digit_slip(x: int, y: int) -> bool:
    """One digit different, or two adjacent digits transposed (1985 / 1958, 12 / 21)."""
    sx, sy = f"{x:02d}", f"{y:02d}"
    if len(sx) != len(sy) or sx == sy:
        return False
    diff = [k for k in range(len(sx)) if sx[k] != sy[k]]
    if len(diff) == 1:
        return True
    return (len(diff) == 2 and diff[1] == diff[0] + 1 and sx[diff[0]] == sy[diff[1]]
            and sx[diff[1]] == sy[diff[0]])


@dataclass
class Params:
    """Weights of the score (log-odds): set by hand and checked on the dev split only."""

    name_slope: float = 30.0
    name_mid: float = 0.88
    worst_slope: float = 12.0
    worst_mid: float = 0.78
    unmatched: float = -1.2
    token_differ: float = -6.0
    original_same: float = 1.5
    original_differ: float = -1.0
    kana_same: float = 2.0
    kanji_same: float = 2.5
    kanji_differ: float = -7.0
    dob_exact: float = 3.0
    dob_swapped: float = 2.0
    dob_one_day: float = 1.5
    dob_year_only: float = 0.8
    dob_year_near: float = 0.0
    dob_year_slip: float = 0.8
    dob_digit_slip: float = 0.5
    dob_same_year: float = -8.0
    dob_same_year_far: float = -10.0
    dob_missing: float = 0.0
    dob_conflict: float = -12.0
    sex_conflict: float = -6.0
    nationality_conflict: float = -12.0
    name_change: float = 0.5  # a changed-name pattern: just over the threshold, to be checked
    bias: float = 0.0


P = Params()


def _score_features(fa: _Features, fb: _Features, threshold: float | None = None) -> Match:
    threshold = MATCH_THRESHOLD if threshold is None else threshold
    best: _NameResult | None = None
    best_val = -1.0
    for x in fa.forms:
        for y in fb.forms:
            r = _name_compare(x, y)
            val = r.sim + 0.5 * r.worst - 0.05 * r.unmatched
            if val > best_val:
                best, best_val = r, val
    assert best is not None
    reasons: list[str] = []
    name_logit = P.name_slope * (best.sim - P.name_mid)
    name_logit += min(0.0, P.worst_slope * (best.worst - P.worst_mid))
    name_logit += P.unmatched * best.unmatched
    name_logit += P.token_differ * best.differ_count
    same_kana = bool(fa.kana) and fa.kana == fb.kana
    same_kanji = bool(fa.kanji) and fa.kanji == fb.kanji
    kanji_conflict = bool(fa.kanji and fb.kanji) and not same_kanji
    if (same_kana or same_kanji) and not kanji_conflict:
        # The same reading or the same characters: Latin spellings that differ are two ways
        # of writing one name in the Latin alphabet, not evidence of two people.
        name_logit = max(name_logit, 0.0)
    logit = P.bias + name_logit
    if best.exact and not best.alias:
        reasons.append("same name")
    else:
        if best.alias:
            reasons.append("matches a recorded alias")
        if best.joined:
            x, y = best.joined
            reasons.append(f"names written together or apart ({x} ~ {y})")
        if best.translit:
            x, y = best.translit
            reasons.append(f"names match after transliteration ({_title(x)} ~ {_title(y)})")
        if best.typo:
            x, y = best.typo
            reasons.append(f"small spelling difference in the name ({_title(x)} ~ {_title(y)})")
        if best.differ:
            x, y = best.differ
            reasons.append(f"names differ ({_title(x)} / {_title(y)})")
        if best.unmatched and best.missing:
            reasons.append(f"a name is recorded on one side only ({_title(best.missing)})")
    if best.swapped:
        reasons.append("family and given names in a different order")
    if fa.original and fb.original:
        if fa.original == fb.original:
            logit += P.original_same
            reasons.append("same name in the original script")
        elif fuzz.token_sort_ratio(fa.original, fb.original) < 80:
            logit += P.original_differ
            reasons.append("names in the original script differ")
    if same_kana:
        logit += P.kana_same
        reasons.append(f"same katakana reading ({fa.record.name_kana})")
    if same_kanji:
        logit += P.kanji_same
        reasons.append(f"same name in kanji ({fa.record.name_kanji})")
    elif kanji_conflict:
        logit += P.kanji_differ
        reasons.append(f"names in kanji differ ({fa.record.name_kanji} / "
                       f"{fb.record.name_kanji})")
    dob = _dob_compare(fa.record, fb.record)
    logit += dob.evidence
    if dob.reason:
        reasons.append(dob.reason)
    if fa.sex in ("F", "M") and fb.sex in ("F", "M") and fa.sex != fb.sex:
        logit += P.sex_conflict
        reasons.append("different sex recorded")
    if fa.nationality and fb.nationality and fa.nationality != fb.nationality:
        logit += P.nationality_conflict
        reasons.append(f"different nationality recorded ({fa.nationality} / {fb.nationality})")
    if logit < P.name_change and dob.evidence == P.dob_exact and not (
            fa.nationality and fb.nationality and fa.nationality != fb.nationality):
        change = _changed_name(fa, fb)
        if change:
            # Names that disagree the way a changed name does: worth a clerk's look.
            logit = P.name_change
            reasons = [change] + [r for r in reasons if not r.startswith("names differ")]
    s = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, logit))))
    return Match(round(s, 4), s >= threshold, tuple(reasons))


@dataclass(frozen=True)
class _NameChangeRules:
    adopted: frozenset[str]
    native_in: frozenset[str]


@lru_cache(maxsize=4)
def name_change_rules(path: Path = NAME_CHANGES_FILE) -> _NameChangeRules:
    """The adopted given names and where they are native (``data/triage/name_changes.toml``)."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    names = {str(n).casefold() for n in data.get("adopted", [])}
    return _NameChangeRules(frozenset(names | {fold(n) for n in names}),
                            frozenset(str(c).upper() for c in data.get("native_in", [])))


def _unmatched_tokens(xs: Sequence[str], ys: Sequence[str], raw: Sequence[str]
                      ) -> list[str]:
    """The tokens of ``xs`` (shown as ``raw``) with no close counterpart in ``ys``."""
    return [raw[i] for i, x in enumerate(xs) if not any(_token_sim(x, y) >= 0.9 for y in ys)]


def _changed_name(fa: _Features, fb: _Features) -> str | None:
    """A reason when the names differ as a changed name does (see ``name_changes.toml``):
    a woman's family name changed with her given names kept, or an adopted given name beside
    a shared family name. Sex must agree and be known."""
    if fa.sex != fb.sex or fa.sex not in ("F", "M"):
        return None
    a, b = fa.forms[0], fb.forms[0]
    if not a.folded or not b.folded:
        return None
    rules = name_change_rules()
    family_shared = any(_token_sim(x, y) >= 0.9 for x in a.family_folded
                        for y in b.family_folded)
    if fa.sex == "F" and a.family_folded and b.family_folded and not family_shared:
        for one, other in ((a, b), (b, a)):
            if one.given_folded and not _unmatched_tokens(one.given_folded, other.folded,
                                                          one.given):
                fam_a, fam_b = " ".join(a.family_folded), " ".join(b.family_folded)
                if JaroWinkler.normalized_similarity(loose(fam_a), loose(fam_b)) >= 0.75:
                    return (f"same given names ({' '.join(map(_title, one.given))}) and date "
                            f"of birth; family name spelled differently "
                            f"({' '.join(map(_title, a.family))} / "
                            f"{' '.join(map(_title, b.family))})")
                return (f"same given names ({' '.join(map(_title, one.given))}) and date of "
                        f"birth, family name differs ({' '.join(map(_title, a.family))} / "
                        f"{' '.join(map(_title, b.family))}): a married or former name?")
        return None
    if fa.nationality in rules.native_in or not (
            family_shared or set(a.folded) & set(b.folded)):
        return None
    extra_a = _unmatched_tokens(a.folded, b.folded, a.tokens)
    extra_b = _unmatched_tokens(b.folded, a.folded, b.tokens)

    def adopted(word: str) -> bool:
        return word in rules.adopted or fold(word) in rules.adopted

    for mine, theirs in ((extra_a, extra_b), (extra_b, extra_a)):
        if mine and all(adopted(w) for w in mine) and not any(adopted(w) for w in theirs):
            shown = " ".join(map(_title, mine))
            return (f"same date of birth and a shared name; {shown} is a commonly adopted "
                    f"given name (recorded beside or instead of "
                    f"{' '.join(map(_title, theirs)) or 'the same names'})")
    return None


def score(a: IdentityRecord, b: IdentityRecord, threshold: float | None = None) -> Match:
    """How likely ``a`` and ``b`` are the same person, with reasons a clerk can check."""
    return _score_features(_features(a), _features(b), threshold)


# --------------------------------------------------------------------------------------------
# Index


@dataclass
class _Posting:
    years: list[int] = field(default_factory=list)  # sorted, parallel to ``rows``
    rows: list[int] = field(default_factory=list)
    no_year: list[int] = field(default_factory=list)


class IdentityIndex:
    """An in-memory blocking index over many people: key → record positions."""

    def __init__(self, records: Iterable[IdentityRecord]):
        self.records: list[IdentityRecord] = []
        self._features: list[_Features] = []
        staging: dict[str, list[tuple[int, int]]] = defaultdict(list)
        no_year: dict[str, list[int]] = defaultdict(list)
        for record in records:
            row = len(self.records)
            feats = _features(record)
            self.records.append(record)
            self._features.append(feats)
            nat = feats.nationality or "UNK"
            for k in _token_keys(feats.forms) | _reading_keys(feats.kana, feats.kanji):
                key = f"{nat}:{k}"
                if feats.year is None:
                    no_year[key].append(row)
                else:
                    staging[key].append((feats.year, row))
        self.postings: dict[str, _Posting] = {}
        for key, items in staging.items():
            items.sort()
            self.postings[key] = _Posting([y for y, _ in items], [r for _, r in items])
        for key, rows in no_year.items():
            self.postings.setdefault(key, _Posting()).no_year = rows

    def __len__(self) -> int:
        return len(self.records)

    def block_sizes(self) -> Counter:
        return Counter({k: len(p.rows) + len(p.no_year) for k, p in self.postings.items()})

    def candidates(self, query: IdentityRecord) -> set[int]:
        """Positions of the records that share a blocking key and the year window."""
        year = birth_year_of(query)
        out: set[int] = set()
        for key in blocking_keys(query):
            p = self.postings.get(key)
            if p is None:
                continue
            if year is None:
                out.update(p.rows)
            else:
                lo = bisect.bisect_left(p.years, year - YEAR_WINDOW)
                hi = bisect.bisect_right(p.years, year + YEAR_WINDOW)
                out.update(p.rows[lo:hi])
            out.update(p.no_year)
        return out

    def search(self, query: IdentityRecord, limit: int = 10,
               exclude_id: int | str | None = None,
               threshold: float | None = None) -> list[tuple[IdentityRecord, Match]]:
        """Candidates from blocking, scored and ranked best first (all scores, not only
        those above the threshold; ``Match.same`` tells which pass it)."""
        fq = _features(query)
        results = []
        for row in self.candidates(query):
            record = self.records[row]
            if exclude_id is not None and record.id == exclude_id:
                continue
            results.append((record, _score_features(fq, self._features[row], threshold)))
        results.sort(key=lambda rm: -rm[1].score)
        return results[:limit]


# --------------------------------------------------------------------------------------------
# Labelled pairs and evaluation


@dataclass(frozen=True)
class LabelledPair:
    id: str
    kind: str
    same: bool
    split: str
    a: IdentityRecord
    b: IdentityRecord


def _record_from_json(obj: dict, rid: str) -> IdentityRecord:
    dob = obj.get("date_of_birth")
    return IdentityRecord(
        id=rid, family_name=obj.get("family_name") or "", given_names=obj.get("given_names") or "",
        name_original=obj.get("name_original"),
        date_of_birth=date.fromisoformat(dob) if dob else None,
        birth_year=obj.get("birth_year"), nationality=obj.get("nationality") or "",
        sex=obj.get("sex") or "U", aliases=tuple(obj.get("aliases") or ()),
        name_kana=obj.get("name_kana"), name_kanji=obj.get("name_kanji"))


def load_pairs(path: str | Path = PAIRS_FILE, split: str | None = None) -> list[LabelledPair]:
    """The labelled pairs of ``name_pairs.jsonl`` (optionally one split)."""
    pairs = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.strip()
            if not line:
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:  # a line still being written
                continue
            if split is not None and obj.get("split") != split:
                continue
            pid = obj.get("id") or f"line-{n}"
            pairs.append(LabelledPair(pid, obj.get("kind", ""), bool(obj["same"]),
                                      obj.get("split", ""), _record_from_json(obj["a"], pid + "a"),
                                      _record_from_json(obj["b"], pid + "b")))
    return pairs


def evaluate_pairs(pairs: Iterable[LabelledPair],
                   threshold: float = MATCH_THRESHOLD) -> dict:
    """Precision, recall and F1 of ``score`` on labelled pairs, blocking recall, and the
    errors by kind (``errors[kind]`` = list of (pair id, score, reasons))."""
    tp = fp = fn = tn = 0
    same_total = blocked = 0
    errors: dict[str, list[tuple[str, float, tuple[str, ...]]]] = defaultdict(list)
    blocking_misses: list[str] = []
    by_kind: dict[str, Counter] = defaultdict(Counter)
    for p in pairs:
        m = score(p.a, p.b, threshold)
        by_kind[p.kind]["n"] += 1
        if p.same:
            same_total += 1
            if blocked_together(p.a, p.b):
                blocked += 1
            else:
                blocking_misses.append(p.id)
            if m.same:
                tp += 1
            else:
                fn += 1
                by_kind[p.kind]["errors"] += 1
                errors[p.kind].append((p.id, m.score, m.reasons))
        else:
            if m.same:
                fp += 1
                by_kind[p.kind]["errors"] += 1
                errors[p.kind].append((p.id, m.score, m.reasons))
            else:
                tn += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "n": tp + fp + fn + tn, "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        "precision": precision, "recall": recall, "f1": f1,
        "blocking_recall": blocked / same_total if same_total else 1.0,
        "blocking_misses": blocking_misses,
        "threshold": threshold,
        "kinds": {k: dict(v) for k, v in sorted(by_kind.items())},
        "errors": dict(errors),
    }


def format_report(report: dict, label: str = "") -> str:
    lines = [f"{label}n={report['n']} precision {report['precision']:.3f} recall "
             f"{report['recall']:.3f} F1 {report['f1']:.3f} blocking recall "
             f"{report['blocking_recall']:.3f} (tp {report['tp']} fp {report['fp']} "
             f"fn {report['fn']} tn {report['tn']}, threshold {report['threshold']})"]
    for kind, c in report["kinds"].items():
        if c.get("errors"):
            lines.append(f"  {kind:32} {c['errors']}/{c['n']} wrong")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    path = Path(argv[0]) if argv else PAIRS_FILE
    for split in ("dev", "test"):
        print(format_report(evaluate_pairs(load_pairs(path, split)), f"{split}: "))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = [
    "MATCH_THRESHOLD", "PAIRS_FILE", "YEAR_WINDOW", "IdentityIndex", "IdentityRecord",
    "LabelledPair", "Match", "birth_year_of", "blocked_together", "blocking_keys",
    "evaluate_pairs", "fold", "format_report", "load_pairs", "name_forms", "phonetic_key",
    "score", "years_compatible",
]
