"""Administrative review in a real browser: a manager opens the appeal from the Appeals queue,
allocates it to the least-loaded eligible panel and records that the oral opinion statement
is skipped; each counsellor of that panel opens it from My appeals and submits an opinion;
the presiding counsellor records the panel's opinion (the panel is divided, so with the
dissent); the manager records the ruling and the case file's timeline shows it.
Screenshots ``appeal-NN-*.png`` go to tests/artifacts/screenshots/.

Set-up through the services, on the shared demo database: a decided non-recognition (notice
served two days ago, with its reasons and one cited COI passage), the request for review
filed, six counsellors of their own and two panels of them (empty, so the least-loaded
eligible panel is one of these).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from models import Appeal, Application, CaseState, Decision, DecisionStatus, Role, User
from tests.conftest import insert_case
from tests.e2e.conftest import (
    E2EDatabase,
    demo_password,
    go_to,
    screenshot,
    sign_in,
    sign_out,
    submit_sign_in,
    wait_for_app,
)
from tests.e2e.core.test_workbench_browser import (
    expander,
    grid_cell,
    keyed_grid,
    main,
    open_menu_page,
    select_grid_row,
)
from tests.integration.examination.test_examination import cite_passage
from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.auth import hash_password
from workbench.core.db import unit_of_work
from workbench.review import filing, panels

UNDERSTOOD = "I understand this cannot be undone."
REASONS = "The account of the second arrest was vague and undated."
QUOTE = "Opposition activists detained at rallies report beatings."
FIELDS = ("law", "international affairs", "regional studies")


@dataclass(frozen=True)
class AppealCase:
    case_id: int
    case_number: str
    appeal_id: int
    panels: tuple[int, int]


def _actor(db: E2EDatabase, username: str) -> Actor:
    with unit_of_work(db.engine, write=False) as session:
        return Actor.of(session.execute(select(User).where(User.username == username)
                                        ).scalar_one())


@pytest.fixture(scope="module")
def appeal_case(e2e_db: E2EDatabase) -> AppealCase:
    engine = e2e_db.engine
    manager = _actor(e2e_db, "manager1")
    inquirer = _actor(e2e_db, "inquirer3")
    people = []
    with unit_of_work(engine) as session:
        for n in range(1, 7):
            username = f"appeal.cns{n}"
            user = User(username=username, display_name=f"Counsellor Appeal{n}",
                        role=Role.COUNSELLOR, expertise=FIELDS[(n - 1) % 3], office="TOKYO",
                        password_hash=hash_password(demo_password(username)))
            session.add(user)
            session.flush()
            people.append(user.id)
    with unit_of_work(engine) as session:
        # Tokyo panels, as the case is a Tokyo case (allocation prefers the case's office).
        north = panels.save_panel(session, actor=manager, name="E2E Panel North",
                                  member_ids=people[:3], presiding_id=people[0],
                                  office="TOKYO")
        south = panels.save_panel(session, actor=manager, name="E2E Panel South",
                                  member_ids=people[3:], presiding_id=people[3],
                                  office="TOKYO")
    today = clock.today()
    notice = today - timedelta(days=2)
    case_id = insert_case(engine, state=CaseState.DECIDED, inquirer=inquirer,
                          family_name="Testappeal", outcome="NOT_RECOGNISED",
                          notice_date=notice, lodged=notice - timedelta(days=200))
    with unit_of_work(engine) as session:
        session.add(Decision(application_id=case_id, number=1, status=DecisionStatus.FINAL,
                             outcome="NOT_RECOGNISED", reasons=REASONS,
                             drafted_by_id=inquirer.id, approved_by_id=manager.id,
                             notice_date=notice, updated_by_id=inquirer.id))
    cite_passage(engine, inquirer, case_id)
    with unit_of_work(engine) as session:
        view = filing.file_appeal(session, actor=manager, application_id=case_id,
                                  filed_date=today,
                                  grounds="The decision misread the country information on "
                                          "detained opposition activists.")
    return AppealCase(case_id, view.case_number, view.id, (north.id, south.id))


# --- helpers ---------------------------------------------------------------------------------


def _switch_user(page: Page, username: str) -> None:
    """Sign out from the menu, then sign in as ``username`` on the sign-in page."""
    sign_out(page)
    submit_sign_in(page, username)


def _open_from_list(page: Page, menu: str, number: str, shot: str | None = None) -> None:
    """Open the appeal of case ``number`` from the Appeals / My appeals list."""
    open_menu_page(page, menu, menu)
    body = main(page)
    find = body.get_by_role("textbox", name="Find a case number")
    find.fill(number)
    find.press("Enter")
    wait_for_app(page)
    grid = keyed_grid(page, "appeals_table")
    expect(grid_cell(grid, 0, 1)).to_contain_text(number)  # a link to the case file
    select_grid_row(page, grid, 0)
    if shot:
        screenshot(page, shot)
    body.get_by_role("button", name=f"Open the appeal of {number}").click()
    expect(body.get_by_role("heading", name=f"Appeal · {number}")).to_be_visible()
    wait_for_app(page)


def _tab(page: Page, name: str) -> Locator:
    main(page).get_by_role("tab", name=name, exact=True).click()
    wait_for_app(page)
    return main(page).get_by_role("tabpanel", name=name)


def _form(scope: Locator, button: str) -> Locator:
    return scope.get_by_test_id("stForm").filter(has=scope.page.get_by_role("button",
                                                                            name=button))


def _notice(page: Page, text: str) -> None:
    expect(main(page).get_by_test_id("stAlertContentSuccess").filter(has_text=text)
           ).to_be_visible()
    wait_for_app(page)


def _state(db: E2EDatabase, case_id: int) -> str:
    with unit_of_work(db.engine, write=False) as session:
        return session.get(Application, case_id).state


def _panel_members(db: E2EDatabase, appeal_id: int) -> list[str]:
    """User names of the allocated panel's members, the presiding counsellor last."""
    with unit_of_work(db.engine, write=False) as session:
        panel_id = session.get(Appeal, appeal_id).panel_id
        view = panels.list_panels(session, actor=_actor(db, "manager1"))
        panel = next(p for p in view if p.id == panel_id)
        names = {m.user_id: m for m in panel.members}
        users = dict(session.execute(select(User.id, User.username)
                                     .where(User.id.in_(list(names)))).all())
    ordered = sorted(panel.members, key=lambda m: m.presiding)
    return [users[m.user_id] for m in ordered]


# --- the test --------------------------------------------------------------------------------


def test_appeal_from_allocation_to_the_ruling(page: Page, base_url: str, e2e_db: E2EDatabase,
                                             appeal_case: AppealCase) -> None:
    a = appeal_case
    body = main(page)

    # The manager allocates the appeal and records that the oral statement is skipped.
    sign_in(page, base_url, "manager1")
    _open_from_list(page, "Appeals", a.case_number, shot="appeal-00-queue")
    expect(body.get_by_text(REASONS)).to_be_visible()  # the file tab, first
    panel = _tab(page, "Panel and allocation")
    panel.get_by_role("button", name="Allocate to the least-loaded eligible panel").click()
    _notice(page, "Allocated to E2E Panel")
    assert _state(e2e_db, a.case_id) == CaseState.PANEL_ASSIGNED
    screenshot(page, "appeal-01-allocated")

    hearing = _tab(page, "Oral opinion statement")
    skip = _form(hearing, "Skip the oral opinion statement")
    skip.get_by_role("textbox", name="Reason for not holding it").fill(
        "The request repeats the claims examined at first instance.")
    skip.get_by_role("button", name="Skip the oral opinion statement").click()
    _notice(page, "recorded as skipped")
    assert _state(e2e_db, a.case_id) == CaseState.HEARING_SKIPPED

    # Each counsellor of the panel writes and submits an opinion; the presiding one last.
    members = _panel_members(e2e_db, a.appeal_id)
    votes = {members[0]: "Not well founded", members[1]: "Well founded",
             members[2]: "Not well founded"}
    for n, username in enumerate(members):
        _switch_user(page, username)
        _open_from_list(page, "My appeals", a.case_number)
        if n == 0:  # the file as the panel reads it: decision reasons, COI as cited
            expect(body.get_by_text(REASONS)).to_be_visible()
            expect(body.get_by_text(QUOTE)).to_be_visible()
            screenshot(page, "appeal-02-file")
        opinions = _tab(page, "Opinions")
        form = _form(opinions, "Submit opinion")
        form.get_by_text(votes[username], exact=True).click()
        form.get_by_role("textbox", name="Reasons").fill(
            f"{votes[username]}: having read the file and the cited country information.")
        if n == 0:
            cites = form.locator("[class*='st-key-appeal_op_cites_']").get_by_role("combobox")
            cites.scroll_into_view_if_needed()
            cites.click()
            page.get_by_role("option", name=re.compile("^Example Monitor")).click()
            page.keyboard.press("Escape")
            screenshot(page, "appeal-03-opinion-editor")
        form.get_by_text(UNDERSTOOD, exact=True).click()  # submitting cannot be undone
        form.get_by_role("button", name="Submit opinion").click()
        _notice(page, "Your opinion is submitted.")
        expect(opinions.get_by_text(re.compile(r"^You submitted your opinion on "))
               ).to_be_visible()
        if n == 0:
            screenshot(page, "appeal-04-opinion-submitted")

    # The presiding counsellor (still signed in) records the panel's opinion.
    opinions = _tab(page, "Opinions")
    expect(opinions.get_by_text(re.compile(r"Votes: 1 well founded, 2 not well founded"))
           ).to_be_visible()
    form = _form(opinions, "Record the panel's opinion")
    form.get_by_role("textbox", name="Summary of the panel's opinion").fill(
        "Relocation within the country is reasonable; the fear is not well founded.")
    form.get_by_role("textbox", name="Dissenting view (required: the panel is divided)").fill(
        "The arrests are credible and the country information supports them.")
    screenshot(page, "appeal-05-panel-opinion")
    form.get_by_role("button", name="Record the panel's opinion").click()
    _notice(page, "The panel's opinion is recorded.")
    assert _state(e2e_db, a.case_id) == CaseState.PANEL_OPINION

    # The manager records the ruling; the case file's timeline shows it.
    _switch_user(page, "manager1")
    go_to(page, f"/appeal?appeal={a.appeal_id}")
    ruling = _tab(page, "Ruling")
    form = _form(ruling, "Record the ruling")
    form.get_by_text("Dismissed on the merits", exact=True).click()
    expect(form.get_by_role("textbox", name="Gist of the panel's opinion")).to_have_value(
        "Relocation within the country is reasonable; the fear is not well founded.")
    form.get_by_text(UNDERSTOOD, exact=True).click()  # a ruling cannot be undone
    form.get_by_role("button", name="Record the ruling").click()
    _notice(page, "Ruling recorded: Dismissed on the merits.")
    assert _state(e2e_db, a.case_id) == CaseState.RULED
    # The notice of the ruling to the applicant, Japanese unless English is chosen.
    expect(ruling.get_by_role("button", name="Notice of the ruling (PDF)")).to_be_visible()
    screenshot(page, "appeal-06-ruled")

    body.get_by_role("link", name="Case file").click()
    wait_for_app(page)
    section = expander(page, "Administrative review")
    expect(section.get_by_text(re.compile(r"Ruling: Dismissed on the merits"))).to_be_visible()
    timeline = expander(page, "Timeline").get_by_test_id("stDataFrame")
    timeline.scroll_into_view_if_needed()
    expect(grid_cell(timeline, 0, 1)).to_have_text("Record ruling")
    expect(grid_cell(timeline, 1, 1)).to_have_text("Record panel opinion")
    section.scroll_into_view_if_needed()
    screenshot(page, "appeal-07-timeline")

    # The panels page lists both new panels with their members and workloads.
    open_menu_page(page, "Panels", "Panels")
    expect(body.get_by_test_id("stDataFrame").first).to_be_visible()
    screenshot(page, "appeal-08-panels")
