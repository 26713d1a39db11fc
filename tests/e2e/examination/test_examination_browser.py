"""The examination in a real browser: an inquirer prepares and records the interview (answers
saved as they are given), assesses the facts and the elements, drafts the decision from the
findings and submits it; a manager approves it and serves the notice; the case file then
shows the case decided. Screenshots ``examination-NN-*.png`` go to
tests/artifacts/screenshots/.

The case is sorted through the triage service with the tiny test model (so that the
preparation has evidence sentences to highlight), has one cited country-information passage,
and most required interview questions are answered through the services while the browser
is on the page: the page shows answers saved elsewhere on its next run.
"""

from __future__ import annotations

import re
import time
from datetime import date

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from models import Application, CaseState, User
from tests.e2e.conftest import (
    SCREENSHOTS,
    E2EDatabase,
    go_to,
    screenshot,
    sign_in,
    sign_out,
    wait_for_app,
)
from tests.e2e.core.test_workbench_browser import main
from tests.integration.examination.test_examination import answer_required, cite_passage
from tests.triage_support import tiny_model_path
from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.db import unit_of_work
from workbench.core.settings import get_settings
from workbench.examination import assessments, interviews
from workbench.intake import triage_confirm, triage_desk
from workbench.intake.cases import register_application
from workbench.ui.examination.interview_common import widget_key

UNDERSTOOD = "I understand this cannot be undone."
NARRATIVE = ("I was a member of the opposition party in Colombo. In March 2022 the police "
             "arrested me at a rally because of my political opinion and tortured me in "
             "detention. I fear that I will be arrested again if I return.")
ELEMENTS = ("PERSECUTION", "WELL_FOUNDED_FEAR", "STATE_PROTECTION", "INTERNAL_RELOCATION",
            "CONVENTION_GROUND")


def _actor(db: E2EDatabase, username: str) -> Actor:
    with unit_of_work(db.engine, write=False) as session:
        return Actor.of(session.execute(select(User).where(User.username == username)
                                        ).scalar_one())


@pytest.fixture(scope="module")
def exam_case(e2e_db: E2EDatabase) -> tuple[int, str]:
    """A case of inquirer1, triaged with the tiny model and sorted by inquirer1 (so under
    examination), with one passage cited from the COI library."""
    inquirer = _actor(e2e_db, "inquirer1")
    lodged = min(clock.today(), date.today())
    settings = get_settings().model_copy(update={"triage_model_path": tiny_model_path()})
    with unit_of_work(e2e_db.engine) as session:
        created = register_application(
            session, actor=Actor.system("e2e"),
            person={"family_name": "Testexam", "given_names": "Saman", "nationality": "LKA",
                    "sex": "M", "birth_year": 1989},
            application={"lodged_date": lodged, "office": "TOKYO",
                         "residence_status_at_filing": "TEMPORARY_VISITOR",
                         "claim_narrative": NARRATIVE, "assigned_inquirer_id": inquirer.id})
    with unit_of_work(e2e_db.engine) as session:
        suggestion = triage_desk.suggest_for_case(session, actor=inquirer,
                                                  application_id=created.id, settings=settings)
        version = session.get(Application, created.id).version
        triage_confirm.confirm(session, actor=inquirer, application_id=created.id,
                               category=suggestion.category if not suggestion.abstained else "D2",
                               reason=None if not suggestion.abstained else "Political claim.",
                               expected_version=version, settings=settings)
    cite_passage(e2e_db.engine, inquirer, created.id)
    return created.id, created.case_number


def _state(db: E2EDatabase, case_id: int) -> str:
    with unit_of_work(db.engine, write=False) as session:
        return session.get(Application, case_id).state


def _keyed(page: Page, key: str) -> Locator:
    """The element created with ``key=...`` (Streamlit puts the key in a CSS class)."""
    return main(page).locator(f".st-key-{key}")


def _done(page: Page, text: str) -> None:
    expect(main(page).get_by_text(text, exact=True)).to_be_visible()
    wait_for_app(page)


def _click(page: Page, locator: Locator) -> None:
    locator.scroll_into_view_if_needed()
    locator.click()
    wait_for_app(page)


def _answer_text(page: Page, key: str, value: str) -> None:
    field = _keyed(page, key).locator("input, textarea").first
    field.fill(value)
    field.press("Tab")  # leaving the field saves the answer
    wait_for_app(page)
    expect(main(page).get_by_text(re.compile(r"^✓ Saved \d\d:\d\d$"))).to_be_visible()


def _choose(page: Page, key: str, label: str) -> None:
    _click(page, _keyed(page, key).get_by_text(label, exact=True))


def _wait_for_answers(db: E2EDatabase, inquirer: Actor, case_id: int, ids: set[str]) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with unit_of_work(db.engine, write=False) as session:
            view = interviews.interview(session, actor=inquirer, application_id=case_id)
        if ids <= set(view.answers):
            return
        time.sleep(0.2)
    raise AssertionError(f"answers {ids - set(view.answers)} were not saved")



def start_record_with_session(page: Page, start: str, end: str, place: str, language: str,
                              interpreter: str) -> None:
    """On the interview page: open the Record tab, start the record and add its first
    session."""
    body = main(page)
    _click(page, page.get_by_role("tab", name="Record"))
    _click(page, body.get_by_role("button", name="Start the interview record"))
    _done(page, "The interview record is open. Answers are saved as you go.")
    form = body.get_by_test_id("stForm").filter(
        has=page.get_by_role("button", name="Add the session"))
    form.get_by_role("textbox", name="Start (HH:MM)").fill(start)
    form.get_by_role("textbox", name="End (HH:MM)").fill(end)
    form.get_by_role("textbox", name="Place").fill(place)
    form.get_by_role("textbox", name="Language", exact=True).fill(language)
    form.get_by_role("textbox", name="Interpreter").fill(interpreter)
    _click(page, form.get_by_role("button", name="Add the session"))
    _done(page, "Session 1 added.")

def test_examination_from_interview_to_the_served_notice(page: Page, base_url: str,
                                                         e2e_db: E2EDatabase,
                                                         exam_case: tuple[int, str]) -> None:
    case_id, number = exam_case
    inquirer = _actor(e2e_db, "inquirer1")
    body = main(page)
    sign_in(page, base_url, "inquirer1")

    # The case file's Examination section leads to the interview.
    go_to(page, f"/case?case={case_id}")
    section = body.get_by_test_id("stExpander").filter(
        has=page.locator("summary").get_by_text("Examination", exact=True))
    expect(section.get_by_text("Not started", exact=True)).to_be_visible()
    _click(page, section.get_by_role("link", name="Open the interview"))
    expect(body.get_by_role("heading", name="Interview · TESTEXAM Saman")).to_be_visible()

    # Preparation: the claim with its evidence highlighted, questions, COI and the sheet.
    expect(body.locator(".wb-prep-narrative mark").first).to_be_visible()
    expect(body.get_by_role("heading", name="Questions to ask")).to_be_visible()
    expect(body.get_by_role("button", name="Preparation sheet (PDF)")).to_be_visible()
    screenshot(page, "examination-01-preparation")

    # The record: start it, add a session, answer as the interview goes.
    start_record_with_session(page, "09:30", "11:45", "Tokyo, room 4", "Sinhala", "K. Silva")

    _answer_text(page, widget_key(case_id, "opening.interview_language"), "Sinhala")
    _choose(page, widget_key(case_id, "opening.identity_confirmed"), "Yes")
    _choose(page, widget_key(case_id, "opening.interpreter_understood"), "Yes")
    asked = {"opening.interview_language", "opening.identity_confirmed",
             "opening.interpreter_understood"}
    _wait_for_answers(e2e_db, inquirer, case_id, asked)
    # The rest of the required questions, answered elsewhere (as from a second tab).
    answer_required(e2e_db.engine, inquirer, case_id, **{"past_harm.any_harm": True})

    # Past harm: the incident table.
    _click(page, _keyed(page, f"iv_sec_{case_id}_past_harm").locator("summary"))
    incident = body.get_by_test_id("stForm").filter(
        has=page.get_by_role("button", name="Add the incident"))
    incident.get_by_role("textbox", name="Or when, in words").fill("March 2022")
    incident.get_by_role("textbox", name="Place").fill("Colombo")
    incident.get_by_role("textbox", name="Who did it").fill("Police")
    incident.get_by_role("textbox", name=re.compile("^What happened")).fill(
        "Arrested at a rally and beaten in detention.")
    incident.get_by_role("textbox", name="Injuries").fill("Broken wrist")
    _click(page, incident.get_by_role("button", name="Add the incident"))
    _done(page, "Incident 1 added.")
    # The opening answers given in the browser are still shown, with those saved elsewhere.
    expect(_keyed(page, widget_key(case_id, "opening.interview_language")).locator("input")
           ).to_have_value("Sinhala")

    close = body.get_by_test_id("stForm").filter(
        has=page.get_by_role("button", name="Close the record"))
    expect(close.get_by_role("textbox", name="Read back in (language)")).to_have_value("Sinhala")
    _click(page, close.get_by_text("Yes", exact=True))
    _click(page, close.get_by_text(UNDERSTOOD, exact=True))  # closing cannot be undone
    _click(page, close.get_by_role("button", name="Close the record"))
    _done(page, "The interview record is closed.")
    with unit_of_work(e2e_db.engine, write=False) as session:
        record = interviews.interview(session, actor=inquirer, application_id=case_id)
    assert record.closed and not record.missing_required and len(record.incidents) == 1
    screenshot(page, "examination-02-interview-closed")

    # The assessment: one fact, rated and found; the five elements; the outcome.
    _click(page, body.get_by_role("link", name="Assessment", exact=True))
    expect(body.get_by_role("heading", name="Assessment · TESTEXAM Saman")).to_be_visible()
    body.get_by_role("textbox", name="A material fact").fill(
        "The applicant was arrested at a rally in March 2022 and tortured in detention.")
    _click(page, body.get_by_role("button", name="Add the fact"))
    _done(page, "Fact added.")
    with unit_of_work(e2e_db.engine, write=False) as session:
        fact = assessments.assessment(session, actor=inquirer,
                                      application_id=case_id).facts[0].id
    prefix = f"as_fact_{fact}_0"
    _choose(page, f"{prefix}_DETAIL_rating", "Supports")
    _keyed(page, f"{prefix}_DETAIL_reason").locator("input").fill("Specific and vivid.")
    _choose(page, f"{prefix}_EXTERNAL_CONSISTENCY_COI_rating", "Supports")
    _keyed(page, f"{prefix}_EXTERNAL_CONSISTENCY_COI_reason").locator("input").fill(
        "Matches reports of beatings at rallies.")
    _click(page, _keyed(page, f"{prefix}_passages").get_by_role("combobox"))
    page.get_by_role("option", name=re.compile("^Example Monitor")).click()
    page.keyboard.press("Escape")
    _choose(page, f"{prefix}_finding", "Accepted")
    _keyed(page, f"{prefix}_finding_reason").locator("input").fill(
        "Detailed and consistent with country information.")
    _click(page, _keyed(page, f"as_fact_{fact}_save").get_by_role("button"))
    _done(page, "Saved.")
    for element in ELEMENTS:
        name = f"as_element_{case_id}_{element}"
        _choose(page, f"{name}_0_finding", "Met")
        _keyed(page, f"{name}_0_reason").locator("textarea").fill(
            f"Established on the accepted facts ({element.replace('_', ' ').lower()}).")
        if element == "CONVENTION_GROUND":
            _click(page, _keyed(page, f"{name}_0_grounds").get_by_role("combobox"))
            page.get_by_role("option", name="Political opinion", exact=True).click()
            page.keyboard.press("Escape")
        _click(page, _keyed(page, f"{name}_save").get_by_role("button"))
        _done(page, "Saved.")
    expect(body.get_by_text("Refugee: every element is met, including a Convention ground "
                            "with its nexus.")).to_be_visible()
    _click(page, _keyed(page, f"as_outcome_{case_id}_save").get_by_role("button"))
    _done(page, "Outcome recorded: Recognised refugee.")
    screenshot(page, "examination-03-assessment")

    # The decision: generated from the findings, saved, submitted.
    _click(page, body.get_by_role("link", name="Decision", exact=True))
    expect(body.get_by_role("heading", name="Decision · TESTEXAM Saman")).to_be_visible()
    _click(page, body.get_by_role("button", name="Generate the draft from the findings"))
    reasons = body.get_by_role("textbox", name="Reasons")
    expect(reasons).to_have_value(re.compile(r"^1\. Material facts and credibility"))
    _click(page, body.get_by_role("button", name="Save draft"))
    _done(page, "Draft saved.")
    expect(body.get_by_text("Nothing is missing: the draft can go for approval.")
           ).to_be_visible()
    screenshot(page, "examination-04-decision-draft")
    _click(page, body.get_by_role("button", name="Submit for approval"))
    _done(page, "Submitted for approval.")
    assert _state(e2e_db, case_id) == CaseState.DECISION_DRAFTED
    screenshot(page, "examination-05-submitted")

    # A manager approves it and serves the notice.
    sign_out(page)
    sign_in(page, base_url, "manager1")
    go_to(page, f"/decision?case={case_id}")
    expect(body.get_by_text("Submitted for approval", exact=True)).to_be_visible()
    _click(page, body.get_by_role("button", name="Approve"))
    _done(page, "Decision approved. Serve the notice once it is handed to the applicant.")
    assert _state(e2e_db, case_id) == CaseState.APPROVED
    screenshot(page, "examination-06-approved")
    serve = body.get_by_test_id("stForm").filter(
        has=page.get_by_role("button", name="Record the notice as served"))
    _click(page, serve.get_by_text(UNDERSTOOD, exact=True))  # serving cannot be undone
    _click(page, serve.get_by_role("button", name="Record the notice as served"))
    _done(page, "The notice is served: the decision is final.")
    assert _state(e2e_db, case_id) == CaseState.DECIDED

    go_to(page, f"/case?case={case_id}")
    section = body.get_by_test_id("stExpander").filter(
        has=page.locator("summary").get_by_text("Examination", exact=True))
    expect(section.get_by_text("Final", exact=True)).to_be_visible()
    expect(section.get_by_text("No review lies against a recognition.")).to_be_visible()
    expect(body.get_by_text(number).first).to_be_visible()
    screenshot(page, "examination-07-case-decided")
    # The section alone, as a tired caseworker scans it.
    section.scroll_into_view_if_needed()
    section.screenshot(path=str(SCREENSHOTS / "examination-08-case-file-section.png"),
                       animations="disabled")
