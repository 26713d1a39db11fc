"""The forecast in a real browser: a manager opens the dashboard's Forecast view, writes a
what-if scenario (two more inquirers in Tokyo), runs it, sees it beside the baseline, saves
it and deletes it again. Screenshots ``forecast-NN-*.png`` go to tests/artifacts/screenshots/."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot, sign_in, wait_for_app
from tests.e2e.core.test_workbench_browser import expander, main, open_menu_page

NAME = "2 more inquirers in Tokyo (browser)"
EDITOR = "Scenario: what if…"


def _charts(page: Page):  # noqa: ANN202
    return main(page).locator("[data-testid='stVegaLiteChart']")


def _column(page: Page, name: str):  # noqa: ANN202
    """The heading ``name`` of the key figures' table (the grid's accessibility table,
    drawn once the grid is in view)."""
    grid = main(page).get_by_test_id("stDataFrame").filter(
        has=page.locator("th", has_text="Baseline (current pace)"))
    main(page).get_by_role("heading", name="Key figures side by side").scroll_into_view_if_needed()
    return grid.locator("th[role='columnheader']").filter(
        has_text=re.compile(f"^{re.escape(name)}$"))


def test_manager_runs_a_scenario_and_compares_it_with_the_baseline(page: Page,
                                                                    base_url: str) -> None:
    sign_in(page, base_url, "manager1")
    open_menu_page(page, "Dashboard", "Dashboard")
    body = main(page)
    body.get_by_test_id("stButtonGroup").get_by_text("Forecast", exact=True).click()
    wait_for_app(page)
    expect(body.get_by_role("heading", name="First-instance backlog", exact=True)).to_be_visible()
    expect(_charts(page).first).to_be_visible()
    expect(body.get_by_text("Backtest:").first).to_be_visible()
    screenshot(page, "forecast-01-baseline")

    editor = expander(page, EDITOR)
    editor.locator("summary").click()
    editor.get_by_role("textbox", name="Name of the scenario").fill(NAME)
    tokyo = editor.get_by_role("spinbutton", name="TOKYO")
    tokyo.fill("2")
    tokyo.press("Enter")
    wait_for_app(page)
    editor.get_by_role("button", name="Run", exact=True).click()
    wait_for_app(page)
    unsaved = f"“{NAME} (not saved)”: TOKYO: +2 inquirers"
    expect(body.get_by_text(unsaved)).to_be_visible()
    # the comparison: the key figures table has a column for each forecast
    expect(_column(page, f"{NAME} (not saved)")).to_have_count(1)
    screenshot(page, "forecast-02-scenario-run")

    editor.get_by_role("button", name="Save scenario").click()
    wait_for_app(page)
    expect(body.get_by_text(f"Scenario “{NAME}” saved.")).to_be_visible()
    expect(body.get_by_text(f"“{NAME}”: TOKYO: +2 inquirers")).to_be_visible()
    expect(_column(page, NAME)).to_have_count(1)
    expect(body.get_by_text(unsaved)).to_have_count(0)
    screenshot(page, "forecast-03-saved-and-compared")

    delete = body.get_by_test_id("stForm").filter(has_text="Delete the scenario")
    delete.get_by_text("I understand this cannot be undone.").click()
    delete.get_by_role("button", name="Delete scenario").click()
    wait_for_app(page)
    expect(body.get_by_text(f"Scenario “{NAME}” deleted.")).to_be_visible()
    expect(_column(page, NAME)).to_have_count(0)
    expect(_column(page, "Baseline (current pace)")).to_have_count(1)
