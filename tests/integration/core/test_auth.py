"""Sign-in, its growing waits after failures, the password policy and account
administration, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

from models import AuditEvent, Role, SignInThrottle, User
from tests.conftest import PASSWORD, FrozenClock, Staff
from workbench.core import audit, auth
from workbench.core.actor import Actor
from workbench.core.db import unit_of_work
from workbench.core.errors import (
    AuthenticationFailed,
    PermissionDenied,
    SignInThrottled,
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


def test_a_hash_made_with_older_parameters_is_renewed_at_sign_in(
    engine, staff: Staff, clock_at_t0: FrozenClock,  # noqa: ANN001
) -> None:
    from argon2 import PasswordHasher

    old = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4).hash(PASSWORD)
    with unit_of_work(engine) as session:
        session.execute(text('UPDATE "user" SET password_hash = :h WHERE username = :u'),
                        {"h": old, "u": "inq.one"})
    sign_in(engine, "inq.one", PASSWORD)
    renewed = user_row(engine, "inq.one")["password_hash"]
    assert renewed != old and "m=19456,t=2,p=1" in renewed
    assert sign_in(engine, "inq.one", PASSWORD).username == "inq.one"


def test_user_name_is_matched_case_insensitively_and_trimmed(
    engine, staff: Staff,  # noqa: ANN001
) -> None:
    assert sign_in(engine, "  Inq.One ", PASSWORD).id == staff.inquirer.id


def test_wrong_password_is_refused_and_audited_as_failed(
    engine, staff: Staff,  # noqa: ANN001
) -> None:
    error = fail(engine, "inq.one")
    assert type(error) is AuthenticationFailed
    assert str(error) == "Unknown user name or wrong password."
    entries = audit_entries(engine, action="auth.sign_in")
    assert len(entries) == 1
    entry = entries[0]
    assert entry["outcome"] == "failed"
    assert entry["actor_id"] == staff.inquirer.id
    assert entry["entity_id"] == str(staff.inquirer.id)
    assert json.loads(entry["details"]) == {"reason": "wrong password"}
    assert WRONG not in entry["details"]


def attempt(engine, username: str, password: str = WRONG,  # noqa: ANN001
            client: str | None = None) -> tuple[str, str]:
    """One sign-in attempt as the sign-in page shows it: the exception's type and message
    (or "signed in")."""
    try:
        auth.authenticate(username, password, engine=engine, client=client)
    except AuthenticationFailed as exc:
        return type(exc).__name__, str(exc)
    return "ok", "signed in"


def test_unknown_and_real_names_answer_alike_through_the_whole_sequence(
    engine, staff: Staff, clock_at_t0: FrozenClock,  # noqa: ANN001
) -> None:
    def sequence(username: str) -> list[tuple[str, str]]:
        clock_at_t0.set(T0)
        seen = [attempt(engine, username) for _ in range(5)]  # the fifth starts a wait
        seen.append(attempt(engine, username))                 # during the wait: not checked
        seen.append(attempt(engine, username, PASSWORD))       # not even the right one
        clock_at_t0.advance(seconds=3)
        seen.append(attempt(engine, username))
        clock_at_t0.advance(seconds=2)
        seen.append(attempt(engine, username))                 # checked: the wait doubles
        seen.append(attempt(engine, username))
        clock_at_t0.advance(seconds=10)
        seen.append(attempt(engine, username, PASSWORD))       # checked: real vs unknown
        seen.append(attempt(engine, username))
        return seen

    real = sequence("inq.one")
    unknown = sequence("no.such.user")
    # the right password after the wait signs the real user in, and nothing else differs
    assert real[:10] == unknown[:10]
    assert real[10] == ("ok", "signed in")
    assert unknown[10] == ("AuthenticationFailed", "Unknown user name or wrong password. Too "
                           "many failed attempts: wait 20 seconds before the next one.")

    plain = ("AuthenticationFailed", "Unknown user name or wrong password.")
    assert real[:10] == [
        plain, plain, plain, plain,
        ("AuthenticationFailed", "Unknown user name or wrong password. Too many failed "
         "attempts: wait 5 seconds before the next one."),
        ("SignInThrottled", "Too many failed sign-ins. Try again in 5 seconds. Attempts made "
         "before then are not checked."),
        ("SignInThrottled", "Too many failed sign-ins. Try again in 5 seconds. Attempts made "
         "before then are not checked."),
        ("SignInThrottled", "Too many failed sign-ins. Try again in 2 seconds. Attempts made "
         "before then are not checked."),
        ("AuthenticationFailed", "Unknown user name or wrong password. Too many failed "
         "attempts: wait 10 seconds before the next one."),
        ("SignInThrottled", "Too many failed sign-ins. Try again in 10 seconds. Attempts made "
         "before then are not checked."),
    ]
    # a disabled account answers like an unknown name too
    with unit_of_work(engine) as session:
        auth.set_active(session, actor=staff.admin, username="inq.two", active=False)
    disabled = sequence("inq.two")
    assert disabled == unknown


def test_waits_double_after_each_checked_failure_up_to_fifteen_minutes(
    engine, staff: Staff, clock_at_t0: FrozenClock, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    for _ in range(4):
        assert attempt(engine, "adm.one") == \
            ("AuthenticationFailed", "Unknown user name or wrong password.")
    checked = []
    real_verify = auth.verify_password
    monkeypatch.setattr(auth, "verify_password",
                        lambda *args: checked.append(1) or real_verify(*args))
    waits = []
    for _ in range(12):
        fail(engine, "adm.one")
        checked.clear()
        with pytest.raises(SignInThrottled) as refused:
            sign_in(engine, "adm.one", PASSWORD)
        assert checked == []  # refused during the wait without looking at the password
        waits.append(refused.value.retry_after)
        clock_at_t0.advance(seconds=refused.value.retry_after)
    assert waits == [5, 10, 20, 40, 80, 160, 320, 640, 900, 900, 900, 900]
    assert "Try again in 15 minutes." in str(refused.value)
    # refusals during a wait are audited but do not count as failures (the wait stays)
    waiting = audit_entries(engine, action="auth.sign_in", actor_id=staff.admin.id)
    assert [json.loads(e["details"])["reason"] for e in waiting].count("waiting") == 12
    # after the last wait the right password still signs in: nothing is ever locked
    assert sign_in(engine, "adm.one", PASSWORD).id == staff.admin.id
    # and the count starts afresh
    assert attempt(engine, "adm.one")[1] == "Unknown user name or wrong password."


def test_failures_are_forgotten_after_a_day(
    engine, staff: Staff, clock_at_t0: FrozenClock,  # noqa: ANN001
) -> None:
    for _ in range(5):
        fail(engine, "inq.one")
    assert attempt(engine, "inq.one", PASSWORD)[0] == "SignInThrottled"
    clock_at_t0.advance(hours=25)
    for _ in range(4):
        assert attempt(engine, "inq.one")[1] == "Unknown user name or wrong password."
    assert sign_in(engine, "inq.one", PASSWORD).id == staff.inquirer.id


def test_waits_of_one_name_do_not_affect_another(
    engine, staff: Staff, clock_at_t0: FrozenClock,  # noqa: ANN001
) -> None:
    for _ in range(8):
        clock_at_t0.advance(minutes=1)
        fail(engine, "inq.one")
    assert attempt(engine, "inq.one", PASSWORD)[0] == "SignInThrottled"
    assert sign_in(engine, "inq.two", PASSWORD).id == staff.inquirer2.id


def guess(engine, clock: FrozenClock, username: str, client: str | None,  # noqa: ANN001
          times: int) -> None:
    """Make ``times`` wrong guesses that are checked, each right at the end of the wait."""
    checked = 0
    while checked < times:
        try:
            auth.authenticate(username, WRONG, engine=engine, client=client)
        except SignInThrottled as exc:
            clock.advance(seconds=exc.retry_after)
        except AuthenticationFailed:
            checked += 1


def test_a_guesser_cannot_keep_the_owner_of_admin_out(
    engine, staff: Staff, clock_at_t0: FrozenClock,  # noqa: ANN001
) -> None:
    owner_desk, guesser, owner_laptop = "10.1.2.3", "203.0.113.9", "10.1.2.99"
    assert attempt(engine, "adm.one", PASSWORD, client=owner_desk) == ("ok", "signed in")
    clock_at_t0.advance(hours=1)

    # a guesser tries right at the end of every wait, for hours
    guess(engine, clock_at_t0, "adm.one", guesser, times=14)
    # every client the name has not signed in from has to wait for it now ...
    outcome = attempt(engine, "adm.one", PASSWORD, client=owner_laptop)
    assert outcome[0] == "SignInThrottled" and "Try again in 15 minutes." in outcome[1]
    assert attempt(engine, "adm.one", PASSWORD)[0] == "SignInThrottled"
    # ... but the owner at a client they signed in from before goes straight in
    assert attempt(engine, "adm.one", PASSWORD, client=owner_desk) == ("ok", "signed in")
    # which does not give the guesser a fresh count
    assert attempt(engine, "adm.one", client=guesser)[0] == "SignInThrottled"

    # on a new client the owner waits at most 15 minutes, then the right password works
    guess(engine, clock_at_t0, "adm.one", "203.0.113.10", times=1)
    with pytest.raises(SignInThrottled) as waiting:
        auth.authenticate("adm.one", PASSWORD, engine=engine, client=owner_laptop)
    assert 0 < waiting.value.retry_after <= 900
    clock_at_t0.advance(seconds=waiting.value.retry_after)
    assert attempt(engine, "adm.one", PASSWORD, client=owner_laptop) == ("ok", "signed in")

    # or another administrator sets a new password, which clears the name's waits at once
    guess(engine, clock_at_t0, "adm.one", "203.0.113.11", times=5)
    assert attempt(engine, "adm.one", PASSWORD, client="10.1.2.100")[0] == "SignInThrottled"
    new = auth.prepare_password("lantern-orchard-quietly", username="adm.one",
                                display_name="Ada Admin")
    with unit_of_work(engine) as session:
        auth.reset_password(session, actor=staff.admin, user_id=staff.admin.id, new_password=new)
    assert attempt(engine, "adm.one", "lantern-orchard-quietly", client="10.1.2.100") == \
        ("ok", "signed in")


def test_one_client_trying_many_names_is_slowed_down(
    engine, staff: Staff, clock_at_t0: FrozenClock,  # noqa: ANN001
) -> None:
    sprayer = "198.51.100.7"
    for number in range(20):  # one guess per name: no name reaches its own limit
        outcome = attempt(engine, f"user{number}", client=sprayer)
        assert outcome[0] == "AuthenticationFailed"
    assert "wait 5 seconds" in outcome[1]
    # the client now waits, even for a real account and its right password
    assert attempt(engine, "inq.two", PASSWORD, client=sprayer)[0] == "SignInThrottled"
    # other clients are not affected
    assert attempt(engine, "inq.two", PASSWORD, client="192.0.2.1") == ("ok", "signed in")
    # after the wait the sprayer's next guess is checked and doubles the wait
    clock_at_t0.advance(seconds=5)
    assert "wait 10 seconds" in attempt(engine, "user99", client=sprayer)[1]


def test_names_and_clients_are_kept_only_as_keyed_hashes(
    engine, staff: Staff, clock_at_t0: FrozenClock,  # noqa: ANN001
) -> None:
    attempt(engine, "no.such.user", client="198.51.100.7")
    attempt(engine, "inq.one", PASSWORD, client="198.51.100.7")
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(select(SignInThrottle.__table__)).mappings()]
    assert {r["scope"] for r in rows} == {"account", "client", "pair"}
    stored = " ".join(str(v) for r in rows for v in r.values())
    for clear in ("no.such.user", "inq.one", "198.51.100.7"):
        assert clear not in stored
    assert all(len(r["key"]) == 64 for r in rows)


def test_the_password_is_checked_outside_any_transaction(
    sqlite_engine, sqlite_staff: Staff, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    """While one sign-in is verifying a password, another user can save at once."""
    engine = sqlite_engine
    verifying, release, verified = threading.Event(), threading.Event(), threading.Event()
    real_verify = auth.verify_password

    def slow_verify(password_hash: str, password: str) -> bool:
        verifying.set()
        release.wait(timeout=5)  # an argon2 verify that takes up to five seconds
        result = real_verify(password_hash, password)
        verified.set()
        return result

    monkeypatch.setattr(auth, "verify_password", slow_verify)
    outcome: list[tuple[str, str]] = []
    signing_in = threading.Thread(target=lambda: outcome.append(attempt(engine, "inq.one")))
    signing_in.start()
    assert verifying.wait(timeout=10)
    with unit_of_work(engine) as session:  # another user's save, with its audit event
        audit.record(session, actor=sqlite_staff.manager, action="case.update",
                     entity_type="application", entity_id=1)
    saved_during_verify = not verified.is_set()
    release.set()
    signing_in.join(timeout=10)
    assert saved_during_verify
    assert outcome == [("AuthenticationFailed", "Unknown user name or wrong password.")]


def test_attempts_checked_in_parallel_cannot_slip_past_a_wait(
    engine, staff: Staff, clock_at_t0: FrozenClock, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    """A guess that was being checked when a parallel failure started a wait is refused
    like any attempt during the wait, even with the right password."""
    for _ in range(4):
        fail(engine, "inq.one")
    verifying, release = threading.Event(), threading.Event()
    real_verify = auth.verify_password
    paused = []

    def first_call_pauses(password_hash: str, password: str) -> bool:
        if not paused:
            paused.append(1)
            verifying.set()
            release.wait(timeout=10)
        return real_verify(password_hash, password)

    monkeypatch.setattr(auth, "verify_password", first_call_pauses)
    outcome: list[tuple[str, str]] = []
    right = threading.Thread(target=lambda: outcome.append(attempt(engine, "inq.one",
                                                                   PASSWORD)))
    right.start()
    assert verifying.wait(timeout=10)
    assert "wait 5 seconds" in attempt(engine, "inq.one")[1]  # the fifth failure
    release.set()
    right.join(timeout=30)
    assert outcome and outcome[0][0] == "SignInThrottled"
    assert audit_entries(engine, action="auth.sign_in", outcome="ok") == []
    # it was not counted as a failure either: after the wait the next wait is still 10 s
    clock_at_t0.advance(seconds=5)
    assert "wait 10 seconds" in attempt(engine, "inq.one")[1]


def test_account_administration_hashes_before_its_transaction(
    engine, staff: Staff, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    new_user = auth.prepare_new_user({"username": "clerk.two", "display_name": "Carl Clerk",
                                      "role": "inquirer", "password": "lantern-orchard-quietly"})
    new_password = auth.prepare_password("meadow-copper-violin", username="clerk.two",
                                         display_name="Carl Clerk")

    def no_hashing(password: str) -> str:
        raise AssertionError("hashing inside a transaction")

    monkeypatch.setattr(auth, "hash_password", no_hashing)
    with unit_of_work(engine) as session:
        created = auth.create_user(session, actor=staff.admin, data=new_user)
    with unit_of_work(engine) as session:
        auth.reset_password(session, actor=staff.admin, user_id=created.id,
                            new_password=new_password)
    assert sign_in(engine, "clerk.two", "meadow-copper-violin").id == created.id
    # one audit event per write
    assert [e["action"] for e in audit_entries(engine, entity_id=str(created.id))] == \
        ["user.create", "user.reset_password", "auth.sign_in"]
    # a password checked for one account cannot be given to another
    with pytest.raises(ValidationError, match="checked for another account"):
        with unit_of_work(engine) as session:
            auth.reset_password(session, actor=staff.admin, user_id=staff.inquirer.id,
                                new_password=new_password)


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
    assert message == "This password cannot be used: it needs at least 10 characters."
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(User)
                            .where(User.username == "shorty")).scalar_one() == 0


COMMON = "it is one of the most common passwords, which are tried first by anyone guessing."
PATTERN = ("it is a repeated character or a simple run of letters, digits or keys (such as "
           "1234567890, abcdefghij or qwertyuiop).")
NAME = "it contains the user name or a part of the person's name."
WEAK = "it is too easy to guess. Use a longer passphrase of several unrelated words."


@pytest.mark.parametrize(("password", "reason"), [
    ("password12", COMMON),
    ("aaaaaaaaaa", PATTERN),
    ("1234567890", COMMON),
    ("qwertyuiop", COMMON),
    ("Password12", COMMON),              # case does not help
    ("zaq1xsw2cde3", COMMON),             # from the leaked-password list
    ("abcdefghijklm", PATTERN),
    ("98765432109876", PATTERN),
    ("xyzxyzxyzxyz", PATTERN),
    ("asdfghjkl;'", PATTERN),
    ("pat.lee-2024-secure", NAME),       # the user name
    ("my-name-is-patricia", NAME),       # part of the person's name
    ("monkey12345", WEAK),
])
def test_password_policy_refuses_guessable_passwords_with_a_plain_message(
    engine, staff: Staff, password: str, reason: str,  # noqa: ANN001
) -> None:
    with pytest.raises(ValidationError) as refused:
        with unit_of_work(engine) as session:
            auth.create_user(session, actor=staff.admin, data={
                "username": "pat.lee", "display_name": "Patricia Lee", "role": "inquirer",
                "password": password})
    assert str(refused.value) == f"This password cannot be used: {reason}"
    with pytest.raises(ValidationError) as refused_reset:
        with unit_of_work(engine) as session:
            auth.reset_password(session, actor=staff.admin, user_id=staff.inquirer.id,
                                new_password=password.replace("pat.lee", "inq.one")
                                .replace("patricia", "inquirer"))
    assert str(refused_reset.value).startswith("This password cannot be used: ")
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(User)
                            .where(User.username == "pat.lee")).scalar_one() == 0
    assert sign_in(engine, "inq.one", PASSWORD).id == staff.inquirer.id


@pytest.mark.parametrize("password", [
    PASSWORD, "lantern-orchard-quietly", "Tr4m-Ticket-Kyoto", "kx7#Lp2!vQ9z",
])
def test_password_policy_accepts_passphrases_and_random_passwords(
    engine, staff: Staff, password: str,  # noqa: ANN001
) -> None:
    with unit_of_work(engine) as session:
        created = auth.create_user(session, actor=staff.admin, data={
            "username": "pat.lee", "display_name": "Patricia Lee", "role": "inquirer",
            "password": password})
    assert sign_in(engine, "pat.lee", password).id == created.id


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


def test_password_checks_queue_one_per_core(monkeypatch: pytest.MonkeyPatch) -> None:
    """A rush of sign-ins runs at most one argon2 computation per core at a time."""
    import os
    import threading
    import time

    from workbench.core import auth as auth_module

    running, peak, lock = [0], [0], threading.Lock()

    def slow_verify(_hash: str, _password: str) -> bool:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return False

    class SlowHasher:
        verify = staticmethod(slow_verify)

    monkeypatch.setattr(auth_module, "_hasher", SlowHasher())
    threads = [threading.Thread(target=auth_module.verify_password, args=("h", "p"))
               for _ in range(4 * (os.cpu_count() or 1))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 1 <= peak[0] <= (os.cpu_count() or 1)
