"""Japanese readings of applicants' names: keys for search and identity matching.

A person's name is kept three ways: as in the passport (Latin), as a katakana reading
(``グエン・ヴァン・アン``) and, for people whose names are written in Chinese characters, in
kanji. The same reading is typed in many ways: hiragana or katakana, half-width or full-width
katakana, with or without the long-vowel mark ``ー`` and the middle dot ``・`` between the
parts. :func:`kana_key` folds all of these to one string, so that ``ぐえんばんあん``,
``ｸﾞｴﾝ･ﾊﾞﾝ･ｱﾝ`` and ``グエン・バン・アン`` have the same key. :func:`kanji_key` does the
same for kanji (width and spacing only: a different character is a different name).

Plain functions on strings, with no dependency on the workbench: the identity matcher and
the case search both use them.
"""

from __future__ import annotations

import re
import unicodedata

#: Characters that separate or lengthen parts of a reading, dropped from the keys.
_SEPARATORS = re.compile(r"[\s・･·•\u2027\u30fb\u30fc\u2010-\u2015\-‐=＝゠ｰ〜~、,.()（）]+")
_HIRAGANA = range(0x3041, 0x3097)  # ぁ … ゖ
_HIRAGANA_SHIFT = 0x60  # ぁ + 0x60 = ァ


def is_kana(char: str) -> bool:
    code = ord(char)
    return 0x3041 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9F


def is_kanji(char: str) -> bool:
    code = ord(char)
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF
            or 0x20000 <= code <= 0x2FA1F or char in "々〆")


def to_katakana(text: str) -> str:
    """``text`` with hiragana turned into katakana and half-width kana made full-width."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(chr(ord(c) + _HIRAGANA_SHIFT) if ord(c) in _HIRAGANA else c for c in text)


def clean_kana(text: str | None) -> str:
    """A reading as it is kept on the record: katakana, full-width, one ``・`` between parts
    (spaces typed between the parts become ``・``)."""
    if not text:
        return ""
    kana = to_katakana(text).strip()
    kana = re.sub(r"\s*[・･·•\u2027]\s*|\s+", "・", kana)
    return kana.strip("・")


def looks_like_reading(text: str) -> bool:
    """Whether ``text`` is a kana reading: kana, long-vowel marks, dots and spaces only."""
    kana = to_katakana(text)
    letters = [c for c in kana if not _SEPARATORS.fullmatch(c)]
    return bool(letters) and all(is_kana(c) for c in letters)


def kana_key(text: str | None) -> str:
    """The reading folded for comparison: katakana, full-width, no long-vowel marks, dots or
    spaces. Empty when ``text`` holds no kana."""
    if not text:
        return ""
    kana = to_katakana(text)
    return "".join(c for c in _SEPARATORS.sub("", kana) if is_kana(c))


#: Characters of names written differently in simplified Chinese, traditional Chinese and
#: Japanese, each folded to its Japanese form (a person's kanji recorded from a mainland
#: passport in one file and in Japanese forms in another is the same name). Not a full
#: conversion table: the characters most common in the names of applicants.
_KANJI_VARIANTS = {
    "张": "張", "刘": "劉", "陈": "陳", "杨": "楊", "赵": "趙", "黃": "黄", "吴": "呉",
    "吳": "呉", "孙": "孫", "马": "馬", "伟": "偉", "军": "軍", "杰": "傑", "濤": "涛",
    "强": "強", "丽": "麗", "红": "紅", "华": "華", "國": "国", "东": "東", "龙": "竜",
    "龍": "竜", "叶": "葉", "许": "許", "郑": "鄭", "谢": "謝", "邓": "鄧", "冯": "馮",
    "韩": "韓", "罗": "羅", "钟": "鍾", "蒋": "蔣", "蔣": "蒋", "卢": "盧", "苏": "蘇",
    "贾": "賈", "韦": "韋", "钱": "銭", "錢": "銭", "汤": "湯", "萧": "蕭", "顾": "顧",
    "阎": "閻", "闫": "閻", "辉": "輝", "靜": "静", "兰": "蘭", "凤": "鳳", "艳": "艶",
    "艷": "艶", "刚": "剛", "锋": "鋒", "鹏": "鵬", "飞": "飛", "宁": "寧", "晓": "暁",
    "曉": "暁", "广": "広", "廣": "広", "庆": "慶", "贤": "賢", "丰": "豊", "豐": "豊",
    "实": "実", "實": "実", "泽": "沢", "澤": "沢", "滨": "浜", "濱": "浜", "铁": "鉄",
    "鐵": "鉄", "银": "銀", "长": "長", "门": "門", "闵": "閔", "庞": "龐", "乔": "喬",
    "齐": "斉", "齊": "斉", "严": "厳", "嚴": "厳", "贺": "賀", "鲁": "魯", "歐": "欧",
    "阳": "陽", "蓝": "藍", "學": "学", "爱": "愛", "惠": "恵", "卫": "衛", "荣": "栄",
    "榮": "栄", "继": "継", "繼": "継", "绍": "紹", "纪": "紀", "维": "維", "丝": "糸",
}


def kanji_key(text: str | None) -> str:
    """The kanji name folded for comparison: NFKC, spaces and dots dropped, simplified and
    traditional forms of common name characters folded to the Japanese one (张伟 = 張偉)."""
    if not text:
        return ""
    folded = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    return "".join(_KANJI_VARIANTS.get(c, c) for c in folded)


def has_kana(text: str) -> bool:
    return any(is_kana(c) for c in unicodedata.normalize("NFKC", text))


def has_kanji(text: str) -> bool:
    return any(is_kanji(c) for c in text)


def search_key(name_kana: str | None, name_kanji: str | None) -> str:
    """What the case search looks in for a Japanese query: the reading's key and the kanji
    key, separated by a space (no folded query contains a space, so a match never spans the
    two)."""
    return f"{kana_key(name_kana)} {kanji_key(name_kanji)}".strip()


__all__ = ["clean_kana", "has_kana", "has_kanji", "is_kana", "is_kanji", "kana_key",
           "kanji_key", "looks_like_reading", "search_key", "to_katakana"]
