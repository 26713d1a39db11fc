"""The workbench in a real browser: an inquirer works a case, a second inquirer is kept out of
it, a manager assigns cases from the queue; screenshots of the main pages are kept in
tests/artifacts/screenshots/.

The case tables are glide-data-grid canvases: rows are selected by clicking the row-marker
column at the row's position (as Streamlit's own e2e tests do), and cell text is read from
the grid's accessibility table (``data-testid="glide-cell-<column>-<row>"``).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from playwright.sync_api import Locator, Page, expect
from sqlalchemy import func, select

from models import Application, AuditEvent, CaseState, Person, User
from tests.e2e.conftest import E2EDatabase, go_to, screenshot, sign_in, wait_for_app
from workbench.core.db import unit_of_work

#: Height of a grid row and of the header row, and width of the row-marker column (px).
ROW_HEIGHT_PX = 35
ROW_MARKER_X_PX = 15
CONFIRM = "I have checked this and want to record it."


# --- helpers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseInfo:
    id: int
    case_number: str
    family_name: str
    given_names: str
    state: str
    assigned_inquirer_id: int | None

    @property
    def display_name(self) -> str:
        """The name as the app shows it: ``FAMILY Given``."""
        return f"{self.family_name.upper()} {self.given_names}".strip()


def case_info(db: E2EDatabase, case_id: int) -> CaseInfo:
    with unit_of_work(db.engine, write=False) as session:
        row = session.execute(
            select(Application.id, Application.case_number, Person.family_name,
                   Person.given_names, Application.state, Application.assigned_inquirer_id)
            .join(Person, Person.id == Application.person_id)
            .where(Application.id == case_id)).one()
    return CaseInfo(*row)


def cases_by_number(db: E2EDatabase, numbers: list[str]) -> list[CaseInfo]:
    with unit_of_work(db.engine, write=False) as session:
        ids = session.execute(
            select(Application.id).where(Application.case_number.in_(numbers))).scalars().all()
    return [case_info(db, i) for i in ids]


def main(page: Page) -> Locator:
    return page.get_by_test_id("stMain")


def sidebar_link(page: Page, name: str) -> Locator:
    return page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True)


def open_menu_page(page: Page, name: str, heading: str) -> None:
    sidebar_link(page, name).click()
    expect(main(page).get_by_role("heading", name=heading, exact=True)).to_be_visible()
    wait_for_app(page)


def keyed_grid(page: Page, key: str) -> Locator:
    """The table shown with ``st.dataframe(..., key=key, on_select=...)`` (only tables whose
    rows can be selected carry their key in the page)."""
    return main(page).locator(f".st-key-{key}").get_by_test_id("stDataFrame")


def grid_cell(grid: Locator, row: int, column: int) -> Locator:
    """A cell of the grid's accessibility table; ``row`` 0 is the first data row. ``column`` 0
    is the first data column, or the row-marker column in a table whose rows can be selected
    (then the first data column is 1)."""
    return grid.get_by_test_id(f"glide-cell-{column}-{row}")


def shown_number(cell: Locator) -> str:
    """The case number a link cell shows (its accessible text is the whole link,
    ``/case?case=12#TOK-2025-0000012``)."""
    return (cell.text_content() or "").rsplit("#", 1)[-1]


def wait_until_stable(locator: Locator, quiet_ms: int = 300, timeout_ms: int = 5_000) -> None:
    """Wait until the element's box has not moved for ``quiet_ms`` (the grid sizes its
    columns after it first draws)."""
    deadline = time.monotonic() + timeout_ms / 1000
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        box = locator.bounding_box()
        if box != last:
            last, since = box, time.monotonic()
        elif box is not None and time.monotonic() - since >= quiet_ms / 1000:
            return
        time.sleep(0.05)


def select_grid_row(page: Page, grid: Locator, row: int) -> None:
    """Tick the row-marker checkbox of data row ``row`` (0-based) and wait for the rerun."""
    grid.scroll_into_view_if_needed()
    expect(grid.locator("canvas").first).to_be_visible()
    expect(grid_cell(grid, row, 1)).not_to_have_text("")
    wait_until_stable(grid)
    selected = grid.locator("tr[aria-selected='true']")
    before = selected.count()
    grid.click(position={"x": ROW_MARKER_X_PX,
                         "y": (row + 1) * ROW_HEIGHT_PX + ROW_HEIGHT_PX // 2})
    expect(selected).to_have_count(before + 1)
    wait_for_app(page)


def choose_option(page: Page, label: str, option: str | re.Pattern[str]) -> None:
    """Pick ``option`` in the select box labelled ``label``."""
    box = main(page).get_by_role("combobox", name=label, exact=True)
    box.scroll_into_view_if_needed()
    box.click()
    page.get_by_role("option", name=option, exact=isinstance(option, str)).click()
    expect(box).to_have_value(option)
    wait_for_app(page)


CAPTION = re.compile(r"^([\d,]+) cases? · page \d+ of \d+$")


def count_caption(page: Page, expected: int | None = None) -> int:
    """The number of cases in the "N cases · page x of y" caption, once it is ``expected``
    when that is given."""
    caption = main(page).get_by_text(CAPTION)
    if expected is not None:
        expect(caption).to_have_text(re.compile(rf"^{expected:,} cases? · page \d+ of \d+$"))
    expect(caption).to_be_visible()
    return int(CAPTION.match(caption.inner_text()).group(1).replace(",", ""))


def expander(page: Page, title: str) -> Locator:
    return main(page).get_by_test_id("stExpander").filter(
        has=page.locator("summary").get_by_text(title, exact=True))


def expect_timeline_steps(page: Page, steps: list[str]) -> None:
    """The Timeline table lists ``steps``, newest first."""
    timeline = expander(page, "Timeline").get_by_test_id("stDataFrame")
    timeline.scroll_into_view_if_needed()
    expect(timeline.locator("canvas").first).to_be_visible()
    for row, step in enumerate(steps):
        expect(grid_cell(timeline, row, 1)).to_have_text(step)
    expect(grid_cell(timeline, len(steps), 1)).to_have_count(0)


def record_action(page: Page, done: str) -> None:
    """Tick the confirmation in the Actions section, click Record and see ``done``."""
    actions = expander(page, "Actions")
    confirm = actions.get_by_role("checkbox", name=CONFIRM)
    if not confirm.is_checked():
        actions.get_by_text(CONFIRM, exact=True).click()
    expect(confirm).to_be_checked()
    actions.get_by_role("button", name="Record", exact=True).click()
    expect(actions.get_by_test_id("stAlertContentSuccess")).to_have_text(done)
    wait_for_app(page)


def assert_name_absent(page: Page, case: CaseInfo) -> None:
    """The applicant's name is nowhere on the page, in its text or in its HTML."""
    text = page.locator("body").inner_text()
    html = page.content()
    for needle in (case.display_name, f"{case.family_name} {case.given_names}"):
        assert needle not in text
        assert needle not in html
    assert not re.search(rf"\b{re.escape(case.family_name)}\b", text, re.IGNORECASE), (
        f"the family name {case.family_name!r} is shown to a user without access")


def inquirer1_demo_case(db: E2EDatabase) -> CaseInfo:
    """A demo case of inquirer1 (not one the fixture registered) whose family name is long
    enough to look for on a page without false hits."""
    inquirer1 = db.user_id("inquirer1")
    with unit_of_work(db.engine, write=False) as session:
        case_id = session.execute(
            select(Application.id)
            .join(Person, Person.id == Application.person_id)
            .where(Application.assigned_inquirer_id == inquirer1,
                   Application.id.not_in([db.sorting_case_id, db.confirm_case_id]),
                   func.length(Person.family_name) >= 5)
            .order_by(Application.id)).scalars().first()
    assert case_id is not None, "the demo data gave inquirer1 no case"
    return case_info(db, case_id)


# --- tests -----------------------------------------------------------------------------------


def test_sign_in_page(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Sign in to the protection workbench")).to_be_visible()
    expect(page.get_by_role("textbox", name="User name")).to_be_visible()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    screenshot(page, "01-sign-in")

    page.get_by_role("textbox", name="User name").fill("inquirer1")
    page.get_by_role("textbox", name="Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(main(page).get_by_test_id("stAlertContentError")).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)


def test_link_to_a_case_asks_for_sign_in_then_opens_it(
        page: Page, base_url: str, e2e_db: E2EDatabase) -> None:
    case = inquirer1_demo_case(e2e_db)
    page.goto(f"{base_url}/case?case={case.id}")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Sign in to the protection workbench")).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    expect(page.get_by_role("dialog")).to_have_count(0)  # no "Page not found"
    assert_name_absent(page, case)

    sign_in(page, base_url, "inquirer1", path=f"/case?case={case.id}")
    expect(main(page).get_by_role("heading", name=case.display_name)).to_be_visible()
    page.wait_for_url(re.compile(rf"/case\?case={case.id}$"))


def test_inquirer_opens_own_case_from_list_and_records_transitions(
        page: Page, base_url: str, e2e_db: E2EDatabase) -> None:
    case = case_info(e2e_db, e2e_db.sorting_case_id)
    assert case.state == CaseState.RECEIVED
    sign_in(page, base_url, "inquirer1")
    expect(main(page).get_by_role("heading", name="My cases", exact=True)).to_be_visible()
    grid = keyed_grid(page, "cases_table")
    expect(grid).to_be_visible()
    assert count_caption(page) > 1
    screenshot(page, "02-my-cases")

    # Find the case by its number and open it from the table.
    search = main(page).get_by_role("textbox", name="Search case number or name")
    search.fill(case.case_number)
    search.press("Enter")
    wait_for_app(page)
    count_caption(page, expected=1)
    expect(grid_cell(grid, 0, 1)).to_have_text(  # a link to the case file
        re.compile(rf"^/case\?case={case.id}#{re.escape(case.case_number)}$"))
    expect(grid_cell(grid, 0, 2)).to_have_text(case.display_name)
    open_button = main(page).get_by_role("button", name="Open the selected case")
    expect(open_button).to_have_count(0)
    select_grid_row(page, grid, 0)
    screenshot(page, "02-my-cases-selected")
    open_button.click()

    page.wait_for_url(re.compile(rf"/case\?case={case.id}$"))
    expect(main(page).get_by_role("heading", name=case.display_name)).to_be_visible()
    wait_for_app(page)
    expect(main(page).get_by_text(case.case_number, exact=False).first).to_be_visible()
    expect_timeline_steps(page, ["Application registered"])

    # Start sorting: not without the confirmation, then with it.
    actions = expander(page, "Actions")
    choose_option(page, "Action", "Start sorting")
    confirm = actions.get_by_role("checkbox", name=CONFIRM)
    expect(confirm).not_to_be_checked()
    actions.get_by_role("button", name="Record", exact=True).click()
    expect(actions.get_by_test_id("stAlertContentWarning")).to_have_text(
        "Tick the confirmation box to record this action.")
    wait_for_app(page)
    assert case_info(e2e_db, case.id).state == CaseState.RECEIVED
    record_action(page, "Recorded: Start sorting. The case is now Sorting.")
    expect_timeline_steps(page, ["Start sorting", "Application registered"])
    timeline = expander(page, "Timeline").get_by_test_id("stDataFrame")
    expect(grid_cell(timeline, 0, 2)).to_have_text("Received")
    expect(grid_cell(timeline, 0, 3)).to_have_text("Sorting")
    expect(grid_cell(timeline, 0, 4)).to_have_text("Inquirer Tanaka")
    assert case_info(e2e_db, case.id).state == CaseState.SORTING

    # Confirm the sorting with a category.
    choose_option(page, "Action", "Confirm sorting")
    choose_option(page, "Sorting category", "A")
    record_action(page, "Recorded: Confirm sorting. The case is now Under examination.")
    expect_timeline_steps(page, ["Confirm sorting", "Start sorting", "Application registered"])
    assert case_info(e2e_db, case.id).state == CaseState.UNDER_EXAMINATION
    screenshot(page, "03-case-file")


def test_next_action_asks_for_its_own_confirmation(
        page: Page, base_url: str, e2e_db: E2EDatabase) -> None:
    case = case_info(e2e_db, e2e_db.confirm_case_id)
    assert case.state == CaseState.RECEIVED
    sign_in(page, base_url, "inquirer1")
    go_to(page, f"/case?case={case.id}")
    expect(main(page).get_by_role("heading", name=case.display_name)).to_be_visible()
    choose_option(page, "Action", "Start sorting")
    record_action(page, "Recorded: Start sorting. The case is now Sorting.")
    choose_option(page, "Action", "Confirm sorting")
    expect(expander(page, "Actions").get_by_role("checkbox", name=CONFIRM)).not_to_be_checked(
        timeout=2_000)


def test_second_inquirer_cannot_open_first_inquirers_case(
        page: Page, base_url: str, e2e_db: E2EDatabase) -> None:
    case = inquirer1_demo_case(e2e_db)
    assert case.assigned_inquirer_id == e2e_db.user_id("inquirer1")
    denied = main(page).get_by_test_id("stAlertContentError")

    # By URL: the link opened in a new browser session, which signs in and goes there.
    sign_in(page, base_url, "inquirer2", path=f"/case?case={case.id}")
    expect(denied).to_have_text("You do not have access to this case.")
    expect(main(page).get_by_role("heading", name=case.display_name)).to_have_count(0)
    assert_name_absent(page, case)
    screenshot(page, "04-case-denied-by-url")

    # By URL inside the signed-in session (as the browser's Back and Forward buttons do).
    open_menu_page(page, "My cases", "My cases")
    go_to(page, f"/case?case={case.id}")
    expect(denied).to_have_text("You do not have access to this case.")
    assert_name_absent(page, case)
    with unit_of_work(e2e_db.engine, write=False) as session:
        refusals = session.execute(
            select(func.count()).select_from(AuditEvent).where(
                AuditEvent.actor_username == "inquirer2", AuditEvent.action == "case.open",
                AuditEvent.entity_id == str(case.id), AuditEvent.outcome != "ok")).scalar_one()
    assert refusals >= 2, "a refused opening was not audited"

    # By the case-number lookup on the Case file page. (The menu's "Case file" link does
    # nothing while a case is shown at /case?case=..., so go through the list.)
    open_menu_page(page, "My cases", "My cases")
    open_menu_page(page, "Case file", "Case file")
    lookup = main(page).get_by_role("textbox", name="Open a case by its number")
    lookup.fill(case.case_number)
    main(page).get_by_role("button", name="Open", exact=True).click()
    expect(main(page).get_by_test_id("stAlertContentError")).to_have_text(
        "No case with that number is open to you.")
    wait_for_app(page)
    assert "/case" in page.url and f"case={case.id}" not in page.url
    assert_name_absent(page, case)
    screenshot(page, "04-case-denied-by-lookup")


def test_manager_assigns_two_unassigned_cases_from_queue(
        page: Page, base_url: str, e2e_db: E2EDatabase) -> None:
    sign_in(page, base_url, "manager1")
    open_menu_page(page, "Queue and assignment", "Queue and assignment")
    grid = keyed_grid(page, "queue_table")
    expect(grid).to_be_visible()
    before = count_caption(page)
    assert before >= 2, "the fixture registers unassigned cases"

    numbers = []
    for row in (0, 1):
        cell = grid_cell(grid, row, 1)
        expect(cell).to_have_text(re.compile(r"^/case\?case=\d+#[A-Z]{3}-\d{4}-\d{7}$"))
        numbers.append(shown_number(cell))
    chosen = cases_by_number(e2e_db, numbers)
    assert len(chosen) == 2 and all(c.assigned_inquirer_id is None for c in chosen)

    select_grid_row(page, grid, 0)
    expect(main(page).get_by_role("button", name="Open the selected case")).to_be_visible()
    select_grid_row(page, grid, 1)
    expect(grid.locator("tr[aria-selected='true']")).to_have_count(2)
    expect(main(page).get_by_role("button", name="Open the selected case")).to_have_count(0)

    choose_option(page, "Assign selected cases to", re.compile(r"^Inquirer Takahashi — \d+ open$"))
    screenshot(page, "05-queue-selected")
    main(page).get_by_role("button", name="Assign", exact=True).click()
    expect(main(page).get_by_test_id("stAlertContentSuccess")).to_have_text(
        "2 cases assigned to Inquirer Takahashi.")
    wait_for_app(page)
    count_caption(page, expected=before - 2)
    screenshot(page, "05-queue-assigned")

    inquirer3 = e2e_db.user_id("inquirer3")
    after = cases_by_number(e2e_db, numbers)
    assert sorted(c.case_number for c in after) == sorted(numbers)
    assert all(c.assigned_inquirer_id == inquirer3 for c in after), after


def test_assigning_again_without_selecting_assigns_nothing(
        page: Page, base_url: str, e2e_db: E2EDatabase) -> None:
    sign_in(page, base_url, "manager1")
    open_menu_page(page, "Queue and assignment", "Queue and assignment")
    grid = keyed_grid(page, "queue_table")
    before = count_caption(page)
    assert before >= 4, "the fixture registers enough unassigned cases"
    select_grid_row(page, grid, 0)
    select_grid_row(page, grid, 1)
    choose_option(page, "Assign selected cases to", re.compile(r"^Inquirer Watanabe — \d+ open$"))
    main(page).get_by_role("button", name="Assign", exact=True).click()
    expect(main(page).get_by_test_id("stAlertContentSuccess")).to_have_text(
        "2 cases assigned to Inquirer Watanabe.")
    wait_for_app(page)
    count_caption(page, expected=before - 2)
    grid = keyed_grid(page, "queue_table_1")  # a fresh table, without the old ticks
    remaining = [shown_number(grid_cell(grid, row, 1)) for row in (0, 1)]

    # Nothing is selected now: a second Assign must ask for a selection.
    choose_option(page, "Assign selected cases to", re.compile(r"^Inquirer Yamamoto — \d+ open$"))
    main(page).get_by_role("button", name="Assign", exact=True).click()
    wait_for_app(page)
    try:
        expect(main(page).get_by_test_id("stAlertContentWarning")).to_have_text(
            "Select one or more cases in the table first.", timeout=5_000)
    finally:
        assert all(c.assigned_inquirer_id is None for c in cases_by_number(e2e_db, remaining)), (
            "cases the manager did not select were assigned")
    expect(grid.locator("tr[aria-selected='true']")).to_have_count(0)


def test_admin_sees_users_page(page: Page, base_url: str, e2e_db: E2EDatabase) -> None:
    sign_in(page, base_url, "admin")
    expect(main(page).get_by_role("heading", name="Users", exact=True)).to_be_visible()
    expect(sidebar_link(page, "Users")).to_be_visible()
    expect(sidebar_link(page, "Queue and assignment")).to_have_count(0)
    grid = main(page).get_by_test_id("stDataFrame")
    expect(grid).to_have_count(1)
    with unit_of_work(e2e_db.engine, write=False) as session:
        usernames = session.execute(
            select(User.username).order_by(User.username)).scalars().all()
    for row, username in enumerate(usernames[:5]):
        expect(grid_cell(grid, row, 0)).to_have_text(username)
    screenshot(page, "06-users")


def test_manager_sees_all_cases(page: Page, base_url: str) -> None:
    sign_in(page, base_url, "manager1")
    expect(main(page).get_by_role("heading", name="Cases", exact=True)).to_be_visible()
    expect(keyed_grid(page, "cases_table")).to_be_visible()
    assert count_caption(page) > 0
    screenshot(page, "07-all-cases-manager")
