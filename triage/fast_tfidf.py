"""TF-IDF transforms of long texts without a Python look-up per n-gram.

scikit-learn's ``TfidfVectorizer.transform`` builds every word or character n-gram of a text as
a Python string and looks each up in a dictionary: on a real claim of 2,000 characters that is
some 6,000 strings for the character block alone, and it was the largest single cost of a
suggestion. Here a fitted vectoriser's vocabulary is compiled once into sorted integer keys:

- character n-grams inside word boundaries (``analyzer="char_wb"``): each character becomes its
  index in the vocabulary's alphabet, an n-gram the number those indices spell, and all of a
  text's n-grams are keyed at once with numpy;
- words (``analyzer="word"``): each token becomes its index among the vocabulary's words (one
  dictionary look-up per token, not per n-gram) and word n-grams are keyed the same way.

The keys are exact (no hashing), and the counts are handed to the vectoriser's own TF-IDF
transformer, so the matrix is the one scikit-learn builds, value for value. Settings this does
not cover (a custom analyser, tokenizer or preprocessor, ``analyzer="char"``, binary counts, an
alphabet too large for 63-bit keys) fall back to ``vectoriser.transform``.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

try:  # scikit-learn ≥ 1.8 returns sparse matrices or arrays as configured
    from sklearn.utils._sparse import _align_api_if_sparse
except ImportError:  # pragma: no cover - older scikit-learn: always matrices
    def _align_api_if_sparse(x):  # noqa: ANN001, ANN202
        return x

_WHITE_RUNS = re.compile(r"\s+")
_KEY_LIMIT = 2 ** 62
SLICE = 512  # texts keyed together


_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: spreads consecutive keys


class _Table:
    """One n-gram length's vocabulary: an open-addressing hash table of exact integer keys
    (linear probing, at most a quarter full), looked up for a whole array of keys at once."""

    def __init__(self, keys: np.ndarray, columns: np.ndarray):
        bits = max(4, (4 * max(len(keys), 1) - 1).bit_length())
        self.shift = np.uint64(64 - bits)
        self.mask = (1 << bits) - 1
        self.keys = np.full(1 << bits, -1, dtype=np.int64)
        self.columns = np.zeros(1 << bits, dtype=np.int64)
        keys = np.asarray(keys, dtype=np.int64)
        columns = np.asarray(columns, dtype=np.int64)
        slots = self._slots(keys)
        while len(keys):  # each round, the first key wanting a free slot takes it
            free = self.keys[slots] == -1
            wanted, first = np.unique(slots[free], return_index=True)
            placed = np.flatnonzero(free)[first]
            self.keys[wanted], self.columns[wanted] = keys[placed], columns[placed]
            waiting = np.ones(len(keys), dtype=bool)
            waiting[placed] = False
            keys, columns = keys[waiting], columns[waiting]
            slots = (slots[waiting] + 1) & self.mask

    def _slots(self, keys: np.ndarray) -> np.ndarray:
        return ((keys.astype(np.uint64) * _MULTIPLIER) >> self.shift).astype(np.int64)

    def look_up(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Which of the keys are in the vocabulary (their positions, in no set order: the
        counts are made from the pairs later), and their columns."""
        slots = self._slots(keys)
        pending = np.arange(len(keys))
        found_at, found_columns = [], []
        while len(pending):
            held = self.keys[slots]
            hit = held == keys[pending]
            found_at.append(pending[hit])
            found_columns.append(self.columns[slots[hit]])
            going_on = ~hit & (held != -1)  # another key sits there: probe the next slot
            pending = pending[going_on]
            slots = (slots[going_on] + 1) & self.mask
        if not found_at:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(found_at), np.concatenate(found_columns)


def _joined(arrays: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int64)


def _window_keys(symbols: np.ndarray, n: int, base: int) -> tuple[np.ndarray, np.ndarray]:
    """For every start ``i`` with ``i + n <= len(symbols)``: the key of ``symbols[i:i+n]`` and
    whether none of them is unknown (0)."""
    count = len(symbols) - n + 1
    if count <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    keys = np.zeros(count, dtype=np.int64)
    known = np.ones(count, dtype=bool)
    for j in range(n):
        part = symbols[j:j + count]
        keys = keys * base + part
        known &= part > 0
    return keys, known


class _CharWb:
    """Character n-grams inside word boundaries, padded with a space (``char_wb``)."""

    def __init__(self, vocabulary: dict[str, int], ngram_range: tuple[int, int]):
        self.min_n, self.max_n = ngram_range
        alphabet = sorted({ch for term in vocabulary for ch in term})
        self.base = len(alphabet) + 1
        if self.base ** self.max_n >= _KEY_LIMIT:
            raise ValueError("alphabet too large for exact keys")
        codes = np.array([ord(ch) for ch in alphabet], dtype=np.int64)
        self.symbol_of = np.zeros(int(codes.max(initial=0)) + 2, dtype=np.int64)
        self.symbol_of[codes] = np.arange(1, len(alphabet) + 1)
        self.short = {term: column for term, column in vocabulary.items()
                      if len(term) < self.min_n}  # padded words shorter than min_n, kept whole
        self.tables = {}
        for n in range(self.min_n, self.max_n + 1):
            terms = [term for term in vocabulary if len(term) == n]
            codes = np.frombuffer("".join(terms).encode("utf-32-le"), dtype=np.uint32)
            symbols = self.symbol_of[codes.astype(np.int64)].reshape(len(terms), n)
            keys = np.zeros(len(terms), dtype=np.int64)
            for j in range(n):
                keys = keys * self.base + symbols[:, j]
            self.tables[n] = _Table(keys, np.array([vocabulary[t] for t in terms],
                                                   dtype=np.int64))

    def columns(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """For all texts at once: the text and the column of every n-gram in the vocabulary."""
        # " w1  w2 … " for each text: the words as str.split() finds them, each padded with a
        # space, so every padded word is delimited by two spaces (or an end).
        stripped = [text.strip() for text in texts]
        padded = [f" {_WHITE_RUNS.sub('  ', text)} " if text else "" for text in stripped]
        joined = "".join(padded)
        if not joined:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        inside = codes < len(self.symbol_of)
        symbols = np.where(inside, self.symbol_of[np.where(inside, codes, 0)], 0)
        space = codes == 32
        ends = np.append(np.flatnonzero(space[:-1] & space[1:]) + 1, len(codes))
        lengths = np.diff(ends, prepend=0)
        end_of = np.repeat(ends, lengths)  # where each position's padded word ends
        text_of = np.repeat(np.arange(len(texts)), [len(t) for t in padded])
        found_texts, found_columns = [], []
        starts = np.arange(len(symbols))
        for n in range(self.min_n, self.max_n + 1):
            keys, known = _window_keys(symbols, n, self.base)
            if not len(keys):
                continue
            keep = np.flatnonzero(known & (starts[:len(keys)] + n <= end_of[:len(keys)]))
            at, columns = self.tables[n].look_up(keys[keep])
            found_texts.append(text_of[keep[at]])
            found_columns.append(columns)
        if self.short:
            for end, length in zip(ends.tolist(), lengths.tolist(), strict=True):
                if length < self.min_n:
                    column = self.short.get(joined[end - length:end])
                    if column is not None:
                        found_texts.append(text_of[end - 1:end])
                        found_columns.append(np.array([column], dtype=np.int64))
        return _joined(found_texts), _joined(found_columns)


class _Words:
    """Word n-grams after stop words, as scikit-learn's ``word`` analyser builds them."""

    def __init__(self, vocabulary: dict[str, int], ngram_range: tuple[int, int],
                 tokenize: Callable[[str], list[str]], stop_words: frozenset[str] | None):
        self.min_n, self.max_n = ngram_range
        self.tokenize = tokenize
        self.stop_words = stop_words
        split = {term: term.split(" ") for term in vocabulary}
        self.token_of: dict[str, int] = {}
        for parts in split.values():
            for part in parts:
                self.token_of.setdefault(part, len(self.token_of) + 1)
        self.base = len(self.token_of) + 1
        if self.base ** self.max_n >= _KEY_LIMIT:
            raise ValueError("vocabulary too large for exact keys")
        by_length: dict[int, tuple[list[list[int]], list[int]]] = {
            n: ([], []) for n in range(self.min_n, self.max_n + 1)}
        for term, parts in split.items():
            if " ".join(parts) != term or len(parts) not in by_length or not all(parts):
                raise ValueError(f"term {term!r} is not a word n-gram of the range")
            ids, columns = by_length[len(parts)]
            ids.append([self.token_of[part] for part in parts])
            columns.append(vocabulary[term])
        self.tables = {}
        for n, (ids, columns) in by_length.items():
            symbols = np.array(ids, dtype=np.int64).reshape(len(ids), n)
            keys = np.zeros(len(ids), dtype=np.int64)
            for j in range(n):
                keys = keys * self.base + symbols[:, j]
            self.tables[n] = _Table(keys, np.array(columns, dtype=np.int64))

    def columns(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """For all texts at once: the text and the column of every n-gram in the vocabulary."""
        get, stop, tokenize = self.token_of.get, self.stop_words, self.tokenize
        symbols: list[int] = []
        counts = []
        for text in texts:
            tokens = tokenize(text)
            if stop is not None:
                tokens = [t for t in tokens if t not in stop]
            symbols.extend([get(t, 0) for t in tokens])
            symbols.append(0)  # no n-gram runs from one text into the next
            counts.append(len(tokens) + 1)
        array = np.asarray(symbols, dtype=np.int64)
        text_of = np.repeat(np.arange(len(texts)), counts)
        found_texts, found_columns = [], []
        for n in range(self.min_n, self.max_n + 1):
            keys, known = _window_keys(array, n, self.base)
            if not len(keys):
                continue
            keep = np.flatnonzero(known)
            at, columns = self.tables[n].look_up(keys[keep])
            found_texts.append(text_of[keep[at]])
            found_columns.append(columns)
        return _joined(found_texts), _joined(found_columns)


class FastTfidf:
    """``transform`` of one fitted ``TfidfVectorizer``, value for value."""

    def __init__(self, vectoriser: TfidfVectorizer):
        self.vectoriser = vectoriser
        self.reader = _reader(vectoriser)
        self.preprocess = vectoriser.build_preprocessor()
        self.width = len(vectoriser.vocabulary_)

    def transform(self, texts: Sequence[str]) -> sp.spmatrix:
        texts = list(texts)
        if self.reader is None or not all(isinstance(t, str) for t in texts):
            return self.vectoriser.transform(texts)
        # A slice of texts at a time, so that training on thousands of texts does not hold
        # every character of them as numpy integers at once.
        parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for first in range(0, len(texts), SLICE):
            rows, columns = self.reader.columns(
                [self.preprocess(t) for t in texts[first:first + SLICE]])
            cells, counts = np.unique(rows * self.width + columns, return_counts=True)
            rows, columns = np.divmod(cells, self.width)
            parts.append((rows + first, columns, counts))
        rows, columns, counts = (np.concatenate([p[k] for p in parts]) if parts
                                 else np.zeros(0, dtype=np.int64) for k in range(3))
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=len(texts)))])
        dtype = np.int64 if len(rows) > np.iinfo(np.int32).max else np.int32
        matrix = sp.csr_array((counts.astype(np.intc), columns.astype(dtype),
                               indptr.astype(dtype)),
                              shape=(len(texts), self.width), dtype=self.vectoriser.dtype)
        return self.vectoriser._tfidf.transform(_align_api_if_sparse(matrix), copy=False)


def _reader(vectoriser: TfidfVectorizer) -> _CharWb | _Words | None:
    """The compiled vocabulary, or None where the settings are not covered."""
    v = vectoriser
    if (v.input != "content" or v.preprocessor is not None or v.tokenizer is not None
            or v.binary or callable(v.analyzer) or not hasattr(v, "_tfidf")):
        return None
    if not hasattr(v, "vocabulary_"):
        v._validate_vocabulary()  # a vocabulary given as a setting is read on first use
    try:
        if v.analyzer == "char_wb":
            return _CharWb(v.vocabulary_, tuple(v.ngram_range))
        if v.analyzer == "word":
            stop = v.get_stop_words()
            return _Words(v.vocabulary_, tuple(v.ngram_range), v.build_tokenizer(),
                          frozenset(stop) if stop is not None else None)
    except ValueError:
        return None
    return None


_COMPILED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def transform(vectoriser: TfidfVectorizer, texts: Sequence[str]) -> sp.spmatrix:
    """``vectoriser.transform(texts)``, compiled on first use and kept for the vectoriser's
    lifetime."""
    fast = _COMPILED.get(vectoriser)
    if fast is None:
        fast = _COMPILED[vectoriser] = FastTfidf(vectoriser)
    return fast.transform(texts)
