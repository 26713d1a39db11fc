"""The compiled TF-IDF transform gives scikit-learn's matrix, value for value."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from triage import fast_tfidf

TRAINING = [
    "The police arrested me after the demonstration and beat me in detention.",
    "A gang demanded money from my shop; when I refused they burned my car.",
    "My uncle claimed the land and threatened to kill me over the inheritance.",
    "Soldiers came to the village at night.  They asked about my brother,\nwho is in the party.",
    "Je suis journaliste. La police m'a arrêté deux fois après mes articles.",
    "Café owners were extorted; the cartel's men came every week for the quota.",
    "I was a member of the opposition party and attended rallies in 2019 and 2020.",
    "警察に逮捕され、デモに参加したことについて取り調べを受けました。",
    "政府を批判する記事を書いたため、脅迫を受けました。",
    "a b c d e f g I o u",
    "The police refused to help; the gang said I would be killed.",
    "My family was threatened because my father is a judge.",
]

UNSEEN = [
    "",
    "   ",
    "a",
    "I",
    "x y",
    "The POLICE arrested   my brother\t\tand\n\nthe gang\u00a0demanded money.",
    "Ñandú naïve façade ﬁnance ① ² — “quoted” ‘single’ … emoji 🙂",
    "警察 に 逮捕 され ました。 デモ の 写真",
    "\x1c odd\x1fseparators\u2003and\u3000ideographic space",
    "party party party party party the the the gang gang",
    "Money money MONEY; extortion, extortion!",
    "word-with-hyphens and_underscores 123 4567 3.14",
] + TRAINING


def _same(vectoriser: TfidfVectorizer, texts: list[str]) -> None:
    expected = vectoriser.transform(texts)
    got = fast_tfidf.transform(vectoriser, texts)
    assert type(got) is type(expected)
    assert got.shape == expected.shape
    assert np.array_equal(got.indptr, expected.indptr)
    assert np.array_equal(got.indices, expected.indices)
    assert np.array_equal(got.data, expected.data)  # bit for bit, not approximately


@pytest.mark.parametrize("settings", [
    dict(analyzer="char_wb", ngram_range=(3, 5)),
    dict(analyzer="char_wb", ngram_range=(3, 5), strip_accents="unicode", sublinear_tf=True),
    dict(analyzer="char_wb", ngram_range=(1, 3), lowercase=False),
    dict(analyzer="char_wb", ngram_range=(4, 6), strip_accents="ascii"),  # short words whole
    dict(analyzer="char_wb", ngram_range=(2, 2), norm="l1", use_idf=False),
    dict(analyzer="word", ngram_range=(1, 2), strip_accents="unicode", sublinear_tf=True),
    dict(analyzer="word", ngram_range=(1, 2), stop_words="english"),
    dict(analyzer="word", ngram_range=(1, 1), lowercase=False, norm=None),
    dict(analyzer="word", ngram_range=(2, 3), stop_words=["the", "my", "and"]),
])
def test_matches_scikit_learn(settings):
    vectoriser = TfidfVectorizer(**settings).fit(TRAINING)
    _same(vectoriser, UNSEEN)
    for text in UNSEEN:  # alone, too: a text with no n-gram of some length
        _same(vectoriser, [text])
    assert fast_tfidf._COMPILED[vectoriser].reader is not None  # the fast path was taken


def test_one_text_at_a_time_and_in_a_batch_agree():
    vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).fit(TRAINING)
    batch = fast_tfidf.transform(vectoriser, UNSEEN).toarray()
    for i, text in enumerate(UNSEEN):
        assert np.array_equal(fast_tfidf.transform(vectoriser, [text]).toarray()[0], batch[i])


def test_long_inputs_are_read_in_slices_with_the_same_result(monkeypatch):
    vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).fit(TRAINING)
    whole = fast_tfidf.transform(vectoriser, UNSEEN)
    monkeypatch.setattr(fast_tfidf, "SLICE", 3)
    sliced = fast_tfidf.transform(vectoriser, UNSEEN)
    assert (whole != sliced).nnz == 0
    _same(vectoriser, UNSEEN)


def test_a_vocabulary_given_as_a_setting_is_compiled():
    fitted = TfidfVectorizer(ngram_range=(1, 2)).fit(TRAINING)
    terms = sorted(fitted.vocabulary_, key=fitted.vocabulary_.get)
    loaded = TfidfVectorizer(ngram_range=(1, 2), vocabulary=terms)
    loaded.idf_ = fitted.idf_
    _same(loaded, UNSEEN)


@pytest.mark.parametrize("settings", [
    dict(analyzer="char", ngram_range=(2, 4)),
    dict(analyzer=lambda text: text.split()),
    dict(tokenizer=str.split, token_pattern=None),
    dict(binary=True),
])
def test_settings_not_covered_fall_back_to_scikit_learn(settings):
    vectoriser = TfidfVectorizer(**settings).fit(TRAINING)
    _same(vectoriser, UNSEEN)
    assert fast_tfidf._COMPILED[vectoriser].reader is None


def test_the_shipped_model_reads_the_narratives_as_before():
    from triage import corpus
    from triage.model import load, marked_text
    from triage.nlp import analyse_many

    model = load()
    records = corpus.load()[:120]
    texts = [marked_text(doc) for doc in analyse_many([r.narrative for r in records])]
    for vectoriser in (model.word, model.char, model.b_detector.word):
        _same(vectoriser, texts)
