"""The eligibility question bank: the shipped bank, conditions, answers, broken banks,
versions and the profiles a claim raises."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from workbench.examination.question_bank import (
    ANSWER_TYPES,
    CUE_TYPES,
    ELEMENTS,
    BankError,
    QuestionBank,
    available_versions,
    current_version,
    load_bank,
    profiles_raised,
    suggested_questions,
)

SECTION_ORDER = [
    "opening", "personal_data", "documents", "travel_route", "previous_applications",
    "free_narrative", "past_harm", "fear_on_return", "convention_grounds", "agents_protection",
    "internal_relocation", "sur_place", "profile_gender", "profile_sogi",
    "profile_military_service", "profile_armed_conflict", "profile_child", "profile_trafficking",
    "profile_torture", "profile_foreign_affiliation", "exclusion", "credibility_notes", "closing",
]
PROFILE_CODES = ["gender", "sogi", "military_service", "armed_conflict", "child", "trafficking",
                 "torture", "foreign_affiliation"]


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return load_bank()


def visible_ids(bank: QuestionBank, answers: dict, profiles=()) -> set[str]:
    return {q.id for _s, qs in bank.visible_sections(answers, set(profiles)) for q in qs}


def visible_section_ids(bank: QuestionBank, answers: dict, profiles=()) -> list[str]:
    return [s.id for s, _qs in bank.visible_sections(answers, set(profiles))]


# ---------------------------------------------------------------------------------------------
# The shipped bank
# ---------------------------------------------------------------------------------------------


def test_shipped_bank_is_the_current_version(bank: QuestionBank) -> None:
    # 2026.12.1 is 2026.12 with Japanese beside each text
    # (tests/unit/examination/test_question_bank_ja.py); 2026.12.2 adds the
    # foreign_affiliation profile.
    assert bank.version == current_version() == "2026.12.2"
    assert available_versions()[-3:] == ["2026.12", "2026.12.1", "2026.12.2"]
    assert bank.title


def test_sections_follow_the_interview_structure_in_order(bank: QuestionBank) -> None:
    assert [s.id for s in bank.sections] == SECTION_ORDER
    for section in bank.sections:
        assert section.title.strip() and section.guidance.strip()


def test_every_question_is_complete_and_valid(bank: QuestionBank) -> None:
    questions = bank.questions
    assert len(questions) >= 150
    assert len({q.id for q in questions}) == len(questions)
    for q in questions:
        assert q.prompt.strip(), q.id
        assert q.guidance.strip(), q.id
        assert q.type in ANSWER_TYPES, q.id
        assert q.element is None or q.element in ELEMENTS, q.id
        assert q.id.startswith(f"{q.section_id}."), q.id
        assert bool(q.choices) == (q.type in ("choice", "multi_choice")), q.id


def test_section_sizes(bank: QuestionBank) -> None:
    for section in bank.sections:
        n = len(section.questions)
        if section.id.startswith("profile_"):
            assert 4 <= n <= 8, section.id
        else:
            assert 6 <= n <= 15, section.id


def test_profiles_and_their_sub_forms(bank: QuestionBank) -> None:
    assert list(bank.profiles) == PROFILE_CODES
    for code, profile in bank.profiles.items():
        assert profile.label and profile.guidance and profile.keywords
        assert set(profile.cues) <= set(CUE_TYPES)
        section = bank.section(f"profile_{code}")
        assert section.when is not None and section.when.profiles == (code,)
    with_conflict = [c for c, p in bank.profiles.items() if "conflict" in p.cues]
    assert with_conflict == ["armed_conflict"]
    assert list(bank.question("opening.profiles_raised").choices) == PROFILE_CODES


def test_questions_an_interview_cannot_close_without_are_required(bank: QuestionBank) -> None:
    for qid in [
        "opening.interview_language", "opening.interpreter_understood",
        "fear_on_return.what_feared", "convention_grounds.grounds",
        "agents_protection.agent_type", "agents_protection.sought_protection",
        "internal_relocation.could_relocate", "closing.read_back_confirmed",
        "closing.anything_to_add", "exclusion.harm_to_others", "exclusion.terrorism",
    ]:
        assert bank.question(qid).required, qid
    assert bank.question("convention_grounds.grounds").choices == (
        "race", "religion", "nationality", "particular_social_group", "political_opinion",
        "imputed_political_opinion", "none_identified",
    )
    assert "non_state_religious_group" in bank.question("agents_protection.agent_type").choices
    assert bank.question("agents_protection.sought_protection").type == "yes_no"


def test_exactly_one_incidents_table_in_past_harm(bank: QuestionBank) -> None:
    incidents = [q for q in bank.questions if q.type == "incidents"]
    assert [q.id for q in incidents] == ["past_harm.incidents"]


def test_questions_for_element(bank: QuestionBank) -> None:
    relocation = bank.questions_for_element("relocation")
    assert bank.question("internal_relocation.could_relocate") in relocation
    assert all(q.element == "relocation" for q in relocation)
    for element in ELEMENTS:
        assert bank.questions_for_element(element), element
    with pytest.raises(ValueError, match="unknown element"):
        bank.questions_for_element("nexxus")


def test_unknown_question_is_a_clear_key_error(bank: QuestionBank) -> None:
    with pytest.raises(KeyError, match="no question 'opening.nope'"):
        bank.question("opening.nope")


# ---------------------------------------------------------------------------------------------
# Conditions
# ---------------------------------------------------------------------------------------------


def test_sogi_sub_form_appears_only_with_the_profile(bank: QuestionBank) -> None:
    assert "profile_sogi" not in visible_section_ids(bank, {})
    assert "profile_sogi.self_description" not in visible_ids(bank, {})
    assert "profile_sogi" in visible_section_ids(bank, {}, {"sogi"})
    assert "profile_sogi" not in visible_section_ids(bank, {}, {"gender"})
    # confirming the profile in the opening is enough
    confirmed = {"opening.profiles_raised": ["sogi"]}
    assert "profile_sogi" in visible_section_ids(bank, confirmed)


def test_no_profile_sub_form_without_profiles(bank: QuestionBank) -> None:
    shown = visible_section_ids(bank, {})
    assert not [s for s in shown if s.startswith("profile_")]
    assert shown == [s for s in SECTION_ORDER if not s.startswith("profile_")]


def test_state_protection_follow_ups_match_the_answer(bank: QuestionBank) -> None:
    outcome = "agents_protection.protection_outcome"
    why_not = "agents_protection.why_not_sought"
    unanswered = visible_ids(bank, {})
    assert outcome not in unanswered and why_not not in unanswered

    sought = visible_ids(bank, {"agents_protection.sought_protection": True})
    assert outcome in sought and why_not not in sought

    not_sought = visible_ids(bank, {"agents_protection.sought_protection": False})
    assert why_not in not_sought and outcome not in not_sought


def test_psg_definition_only_for_a_particular_social_group(bank: QuestionBank) -> None:
    qid = "convention_grounds.psg_definition"
    assert qid not in visible_ids(bank, {})
    assert qid not in visible_ids(bank, {"convention_grounds.grounds": ["religion"]})
    psg = {"convention_grounds.grounds": ["religion", "particular_social_group"]}
    assert qid in visible_ids(bank, psg)


def test_answer_of_a_hidden_question_does_not_count(bank: QuestionBank) -> None:
    answers = {"profile_gender.harm_type": ["fgm"]}
    assert "profile_gender.fgm_details" not in visible_ids(bank, answers)
    assert "profile_gender.fgm_details" in visible_ids(bank, answers, {"gender"})


def test_missing_required_shrinks_as_answers_are_given(bank: QuestionBank) -> None:
    missing = [q.id for q in bank.missing_required({}, set())]
    assert "opening.interview_language" in missing
    assert "fear_on_return.what_feared" in missing
    assert "closing.read_back_confirmed" in missing
    assert all(bank.question(qid).required for qid in missing)

    answers: dict[str, object] = {
        "opening.interview_language": "Tigrinya",
        "opening.interpreter_understood": True,
        "fear_on_return.what_feared": "   ",  # blank is not an answer
        "convention_grounds.grounds": [],  # nor is an empty list
    }
    after = [q.id for q in bank.missing_required(answers, set())]
    assert len(after) == len(missing) - 2
    assert "opening.interview_language" not in after
    assert "fear_on_return.what_feared" in after
    assert "convention_grounds.grounds" in after

    # answering everything required leaves nothing missing
    for q in bank.missing_required(answers, set()):
        answers[q.id] = _sample_answer(q)
    assert bank.missing_required(answers, set()) == []


def test_hidden_required_question_is_not_demanded(bank: QuestionBank) -> None:
    required_hidden = "profile_child.guardian_present"
    assert bank.question(required_hidden).required
    assert required_hidden not in [q.id for q in bank.missing_required({}, set())]
    assert required_hidden in [q.id for q in bank.missing_required({}, {"child"})]
    # a False answer to a yes/no question is an answer
    answers = {required_hidden: False}
    assert required_hidden not in [q.id for q in bank.missing_required(answers, {"child"})]


def _sample_answer(question):  # noqa: ANN001, ANN202
    return {
        "text": "x", "long_text": "x", "yes_no": True, "date": date(2026, 1, 5), "number": 1,
        "choice": question.choices[0] if question.choices else None,
        "multi_choice": list(question.choices[:1]), "incidents": [{"what": "x"}],
    }[question.type]


# ---------------------------------------------------------------------------------------------
# Answers
# ---------------------------------------------------------------------------------------------


def test_date_answers(bank: QuestionBank) -> None:
    qid = "travel_route.entry_date"
    assert bank.validate_answer(qid, " 2024-03-01 ") == date(2024, 3, 1)
    assert bank.validate_answer(qid, date(2024, 3, 1)) == date(2024, 3, 1)
    with pytest.raises(ValueError) as excinfo:
        bank.validate_answer(qid, "2024-02-30")
    assert bank.question(qid).prompt in str(excinfo.value)
    assert "2024-02-30" in str(excinfo.value)


def test_choice_answers(bank: QuestionBank) -> None:
    qid = "internal_relocation.could_relocate"
    assert bank.validate_answer(qid, " no ") == "no"
    with pytest.raises(ValueError, match="Could you live safely"):
        bank.validate_answer(qid, "maybe")


def test_multi_choice_answers(bank: QuestionBank) -> None:
    qid = "convention_grounds.grounds"
    assert bank.validate_answer(qid, ["religion", "political_opinion"]) == [
        "religion", "political_opinion",
    ]
    with pytest.raises(ValueError, match="more than once"):
        bank.validate_answer(qid, ["religion", "religion"])
    with pytest.raises(ValueError, match="caste"):
        bank.validate_answer(qid, ["caste"])
    with pytest.raises(ValueError, match="list"):
        bank.validate_answer(qid, "religion")


def test_yes_no_accepts_bools_only(bank: QuestionBank) -> None:
    qid = "agents_protection.sought_protection"
    assert bank.validate_answer(qid, True) is True
    assert bank.validate_answer(qid, False) is False
    for bad in ("yes", 1, 0):
        with pytest.raises(ValueError, match="ask the police"):
            bank.validate_answer(qid, bad)


def test_text_and_number_answers(bank: QuestionBank) -> None:
    assert bank.validate_answer("personal_data.full_name", "  Amina \n Yusuf ") == "Amina Yusuf"
    assert bank.validate_answer("personal_data.full_name", "   ") is None
    assert bank.validate_answer("free_narrative.account", " line 1\nline 2 ") == "line 1\nline 2"
    qid = "previous_applications.count_japan"
    assert bank.validate_answer(qid, "2") == 2
    assert bank.validate_answer(qid, 2.5) == 2.5
    with pytest.raises(ValueError, match="How many times"):
        bank.validate_answer(qid, "two")
    with pytest.raises(ValueError):
        bank.validate_answer(qid, True)


# ---------------------------------------------------------------------------------------------
# Broken banks
# ---------------------------------------------------------------------------------------------

GOOD = """\
version = "9999.1"
title = "Test bank"

[profiles.sogi]
label = "SOGI"
guidance = "Sexual orientation and gender identity."
cues = []
keywords = ["gay"]

[[section]]
id = "opening"
title = "Opening"
guidance = "Open the interview."

[[section.question]]
id = "opening.language"
prompt = "Language of the interview"
guidance = "As used."
type = "text"
required = true
element = "procedure"

[[section.question]]
id = "opening.helped"
prompt = "Did you ask for help?"
guidance = "Neutrally."
type = "yes_no"
element = "state_protection"

[[section.question]]
id = "opening.grounds"
prompt = "Grounds"
guidance = "Tick all."
type = "multi_choice"
choices = ["religion", "political_opinion"]
element = "ground"

[[section]]
id = "profile_sogi"
title = "SOGI"
guidance = "Sub-form."
when = { profiles = ["sogi"] }

[[section.question]]
id = "profile_sogi.self"
prompt = "How do you describe yourself?"
guidance = "Own words."
type = "long_text"
"""


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if fragment in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{fragment!r} not in text")


def write(tmp_path: Path, text: str, name: str = "9999.1.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(tmp_path: Path, text: str, name: str = "9999.1.toml") -> BankError:
    write(tmp_path, text, name)
    with pytest.raises(BankError) as excinfo:
        load_bank(Path(name).stem, tmp_path)
    return excinfo.value


def test_good_test_bank_loads(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    bank = load_bank("9999.1", tmp_path)
    assert [s.id for s in bank.sections] == ["opening", "profile_sogi"]


def assert_blames(error: BankError, line: int, *words: str) -> None:
    text = str(error)
    assert "9999." in text and ".toml" in text, text
    assert f".toml:{line}:" in text, text
    assert error.line == line
    for word in words:
        assert word in text, text


def test_syntax_error_names_the_line(tmp_path: Path) -> None:
    text = GOOD.replace('type = "yes_no"', "type = yes_no")
    assert_blames(refused(tmp_path, text), line_of(text, "type = yes_no"), "syntax")


def test_unknown_type_names_the_line(tmp_path: Path) -> None:
    text = GOOD.replace('type = "long_text"', 'type = "longtext"')
    assert_blames(refused(tmp_path, text), line_of(text, '"longtext"'), "unknown type",
                  "profile_sogi.self")


def test_unknown_element_names_the_line(tmp_path: Path) -> None:
    text = GOOD.replace('element = "ground"', 'element = "grounds"')
    assert_blames(refused(tmp_path, text), line_of(text, '"grounds"'), "unknown element")


def test_duplicate_question_id_names_the_second(tmp_path: Path) -> None:
    text = GOOD.replace('id = "opening.helped"', 'id = "opening.language"')
    assert_blames(refused(tmp_path, text), line_of(text, 'id = "opening.language"', 2),
                  "duplicate question id")


def test_duplicate_section_id(tmp_path: Path) -> None:
    text = GOOD.replace('id = "profile_sogi"', 'id = "opening"').replace(
        "profile_sogi.self", "opening.self"
    )
    assert_blames(refused(tmp_path, text), line_of(text, 'id = "opening"', 2),
                  "duplicate section id")


def test_condition_on_a_later_question(tmp_path: Path) -> None:
    text = GOOD.replace(
        'required = true\n', 'required = true\nwhen = { question = "opening.helped", '
        "equals = true }\n",
    )
    assert_blames(refused(tmp_path, text), line_of(text, "when = {"), "comes later")


def test_condition_on_unknown_question_or_profile(tmp_path: Path) -> None:
    text = GOOD.replace('profiles = ["sogi"]', 'profiles = ["sogii"]')
    assert_blames(refused(tmp_path, text), line_of(text, "sogii"), "unknown profile")
    text = GOOD + 'when = { question = "opening.nope", answered = true }\n'
    assert_blames(refused(tmp_path, text), line_of(text, "opening.nope"), "unknown question")


def test_includes_value_must_be_a_choice(tmp_path: Path) -> None:
    text = GOOD + 'when = { question = "opening.grounds", includes = "race" }\n'
    assert_blames(refused(tmp_path, text), line_of(text, '"race"'), "not among the choices")


def test_typo_key_is_refused_with_a_suggestion(tmp_path: Path) -> None:
    text = GOOD.replace("required = true", "requird = true")
    assert_blames(refused(tmp_path, text), line_of(text, "requird"), 'unknown key "requird"',
                  '"required"')


def test_version_must_match_the_file_name(tmp_path: Path) -> None:
    error = refused(tmp_path, GOOD, name="9999.2.toml")
    assert_blames(error, 1, "9999.2.toml", '"9999.1"')


def test_choices_are_needed_for_choice_types_only(tmp_path: Path) -> None:
    text = GOOD.replace('choices = ["religion", "political_opinion"]\n', "")
    assert_blames(refused(tmp_path, text), line_of(text, 'type = "multi_choice"'), "choices")
    text = GOOD.replace('type = "text"\n', 'type = "text"\nchoices = ["a"]\n')
    assert_blames(refused(tmp_path, text), line_of(text, 'choices = ["a"]'), "choices")


def test_missing_prompt_and_incidents_outside_past_harm(tmp_path: Path) -> None:
    text = GOOD.replace('prompt = "Grounds"\n', "")
    assert_blames(refused(tmp_path, text), line_of(text, "[[section.question]]", 3),
                  'missing "prompt"')
    text = GOOD.replace('type = "long_text"', 'type = "incidents"')
    assert_blames(refused(tmp_path, text), line_of(text, '"incidents"'), "past_harm")


# ---------------------------------------------------------------------------------------------
# Versions
# ---------------------------------------------------------------------------------------------


def test_versions_old_and_new(tmp_path: Path) -> None:
    older = GOOD.replace('"9999.1"', '"2026.9"')
    newer = older.replace('"2026.9"', '"2026.12"').replace(
        'id = "opening.helped"', 'id = "opening.asked_for_help"'
    )
    write(tmp_path, older, "2026.9.toml")
    write(tmp_path, newer, "2026.12.toml")

    assert available_versions(tmp_path) == ["2026.9", "2026.12"]  # natural, not text order
    assert current_version(tmp_path) == "2026.12"
    assert load_bank(directory=tmp_path).version == "2026.12"

    old = load_bank("2026.9", tmp_path)
    assert old.version == "2026.9"
    assert old.question("opening.helped").prompt == "Did you ask for help?"
    with pytest.raises(KeyError):
        load_bank(directory=tmp_path).question("opening.helped")

    with pytest.raises(BankError) as excinfo:
        load_bank("2025.1", tmp_path)
    assert "2026.9, 2026.12" in str(excinfo.value)


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    assert load_bank("9999.1", tmp_path).title == "Test bank"
    assert load_bank("9999.1", tmp_path) is load_bank("9999.1", tmp_path)
    write(tmp_path, GOOD.replace('"Test bank"', '"Test bank, corrected"'))
    assert load_bank("9999.1", tmp_path).title == "Test bank, corrected"


def test_empty_directory_has_no_current_version(tmp_path: Path) -> None:
    assert available_versions(tmp_path) == []
    with pytest.raises(BankError):
        load_bank(directory=tmp_path)


# ---------------------------------------------------------------------------------------------
# Profiles raised by a claim
# ---------------------------------------------------------------------------------------------


def test_gay_claim_raises_sogi(bank: QuestionBank) -> None:
    raised = profiles_raised(bank, "I am gay and my family threatened me.")
    assert list(raised) == ["sogi"]
    assert 'keyword "gay"' in raised["sogi"]


def test_conscription_claim_raises_military_service(bank: QuestionBank) -> None:
    raised = profiles_raised(bank, "I fled because of Conscription; I refused to serve.")
    assert "military_service" in raised
    assert any("conscription" in reason for reason in raised["military_service"])


def test_japanese_keyword_raises_sogi(bank: QuestionBank) -> None:
    raised = profiles_raised(bank, "私は同性愛者であることが家族に知られた。")
    assert "sogi" in raised
    assert 'keyword "同性愛"' in raised["sogi"]


def test_ordinary_debt_claim_raises_nothing(bank: QuestionBank) -> None:
    narrative = ("I borrowed money from a moneylender to open a shop. The business failed and "
                 "I could not repay the debt, so he came to my house and shouted at my wife.")
    assert profiles_raised(bank, narrative) == {}
    assert profiles_raised(bank, narrative, ["b_debt_property"]) == {}


def test_keywords_match_whole_words_only(bank: QuestionBank) -> None:
    assert "armed_conflict" not in profiles_raised(bank, "The police warned me twice.")
    assert "sogi" in profiles_raised(bank, "Same sex relations are punished.")


def test_conflict_cue_raises_armed_conflict(bank: QuestionBank) -> None:
    raised = profiles_raised(bank, "We lived in the north.", ["conflict", "harm"])
    assert raised == {"armed_conflict": ["triage cue conflict"]}


def test_suggested_questions_for_a_preparation_sheet(bank: QuestionBank) -> None:
    sheet = suggested_questions(bank, ["sogi"])
    ids = [s.id for s, _qs in sheet]
    assert ids == ["fear_on_return", "convention_grounds", "agents_protection",
                   "internal_relocation", "profile_sogi"]
    for section, questions in sheet:
        assert 1 <= len(questions) <= 4
        assert all(q.section_id == section.id for q in questions)
    by_section = {s.id: [q.id for q in qs] for s, qs in sheet}
    assert "fear_on_return.what_feared" in by_section["fear_on_return"]
    assert "agents_protection.sought_protection" in by_section["agents_protection"]
    assert "profile_gender" not in ids
    assert len(suggested_questions(bank, ["sogi"], limit_per_section=2)[-1][1]) == 2


def test_a_released_bank_keeps_its_profiles_when_a_newer_one_adds_one() -> None:
    # 2026.12.1 was released without the foreign-affiliation profile and stays so.
    released = load_bank("2026.12.1")
    assert "foreign_affiliation" not in released.profiles
    assert "foreign_affiliation" not in released.question("opening.profiles_raised").choices
    newer = load_bank("2026.12.2")
    assert [q.id for q in released.questions] == [
        q.id for q in newer.questions if not q.id.startswith("profile_foreign_affiliation.")]


@pytest.mark.parametrize("claim", [
    "I worked as an interpreter for the US army in Helmand.",
    "My father was a driver at the British embassy in Kabul.",
    "I was a translator for ISAF from 2010 to 2013.",
    "私は米軍の通訳として働いていました。",
    "姉は国際機関に勤めていました。",
])
def test_work_for_foreign_forces_raises_the_foreign_affiliation_profile(
        bank: QuestionBank, claim: str) -> None:
    assert "foreign_affiliation" in profiles_raised(bank, claim)


def test_a_choice_saying_none_stands_alone(bank: QuestionBank) -> None:
    grounds = bank.question("convention_grounds.grounds")
    assert grounds.exclusive_choices == ("none_identified",)
    with pytest.raises(ValueError, match="None identified"):
        bank.validate_answer(grounds.id, ["religion", "none_identified"])
    assert bank.validate_answer(grounds.id, ["none_identified"]) == ["none_identified"]
    # The one just ticked wins, either way.
    assert grounds.without_contradiction(["religion"], ["religion", "none_identified"]) == \
        ["none_identified"]
    assert grounds.without_contradiction(["none_identified"],
                                         ["none_identified", "race"]) == ["race"]
    assert grounds.without_contradiction([], ["race", "religion"]) == ["race", "religion"]
    assert bank.question("documents.identity_documents_held").exclusive_choices == ("none",)
    assert bank.question("opening.profiles_raised").exclusive_choices == ()
