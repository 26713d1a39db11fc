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

Japanese words (issue 16): a Japanese run (kana or kanji) can be indexed three ways, chosen by
``JA_METHOD`` (measured on a judged set of Japanese queries, ``coi.ja_evaluation``):

* ``bigrams``: the overlapping bigrams above, as every CJK run;
* ``words``: the words of the run found by morphological analysis (SudachiPy, core dictionary,
  split mode A, the shortest units, so 難民認定申請 holds 難民, 認定 and 申請), each written in
  Sudachi's normalised form, so that spellings of one word index alike (取調べ and 取り調べ,
  子ども, 子供 and こども, 申立て and 申し立て);
* ``both`` (in force): the bigrams in place, then every word again with ``WORD_MARK``
  before it, so a query matches either its bigrams or its words.

With words, each word written with kanji also adds its reading (``READING_MARK`` + katakana,
拷問 adds ``01ゴウモン``) after the last word, and a query typed in kana alone (ごうもん,
ゴウモン) also matches that reading: a kana query finds the kanji spelling. A kanji query is
not widened to its reading (拘束 and 高速 share one). Korean (Hangul) stays as bigrams.
Queries are analysed the same way: a query word becomes the sequence of its words' forms,
a phrase, or one of its alternatives (``query_forms``).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from itertools import product

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
    """The index tokens of ``text``, in order (without the marked words and readings that
    ``index_form`` adds after them)."""
    return _index_tokens(text)[0]


def _index_tokens(text: str) -> tuple[list[str], list[str]]:
    """The in-place tokens of ``text`` and the extra tokens that follow them in the index
    (marked words and readings of Japanese words, per ``JA_METHOD``)."""
    out: list[str] = []
    marked: list[str] = []
    readings: list[str] = []
    method = ja_method()
    for match in _WORD_OR_CJK.finditer(fold(text)):
        run = match.group("cjk")
        if run is None:
            out.append(match.group("word"))
        elif method == BIGRAMS or not is_japanese_run(run):
            out.extend(bigrams(run))
        else:
            found = japanese_words(run)
            if method == WORDS:
                out.extend(w.form for w in found)
            else:
                out.extend(bigrams(run))
                marked.extend(WORD_MARK + w.form for w in found)
            readings.extend(READING_MARK + w.reading for w in found if w.reading)
    return out, marked + readings


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
    then (``stems``, for English text) the stems of its inflected words, then (Japanese
    indexed by words) the marked words and readings of its Japanese words."""
    words, extra = _index_tokens(text)
    if stems:
        words += stem_tokens(words)
    return " ".join(words + extra)


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
    """The index tokens a query word must match in sequence (a phrase when more than one):
    the first of its ``query_forms``."""
    forms = query_forms(word)
    return forms[0] if forms else []


#: At most this many alternative token sequences for one query word.
MAX_FORMS = 8


def query_forms(word: str) -> list[list[str]]:
    """The token sequences a query word matches, any one of them (each a phrase when it has
    more than one token), the sequence in the index's own in-place form first.

    A Latin word or a bigram run has one; a Japanese run indexed with words has its words'
    forms, and in kana alone also its reading; with ``both``, its bigrams, its marked words
    and the reading."""
    method = ja_method()
    parts: list[list[list[str]]] = []
    for match in _WORD_OR_CJK.finditer(fold(word)):
        run = match.group("cjk")
        if run is None:
            parts.append([[match.group("word")]])
        elif method == BIGRAMS or not is_japanese_run(run):
            parts.append([bigrams(run)])
        else:
            found = [w.form for w in japanese_words(run)]
            options = [found] if method == WORDS else [bigrams(run), [WORD_MARK + f for f in found]]
            if is_kana(run):
                options.append([READING_MARK + katakana(run)])
            parts.append([o for o in options if o])
    out: list[list[str]] = []
    for combo in product(*parts):
        sequence = [t for part in combo for t in part]
        marks = {t.startswith((WORD_MARK, READING_MARK)) for t in sequence}
        if len(marks) > 1:
            continue  # in-place tokens never stand next to the words and readings after them
        if sequence and sequence not in out:
            out.append(sequence)
        if len(out) >= MAX_FORMS:
            break
    return out


# --- Japanese words --------------------------------------------------------------------------

BIGRAMS, WORDS, BOTH = "bigrams", "words", "both"
JA_METHODS = (BIGRAMS, WORDS, BOTH)
#: How Japanese runs are indexed and queried. Chosen on the judged set
#: (``benchmarks/bench_ja_search.py``, figures in benchmarks/RESULTS.md): words beside the
#: bigrams rank best on both databases; words alone lose the words Sudachi cuts differently
#: in a query and in running text (取締り), bigrams alone every other spelling and every
#: kana query. Changing it needs a migration that re-indexes (as 0015 did).
JA_METHOD = BOTH
_METHOD: ContextVar[str | None] = ContextVar("coi_ja_method", default=None)

#: Written before the reading of a Japanese word, and before a word with ``both``.
READING_MARK = "01"
WORD_MARK = "02"


def ja_method() -> str:
    """The method in force: ``JA_METHOD`` unless ``using_ja_method`` chose another."""
    return _METHOD.get() or JA_METHOD


@contextmanager
def using_ja_method(method: str) -> Iterator[None]:
    """Index and query Japanese with ``method`` inside the block (measurement, migrations)."""
    if method not in JA_METHODS:
        raise ValueError(f"unknown Japanese method {method!r}; one of {', '.join(JA_METHODS)}")
    token = _METHOD.set(method)
    try:
        yield
    finally:
        _METHOD.reset(token)


_HAN = re.compile("[\u3005\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA_ONLY = re.compile("[\u3041-\u309f\u30a0-\u30ff\u31f0-\u31ff]+")
_HANGUL = re.compile("[\uac00-\ud7af]")
_TOKEN_CHARS = re.compile("[^\\W_]+")


def is_japanese_run(run: str) -> bool:
    """A CJK run that the Japanese analyser reads (kana or kanji; not Hangul)."""
    return _HANGUL.search(run) is None


def is_kana(text: str) -> bool:
    return _KANA_ONLY.fullmatch(text) is not None


def katakana(text: str) -> str:
    """Hiragana turned into katakana (the other characters as they are)."""
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in text)


class JaWord:
    """One word of a Japanese run: its index form, its reading when it is written with kanji
    (else None), and where it is in the run."""

    __slots__ = ("form", "reading", "start", "end")

    def __init__(self, form: str, reading: str | None, start: int, end: int) -> None:
        self.form, self.reading, self.start, self.end = form, reading, start, end

    def __repr__(self) -> str:
        return f"JaWord({self.form!r}, {self.reading!r}, {self.start}, {self.end})"


_LOCAL = threading.local()
#: Sudachi refuses inputs over 49,149 bytes (three bytes a character in UTF-8).
_MAX_RUN = 8000


def _sudachi():  # noqa: ANN202 - sudachipy's Tokenizer
    """One tokenizer per thread (a Sudachi tokenizer is not to be shared while in use); the
    dictionary is loaded once per process."""
    tokenizer = getattr(_LOCAL, "tokenizer", None)
    if tokenizer is None:
        from sudachipy import SplitMode

        tokenizer = _LOCAL.tokenizer = _dictionary().tokenizer(mode=SplitMode.A)
    return tokenizer


@lru_cache(maxsize=1)
def _dictionary():  # noqa: ANN202 - sudachipy's Dictionary
    from sudachipy import Dictionary

    return Dictionary(dict="core")


def _clean(form: str) -> str:
    """A word form as one index token: folded, only letters and digits (a form such as
    "ｶﾀｶﾅ" or one with a middle dot must not split into several tokens)."""
    return "".join(_TOKEN_CHARS.findall(fold(form)))


@lru_cache(maxsize=50_000)
def _words_of(run: str) -> tuple[JaWord, ...]:
    out: list[JaWord] = []
    for start in range(0, len(run), _MAX_RUN):
        piece = run[start:start + _MAX_RUN]
        for m in _sudachi().tokenize(piece):
            form = _clean(m.normalized_form()) or _clean(m.surface())
            if not form:
                continue
            surface = m.surface()
            reading = None
            if _HAN.search(surface):
                reading = _clean(m.reading_form()) or None
            out.append(JaWord(form, reading, start + m.begin(), start + m.end()))
    return tuple(out)


def clear_word_cache() -> None:
    _words_of.cache_clear()


def japanese_words(run: str) -> list[JaWord]:
    """The words of a folded Japanese run (see the module docstring)."""
    return list(_words_of(run))
