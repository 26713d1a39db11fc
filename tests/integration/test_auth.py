"""Sign-in, lockout and account administration, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from models import AuditEvent, Role, User
from tests.conftest import PASSWORD, FrozenClock, Staff
from workbench import auth
from workbench.actor import Actor
from workbench.db import unit_of_work
from workbench.errors import (
    AccountLocked,
    AuthenticationFailed,
    PermissionDenied,
    ValidationError,
)

WRONG = "wrong-password-123"
# 10:00 in Tokyo on 1 May 2024
T0 = datetime(2024, 5, 1, 1, 0, tzinfo=UTC)


def audit_entries(engine, **equal) -> list[dict]:  # noqa: ANN001, ANN003
    query = select(AuditEvent.__table__).order_by(AuditEvent.seq)
    for column, value in equal.items():
        query = query.where(getattr(AuditEvent, column) == value)
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def user_row(engine, username: str) -> dict:  # noqa: ANN001
    with engine.connect() as conn:
        return dict(conn.execute(select(User.__table__).where(User.username == username))
                    .mappings().one())


def sign_in(engine, username: str, password: str) -> Actor:  # noqa: ANN001
    return auth.authenticate(username, password, engine=engine)


def fail(engine, username: str, password: str = WRONG) -> AuthenticationFailed:  # noqa: ANN001
    with pytest.raises(AuthenticationFailed) as refused:
        sign_in(engine, username, password)
    return refused.value


@pytest.fixture
def clock_at_t0(frozen_clock: FrozenClock) -> FrozenClock:
    frozen_clock.set(T0)
    return frozen_clock


def test_sign_in_with_the_right_password_succeeds_and_is_audited(
    engine, staff: Staff, clock_at_t0: FrozenClock,  # noqa: ANN001
) -> None:
    actor = sign_in(engine, "inq.one", PASSWORD)
    assert actor == Actor(id=staff.inquirer.id, username="inq.one",
                          display_name="Ines Inquirer", role=Role.INQUIRER)
    entries = audit_entries(engine, action="auth.sign_in")
    assert len(entries) == 1
    entry = entries[0]
    assert entry["outcome"] == "ok"
    assert entry["actor_id"] == staff.inquirer.id
    assert entry["actor_username"] == "inq.one"
    assert (entry["entity_type"], entry["entity_id"]) == ("user", str(staff.inquirer.id))
    row = user_row(engine, "inq.one")
    assert row["last_login_at"] is not None
    last = row["last_login_at"]
    last = last if last.tzinfo else last.replace(tzinfo=UTC)
    assert last == T0


def test_user_name_is_matched_case_insensitively_and_trimmed(
    engine, staff: Staff,  # noqa: ANN001
) -> None:
    assert sign_in(engine, "  Inq.One ", PASSWORD).id == staff.inquirer.id


def test_wrong_password_is_refused_and_audited_as_failed(
    engine, staff: Staff,  # noqa: ANN001
) -> None:
    error = fail(engine, "inq.one")
    assert type(error) is AuthenticationFailed
    assert str(error).startswith("Unknown user name or wrong password.")
    assert "locked for 15 minutes" in str(error)
    entries = audit_entries(engine, action="auth.sign_in")
    assert len(entries) == 1
    entry = entries[0]
    assert entry["outcome"] == "failed"
    assert entry["actor_id"] == staff.inquirer.id
    assert entry["entity_id"] == str(staff.inquirer.id)
    details = json.loads(entry["details"])
    assert details == {"reason": "wrong password", "failed_attempts": 1}
    assert WRONG not in entry["details"]
    assert user_row(engine, "inq.one")["failed_attempts"] == 1


def test_five_failures_lock_the_account_for_fifteen_minutes(
    engine, staff: Staff, clock_at_t0: FrozenClock,  # noqa: ANN001
) -> None:
    for attempt in (1, 2, 3, 4):
        error = fail(engine, "inq.one")
        assert type(error) is AuthenticationFailed
        assert user_row(engine, "inq.one")["failed_attempts"] == attempt

    error = fail(engine, "inq.one")
    assert isinstance(error, AccountLocked)
    assert error.locked_until == T0 + timedelta(minutes=15)
    # 10:15 in the office time zone
    assert "locked until 2024-05-01 10:15 (Asia/Tokyo)" in str(error)
    assert len(audit_entries(engine, action="auth.lockout", actor_id=staff.inquirer.id)) == 1

    # even the right password is refused while locked, and that is audited too
    clock_at_t0.advance(minutes=14)
    error = fail(engine, "inq.one", PASSWORD)
    assert isinstance(error, AccountLocked)
    assert "locked until 2024-05-01 10:15" in str(error)
    last = audit_entries(engine, action="auth.sign_in")[-1]
    assert last["outcome"] == "failed"
    assert json.loads(last["details"]) == {"reason": "locked"}
    assert audit_entries(engine, action="auth.sign_in", outcome="ok") == []

    # after the lock has run out, the right password works again
    clock_at_t0.advance(minutes=2)
    actor = sign_in(engine, "inq.one", PASSWORD)
    assert actor.id == staff.inquirer.id
    row = user_row(engine, "inq.one")
    assert row["locked_until"] is None
    assert row["failed_attempts"] == 0
    assert len(audit_entries(engine, action="auth.sign_in", outcome="ok")) == 1


def test_after_a_lock_runs_out_the_count_starts_afresh(
    engine, staff: Staff, clock_at_t0: FrozenClock,  # noqa: ANN001
) -> None:
    for _ in range(5):
        fail(engine, "inq.one")
    clock_at_t0.advance(minutes=16)
    error = fail(engine, "inq.one")
    assert type(error) is AuthenticationFailed
    with unit_of_work(engine, write=False) as session:
        assert session.get(User, staff.inquirer.id).failed_attempts == 1
    assert sign_in(engine, "inq.one", PASSWORD).id == staff.inquirer.id


def test_lockout_of_one_account_does_not_affect_another(
    engine, staff: Staff, clock_at_t0: FrozenClock,  # noqa: ANN001
) -> None:
    for _ in range(5):
        fail(engine, "inq.one")
    assert sign_in(engine, "inq.two", PASSWORD).id == staff.inquirer2.id


def test_successful_sign_in_resets_the_failure_count(
    engine, staff: Staff, clock_at_t0: FrozenClock,  # noqa: ANN001
) -> None:
    for _ in range(4):
        fail(engine, "inq.one")
    assert user_row(engine, "inq.one")["failed_attempts"] == 4
    sign_in(engine, "inq.one", PASSWORD)
    assert user_row(engine, "inq.one")["failed_attempts"] == 0

    for _ in range(4):
        error = fail(engine, "inq.one")
        assert type(error) is AuthenticationFailed  # not locked: the count restarted
    assert user_row(engine, "inq.one")["failed_attempts"] == 4
    assert sign_in(engine, "inq.one", PASSWORD).id == staff.inquirer.id


def test_unknown_user_name_is_refused_and_audited(engine, staff: Staff) -> None:  # noqa: ANN001
    error = fail(engine, "No.Body", PASSWORD)
    assert type(error) is AuthenticationFailed
    assert str(error).startswith("Unknown user name or wrong password.")
    entries = audit_entries(engine, action="auth.sign_in")
    assert len(entries) == 1
    entry = entries[0]
    assert entry["outcome"] == "failed"
    assert entry["actor_id"] is None
    assert entry["actor_username"] == "no.body"
    assert json.loads(entry["details"]) == {"reason": "unknown user"}


def test_disabled_account_cannot_sign_in(engine, staff: Staff) -> None:  # noqa: ANN001
    with unit_of_work(engine) as session:
        read = auth.set_active(session, actor=staff.admin, username="inq.one", active=False)
    assert read.is_active is False

    error = fail(engine, "inq.one", PASSWORD)
    assert type(error) is AuthenticationFailed
    assert str(error).startswith("Unknown user name or wrong password.")
    last = audit_entries(engine, action="auth.sign_in")[-1]
    assert last["outcome"] == "failed"
    assert last["actor_id"] == staff.inquirer.id
    assert json.loads(last["details"]) == {"reason": "account disabled"}
    assert audit_entries(engine, action="auth.sign_in", outcome="ok") == []

    # enabling it again lets the right password in
    with unit_of_work(engine) as session:
        auth.set_active(session, actor=staff.admin, username="inq.one", active=True)
    assert sign_in(engine, "inq.one", PASSWORD).id == staff.inquirer.id


def test_passwords_are_stored_as_argon2_hashes(engine, staff: Staff) -> None:  # noqa: ANN001
    secret = "the-same-secret-for-both"
    with unit_of_work(engine) as session:
        for username in ("hash.one", "hash.two"):
            auth.create_user(session, actor=staff.admin, data={
                "username": username, "display_name": username, "role": "inquirer",
                "password": secret})
    with engine.connect() as conn:
        hashes = dict(conn.execute(select(User.username, User.password_hash)
                                   .where(User.username.in_(["hash.one", "hash.two"]))).all())
        # the clear password appears nowhere in the database, audit log included
        audit_text = " ".join(conn.execute(text("SELECT details FROM audit_event")).scalars())
    assert set(hashes) == {"hash.one", "hash.two"}
    for username, password_hash in hashes.items():
        assert password_hash.startswith("$argon2"), username
        assert secret not in password_hash
    assert hashes["hash.one"] != hashes["hash.two"]  # salted: same password, different hashes
    assert secret not in audit_text
    assert auth.verify_password(hashes["hash.one"], secret)
    assert not auth.verify_password(hashes["hash.one"], secret.upper())


def test_admin_creates_a_user_who_can_then_sign_in(engine, staff: Staff) -> None:  # noqa: ANN001
    with unit_of_work(engine) as session:
        created = auth.create_user(session, actor=staff.admin, data={
            "username": "Clerk.New", "display_name": " Cleo Clerk ", "role": "manager",
            "password": "a-long-enough-secret"})
    assert (created.username, created.display_name, created.role) == \
        ("clerk.new", "Cleo Clerk", Role.MANAGER)
    entry = audit_entries(engine, action="user.create", entity_id=str(created.id))
    assert [(e["actor_id"], e["outcome"]) for e in entry] == [(staff.admin.id, "ok")]
    assert sign_in(engine, "clerk.new", "a-long-enough-secret").role == Role.MANAGER


@pytest.mark.parametrize("who", ["inquirer", "manager", "counsellor"])
def test_non_admin_cannot_create_users(engine, staff: Staff, who: str) -> None:  # noqa: ANN001
    actor = getattr(staff, who)
    with pytest.raises(PermissionDenied, match="Your role may not manage user accounts"):
        with unit_of_work(engine) as session:
            auth.create_user(session, actor=actor, data={
                "username": "sneaky", "display_name": "Sneaky", "role": "admin",
                "password": "a-long-enough-secret"})
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(User)
                            .where(User.username == "sneaky")).scalar_one() == 0
    entries = audit_entries(engine, actor_id=actor.id)
    assert [(e["action"], e["outcome"], e["entity_type"]) for e in entries] == \
        [("user.create", "denied", "user")]


def test_too_short_password_is_refused_with_a_clear_message(
    engine, staff: Staff,  # noqa: ANN001
) -> None:
    with pytest.raises(ValidationError) as refused:
        with unit_of_work(engine) as session:
            auth.create_user(session, actor=staff.admin, data={
                "username": "shorty", "display_name": "Shorty", "role": "inquirer",
                "password": "short"})
    message = str(refused.value)
    assert message.startswith("password:")
    assert "at least 10 characters" in message
    assert "short" not in message.removeprefix("password:")  # the password is not echoed
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(User)
                            .where(User.username == "shorty")).scalar_one() == 0


def test_reset_to_a_too_short_password_is_refused(engine, staff: Staff) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError, match="at least 10 characters"):
        with unit_of_work(engine) as session:
            auth.reset_password(session, actor=staff.admin, user_id=staff.inquirer.id,
                                new_password="short")
    assert sign_in(engine, "inq.one", PASSWORD).id == staff.inquirer.id


@pytest.mark.parametrize("username", ["inq.one", "INQ.ONE", " inq.one "])
def test_duplicate_user_name_is_refused(
    engine, staff: Staff, username: str,  # noqa: ANN001
) -> None:
    with pytest.raises(ValidationError) as refused:
        with unit_of_work(engine) as session:
            auth.create_user(session, actor=staff.admin, data={
                "username": username, "display_name": "Impostor", "role": "inquirer",
                "password": "a-long-enough-secret"})
    assert str(refused.value) == "The user name 'inq.one' is already taken."
    row = user_row(engine, "inq.one")
    assert row["display_name"] == "Ines Inquirer"
    assert sign_in(engine, "inq.one", PASSWORD).id == staff.inquirer.id


def test_messages_do_not_reveal_which_accounts_exist(engine, staff: Staff) -> None:  # noqa: ANN001
    unknown = fail(engine, "no.such.user")
    wrong = fail(engine, "inq.one")
    with unit_of_work(engine) as session:
        auth.set_active(session, actor=staff.admin, username="inq.two", active=False)
    disabled = fail(engine, "inq.two", PASSWORD)
    assert str(unknown) == str(wrong) == str(disabled)
