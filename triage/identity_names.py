"""Name normalisation for identity matching: transliteration (``anyascii``), case folding and the
spelling folds common in the romanisation of Arabic, Persian, Pashto, Russian, Chinese and
South-Asian names (``ou``/``u``, ``kh``/``h``, ``q``/``k``, ``dj``/``j``, doubled letters, the
many spellings of Muhammad, ``Abdul`` joined to the next name, …), a phonetic key per name
token, the name forms of a record and the features the score compares.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

from triage.identity import SEXES, IdentityRecord, birth_year_of
from triage.readings import kana_key, kanji_key

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


__all__ = [
    "fold",
    "name_forms",
    "phonetic_key",
]
