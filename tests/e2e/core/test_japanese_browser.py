"""The main walk in Japanese, in a real browser whose language is Japanese: sign in, my cases,
the case file, triage, the interview, the decision, the dashboard. On every page no
catalogue key and no English label is left in what the workbench itself writes (headings,
labels, buttons, tabs, menus, column headers, notices); the applicants' own data (names,
narratives, COI text) may be in any language.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from models import Application, CaseState, User
from tests.e2e.conftest import VIEWPORT, E2EDatabase, go_to, screenshot, wait_for_app
from workbench.core.db import unit_of_work
from workbench.core.i18n import catalogue

JA = catalogue("ja")
EN = catalogue("en")
#: What the workbench itself writes, as opposed to the data it shows.
CHROME = ", ".join([
    "[data-testid='stHeading']", "[data-testid='stWidgetLabel']", "button",
    "[role='tab']", "[data-testid='stExpander'] summary", "[data-testid='stSidebarNav'] a",
    "[data-testid='stMetricLabel']", "[role='columnheader']", "[data-testid='stAlert']",
    "[data-testid='stCaptionContainer']", "[data-baseweb='select']",
    "[data-testid='stTooltipIcon']", "input[placeholder]",
])
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_WORD = re.compile(r"[A-Za-z]{4,}")


def _english_vocabulary() -> set[str]:
    """Words of four letters or more that the English catalogue uses and the Japanese one
    does not (so "COI" or "PDF", kept in Japanese, do not count)."""
    english = {w.lower() for text in EN.values()
               for w in _WORD.findall(re.sub(r"\{[^}]*\}", "", text))}
    kept = {w.lower() for text in JA.values() for w in _WORD.findall(text)}
    return english - kept


VOCABULARY = _english_vocabulary()
KEY_PATTERN = re.compile(r"\b[a-z_]+(?:\.[a-z_A-Z0-9]+)+\b")


def english_left(texts: list[str], data: set[str]) -> list[str]:
    """Texts that read as English interface: two catalogue words in a text with no Japanese,
    or a catalogue key shown as it is."""
    found = []
    for text in texts:
        bare = text
        for value in data:
            bare = bare.replace(value, " ")
        keys = [k for k in KEY_PATTERN.findall(bare) if k in EN]
        words = [w for w in _WORD.findall(bare) if w.lower() in VOCABULARY]
        if keys or (len(words) >= 2 and not _JAPANESE.search(bare)):
            found.append(text)
    return found


def chrome_texts(page: Page) -> list[str]:
    texts = page.locator(CHROME).evaluate_all(
        "els => els.map(e => (e.innerText || e.getAttribute('placeholder') || '').trim())")
    return [t for t in texts if t]


def check_page(page: Page, name: str, data: set[str]) -> None:
    wait_for_app(page)
    screenshot(page, f"ja-{name}")
    left = english_left(chrome_texts(page), data)
    assert left == [], f"English left on the {name} page: {left}"
    body = page.get_by_test_id("stApp").inner_text()
    keys = sorted({k for k in KEY_PATTERN.findall(body) if k in EN})
    assert keys == [], f"catalogue keys shown on the {name} page: {keys}"


def test_english_left_is_caught() -> None:
    assert english_left(["Open the selected case"], set())
    assert english_left(["nav.my_cases"], set())
    assert not english_left([JA["nav.my_cases"], "NGUYEN Van An"], {"NGUYEN Van An"})


@pytest.fixture
def ja_page(browser, base_url: str):  # noqa: ANN001, ANN201
    context = browser.new_context(viewport=VIEWPORT, base_url=base_url, locale="ja-JP",
                                  timezone_id="Asia/Tokyo")
    page = context.new_page()
    yield page
    context.close()


def _case_of(db: E2EDatabase, username: str, states: tuple[str, ...]) -> tuple[int, str]:
    with unit_of_work(db.engine, write=False) as session:
        user_id = session.execute(select(User.id).where(User.username == username)).scalar_one()
        row = session.execute(
            select(Application.id, Application.case_number)
            .where(Application.assigned_inquirer_id == user_id, Application.state.in_(states))
            .order_by(Application.id)).first()
    assert row is not None, f"the demo caseload has no case of {username} in {states}"
    return row[0], row[1]


def _data_of(db: E2EDatabase, case_id: int) -> set[str]:
    """The case's own values as the pages show them (names and numbers stay as written)."""
    from models import Person

    with unit_of_work(db.engine, write=False) as session:
        app = session.get(Application, case_id)
        person = session.get(Person, app.person_id)
        return {app.case_number, person.family_name, person.family_name.upper(),
                person.given_names, f"{person.family_name.upper()} {person.given_names}"}


def _sign_in_japanese(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/")
    wait_for_app(page)
    # No office setting and no choice yet: the browser's language decides.
    expect(page.get_by_role("heading", name=JA["sign_in.heading"])).to_be_visible()
    check_page(page, "sign-in", set())
    page.get_by_role("textbox", name=JA["sign_in.username"]).fill(username)
    page.get_by_role("textbox", name=JA["sign_in.password"]).fill(f"{username}-demo-pass")
    page.get_by_role("button", name=JA["sign_in.submit"], exact=True).click()
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()
    wait_for_app(page)


def test_the_main_walk_in_japanese(ja_page: Page, base_url: str, e2e_db: E2EDatabase) -> None:
    page = ja_page
    case_id, number = _case_of(e2e_db, "inquirer1", (CaseState.UNDER_EXAMINATION,))
    data = _data_of(e2e_db, case_id) | {"inquirer1"}

    _sign_in_japanese(page, base_url, "inquirer1")
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_role("link", name=JA["nav.my_cases"], exact=True)).to_be_visible()
    check_page(page, "my-cases", data)

    go_to(page, f"/case?case={case_id}")
    expect(page.get_by_test_id("stMain").get_by_text(number).first).to_be_visible()
    check_page(page, "case-file", data)

    nav.get_by_role("link", name=JA["nav.triage"], exact=True).click()
    check_page(page, "triage", data)

    go_to(page, f"/interview?case={case_id}")
    check_page(page, "interview", data)

    go_to(page, f"/decision?case={case_id}")
    check_page(page, "decision", data)


def test_the_dashboard_in_japanese(ja_page: Page, base_url: str) -> None:
    page = ja_page
    _sign_in_japanese(page, base_url, "manager1")
    page.get_by_test_id("stSidebarNav").get_by_role(
        "link", name=JA["nav.dashboard"], exact=True).click()
    expect(page.get_by_role("heading").first).to_be_visible()
    check_page(page, "dashboard", {"manager1"})
