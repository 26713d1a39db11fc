"""The question bank in Japanese and English: the bilingual version loads, every text has both
languages, choices keep language-independent values, the Japanese follows the glossary, the
older English-only bank still loads, and the parser refuses a half-translated bank."""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path

import pytest

from workbench.examination.question_bank import (
    BANK_DIR,
    BankError,
    QuestionBank,
    available_versions,
    current_version,
    language_code,
    load_bank,
    profiles_raised,
)

# The current bank (2026.12.1 with the foreign-affiliation profile added in 2026.12.2).
BILINGUAL = "2026.12.2"
ENGLISH_ONLY = "2026.12"
GLOSSARY = Path(__file__).resolve().parents[3] / "data" / "glossary" / "ja.toml"
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return load_bank(BILINGUAL)


def pairs(bank: QuestionBank) -> list[tuple[str, str, str | None]]:
    """(where, English, Japanese) for every text of a bank."""
    found: list[tuple[str, str, str | None]] = [("title", bank.title, bank.title_ja)]
    for code, profile in bank.profiles.items():
        found += [(f"profile {code} label", profile.label, profile.label_ja),
                  (f"profile {code} guidance", profile.guidance, profile.guidance_ja)]
    for section in bank.sections:
        found += [(f"section {section.id} title", section.title, section.title_ja),
                  (f"section {section.id} guidance", section.guidance, section.guidance_ja)]
        for q in section.questions:
            found += [(f"{q.id} prompt", q.prompt, q.prompt_ja),
                      (f"{q.id} guidance", q.guidance, q.guidance_ja)]
            for value in q.choices:
                found.append((f"{q.id} choice {value}", q.choice_label(value, "en"),
                              q.choice_label(value, "ja")))
    return found


# --- versions -----------------------------------------------------------------------------------


def test_the_bilingual_bank_is_the_current_version_and_sorts_after_2026_12() -> None:
    versions = available_versions()
    assert versions.index(ENGLISH_ONLY) < versions.index(BILINGUAL)
    assert current_version() == BILINGUAL
    assert load_bank().version == BILINGUAL
    assert load_bank().languages == ("en", "ja")


def test_the_english_only_bank_still_loads_and_falls_back_to_english() -> None:
    old = load_bank(ENGLISH_ONLY)
    assert old.languages == ("en",)
    q = old.question("personal_data.nationalities")
    assert q.prompt_ja is None
    assert q.prompt_in("ja") == q.prompt == "Which nationality or nationalities do you hold?"
    assert old.section("opening").title_in("ja") == "Opening the interview"
    assert old.profiles["sogi"].label_in("ja") == old.profiles["sogi"].label
    assert old.question("personal_data.marital_status").choice_label("divorced", "ja") == \
        "Divorced"


def test_the_bilingual_bank_keeps_the_questions_of_2026_12() -> None:
    """Same sections, questions, types, conditions, elements and stored values: only the
    Japanese texts were added (in 2026.12.1, the first bilingual bank)."""
    bank = load_bank("2026.12.1")
    old = load_bank(ENGLISH_ONLY)
    assert [s.id for s in bank.sections] == [s.id for s in old.sections]
    for new_q, old_q in zip(bank.questions, old.questions, strict=True):
        assert new_q.id == old_q.id
        assert (new_q.prompt, new_q.guidance, new_q.type, new_q.required, new_q.element,
                new_q.choices, new_q.when) == (old_q.prompt, old_q.guidance, old_q.type,
                                               old_q.required, old_q.element, old_q.choices,
                                               old_q.when), new_q.id
    for code, profile in bank.profiles.items():
        assert set(old.profiles[code].keywords) < set(profile.keywords), code
        assert profile.cues == old.profiles[code].cues


# --- both languages -------------------------------------------------------------------------------


def test_every_text_has_english_and_japanese(bank: QuestionBank) -> None:
    texts = pairs(bank)
    assert len(texts) > 2 * 192
    for where, english, japanese in texts:
        assert english and english.strip(), where
        assert japanese and japanese.strip(), where
        assert JAPANESE.search(japanese), f"{where}: {japanese!r} is not Japanese"
        assert not JAPANESE.search(english), f"{where}: the English text holds Japanese"


def test_japanese_choices_are_aligned_one_to_one(bank: QuestionBank) -> None:
    choice_questions = [q for q in bank.questions if q.choices]
    assert len(choice_questions) == 19  # 18, and the foreign-affiliation employers
    for q in choice_questions:
        assert len(q.choices_ja) == len(q.choices), q.id
        assert len(set(q.choices_ja)) == len(q.choices_ja), q.id
    grounds = bank.question("convention_grounds.grounds")
    assert grounds.choice_label("religion", "ja") == "宗教"
    assert grounds.choice_label("political_opinion", "ja") == "政治的意見"
    assert grounds.choice_label("particular_social_group", "ja").startswith("特定の社会的集団")
    status = bank.question("travel_route.status_on_entry")
    assert status.choice_label("temporary_visitor", "ja") == "短期滞在"
    assert status.choice_label("designated_activities", "ja") == "特定活動"
    # A label reads back to the value stored, in either language.
    assert status.choice_value("技能実習", "ja") == "technical_intern"
    assert status.choice_value("Technical intern", "en") == "technical_intern"
    with pytest.raises(ValueError):
        status.choice_value("留学生", "ja")


def test_the_profiles_question_reads_as_the_profile_labels(bank: QuestionBank) -> None:
    q = bank.question("opening.profiles_raised")
    for code in q.choices:
        assert q.choice_label(code, "ja") == bank.profiles[code].label_ja, code


def test_questions_to_the_applicant_are_polite_questions(bank: QuestionBank) -> None:
    """A question the inquirer puts to the applicant ("you") is a polite Japanese question;
    a record-keeping prompt ("Date of the interview") stays a heading."""
    asked = [q for q in bank.questions if re.search(r"\b(you|your)\b", q.prompt, re.I)]
    assert len(asked) > 100
    for q in asked:
        assert q.prompt_ja.endswith(("か。", "ください。")), (q.id, q.prompt_ja)
        assert re.search(r"(ます|まし|ません|です|でし|ください)", q.prompt_ja), q.id
    assert bank.question("personal_data.nationalities").prompt_in("ja") == \
        "あなたの国籍を教えてください。"
    for q in bank.questions:
        assert not q.guidance_ja.endswith("?"), q.id


def test_language_tags_are_normalised() -> None:
    assert language_code("ja-JP") == "ja"
    assert language_code("JA") == "ja"
    assert language_code("en_GB") == "en"
    assert language_code("fr") == "en"
    assert language_code(None) == "en"


# --- glossary ----------------------------------------------------------------------------------


def _glossary() -> list[dict]:
    return tomllib.loads(GLOSSARY.read_text(encoding="utf-8"))["term"]


def _english_pattern(form: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in re.split(r"[\s\-]+", form.strip()) if w]
    return re.compile(r"(?<![A-Za-z])" + r"[\s\-]+".join(words) + r"(?![A-Za-z])",
                      re.IGNORECASE)


def glossary_misses(texts: list[tuple[str, str, str | None]]) -> list[str]:
    """Texts whose English uses a checked glossary term that their Japanese does not."""
    misses = []
    for term in _glossary():
        if term.get("checked", True) is False:
            continue
        english = [_english_pattern(f) for f in [term["en"], *term.get("en_forms", [])]]
        japanese = [term["ja"], *term.get("ja_forms", [])]
        for where, en, ja in texts:
            if any(p.search(en) for p in english) and not any(j in (ja or "") for j in japanese):
                misses.append(f'{where}: "{term["en"]}" is not said as {term["ja"]}: {ja}')
    return misses


def test_the_japanese_uses_the_glossary_terms(bank: QuestionBank) -> None:
    misses = glossary_misses(pairs(bank))
    assert not misses, "\n".join(misses)
    # The check bites: the bank uses these terms, and a text without them is caught.
    assert any("applicant" in en for _w, en, _ja in pairs(bank))
    assert glossary_misses([("x", "Ask the applicant's interpreter.", "通訳人に尋ねる。")]) == [
        'x: "applicant" is not said as 申請者: 通訳人に尋ねる。']
    assert glossary_misses([("x", "Any appeals?", "不服申立ては?")])
    assert not glossary_misses([("x", "Any appeals?", "審査請求は?")])


# --- conditions and answers are language-independent --------------------------------------------


def test_conditions_hold_on_the_stored_values_whatever_the_language(bank: QuestionBank) -> None:
    answers = {"convention_grounds.grounds": ["particular_social_group"],
               "agents_protection.sought_protection": False,
               "internal_relocation.could_relocate": "no"}
    shown = {q.id for _s, qs in bank.visible_sections(answers) for q in qs}
    assert {"convention_grounds.psg_definition", "agents_protection.why_not_sought",
            "internal_relocation.why_not_safe"} <= shown
    assert "agents_protection.protection_outcome" not in shown
    # A Japanese label is not a value: it is refused, so it cannot be stored by mistake.
    with pytest.raises(ValueError):
        bank.validate_answer("internal_relocation.could_relocate", "いいえ")
    value = bank.question("internal_relocation.could_relocate").choice_value("いいえ", "ja")
    assert bank.validate_answer("internal_relocation.could_relocate", value) == "no"


def test_japanese_keywords_raise_every_profile(bank: QuestionBank) -> None:
    claims = {
        "gender": "申請者は、帰国すれば女性器切除を強いられると申し立てている。",
        "sogi": "申請者は同性愛者であることが家族に知られた旨供述した。",
        "military_service": "申請者は兵役拒否を理由に処罰されると述べている。",
        "armed_conflict": "出身地域では砲撃が続いていると申し立てている。",
        "child": "申請者は入国当時16歳の児童であった。",
        "trafficking": "申請者は人身取引の被害に遭ったと申し立てている。",
        "torture": "申請者は拘禁中に拷問を受けた旨供述した。",
    }
    for code, narrative in claims.items():
        assert code in profiles_raised(bank, narrative), code
    for code, profile in bank.profiles.items():
        assert any(JAPANESE.search(k) for k in profile.keywords), code


# --- the parser ----------------------------------------------------------------------------------

GOOD_JA = """\
version = "9999.1"
title = "Test bank"
title_ja = "試験用の質問集"

[profiles.sogi]
label = "SOGI"
label_ja = "性的指向及び性自認"
guidance = "Sexual orientation and gender identity."
guidance_ja = "性的指向及び性自認に関する申立て。"
cues = []
keywords = ["gay", "同性愛"]

[[section]]
id = "opening"
title = "Opening"
title_ja = "面接の開始"
guidance = "Open the interview."
guidance_ja = "面接を開始する。"

[[section.question]]
id = "opening.helped"
prompt = "Did you ask for help?"
prompt_ja = "助けを求めましたか。"
guidance = "Neutrally."
guidance_ja = "中立的に尋ねる。"
type = "yes_no"

[[section.question]]
id = "opening.grounds"
prompt = "Grounds"
prompt_ja = "理由"
guidance = "Tick all."
guidance_ja = "全て選ぶ。"
type = "multi_choice"
choices = ["religion", "political_opinion"]
choices_ja = ["宗教", "政治的意見"]

[[section.question]]
id = "opening.why"
prompt = "Why?"
prompt_ja = "なぜですか。"
guidance = "Own words."
guidance_ja = "本人の言葉で。"
type = "long_text"
when = { question = "opening.grounds", includes = "religion" }
"""


def _refused(tmp_path: Path, text: str) -> BankError:
    (tmp_path / "9999.1.toml").write_text(text, encoding="utf-8")
    with pytest.raises(BankError) as excinfo:
        load_bank("9999.1", tmp_path)
    return excinfo.value


def _line(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_a_bilingual_test_bank_loads(tmp_path: Path) -> None:
    (tmp_path / "9999.1.toml").write_text(GOOD_JA, encoding="utf-8")
    bank = load_bank("9999.1", tmp_path)
    assert bank.languages == ("en", "ja")
    assert bank.title_in("ja") == "試験用の質問集"
    q = bank.question("opening.grounds")
    assert q.choices_ja == ("宗教", "政治的意見")
    shown = {q.id for _s, qs in bank.visible_sections({"opening.grounds": ["religion"]})
             for q in qs}
    assert "opening.why" in shown


def test_one_missing_japanese_text_is_refused_with_its_entry(tmp_path: Path) -> None:
    text = GOOD_JA.replace('prompt_ja = "なぜですか。"\n', "")
    error = _refused(tmp_path, text)
    assert 'missing "prompt_ja"' in str(error) and "opening.why" in str(error)
    # The entry that lacks it is blamed: the header of the third question.
    headers = [n for n, line in enumerate(text.splitlines(), 1) if line == "[[section.question]]"]
    assert error.line == headers[2]
    text = GOOD_JA.replace('title_ja = "面接の開始"\n', "")
    assert 'missing "title_ja"' in str(_refused(tmp_path, text))
    text = GOOD_JA.replace('label_ja = "性的指向及び性自認"\n', "")
    assert 'missing "label_ja"' in str(_refused(tmp_path, text))
    text = GOOD_JA.replace('choices_ja = ["宗教", "政治的意見"]\n', "")
    assert 'missing "choices_ja"' in str(_refused(tmp_path, text))


def test_choices_ja_must_match_choices(tmp_path: Path) -> None:
    text = GOOD_JA.replace('choices_ja = ["宗教", "政治的意見"]', 'choices_ja = ["宗教"]')
    error = _refused(tmp_path, text)
    assert "1 labels for 2 choices" in str(error)
    assert error.line == _line(text, "choices_ja")
    text = GOOD_JA.replace('choices_ja = ["宗教", "政治的意見"]', 'choices_ja = ["宗教", "宗教"]')
    assert "twice" in str(_refused(tmp_path, text))
    text = GOOD_JA.replace('type = "yes_no"', 'type = "yes_no"\nchoices_ja = ["はい"]')
    assert '"choices_ja" is only for types choice and multi_choice' in str(
        _refused(tmp_path, text))


def test_japanese_keys_must_hold_japanese_and_no_other_key_is_accepted(tmp_path: Path) -> None:
    text = GOOD_JA.replace('prompt_ja = "理由"', 'prompt_ja = "Grounds"')
    assert '"prompt_ja" must be written in Japanese' in str(_refused(tmp_path, text))
    text = GOOD_JA.replace('prompt_ja = "理由"', 'prompt_jp = "理由"')
    assert 'unknown key "prompt_jp"' in str(_refused(tmp_path, text))


def test_a_bank_without_any_japanese_needs_none(tmp_path: Path) -> None:
    english = "\n".join(line for line in GOOD_JA.splitlines() if "_ja = " not in line) + "\n"
    (tmp_path / "9999.1.toml").write_text(english, encoding="utf-8")
    bank = load_bank("9999.1", tmp_path)
    assert bank.languages == ("en",)
    assert bank.question("opening.helped").prompt_in("ja") == "Did you ask for help?"


def test_released_banks_are_never_edited() -> None:
    """Records name the version they were taken with: the released files stay as released
    (a change is a new version file)."""
    digests = {
        ENGLISH_ONLY: "5bf7e374d6978e390515ebf700512fd1b3298623533ae3c0c8db3c610eeb3685",
    }
    for version, digest in digests.items():
        data = (BANK_DIR / f"{version}.toml").read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, f"{version}.toml was edited"
