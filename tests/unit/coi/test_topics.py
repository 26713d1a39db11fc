"""Topic tagging with the COI taxonomy: every topic, negatives, Japanese, validation, speed."""

from __future__ import annotations

from pathlib import Path

import pytest

from coi.extracted import Passage
from coi.topics import (
    Taxonomy,
    TaxonomyError,
    tag,
    tag_passages,
    tag_scores,
    taxonomy,
    topic_terms,
    topics,
)

REQUIRED = [
    "political_opposition", "religious_minorities", "ethnic_minorities", "sogi", "gbv",
    "military_service", "journalists_hrds", "state_protection", "detention",
    "internal_relocation", "armed_conflict", "documents_fraud", "returnees",
]

POSITIVE = {
    "political_opposition": "Members of the main opposition party were beaten at a protest.",
    "religious_minorities": "Converts to Christianity face charges of apostasy and blasphemy.",
    "ethnic_minorities": "Hazara and other ethnic minorities reported discrimination.",
    "sogi": "Same-sex relations are criminalised; LGBTIQ+ persons avoid the police.",
    "gbv": "She feared a forced marriage and female genital mutilation of her daughter.",
    "military_service": "Draft evaders and deserters are punished after conscription.",
    "journalists_hrds": "A human rights defender and two bloggers were threatened.",
    "state_protection": "Victims rarely go to the police because of impunity.",
    "detention": "He was detained incommunicado in a prison outside the city.",
    "internal_relocation": "An internal flight alternative depends on freedom of movement.",
    "armed_conflict": "Airstrikes and shelling by armed groups caused civilian casualties.",
    "documents_fraud": "Forged documents and fake passports are easily obtained.",
    "returnees": "Failed asylum seekers are questioned on return at the airport.",
    "children": "Unaccompanied minors and orphans lack care.",
    "trafficking": "Victims of human trafficking were held in debt bondage.",
    "health_care": "Mental health care and medication are scarce outside the capital.",
}

POSITIVE_JA = {
    "political_opposition": "野党の党員が反政府デモに参加した。",
    "religious_minorities": "キリスト教に改宗した者は棄教の罪に問われる。",
    "ethnic_minorities": "ハザラ人など少数民族は差別を受けている。",
    "sogi": "同性愛は犯罪とされ、性的指向を理由とする暴力がある。",
    "gbv": "強制結婚と女性器切除の危険がある。",
    "military_service": "兵役拒否者と脱走兵は処罰される。",
    "journalists_hrds": "ジャーナリストと人権擁護者が脅迫を受けた。",
    "state_protection": "被害者は警察に届け出ても保護を受けられない。",
    "detention": "彼は逮捕され、刑務所に拘禁された。",
    "internal_relocation": "国内避難の選択肢は移動の自由に左右される。",
    "armed_conflict": "武装勢力による空爆と戦闘が続いた。",
    "documents_fraud": "偽造旅券や偽造文書は容易に入手できる。",
    "returnees": "強制送還された帰国者は空港で尋問される。",
    "children": "保護者のいない子どもが多い。",
    "trafficking": "人身取引の被害者が強制労働に従事させられた。",
    "health_care": "精神保健の医療は首都以外では乏しい。",
}


def test_taxonomy_has_the_required_topics_in_a_stable_order() -> None:
    codes = [t.code for t in topics()]
    assert set(REQUIRED) <= set(codes)
    assert len(codes) == len(set(codes))
    for topic in topics():
        assert topic.label and topic.label_ja and topic.description and topic.terms
        assert topic.terms_ja


@pytest.mark.parametrize(("code", "text"), sorted(POSITIVE.items()))
def test_every_topic_is_found_in_english(code: str, text: str) -> None:
    assert code in tag(text)


@pytest.mark.parametrize(("code", "text"), sorted(POSITIVE_JA.items()))
def test_every_topic_is_found_in_japanese(code: str, text: str) -> None:
    assert code in tag(text)


def test_every_topic_has_an_example() -> None:
    assert set(POSITIVE) == {t.code for t in topics()} == set(POSITIVE_JA)


def test_a_detained_journalist_is_both_topics() -> None:
    assert tag("The journalist was detained for a week.") == ("journalists_hrds", "detention")
    assert tag("記者が拘束された") == ("journalists_hrds", "detention")


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Drug trafficking along the border increased.", "trafficking"),
        ("Arms trafficking networks operate in the region.", "trafficking"),
        ("The Hindu Kush mountains separate the valleys.", "religious_minorities"),
        ("The hospitality industry employs many migrants.", "health_care"),
        ("An infantry regiment was deployed.", "children"),
        ("The government is fighting corruption.", "armed_conflict"),
        ("The Protestant church runs schools.", "political_opposition"),
        ("The weather report predicted rain.", "journalists_hrds"),
        ("Prices rose sharply and the economy contracted.", None),
        ("デモクラシーの発展について", "political_opposition"),  # デモ inside a katakana word
        ("ロマンス小説", "ethnic_minorities"),
    ],
)
def test_false_positives_are_avoided(text: str, absent: str | None) -> None:
    found = tag(text)
    if absent is None:
        assert found == ()
    else:
        assert absent not in found


def test_word_boundaries_prefixes_and_separators() -> None:
    assert tag("persecuted converts") == ("religious_minorities",)
    assert "detention" in tag("detainees, DETENTION and arrests")
    assert tag_scores("detainees, DETENTION and arrests") == {"detention": 3}
    assert "sogi" in tag("same sex couples")  # the term is written "same-sex"
    assert "sogi" in tag("same-\nsex couples")
    assert "gbv" in tag("honour-based   violence")
    assert tag("predetained") == ()  # no match inside a word
    assert "religious_minorities" in tag("Jehovah’s Witnesses")  # curly apostrophe
    assert tag("LGBTの人々") == ("sogi",)  # a Latin term directly beside Japanese


def test_longest_term_wins() -> None:
    # "military service" is one term; "military" alone belongs to no topic
    assert tag("military service") == ("military_service",)
    # "arrest warrant" belongs to two topics and counts for both
    assert tag_scores("an arrest warrant") == {"detention": 1, "documents_fraud": 1}


def test_tags_come_in_taxonomy_order_and_respect_min_hits() -> None:
    text = "Police arrested a journalist. The journalist and a blogger were released."
    order = [t.code for t in topics()]
    found = tag(text)
    assert list(found) == sorted(found, key=order.index)
    assert tag_scores(text) == {"journalists_hrds": 3, "state_protection": 1, "detention": 1}
    assert tag(text, min_hits=2) == ("journalists_hrds",)
    assert tag("") == ()
    assert tag_scores("") == {}


def test_tag_passages_sets_topics_and_keeps_the_rest() -> None:
    passages = [
        Passage("Conscripts who desert face prison.", page=3, paragraph=7,
                heading_path=("Military service",)),
        Passage("The weather was mild.", page=3, paragraph=8, heading_path=("Detention",)),
    ]
    tagged = tag_passages(passages)
    assert tagged[0].topics == ("military_service", "detention")
    assert (tagged[0].page, tagged[0].paragraph, tagged[0].heading_path) == (
        3, 7, ("Military service",))
    assert tagged[1].topics == ()  # headings are not tagged into the passage
    assert passages[0].topics == ()  # the originals are untouched


def test_topic_terms_for_search_queries() -> None:
    terms = topic_terms("detention")
    assert "detain*" in terms and "逮捕" in terms
    assert topic_terms("detention", "en") == list(taxonomy().topic("detention").terms)
    assert topic_terms("detention", "ja") == list(taxonomy().topic("detention").terms_ja)
    with pytest.raises(KeyError, match="unknown topic 'nope'"):
        topic_terms("nope")


# --- validation -------------------------------------------------------------------------------


def _topic(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "code": "detention", "label": "Detention", "label_ja": "拘禁",
        "description": "Arrest and detention.", "terms": ["detain*"], "terms_ja": ["拘禁"],
    }
    base.update(overrides)
    return base


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "no \\[\\[topic\\]\\] entries"),
        ({"topic": [_topic(), _topic()]}, "topic #2 \\('detention'\\): duplicate code"),
        ({"topic": [_topic(terms=[])]}, "'terms' must be a non-empty list"),
        ({"topic": [_topic(terms=["ok", ""])]}, "non-empty string"),
        ({"topic": [_topic(terms=["a*b"])]}, "'\\*' may only end"),
        ({"topic": [_topic(terms=["jail", "Jail"])]}, "duplicate term 'Jail'"),
        ({"topic": [_topic(code="Detention")]}, "snake_case"),
        ({"topic": [_topic(label_ja="")]}, "'label_ja' must be a non-empty string"),
        ({"topic": [_topic(description="two\nlines")]}, "one line"),
        ({"topic": [_topic(term=["x"])]}, "unknown field\\(s\\) term"),
        ({"topic": [_topic(terms_ja=["拘禁*"])]}, "no '\\*' needed"),
        ({"topic": [_topic()], "exclude": {"terms": ["detain*"]}},
         "\\[exclude\\] term 'detain\\*' is also a term of topic 'detention'"),
    ],
)
def test_invalid_taxonomies_are_refused_naming_the_entry(data: dict, message: str) -> None:
    with pytest.raises(TaxonomyError, match=message):
        Taxonomy.from_dict(data)


def test_load_reports_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[[topic]\ncode = ", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="broken.toml is not valid TOML"):
        Taxonomy.load(broken)
    with pytest.raises(TaxonomyError, match="cannot read"):
        Taxonomy.load(tmp_path / "missing.toml")


def test_a_small_custom_taxonomy() -> None:
    custom = Taxonomy.from_dict({
        "topic": [_topic(), _topic(code="other", terms=["jail*"], terms_ja=["監獄"])],
        "exclude": {"terms": ["jailbreak"]},
    })
    assert custom.codes == ("detention", "other")
    assert custom.tag("They detained him in jail") == ("detention", "other")
    assert custom.tag("a jailbreak phone") == ()
    assert custom.tag("監獄に拘禁") == ("detention", "other")
