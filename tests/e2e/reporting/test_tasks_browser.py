"""One click from a table to the case: a case number in My cases opens the case file, signed
in; the My cases table fits the page at 1400 and 1280 px; a manager finds a draft awaiting
approval in To do, with its count in the menu, and opens the decision page from there."""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import Locator, Page, expect
from sqlalchemy import update

from models import Application, CaseState, Decision, DecisionStatus
from tests.e2e.conftest import E2EDatabase, _register, screenshot, sign_in, wait_for_app
from tests.e2e.core.test_workbench_browser import (
    ROW_HEIGHT_PX,
    grid_cell,
    keyed_grid,
    main,
    wait_until_stable,
)
from workbench.core import clock
from workbench.core.db import unit_of_work

#: Where a case number cell is clicked: past the row-marker column, inside the first column.
CASE_NUMBER_X_PX = 90


def open_link_cell(page: Page, grid: Locator, row: int) -> Page:
    """Click the link in the first data column of ``row`` (0-based); the page it opens."""
    grid.scroll_into_view_if_needed()
    expect(grid.locator("canvas").first).to_be_visible()
    wait_until_stable(grid)
    where = {"x": CASE_NUMBER_X_PX, "y": (row + 1) * ROW_HEIGHT_PX + ROW_HEIGHT_PX // 2}
    grid.hover(position=where)  # as a mouse gets there: the link underlines
    page.wait_for_timeout(200)
    with page.context.expect_page() as opened:
        grid.click(position=where)
    new = opened.value
    new.wait_for_load_state()
    wait_for_app(new)
    return new


def fits(grid: Locator) -> bool:
    """Whether the grid shows every column without scrolling sideways."""
    return grid.evaluate(
        "g => { const s = g.querySelector('.dvn-scroller');"
        " return s !== null && s.scrollWidth <= s.clientWidth + 1; }")


def test_a_case_number_in_my_cases_opens_the_case_file(page: Page, base_url: str,
                                                        e2e_db: E2EDatabase) -> None:
    sign_in(page, base_url, "inquirer1")
    expect(main(page).get_by_role("heading", name="My cases", exact=True)).to_be_visible()
    grid = keyed_grid(page, "cases_table")
    expect(grid).to_be_visible()
    wait_until_stable(grid)
    assert fits(grid), "the My cases table is wider than the page at 1400 px"
    page.set_viewport_size({"width": 1280, "height": 1000})
    wait_until_stable(grid)
    assert fits(grid), "the My cases table is wider than the page at 1280 px"
    screenshot(page, "tasks-01-my-cases-1280")

    # The grid's accessibility table holds the link; the cell shows the number after "#".
    number = grid_cell(grid, 0, 1).inner_text().strip().rsplit("#", 1)[-1]
    assert re.match(r"^[A-Z]{3}-\d{4}-\d{7}$", number), number
    case_file = open_link_cell(page, grid, 0)
    # Opened signed in (the session cookie), on the case file of that number.
    expect(case_file.get_by_test_id("stSidebarNav")).to_be_visible()
    expect(case_file.get_by_test_id("stMain").get_by_text(number).first).to_be_visible()
    assert re.search(r"/case\?case=\d+", case_file.url), case_file.url
    expect(case_file.get_by_role("heading", name="Sign in to the protection workbench")
           ).to_have_count(0)
    screenshot(case_file, "tasks-02-case-opened-from-its-number")
    case_file.close()


def _submitted_draft(db: E2EDatabase) -> tuple[int, str]:
    """A case of inquirer1 whose draft decision has been submitted for approval."""
    lodged = min(clock.today(), date.today())
    case_id = _register(db.engine, family_name="Testapproval", given_names="Sunil",
                        nationality="LKA", lodged=lodged,
                        inquirer_id=db.user_id("inquirer1"))
    with unit_of_work(db.engine) as s:
        s.execute(update(Application).where(Application.id == case_id)
                  .values(state=CaseState.DECISION_DRAFTED.value, sorting_category="D2"))
        s.add(Decision(application_id=case_id, number=1, status=DecisionStatus.SUBMITTED,
                       outcome="NOT_RECOGNISED", reasons="Reasons of the draft for approval.",
                       drafted_by_id=db.user_id("inquirer1"), submitted_at=clock.now_utc(),
                       updated_by_id=db.user_id("inquirer1")))
        number = s.get(Application, case_id).case_number
    return case_id, number


def test_a_manager_opens_a_draft_awaiting_approval_from_to_do(page: Page, base_url: str,
                                                              e2e_db: E2EDatabase) -> None:
    case_id, number = _submitted_draft(e2e_db)
    sign_in(page, base_url, "manager1")
    menu = page.get_by_test_id("stSidebarNav")
    entry = menu.get_by_role("link", name=re.compile(r"^To do \(\d+\)$"))
    expect(entry).to_be_visible()
    entry.click()
    expect(main(page).get_by_role("heading", name="To do", exact=True)).to_be_visible()
    wait_for_app(page)
    expect(main(page).get_by_text(re.compile(r"^\d+ draft decisions? awaiting your approval$"))
           ).to_be_visible()
    grid = main(page).get_by_test_id("stDataFrame").first
    expect(grid_cell(grid, 0, 0)).not_to_have_text("")
    # The demo's own drafts were submitted earlier: this one is the newest, at the end.
    rows = grid.locator("[data-testid^='glide-cell-0-']")
    texts = [rows.nth(i).text_content() or "" for i in range(rows.count())]
    row = next(i for i, text in enumerate(texts) if text.endswith(f"#{number}"))
    screenshot(page, "tasks-03-manager-to-do")

    decision = open_link_cell(page, grid, row)
    assert re.search(rf"/decision\?case={case_id}", decision.url), decision.url
    expect(decision.get_by_test_id("stSidebarNav")).to_be_visible()
    expect(decision.get_by_role("button", name="Approve", exact=True)).to_be_visible()
    screenshot(decision, "tasks-04-decision-opened-from-to-do")
    decision.close()
