"""The whole procedure in a real browser, one new case from lodging to ruling, each role in a
browser context of its own in turn:

- the administrator opens Users and the COI library's upload;
- the inquirer registers the application, sorts it in Triage, cites a country-information
  passage from the case, records and closes the interview, assesses the facts and the
  elements (not a refugee), drafts the non-recognition and submits it for approval;
- the manager finds the draft in To do, approves it, serves the notice, records the request
  for review from the case file, allocates the appeal to a panel and skips the oral opinion
  statement;
- each counsellor of the panel submits an opinion, the presiding one records the panel's
  opinion; the manager records the ruling, and the case file shows the review ruled.

Screenshots ``walk-NN-*.png`` go to tests/artifacts/screenshots/. Only the case is new: it is
registered through the browser, so the other tests' cases on the shared server are untouched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from models import Application, CaseState
from tests.e2e.conftest import (
    SCREENSHOTS,
    TIMEOUT_MS,
    VIEWPORT,
    E2EDatabase,
    go_to,
    screenshot,
    sign_in,
    sign_out,
    wait_for_app,
)
from tests.e2e.core.test_workbench_browser import expander, main, open_menu_page
from tests.e2e.examination.test_examination_browser import (
    UNDERSTOOD,
    _actor,
    _answer_text,
    _choose,
    _click,
    _done,
    _keyed,
    _state,
    _wait_for_answers,
    start_record_with_session,
)
from tests.e2e.review.test_appeal_browser import (
    _form,
    _notice,
    _open_from_list,
    _panel_members,
    _tab,
)
from tests.integration.examination.test_examination import answer_required
from workbench.core import clock
from workbench.core.db import unit_of_work
from workbench.examination import assessments
from workbench.ui.examination.interview_common import widget_key

FAMILY, GIVEN = "Testwalk", "Tharshan"
KANA = "タルシャン・テストウォーク"
NARRATIVE = ("I am a Tamil from Jaffna. My brother was a member of the LTTE. In 2022 the army "
             "detained me for two weeks and asked about my brother; they beat me. After I took "
             "part in a diaspora rally abroad, officers visited my mother and asked for me. "
             "I fear that I will be detained on return to Sri Lanka.")
FINDING = "Tamils with past LTTE links are questioned on return to Sri Lanka."
REQUIRED_LEFT = re.compile(r"\b(\d+) required questions? left$")


@contextmanager
def signed_in(browser: Browser, base_url: str, username: str, step: str) -> Iterator[Page]:
    """A new browser context signed in as ``username``; signed out and closed afterwards.
    A failure leaves ``FAILED-walk-<step>.png``."""
    failed_shot = f"FAILED-walk-{step}"
    (SCREENSHOTS / f"{failed_shot}.png").unlink(missing_ok=True)
    context = browser.new_context(viewport=VIEWPORT, base_url=base_url, locale="en-GB",
                                  timezone_id="Asia/Tokyo")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        sign_in(page, base_url, username)
        yield page
        sign_out(page)
    except BaseException:
        try:
            screenshot(page, failed_shot)
        except Exception:  # noqa: BLE001 - keep the step's own error
            pass
        raise
    finally:
        context.close()


def _case_of(db: E2EDatabase, number: str) -> int:
    with unit_of_work(db.engine, write=False) as session:
        return session.execute(select(Application.id)
                               .where(Application.case_number == number)).scalar_one()


def _required_left(page: Page) -> int:
    """The count of required questions left, as the interview page shows it."""
    label = main(page).get_by_text(REQUIRED_LEFT).first
    expect(label).to_be_visible()
    return int(REQUIRED_LEFT.search(label.inner_text().strip()).group(1))


# --- the roles' parts ------------------------------------------------------------------------


def _administrator(browser: Browser, base_url: str) -> None:
    with signed_in(browser, base_url, "admin", "admin") as page:
        body = main(page)
        expect(body.get_by_role("heading", name="Users", exact=True)).to_be_visible()
        expect(body.get_by_test_id("stDataFrame").first).to_be_visible()
        screenshot(page, "walk-01-admin-users")
        open_menu_page(page, "COI library", "Country of origin information")
        _click(page, body.get_by_role("tab", name="Add documents", exact=True))
        expect(body.get_by_role("button", name="Add to the library")).to_be_visible()
        screenshot(page, "walk-02-admin-coi-upload")


def _register(page: Page) -> str:
    """Register the application; the case number the app gives it."""
    body = main(page)
    open_menu_page(page, "Register an application", "Register an application")
    form = body.get_by_test_id("stForm")
    form.get_by_role("textbox", name="Family name (as in the passport)").fill(FAMILY)
    form.get_by_role("textbox", name="Given names (as in the passport)").fill(GIVEN)
    form.get_by_role("textbox", name="Reading in katakana").fill(KANA)
    form.get_by_role("textbox", name="Nationality").fill("LKA")
    form.get_by_role("textbox", name="Languages").fill("ta, en")
    # The application model refuses a date after the machine's own (UTC) date.
    form.get_by_role("textbox", name="Date lodged").fill(
        min(clock.today(), date.today()).isoformat())
    form.get_by_role("textbox", name="Claim as stated").fill(NARRATIVE)
    screenshot(page, "walk-03-register")
    _click(page, form.get_by_role("button", name="Register"))
    done = body.get_by_text(re.compile(r"^Application [A-Z]{3}-\d{4}-\d{7} registered\.$"))
    expect(done).to_be_visible()
    number = done.inner_text().split()[1]
    expect(body.get_by_text(number).first).to_be_visible()
    wait_for_app(page)
    screenshot(page, "walk-04-registered-case-file")
    return number


def _sort(page: Page, db: E2EDatabase, case_id: int, number: str) -> None:
    """Triage this one case and confirm its suggestion (or sort it when triage abstains)."""
    body = main(page)

    def pick() -> None:
        open_menu_page(page, "Triage", "Triage")
        box = body.get_by_role("combobox", name="Case to sort", exact=True)
        box.click()
        page.keyboard.type(number)
        page.get_by_role("option", name=re.compile(rf"^{re.escape(number)} · ")).click()
        wait_for_app(page)

    pick()
    expect(body.get_by_text("Triage has not looked at this case yet.")).to_be_visible()
    _click(page, body.get_by_role("button", name="Run triage on this case"))
    expect(body.get_by_text("Triage has not looked at this case yet.")).to_have_count(0)
    pick()  # the case again, now with its suggestion
    confirm = body.get_by_role("button", name=re.compile(r"^Confirm suggestion: "))
    screenshot(page, "walk-05-triage")
    if confirm.count():
        category = confirm.inner_text().rsplit(":", 1)[1].strip()
        _click(page, confirm)
        expect(body.get_by_text(f"{number} sorted as {category}, as suggested.")
               ).to_be_visible()
    else:  # no suggestion: sorted by hand, with the reason
        form = body.get_by_test_id("stForm").filter(
            has=page.get_by_role("button", name="Record sorting"))
        form.get_by_role("combobox", name="Category").click()
        page.get_by_role("option", name=re.compile(r"^D2")).click()
        form.get_by_role("textbox", name=re.compile(r"^Reason")).fill(
            "A claim of persecution for imputed political opinion, to be examined.")
        _click(page, form.get_by_role("button", name="Record sorting"))
        expect(body.get_by_text(re.compile(rf"^{re.escape(number)} sorted as "))
               ).to_be_visible()
    wait_for_app(page)
    assert _state(db, case_id) == CaseState.UNDER_EXAMINATION


def _cite(page: Page, case_id: int, number: str) -> None:
    """From the case file to the library, and one passage cited for a finding."""
    body = main(page)
    go_to(page, f"/case?case={case_id}")
    section = body.get_by_test_id("stExpander").filter(
        has=page.locator("summary").get_by_text("Country information", exact=True))
    section.scroll_into_view_if_needed()
    section.get_by_role("link", name="Search the COI library for this case").click()
    page.wait_for_url(re.compile(rf"/coi\?case={case_id}$"))
    wait_for_app(page)
    expect(body.get_by_text(f"Citing for case {number}")).to_be_visible()
    search = body.get_by_role("textbox", name="Search the library")
    search.fill("LTTE returnees questioned")
    search.press("Enter")
    wait_for_app(page)
    expect(body.get_by_text(re.compile(r"^\d+ passages? found"))).to_be_visible()
    body.get_by_role("button", name="Cite in this case").first.click()
    popover = page.get_by_test_id("stPopoverBody").filter(
        has=page.get_by_role("textbox", name="Finding or point this passage supports"))
    popover.get_by_role("textbox", name="Finding or point this passage supports").fill(FINDING)
    _click(page, popover.get_by_role("button", name="Cite", exact=True))
    expect(body.get_by_text(f"Cited in case {number}, with its full reference.")
           ).to_be_visible()
    screenshot(page, "walk-06-coi-cited")


def _interview(page: Page, db: E2EDatabase, case_id: int) -> None:
    """Start the record, add a session, answer as the interview goes, close it."""
    body = main(page)
    inquirer = _actor(db, "inquirer1")
    go_to(page, f"/case?case={case_id}")
    section = expander(page, "Examination")
    _click(page, section.get_by_role("link", name="Open the interview"))
    expect(body.get_by_role("heading", name=f"Interview · {FAMILY.upper()} {GIVEN}")
           ).to_be_visible()
    start_record_with_session(page, "10:00", "12:30", "Tokyo, room 2", "Tamil", "R. Kumar")

    left = _required_left(page)
    _answer_text(page, widget_key(case_id, "opening.interview_language"), "Tamil")
    _choose(page, widget_key(case_id, "opening.identity_confirmed"), "Yes")
    _choose(page, widget_key(case_id, "opening.interpreter_understood"), "Yes")
    _wait_for_answers(db, inquirer, case_id, {"opening.interview_language",
                                             "opening.identity_confirmed",
                                             "opening.interpreter_understood"})
    expect(main(page).get_by_text(REQUIRED_LEFT).first).to_have_text(
        re.compile(rf"\b{left - 3} required questions left$"))
    assert _required_left(page) == left - 3
    screenshot(page, "walk-07-interview-answering")
    # The rest of the required questions, answered elsewhere (as from a second tab); the
    # page shows them on its next run.
    answer_required(db.engine, inquirer, case_id, **{"past_harm.any_harm": False})
    go_to(page, f"/interview?case={case_id}")
    _click(page, page.get_by_role("tab", name="Record"))
    expect(body.get_by_text("Every required question is answered").first).to_be_visible()

    close = body.get_by_test_id("stForm").filter(
        has=page.get_by_role("button", name="Close the record"))
    expect(close.get_by_role("textbox", name="Read back in (language)")).to_have_value("Tamil")
    _click(page, close.get_by_text("Yes", exact=True))
    _click(page, close.get_by_text(UNDERSTOOD, exact=True))  # closing cannot be undone
    _click(page, close.get_by_role("button", name="Close the record"))
    _done(page, "The interview record is closed.")
    screenshot(page, "walk-08-interview-closed")


def _assess(page: Page, db: E2EDatabase, case_id: int) -> None:
    """One material fact, rated and rejected; persecution not met; not a refugee, with
    humanitarian permission considered and refused."""
    body = main(page)
    inquirer = _actor(db, "inquirer1")
    go_to(page, f"/assessment?case={case_id}")
    expect(body.get_by_role("heading", name=f"Assessment · {FAMILY.upper()} {GIVEN}")
           ).to_be_visible()
    body.get_by_role("textbox", name="A material fact").fill(
        "The applicant was detained by the army for two weeks in 2022 because of his brother.")
    _click(page, body.get_by_role("button", name="Add the fact"))
    _done(page, "Fact added.")
    with unit_of_work(db.engine, write=False) as session:
        fact = assessments.assessment(session, actor=inquirer,
                                      application_id=case_id).facts[0].id
    prefix = f"as_fact_{fact}_0"
    _choose(page, f"{prefix}_DETAIL_rating", "Undermines")
    _keyed(page, f"{prefix}_DETAIL_reason").locator("input").fill(
        "No place, date or name of the camp could be given.")
    _choose(page, f"{prefix}_INTERNAL_CONSISTENCY_rating", "Undermines")
    _keyed(page, f"{prefix}_INTERNAL_CONSISTENCY_reason").locator("input").fill(
        "The written claim and the interview give different years.")
    _choose(page, f"{prefix}_finding", "Rejected")
    _keyed(page, f"{prefix}_finding_reason").locator("input").fill(
        "Vague and inconsistent on the central event.")
    _click(page, _keyed(page, f"as_fact_{fact}_save").get_by_role("button"))
    _done(page, "Saved.")

    name = f"as_element_{case_id}_PERSECUTION"
    _choose(page, f"{name}_0_finding", "Not met")
    _keyed(page, f"{name}_0_reason").locator("textarea").fill(
        "The only alleged harm is not accepted as a fact.")
    _click(page, _keyed(page, f"{name}_save").get_by_role("button"))
    _done(page, "Saved.")

    area = f"as_outcome_{case_id}"
    outcome = _keyed(page, f"{area}_0_choice")
    expect(outcome.get_by_text(re.compile(r"\(proposed\)$"))).to_be_visible()
    _click(page, _keyed(page, f"{area}_0_considered").get_by_text("Considered", exact=True))
    _keyed(page, f"{area}_0_hreason").locator("textarea").fill(
        "No humanitarian grounds: healthy adult with family in Sri Lanka.")
    _click(page, _keyed(page, f"{area}_save").get_by_role("button"))
    _done(page, "Outcome recorded: Not recognised.")
    screenshot(page, "walk-09-assessment")


def _draft(page: Page, db: E2EDatabase, case_id: int) -> None:
    body = main(page)
    go_to(page, f"/decision?case={case_id}")
    expect(body.get_by_role("heading", name=f"Decision · {FAMILY.upper()} {GIVEN}")
           ).to_be_visible()
    _click(page, body.get_by_role("button", name="Generate the draft from the findings"))
    expect(body.get_by_role("textbox", name="Reasons")).to_have_value(
        re.compile(r"^1\. Material facts and credibility"))
    _click(page, body.get_by_role("button", name="Save draft"))
    _done(page, "Draft saved.")
    expect(body.get_by_text("Nothing is missing: the draft can go for approval.")
           ).to_be_visible()
    screenshot(page, "walk-10-decision-draft")
    _click(page, body.get_by_role("button", name="Submit for approval"))
    _done(page, "Submitted for approval.")
    assert _state(db, case_id) == CaseState.DECISION_DRAFTED


def _inquirer(browser: Browser, base_url: str, db: E2EDatabase) -> tuple[int, str]:
    with signed_in(browser, base_url, "inquirer1", "inquirer") as page:
        number = _register(page)
        case_id = _case_of(db, number)
        _sort(page, db, case_id, number)
        _cite(page, case_id, number)
        _interview(page, db, case_id)
        _assess(page, db, case_id)
        _draft(page, db, case_id)
    return case_id, number


def _manager_decides(browser: Browser, base_url: str, db: E2EDatabase, case_id: int,
                     number: str) -> int:
    """Approve, serve, record the request for review, allocate and skip the hearing; the
    appeal's id."""
    with signed_in(browser, base_url, "manager1", "manager") as page:
        body = main(page)
        page.get_by_test_id("stSidebarNav").get_by_role(
            "link", name=re.compile(r"^To do \(\d+\)$")).click()
        expect(body.get_by_role("heading", name="To do", exact=True)).to_be_visible()
        wait_for_app(page)
        expect(body.locator("[data-testid^='glide-cell-0-']").filter(
            has_text=re.compile(rf"#{re.escape(number)}$"))).to_have_count(1)
        screenshot(page, "walk-11-manager-to-do")
        go_to(page, f"/decision?case={case_id}")
        expect(body.get_by_text("Submitted for approval", exact=True)).to_be_visible()
        _click(page, body.get_by_role("button", name="Approve"))
        _done(page, "Decision approved. Serve the notice once it is handed to the applicant.")
        serve = body.get_by_test_id("stForm").filter(
            has=page.get_by_role("button", name="Record the notice as served"))
        _click(page, serve.get_by_text(UNDERSTOOD, exact=True))  # cannot be undone
        _click(page, serve.get_by_role("button", name="Record the notice as served"))
        _done(page, "The notice is served: the decision is final.")
        assert _state(db, case_id) == CaseState.DECIDED
        screenshot(page, "walk-12-notice-served")

        # The request for review, received and recorded in the case file.
        go_to(page, f"/case?case={case_id}")
        review = expander(page, "Administrative review")
        review.scroll_into_view_if_needed()
        review.get_by_role("textbox", name="Grounds of the request").fill(
            "The decision ignored the country information on Tamils with LTTE links.")
        _click(page, review.get_by_role("button", name="Record the request for review"))
        expect(review.get_by_text(re.compile(r"^Request for review recorded"))).to_be_visible()
        wait_for_app(page)
        assert _state(db, case_id) == CaseState.REVIEW_FILED
        screenshot(page, "walk-13-review-requested")

        _open_from_list(page, "Appeals", number)
        appeal_id = int(re.search(r"appeal=(\d+)", page.url).group(1))
        panel = _tab(page, "Panel and allocation")
        _click(page, panel.get_by_role("button",
                                       name="Allocate to the least-loaded eligible panel"))
        _notice(page, "Allocated to ")
        assert _state(db, case_id) == CaseState.PANEL_ASSIGNED
        screenshot(page, "walk-14-allocated")
        hearing = _tab(page, "Oral opinion statement")
        skip = _form(hearing, "Skip the oral opinion statement")
        skip.get_by_role("textbox", name="Reason for not holding it").fill(
            "The request repeats the claims examined at first instance.")
        _click(page, skip.get_by_role("button", name="Skip the oral opinion statement"))
        _notice(page, "recorded as skipped")
        assert _state(db, case_id) == CaseState.HEARING_SKIPPED
    return appeal_id


def _counsellors(browser: Browser, base_url: str, db: E2EDatabase, case_id: int,
                 appeal_id: int, number: str) -> None:
    """Each member submits an opinion, the presiding one last, who records the panel's."""
    members = _panel_members(db, appeal_id)
    for n, username in enumerate(members):
        with signed_in(browser, base_url, username, f"counsellor{n + 1}") as page:
            _open_from_list(page, "My appeals", number)
            opinions = _tab(page, "Opinions")
            form = _form(opinions, "Submit opinion")
            _click(page, form.get_by_text("Not well founded", exact=True))
            form.get_by_role("textbox", name="Reasons").fill(
                "Not well founded: the central event was not accepted as a fact.")
            _click(page, form.get_by_text(UNDERSTOOD, exact=True))  # cannot be undone
            _click(page, form.get_by_role("button", name="Submit opinion"))
            _notice(page, "Your opinion is submitted.")
            expect(opinions.get_by_text(re.compile(r"^You submitted your opinion on "))
                   ).to_be_visible()
            screenshot(page, f"walk-{15 + n}-opinion-{n + 1}")
            if n < len(members) - 1:
                continue
            opinions = _tab(page, "Opinions")
            form = _form(opinions, "Record the panel's opinion")
            form.get_by_role("textbox", name="Summary of the panel's opinion").fill(
                "The account is not credible; the request is not well founded.")
            _click(page, form.get_by_role("button", name="Record the panel's opinion"))
            _notice(page, "The panel's opinion is recorded.")
            assert _state(db, case_id) == CaseState.PANEL_OPINION
            screenshot(page, "walk-18-panel-opinion")


def _ruling(browser: Browser, base_url: str, db: E2EDatabase, case_id: int,
            appeal_id: int) -> None:
    with signed_in(browser, base_url, "manager1", "ruling") as page:
        body = main(page)
        go_to(page, f"/appeal?appeal={appeal_id}")
        ruling = _tab(page, "Ruling")
        form = _form(ruling, "Record the ruling")
        _click(page, form.get_by_text("Dismissed on the merits", exact=True))
        _click(page, form.get_by_text(UNDERSTOOD, exact=True))  # a ruling cannot be undone
        _click(page, form.get_by_role("button", name="Record the ruling"))
        _notice(page, "Ruling recorded: Dismissed on the merits.")
        assert _state(db, case_id) == CaseState.RULED
        expect(ruling.get_by_role("button", name="Notice of the ruling (PDF)")).to_be_visible()
        screenshot(page, "walk-19-ruled")

        go_to(page, f"/case?case={case_id}")
        exam = expander(page, "Examination")
        expect(exam.get_by_text(re.compile(r"^Review ruled "))).to_be_visible()
        expect(exam.get_by_text(re.compile(r"^Review can be requested until"))).to_have_count(0)
        review = expander(page, "Administrative review")
        expect(review.get_by_text(re.compile(r"Ruling: Dismissed on the merits"))
               ).to_be_visible()
        expect(review.get_by_role("button", name="Record the request for review")
               ).to_have_count(0)
        expect(body.get_by_role("link", name="Open the appeal")).to_be_visible()
        review.scroll_into_view_if_needed()
        screenshot(page, "walk-20-case-file-ruled")


def test_one_case_from_lodging_to_ruling(browser: Browser, base_url: str,
                                         e2e_db: E2EDatabase) -> None:
    _administrator(browser, base_url)
    case_id, number = _inquirer(browser, base_url, e2e_db)
    appeal_id = _manager_decides(browser, base_url, e2e_db, case_id, number)
    _counsellors(browser, base_url, e2e_db, case_id, appeal_id, number)
    _ruling(browser, base_url, e2e_db, case_id, appeal_id)
