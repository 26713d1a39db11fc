"""The interview page shows the question bank in the record's language, whoever reads it: a
record taken in Japanese shows Japanese sections, prompts, guidance and choices on an English
screen, and an answer picked from the Japanese labels is stored as the language-free value."""

from __future__ import annotations

import pytest

from models import CaseState
from tests.app.conftest import signed_in
from tests.app.helpers import button, shown
from tests.conftest import insert_case
from tests.integration.examination.test_examination import NARRATIVE
from workbench.core.db import unit_of_work
from workbench.examination import interviews
from workbench.examination import question_bank as qb
from workbench.ui.examination.interview_common import (
    record_language_key,
    section_key,
    tabs_key,
    widget_key,
)


@pytest.fixture
def case(app_db):  # noqa: ANN001, ANN201
    engine, staff = app_db
    case_id = insert_case(engine, inquirer=staff.inquirer, state=CaseState.UNDER_EXAMINATION,
                          sorting_category="D2", claim_narrative=NARRATIVE)
    return engine, staff, case_id


def _record_page(case_id: int, **state):  # noqa: ANN003, ANN202
    at = signed_in("inq.one")
    at.query_params["case"] = str(case_id)
    at.session_state[tabs_key(case_id)] = "Record"
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page("../pages/interview.py").run()
    assert not at.exception, at.exception
    return at


def _start(engine, staff, case_id: int, language: str) -> None:  # noqa: ANN001
    with unit_of_work(engine) as s:
        interviews.start_interview(s, actor=staff.inquirer, application_id=case_id,
                                   language=language)


def _stored(engine, staff, case_id: int) -> interviews.InterviewView:  # noqa: ANN001
    with unit_of_work(engine, write=False) as s:
        return interviews.interview(s, actor=staff.inquirer, application_id=case_id)


def test_a_japanese_record_shows_the_bank_in_japanese_on_an_english_screen(case) -> None:  # noqa: ANN001
    engine, staff, case_id = case
    _start(engine, staff, case_id, "ja")
    at = _record_page(case_id)
    bank = qb.load_bank()
    # The screen itself stays in the reader's language.
    assert "Sessions" in [s.value for s in at.subheader]
    labels = [shown(e.label) for e in at.expander]
    assert any(label.startswith("面接の開始") for label in labels)
    assert not any(label.startswith("Opening the interview") for label in labels)

    understood = at.radio(key=widget_key(case_id, "opening.interpreter_understood"))
    question = bank.question("opening.interpreter_understood")
    assert shown(understood.label).startswith(question.prompt_ja)
    assert understood.help == question.guidance_ja
    gender = at.selectbox(key=widget_key(case_id, "opening.interpreter_gender_preference"))
    assert shown(gender.label) == bank.question(
        "opening.interpreter_gender_preference").prompt_ja
    assert gender.options == ["希望なし", "女性", "男性"]
    assert any("日本語" in c.value for c in at.caption)  # the summary names the language

    # Picking the Japanese label stores the language-free value.
    gender.set_value("female").run()
    assert not at.exception
    assert _stored(engine, staff, case_id).answers[
        "opening.interpreter_gender_preference"].value == "female"


def test_an_english_record_shows_the_bank_in_english(case) -> None:  # noqa: ANN001
    engine, staff, case_id = case
    _start(engine, staff, case_id, "en")
    at = _record_page(case_id)
    gender = at.selectbox(key=widget_key(case_id, "opening.interpreter_gender_preference"))
    assert shown(gender.label) == "Would you prefer the interpreter and the inquirer to be a " \
                                  "woman or a man?"
    assert gender.options == ["No preference", "Female", "Male"]
    assert not any("面接" in shown(e.label) for e in at.expander)


def test_an_answer_given_in_japanese_reads_back_in_english(case) -> None:  # noqa: ANN001
    """Answered on a Japanese record; the same stored value read in an English record's words
    (the read-only listing a manager sees follows the record's language)."""
    engine, staff, case_id = case
    _start(engine, staff, case_id, "ja")
    at = _record_page(case_id, **{section_key(case_id, "convention_grounds"): True})
    grounds = at.multiselect(key=widget_key(case_id, "convention_grounds.grounds"))
    assert "特定の社会的集団の構成員であること" in grounds.options
    grounds.set_value(["particular_social_group"]).run()
    assert not at.exception
    view = _stored(engine, staff, case_id)
    assert view.answers["convention_grounds.grounds"].value == ["particular_social_group"]
    # The follow-up for that ground opens, in Japanese.
    definition = at.text_area(key=widget_key(case_id, "convention_grounds.psg_definition"))
    assert shown(definition.label).startswith("あなたはどのような集団に属しているために")
    english = dict((prompt, answer) for _s, prompt, answer
                   in interviews.answer_lines(view, "en"))
    assert english["Which Convention grounds does the claim raise?"] == "particular social group"


def test_the_inquirer_chooses_the_records_language_when_starting(case) -> None:  # noqa: ANN001
    engine, staff, case_id = case
    at = _record_page(case_id)
    choice = at.radio(key=record_language_key(case_id))
    assert choice.options == ["English", "日本語"] and choice.value == "en"
    choice.set_value("ja").run()
    button(at, "Start the interview record").click().run()
    assert not at.exception
    assert _stored(engine, staff, case_id).record_language == "ja"
    understood = at.radio(key=widget_key(case_id, "opening.interpreter_understood"))
    assert shown(understood.label).startswith("あなたは通訳人の言うことが分かりますか")
