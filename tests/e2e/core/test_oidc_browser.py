"""Sign-in through an identity provider (OpenID Connect) in a real browser, against a real
provider started for the test (the ``oidc-provider-mock`` package, on 127.0.0.1): groups map
to roles, a user in no mapped group or with a disabled account is refused, a change of group
changes the role at the next sign-in, and the built-in accounts still work beside it."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from models import Role, User, UserIdentity
from tests.e2e.conftest import (
    E2EDatabase,
    screenshot,
    serve_app,
    submit_sign_in,
    wait_for_app,
)
from tests.e2e.streamlit_server import free_port, healthy
from workbench.core.db import unit_of_work

SIGN_IN_HEADING = "Sign in to the protection workbench"
PROVIDER_BUTTON = "Sign in with the office account"
MANAGER = {"sub": "e2e-mgr-7", "name": "Mariko Yamada", "preferred_username": "myamada",
           "email": "myamada@office.test", "groups": ["staff", "wb-managers"]}
OUTSIDER = {"sub": "e2e-visitor", "name": "Visiting Researcher", "groups": ["staff"]}
ROLE_GROUPS = {"wb-managers": "manager", "wb-inquirers": "inquirer"}


def _wait_until(check, seconds: float = 30) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("the identity provider did not start")
        time.sleep(0.2)


def _provider_up(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/.well-known/openid-configuration", timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def provider(e2e_db: E2EDatabase) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(e2e_db.directory / "oidc-provider.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port",
         str(port), "--user-claims", json.dumps(MANAGER), "--user-claims",
         json.dumps(OUTSIDER)], stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_until(lambda: _provider_up(url) or process.poll() is not None)
        assert process.poll() is None, (e2e_db.directory / "oidc-provider.log").read_text()
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def oidc_app(e2e_db: E2EDatabase, provider: str) -> Iterator[str]:
    port = free_port()
    env = {
        "WORKBENCH_OIDC_METADATA_URL": f"{provider}/.well-known/openid-configuration",
        "WORKBENCH_OIDC_CLIENT_ID": "workbench-e2e",
        "WORKBENCH_OIDC_CLIENT_SECRET": "e2e-client-secret",
        "WORKBENCH_OIDC_REDIRECT_URI": f"http://127.0.0.1:{port}/oauth2callback",
        "WORKBENCH_OIDC_ROLE_GROUPS": json.dumps(ROLE_GROUPS),
    }
    with serve_app(e2e_db, e2e_db.directory / "streamlit-oidc.log", extra_env=env,
                   port=port) as url:
        assert healthy(url)
        yield url


def _set_groups(provider: str, claims: dict, groups: list[str]) -> None:
    body = json.dumps({k: v for k, v in {**claims, "groups": groups}.items() if k != "sub"})
    request = urllib.request.Request(f"{provider}/users/{claims['sub']}", data=body.encode(),
                                     method="PUT", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5):
        pass


def _sign_in_at_provider(page: Page, app_url: str, subject: str) -> None:
    page.goto(f"{app_url}/")
    wait_for_app(page)
    page.get_by_role("button", name=PROVIDER_BUTTON).click()
    page.wait_for_url("**/oauth2/authorize**")
    page.get_by_role("button", name=subject, exact=True).click()
    page.wait_for_url(lambda url: url.startswith(app_url) and "/_wb/" not in url
                      and "oauth2callback" not in url)
    wait_for_app(page)


def _account(e2e_db: E2EDatabase, subject: str) -> User | None:
    with unit_of_work(e2e_db.engine, write=False) as session:
        user = session.execute(
            select(User).join(UserIdentity, UserIdentity.user_id == User.id)
            .where(UserIdentity.subject == subject)).scalar_one_or_none()
        if user is not None:
            session.expunge(user)
        return user


def test_a_provider_group_signs_in_with_its_role(page: Page, oidc_app: str, provider: str,
                                                 e2e_db: E2EDatabase) -> None:
    _sign_in_at_provider(page, oidc_app, MANAGER["sub"])
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Mariko Yamada")).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav").get_by_role("link", name="Dashboard")
           ).to_be_visible()
    screenshot(page, "oidc-01-signed-in-as-manager")
    account = _account(e2e_db, MANAGER["sub"])
    assert account is not None and account.role == Role.MANAGER
    assert account.username == "myamada"
    # The session is the workbench's own: it survives a reload.
    page.reload()
    wait_for_app(page)
    expect(sidebar.get_by_text("Mariko Yamada")).to_be_visible()

    # Moved to the inquirers' group at the provider: an inquirer at the next sign-in.
    _set_groups(provider, MANAGER, ["staff", "wb-inquirers"])
    try:
        fresh = page.context.browser.new_context()
        try:
            other = fresh.new_page()
            _sign_in_at_provider(other, oidc_app, MANAGER["sub"])
            nav = other.get_by_test_id("stSidebarNav")
            expect(nav.get_by_role("link", name="My cases")).to_be_visible()
            expect(nav.get_by_role("link", name="Dashboard")).to_have_count(0)
        finally:
            fresh.close()
        assert _account(e2e_db, MANAGER["sub"]).role == Role.INQUIRER
    finally:
        _set_groups(provider, MANAGER, MANAGER["groups"])


def test_a_user_in_no_mapped_group_is_refused(page: Page, oidc_app: str,
                                              e2e_db: E2EDatabase) -> None:
    _sign_in_at_provider(page, oidc_app, OUTSIDER["sub"])
    expect(page.get_by_role("heading", name=SIGN_IN_HEADING)).to_be_visible()
    expect(page.get_by_text("Your office account is in no group that has a role")
           ).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    assert _account(e2e_db, OUTSIDER["sub"]) is None
    # Still refused after a reload; the workbench account form is still there.
    page.reload()
    wait_for_app(page)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    expect(page.get_by_role("textbox", name="User name")).to_be_visible()


def test_a_disabled_account_is_refused_whatever_the_provider_says(
        page: Page, oidc_app: str, e2e_db: E2EDatabase) -> None:
    _sign_in_at_provider(page, oidc_app, MANAGER["sub"])
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()
    account = _account(e2e_db, MANAGER["sub"])
    with unit_of_work(e2e_db.engine) as session:
        session.execute(update(User).where(User.id == account.id).values(is_active=False))
    try:
        page.reload()
        wait_for_app(page)
        expect(page.get_by_role("heading", name=SIGN_IN_HEADING)).to_be_visible()
        _sign_in_at_provider(page, oidc_app, MANAGER["sub"])
        expect(page.get_by_text("Your workbench account has been disabled.")).to_be_visible()
        expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    finally:
        with unit_of_work(e2e_db.engine) as session:
            session.execute(update(User).where(User.id == account.id).values(is_active=True))


def test_built_in_accounts_still_sign_in_beside_the_provider(page: Page,
                                                             oidc_app: str) -> None:
    page.goto(f"{oidc_app}/")
    wait_for_app(page)
    expect(page.get_by_role("button", name=PROVIDER_BUTTON)).to_be_visible()
    screenshot(page, "oidc-00-sign-in-page")
    submit_sign_in(page, "inquirer1")
    expect(page.get_by_test_id("stSidebar").get_by_text("Inquirer Tanaka")).to_be_visible()
