"""Triage in a real browser: an inquirer opens Triage, runs triage on their unsorted cases,
opens one, reads its grounds and evidence, confirms the suggestion and sees the case leave the
queue; the case file then shows who sorted it. Screenshots go to tests/artifacts/screenshots/.

The app under test here is a server of its own on the shared demo database, using the tiny
test model (tests/triage_support.py) so that what is suggested is known in advance.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from models import Application, CaseState, TriageReview, User
from tests.e2e.conftest import (
    E2EDatabase,
    go_to,
    screenshot,
    serve_app,
    sign_in,
    wait_for_app,
)
from tests.e2e.core.test_workbench_browser import main, open_menu_page
from tests.triage_support import POLITICAL_NARRATIVE, tiny_model_path
from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.db import unit_of_work
from workbench.intake.cases import register_application


@pytest.fixture(scope="module")
def base_url(e2e_db: E2EDatabase) -> Iterator[str]:
    """The app on the demo database, with the triage model path set to the tiny model."""
    log_path = e2e_db.directory / "streamlit-triage.log"
    # The shared page fixture prints the end of this file when a test fails.
    (e2e_db.directory / "streamlit.log").touch(exist_ok=True)
    with serve_app(e2e_db, log_path,
                   {"WORKBENCH_TRIAGE_MODEL_PATH": str(tiny_model_path())}) as url:
        yield url


@pytest.fixture(scope="module")
def triage_case(e2e_db: E2EDatabase) -> tuple[int, str]:
    """A new RECEIVED case of inquirer1 with a plainly political claim."""
    lodged = min(clock.today(), date.today())
    with unit_of_work(e2e_db.engine) as session:
        inquirer1 = session.execute(select(User.id).where(User.username == "inquirer1")
                                    ).scalar_one()
        created = register_application(
            session, actor=Actor.system("e2e"),
            person={"family_name": "Testtriage", "given_names": "Ruwan",
                    "nationality": "LKA", "sex": "M", "birth_year": 1988},
            application={"lodged_date": lodged, "office": "TOKYO",
                         "residence_status_at_filing": "TEMPORARY_VISITOR",
                         "claim_narrative": POLITICAL_NARRATIVE,
                         "assigned_inquirer_id": inquirer1})
        return created.id, created.case_number


def _case_state(db: E2EDatabase, case_id: int) -> str:
    with unit_of_work(db.engine, write=False) as session:
        return session.get(Application, case_id).state


def test_inquirer_runs_triage_and_confirms_a_sorting(page: Page, base_url: str,
                                                     e2e_db: E2EDatabase,
                                                     triage_case: tuple[int, str]) -> None:
    case_id, number = triage_case
    sign_in(page, base_url, "inquirer1")
    open_menu_page(page, "Triage", "Triage")
    body = main(page)

    run = body.get_by_role("button", name="Run triage on unsorted cases")
    expect(run).to_be_enabled()
    run.click()
    wait_for_app(page)
    expect(body.get_by_text(re.compile(r"^Triage made \d+ suggestions?\.$"))).to_be_visible()
    expect(body.get_by_text("Every unsorted case has a suggestion.")).to_be_visible()
    screenshot(page, "triage-queue")

    # Open the case from the picker (typing filters the list).
    box = body.get_by_role("combobox", name="Case to sort", exact=True)
    box.click()
    page.keyboard.type(number)
    page.get_by_role("option", name=re.compile(rf"^{re.escape(number)} · Suggested ")).click()
    wait_for_app(page)
    confirm = body.get_by_role("button", name=re.compile(r"^Confirm suggestion: "))
    expect(confirm).to_be_visible()
    expect(body.get_by_text("Grounds", exact=True)).to_be_visible()
    expect(body.locator(".wb-triage-narrative mark").first).to_be_visible()
    category = confirm.inner_text().rsplit(":", 1)[1].strip()
    assert category in ("A", "D1", "D2")
    screenshot(page, "triage-case")

    confirm.click()
    wait_for_app(page)
    expect(body.get_by_text(f"{number} sorted as {category}, as suggested.")).to_be_visible()
    assert _case_state(e2e_db, case_id) == CaseState.UNDER_EXAMINATION
    # It has left the queue: the picker no longer offers it.
    box.click()
    page.keyboard.type(number)
    expect(page.get_by_role("option", name=re.compile(rf"^{re.escape(number)} "))
           ).to_have_count(0)
    page.keyboard.press("Escape")
    screenshot(page, "triage-after-confirm")

    with unit_of_work(e2e_db.engine, write=False) as session:
        review = session.execute(select(TriageReview)
                                 .where(TriageReview.application_id == case_id)).scalar_one()
        assert review.agreed and review.decided_category == category

    # The case file's triage section says who sorted it.
    go_to(page, f"/case?case={case_id}")
    section = body.get_by_test_id("stExpander").filter(has_text="Triage suggestion")
    expect(section.get_by_text(re.compile(rf"Sorted {category} by "))).to_be_visible()
    screenshot(page, "triage-case-file")
