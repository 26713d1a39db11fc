"""Server-side sessions: the cookie's one-time code, resolution on every run, the idle
timeout, sign-out everywhere, and accounts disabled or changed while a session is open."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from starlette.applications import Starlette
from starlette.testclient import TestClient

from models import Role, User, UserSession
from tests.app.helpers import audit_entries, details
from workbench.core import sessions
from workbench.core.db import unit_of_work
from workbench.core.settings import Settings
from workbench.server import ROUTES, SESSION_ROUTE


def _set_user(engine, user_id: int, **values) -> None:  # noqa: ANN001, ANN003
    with unit_of_work(engine) as s:
        s.execute(update(User).where(User.id == user_id).values(**values))


def test_a_started_session_resolves_to_its_account(engine, staff) -> None:  # noqa: ANN001
    started = sessions.start(staff.inquirer, engine=engine)
    resolved = sessions.resolve(started.token, engine=engine)
    assert resolved.actor == staff.inquirer
    assert resolved.session_id == started.session_id
    starts = audit_entries(engine, "auth.session_start", actor_id=staff.inquirer.id)
    assert [details(e)["session"] for e in starts] == [started.session_id]
    # Only hashes are stored: neither the token nor the code is in the table.
    with unit_of_work(engine, write=False) as s:
        row = s.get(UserSession, started.session_id)
        assert started.token not in (row.token_hash, row.handoff_hash)
        assert started.handoff_code not in (row.token_hash, row.handoff_hash)


def test_unknown_and_malformed_tokens_sign_nobody_in(engine, staff) -> None:  # noqa: ANN001
    sessions.start(staff.inquirer, engine=engine)
    for token in (None, "", "not-a-token", "x" * 5000):
        assert sessions.resolve(token, engine=engine).actor is None


def test_the_handoff_code_gives_the_sessions_token_once(engine, staff) -> None:  # noqa: ANN001
    started = sessions.start(staff.inquirer, engine=engine)
    cookie_token = sessions.redeem_handoff(started.handoff_code, engine=engine)
    # The browser's cookie names the same session the signing-in page holds.
    assert cookie_token == started.token
    assert sessions.resolve(cookie_token, engine=engine).actor == staff.inquirer
    assert sessions.redeem_handoff(started.handoff_code, engine=engine) is None
    # Nothing of the token is left to unseal once the code is spent.
    with unit_of_work(engine, write=False) as s:
        row = s.get(UserSession, started.session_id)
        assert (row.handoff_hash, row.handoff_sealed) == (None, None)


def test_a_code_for_an_ended_session_sets_no_cookie(engine, staff) -> None:  # noqa: ANN001
    started = sessions.start(staff.inquirer, engine=engine)
    sessions.end(started.session_id, actor=staff.inquirer, reason="sign-out", engine=engine)
    assert sessions.redeem_handoff(started.handoff_code, engine=engine) is None


def test_an_expired_handoff_code_sets_no_cookie(engine, staff, frozen_clock) -> None:  # noqa: ANN001
    frozen_clock.set(frozen_clock._now())
    started = sessions.start(staff.inquirer, engine=engine)
    frozen_clock.advance(seconds=sessions.HANDOFF_SECONDS + 1)
    assert sessions.redeem_handoff(started.handoff_code, engine=engine) is None


def test_idle_timeout_ends_the_session_once(engine, staff, frozen_clock) -> None:  # noqa: ANN001
    settings = Settings(idle_timeout_minutes=5)
    frozen_clock.set(frozen_clock._now())
    started = sessions.start(staff.inquirer, engine=engine)
    # Activity within the timeout keeps it alive, also across the touch interval.
    for _ in range(3):
        frozen_clock.advance(minutes=4)
        assert sessions.resolve(started.token, engine=engine, settings=settings).actor
    frozen_clock.advance(minutes=5, seconds=1)
    first = sessions.resolve(started.token, engine=engine, settings=settings)
    again = sessions.resolve(started.token, engine=engine, settings=settings)
    assert (first.actor, first.reason) == (None, sessions.IDLE)
    assert (again.actor, again.reason) == (None, sessions.ENDED)
    out = audit_entries(engine, "auth.sign_out", actor_id=staff.inquirer.id)
    assert [details(e)["reason"] for e in out] == ["idle timeout"]


def test_sign_out_ends_the_session_for_every_tab(engine, staff) -> None:  # noqa: ANN001
    started = sessions.start(staff.manager, engine=engine)
    cookie_token = sessions.redeem_handoff(started.handoff_code, engine=engine)
    assert sessions.end(started.session_id, actor=staff.manager, reason="sign-out",
                        engine=engine)
    assert not sessions.end(started.session_id, actor=staff.manager, reason="sign-out",
                            engine=engine)
    resolved = sessions.resolve(cookie_token, engine=engine)
    assert (resolved.actor, resolved.reason) == (None, sessions.ENDED)
    assert len(audit_entries(engine, "auth.sign_out", actor_id=staff.manager.id)) == 1


def test_a_disabled_account_stops_working_in_an_open_session(engine, staff) -> None:  # noqa: ANN001
    started = sessions.start(staff.manager, engine=engine)
    assert sessions.resolve(started.token, engine=engine).actor == staff.manager
    _set_user(engine, staff.manager.id, is_active=False)
    resolved = sessions.resolve(started.token, engine=engine)
    assert (resolved.actor, resolved.reason) == (None, sessions.DISABLED)
    # Enabling the account again does not revive the ended session.
    _set_user(engine, staff.manager.id, is_active=True)
    assert sessions.resolve(started.token, engine=engine).actor is None


def test_a_changed_role_is_read_at_the_next_run(engine, staff) -> None:  # noqa: ANN001
    started = sessions.start(staff.manager, engine=engine)
    _set_user(engine, staff.manager.id, role=Role.INQUIRER, display_name="Mina Demoted")
    actor = sessions.resolve(started.token, engine=engine).actor
    assert (actor.role, actor.display_name) == (Role.INQUIRER, "Mina Demoted")


def test_ending_every_session_of_an_account(engine, staff) -> None:  # noqa: ANN001
    tokens = [sessions.start(staff.inquirer, engine=engine).token for _ in range(3)]
    other = sessions.start(staff.inquirer2, engine=engine).token
    with unit_of_work(engine) as s:
        assert sessions.end_all_for_user(s, user_id=staff.inquirer.id,
                                         reason="password reset") == 3
    assert all(sessions.resolve(t, engine=engine).actor is None for t in tokens)
    assert sessions.resolve(other, engine=engine).actor == staff.inquirer2


# --- the cookie routes -----------------------------------------------------------------------


@pytest.fixture
def client(engine, monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setattr("workbench.core.sessions.unit_of_work",
                        lambda e=None, **kw: unit_of_work(engine, **kw))
    return TestClient(Starlette(routes=ROUTES), base_url="http://127.0.0.1:8501",
                      follow_redirects=False)


def _set_cookie(response) -> str:  # noqa: ANN001
    return response.headers.get("set-cookie", "")


def test_the_session_route_sets_a_strict_httponly_cookie(engine, staff, client) -> None:  # noqa: ANN001
    started = sessions.start(staff.inquirer, engine=engine)
    assert client.get(SESSION_ROUTE, params={"code": started.handoff_code}
                      ).status_code == 405  # only the page's background POST
    response = client.post(SESSION_ROUTE, params={"code": started.handoff_code})
    assert response.status_code == 204
    assert response.headers["cache-control"] == "no-store"
    cookie = _set_cookie(response)
    assert cookie.startswith(f"{sessions.COOKIE_NAME}=")
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert {"httponly", "samesite=strict", "path=/"} <= flags
    assert "secure" not in flags  # plain HTTP on this machine
    token = cookie.split(";")[0].split("=", 1)[1]
    assert sessions.resolve(token, engine=engine).actor == staff.inquirer
    # The code is spent: a replay sets no cookie.
    replay = client.post(SESSION_ROUTE, params={"code": started.handoff_code})
    assert replay.status_code == 403 and not _set_cookie(replay)


def test_the_cookie_is_secure_behind_an_https_proxy(engine, staff, client) -> None:  # noqa: ANN001
    started = sessions.start(staff.inquirer, engine=engine)
    response = client.post(SESSION_ROUTE, params={"code": started.handoff_code},
                           headers={"X-Forwarded-Proto": "https"})
    # The test client connects from "testclient", not loopback: the header is not trusted.
    assert "secure" not in _set_cookie(response).lower()
    https = TestClient(Starlette(routes=ROUTES), base_url="https://127.0.0.1",
                       follow_redirects=False)
    started = sessions.start(staff.inquirer, engine=engine)
    response = https.post(SESSION_ROUTE, params={"code": started.handoff_code})
    assert "secure" in {p.strip().lower() for p in _set_cookie(response).split(";")}


def test_a_bad_code_sets_no_cookie(client) -> None:  # noqa: ANN001
    response = client.post(SESSION_ROUTE, params={"code": "guess"})
    assert response.status_code == 403 and not _set_cookie(response)


def test_sessions_table_holds_no_plain_tokens(engine, staff) -> None:  # noqa: ANN001
    started = sessions.start(staff.admin, engine=engine)
    with unit_of_work(engine, write=False) as s:
        hashes = s.execute(select(UserSession.token_hash)).scalars().all()
    assert all(len(h) == 64 for h in hashes)
    assert started.token not in hashes
