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

from triage.cues import default_lexicon
from triage.features import READING_FEATURES, reading_vector
from triage.nlp import sentences_of, text_of

_ANON = re.compile(r"\bX{2,}\w*|\b[A-Z]{2,3}\d-\d{5}\b")
_PERSON = re.compile(
    r"\b(?:the )?(?:principal |male |female |minor |associate |adult |female |main )?"
    r"claimants?(?:'s|')?\b|\bapplicants?(?:'s|')?\b|\byou\b|\bi\b|\bhe\b|\bshe\b|\bwe\b|"
    r"\bthey\b|\bme\b|\bhim\b|\bus\b|\bthem\b", re.I)
_POSSESSIVE = re.compile(r"\b(?:his|her|your|my|their|our)\b", re.I)
_REPORTING = re.compile(
    r"\b(?:alleges?|alleged(?:ly)?|allegations?|states?|stated|testified|testimony|claims?|"
    r"claimed|says|said|submits|submitted|indicates?|indicated|explains?|explained|recounts?|"
    r"recounted|describes?|described|according to|asserts?|asserted|narrative|boc|pif)\b",
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


@dataclass
class BDetector:
    word: TfidfVectorizer
    classifier: LogisticRegression
    features: tuple[str, ...] = field(default_factory=lambda: tuple(feature_names()))
    trained_on: dict = field(default_factory=dict)

    def design(self, docs: Sequence[Doc]) -> sparse.csr_matrix:
        texts = [neutral_text(text_of(d)) for d in docs]
        return sparse.hstack([self.word.transform(texts),
                              sparse.csr_matrix(numeric(docs) * NUMERIC_SCALE)], format="csr")

    def p_b(self, docs: Sequence[Doc]) -> np.ndarray:
        if not docs:
            return np.zeros(0)
        column = list(self.classifier.classes_).index(1)
        return self.classifier.predict_proba(self.design(docs))[:, column]


def fit(docs: Sequence[Doc], is_b: Sequence[bool], weights: Sequence[float] | None = None,
        *, c: float = 2.0) -> BDetector:
    """Fit on ``docs`` (1 = outside the Convention grounds), each row weighted."""
    word = TfidfVectorizer(lowercase=True, strip_accents="unicode", ngram_range=(1, 2),
                           min_df=3, max_features=30_000, sublinear_tf=True,
                           stop_words="english")
    word.fit([neutral_text(text_of(d)) for d in docs])
    classifier = LogisticRegression(C=c, max_iter=4000, class_weight="balanced")
    detector = BDetector(word=word, classifier=classifier)
    y = np.asarray([1 if b else 0 for b in is_b])
    classifier.fit(detector.design(docs), y,
                   sample_weight=None if weights is None else np.asarray(weights, dtype=float))
    return detector
