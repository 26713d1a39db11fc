"""The B detector's combination with the basis classifier and the mix-weighted B threshold.

Built on small made-up texts (never on the real decisions)."""

from __future__ import annotations

import numpy as np
import pytest

from triage import detector, nlp, training
from triage.model import rescale_b

_REAL_STYLE = ["The claimant alleges that XXXX men came to the store in 2016 and the claimant "
               "fled to Canada.", "The claimant's BOC narrative states that the claimant was "
               "threatened in XXXX and came to Canada.",
               "The principal claimant alleges that he reported XXXX to the police in Canada."]
_NARRATIVE_STYLE = ["I worked in Japan as a technical intern and my family needs money.",
                    "My neighbour fought with me over the fence and I came to Japan.",
                    "I want to keep working in Japan because my salary at home was small."]


def _fitted() -> detector.BDetector:
    texts = _REAL_STYLE * 4 + _NARRATIVE_STYLE * 4
    docs = list(nlp.analyse_many(texts))
    is_b = [i % 2 == 0 for i in range(len(docs))]
    found = detector.fit(docs, is_b)
    found.style_word, found.style = detector.fit_style(
        texts, [t in _REAL_STYLE for t in texts])
    # A combination that trusts the basis classifier alone: p(B) = its p(B).
    found.stack = detector.fit_stack(np.full(200, 0.5), np.linspace(0.01, 0.99, 200),
                                     np.linspace(0.01, 0.99, 200) > 0.5)
    return found


def test_the_style_gate_tells_real_style_from_narratives() -> None:
    found = _fitted()
    docs = list(nlp.analyse_many(_REAL_STYLE + _NARRATIVE_STYLE))
    style = found.p_style(docs)
    assert (style[:3] > 0.5).all() and (style[3:] < 0.5).all()


def test_a_real_style_text_is_read_by_the_detector_and_a_narrative_by_the_combination() -> None:
    found = _fitted()
    docs = list(nlp.analyse_many(_REAL_STYLE[:1] + _NARRATIVE_STYLE[:1]))
    own = found.p_b(docs)
    style = found.p_style(docs)
    classifier = np.array([0.97, 0.97])
    combined = found.combine(docs, classifier)
    stacked = found.stack.predict_proba(detector.stack_design(own, classifier))[:, 1]
    assert combined == pytest.approx(style * own + (1 - style) * stacked)
    # the narrative follows the classifier's high p(B) more than the real-style text does
    assert combined[1] - own[1] > combined[0] - own[0]


def test_without_a_combination_the_detector_alone_decides() -> None:
    found = _fitted()
    found.stack = None
    docs = list(nlp.analyse_many(_NARRATIVE_STYLE))
    assert found.combine(docs, np.ones(3)) == pytest.approx(found.p_b(docs))


def test_rescaled_probabilities_keep_the_combined_p_b() -> None:
    classes = ("convention", "conflict", "b_debt_property", "b_hardship_work")
    p = np.array([[0.5, 0.1, 0.3, 0.1]])
    out = rescale_b(p, np.array([0.8]), classes)
    assert out[0, 2:].sum() == pytest.approx(0.8) and out.sum() == pytest.approx(1.0)


def test_the_b_threshold_is_tuned_for_a_quarter_of_b_claims() -> None:
    """10 B and 90 other real decisions: at 0.62 the raw precision is 9/11 (0.82), but in a mix
    with a quarter B claims it is 0.93, so the threshold may take them in; at 10 % it may not."""
    narratives = np.r_[np.full(20, 0.95), np.full(80, 0.1)]
    narrative_b = np.r_[np.ones(20, bool), np.zeros(80, bool)]
    real_p = np.r_[np.full(9, 0.65), 0.2, np.full(2, 0.62), np.full(88, 0.1)]
    real_b = np.r_[np.ones(10, bool), np.zeros(90, bool)]
    none = np.zeros(100, bool)
    found = training._tune_with_real(narratives, narrative_b, none, real_p, real_b, none)
    assert found.b_accept <= 0.62
    # with the real decisions' own share of B (10 %), the same two wrong B would be too many
    strict = training.MIX_B_SHARE
    try:
        training.MIX_B_SHARE = 0.10
        assert training._tune_with_real(narratives, narrative_b, none, real_p, real_b,
                                        none).b_accept > 0.62
    finally:
        training.MIX_B_SHARE = strict


def test_character_ngrams_join_the_words_and_survive_saving(tmp_path) -> None:  # noqa: ANN001
    from triage import model as model_mod

    texts = _REAL_STYLE * 4 + _NARRATIVE_STYLE * 4
    docs = list(nlp.analyse_many(texts))
    is_b = [i % 2 == 0 for i in range(len(docs))]
    plain = detector.fit(docs, is_b)
    with_char = detector.fit(docs, is_b, char_scale=1.5)
    assert plain.char is None and with_char.char is not None
    assert with_char.design(docs[:2]).shape[1] > plain.design(docs[:2]).shape[1]
    basis = model_mod.fit(docs * 3, ["convention", "conflict", "b_debt_property",
                                     "b_hardship_work", "b_private_trouble",
                                     "b_general_insecurity"] * 12)
    basis.b_detector = with_char
    path = model_mod.save(basis, tmp_path / "m.skops")
    loaded = model_mod.load(path).b_detector
    assert loaded.char is not None and loaded.char_scale == 1.5
    assert loaded.p_b(docs) == pytest.approx(with_char.p_b(docs))


def test_a_character_only_detector_reads_no_words_and_survives_saving(tmp_path) -> None:  # noqa: ANN001
    from triage import model as model_mod

    texts = _REAL_STYLE * 4 + _NARRATIVE_STYLE * 4
    docs = list(nlp.analyse_many(texts))
    is_b = [i % 2 == 0 for i in range(len(docs))]
    with pytest.raises(ValueError, match="character n-grams"):
        detector.fit(docs, is_b, words=False)
    both = detector.fit(docs, is_b, char_scale=1.0)
    chars = detector.fit(docs, is_b, char_scale=1.0, words=False)
    assert chars.word is None and chars.char is not None
    assert chars.design(docs[:2]).shape[1] == (
        both.design(docs[:2]).shape[1] - len(both.word.vocabulary_))
    basis = model_mod.fit(docs * 3, ["convention", "conflict", "b_debt_property",
                                     "b_hardship_work", "b_private_trouble",
                                     "b_general_insecurity"] * 12)
    basis.b_detector = chars
    loaded = model_mod.load(model_mod.save(basis, tmp_path / "m.skops")).b_detector
    assert loaded.word is None
    assert loaded.p_b(docs) == pytest.approx(chars.p_b(docs))


def test_the_neutral_text_drops_the_voice_and_the_reporting() -> None:
    text = ("The principal claimant's BOC states that XXXX beat him; She said THEY took "
            "my money, according to QRS1-00000. I fled in 2016; his uncle, hearing them, "
            "claimed it. Theirs is a claimants' story: Ｉ and İ stay.")
    assert detector.neutral_text(text) == (
        " person      that   beat  person ;  person     person  took  person_s  money,    . "
        " person  fled in 0;  person_s  uncle, hearing  person ,   it. theirs is a  person ' "
        "story: ｉ and  person  stay.")
