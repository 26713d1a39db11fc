"""The COI library in a real browser: an inquirer goes from a case file to the library, searches,
cites a passage for a finding, and finds the citation back in the case file."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from models import Application
from models.coi import CoiCitation, CoiDocument, CoiPassage
from tests.e2e.conftest import E2EDatabase, go_to, screenshot, sign_in, wait_for_app
from workbench.core.db import unit_of_work

FINDING = "Hazara returnees from Iran are questioned and searched at Taliban checkpoints."


def main(page: Page) -> Locator:
    return page.get_by_test_id("stMain")


def coi_section(page: Page) -> Locator:
    return main(page).get_by_test_id("stExpander").filter(
        has=page.locator("summary").get_by_text("Country information", exact=True))


def test_inquirer_searches_the_library_from_a_case_and_cites_a_passage(
        page: Page, base_url: str, e2e_db: E2EDatabase) -> None:
    with unit_of_work(e2e_db.engine, write=False) as session:
        number = session.execute(select(Application.case_number).where(
            Application.id == e2e_db.coi_case_id)).scalar_one()
    sign_in(page, base_url, "inquirer1")
    go_to(page, f"/case?case={e2e_db.coi_case_id}")
    section = coi_section(page)
    expect(section.get_by_text("No country information is cited in this case yet.")
           ).to_be_visible()
    expect(section.get_by_text("Suggested for this case")).to_be_visible()

    # From the case file to the library, which knows the case it is citing for.
    section.get_by_role("link", name="Search the COI library for this case").click()
    page.wait_for_url(re.compile(rf"/coi\?case={e2e_db.coi_case_id}$"))
    wait_for_app(page)
    expect(main(page).get_by_text(f"Citing for case {number}")).to_be_visible()

    box = main(page).get_by_role("textbox", name="Search the library")
    box.fill("Hazara returnees")
    box.press("Enter")
    wait_for_app(page)
    expect(main(page).get_by_text(re.compile(r"^\d+ passages found"))).to_be_visible()
    first_mark = main(page).locator("mark").first
    expect(first_mark).to_be_visible()
    screenshot(page, "coi-01-search-for-case")

    # Cite the first result for a finding.
    main(page).get_by_role("button", name="Cite in this case").first.click()
    body = page.get_by_test_id("stPopoverBody").filter(
        has=page.get_by_role("textbox", name="Finding or point this passage supports"))
    expect(body).to_be_visible()
    body.get_by_role("textbox", name="Finding or point this passage supports").fill(FINDING)
    screenshot(page, "coi-02-cite-form")
    body.get_by_role("button", name="Cite", exact=True).click()
    wait_for_app(page)
    expect(main(page).get_by_text(f"Cited in case {number}, with its full reference.")
           ).to_be_visible()
    # The notice says it is cited; "Already cited" is not shown beside it, and the passage
    # is not offered for citing a second time.
    expect(main(page).get_by_text("Already cited in this case.")).to_have_count(0)

    # Back in the case file, the citation is there with its reference.
    main(page).get_by_role("link", name="Back to the case file").click()
    page.wait_for_url(re.compile(rf"/case\?case={e2e_db.coi_case_id}$"))
    wait_for_app(page)
    section = coi_section(page)
    expect(section.get_by_text("1 citation", exact=True)).to_be_visible()
    expect(section.get_by_text(FINDING)).to_be_visible()
    expect(section.get_by_text(re.compile(r"\(accessed \d{1,2} \w+ \d{4}\)"))).to_be_visible()
    section.scroll_into_view_if_needed()
    screenshot(page, "coi-03-case-file-citation")

    # The citation leads to the passage in the library's copy of the document.
    section.get_by_role("link", name="Open in the library").click()
    page.wait_for_url(re.compile(r"/coi-document\?doc=\d+&passage=\d+&case=\d+$"))
    wait_for_app(page)
    expect(main(page).get_by_text("Passage you came from")).to_be_visible()
    expect(main(page).locator("p[id^='passage-'][style]")).to_have_count(1)
    expect(main(page).get_by_role("button", name=re.compile("Download the library's copy"))
           ).to_be_visible()
    expect(main(page).get_by_text("Source described on", exact=False)).to_be_visible()
    screenshot(page, "coi-04-document-passage")


def test_a_double_click_on_cite_makes_one_citation(
        page: Page, base_url: str, e2e_db: E2EDatabase) -> None:
    """Double-clicking "Cite" sends the form twice before the page answers: one citation is
    stored, no warning or error is shown, and the notice says the passage is cited."""
    case_id = e2e_db.coi_case_id
    with unit_of_work(e2e_db.engine, write=False) as session:
        number = session.execute(select(Application.case_number).where(
            Application.id == case_id)).scalar_one()
        cited = set(session.execute(select(CoiCitation.passage_id).where(
            CoiCitation.application_id == case_id)).scalars())
        passage_id, document_id = session.execute(
            select(CoiPassage.id, CoiPassage.document_id)
            .join(CoiDocument, CoiDocument.id == CoiPassage.document_id)
            .where(CoiDocument.title.like("%Hazara%"), CoiPassage.id.not_in(cited or {0}))
            .order_by(CoiPassage.id)).first()
    sign_in(page, base_url, "inquirer1")
    go_to(page, f"/coi-document?doc={document_id}&passage={passage_id}&case={case_id}")
    expect(main(page).get_by_text("Passage you came from")).to_be_visible()

    main(page).get_by_role("button", name="Cite in this case").first.click()
    body = page.get_by_test_id("stPopoverBody").filter(
        has=page.get_by_role("textbox", name="Finding or point this passage supports"))
    body.get_by_role("textbox", name="Finding or point this passage supports").fill(
        "Hazara returnees are questioned at checkpoints.")
    body.get_by_role("button", name="Cite", exact=True).dblclick()
    wait_for_app(page)
    expect(main(page).get_by_text(re.compile(
        rf"^(Cited in case {number}, with its full reference\.|This passage is already "
        rf"cited in case {number}: it is cited there once, as before\.)$"))).to_be_visible()
    expect(main(page).get_by_text("Say which finding or point the passage supports.")
           ).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    screenshot(page, "coi-05-double-click-cite")
    with unit_of_work(e2e_db.engine, write=False) as session:
        rows = session.execute(select(CoiCitation.id).where(
            CoiCitation.application_id == case_id, CoiCitation.passage_id == passage_id,
            CoiCitation.removed_at.is_(None))).scalars().all()
    assert len(rows) == 1
