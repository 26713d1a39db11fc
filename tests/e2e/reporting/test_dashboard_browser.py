"""The dashboard in a real browser: a manager opens it, applies a filter, lists the cases
behind a figure and exports them as CSV. Screenshots go to tests/artifacts/screenshots/."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot, sign_in, wait_for_app
from tests.e2e.core.test_workbench_browser import main, open_menu_page


def _pick(page: Page, label: str, option: str) -> None:
    """Choose ``option`` in the select box or multiselect labelled ``label``."""
    box = main(page).get_by_role("combobox", name=label)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).first.click()
    page.keyboard.press("Escape")
    expect(main(page).get_by_text(option, exact=True).first).to_be_visible()


def test_manager_filters_drills_down_and_exports(page: Page, base_url: str) -> None:
    sign_in(page, base_url, "manager1")
    open_menu_page(page, "Dashboard", "Dashboard")
    body = main(page)
    expect(body.get_by_text("Pending, first instance")).to_be_visible()
    expect(body.locator("[data-testid='stVegaLiteChart']").first).to_be_visible()
    screenshot(page, "dashboard-01-backlog")

    _pick(page, "Offices", "TOKYO")
    body.get_by_role("button", name="Apply filters").click()
    wait_for_app(page)
    expect(body.get_by_text("Offices: TOKYO")).to_be_visible()
    screenshot(page, "dashboard-02-filtered")

    picker = body.get_by_role("combobox", name="Show the cases behind a figure")
    picker.click()
    picker.fill("Under examination")
    page.get_by_role("option").filter(has_text="Under examination").first.click()
    wait_for_app(page)
    body.get_by_role("button", name="Show cases").click()
    wait_for_app(page)
    expect(body.get_by_role("heading", name="Cases: Under examination")).to_be_visible()
    expect(body.locator(".st-key-drill_table [data-testid='stDataFrame']")).to_be_visible()
    screenshot(page, "dashboard-03-cases-behind")

    body.locator(".st-key-prep_cases-stage_csv button").click()
    wait_for_app(page)
    download_button = body.get_by_role("button", name="Download CSV")
    expect(download_button).to_be_visible()
    with page.expect_download() as info:
        download_button.click()
    content = info.value.path().read_bytes().decode("utf-8-sig")
    header = content.splitlines()[0]
    assert header.startswith("Case number,") and "Office" in header
    rows = content.splitlines()[1:]
    assert rows and all(",TOKYO," in row for row in rows)
    screenshot(page, "dashboard-04-exported")
