"""Keyboard-first interview entry in a real browser: Tab goes from answer to answer in
question order, Ctrl+Enter saves the answer and moves to the next question (opening the next
section at the end of one), an answer is saved after a pause in typing without leaving the
field, and what was typed just before switching to another page is saved. The count of
required questions left, at the top, follows the saved answers. Screenshots
``interview-keys-NN-*.png`` go to tests/artifacts/screenshots/."""

from __future__ import annotations

import re
import time
from datetime import date

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from models import Application, User
from tests.e2e.conftest import E2EDatabase, go_to, screenshot, sign_in, wait_for_app
from tests.e2e.core.test_workbench_browser import main
from tests.triage_support import tiny_model_path
from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.db import unit_of_work
from workbench.core.settings import get_settings
from workbench.examination import interviews
from workbench.intake import triage_confirm, triage_desk
from workbench.intake.cases import register_application
from workbench.ui.examination.interview_common import progress_key, section_key, widget_key

NARRATIVE = ("I was a member of the opposition party in Colombo. In March 2022 the police "
             "arrested me at a rally because of my political opinion. I fear that I will be "
             "arrested again if I return.")

#: Which answer block the focused element is in (its key), or "" outside any.
FOCUSED = """() => { for (let n = document.activeElement; n && n !== document.body;
                         n = n.parentElement) {
    const key = [...(n.classList || [])].find(c => c.startsWith('st-key-iv_q_'));
    if (key) return key.slice('st-key-'.length); }
  return ''; }"""


def _inquirer(db: E2EDatabase) -> Actor:
    with unit_of_work(db.engine, write=False) as session:
        return Actor.of(session.execute(select(User).where(User.username == "inquirer1")
                                        ).scalar_one())


def _case(db: E2EDatabase, family_name: str) -> int:
    """A case of inquirer1 sorted (so under examination) with its interview record open."""
    inquirer = _inquirer(db)
    settings = get_settings().model_copy(update={"triage_model_path": tiny_model_path()})
    with unit_of_work(db.engine) as session:
        created = register_application(
            session, actor=Actor.system("e2e"),
            person={"family_name": family_name, "given_names": "Saman", "nationality": "LKA",
                    "sex": "M", "birth_year": 1989},
            application={"lodged_date": min(clock.today(), date.today()), "office": "TOKYO",
                         "residence_status_at_filing": "TEMPORARY_VISITOR",
                         "claim_narrative": NARRATIVE, "assigned_inquirer_id": inquirer.id})
    with unit_of_work(db.engine) as session:
        suggestion = triage_desk.suggest_for_case(session, actor=inquirer,
                                                  application_id=created.id, settings=settings)
        version = session.get(Application, created.id).version
        triage_confirm.confirm(session, actor=inquirer, application_id=created.id,
                               category=suggestion.category if not suggestion.abstained else "D2",
                               reason=None if not suggestion.abstained else "Political claim.",
                               expected_version=version, settings=settings)
    with unit_of_work(db.engine) as session:
        interviews.start_interview(session, actor=inquirer, application_id=created.id,
                                   language="en")
    return created.id


def _answers(db: E2EDatabase, case_id: int) -> interviews.InterviewView:
    with unit_of_work(db.engine, write=False) as session:
        return interviews.interview(session, actor=_inquirer(db), application_id=case_id)


def _saved(db: E2EDatabase, case_id: int, question: str, value: object,
           seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answer = _answers(db, case_id).answers.get(question)
        if answer is not None and answer.value == value:
            return
        time.sleep(0.2)
    answer = _answers(db, case_id).answers.get(question)
    raise AssertionError(f"{question}: {answer.value if answer else None!r}, not {value!r}")


def _focused(page: Page, case_id: int, question: str) -> None:
    key = widget_key(case_id, question)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if page.evaluate(FOCUSED) == key:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the focus is on {page.evaluate(FOCUSED)!r}, not {key!r}")


def _open_record(page: Page, base_url: str, case_id: int) -> None:
    sign_in(page, base_url, "inquirer1")
    go_to(page, f"/interview?case={case_id}")
    page.get_by_role("tab", name="Record").click()
    wait_for_app(page)
    expect(main(page).locator(f".st-key-{widget_key(case_id, 'opening.interview_language')}")
           ).to_be_visible()


@pytest.fixture(scope="module")
def keys_cases(e2e_db: E2EDatabase) -> tuple[int, int, int]:
    return _case(e2e_db, "Testkeys"), _case(e2e_db, "Testpause"), _case(e2e_db, "Testquick")


def test_tab_and_ctrl_enter_go_from_question_to_question(page: Page, base_url: str,
                                                         e2e_db: E2EDatabase,
                                                         keys_cases: tuple[int, int, int]) -> None:
    case_id = keys_cases[0]
    left = len(_answers(e2e_db, case_id).missing_required)
    _open_record(page, base_url, case_id)
    body = main(page)
    progress = body.locator(f".st-key-{progress_key(case_id)}")
    expect(progress).to_contain_text(f"{left} required questions left")
    expect(progress).to_contain_text("Ctrl+Enter")

    # Ctrl+Enter in a one-line answer: saved, and the next question has the focus.
    body.locator(f".st-key-{widget_key(case_id, 'opening.interview_language')} input").click()
    page.keyboard.type("Sinhala")
    page.keyboard.press("Control+Enter")
    _saved(e2e_db, case_id, "opening.interview_language", "Sinhala")
    _focused(page, case_id, "opening.interpreter_understood")
    wait_for_app(page)
    expect(progress).to_contain_text(f"{left - 1} required questions left")
    # The question's label says it is required in words, not with a Markdown marker.
    expect(body.get_by_role("textbox", name="In which language is the interview conducted? "
                                             "(required)")).to_have_value("Sinhala")

    # Tab goes on to the next question (no guidance icon in between).
    page.keyboard.press("Tab")
    _focused(page, case_id, "opening.interpreter_gender_preference")
    page.keyboard.press("Shift+Tab")
    _focused(page, case_id, "opening.interpreter_understood")

    # At the end of a section, Ctrl+Enter opens the next one and goes to its first question.
    _click_summary(page, case_id, "fear_on_return")
    last = body.locator(f".st-key-{section_key(case_id, 'fear_on_return')} "
                        "[class*='st-key-iv_q_']").last
    question = re.search(r"st-key-iv_q_\d+_(\S+)", last.get_attribute("class") or "")
    assert question is not None
    last.locator("textarea, input").first.click()
    page.keyboard.type("Nothing else.")
    page.keyboard.press("Control+Enter")
    _saved(e2e_db, case_id, question.group(1).replace("__", "."), "Nothing else.")
    _focused(page, case_id, "convention_grounds.grounds")
    wait_for_app(page)
    screenshot(page, "interview-keys-01-next-section")

    # An answer that opens a follow-up question: Ctrl+Enter goes to the follow-up.
    _click_summary(page, case_id, "agents_protection")
    sought = body.locator(f".st-key-{widget_key(case_id, 'agents_protection.sought_protection')}")
    sought.get_by_text("Yes", exact=True).click()
    _saved(e2e_db, case_id, "agents_protection.sought_protection", True)
    wait_for_app(page)
    sought.locator("input[type='radio']").first.focus()
    page.keyboard.press("Control+Enter")
    _focused(page, case_id, "agents_protection.protection_outcome")


def test_a_quick_second_ctrl_enter_keeps_the_focus_where_it_sent_it(
        page: Page, base_url: str, e2e_db: E2EDatabase,
        keys_cases: tuple[int, int, int]) -> None:
    """An inquirer who answers one question, clicks a later one and presses Ctrl+Enter again
    within a second or two stays on the question after the second one: the first key press's
    late check for a follow-up question does not pull the focus back to where it pointed."""
    case_id = keys_cases[2]
    _open_record(page, base_url, case_id)
    _click_summary(page, case_id, "fear_on_return")
    body = main(page)
    body.locator(f".st-key-{widget_key(case_id, 'fear_on_return.what_feared')} textarea").click()
    page.keyboard.type("Arrest.")
    page.keyboard.press("Control+Enter")
    _focused(page, case_id, "fear_on_return.from_whom")
    body.locator(f".st-key-{widget_key(case_id, 'fear_on_return.how_would_know')} textarea"
                 ).click()
    page.keyboard.type("Informers.")
    page.keyboard.press("Control+Enter")
    _focused(page, case_id, "fear_on_return.why_now")
    page.wait_for_timeout(3000)  # past the last follow-up check of both key presses
    _focused(page, case_id, "fear_on_return.why_now")
    _saved(e2e_db, case_id, "fear_on_return.what_feared", "Arrest.")
    _saved(e2e_db, case_id, "fear_on_return.how_would_know", "Informers.")


def _click_summary(page: Page, case_id: int, section: str) -> None:
    main(page).locator(f".st-key-{section_key(case_id, section)} summary").click()
    wait_for_app(page)


def test_an_answer_is_saved_after_a_pause_and_before_another_page(page: Page, base_url: str,
                                                                 e2e_db: E2EDatabase,
                                                                 keys_cases: tuple[int, int, int]
                                                                 ) -> None:
    case_id = keys_cases[1]
    _open_record(page, base_url, case_id)
    _click_summary(page, case_id, "fear_on_return")
    question = "fear_on_return.what_feared"
    field = main(page).locator(f".st-key-{widget_key(case_id, question)} textarea")
    field.click()
    page.keyboard.type("Arrest by the police", delay=20)
    # Saved after the pause, the focus still in the field, nothing typed lost.
    _saved(e2e_db, case_id, question, "Arrest by the police", seconds=6)
    wait_for_app(page)
    _focused(page, case_id, question)
    page.keyboard.type(" and torture", delay=20)
    _saved(e2e_db, case_id, question, "Arrest by the police and torture", seconds=6)
    expect(field).to_have_value("Arrest by the police and torture")
    screenshot(page, "interview-keys-02-saved-after-a-pause")

    # A pause while searching the options of a list picks nothing.
    _click_summary(page, case_id, "convention_grounds")
    grounds = "convention_grounds.grounds"
    main(page).locator(f".st-key-{widget_key(case_id, grounds)} input").first.click()
    page.keyboard.type("Polit", delay=20)
    page.wait_for_timeout(2500)
    assert grounds not in _answers(e2e_db, case_id).answers
    page.keyboard.press("Escape")
    field.click()
    page.keyboard.press("End")

    # Typed, and straight to another page: saved all the same.
    page.keyboard.type(" in detention", delay=20)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="My cases").click()
    _saved(e2e_db, case_id, question, "Arrest by the police and torture in detention")
    wait_for_app(page)


def test_japanese_input_is_saved_once_the_word_is_converted(page: Page, base_url: str,
                                                            e2e_db: E2EDatabase,
                                                            keys_cases: tuple[int, int, int]
                                                            ) -> None:
    """While an input method composes (かな before conversion), the pause saves nothing;
    the converted text is saved after the pause that follows."""
    case_id = keys_cases[0]
    _open_record(page, base_url, case_id)
    _click_summary(page, case_id, "fear_on_return")
    question = "fear_on_return.from_whom"
    main(page).locator(f".st-key-{widget_key(case_id, question)} textarea").click()
    ime = page.context.new_cdp_session(page)
    for text in ("け", "けい", "けいさ", "けいさつ"):
        ime.send("Input.imeSetComposition", {"text": text, "selectionStart": len(text),
                                             "selectionEnd": len(text)})
        page.wait_for_timeout(800)  # longer than the pause, in all
    assert question not in _answers(e2e_db, case_id).answers
    ime.send("Input.insertText", {"text": "警察"})
    _saved(e2e_db, case_id, question, "警察", seconds=6)
    wait_for_app(page)
    _focused(page, case_id, question)
