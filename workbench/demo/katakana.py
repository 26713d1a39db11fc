"""Katakana readings and kanji for the demo applicants' names.

A Japanese file gives a foreign applicant's name in katakana beside the passport spelling.
The demo writes one for every applicant from the name banks (``data/demo/names.toml``):

* a word the bank's table lists (``data/demo/katakana.toml``: Vietnamese, Chinese, Myanmar
  syllables and the names whose spelling does not say how they sound, such as English and
  French given names) is read from the table;
* any other word is read letter by letter: the bank's spelling conventions first (Turkish
  ``ş``, ``ç`` and ``c``; Spanish ``j`` and ``ll``; ``kh`` as ``h`` in Arabic and Russian but as
  ``k`` in Thai, …), then the word is cut into syllables and each syllable written in katakana
  (consonant clusters get the vowel ``u`` or ``o``, a doubled stop a small ``ッ``, a doubled
  vowel ``ー``).

Parts of a name are joined with ``・`` in the order of the passport (family name first for the
banks that write it first). Chinese applicants also get their name in kanji, in the Japanese
forms of the characters (``张伟`` is recorded as ``張 偉``).

The readings are a demo's: close to how a Japanese clerk would write them, not an authority.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from triage.readings import kanji_key
from workbench.demo.names import Name, strip_diacritics, tables
from workbench.demo.parameters import load

VOWELS = "aeiou"
ROW_ORDER = "aiueo"  # the order of the kana in each row of _ROWS

#: Katakana of a consonant before each vowel (a, i, u, e, o).
_ROWS: dict[str, tuple[str, str, str, str, str]] = {
    "": ("ア", "イ", "ウ", "エ", "オ"),
    "k": ("カ", "キ", "ク", "ケ", "コ"),
    "g": ("ガ", "ギ", "グ", "ゲ", "ゴ"),
    "s": ("サ", "シ", "ス", "セ", "ソ"),
    "z": ("ザ", "ジ", "ズ", "ゼ", "ゾ"),
    "t": ("タ", "ティ", "トゥ", "テ", "ト"),
    "d": ("ダ", "ディ", "ドゥ", "デ", "ド"),
    "n": ("ナ", "ニ", "ヌ", "ネ", "ノ"),
    "h": ("ハ", "ヒ", "フ", "ヘ", "ホ"),
    "b": ("バ", "ビ", "ブ", "ベ", "ボ"),
    "p": ("パ", "ピ", "プ", "ペ", "ポ"),
    "m": ("マ", "ミ", "ム", "メ", "モ"),
    "y": ("ヤ", "イ", "ユ", "イェ", "ヨ"),
    "r": ("ラ", "リ", "ル", "レ", "ロ"),
    "l": ("ラ", "リ", "ル", "レ", "ロ"),
    "w": ("ワ", "ウィ", "ウ", "ウェ", "ウォ"),
    "v": ("ヴァ", "ヴィ", "ヴ", "ヴェ", "ヴォ"),
    "f": ("ファ", "フィ", "フ", "フェ", "フォ"),
    "j": ("ジャ", "ジ", "ジュ", "ジェ", "ジョ"),
    "ch": ("チャ", "チ", "チュ", "チェ", "チョ"),
    "sh": ("シャ", "シ", "シュ", "シェ", "ショ"),
    "ts": ("ツァ", "ツィ", "ツ", "ツェ", "ツォ"),
}
#: A consonant with no vowel after it (before another consonant, or at the end of a word).
_CODA = {"k": "ク", "g": "グ", "s": "ス", "z": "ズ", "t": "ト", "d": "ド", "b": "ブ",
         "p": "プ", "m": "ム", "r": "ル", "l": "ル", "v": "ヴ", "f": "フ", "j": "ジ",
         "ch": "チ", "sh": "シュ", "ts": "ツ", "n": "ン", "h": "フ", "y": "イ", "w": "ウ"}
#: Small kana that make a palatal syllable (``kya`` → キャ) from the consonant's ``i`` kana.
_SMALL_Y = {"a": "ャ", "u": "ュ", "o": "ョ", "e": "ェ"}
#: Consonants doubled with a small ``ッ`` (``Hassan`` → ハッサン).
_GEMINATES = {"k", "g", "t", "d", "p", "b", "s", "z", "f", "j", "ch", "sh", "ts"}

#: Spelling conventions applied before the syllables are cut, by name bank. ``default`` is
#: applied after the bank's own.
_BANK_FOLDS: dict[str, tuple[tuple[str, str], ...]] = {
    "turkish": (("c", "j"), ("ç", "ch"), ("ş", "sh"), ("ğ", ""), ("ı", "u"), ("ö", "o"),
                ("ü", "u")),
    "kurdish": (("c", "j"), ("ç", "ch"), ("ş", "sh"), ("ğ", ""), ("ı", "u"), ("ê", "e"),
                ("û", "uu"), ("î", "ii"), ("ö", "o"), ("ü", "u"), ("x", "h")),
    "thai": (("ph", "p"), ("kh", "k"), ("th", "t"), ("ch", "ch")),
    "khmer": (("ph", "p"), ("kh", "k"), ("th", "t"), ("chh", "ch")),
    "lao": (("ph", "p"), ("kh", "k"), ("th", "t"), ("x", "s")),
    "latin_american": (("ll", "y"), ("qu", "k"), ("gue", "ge"), ("gui", "gi"), ("j", "h"),
                       ("z", "s"), ("ñ", "ny")),
    "somali": (("x", "h"), ("c", "")),
    "russian": (("kh", "h"), ("zh", "j"), ("iy", "ii")),
    "ukrainian": (("kh", "h"), ("zh", "j"), ("iy", "ii")),
    "central_asian": (("kh", "h"), ("zh", "j")),
    "mongolian": (("kh", "h"), ("ts", "ts")),
    "default": (("ph", "f"), ("th", "t"),
                ("dh", "d"), ("kh", "h"), ("gh", "g"), ("zh", "j"), ("q", "k"), ("x", "ks"),
                ("oo", "uu"), ("ee", "ii"), ("ou", "u"), ("c", "k")),
}
#: ``w`` and ``y`` closing a syllable are vowels (``Sow`` → ソウ, ``Seydou`` → セイドゥ); before a
#: vowel they start the next syllable (``Jayawardena``).
_GLIDE_CODA = ((re.compile(r"(?<=[aeiou])w(?![aeiou])"), "u"),
               (re.compile(r"(?<=[aeo])y(?![aeiou])"), "i"))
_C_SOFT = re.compile(r"c(?=[eiy])")
_CH = "\x01"  # ``ch`` kept through the ``c`` → ``k`` fold


@lru_cache(maxsize=1)
def word_tables() -> dict[str, dict[str, str]]:
    """The whole-word readings, by bank (``common`` applies to every bank)."""
    raw: dict[str, Any] = load("katakana.toml")
    return {bank: {k.casefold(): v for k, v in words.items()}
            for bank, words in raw["words"].items()}


def _fold(word: str, bank: str) -> str:
    text = word.casefold()
    for old, new in _BANK_FOLDS.get(bank, ()):
        text = text.replace(old, new)
    text = strip_diacritics(text)
    for old, new in (("sch", "sh"), ("tch", "ch"), ("ck", "k")):
        text = text.replace(old, new)
    text = text.replace("ch", _CH)
    text = _C_SOFT.sub("s", text)
    for old, new in _BANK_FOLDS["default"]:
        text = text.replace(old, new)
    text = text.replace(_CH, "ch")
    for pattern, new in _GLIDE_CODA:
        text = pattern.sub(new, text)
    return re.sub(r"[^a-z]", "", text)


def _units(text: str) -> list[str]:
    """Letters grouped into sounds: ``ch``, ``sh`` and ``ts`` are one consonant; ``y`` after
    a consonant and before no vowel is the vowel ``i``."""
    out: list[str] = []
    i = 0
    while i < len(text):
        pair = text[i:i + 2]
        if pair in ("ch", "sh", "ts"):
            out.append(pair)
            i += 2
            continue
        c = text[i]
        if c == "y" and out and out[-1] not in VOWELS and (
                i + 1 >= len(text) or text[i + 1] not in VOWELS):
            c = "i"
        out.append(c)
        i += 1
    return out


def romanised_to_katakana(word: str, bank: str = "") -> str:
    """One romanised word in katakana by the spelling rules (no table)."""
    units = _units(_fold(word, bank))
    out: list[str] = []
    i = 0
    n = len(units)

    def vowel_at(k: int) -> str | None:
        return units[k] if k < n and units[k] in VOWELS else None

    while i < n:
        u = units[i]
        if u in VOWELS:
            out.append(_ROWS[""][ROW_ORDER.index(u)])
            i += 1
            while vowel_at(i) == u:
                out.append("ー")
                i += 1
            continue
        row = _ROWS.get(u)
        v = vowel_at(i + 1)
        if row is not None and v is not None:
            out.append(row[ROW_ORDER.index(v)])
            i += 2
            while vowel_at(i) == v:
                out.append("ー")
                i += 1
            continue
        if (row is not None and u not in ("y", "w") and i + 2 < n and units[i + 1] == "y"
                and vowel_at(i + 2) in _SMALL_Y):
            v = units[i + 2]
            out.append(row[1] + _SMALL_Y[v])
            i += 3
            while vowel_at(i) == v:
                out.append("ー")
                i += 1
            continue
        following = units[i + 1] if i + 1 < n else None
        if following == u:  # a doubled consonant
            if u in _GEMINATES:
                out.append("ッ")
            elif u in ("m", "n") and vowel_at(i + 2):
                out.append("ン")
            i += 1
            continue
        if u == "n" and following == "g" and not vowel_at(i + 2):
            out.append("ン")  # a final ``ng``: Heng → ヘン
            i += 2
            continue
        after_vowel = i > 0 and units[i - 1] in VOWELS
        if u == "m" and following not in ("b", "p", "m") and following is not None:
            out.append("ム")
        elif u == "m":
            out.append("ン" if following else "ム")
        elif u == "h" and after_vowel and following is None:
            out.append("ー")
        elif u in ("y", "w") and not after_vowel:
            out.append(_CODA[u] if following else "")
        elif u in ("t", "d") and following is None:
            out.append("ト" if u == "t" else "ド")
        else:
            out.append(_CODA.get(u, ""))
        i += 1
    return "".join(out)


def word_reading(word: str, bank: str) -> str:
    """One word of a name in katakana: from the bank's table, the common table, else by the
    spelling rules."""
    words = word_tables()
    for table in (words.get(bank, {}), words.get("common", {})):
        found = table.get(word.casefold()) or table.get(strip_diacritics(word).casefold())
        if found:
            return found
    parts = [p for p in re.split(r"[-'’]", word) if p]
    return "・".join(romanised_to_katakana(p, bank) for p in parts)


def part_reading(part: str, bank: str) -> list[str]:
    """The words of one name part (``Van An``) in katakana; a phrase the table lists whole
    (``Mark Anthony``) is read whole."""
    words = word_tables()
    whole = part.casefold()
    for table in (words.get(bank, {}), words.get("common", {})):
        if " " in whole and whole in table:
            return [table[whole]]
    return [word_reading(w, bank) for w in part.split() if w]


@lru_cache(maxsize=50_000)
def katakana_name(family: str, given: str, order: str, bank: str) -> str:
    """The reading of a name, parts joined with ``・`` in the order the passport writes them
    (``グエン・ヴァン・アン``)."""
    family_kana = part_reading(family, bank)
    given_kana = part_reading(given, bank) if given else []
    words = family_kana + given_kana if order in ("family_first", "single") else (
        given_kana + family_kana)
    return "・".join(w for w in words if w)


def reading_of(name: Name, family: str | None = None, given: str | None = None) -> str:
    """The katakana reading of a demo name (or of ``family``/``given`` spelled as recorded)."""
    return katakana_name(name.family if family is None else family,
                         name.given if given is None else given, name.order, name.bank)


def kanji_of(name: Name) -> str | None:
    """The name in kanji for the banks whose names are written in Chinese characters, in the
    Japanese forms of the characters, family name first and a space before the given name."""
    if name.bank != "chinese":
        return None
    bank = tables().banks[name.bank]
    family = dict(bank.family).get(name.family)
    given = dict(bank.male + bank.female).get(name.given)
    if not family or not given:
        return None
    return f"{kanji_key(family)} {kanji_key(given)}"


__all__ = ["kanji_of", "katakana_name", "reading_of", "romanised_to_katakana",
           "word_reading", "word_tables"]
