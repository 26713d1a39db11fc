"""The nexus veto read at the clause (``triage.features.read``): a Convention ground vetoes
Category B when it is the reason for the harm or the persecutor's motive, not when it is only
mentioned. Sentences written for these tests."""

from __future__ import annotations

import pytest

from triage import features, nlp


@pytest.mark.parametrize(("text", "how"), [
    ("Soldiers beat him because of his political opinion.", "motive"),
    ("They targeted him for being Tamil.", "motive"),
    ("She was threatened on account of her religion.", "motive"),
    ("The police detained him and questioned him about the PKK.", "motive"),
    ("He was arrested at a protest in the capital.", "clause"),
    ("He was photographed by police at an anti-government demonstration.",
     "state_political"),
])
def test_a_ground_tied_to_the_harm_is_linked(text: str, how: str) -> None:
    reading = features.read(nlp.analyse(text))
    assert [link.how for link in reading.links] == [how]
    assert features.linked_sentences(nlp.analyse(text)) == {0}


@pytest.mark.parametrize("text", [
    "The gang leader has political connections and the police did nothing when the gang "
    "extorted him.",
    "The men threatened him before the election.",
    "She attended church on Sundays; the cartel demanded money from her shop.",
    "His cousin is a member of a political party. The neighbours beat him over a debt.",
    "He was never threatened because of his political opinion.",
])
def test_a_ground_only_mentioned_does_not_veto(text: str) -> None:
    assert not features.linked_sentences(nlp.analyse(text))


def test_crime_and_unlinked_grounds_are_reported() -> None:
    doc = nlp.analyse("The gang demanded money every week. The gang leader has political "
                      "connections and the police did nothing.")
    reading = features.read(doc)
    assert reading.crime == (0, 1)
    assert reading.unlinked == (1,)
    assert not reading.links


def test_reading_vector_does_not_grow_with_length() -> None:
    short = features.reading_vector(nlp.analyse(
        "Soldiers beat him because of his political opinion. He fled."))
    longer = features.reading_vector(nlp.analyse(
        " ".join(["Soldiers beat him because of his political opinion. He fled."] * 5)))
    assert short == pytest.approx(longer)


def test_the_suggestion_says_which_sentence_stopped_b() -> None:
    from triage.engine import TriageInput, Triager

    triager = Triager.from_files()
    suggestion = triager.suggest(TriageInput(
        narrative="The gang demanded money from my shop every week and beat me when I "
                  "refused. Later soldiers arrested me because of my political opinion and "
                  "tortured me in detention.", nationality="SLV"))
    assert suggestion.category != "B"
    linked = [n for n in suggestion.not_b if n.kind == "linked_ground"]
    assert linked and "because of my political opinion" in (linked[0].sentence or "")
    assert any(r.startswith("Not B:") for r in suggestion.reasons)
    assert suggestion.to_record()["not_b"][0]["kind"] == "linked_ground"


def test_no_why_not_b_without_crime_cues() -> None:
    from triage.engine import TriageInput, Triager

    suggestion = Triager.from_files().suggest(TriageInput(
        narrative="Soldiers arrested me because of my political opinion and tortured me.",
        nationality="MMR"))
    assert suggestion.not_b == ()
