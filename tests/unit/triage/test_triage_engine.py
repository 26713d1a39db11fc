"""The triage engine with the shipped model: clear-cut claims get the category an officer would
expect, doubtful ones abstain with a reason, every suggestion names the versions that made it
and shows its evidence. Then the sorting rules on hand-made readings (every branch), the
sentence novelty of repeat claims, and the model file (no pickle, allow-listed types only)."""

from __future__ import annotations

import collections
import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
import skops.io as sio

from triage import nlp
from triage.cues import default_lexicon
from triage.engine import Suggestion, TriageInput, Triager
from triage.model import (
    BASIS_CLASSES,
    MODEL_FILE,
    TRUSTED_TYPES,
    ModelFileError,
    Thresholds,
    load,
    save,
)
from triage.novelty import PAIR_FEATURES, Novelty, compare, pair_features
from triage.rules import (
    REPEAT_UNSURE,
    RULES_VERSION,
    THIRD_APPLICATION_EXCEPTION_FROM,
    Facts,
    JapanSorting,
    Reading,
    third_application_exception,
)

ROOT = Path(__file__).resolve().parents[3]
CATEGORIES = {"A", "B", "C", "D1", "D2", "NA", "ABSTAIN"}


@pytest.fixture(scope="module")
def triager() -> Triager:
    """The shipped model (data/triage/model/triage.skops), loaded once for this module."""
    return Triager.from_files()


def p_b(suggestion: Suggestion) -> float:
    return sum(v for k, v in suggestion.probabilities.items() if k.startswith("b_"))


def rounded(suggestion: Suggestion) -> dict[str, float]:
    return {k: round(v, 3) for k, v in suggestion.probabilities.items()}


# --- narratives -------------------------------------------------------------------------------

DEBT = (
    "I borrowed money from a moneylender in my village to build a house. The debt grew with "
    "the interest and I have no money to repay the loan. The moneylender keeps asking my wife "
    "for repayment. I have no political problems and I have never been involved in politics. "
    "I have no problem because of my religion or my ethnicity. The only reason I cannot go "
    "back is this debt."
)
WORK = (
    "I came to Japan as a technical intern to earn money for my family. My family is poor and "
    "there is no work in my village. I want to keep working in Japan and send money home to "
    "support my family. My salary here is much better than anything I could earn at home. "
    "I have no political problems and nobody has threatened me. I have no problem because of "
    "my religion or my ethnicity."
)
POLITICAL = (
    "I am a member of the opposition party and I organised protests against the government. "
    "In March 2019 the police arrested me at a rally and detained me for two weeks. "
    "In detention the police tortured me because of my political opinion and accused me of "
    "being a traitor. After my release soldiers came to my house and threatened to kill me if "
    "I continued my political activities."
)
#: The political claim again, with a new raid, detention and warrant told in detail.
POLITICAL_WITH_NEWS = POLITICAL + (
    " Since my previous application was refused, new things happened. Last month officers "
    "from the intelligence service raided my family home in Dhaka at night, seized my brother, "
    "and interrogated him for three days about where I am hiding. On 3 May 2024 a magistrate "
    "issued a warrant naming me as an anti-state conspirator. My lawyer sent me a copy of this "
    "warrant, which I submit as new evidence."
)
JAPANESE = ("私は野党の党員として政治活動をしていたため、警察に逮捕され、拷問を受けました。"
            "帰国すれば再び逮捕されるのが怖いです。")


def visitor(narrative: str, **kw: object) -> TriageInput:
    kw.setdefault("nationality", "BGD")
    kw.setdefault("status_of_residence", "TEMPORARY_VISITOR")
    return TriageInput(narrative, **kw)


# --- categories with the shipped model --------------------------------------------------------


def test_a_debt_claim_that_denies_any_convention_problem_is_b_debt(triager: Triager) -> None:
    s = triager.suggest(TriageInput(DEBT, nationality="NPL",
                                    status_of_residence="TECHNICAL_INTERN"))
    assert (s.category, s.b_reason) == ("B", "debt_property"), rounded(s)
    assert s.to_record()["b_reason"] == "debt_property"
    assert s.reasons and not s.abstain_reasons


def test_a_wish_to_work_claim_is_b_hardship(triager: Triager) -> None:
    s = triager.suggest(TriageInput(WORK, nationality="VNM",
                                    status_of_residence="TECHNICAL_INTERN"))
    assert (s.category, s.b_reason) == ("B", "hardship_work"), rounded(s)
    assert s.to_record()["b_reason"] == "hardship_work"


def test_political_torture_from_a_non_a_country_visitor_is_d2(triager: Triager) -> None:
    s = triager.suggest(visitor(POLITICAL))
    assert s.category == "D2", rounded(s)
    assert s.basis == "convention"
    assert s.to_record()["b_reason"] is None
    assert s.a_list_reason is None


def test_the_same_claim_after_the_activities_ceased_is_d1(triager: Triager) -> None:
    s = triager.suggest(visitor(POLITICAL, activities_ceased=True))
    assert s.category == "D1", rounded(s)


def test_the_same_claim_from_an_a_list_country_is_a(triager: Triager) -> None:
    s = triager.suggest(visitor(POLITICAL, nationality="AFG"))
    assert s.category == "A", rounded(s)
    assert s.a_list_reason
    assert s.to_record()["a_list_reason"] == s.a_list_reason
    assert any("Category A list" in r for r in s.reasons)


def test_a_debt_claim_with_torture_for_religion_is_never_b(triager: Triager) -> None:
    text = DEBT + " When I went to the church the police tortured me because of my religion."
    s = triager.suggest(TriageInput(text, nationality="NPL",
                                    status_of_residence="TECHNICAL_INTERN"))
    assert s.category != "B", rounded(s)
    if s.category == "ABSTAIN":
        assert any("Convention ground" in r for r in s.abstain_reasons)


def test_torture_for_religion_after_an_unrelated_denial_is_never_b(triager: Triager) -> None:
    text = (DEBT + " I never wanted any trouble and the police tortured me because I am a "
            "Christian.")
    s = triager.suggest(TriageInput(text, nationality="NPL",
                                    status_of_residence="TECHNICAL_INTERN"))
    assert s.category != "B", rounded(s)


def test_no_status_is_outside_the_sorting(triager: Triager) -> None:
    s = triager.suggest(visitor(POLITICAL, status_of_residence="NO_STATUS"))
    assert s.category == "NA"
    assert s.reasons


@pytest.mark.parametrize("narrative", ["", "   \n  "], ids=["empty", "blank"])
def test_an_empty_narrative_abstains_with_a_reason(triager: Triager, narrative: str) -> None:
    s = triager.suggest(visitor(narrative))
    assert s.category == "ABSTAIN"
    assert s.abstained
    assert any("empty" in r for r in s.abstain_reasons)


JAPANESE_DEBT = ("私は村の金貸しから五十万円を借りましたが、商売に失敗して返済できませんでした。"
                 "金貸しの手下が家に来て、返さなければ家を取ると脅しました。"
                 "政治活動はしたことがなく、宗教や民族の問題もありません。"
                 "日本で働いて借金を返したいです。")


def test_a_japanese_political_claim_is_read_and_not_b(triager: Triager) -> None:
    s = triager.suggest(visitor(JAPANESE))
    assert s.language == "ja"
    assert s.category == "D2", (s.reasons, s.abstain_reasons)
    cues = {c.type for e in s.evidence for c in e.cues}
    assert {"ground_political", "harm"} <= cues
    assert s.evidence[0].sentence.endswith("。")  # one Japanese sentence, not the whole text


def test_a_japanese_debt_claim_is_b_with_its_reason(triager: Triager) -> None:
    s = triager.suggest(visitor(JAPANESE_DEBT))
    assert (s.category, s.b_reason) == ("B", "debt_property"), (s.reasons, s.abstain_reasons)
    denial = nlp.analyse("政治活動はしたことがなく、宗教の問題もありません。")
    grounds = [h for h in denial._.cues if h.family == "ground"]
    assert {h.type for h in grounds} == {"ground_political", "ground_religion"}
    assert all(h.negated for h in grounds)


def test_a_japanese_repeat_claim_with_new_harm_is_compared_and_not_c(triager: Triager
                                                                       ) -> None:
    news = JAPANESE_DEBT + "先月、金貸しの手下が兄を殴り、家に火をつけました。"
    s = triager.suggest(visitor(news, application_number=2, previous_narratives=(JAPANESE_DEBT,)))
    assert s.category != "C", (s.reasons, s.abstain_reasons)
    assert not any("does not read" in r for r in s.abstain_reasons)
    assert s.new_share is not None and s.new_share > 0  # the comparison is shown
    assert any(n.status == "new" and n.material for n in s.novelty.sentences)


def test_a_narrative_in_another_script_abstains(triager: Triager) -> None:
    s = triager.suggest(visitor("Мой кредитор угрожал мне, потому что я не вернул долг."))
    assert s.category == "ABSTAIN"
    assert any("neither English nor Japanese" in r for r in s.abstain_reasons)


def test_a_claim_in_german_is_left_to_a_person_with_no_probability(triager: Triager) -> None:
    # Read as English, this arrest by the police was suggested B ("hardship or work").
    s = triager.suggest(visitor("Ich wurde von der Polizei verhaftet und geschlagen, weil ich "
                                "in der Opposition war."))
    assert s.category == "ABSTAIN"
    assert s.language == "de"
    assert any("neither English nor Japanese" in r for r in s.abstain_reasons)
    assert s.p_b is None and s.basis is None and s.b_reason is None
    assert s.to_record()["probabilities"] == {}


def test_an_empty_narrative_has_no_probability_of_b(triager: Triager) -> None:
    s = triager.suggest(visitor("   "))
    assert s.category == "ABSTAIN"
    assert s.p_b is None


def test_a_too_short_crime_claim_gets_no_note_on_why_it_is_not_b(triager: Triager) -> None:
    s = triager.suggest(visitor("Gangs extorted me."))
    assert s.category == "ABSTAIN" and s.p_b is None
    assert s.not_b == () and s.reasons == ()


def test_a_narrative_with_a_lone_surrogate_is_read(triager: Triager) -> None:
    s = triager.suggest(visitor(POLITICAL.replace("rally", "rally \udcff\x00")))
    assert s.category in {"D1", "D2"}, (s.reasons, s.abstain_reasons)
    assert s.p_b is not None and s.p_b < 0.5
    assert "\ufffd" in TriageInput(narrative="a\udcffb\x00").narrative


# --- repeat applications ----------------------------------------------------------------------


def test_a_repeat_claim_that_restates_the_earlier_one_is_c(triager: Triager) -> None:
    s = triager.suggest(visitor(POLITICAL + " My situation has not changed.",
                                application_number=2, previous_narratives=(POLITICAL,),
                                previous_labels=("2023-R-0042",)))
    assert s.category == "C", (s.abstain_reasons, rounded(s))
    assert s.repeats == 0
    assert s.repeats_label == "2023-R-0042"
    record = s.to_record()
    assert record["repeats"] == 0
    assert record["new_share"] < 0.2
    assert "earlier claim no. 1" in s.reasons[0]


def test_a_repeat_claim_with_a_new_detailed_raid_and_warrant_is_not_c(
        triager: Triager) -> None:
    s = triager.suggest(visitor(POLITICAL_WITH_NEWS, application_number=2,
                                previous_narratives=(POLITICAL,)))
    assert s.category != "C", s.reasons
    assert s.repeats is None
    material = [x.text for x in s.novelty.sentences if x.material]
    assert any("warrant" in t for t in material)
    assert any("intelligence service" in t for t in material)


def test_a_repeat_claim_with_a_new_arrest_in_familiar_words_is_not_c(triager: Triager) -> None:
    text = POLITICAL + (
        " Last month the police arrested my brother and searched our house looking for me. "
        "A court has now issued a new arrest warrant against me for my political activities.")
    s = triager.suggest(visitor(text, application_number=2, previous_narratives=(POLITICAL,)))
    assert s.category != "C", s.reasons


def test_a_repeat_claim_that_is_entirely_new_is_not_c(triager: Triager) -> None:
    text = ("Last month a magistrate issued a new arrest warrant against me. Intelligence "
            "officers raided my parents' home, beat my father and took my brother to a "
            "detention centre where they interrogated him about me. My lawyer sent me the "
            "warrant as new evidence.")
    s = triager.suggest(visitor(text, application_number=2, previous_narratives=(POLITICAL,)))
    assert s.novelty.new_share == 1.0 and s.novelty.material_new >= 2
    assert s.category != "C", s.reasons


def test_a_second_application_without_the_earlier_claim_abstains(triager: Triager) -> None:
    s = triager.suggest(visitor(POLITICAL, application_number=2))
    assert s.category == "ABSTAIN"
    assert s.leaning == "C"
    assert any("no earlier claim" in r for r in s.abstain_reasons)


@pytest.mark.parametrize(("number", "materials", "expected"), [
    (3, False, True),
    (3, True, False),
    (4, False, True),
    (2, False, None),
    (1, False, None),
])
def test_third_or_later_exception_flag(triager: Triager, number: int, materials: bool,
                                       expected: bool | None) -> None:
    previous = (POLITICAL,) * (number - 1)
    s = triager.suggest(visitor(POLITICAL_WITH_NEWS, application_number=number,
                                previous_narratives=previous,
                                reasonable_grounds_materials=materials))
    assert s.third_or_later_exception is expected
    assert s.third_or_later is (number >= 3)
    assert s.to_record()["third_or_later_exception"] is expected


def test_repeat_evidence_does_not_call_material_news_not_material(triager: Triager) -> None:
    text = POLITICAL + (
        " Since my previous application was refused, new things happened. Last month officers "
        "from the intelligence service raided my family home in Dhaka at night, seized my "
        "brother, and interrogated him for three days about where I am hiding. A magistrate "
        "then issued a warrant naming me as an anti-state conspirator. My lawyer sent me a "
        "copy of this warrant, which I submit as new evidence.")
    s = triager.suggest(visitor(text, application_number=2, previous_narratives=(POLITICAL,)))
    assert "repeat" in " ".join(s.abstain_reasons + s.reasons).lower()
    assert s.category != "C"
    material = {x.text for x in s.novelty.sentences if x.material}
    noted = {e.sentence: e.note for e in s.evidence}
    shown = material & set(noted)
    assert shown
    for sentence in shown:
        assert "material" in noted[sentence] and "not material" not in noted[sentence]


def test_repeat_evidence_offsets_slice_back_to_the_sentence(triager: Triager) -> None:
    text = POLITICAL.replace(". ", ".  ") + "  My situation has not changed."
    s = triager.suggest(visitor(text, application_number=2, previous_narratives=(POLITICAL,)))
    assert s.category == "C"
    for e in s.evidence:
        assert text[e.start:e.end] == e.sentence


# --- versions, evidence, batches --------------------------------------------------------------


def test_every_suggestion_records_its_versions(triager: Triager) -> None:
    items = [
        TriageInput(DEBT, nationality="NPL", status_of_residence="TECHNICAL_INTERN"),
        visitor(POLITICAL),
        visitor(POLITICAL, status_of_residence="NO_STATUS"),
        visitor(""),
        visitor(JAPANESE),
        visitor(POLITICAL, application_number=2, previous_narratives=(POLITICAL,)),
    ]
    suggestions = triager.suggest_many(items)
    assert {s.category for s in suggestions} >= {"B", "D2", "NA", "ABSTAIN", "C"}
    for s in suggestions:
        record = s.to_record()
        assert record["category"] in CATEGORIES
        assert record["model_version"] == triager.model.version != "untrained"
        assert record["rules_version"] == RULES_VERSION
        assert record["cues_version"] == default_lexicon().version
        assert 0.0 <= record["confidence"] <= 1.0


def test_a_batch_gives_the_same_suggestions_as_one_at_a_time(triager: Triager) -> None:
    items = [TriageInput(DEBT, nationality="NPL", status_of_residence="STUDENT"),
             visitor(POLITICAL_WITH_NEWS, application_number=2,
                     previous_narratives=(POLITICAL,)),
             visitor(POLITICAL, nationality="AFG")]
    together = [s.to_record() for s in triager.suggest_many(items)]
    alone = [triager.suggest(item).to_record() for item in items]
    assert together == alone


def test_b_evidence_shows_the_debt_sentence_with_its_cues(triager: Triager) -> None:
    s = triager.suggest(TriageInput(DEBT, nationality="NPL",
                                    status_of_residence="TECHNICAL_INTERN"))
    assert s.category == "B"
    debt_sentence = "I borrowed money from a moneylender in my village to build a house."
    by_sentence = {e.sentence: e for e in s.evidence}
    assert debt_sentence in by_sentence
    evidence = by_sentence[debt_sentence]
    assert {c.type for c in evidence.cues} >= {"b_debt_property"}
    assert {c.text for c in evidence.cues if c.type == "b_debt_property"} >= {
        "borrowed", "moneylender"}
    for e in s.evidence:
        assert DEBT[e.start:e.end] == e.sentence
        for c in e.cues:
            assert e.sentence[c.start:c.end] == c.text
            assert c.label == default_lexicon().by_name()[c.type].label
    recorded = s.to_record()["evidence"]
    assert [e["sentence"] for e in recorded] == [e.sentence for e in s.evidence]
    first = next(e for e in recorded if e["sentence"] == debt_sentence)
    for cue in first["cues"]:
        assert first["sentence"][cue["start"]:cue["end"]] == cue["text"]


# --- the rules on hand-made readings ----------------------------------------------------------

THRESHOLDS = Thresholds(b_accept=0.80, b_reject=0.35, min_confidence=0.55)
A_LIST = {"AFG": "armed conflict"}


@pytest.fixture(scope="module")
def rules() -> JapanSorting:
    return JapanSorting(THRESHOLDS)


def facts(**kw: object) -> Facts:
    values = dict(nationality="NPL", application_number=1, has_previous_text=False,
                  status_of_residence="TEMPORARY_VISITOR", activities_ceased=False,
                  reasonable_grounds_materials=False, lodged=None, language="en", tokens=120)
    values.update(kw)
    return Facts(**values)


def probabilities(**kw: float) -> dict[str, float]:
    p = dict.fromkeys(BASIS_CLASSES, 0.0)
    p.update(kw)
    assert abs(sum(p.values()) - 1.0) < 1e-9
    return p


def reading(p: dict[str, float], *, nexus: bool = False, novelty: Novelty | None = None,
            p_no_news: float | None = None) -> Reading:
    return Reading(probabilities=p, nexus=nexus, novelty=novelty,
                   p_no_news=p_no_news)


def novelty(material_new: int = 0) -> Novelty:
    return Novelty(sentences=(), closest_earlier=0, closest_share=0.9, new_share=0.1,
                   material_new=material_new)


DEBT_P = probabilities(b_debt_property=0.9, convention=0.1)
CONVENTION_P = probabilities(convention=0.95, b_private_trouble=0.05)


def test_rule_b_accepted(rules: JapanSorting) -> None:
    d = rules.decide(facts(), reading(DEBT_P), A_LIST)
    assert (d.category, d.b_reason, d.confidence) == ("B", "debt_property", 0.9)
    assert not d.abstain_reasons


def test_rule_b_vetoed_by_a_nexus_sentence(rules: JapanSorting) -> None:
    d = rules.decide(facts(), reading(DEBT_P, nexus=True), A_LIST)
    assert d.category == "ABSTAIN"
    assert d.leaning == "B"
    assert any("Convention ground" in r for r in d.abstain_reasons)


@pytest.mark.parametrize(("p", "leaning"), [
    (probabilities(b_private_trouble=0.79, convention=0.21), "B"),
    (probabilities(b_private_trouble=0.35, convention=0.65), None),
], ids=["just-below-accept", "at-reject"])
def test_rule_b_in_the_doubtful_band_abstains(rules: JapanSorting, p: dict[str, float],
                                              leaning: str | None) -> None:
    d = rules.decide(facts(), reading(p), A_LIST)
    assert d.category == "ABSTAIN"
    assert d.leaning == leaning
    assert any("Unsure" in r for r in d.abstain_reasons)


def test_rule_below_reject_is_not_b(rules: JapanSorting) -> None:
    d = rules.decide(facts(), reading(probabilities(b_private_trouble=0.34, convention=0.66)),
                     A_LIST)
    assert d.category == "D2"


def test_rule_general_insecurity_in_an_a_list_country_is_a(rules: JapanSorting) -> None:
    p = probabilities(b_general_insecurity=0.9, conflict=0.1)
    d = rules.decide(facts(nationality="AFG"), reading(p), A_LIST)
    assert d.category == "A"
    assert d.b_reason is None
    assert d.a_list_reason == "armed conflict"
    elsewhere = rules.decide(facts(nationality="NPL"), reading(p), A_LIST)
    assert (elsewhere.category, elsewhere.b_reason) == ("B", "general_insecurity")


def test_rule_debt_in_an_a_list_country_is_still_b(rules: JapanSorting) -> None:
    d = rules.decide(facts(nationality="AFG"), reading(DEBT_P), A_LIST)
    assert (d.category, d.b_reason) == ("B", "debt_property")


def test_rule_convention_claim_in_an_a_list_country_is_a(rules: JapanSorting) -> None:
    d = rules.decide(facts(nationality="afg"), reading(CONVENTION_P), A_LIST)
    assert d.category == "A"


@pytest.mark.parametrize(("status", "ceased", "expected"), [
    ("DA_DEPARTURE_PREPARATION", False, "D1"),
    ("TECHNICAL_INTERN", True, "D1"),
    ("TEMPORARY_VISITOR", False, "D2"),
    ("STUDENT", False, "D2"),
])
def test_rule_d1_or_d2_by_status(rules: JapanSorting, status: str, ceased: bool,
                                 expected: str) -> None:
    d = rules.decide(facts(status_of_residence=status, activities_ceased=ceased),
                     reading(CONVENTION_P), A_LIST)
    assert d.category == expected
    assert d.basis == "convention"


def test_rule_no_status_is_na_whatever_the_claim(rules: JapanSorting) -> None:
    for p in (DEBT_P, CONVENTION_P):
        d = rules.decide(facts(status_of_residence="NO_STATUS", tokens=0), reading(p), A_LIST)
        assert d.category == "NA"


def test_rule_a_too_short_narrative_abstains(rules: JapanSorting) -> None:
    d = rules.decide(facts(tokens=3), reading(DEBT_P), A_LIST)
    assert d.category == "ABSTAIN"
    assert d.abstain_reasons


def test_rule_a_narrative_in_an_unread_language_abstains(rules: JapanSorting) -> None:
    d = rules.decide(facts(language="other"), reading(DEBT_P), A_LIST)
    assert d.category == "ABSTAIN"
    assert any("neither English nor Japanese" in r for r in d.abstain_reasons)
    assert rules.decide(facts(language="ja"), reading(DEBT_P), A_LIST).category == "B"


def repeat_facts(**kw: object) -> Facts:
    return facts(application_number=2, has_previous_text=True, **kw)


@pytest.mark.parametrize("p_no_news", [REPEAT_UNSURE[1], 0.9])
def test_rule_c_when_no_news_is_likely(rules: JapanSorting, p_no_news: float) -> None:
    d = rules.decide(repeat_facts(), reading(DEBT_P, novelty=novelty(), p_no_news=p_no_news),
                     A_LIST)
    assert d.category == "C"
    assert d.confidence == round(p_no_news, 3)
    assert "earlier claim no. 1" in d.reasons[0]


@pytest.mark.parametrize("p_no_news", [REPEAT_UNSURE[0], 0.5, 0.59])
def test_rule_repeat_unsure_abstains(rules: JapanSorting, p_no_news: float) -> None:
    d = rules.decide(repeat_facts(), reading(DEBT_P, novelty=novelty(), p_no_news=p_no_news),
                     A_LIST)
    assert d.category == "ABSTAIN"
    assert d.leaning == "C"
    assert any("Unsure whether the repeat claim" in r for r in d.abstain_reasons)


def test_rule_repeat_with_news_is_sorted_on_the_claim(rules: JapanSorting) -> None:
    d = rules.decide(repeat_facts(), reading(CONVENTION_P, novelty=novelty(1), p_no_news=0.39),
                     A_LIST)
    assert d.category == "D2"
    assert any("brings new facts" in r for r in d.reasons)


def test_rule_repeat_without_a_classifier_uses_the_novelty(rules: JapanSorting) -> None:
    same = rules.decide(repeat_facts(), reading(CONVENTION_P, novelty=novelty(0)), A_LIST)
    news = rules.decide(repeat_facts(), reading(CONVENTION_P, novelty=novelty(2)), A_LIST)
    assert (same.category, news.category) == ("C", "D2")


def test_rule_repeat_without_the_earlier_text_abstains(rules: JapanSorting) -> None:
    d = rules.decide(facts(application_number=2), reading(CONVENTION_P), A_LIST)
    assert d.category == "ABSTAIN"
    assert any("no earlier claim" in r for r in d.abstain_reasons)


@pytest.mark.parametrize(("number", "materials", "lodged", "expected"), [
    (3, False, date(2024, 6, 9), False),
    (3, False, THIRD_APPLICATION_EXCEPTION_FROM, True),
    (3, False, None, True),
    (5, False, date(2025, 1, 1), True),
    (3, True, date(2025, 1, 1), False),
    (2, False, date(2025, 1, 1), False),
])
def test_third_application_exception(number: int, materials: bool, lodged: date | None,
                                     expected: bool) -> None:
    assert third_application_exception(number, materials, lodged) is expected


# --- novelty ----------------------------------------------------------------------------------

EARLIER = ("The police arrested me at a rally in March 2019. They beat me in detention because "
           "of my political opinion.")


def statuses(new_text: str, earlier: str = EARLIER) -> dict[str, tuple[str, bool]]:
    novelty = compare(nlp.analyse(new_text), [nlp.analyse(earlier)])
    return {s.text: (s.status, s.material) for s in novelty.sentences}


def test_novelty_repeated_new_material_and_new_immaterial_sentences() -> None:
    repeated = "The police arrested me at a rally in March 2019."
    arrest = ("Last month intelligence officers seized my brother at his shop and interrogated "
              "him for three days.")
    thanks = "Thank you, I like Japan very much."
    result = statuses(f"{repeated} {arrest} {thanks}")
    assert result[repeated] == ("repeated", False)
    assert result[arrest] == ("new", True)
    assert result[thanks] == ("new", False)


def test_novelty_a_new_arrest_in_familiar_words_is_new_and_material() -> None:
    arrest = "Last month the police arrested my brother and searched our house looking for me."
    assert statuses(arrest)[arrest] == ("new", True)


def test_novelty_shares_and_closest_claim() -> None:
    first = "I sold vegetables at the market. My uncle took our family land."
    new = EARLIER + " Thank you, I like Japan very much."
    n = compare(nlp.analyse(new), [nlp.analyse(first), nlp.analyse(EARLIER)])
    assert n.closest_earlier == 1
    assert n.closest_share > 0.7
    assert 0 < n.new_share < 0.3
    assert n.material_new == 0
    assert not n.has_material_news


def test_pair_features_read_no_change_phrases_and_later_years() -> None:
    earlier = [nlp.analyse(EARLIER)]
    same = nlp.analyse(EARLIER + " My situation has not changed.")
    later = nlp.analyse(EARLIER + " In 2024 the police came to my house again.")
    f_same = dict(zip(PAIR_FEATURES, pair_features(same, earlier, compare(same, earlier)),
                      strict=True))
    f_later = dict(zip(PAIR_FEATURES, pair_features(later, earlier, compare(later, earlier)),
                       strict=True))
    assert f_same["no_change_phrases"] > 0
    assert f_later["no_change_phrases"] == 0
    assert f_later["later_years"] > 0
    assert f_same["later_years"] == 0


# --- the model file ---------------------------------------------------------------------------

NO_PICKLE = textwrap.dedent("""
    import pickle

    def refuse(*args, **kwargs):
        raise RuntimeError("pickle was used")

    class Refuse:
        def __init__(self, *args, **kwargs):
            raise RuntimeError("pickle was used")

    pickle.load = refuse
    pickle.loads = refuse
    pickle.Unpickler = Refuse

    from triage.model import load
    from triage.engine import Triager, TriageInput

    triager = Triager(load())
    text = {text!r}
    print(triager.suggest(TriageInput(text, nationality="NPL",
                                      status_of_residence="TECHNICAL_INTERN")).category)
""")


def test_the_shipped_model_loads_in_a_fresh_process_without_pickle() -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONWARNINGS="ignore")
    done = subprocess.run([sys.executable, "-c", NO_PICKLE.format(text=DEBT)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "pickle was used" not in done.stderr
    assert done.stdout.strip().splitlines()[-1] == "B"


def test_a_saved_copy_of_the_model_loads_and_reads_the_same(triager: Triager,
                                                             tmp_path: Path) -> None:
    path = save(triager.model, tmp_path / "copy.skops")
    copy = Triager(load(path), triager.a_countries)
    item = TriageInput(DEBT, nationality="NPL", status_of_residence="STUDENT")
    assert copy.suggest(item).to_record() == triager.suggest(item).to_record()


def test_a_file_with_a_code_type_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.skops"
    sio.dump({"format": 1, "x": os.system}, path)
    with pytest.raises(ModelFileError, match="not allowed"):
        load(path)


@pytest.mark.parametrize("kind", ["OrderedDict", "DecisionTreeClassifier"])
def test_a_model_file_with_a_type_outside_the_allow_list_is_refused(tmp_path: Path,
                                                                    kind: str) -> None:
    from sklearn.tree import DecisionTreeClassifier

    extra = collections.OrderedDict(a=1) if kind == "OrderedDict" else DecisionTreeClassifier()
    assert f"{type(extra).__module__}.{type(extra).__qualname__}" not in TRUSTED_TYPES
    model = load(MODEL_FILE)  # a private copy to alter
    model.trained_on = {**model.trained_on, "extra": extra}
    path = save(model, tmp_path / "tampered.skops")
    with pytest.raises(ModelFileError, match="not allowed"):
        load(path)


def test_a_format_1_file_without_the_model_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "partial.skops"
    sio.dump({"format": 1, "x": collections.OrderedDict()}, path)
    with pytest.raises(ModelFileError):
        load(path)


def test_a_file_that_is_not_a_model_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "noise.skops"
    path.write_bytes(bytes(range(256)) * 16)
    with pytest.raises(ModelFileError, match="cannot be read"):
        load(path)


def test_a_skops_file_of_another_shape_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.skops"
    sio.dump([1, 2, 3], path)
    with pytest.raises(ModelFileError, match="not a triage model"):
        load(path)


def test_a_missing_model_file_says_how_to_train_one(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="`workbench triage train`"):
        load(tmp_path / "absent.skops")
    with pytest.raises(ModelFileError, match="`workbench triage train`"):
        Triager.from_files(tmp_path / "absent.skops")


def test_a_loaded_model_is_kept_out_of_the_collectors_passes_and_freed_once_replaced() -> None:
    import gc
    import weakref

    from triage.engine import keep_out_of_collection

    class Held:
        pass

    try:
        old = Held()
        old.me = old  # a cycle: only the collector's passes could free it
        gone = weakref.ref(old)
        keep_out_of_collection()
        assert gc.get_freeze_count() > 0
        assert not any(o is old for o in gc.get_objects())  # frozen: no pass walks it
        del old
        keep_out_of_collection()  # the next model's load
        assert gone() is None
    finally:
        gc.unfreeze()
