"""The triage spaCy pipeline and its cue lexicon: what a reader of a narrative would expect the
cues to say (which ground, negated or not, a fear or an event), and that a broken cue file is
refused with a message naming the entry at fault."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from triage import nlp
from triage.cues import FAMILIES, CueLexiconError, default_lexicon, load, parse, stem
from triage.nlp import CueHit


@pytest.fixture(scope="module")
def pipeline() -> Language:
    """The shared pipeline of the process, built from the shipped cue file once."""
    return nlp.pipeline()


def cues_of(pipeline: Language, text: str) -> list[CueHit]:
    return list(pipeline(text)._.cues)


def hits(pipeline: Language, text: str, cue_type: str) -> list[CueHit]:
    return [h for h in cues_of(pipeline, text) if h.type == cue_type]


# --- every cue type fires ---------------------------------------------------------------------

#: One plain sentence per cue type of data/triage/cues.toml.
SENTENCES = {
    "ground_race": "I belong to the Rohingya people.",
    "ground_religion": "I converted to Christianity last year.",
    "ground_nationality": "The authorities took away my citizenship and I am now stateless.",
    "ground_social_group": "I am gay and my family found out.",
    "ground_political": "I am a member of the opposition party.",
    "b_debt_property": "I borrowed money from a moneylender to build a house.",
    "b_hardship_work": "I want to keep working in Japan to support my family.",
    "b_private_trouble": "My neighbour and I had a quarrel about a goat.",
    "b_general_insecurity": "Robbers broke into my shop at night.",
    "conflict": "Shelling destroyed our town during the civil war.",
    "agent_state": "Soldiers came to our village.",
    "agent_non_state": "A gang came to our village.",
    "harm": "They kidnapped my son.",
    "state_protection": "The police took my complaint and caught the thieves.",
    "new_circumstance": "Last month my mother received a letter.",
}


def test_every_cue_type_of_the_lexicon_has_a_sentence_here() -> None:
    assert set(SENTENCES) == set(default_lexicon().names)


@pytest.mark.parametrize("cue_type", sorted(SENTENCES))
def test_each_cue_type_fires_on_a_plain_sentence(pipeline: Language, cue_type: str) -> None:
    text = SENTENCES[cue_type]
    found = hits(pipeline, text, cue_type)
    assert found, f"{cue_type} did not fire on {text!r}: {cues_of(pipeline, text)}"
    family = default_lexicon().by_name()[cue_type].family
    assert family in FAMILIES
    for hit in found:
        assert hit.family == family
        assert text[hit.start:hit.end] == hit.text
        assert hit.sentence == 0
        assert hit.asserted and not hit.weak


# --- negation ---------------------------------------------------------------------------------


def test_never_politically_active_negates_the_political_cue(pipeline: Language) -> None:
    found = hits(pipeline, "I was never politically active.", "ground_political")
    assert [h.text for h in found] == ["politically"]
    assert all(h.negated and not h.asserted for h in found)


def test_not_because_of_my_religion_is_negated(pipeline: Language) -> None:
    found = hits(pipeline, "I left my country, but not because of my religion.",
                 "ground_religion")
    assert [h.text for h in found] == ["religion"]
    assert found[0].negated


def test_no_one_threatened_me_negates_the_ground(pipeline: Language) -> None:
    text = "No one threatened me because of my ethnicity."
    ground = hits(pipeline, text, "ground_race")
    assert [h.text for h in ground] == ["ethnicity"]
    assert ground[0].negated
    assert all(h.negated for h in hits(pipeline, text, "harm"))


def test_but_ends_the_reach_of_a_negation(pipeline: Language) -> None:
    text = "I am not a member of any party but they think I support the opposition."
    found = hits(pipeline, text, "ground_political")
    assert [h.text for h in found] == ["opposition"]
    assert not found[0].negated


@pytest.mark.parametrize(("text", "negated", "asserted"), [
    # Without "but" both cues would be within the window of "not".
    ("They did not arrest me but they beat me.", "arrest", "beat"),
    ("I was not a member but my brother is an activist.", None, "activist"),
])
def test_a_terminator_inside_the_window_stops_the_negation(pipeline: Language, text: str,
                                                           negated: str | None,
                                                           asserted: str) -> None:
    found = {h.text: h for h in cues_of(pipeline, text)}
    assert not found[asserted].negated
    if negated:
        assert found[negated].negated


def test_not_only_does_not_negate(pipeline: Language) -> None:
    text = "They hated me not only for my religion but also for my politics."
    assert [h.negated for h in hits(pipeline, text, "ground_religion")] == [False]
    assert [h.negated for h in hits(pipeline, text, "ground_political")] == [False]
    # The same sentence without "only" does negate.
    assert [h.negated for h in hits(pipeline, "They hated me not for my religion.",
                                    "ground_religion")] == [True]


@pytest.mark.parametrize(("text", "cue_type"), [
    ("Politics was not the reason I left.", "ground_political"),
    ("Religion had nothing to do with it.", "ground_religion"),
])
def test_negation_after_the_cue(pipeline: Language, text: str, cue_type: str) -> None:
    found = hits(pipeline, text, cue_type)
    assert found and all(h.negated for h in found)


def test_negation_does_not_reach_into_the_next_clause(pipeline: Language) -> None:
    text = "I never wanted any trouble and the police tortured me."
    found = hits(pipeline, text, "harm")
    assert [h.text for h in found] == ["tortured"]
    assert not found[0].negated


# --- hypothetical -----------------------------------------------------------------------------


def test_a_feared_arrest_is_hypothetical(pipeline: Language) -> None:
    found = hits(pipeline, "If I return the police will arrest me.", "harm")
    assert [h.text for h in found] == ["arrest"]
    assert found[0].hypothetical
    assert not found[0].negated
    assert not found[0].asserted


def test_a_past_arrest_is_asserted(pipeline: Language) -> None:
    found = hits(pipeline, "The police arrested me and beat me in 2019.", "harm")
    assert [h.text for h in found] == ["arrested", "beat"]
    for hit in found:
        assert not hit.hypothetical and not hit.negated and hit.asserted


# --- Japanese ---------------------------------------------------------------------------------


def test_japanese_text_finds_debt_and_a_negated_politics_cue(pipeline: Language) -> None:
    text = "借金があります。私は政治活動はしていない。"
    found = cues_of(pipeline, text)
    debt = [h for h in found if h.type == "b_debt_property"]
    politics = [h for h in found if h.type == "ground_political"]
    assert [h.text for h in debt] == ["借金"]
    assert debt[0].asserted
    assert [h.text for h in politics] == ["政治活動"]  # the whole term, one hit
    assert politics[0].negated
    for hit in found:
        assert text[hit.start:hit.end] == hit.text


def test_japanese_negation_stays_in_its_clause(pipeline: Language) -> None:
    found = hits(pipeline, "警察に逮捕されて、家族に会えない。", "harm")
    assert [h.text for h in found] == ["逮捕"]
    assert not found[0].negated


# --- the light stemmer ------------------------------------------------------------------------


def test_stemmer_keeps_national_and_nationality_apart(pipeline: Language) -> None:
    assert stem("national") != stem("nationality")
    assert not hits(pipeline, "My national team won the cup.", "ground_nationality")
    assert hits(pipeline, "My nationality is Nepali.", "ground_nationality")


def test_stemmer_keeps_protests_and_protestant_apart(pipeline: Language) -> None:
    assert stem("protests") != stem("Protestant")
    protests = {h.type for h in cues_of(pipeline, "I joined the protests.")}
    protestant = {h.type for h in cues_of(pipeline, "I am a Protestant.")}
    assert "ground_political" in protests and "ground_religion" not in protests
    assert "ground_religion" in protestant and "ground_political" not in protestant


def test_stemmer_joins_arrested_and_arrests(pipeline: Language) -> None:
    assert stem("arrested") == stem("arrests") == stem("arrest")
    text = "The police arrests people every day. The police arrested me."
    assert [h.text for h in hits(pipeline, text, "harm")] == ["arrests", "arrested"]


# --- malformed cue files ----------------------------------------------------------------------

VALID_CUE = {"family": "b", "terms": ["debt"]}


def test_a_file_that_is_not_toml_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "broken-cues.toml"
    path.write_text('version = "1"\n[cue.debt\nfamily = "b"\n', encoding="utf-8")
    with pytest.raises(CueLexiconError, match="broken-cues.toml"):
        load(path)


@pytest.mark.parametrize(("entry", "message"), [
    ({"family": "b", "terms": []}, "'terms'"),
    ({"family": "b"}, "'terms'"),
    ({"family": "b", "terms": "debt"}, "'terms'"),
    ({"family": "grounds", "terms": ["debt"]}, "'grounds'"),
    ({"terms": ["debt"]}, "family None"),
], ids=["empty-terms", "no-terms", "terms-not-a-list", "bad-family", "no-family"])
def test_a_malformed_cue_names_the_entry(entry: dict, message: str) -> None:
    data = {"cue": {"debt": VALID_CUE, "faulty_entry": entry}}
    with pytest.raises(CueLexiconError, match=r"\[cue\.faulty_entry\]") as caught:
        parse(data)
    assert message in str(caught.value)


def test_a_cue_file_with_a_bad_family_is_refused_on_load(tmp_path: Path) -> None:
    path = tmp_path / "cues.toml"
    path.write_text('version = "x"\n[cue.odd_one]\nfamily = "politics"\nterms = ["vote"]\n',
                    encoding="utf-8")
    with pytest.raises(CueLexiconError, match=r"\[cue\.odd_one\].*'politics'"):
        load(path)


def test_a_cue_file_without_cues_is_refused() -> None:
    with pytest.raises(CueLexiconError, match="no"):
        parse({"version": "1"})


def test_a_malformed_negation_window_names_the_section() -> None:
    with pytest.raises(CueLexiconError, match=r"\[negation\]"):
        parse({"cue": {"debt": VALID_CUE}, "negation": {"window": "wide"}})


def test_a_small_valid_cue_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "cues.toml"
    path.write_text('version = "t1"\n[cue.debt]\nfamily = "b"\nb_reason = "debt_property"\n'
                    'terms = ["loan shark"]\n', encoding="utf-8")
    lexicon = load(path)
    assert lexicon.version == "t1"
    assert lexicon.names == ("debt",)
    assert lexicon.cue_types[0].terms == (("loan", "shark"),)


@pytest.mark.parametrize("data", [
    {"cue": {"faulty_entry": {"family": "b", "terms": ["debt", 42]}}},
    {"cue": {"faulty_entry": "debt"}},
    {"cue": {"faulty_entry": {"family": "b", "terms": ["debt"], "weak": "loan"}}},
    {"cue": {"faulty_entry": {"family": "b", "terms": ["debt"], "ja": "借金"}}},
    {"cue": {"debt": VALID_CUE}, "negation": {"before": "not"}},
], ids=["term-not-a-string", "entry-not-a-table", "weak-is-a-string", "ja-is-a-string",
        "negation-before-is-a-string"])
def test_other_malformed_entries_are_refused(data: dict) -> None:
    with pytest.raises(CueLexiconError, match=r"faulty_entry|negation"):
        parse(data)


# --- questions, denied claims, lists of grounds, places ----------------------------------------

def test_a_question_put_to_the_applicant_asserts_nothing(pipeline: Language) -> None:
    from triage.features import nexus_sentences

    for text in ("Q: Has anyone threatened you because of your religion or because of politics?",
                 "Asked whether anyone had threatened him because of his ethnicity, he said no."):
        found = cues_of(pipeline, text)
        grounds = [h for h in found if h.family == "ground"]
        assert grounds and all(h.question for h in grounds), text
        assert not nexus_sentences(found), text
    answer = cues_of(pipeline, "He said they beat him because of his religion.")
    assert nexus_sentences(answer) and not any(h.question for h in answer)


def test_a_denied_claim_reaches_to_the_end_of_its_clause(pipeline: Language) -> None:
    text = ("The claimant does not suggest that the men who came to the shop were ever "
            "interested in his religion or his politics.")
    grounds = [h for h in cues_of(pipeline, text) if h.family == "ground"]
    assert {h.type for h in grounds} == {"ground_religion", "ground_political"}
    assert all(h.negated for h in grounds)


def test_a_negation_runs_along_a_list_of_grounds(pipeline: Language) -> None:
    text = ("He was not targeted because of his race, religion, nationality, membership of a "
            "particular social group or political opinion.")
    grounds = [h for h in cues_of(pipeline, text) if h.family == "ground"]
    assert len({h.type for h in grounds}) >= 4
    assert all(h.negated for h in grounds)
    # … but not past a new clause with its own subject
    mixed = cues_of(pipeline, "He was not arrested for his politics, but the police beat him "
                              "because he is a Kurd.")
    kurd = [h for h in mixed if h.text == "Kurd"]
    assert kurd and not kurd[0].negated


def test_a_place_of_worship_names_a_place_not_a_ground(pipeline: Language) -> None:
    from triage.features import nexus_sentences

    found = cues_of(pipeline, "His neighbour's sons beat him near the mosque over the debt.")
    assert [h.weak for h in found if h.type == "ground_religion"] == [True]
    assert not nexus_sentences(found)
    strong = cues_of(pipeline, "They burned our house church and beat the pastor.")
    assert nexus_sentences(strong)


def test_japanese_sentences_are_split_at_their_end_marks(pipeline: Language) -> None:
    doc = pipeline("私は借金があります。債権者に脅されました！日本で働きたいです？")
    assert [s.text for s in doc.sents] == ["私は借金があります。", "債権者に脅されました！",
                                           "日本で働きたいです？"]


def test_cached_text_and_sentences_match_spacy() -> None:
    """The pipeline keeps each doc's text and sentences (spaCy rebuilds them token by token);
    they must be exactly what spaCy would give, or offsets would shift."""
    from triage.model import marked_text

    texts = ["  He never joined any party.\n\nThe gang   extorted him; he   refused to pay!  ",
             "Q: were you harmed because of your religion? A: no.", "", "私は逮捕された。"]
    for doc in nlp.analyse_many(texts):
        assert nlp.text_of(doc) == doc.text
        assert [s.text for s in nlp.sentences_of(doc)] == [s.text for s in doc.sents]
        negated = {i for h in doc._.cues or [] if h.negated for i in range(h.start, h.end)}
        if doc.user_data.get("triage_lang") == "ja":
            # Japanese is read as its normalised words, spaced.
            expected = " ".join(f"neg_{t.norm_}" if t.idx in negated else t.norm_
                                for t in doc if not t.is_space)
        else:
            expected = (" ".join(f"neg_{t.text}" if t.idx in negated else t.text for t in doc)
                        if negated else doc.text)
        assert marked_text(doc) == expected
