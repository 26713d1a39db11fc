"""What drives a case's COI suggestions: the claim's distinctive words, never stop words or
boilerplate ("including", "prices"), in English or Japanese, and never a word so common in
the library that it tells passages apart no better than "the"."""

from __future__ import annotations

from datetime import date

from coi.suggest import COMMON_SHARE, claim_terms, suggest, term_weights
from workbench.core.db import unit_of_work

TODAY = date(2026, 11, 23)

NARRATIVE = ("I am a Hazara from Ghazni. The Taliban stopped our bus at a checkpoint, "
             "including my brother, and searched us because we are Shia. Prices rose and we "
             "had no money, including for the passport, which is why my family sent me abroad "
             "and why I fear return.")


def test_stop_words_and_boilerplate_are_not_key_terms() -> None:
    terms = claim_terms(NARRATIVE)
    assert {"hazara", "taliban", "checkpoint", "shia", "passport"} <= set(terms)
    for word in ("including", "prices", "money", "which", "why", "and", "our"):
        assert word not in terms, word


def test_japanese_function_words_are_not_key_terms() -> None:
    terms = claim_terms("私はハザラ人であり、タリバンに検問所で拘束されました。"
                        "そのため、帰国することはできません。")
    assert {"ハザ", "タリ", "検問", "拘束", "帰国"} <= set(terms)
    # Pairs with hiragana are particles and endings (私は, された, ことは), not subjects.
    for pair in ("私は", "まし", "した", "こと", "とは", "ため", "その", "ンに", "束さ"):
        assert pair not in terms, pair


def test_words_common_to_most_passages_carry_no_weight() -> None:
    weights = term_weights({"hazara": 12, "people": 400, "checkpoint": 3}, passages=500)
    assert weights["people"] == 0.0          # in 80 % of the passages
    assert weights["checkpoint"] > weights["hazara"] > 0.0
    assert 400 / 500 > COMMON_SHARE


def test_suggestions_are_not_matched_on_boilerplate(library) -> None:  # noqa: ANN001
    with unit_of_work(library.engine, write=False) as session:
        found = suggest(session, nationality="AFG", narrative=NARRATIVE, today=TODAY)
    assert found
    for suggestion in found:
        assert not {"including", "prices", "money"} & set(suggestion.matched_words), \
            suggestion.reasons
        assert not any("including" in r or "prices" in r for r in suggestion.reasons)
    # The passage about passport prices is not suggested on "prices" and "passport" alone
    # ahead of the passages about Hazara at Taliban checkpoints.
    assert any("hazara" in s.matched_words for s in found[:3])
