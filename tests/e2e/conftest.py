"""Browser tests: the real app (``streamlit run``) on a demo database, driven by Debian's
Chromium through the Python ``playwright`` package (no browser is downloaded).

Every test in this folder is marked ``e2e``. Without /usr/bin/chromium the tests are skipped,
unless ``CI`` is set (``make test`` installs it with ``scripts/ensure-chromium.sh``), where
they fail instead.

A full page load starts a new Streamlit session, which is signed out: tests sign in once
per browser context and then move around inside the app.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from models import Role, User
from tests.e2e.streamlit_server import ServerFailed, streamlit_server
from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.db import make_engine, unit_of_work, upgrade
from workbench.core.settings import get_settings
from workbench.demo import load_demo
from workbench.demo.coi_samples import load_coi_samples
from workbench.intake.cases import register_application

E2E_DIR = Path(__file__).resolve().parent
REPO_ROOT = E2E_DIR.parents[1]
SCREENSHOTS = REPO_ROOT / "tests" / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 1000}
#: Default wait for an element or a script run, in milliseconds.
TIMEOUT_MS = 20_000

DEMO_CASES = 300
DEMO_SEED = 7

#: Family names of the cases the fixture registers on top of the demo caseload.
SORTING_CASE_NAME = "Testsorting"
CONFIRM_CASE_NAME = "Testconfirm"
QUEUE_CASE_NAME = "Testqueue"
COI_CASE_NAME = "Testcoi"


def demo_password(username: str) -> str:
    return f"{username}-demo-pass"


# --- marking ---------------------------------------------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    try:
        from playwright.sync_api import expect
    except ImportError:  # the browser fixture skips or fails with a clear message
        return
    expect.set_options(timeout=TIMEOUT_MS)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.path)).resolve().is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):  # noqa: ANN201
    """Keep each phase's report on the item so that the page fixture can take a screenshot
    of a failed test."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# --- database and server ---------------------------------------------------------------------


@dataclass(frozen=True)
class E2EDatabase:
    """The demo database the app under test uses, with what the tests need to know of it."""

    url: str
    engine: Engine
    directory: Path
    #: A RECEIVED case of inquirer1 registered for the workflow test.
    sorting_case_id: int
    #: A second RECEIVED case of inquirer1, for the confirmation test.
    confirm_case_id: int
    #: Unassigned RECEIVED cases registered for the queue test.
    queue_case_ids: tuple[int, ...]
    #: A RECEIVED case of inquirer1 (an Afghan Hazara returnee) for the COI test.
    coi_case_id: int

    def user_id(self, username: str) -> int:
        with unit_of_work(self.engine, write=False) as session:
            return session.execute(
                select(User.id).where(User.username == username)).scalar_one()


def _register(engine: Engine, *, family_name: str, given_names: str, nationality: str,
              lodged: date, inquirer_id: int | None, narrative: str | None = None) -> int:
    with unit_of_work(engine) as session:
        created = register_application(
            session, actor=Actor.system("e2e"),
            person={"family_name": family_name, "given_names": given_names,
                    "nationality": nationality, "sex": "M", "birth_year": 1990},
            application={"lodged_date": lodged, "office": "TOKYO",
                         "residence_status_at_filing": "TEMPORARY_VISITOR",
                         "claim_narrative": narrative or (
                             "The applicant states that he fears arrest on return because "
                             "of his political activities."),
                         "assigned_inquirer_id": inquirer_id},
        )
        return created.id


@pytest.fixture(scope="session")
def e2e_db() -> Iterator[E2EDatabase]:
    """A migrated SQLite file with the demo caseload (accounts ``inquirer1``.. ``admin``,
    passwords ``<username>-demo-pass``) and a few freshly registered cases: two RECEIVED
    cases of inquirer1 and seven unassigned RECEIVED cases (new applications are lodged
    "today" in the office's time zone, never later than the machine's own date)."""
    directory = Path(tempfile.mkdtemp(prefix="workbench-e2e-"))
    url = f"sqlite:///{directory / 'workbench.core.db'}"
    upgrade(url)
    engine = make_engine(url)
    today = clock.today()
    load_demo(engine, cases=DEMO_CASES, seed=DEMO_SEED, as_of=today)
    # The sample COI library, with the library's own copies where the server looks for them.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WORKBENCH_DATA_DIR", str(directory))
        mp.delenv("WORKBENCH_COI_STORE_DIR", raising=False)
        get_settings.cache_clear()
        load_coi_samples(engine)
    get_settings.cache_clear()
    # The application model refuses a lodging date after the machine's date.today(), which
    # on a UTC machine is a day behind the office's date from 15:00 to 24:00 UTC: register
    # the new applications on the earlier of the two.
    lodged = min(today, date.today())
    with unit_of_work(engine, write=False) as session:
        inquirer1 = session.execute(
            select(User.id).where(User.username == "inquirer1",
                                  User.role == Role.INQUIRER)).scalar_one()
    sorting_case = _register(engine, family_name=SORTING_CASE_NAME, given_names="Amal",
                             nationality="LKA", lodged=lodged, inquirer_id=inquirer1)
    confirm_case = _register(engine, family_name=CONFIRM_CASE_NAME, given_names="Nimal",
                             nationality="LKA", lodged=lodged, inquirer_id=inquirer1)
    queue_cases = tuple(
        _register(engine, family_name=QUEUE_CASE_NAME, given_names=given, nationality="NPL",
                  lodged=lodged, inquirer_id=None)
        for given in ("Bikash", "Chandra", "Deepak", "Gita", "Hari", "Kamal", "Laxmi"))
    coi_case = _register(engine, family_name=COI_CASE_NAME, given_names="Ali",
                         nationality="AFG", lodged=lodged, inquirer_id=inquirer1,
                         narrative="The applicant is a Hazara Shia who returned from Iran "
                                   "and fears the Taliban at checkpoints in Kabul.")
    yield E2EDatabase(url=url, engine=engine, directory=directory,
                      sorting_case_id=sorting_case, confirm_case_id=confirm_case,
                      queue_case_ids=queue_cases, coi_case_id=coi_case)
    engine.dispose()
    shutil.rmtree(directory, ignore_errors=True)


@contextmanager
def serve_app(e2e_db: E2EDatabase, log_path: Path, extra_env: dict[str, str] | None = None,
              port: int | None = None) -> Iterator[str]:
    """``streamlit run`` on ``port`` (default: a free one) against the e2e database; stopped
    on exit."""
    try:
        with streamlit_server(e2e_db.url, e2e_db.directory, log_path, port=port,
                              extra_env=extra_env) as server:
            yield server.url
    except ServerFailed as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def base_url(e2e_db: E2EDatabase) -> Iterator[str]:
    """The app served by ``streamlit run`` on a free port; stopped at the end."""
    with serve_app(e2e_db, e2e_db.directory / "streamlit.log") as url:
        yield url


# --- browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not Path(CHROMIUM).exists():
        message = (f"{CHROMIUM} is missing: install Debian's chromium package "
                   "(scripts/ensure-chromium.sh) to run the browser tests")
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="workbench-e2e-chromium-")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            env={**os.environ, "HOME": profile},
        )
        try:
            yield browser
        finally:
            browser.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser, base_url: str, e2e_db: E2EDatabase,  # noqa: ANN001
         request: pytest.FixtureRequest) -> Iterator:
    """A new page in a fresh browser context (its own Streamlit session). A failed test
    leaves a screenshot ``FAILED-<test>.png`` next to the others and prints the end of the
    server log."""
    failed_shot = f"FAILED-{request.node.name}"
    (SCREENSHOTS / f"{failed_shot}.png").unlink(missing_ok=True)
    context = browser.new_context(viewport=VIEWPORT, base_url=base_url, locale="en-GB",
                                  timezone_id="Asia/Tokyo")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        try:
            screenshot(page, failed_shot)
        except Exception:  # noqa: BLE001 - the test already failed; keep its own error
            pass
        log = (e2e_db.directory / "streamlit.log").read_text(errors="replace").splitlines()
        print("--- end of the Streamlit server log ---", *log[-40:], sep="\n")
    context.close()


# --- helpers ---------------------------------------------------------------------------------


def wait_for_app(page, timeout: int = TIMEOUT_MS, settle_ms: int = 150) -> None:  # noqa: ANN001
    """Wait until the app is connected and no script run is in progress (Streamlit's own e2e
    pattern), then a short moment in case a rerun follows (``st.rerun``, page switch)."""
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']",
                           state="attached", timeout=timeout)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']",
                           state="attached", timeout=timeout)
    if settle_ms:
        page.wait_for_timeout(settle_ms)
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']",
                               state="attached", timeout=timeout)


def sign_in(page, base_url: str, username: str, password: str | None = None,  # noqa: ANN001
            path: str = "/") -> None:
    """Open the app at ``path`` (signed out, every address shows the sign-in form), sign in
    and wait for the signed-in menu."""

    page.goto(f"{base_url}{path}")
    wait_for_app(page)
    submit_sign_in(page, username, password)


def submit_sign_in(page, username: str, password: str | None = None) -> None:  # noqa: ANN001
    """Fill in the sign-in form and wait until the menu shows and the browser holds its
    session cookie (fetched in the background after sign-in)."""
    from playwright.sync_api import expect

    page.get_by_role("textbox", name="User name").fill(username)
    page.get_by_role("textbox", name="Password").fill(password or demo_password(username))
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()
    wait_for_app(page)
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while not any(c["name"] == "wb_session" for c in page.context.cookies()):
        assert time.monotonic() < deadline, "the session cookie was never set"
        page.wait_for_timeout(100)


def sign_out(page) -> None:  # noqa: ANN001
    """Sign out from the menu and wait for the sign-in page the browser is sent back to."""
    from playwright.sync_api import expect

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to the protection workbench")
           ).to_be_visible()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    wait_for_app(page)


def go_to(page, path: str) -> None:  # noqa: ANN001
    """Go to ``path`` (``/case?case=12``) inside the running session, the way the browser's
    Back and Forward buttons do; ``page.goto`` would load a new, signed-out session."""
    page.evaluate("path => { window.history.pushState({}, '', path);"
                  " window.dispatchEvent(new PopStateEvent('popstate')); }", path)
    page.wait_for_url(re.compile(re.escape(path) + "$"))
    wait_for_app(page)


def screenshot(page, name: str) -> Path:  # noqa: ANN001
    """Save a PNG of the whole page (the app scrolls inside its main area, so the viewport is
    stretched to the content for the picture) to tests/artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.png"
    size = page.viewport_size or VIEWPORT
    height = page.evaluate(
        "() => { const m = document.querySelector(\"[data-testid='stMain']\");"
        " return m ? m.scrollHeight : document.documentElement.scrollHeight; }")
    tall = max(size["height"], min(int(height), 8000))
    if tall != size["height"]:
        page.set_viewport_size({"width": size["width"], "height": tall})
        page.wait_for_timeout(300)
    try:
        page.screenshot(path=str(path), full_page=True, animations="disabled")
    finally:
        if tall != size["height"]:
            page.set_viewport_size(size)
    return path
