"""The signed-in session in a real browser: kept across a reload and a second tab by an
HttpOnly, SameSite=Strict cookie; ended everywhere by sign-out, also for an action inside a
fragment of a tab that was already open."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from models import CoiCitation
from tests.e2e.conftest import E2EDatabase, go_to, sign_in, sign_out, wait_for_app
from tests.e2e.core.test_workbench_browser import inquirer1_demo_case, main
from tests.e2e.library.test_coi_browser import coi_section
from workbench.core.db import unit_of_work
from workbench.core.sessions import COOKIE_NAME

SIGN_IN_HEADING = "Sign in to the protection workbench"


def _citations(e2e_db: E2EDatabase, case_id: int) -> int:
    with unit_of_work(e2e_db.engine, write=False) as session:
        return session.execute(select(func.count()).select_from(CoiCitation)
                               .where(CoiCitation.application_id == case_id)).scalar_one()


def test_reload_and_a_second_tab_stay_signed_in(page: Page, base_url: str,
                                                e2e_db: E2EDatabase) -> None:
    case = inquirer1_demo_case(e2e_db)
    sign_in(page, base_url, "inquirer1")
    cookies = {c["name"]: c for c in page.context.cookies()}
    session_cookie = cookies[COOKIE_NAME]
    assert session_cookie["httpOnly"] is True
    assert session_cookie["sameSite"] == "Strict"
    # Page scripts cannot read it.
    assert COOKIE_NAME not in page.evaluate("document.cookie")

    go_to(page, f"/case?case={case.id}")
    page.reload()
    wait_for_app(page)
    expect(main(page).get_by_role("heading", name=case.display_name)).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()

    # The case's link opened in a new tab of the same browser.
    second = page.context.new_page()
    second.goto(f"{base_url}/case?case={case.id}")
    wait_for_app(second)
    expect(main(second).get_by_role("heading", name=case.display_name)).to_be_visible()

    # Another browser (no cookie) is asked to sign in.
    other = page.context.browser.new_context(base_url=base_url)
    try:
        stranger = other.new_page()
        stranger.goto(f"{base_url}/case?case={case.id}")
        wait_for_app(stranger)
        expect(stranger.get_by_role("heading", name=SIGN_IN_HEADING)).to_be_visible()
        # A forged cookie signs nobody in.
        other.add_cookies([{"name": COOKIE_NAME, "value": "forged-token", "url": base_url}])
        stranger.reload()
        wait_for_app(stranger)
        expect(stranger.get_by_role("heading", name=SIGN_IN_HEADING)).to_be_visible()
    finally:
        other.close()


def test_sign_out_in_one_tab_stops_an_action_in_a_fragment_of_another(
        page: Page, base_url: str, e2e_db: E2EDatabase) -> None:
    case_id = e2e_db.coi_case_id
    sign_in(page, base_url, "inquirer1")
    go_to(page, f"/case?case={case_id}")
    section = coi_section(page)
    expect(section.get_by_text("Suggested for this case")).to_be_visible()
    before = _citations(e2e_db, case_id)

    # Open the citing form of the first suggestion in this tab...
    section.get_by_role("button", name="Cite in this case").first.click()
    box = page.get_by_role("textbox", name="Finding or point this passage supports")
    expect(box).to_be_visible()
    box.fill("Returnees face targeted attacks.")

    # ...sign out in a second tab...
    second = page.context.new_page()
    second.goto(f"{base_url}/coi")
    wait_for_app(second)
    sign_out(second)

    # ...and the citation in the first tab is refused: the sign-in page shows instead.
    page.get_by_test_id("stPopoverBody").get_by_role("button", name="Cite", exact=True
                                                       ).click()
    expect(page.get_by_role("heading", name=SIGN_IN_HEADING)).to_be_visible()
    expect(page.get_by_text(re.compile("Your session has ended"))).to_be_visible()
    assert _citations(e2e_db, case_id) == before
    # A reload does not bring the session back.
    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("heading", name=SIGN_IN_HEADING)).to_be_visible()
