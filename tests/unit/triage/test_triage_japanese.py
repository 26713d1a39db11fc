"""Triage in Japanese: the Sudachi pipeline (cues on normalised forms, never inside a longer
word), Japanese negation and hedging scoped to the clause, a cue for every cue type, the nexus
read after the ground, claims about a demonstration, a religious community or an ethnic group
never suggested B, repeat claims compared and sorted like English ones, and the evaluation
reporting Japanese figures on their own."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from triage import evaluation, japanese, nlp
from triage.cues import default_lexicon
from triage.engine import TriageInput, Triager
from triage.features import linked_sentences, nexus_sentences, read
from triage.model import Thresholds
from triage.novelty import compare
from triage.rules import Facts, JapanSorting, Reading


def cues(text: str, cue_type: str | None = None) -> list:
    return [h for h in nlp.analyse(text)._.cues if cue_type is None or h.type == cue_type]


def one(text: str, cue_type: str):  # noqa: ANN201
    found = cues(text, cue_type)
    assert len(found) == 1, (text, cue_type, [(h.type, h.text) for h in cues(text)])
    return found[0]


# --- the Sudachi pipeline -----------------------------------------------------------------------


def test_a_japanese_doc_is_made_of_morphemes_with_normalised_forms() -> None:
    text = "申請者は、警察に連行されました。\n 兄は殴られた。"
    doc = nlp.analyse(text)
    assert doc.user_data["triage_lang"] == "ja"
    assert doc.text == text  # offsets stay those of the narrative
    norms = {t.text: t.norm_ for t in doc}
    assert norms["連行"] == "連行" and norms["殴ら"] == "殴る"
    assert [s.text.strip() for s in doc.sents if s.text.strip()] == [
        "申請者は、警察に連行されました。", "兄は殴られた。"]
    english = nlp.analyse("The police arrested me.")
    assert english.user_data.get("triage_lang") is None


@pytest.mark.parametrize("text", ["警察に連行された。", "警察に連行されました。",
                                  "警察に連行され、取り調べを受けた。", "警察が私を連行した。"])
def test_inflected_forms_match_one_cue(text: str) -> None:
    hit = one(text, "harm") if "取り調べ" not in text else cues(text, "harm")[0]
    assert hit.text == "連行"
    assert text[hit.start:hit.end] == "連行"
    assert hit.asserted


def test_a_verb_cue_matches_its_conjugations() -> None:
    for text in ("夫に殴られた。", "夫は私を殴りました。", "夫に殴られて、けがをした。"):
        assert one(text, "harm").text.startswith("殴"), text


def test_a_cue_term_does_not_match_inside_a_longer_word() -> None:
    # 夫 (husband, a non-state agent) is not inside 大丈夫 or 工夫; 政府 is not an agent inside
    # 反政府; 治安 (insecurity) is not inside 治安部隊 (a state agent).
    assert not cues("大丈夫です。工夫して暮らしました。", "agent_non_state")
    assert one("夫に殴られました。", "agent_non_state").text == "夫"
    assert not cues("反政府デモに参加した。", "agent_state")
    political = cues("反政府デモに参加した。", "ground_political")
    assert [h.text for h in political] == ["反政府", "デモ"]
    assert not cues("治安部隊に拘束された。", "b_general_insecurity")
    assert one("治安部隊に拘束された。", "agent_state").text == "治安部隊"
    # the substring search this replaces found 民族 in 民族衣装's neighbour words alike; a
    # longer term is one hit, not two
    assert [h.text for h in cues("少数民族の出身です。", "ground_race")] == ["少数民族"]


def test_sudachi_input_limit_is_handled_by_cutting_at_sentence_ends() -> None:
    text = "私は借金を返済できませんでした。" * 2500  # 40,000 characters, over Sudachi's limit
    doc = nlp.analyse(text)
    assert doc.text == text
    assert [h.text for h in cues(text[:16], "b_debt_property")] == ["借金", "返済"]
    assert len([h for h in doc._.cues if h.type == "b_debt_property"]) == 5000
    # "could not repay the debt": the debt is there, only the repaying failed
    assert not any(h.negated for h in cues(text[:16]) if h.text == "借金")


# --- every cue type has Japanese terms that are found ------------------------------------------


def test_every_cue_type_has_japanese_terms_and_each_is_found() -> None:
    lexicon = default_lexicon()
    missing = []
    for cue in lexicon.cue_types:
        assert cue.ja_terms, f"{cue.name} has no Japanese terms"
        for term in cue.ja_terms + cue.ja_weak_terms:
            found = cues(f"申請者は{term}と書いた。", cue.name)
            if not found:
                missing.append((cue.name, term))
    assert not missing


#: One sentence in an officer's or an applicant's Japanese per cue type.
SENTENCES = {
    "ground_race": ("申請者は、ロヒンギャであるために迫害を受けた旨供述した。", "ロヒンギャ"),
    "ground_religion": ("私はキリスト教に改宗しました。", "キリスト教"),
    "ground_nationality": ("当局は私の国籍を剥奪し、私は無国籍になりました。", "国籍を剥奪"),
    "ground_social_group": ("私は同性愛者であることを家族に知られました。", "同性愛者"),
    "ground_political": ("申請者は、野党の党員として活動していたと申し立てている。", "野党"),
    "b_debt_property": ("私は村の金貸しから借金をしました。", "借金"),
    "b_hardship_work": ("日本で働き続けて家族に送金したいです。", "日本で働き続ける"),
    "b_private_trouble": ("隣人と土地のことで口論になりました。", "隣人"),
    "b_general_insecurity": ("国では強盗が多く、治安が悪いです。", "強盗"),
    "conflict": ("村は空爆され、家族は避難しました。", "空爆"),
    "agent_state": ("公安が家に来て、父を連れて行きました。", "公安"),
    "agent_non_state": ("武装集団の男たちが村に来ました。", "武装集団"),
    "harm": ("申請者は、警察に拘束され拷問を受けた旨供述した。", "拘束"),
    "state_protection": ("警察に被害届を出すと、警察が犯人を逮捕しました。", "被害届"),
    "new_circumstance": ("前回の申請の後、新たな証拠として逮捕状が届きました。", "前回の申請"),
}


def test_sentences_cover_every_cue_type() -> None:
    assert set(SENTENCES) == set(default_lexicon().names)


@pytest.mark.parametrize("cue_type", sorted(SENTENCES))
def test_each_cue_type_fires_in_a_japanese_sentence(cue_type: str) -> None:
    text, word = SENTENCES[cue_type]
    found = cues(text, cue_type)
    assert any(h.text.startswith(word[:5]) for h in found), [(h.type, h.text) for h in cues(text)]
    assert all(h.asserted for h in found if h.text.startswith(word[:5]))


# --- negation and hedging, scoped to the clause --------------------------------------------------


@pytest.mark.parametrize("text,word", [
    ("私は政治活動をしたことはない。", "政治活動"),
    ("申請者は、逮捕されなかった旨供述した。", "逮捕"),
    ("私は逮捕されませんでした。", "逮捕"),
    ("理由も告げずに拘束したわけではなく、", None),
    ("申請者が迫害を受けたとは言えない。", "迫害"),
    ("宗教を理由に脅されたわけではない。", "宗教"),
    ("宗教を理由に脅されたわけではありません。", "脅さ"),
    ("警察に逮捕されるはずがない。", "逮捕"),
    ("借金ではなく、政治的な理由で脅された。", "借金"),
    ("政治には関わらず、家族と暮らしていた。", "政治"),
    ("民族の問題は知らぬ間に解決した。", None),
])
def test_japanese_negation_negates_the_cue_in_its_clause(text: str, word: str | None) -> None:
    found = [h for h in cues(text) if h.text == word]
    if word is None:
        return
    assert found and all(h.negated for h in found), [(h.type, h.text, h.negated)
                                                    for h in cues(text)]


def test_japanese_negation_stays_in_its_clause() -> None:
    text = "警察に逮捕されたが、殴られなかった。"
    assert not one(text, "agent_state").negated
    harms = {h.text: h.negated for h in cues(text, "harm")}
    assert harms == {"逮捕": False, "殴ら": True}
    # after ではなく, the next clause is asserted
    assert one("借金ではなく、政治的な理由で脅された。", "ground_political").asserted
    # a denied report reaches back over the whole reported claim, past its commas
    denied = cues("申請者は、宗教を理由に、脅されたとは述べていない。")
    assert {h.text for h in denied if h.negated} >= {"宗教", "脅さ"}


@pytest.mark.parametrize("text,word", [
    ("兵役に就かなければならなかった。", "兵役"),  # obligation, not negation
    ("なぜ警察に逮捕されたのかわからない。", "逮捕"),  # the arrest happened
    ("拷問を受けたにもかかわらず、治療を受けられた。", "拷問"),
    ("逮捕だけでなく、拷問も受けた。", "逮捕"),
    ("借金があって安全ではない。", "安全ではない"),  # the ない is the term itself
])
def test_japanese_look_alikes_do_not_negate(text: str, word: str) -> None:
    found = [h for h in cues(text) if h.text == word or (word == "兵役" and h.type == "harm")]
    if word == "兵役":
        assert not any(h.negated for h in cues(text))
        return
    assert found and not any(h.negated for h in found), [(h.text, h.negated) for h in cues(text)]


def test_a_hedged_cue_is_hypothetical_and_hedged() -> None:
    hit = one("逮捕されたのは宗教が理由かもしれない。", "ground_religion")
    assert hit.hypothetical and hit.hedged and not hit.asserted


def test_a_condition_or_a_fear_is_hypothetical_but_not_a_hedge() -> None:
    # おそれ is the fear of persecution itself: hypothetical like "afraid" in English, no hedge
    fear = one("帰国すれば宗教を理由に殺されるおそれがある。", "ground_religion")
    assert fear.hypothetical and not fear.hedged and not fear.negated
    feared = one("帰国したら、宗教を理由に殺されるかもしれない。", "ground_religion")
    assert feared.hypothetical and not feared.hedged  # a feared future, not a doubt
    for text in ("もし帰国すれば逮捕される。", "帰国した場合、逮捕されると思います。",
                 "政治活動が知られたら逮捕される。"):
        assert all(h.hypothetical for h in cues(text, "harm")), text


def test_a_past_when_clause_is_not_a_condition() -> None:
    assert one("家に帰ったら、警察が待っていた。", "agent_state").asserted
    assert one("家に帰ったら、兄が逮捕されていた。", "harm").asserted


def test_a_question_put_to_the_applicant_is_not_a_statement() -> None:
    text = "宗教を理由に脅されたことがあるかとの質問に対し、ないと答えた。"
    for hit in cues(text):
        assert hit.question and not hit.asserted
    assert not nexus_sentences(nlp.analyse(text)._.cues)


def test_negated_or_hedged_grounds_are_not_the_basis() -> None:
    for text in ("申請者は、宗教を理由に脅されたことはない旨供述した。",
                 "私が殴られたのは、民族が理由かもしれません。",
                 "政治的な理由で逮捕されたわけではない。"):
        doc = nlp.analyse(text)
        assert not linked_sentences(doc), text
        assert not nexus_sentences(doc._.cues), text


# --- the nexus in Japanese ------------------------------------------------------------------------


@pytest.mark.parametrize("text,how", [
    ("申請者は、キリスト教徒であることを理由に暴行を受けた旨供述した。", "motive"),
    ("私はクルド人であるために、警察に何度も拘束されました。", "motive"),
    ("兄は野党の党員だとして拘束された。", "motive"),
    ("私は反政府の活動家とみなされ、尋問されました。", "motive"),
    ("同性愛者として知られ、村人に襲われた。", "motive"),
    ("ロヒンギャの村が兵士に焼かれた。", "clause"),
    ("公安は私の政治活動を監視していた。", "clause"),
    ("反政府デモに参加したところ、警察に連行された。", "state_political"),
])
def test_a_ground_that_is_the_reason_for_the_harm_is_linked(text: str, how: str) -> None:
    links = read(nlp.analyse(text)).links
    assert links, [(h.type, h.text, h.negated) for h in cues(text)]
    assert links[0].how == how


@pytest.mark.parametrize("text", [
    "教会の近くで強盗に襲われ、財布を奪われた。",  # a place, not the reason
    "選挙の際、借金取りに脅された。",  # an occasion
    "政治家とつながりのあるギャングに金を要求され、殴られた。",  # the criminals' connections
    "私はキリスト教徒です。借金取りに殴られました。",  # mentioned, not linked
])
def test_a_ground_only_mentioned_is_not_linked(text: str) -> None:
    doc = nlp.analyse(text)
    assert not read(doc).links, [(h.type, h.text) for h in doc._.cues]


# --- never B: a demonstration, a religious community, an ethnic group ---------------------------

NEVER_B = {
    "demonstration": [
        "私は賃金の未払いに抗議するデモに参加したところ、警察に逮捕され、殴られました。"
        "借金もあり、日本で働いて返済したいです。",
        "申請者は、反政府デモに参加したため、治安部隊に拘束された旨供述した。"
        "また、生活が苦しく、日本で働き続けたいと述べた。",
    ],
    "religious_community": [
        "私の家族は村の教会の信者であるため、近所の人々から暴行を受けました。"
        "土地の問題もあり、借金も返済できません。",
        "申請者は、モスクの礼拝に通う信者として、宗派の違いを理由に脅迫を受けた旨供述した。"
        "仕事がなく生活が苦しいとも述べた。",
        "申請者は、寺院の信者であることを理由に、村人から襲撃された旨供述した。借金がある。",
    ],
    "ethnic_group": [
        "私はクルド人であることを理由に、警察に何度も拘束されました。"
        "日本で働いて家族に送金したいです。",
        "申請者は、ロヒンギャの民族であるために、兵士に家を焼かれた旨供述した。"
        "借金の返済にも困っている。",
        "申請者は、タミル民族であることを理由に、治安部隊から暴行を受けた旨申し立てている。",
    ],
}


@pytest.fixture(scope="module")
def triager() -> Triager:
    return Triager.from_files()


@pytest.mark.parametrize("subject,text", [(s, t) for s, ts in NEVER_B.items() for t in ts])
def test_a_claim_about_a_demonstration_a_religious_community_or_an_ethnic_group_is_never_b(
        triager: Triager, subject: str, text: str) -> None:
    doc = nlp.analyse(text)
    assert subject in {s for _, s in read(doc).about}
    s = triager.suggest(TriageInput(narrative=text, nationality="LKA",
                                    status_of_residence="TEMPORARY_VISITOR"))
    assert s.category != "B", (s.reasons, s.abstain_reasons)


def test_the_never_b_rule_holds_whatever_the_classifier_says() -> None:
    """Even with the classifier sure of B, a claim about one of the subjects abstains."""
    rules = JapanSorting(Thresholds(b_accept=0.6, b_reject=0.3, min_confidence=0.5))
    facts = Facts(nationality="LKA", application_number=1, has_previous_text=False,
                  status_of_residence="TEMPORARY_VISITOR", activities_ceased=False,
                  reasonable_grounds_materials=False, lodged=None, language="ja", tokens=80)
    p = {"convention": 0.02, "conflict": 0.01, "b_debt_property": 0.9, "b_hardship_work": 0.03,
         "b_private_trouble": 0.02, "b_general_insecurity": 0.02}
    plain = rules.decide(facts, Reading(p, nexus=False, novelty=None), {})
    assert plain.category == "B"  # the control: without the subject it is B
    for subject in ("demonstration", "religious_community", "ethnic_group"):
        decision = rules.decide(facts, Reading(p, nexus=False, novelty=None, about=(subject,)),
                                {})
        assert decision.category == "ABSTAIN"
        assert "never Category B" in decision.abstain_reasons[0]


def test_a_mere_mention_of_a_subject_is_not_what_the_claim_is_about(triager: Triager) -> None:
    text = ("私は村の金貸しから五十万円を借りましたが、返済できませんでした。"
            "金貸しの手下に、教会の近くで殴られました。選挙の際にも脅されました。"
            "日本で働いて借金を返したいです。")
    assert not read(nlp.analyse(text)).about


# --- repeat claims in Japanese ------------------------------------------------------------------

FIRST = ("申請者は、本国で野党の党員として活動していたところ、2019年に警察に逮捕され、"
         "拘置所で殴られた旨供述した。釈放後も警察から呼び出しを受け、身の危険を感じて"
         "来日したと申し立てている。")
RESTATED = ("申請者は、本国において野党の党員として活動していたため、2019年に警察に逮捕され、"
            "拘置所で殴られたと述べた。釈放された後も警察から呼び出しを受けたので、身の危険を"
            "感じて来日したと申し立てている。前回の申請時と同じ理由である。")
NEWS = (RESTATED[:RESTATED.index("前回")] +
        "前回の申請が不認定となった後の2024年3月、本国の兄が野党の集会に参加したことを理由に"
        "治安部隊に拘束され、拷問を受けて死亡した。申請者に対する新たな逮捕状も発付され、"
        "その写しを新たな証拠として提出した。")


def test_a_restated_japanese_claim_repeats_the_earlier_one() -> None:
    novelty = compare(nlp.analyse(RESTATED), [nlp.analyse(FIRST)])
    assert not novelty.has_material_news, [(s.text, s.status, s.similarity)
                                           for s in novelty.sentences]
    assert novelty.closest_earlier == 0 and novelty.closest_share > 0.6


def test_a_japanese_claim_with_new_facts_has_material_news() -> None:
    novelty = compare(nlp.analyse(NEWS), [nlp.analyse(FIRST)])
    new = [s for s in novelty.sentences if s.status == "new"]
    assert any(s.material and "拘束" in s.text for s in new)
    assert novelty.has_material_news
    repeated = [s for s in novelty.sentences if s.status != "new"]
    assert repeated and all("2024" not in s.text for s in repeated)


def test_japanese_repeat_claims_are_sorted_like_english_ones(triager: Triager) -> None:
    def repeat(text: str):  # noqa: ANN202
        return triager.suggest(TriageInput(narrative=text, nationality="BGD",
                                           application_number=2, previous_narratives=(FIRST,),
                                           status_of_residence="TEMPORARY_VISITOR"))

    restated = repeat(RESTATED)
    assert restated.category == "C", (restated.reasons, restated.abstain_reasons)
    assert restated.repeats == 0
    news = repeat(NEWS)
    assert news.category not in ("C", "B"), (news.reasons, news.abstain_reasons)
    assert news.new_share and news.new_share > 0.3


# --- the evaluation reports Japanese apart ---------------------------------------------------


def _case(language: str, author: str, gold: str, pred: str):  # noqa: ANN202
    record = SimpleNamespace(language=language, author=author, category=gold,
                             basis="b" if gold == "B" else "convention",
                             b_reason="debt_property" if gold == "B" else None,
                             application_number=2 if gold == "C" else 1, voice="first_person",
                             hard_case=None)
    p_b = 0.9 if pred == "B" else 0.1
    suggestion = SimpleNamespace(
        category=pred, b_reason="debt_property" if pred == "B" else None,
        probabilities={"convention": 1 - p_b, "conflict": 0.0, "b_debt_property": p_b,
                       "b_hardship_work": 0.0, "b_private_trouble": 0.0,
                       "b_general_insecurity": 0.0},
        p_b=p_b, third_or_later=False, third_or_later_exception=None)
    return record, suggestion


def test_the_evaluation_reports_japanese_figures_on_their_own() -> None:
    cases = [
        # English: 2 right B, 1 wrong B, 1 C found
        _case("en", "w1", "B", "B"), _case("en", "w1", "B", "B"), _case("en", "w2", "D2", "B"),
        _case("en", "w2", "C", "C"), _case("en", "w3", "A", "A"), _case("en", "w3", "D1", "D1"),
        # Japanese, held-out writer jw2: 1 right B, 1 missed B, 1 of 2 C found
        _case("ja", "jw2", "B", "B"), _case("ja", "jw2", "B", "D2"), _case("ja", "jw2", "C", "C"),
        _case("ja", "jw2", "C", "ABSTAIN"), _case("ja", "jw2", "D2", "D2"),
        # an older Japanese test record of an English writer
        _case("ja", "w1", "A", "A"),
    ]
    outcome = evaluation.Outcome([r for r, _ in cases], [s for _, s in cases])
    data = evaluation.report(outcome, rounds=20)
    languages = data["languages"]
    assert set(languages) == {"en", "ja", "ja, held-out writer jw2"}
    ja = languages["ja, held-out writer jw2"]
    assert ja["n"] == 5
    assert (ja["b_precision"], ja["b_recall"], ja["c_recall"]) == (1.0, 0.5, 0.5)
    assert languages["ja"]["n"] == 6
    en = languages["en"]
    assert (round(en["b_precision"], 3), en["b_recall"], en["c_recall"]) == (0.667, 1.0, 1.0)
    assert 0 < ja["macro_f1_abcd"] < 1
    text = evaluation.format_report(data)
    assert "| ja, held-out writer jw2 | 5 | 1.000" in text
    assert "| en | 6 | 0.667" in text


def test_speed_of_one_japanese_narrative() -> None:
    """Reading a Japanese narrative stays fast: the median of a few runs under 50 ms."""
    import time

    text = (FIRST + RESTATED) * 3
    nlp.analyse(text)
    times = []
    for _ in range(7):
        start = time.perf_counter()
        nlp.analyse(text)
        times.append(time.perf_counter() - start)
    assert sorted(times)[3] < 0.05
    assert japanese.is_japanese(text)


def test_the_model_file_keeps_the_japanese_repeat_classifier(tmp_path) -> None:  # noqa: ANN001
    from triage.model import load, save

    model = load()
    assert model.repeat is not None and model.repeat_ja is not None
    assert "ja_repeated" in model.novelty
    again = load(save(model, tmp_path / "model.skops"))
    assert again.repeat_ja.coef_.tolist() == model.repeat_ja.coef_.tolist()
    row = [0.2, 0.0, 0.0, 0.0, 0.0, 0.0, 0.7, 0.5, 0.0]
    assert again.p_no_news(row, "ja") == model.p_no_news(row, "ja")
    assert again.p_no_news(row, "ja") != again.p_no_news(row, "en")


@pytest.mark.parametrize("subject,text", [
    ("demonstration", "I joined a demonstration against the wage cuts and the police arrested "
                      "and beat me. I also owe money to a moneylender and want to work in Japan."),
    ("religious_community", "My neighbours attacked me because I am a believer of the Ahmadi "
                            "mosque. I also have debts and no job."),
    ("ethnic_group", "The soldiers beat me because I am Rohingya. I borrowed money for the "
                     "journey and must repay the loan."),
])
def test_the_never_b_rule_reads_english_claims_too(triager: Triager, subject: str,
                                                   text: str) -> None:
    assert subject in {s for _, s in read(nlp.analyse(text)).about}
    s = triager.suggest(TriageInput(narrative=text, nationality="LKA",
                                    status_of_residence="TEMPORARY_VISITOR"))
    assert s.category != "B", (s.reasons, s.abstain_reasons)
