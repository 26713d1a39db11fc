"""The Category B detector: p(the claim is outside the Convention grounds), trained on the
project's narratives together with real published decisions (``triage.realset``).

It reads the claim in a way that does not depend on the writer's voice or the text's length:
word TF-IDF of the *neutralised* text (the claimant, "you", "I", "he" and "she" all become one
token, reporting verbs such as "alleges" and the anonymisation marks are dropped, digits are
folded), the share of sentences carrying each cue type, and the clause-level reading of
:func:`triage.features.read` (grounds linked to the harm or to the persecutor's motive, grounds
only mentioned, crime and extortion sentences). A logistic regression combines them.

:class:`triage.model.BasisModel` uses it, when present, for the total probability of B and
keeps its own classifier for the split between the B sub-reasons and between Convention and
conflict.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from spacy.tokens import Doc

from triage import fast_tfidf
from triage.cues import default_lexicon
from triage.features import READING_FEATURES, reading_vector
from triage.nlp import sentences_of, words_text

# Each pattern opens with a look-ahead for the first letters its words can start with: it
# matches exactly what it would without, and skips most positions of a text at once (about
# twice as fast as trying every word at every position).
_ANON = re.compile(r"(?=[A-Z])\b(?:X{2,}\w*|[A-Z]{2,3}\d-\d{5}\b)")
_PERSON = re.compile(
    r"(?=[acfhimpstuwy])\b(?:"
    r"(?:the )?(?:principal |male |female |minor |associate |adult |female |main )?"
    r"claimants?(?:'s|')?|applicants?(?:'s|')?|you|i|he|she|we|they|me|him|us|them)\b", re.I)
_POSSESSIVE = re.compile(r"(?=[hmoty])\b(?:his|her|your|my|their|our)\b", re.I)
_REPORTING = re.compile(
    r"(?=[abcdeinprst])\b(?:alleges?|alleged(?:ly)?|allegations?|states?|stated|testified|"
    r"testimony|claims?|claimed|says|said|submits|submitted|indicates?|indicated|explains?|"
    r"explained|recounts?|recounted|describes?|described|according to|asserts?|asserted|"
    r"narrative|boc|pif)\b",
    re.I)
_DIGITS = re.compile(r"\d+")


def neutral_text(text: str) -> str:
    """The text without the marks of its voice: who tells it and how it is reported."""
    text = _ANON.sub(" ", text)
    text = _REPORTING.sub(" ", text)
    text = _PERSON.sub(" person ", text)
    text = _POSSESSIVE.sub(" person_s ", text)
    return _DIGITS.sub("0", text).lower()


def cue_shares(doc: Doc) -> np.ndarray:
    """Per cue type, the share of sentences where it is asserted (neither negated, nor a
    question, nor only feared)."""
    names = default_lexicon().names
    index = {name: i for i, name in enumerate(names)}
    n = max(len(sentences_of(doc)), 1)
    seen: list[set[int]] = [set() for _ in names]
    for hit in doc._.cues or []:
        if not hit.negated and not hit.question:
            seen[index[hit.type]].add(hit.sentence)
    return np.asarray([len(s) / n for s in seen], dtype=np.float32)


def feature_names() -> list[str]:
    return [f"share:{name}" for name in default_lexicon().names] + list(READING_FEATURES)


def numeric(docs: Sequence[Doc]) -> np.ndarray:
    if not docs:
        return np.zeros((0, len(feature_names())), dtype=np.float32)
    return np.vstack([np.concatenate([cue_shares(d), reading_vector(d)]) for d in docs])


#: Weight of the numeric columns against the TF-IDF block.
NUMERIC_SCALE = 2.0


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def stack_design(p_detector: np.ndarray, p_classifier: np.ndarray) -> np.ndarray:
    """What the combination reads: the two probabilities of B as log-odds."""
    return np.column_stack([_logit(p_detector), _logit(p_classifier)])


@dataclass
class BDetector:
    """p(B) of the detector; with ``style`` and ``stack``, combined with the basis classifier's
    p(B): a text written like the real decisions (``style``: p(real-style) from the words as
    written, voice included) is read by the detector, a text like the project's narratives by
    a logistic combination of both (``stack``, fitted on out-of-fold predictions of the
    narratives); in between, mixed in proportion. Nothing about a text's source is needed at
    inference."""

    #: word n-grams of the neutralised text; None in a character-only detector.
    word: TfidfVectorizer | None
    classifier: LogisticRegression
    features: tuple[str, ...] = field(default_factory=lambda: tuple(feature_names()))
    trained_on: dict = field(default_factory=dict)
    style_word: TfidfVectorizer | None = None
    style: LogisticRegression | None = None
    stack: LogisticRegression | None = None
    #: character n-grams (3 to 5, within words) of the text as written, weighted by
    #: ``char_scale`` against the word block; None in models made before them.
    char: TfidfVectorizer | None = None
    char_scale: float = 1.0

    def p_style(self, docs: Sequence[Doc]) -> np.ndarray:
        """p(the text is written like a real decision's allegations)."""
        if self.style is None or self.style_word is None or not docs:
            return np.ones(len(docs))
        x = fast_tfidf.transform(self.style_word, [words_text(d) for d in docs])
        return self.style.predict_proba(x)[:, list(self.style.classes_).index(1)]

    def combine(self, docs: Sequence[Doc], p_classifier: np.ndarray) -> np.ndarray:
        """p(B) for ``docs`` given the basis classifier's p(B) for them. The detector reads
        English (it learnt from English narratives and real decisions): a Japanese doc keeps
        the basis classifier's p(B)."""
        p_classifier = np.asarray(p_classifier, dtype=float)
        english = np.array([d.user_data.get("triage_lang") != "ja" for d in docs], dtype=bool)
        out = p_classifier.copy()
        if not english.any():
            return out
        docs = [d for d, e in zip(docs, english, strict=True) if e]
        own = self.p_b(docs)
        if self.stack is None:
            out[english] = own
            return out
        stacked = self.stack.predict_proba(stack_design(own, p_classifier[english]))[
            :, list(self.stack.classes_).index(1)]
        real_style = self.p_style(docs)
        out[english] = real_style * own + (1 - real_style) * stacked
        return out

    def design(self, docs: Sequence[Doc]) -> sparse.csr_matrix:
        written = [words_text(d) for d in docs]
        blocks = []
        if self.word is not None:
            blocks.append(fast_tfidf.transform(self.word, [neutral_text(t) for t in written]))
        if self.char is not None:
            blocks.append(fast_tfidf.transform(self.char, written) * self.char_scale)
        blocks.append(sparse.csr_matrix(numeric(docs) * NUMERIC_SCALE))
        return sparse.hstack(blocks, format="csr")

    def p_b(self, docs: Sequence[Doc]) -> np.ndarray:
        if not docs:
            return np.zeros(0)
        column = list(self.classifier.classes_).index(1)
        return self.classifier.predict_proba(self.design(docs))[:, column]


def fit(docs: Sequence[Doc], is_b: Sequence[bool], weights: Sequence[float] | None = None,
        *, c: float = 2.0, char_scale: float | None = None, words: bool = True
        ) -> BDetector:
    """Fit on ``docs`` (1 = outside the Convention grounds), each row weighted; with
    ``char_scale``, character n-grams of the text as written join the neutralised words;
    without ``words`` (character n-grams required), they replace them."""
    if not words and not char_scale:
        raise ValueError("a detector without words needs its character n-grams")
    written = [words_text(d) for d in docs]
    word = None
    if words:
        word = TfidfVectorizer(lowercase=True, strip_accents="unicode", ngram_range=(1, 2),
                               min_df=3, max_features=30_000, sublinear_tf=True,
                               stop_words="english")
        word.fit([neutral_text(t) for t in written])
    char = None
    if char_scale:
        char = TfidfVectorizer(lowercase=True, strip_accents="unicode", analyzer="char_wb",
                               ngram_range=(3, 5), min_df=3, max_features=60_000,
                               sublinear_tf=True)
        char.fit(written)
    classifier = LogisticRegression(C=c, max_iter=4000, class_weight="balanced")
    detector = BDetector(word=word, classifier=classifier, char=char,
                         char_scale=float(char_scale or 1.0))
    y = np.asarray([1 if b else 0 for b in is_b])
    classifier.fit(detector.design(docs), y,
                   sample_weight=None if weights is None else np.asarray(weights, dtype=float))
    return detector


def fit_style(texts: Sequence[str], is_real: Sequence[bool]
              ) -> tuple[TfidfVectorizer, LogisticRegression]:
    """The style gate: real decisions' allegations (1) against the project's narratives (0),
    read from single words as written (voice included, unlike the detector)."""
    word = TfidfVectorizer(lowercase=True, strip_accents=None, ngram_range=(1, 1), min_df=3,
                           max_features=5_000, sublinear_tf=True)
    x = word.fit_transform(texts)
    style = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced")
    style.fit(x, np.asarray([1 if r else 0 for r in is_real]))
    return word, style


def fit_stack(p_detector: np.ndarray, p_classifier: np.ndarray, is_b: Sequence[bool]
              ) -> LogisticRegression:
    """The combination of the detector's and the basis classifier's p(B) on the narratives."""
    stack = LogisticRegression(C=1.0, max_iter=2000)
    stack.fit(stack_design(p_detector, p_classifier), np.asarray([1 if b else 0 for b in is_b]))
    return stack
