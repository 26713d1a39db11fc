"""The language of a COI document: its metadata's ISO 639 code when valid, else
:func:`detect_language` by script over a sample of the text, and for Latin script by
stop-word counts.
"""

from __future__ import annotations

import re

from coi.extracted import ExtractedDocument
from coi.recognise_date import _opening

__all__ = ["detect_language"]

_LANGUAGE_SAMPLE = 20_000


_SCRIPTS: list[tuple[str, re.Pattern[str]]] = [
    ("kana", re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")),
    ("han", re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")),
    ("hangul", re.compile("[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")),
    ("arabic", re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")),
    ("cyrillic", re.compile("[\u0400-\u04ff]")),
    ("latin", re.compile("[A-Za-z\u00c0-\u024f]")),
    ("el", re.compile("[\u0370-\u03ff]")),
    ("he", re.compile("[\u0590-\u05ff]")),
    ("th", re.compile("[\u0e00-\u0e7f]")),
    ("ka", re.compile("[\u10a0-\u10ff]")),
    ("hy", re.compile("[\u0530-\u058f]")),
    ("km", re.compile("[\u1780-\u17ff]")),
    ("my", re.compile("[\u1000-\u109f]")),
    ("si", re.compile("[\u0d80-\u0dff]")),
]
_PERSIAN = re.compile("[\u067e\u0686\u0698\u06af\u06cc\u06a9]")  # پ چ ژ گ ی ک
_URDU = re.compile("[\u0679\u0688\u0691\u06ba\u06be\u06c1\u06d2]")  # ٹ ڈ ڑ ں ھ ہ ے
_UKRAINIAN = re.compile("[іїєґІЇЄҐ]")
_SERBIAN = re.compile("[ђјљњћџЂЈЉЊЋЏ]")
_BULGARIAN = re.compile("[ъ]")
_RUSSIAN_ONLY = re.compile("[ыэё]")

_STOPWORDS = {
    "en": "the and of to in is was that for with by on are were as this from which have has "
          "not be it or their been had its also who during",
    "fr": "le la les des du et est une dans pour que qui sur par pas au aux ces sont avec été "
          "leur mais cette ont ils elle selon entre",
    "es": "el los las del y que en por con una para es se su sus al como más pero fue han "
          "entre sobre este esta según",
    "de": "der die das und ist nicht von mit den dem des ein eine zu auf für im sich auch "
          "wurde werden sind dass nach bei",
    "pt": "o os as da do das dos e que em não uma um para com por é foi são ao pela pelo "
          "mais seu sua segundo",
    "it": "il lo gli della delle dei degli e che non per una un con sono è nel nella alla "
          "anche più essere stato questo secondo",
}
_STOPSETS = {lang: frozenset(words.split()) for lang, words in _STOPWORDS.items()}
_LATIN_WORD = re.compile(r"[a-zà-öø-ÿ]+")


def detect_language(text: str) -> tuple[str, str]:
    """ISO 639-1 code of ``text`` and why, from a sample of it (script, then stop words)."""
    if len(text) > _LANGUAGE_SAMPLE:
        half = _LANGUAGE_SAMPLE // 2
        middle = len(text) // 2
        text = text[:half] + "\n" + text[middle:middle + half]
    counts = {name: len(pattern.findall(text)) for name, pattern in _SCRIPTS}
    letters = sum(counts.values())
    if letters == 0:
        return "en", "no letters to judge by: English assumed"
    cjk = counts["kana"] + counts["han"]
    if cjk >= 0.2 * letters:
        if counts["kana"] >= 0.05 * cjk:
            return "ja", "Japanese script (kana with Han characters)"
        return "zh", "Han characters without kana"
    if counts["hangul"] >= 0.2 * letters:
        return "ko", "Hangul script"
    if counts["arabic"] >= 0.3 * letters:
        arabic = counts["arabic"]
        if len(_URDU.findall(text)) >= 0.02 * arabic:
            return "ur", "Arabic script with Urdu letters"
        if len(_PERSIAN.findall(text)) >= 0.02 * arabic:
            return "fa", "Arabic script with Persian letters"
        return "ar", "Arabic script"
    if counts["cyrillic"] >= 0.3 * letters:
        cyr = counts["cyrillic"]
        if len(_UKRAINIAN.findall(text)) >= 0.005 * cyr:
            return "uk", "Cyrillic script with Ukrainian letters"
        if len(_SERBIAN.findall(text)) >= 0.005 * cyr:
            return "sr", "Cyrillic script with Serbian letters"
        if not _RUSSIAN_ONLY.search(text) and len(_BULGARIAN.findall(text)) >= 0.01 * cyr:
            return "bg", "Cyrillic script with Bulgarian spelling"
        return "ru", "Cyrillic script"
    for name in ("el", "he", "th", "ka", "hy", "km", "my", "si"):
        if counts[name] >= 0.3 * letters:
            return name, f"{name} script"
    words = _LATIN_WORD.findall(text.lower())
    if not words:
        return "en", "no Latin words to judge by: English assumed"
    hits = {lang: sum(1 for w in words if w in stops) for lang, stops in _STOPSETS.items()}
    best = max(hits, key=lambda lang: (hits[lang], lang == "en"))
    if hits[best] < 5 or hits[best] < 0.05 * len(words):
        return "en", "too few common words to tell the language: English assumed"
    share = hits[best] / len(words)
    return best, f"Latin script; common {best} words make {share:.0%} of the sample"


def _normalise_language(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    code = value.strip().replace("_", "-").split("-")[0].lower()
    if len(code) == 2 and code.isalpha():
        return code
    if len(code) == 3 and code.isalpha():
        import pycountry

        found = pycountry.languages.get(alpha_3=code)
        if found is None:
            try:
                found = pycountry.languages.get(bibliographic=code)
            except (KeyError, LookupError):
                found = None
        alpha_2 = getattr(found, "alpha_2", None) if found else None
        return alpha_2
    return None


def _language(document: ExtractedDocument) -> tuple[str, str]:
    declared = _normalise_language((document.metadata or {}).get("language"))
    if declared is not None:
        return declared, "language declared by the document's metadata"
    return detect_language(_opening(document, _LANGUAGE_SAMPLE * 4))
