"""The one token form both full-text engines index and query.

SQLite FTS5 and PostgreSQL split text into words differently (PostgreSQL's parser keeps
"well-founded", "U.S." and "1.2.3" as tokens of their own, FTS5 does not), and neither
segments Japanese, which has no spaces: an index of raw text never matches a two-character
word such as 難民 inside 難民認定申請. So the text is normalised here, once, in Python:

* Unicode NFKC (full-width Latin becomes ASCII, half-width katakana full-width), case folded,
  accents removed (Türkiye and Turkiye are one word);
* every run of CJK characters becomes its overlapping bigrams (難民 民認 認定 定申 申請), so any
  word of two or more characters is findable, queried the same way;
* everything else is cut into letters-and-digits words, joined by single spaces.

Both engines then see the same plain words and agree on what matches.

Word forms (English): after the words of an English passage come the Snowball (Porter 2)
stems of those words whose stem differs from the word, each written ``STEM_MARK`` + stem
("returnees" adds ``00returne``). Exact words and phrases keep matching the words themselves
in their own positions (the stems come after the last word, so they never sit inside a
phrase); a single query word also matches its stem (:func:`word_alternatives`), so
"returnee" finds "returnees" and "returned" finds "returning". Both databases index the same
text, so both match the same forms.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

# Han, Hiragana, Katakana (incl. the prolonged sound mark), Hangul, CJK compatibility.
_CJK = (
    "\u3005\u3006\u3007\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f"
)
CJK_RUN = re.compile(f"[{_CJK}]+")
_WORD_OR_CJK = re.compile(f"(?P<cjk>[{_CJK}]+)|(?P<word>[^\\W_{_CJK}]+)")


def has_cjk(text: str) -> bool:
    return CJK_RUN.search(text) is not None


def bigrams(run: str) -> list[str]:
    """Overlapping pairs of a CJK run; a single character stays as it is."""
    if len(run) < 2:
        return [run] if run else []
    return [run[i:i + 2] for i in range(len(run) - 1)]


# Combining diacritical marks (the blocks NFD moves accents into).
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def _strip_accents(match: re.Match[str]) -> str:
    return _COMBINING.sub("", unicodedata.normalize("NFD", match.group()))


_NON_CJK_RUN = re.compile(f"[^{_CJK}]+")


def fold(text: str) -> str:
    """NFKC, case folded, combining accents removed outside CJK (kana keep their voicing)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if text.isascii():
        return text
    return _NON_CJK_RUN.sub(_strip_accents, text)


def tokens(text: str) -> list[str]:
    """The index tokens of ``text``, in order."""
    out: list[str] = []
    for match in _WORD_OR_CJK.finditer(fold(text)):
        run = match.group("cjk")
        if run is not None:
            out.extend(bigrams(run))
        else:
            out.append(match.group("word"))
    return out


#: Written before a stem in the index: a word of digits and letters that no text produces
#: (a real "00..." word would need two leading zeros glued to letters).
STEM_MARK = "00"
_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str | None:
    """The English Snowball stem of an index token, or None for a token that is not an
    ASCII word of at least three letters (numbers, CJK bigrams, other scripts)."""
    if len(word) < 3 or not word.isascii() or not word.isalpha():
        return None
    return _STEMMER.stemWord(word)


def stem_tokens(words: list[str]) -> list[str]:
    """``STEM_MARK`` + stem of each word whose stem differs from the word itself."""
    out: list[str] = []
    for word in words:
        root = stem(word)
        if root is not None and root != word:
            out.append(STEM_MARK + root)
    return out


def index_form(text: str, *, stems: bool = True) -> str:
    """Text as it goes into the full-text index: its tokens separated by single spaces,
    then (``stems``, for English text) the stems of its inflected words."""
    words = tokens(text)
    if stems:
        words += stem_tokens(words)
    return " ".join(words)


def word_alternatives(token: str) -> list[str]:
    """The index tokens a single query word matches: the word itself, its stem as a word of
    its own (when the stem is its own stem) and the stem marker form. Just the word when it
    has no stem."""
    root = stem(token)
    if root is None:
        return [token]
    out = [token]
    if root != token and stem(root) == root:
        out.append(root)
    out.append(STEM_MARK + root)
    return out


def is_stem_token(token: str) -> bool:
    """Whether an index token is a stem written by :func:`index_form`."""
    return token.startswith(STEM_MARK) and token[len(STEM_MARK):].isalpha()


def query_terms(word: str) -> list[str]:
    """The index tokens a query word must match in sequence (a phrase when more than one)."""
    return tokens(word)
