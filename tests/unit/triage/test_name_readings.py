"""Names in katakana and kanji: the folded keys search and matching use, and the demo's
readings of its applicants' names."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest

from triage.readings import (
    clean_kana,
    has_kana,
    kana_key,
    kanji_key,
    looks_like_reading,
    search_key,
)
from workbench.demo import generate
from workbench.demo.katakana import katakana_name, romanised_to_katakana, word_reading
from workbench.demo.names import tables


@pytest.mark.parametrize("typed", [
    "グエン・ヴァン・アン", "グエンヴァンアン", "グエン ヴァン アン", "ぐえん・ゔぁん・あん",
    "ｸﾞｴﾝ･ｳﾞｧﾝ･ｱﾝ", "グエン　ヴァン　アン", "グエン＝ヴァン＝アン",
])
def test_one_reading_typed_many_ways_has_one_key(typed: str) -> None:
    assert kana_key(typed) == "グエンヴァンアン"


def test_long_vowel_marks_are_left_out_of_the_key() -> None:
    assert kana_key("ムハンマド・アリー") == kana_key("ムハンマド・アリ") == "ムハンマドアリ"
    assert kana_key("ｶｰﾝ") == kana_key("カン")


def test_a_different_reading_has_a_different_key() -> None:
    assert kana_key("グエン・ヴァン・アン") != kana_key("グエン・バン・アン")
    assert kana_key("Nguyen") == ""
    assert not has_kana("Nguyen")


def test_the_reading_kept_on_the_record_is_katakana_with_one_dot_between_parts() -> None:
    assert clean_kana(" ぐえん  ゔぁん・あん ") == "グエン・ヴァン・アン"
    assert clean_kana("ｸﾞｴﾝ ｱﾝ") == "グエン・アン"
    assert looks_like_reading("ぐえん")
    assert not looks_like_reading("Nguyen")
    assert not looks_like_reading("王伟")


def test_kanji_keys_fold_simplified_and_traditional_forms_to_the_japanese_one() -> None:
    assert kanji_key("张 伟") == kanji_key("張偉") == kanji_key("張　偉") == "張偉"
    assert kanji_key("刘静") == kanji_key("劉靜")
    assert kanji_key("王伟") != kanji_key("汪伟")


def test_the_search_key_holds_the_reading_and_the_kanji_apart() -> None:
    key = search_key("ワン・ウェイ", "王 偉")
    assert key == "ワンウェイ 王偉"
    assert search_key(None, None) == ""
    assert search_key(None, "张伟") == "張偉"


# --- the demo's readings ---------------------------------------------------------------------

@pytest.mark.parametrize("family, given, order, bank, reading", [
    ("Nguyễn", "Văn Hùng", "family_first", "vietnamese", "グエン・ヴァン・フン"),
    ("Wang", "Wei", "family_first", "chinese", "ワン・ウェイ"),
    ("Perera", "Nimal", "given_first", "sinhala", "ニマル・ペレラ"),
    ("Hassan", "Mohammed", "given_first", "arabic", "モハメド・ハッサン"),
    ("Kovalenko", "Olena", "given_first", "ukrainian", "オレナ・コヴァレンコ"),
    ("Aung Kyaw Min", "", "single", "myanmar", "アウン・チョー・ミン"),
    ("Şahin", "Mehmet", "given_first", "turkish", "メフメト・シャヒン"),
    ("Rodríguez", "José Luis", "given_first", "latin_american", "ホセ・ルイス・ロドリゲス"),
])
def test_demo_names_read_in_katakana(family: str, given: str, order: str, bank: str,
                                     reading: str) -> None:
    assert katakana_name(family, given, order, bank) == reading


@pytest.mark.parametrize("word, reading", [
    ("Hassan", "ハッサン"), ("Sovann", "ソヴァン"), ("Heng", "ヘン"),
    ("Jayawardena", "ジャヤワルデナ"), ("Pradeep", "プラディープ"),
    ("Wickramasinghe", "ウィクラマシンゲ"), ("Kamara", "カマラ"),
])
def test_the_spelling_rules(word: str, reading: str) -> None:
    assert romanised_to_katakana(word) == reading


def test_every_word_of_every_name_bank_has_a_katakana_reading() -> None:
    for key, bank in tables().banks.items():
        for word, _ in bank.family + bank.male + bank.female:
            reading = word_reading(word, key)
            assert reading and looks_like_reading(reading), (key, word, reading)


@pytest.fixture(scope="module")
def demo():
    return generate(1500, seed=5, as_of=date(2026, 1, 1))


def test_every_demo_applicant_has_a_reading_and_the_chinese_have_kanji(demo) -> None:  # noqa: ANN001
    assert demo.persons
    for person in demo.persons:
        assert person["name_kana"] and looks_like_reading(person["name_kana"]), person
        assert person["name_reading_key"].startswith(kana_key(person["name_kana"]))
        if person["nationality"] == "CHN":
            assert person["name_kanji"], person
            assert person["name_reading_key"].endswith(kanji_key(person["name_kanji"]))
        else:
            assert person["name_kanji"] is None
    assert any(p["nationality"] == "CHN" for p in demo.persons)


def test_the_records_of_one_demo_applicant_share_the_reading(demo) -> None:  # noqa: ANN001
    """A repeat applicant registered again under another spelling keeps the reading."""
    readings: dict[int, set[str]] = defaultdict(set)
    persons = {p["id"]: p for p in demo.persons}
    for app, truth in zip(demo.applications, demo.truth, strict=True):
        readings[truth["true_person"]].add(persons[app["person_id"]]["name_kana"])
    assert readings
    assert all(len(found) == 1 for found in readings.values())
