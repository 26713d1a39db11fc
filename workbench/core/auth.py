"""Accounts: password hashing (argon2), sign-in with growing waits, and user administration.

Sign-in under attack (issue 14):

- **No lock, growing waits.** Failed sign-ins are counted per account name, whether it exists
  or not, and per client (the caller's network address). After ``sign_in_free_failures`` in a
  row for a name (``sign_in_client_free_failures`` for a client) every further attempt must
  wait ``sign_in_delay_seconds``, doubling with each checked failure up to
  ``sign_in_max_delay_seconds``. An attempt during the wait is refused *without checking the
  password*, so a guesser gets a few attempts an hour, while the right password after the wait
  still signs in: nobody can lock an account (admin included) by guessing. The wait is
  checked again when the outcome is written, so guesses sent in parallel gain nothing. A
  client from which the account signed in before (within ``sign_in_known_client_days``)
  skips the account's wait, not its own, so the owner at their usual desk is not kept out
  even by a guesser who times their attempts to the end of every wait; an administrator's
  new password clears the account's waits for an owner on a new client.
- **No enumeration.** Unknown, disabled and real names run the same code: the same throttle
  rows (keyed by an HMAC of the name, so unknown names are never stored in clear), the same
  argon2 verification (against a dummy hash when there is no usable account), the same
  messages and exception types at every step. A refusal during a wait spends no argon2 time
  for any name, so its timing is the same for real and unknown names too; spending a verify
  on refusals would only let a flood of refused attempts burn the server's CPU.
- **Hashing outside transactions.** The user and the throttle rows are read in a short
  read-only transaction, the password is verified with no transaction open (argon2 releases
  the GIL), and the outcome is written in a short write transaction with its one audit event.
  Account administration hashes before its transaction too (``prepare_new_user``,
  ``prepare_password``).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import Engine, delete, func, or_, select, text
from sqlmodel import Session

from models import Role, SignInSecret, SignInThrottle, User, UserCreate, UserRead, UserUpdate
from workbench.core import audit, clock, passwords
from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.errors import (
    AuthenticationFailed,
    NotFound,
    PermissionDenied,
    SignInThrottled,
    StaleEdit,
    ValidationError,
    from_pydantic,
)
from workbench.core.i18n import supported, t, tn
from workbench.core.settings import Settings, get_settings

#: argon2id with OWASP's recommended parameters (19 MiB, 2 passes, 1 lane): about 35 ms a
#: check on this kind of machine where the library's defaults (64 MiB, 3 passes, 4 lanes)
#: took 210 ms, so that an office signing in at once is not kept waiting. The sign-in
#: throttle, not the hash cost, is what stops online guessing; hashes made with other
#: parameters are renewed at the account's next sign-in.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified against when there is no usable account, so every path costs the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password-for-timing")


#: At most one argon2 computation per core at a time. Each takes 64 MiB and a few hundred
#: milliseconds of one core; a rush of sign-ins (the morning start of an office) would
#: otherwise share the cores until all of them finish late together, with the memory of all
#: at once. Queued here, they finish one after another, the first ones quickly.
_HASHING = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))


def hash_password(password: str) -> str:
    """An argon2 hash of ``password`` (tens of milliseconds: call it outside transactions)."""
    with _HASHING:
        return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (False for a malformed hash)."""
    try:
        with _HASHING:
            return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# --- sign-in throttle -------------------------------------------------------------------

_secrets: dict[str, bytes] = {}


def _secret(engine: Engine, session: Session | None = None) -> bytes:
    """The database's throttle key (made by migration 0010; made here if it is missing).
    With ``session``, read in that transaction."""
    name = engine.url.render_as_string(hide_password=False)
    cached = _secrets.get(name)
    if cached is not None:
        return cached
    if session is not None:
        row = session.get(SignInSecret, 1)
        if row is None:  # part of the caller's write and of its audit event
            row = SignInSecret(id=1, key=secrets.token_hex(32))
            session.add(row)
            session.flush()
        _secrets[name] = bytes.fromhex(row.key)
        return _secrets[name]
    with unit_of_work(engine, write=False) as session:
        row = session.get(SignInSecret, 1)
        key = row.key if row is not None else None
    if key is None:
        with unit_of_work(engine) as session:
            row = session.get(SignInSecret, 1)
            if row is None:
                row = SignInSecret(id=1, key=secrets.token_hex(32))
                session.add(row)
                audit.record(session, actor=Actor.system("auth"), action="auth.throttle_key",
                             entity_type="sign_in_secret", entity_id=1)
            key = row.key
    _secrets[name] = bytes.fromhex(key)
    return _secrets[name]


def _digest(secret: bytes, scope: str, value: str) -> str:
    return hmac.new(secret, f"{scope}\0{value}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class _Keys:
    account: str
    client: str | None
    pair: str | None

    def all(self) -> list[str]:
        return [k for k in (self.account, self.client, self.pair) if k is not None]


def _keys(engine: Engine, username: str, client: str | None) -> _Keys:
    secret = _secret(engine)
    client = (client or "").strip().lower() or None
    return _Keys(
        account=_digest(secret, "account", username),
        client=_digest(secret, "client", client) if client else None,
        pair=_digest(secret, "pair", f"{username}\0{client}") if client else None,
    )


def _delay(failures: int, free: int, settings: Settings) -> int:
    """Seconds to wait after ``failures`` checked failures in a row (0 while still free)."""
    if failures < free:
        return 0
    exponent = min(failures - free, 30)
    return min(settings.sign_in_delay_seconds * 2**exponent, settings.sign_in_max_delay_seconds)


def _free(scope: str, settings: Settings) -> int:
    return (settings.sign_in_client_free_failures if scope == "client"
            else settings.sign_in_free_failures)


def _remembered(row: SignInThrottle | None, now: datetime, settings: Settings) -> int:
    """The row's failures, or 0 once the last failure is older than the memory."""
    if row is None or row.last_failure_at is None:
        return 0
    if row.last_failure_at < now - timedelta(hours=settings.sign_in_failure_memory_hours):
        return 0
    return row.failures


def _known_client(rows: dict[str, SignInThrottle], keys: _Keys, now: datetime,
                  settings: Settings) -> bool:
    pair = rows.get(keys.pair) if keys.pair else None
    return (pair is not None and pair.signed_in_at is not None
            and pair.signed_in_at >= now - timedelta(days=settings.sign_in_known_client_days))


def _governing(rows: dict[str, SignInThrottle], keys: _Keys, now: datetime,
               settings: Settings) -> list[str]:
    """The keys whose waits apply to this attempt: the client's, and the account's unless
    the account signed in from this client before."""
    governing = [keys.client] if keys.client else []
    if not _known_client(rows, keys, now, settings):
        governing.append(keys.account)
    return governing


def _wait_seconds(rows: dict[str, SignInThrottle], governing: list[str], now: datetime,
                  settings: Settings) -> int:
    wait = 0.0
    for key in governing:
        row = rows.get(key)
        if row is None or row.next_attempt_at is None or not _remembered(row, now, settings):
            continue
        wait = max(wait, (row.next_attempt_at - now).total_seconds())
    return math.ceil(wait) if wait > 0 else 0


def _duration(seconds: int) -> str:
    if seconds < 120:
        return tn("auth.seconds", seconds)
    return tn("auth.minutes", math.ceil(seconds / 60))


def _record_failure(session: Session, rows: dict[str, SignInThrottle], keys: _Keys,
                    now: datetime, settings: Settings) -> dict[str, SignInThrottle]:
    """Count one checked failure against the account name and the client; return the rows
    as they now are."""
    rows = dict(rows)
    for scope, key in (("account", keys.account), ("client", keys.client)):
        if key is None:
            continue
        row = rows.get(key) or SignInThrottle(key=key, scope=scope)
        rows[key] = row
        row.failures = _remembered(row, now, settings) + 1
        row.last_failure_at = now
        row.next_attempt_at = now + timedelta(
            seconds=_delay(row.failures, _free(scope, settings), settings))
        session.add(row)
    # Forget what no longer counts, so guessed names cannot fill the table for ever.
    forget = now - timedelta(hours=settings.sign_in_failure_memory_hours)
    known = now - timedelta(days=settings.sign_in_known_client_days)
    session.execute(delete(SignInThrottle).where(
        SignInThrottle.last_failure_at < forget,
        SignInThrottle.key.not_in(keys.all()),
        or_(SignInThrottle.signed_in_at.is_(None), SignInThrottle.signed_in_at < known),
    ))
    return rows


def _record_success(session: Session, rows: dict[str, SignInThrottle], keys: _Keys,
                    now: datetime, *, clear_account: bool) -> None:
    """A successful sign-in clears the client's count, and the account's when the account's
    wait applied to it (a sign-in from a known client says nothing about whoever else is
    guessing the name), and makes the client known to the account."""
    for key in (keys.account if clear_account else None, keys.client):
        row = rows.get(key) if key else None
        if row is not None:
            row.failures = 0
            row.next_attempt_at = None
            session.add(row)
    if keys.pair is not None:
        pair = rows.get(keys.pair) or SignInThrottle(key=keys.pair, scope="pair")
        pair.signed_in_at = now
        session.add(pair)


def _serialise(session: Session) -> None:
    """Take the audit chain's lock before reading the throttle rows, so that concurrent
    sign-ins count their failures one after the other (SQLite's BEGIN IMMEDIATE already holds
    the only write lock; on PostgreSQL this is the row lock every audit append takes)."""
    if session.get_bind().dialect.name != "sqlite":
        session.execute(text("SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE"))


def _load_rows(session: Session, keys: _Keys) -> dict[str, SignInThrottle]:
    found = session.execute(
        select(SignInThrottle).where(SignInThrottle.key.in_(keys.all()))
    ).scalars()
    return {row.key: row for row in found}


@dataclass(frozen=True)
class _Account:
    """What a sign-in needs of a user row, read before any password is checked."""

    id: int
    username: str
    display_name: str
    role: Role
    is_active: bool
    password_hash: str = field(repr=False)

    def actor(self) -> Actor:
        return Actor(id=self.id, username=self.username, display_name=self.display_name,
                     role=Role(self.role))


def _read_account(session: Session, username: str) -> _Account | None:
    user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        return None
    return _Account(id=user.id, username=user.username, display_name=user.display_name,
                    role=Role(user.role), is_active=user.is_active,
                    password_hash=user.password_hash)


def authenticate(
    username: str, password: str, *, engine: Engine | None = None,
    settings: Settings | None = None, client: str | None = None,
) -> Actor:
    """Sign a user in and return the actor.

    ``client`` names where the attempt comes from (the network address); attempts are
    throttled per client as well as per account name. Raises ``SignInThrottled`` (a kind of
    ``AuthenticationFailed``) for an attempt made during a wait, without checking the
    password, and ``AuthenticationFailed`` for an unknown name, a disabled account or a wrong
    password; the messages are the same whether or not the account exists. Every attempt is
    audited.
    """
    settings = settings or get_settings()
    engine = engine or get_engine()
    username = (username or "").strip().lower()
    keys = _keys(engine, username, client)

    # 1. A short read-only transaction: the account and the throttle rows.
    now = clock.now_utc()
    with unit_of_work(engine, write=False) as session:
        account = _read_account(session, username)
        rows = _load_rows(session, keys)
    who = account.actor() if account is not None else None
    governing = _governing(rows, keys, now, settings)
    wait = _wait_seconds(rows, governing, now, settings)
    if wait:
        with unit_of_work(engine) as session:
            _audit_attempt(session, who, username, "failed",
                           {"reason": "waiting", "retry_after_seconds": wait})
        raise SignInThrottled(t("auth.throttled", wait=_duration(wait)), retry_after=wait)

    # 2. The password, checked with no transaction open.
    usable = account is not None and account.is_active
    stored = account.password_hash if usable else _DUMMY_HASH
    correct = verify_password(stored, password) and usable
    new_hash = hash_password(password) if correct and _hasher.check_needs_rehash(stored) \
        else None

    # 3. A short write transaction: the outcome and its one audit event. The throttle rows
    #    are read again: an attempt that a concurrent failure put into a wait while this one
    #    was being checked is refused like any attempt during a wait, right password or not,
    #    so that parallel guesses gain nothing.
    failed_wait = 0
    with unit_of_work(engine) as session:
        _serialise(session)
        now = clock.now_utc()
        user = session.get(User, account.id) if account is not None else None
        if correct and (user is None or not user.is_active or user.password_hash != stored):
            correct = False  # disabled or given a new password while this attempt was checked
        rows = _load_rows(session, keys)
        governing = _governing(rows, keys, now, settings)
        wait = _wait_seconds(rows, governing, now, settings)
        if wait:
            _audit_attempt(session, who, username, "failed",
                           {"reason": "waiting", "retry_after_seconds": wait})
        elif correct:
            assert user is not None and who is not None
            _audit_attempt(session, who, username, "ok", None)
            if new_hash is not None:
                user.password_hash = new_hash
            user.last_login_at = now
            session.add(user)
            _record_success(session, rows, keys, now,
                            clear_account=keys.account in governing)
            return who
        else:
            if account is None:
                reason = "unknown user"
            elif not account.is_active or (user is not None and not user.is_active):
                reason = "account disabled"
            else:
                reason = "wrong password"
            rows = _record_failure(session, rows, keys, now, settings)
            failed_wait = _wait_seconds(rows, _governing(rows, keys, now, settings), now,
                                        settings)
            details: dict[str, object] = {"reason": reason}
            if failed_wait:
                details["wait_seconds"] = failed_wait
            _audit_attempt(session, who, username, "failed", details)
    if wait:
        raise SignInThrottled(t("auth.throttled", wait=_duration(wait)), retry_after=wait)
    if failed_wait:
        raise AuthenticationFailed(t("auth.failed_wait", wait=_duration(failed_wait)))
    raise AuthenticationFailed(t("auth.failed"))


def _audit_attempt(session: Session, who: Actor | None, username: str, outcome: str,
                   details: dict | None) -> None:
    if who is None:
        audit.record(session, actor=None, username=username[:64], action="auth.sign_in",
                     outcome=outcome, details=details)
    else:
        audit.record(session, actor=who, action="auth.sign_in", outcome=outcome,
                     entity_type="user", entity_id=who.id, details=details)


def sign_out(actor: Actor, *, engine: Engine | None = None, reason: str = "sign-out") -> None:
    with unit_of_work(engine) as session:
        audit.record(session, actor=actor, action="auth.sign_out", entity_type="user",
                     entity_id=actor.id, details={"reason": reason})


# --- user administration ----------------------------------------------------------------


def _require_admin(actor: Actor, action: str, entity_id: int | None = None) -> None:
    from workbench.core.permissions import Action, require

    require(actor, Action.USER_ADMIN, entity_type="user", entity_id=entity_id, attempted=action)


def _read(user: User) -> UserRead:
    return UserRead.model_validate(user, from_attributes=True)


@dataclass(frozen=True)
class NewPassword:
    """A password that passed the policy for one account, already hashed."""

    username: str
    password_hash: str = field(repr=False)


@dataclass(frozen=True)
class NewUser:
    """An account's validated details and its password, checked and hashed."""

    data: UserCreate = field(repr=False)
    password_hash: str = field(repr=False)


def prepare_password(password: str, *, username: str, display_name: str) -> NewPassword:
    """Check ``password`` against the policy for this account and hash it. Call it before
    opening the transaction that stores it: hashing takes tens of milliseconds."""
    passwords.check(password, username=username, display_name=display_name)
    return NewPassword(username=username, password_hash=hash_password(password))


def prepare_new_user(data: UserCreate | dict) -> NewUser:
    """Validate a new account's details and password and hash the password, outside any
    transaction; pass the result to ``create_user``."""
    try:
        data = data if isinstance(data, UserCreate) else UserCreate.model_validate(data)
    except PydanticValidationError as exc:
        raise from_pydantic(exc) from None
    passwords.check(data.password, username=data.username, display_name=data.display_name)
    return NewUser(data=data, password_hash=hash_password(data.password))


def create_user(session: Session, *, actor: Actor,
                data: NewUser | UserCreate | dict) -> UserRead:
    """Create an account. Pass ``prepare_new_user(...)`` so that the password is hashed
    before the transaction; plain details are prepared here (hashing inside it)."""
    _require_admin(actor, "user.create")
    new = data if isinstance(data, NewUser) else prepare_new_user(data)
    exists = session.execute(
        select(func.count()).select_from(User).where(User.username == new.data.username)
    ).scalar_one()
    if exists:
        raise ValidationError(t("errors.auth.user_name_already_taken", username=new.data.username))
    user = User(
        username=new.data.username,
        display_name=new.data.display_name,
        role=new.data.role,
        office=new.data.office,
        expertise=new.data.expertise,
        password_hash=new.password_hash,
    )
    session.add(user)
    session.flush()
    audit.record(session, actor=actor, action="user.create", entity_type="user",
                 entity_id=user.id, details={"role": str(new.data.role)})
    return _read(user)


def list_users(session: Session, *, actor: Actor, role: Role | None = None) -> list[UserRead]:
    _require_admin(actor, "user.list")
    query = select(User).order_by(User.username)
    if role is not None:
        query = query.where(User.role == role)
    return [_read(u) for u in session.execute(query).scalars()]


def _get_user(session: Session, user_id: int | None = None, username: str | None = None) -> User:
    if user_id is not None:
        user = session.get(User, user_id)
    else:
        user = session.execute(
            select(User).where(User.username == (username or "").strip().lower())
        ).scalar_one_or_none()
    if user is None:
        raise NotFound(t("errors.auth.no_user", username=username or user_id))
    return user


def update_user(
    session: Session, *, actor: Actor, user_id: int, expected_version: int,
    changes: UserUpdate | dict,
) -> UserRead:
    _require_admin(actor, "user.update", user_id)
    changes = changes if isinstance(changes, UserUpdate) else UserUpdate.model_validate(changes)
    user = _get_user(session, user_id)
    if user.version != expected_version:
        raise StaleEdit(entity="account", expected_version=expected_version,
                        current_version=user.version, changed_by=None,
                        changed_at=user.updated_at,
                        attempted=changes.model_dump(exclude_unset=True))
    values = changes.model_dump(exclude_unset=True)
    if actor.id == user.id and (values.get("is_active") is False or
                                ("role" in values and values["role"] != Role.ADMIN)):
        raise ValidationError(t("errors.auth.cannot_disable_own_account"))
    for key, value in values.items():
        setattr(user, key, value)
    user.version += 1
    user.updated_at = clock.now_utc()
    session.add(user)
    audit.record(session, actor=actor, action="user.update", entity_type="user",
                 entity_id=user.id, details={"fields": sorted(values)})
    return _read(user)


def set_language(session: Session, *, actor: Actor, language: str | None) -> None:
    """The signed-in user's own choice of language for the workbench (None: no choice, the
    office setting or the browser decides). Anyone may set their own; nobody another's."""
    if actor.id is None:
        raise PermissionDenied(t("errors.auth.signed_user_language_choose"))
    if language is not None and supported(language) is None:
        raise ValidationError(t("errors.auth.workbench_does_not_speak", lang_code=language))
    user = _get_user(session, actor.id)
    if user.language == language:
        return
    before, user.language = user.language, language
    user.updated_at = clock.now_utc()
    session.add(user)
    audit.record(session, actor=actor, action="user.language", entity_type="user",
                 entity_id=user.id, details={"from": before, "to": language})


def set_active(session: Session, *, actor: Actor, username: str, active: bool) -> UserRead:
    _require_admin(actor, "user.disable" if not active else "user.enable")
    user = _get_user(session, username=username)
    return update_user(session, actor=actor, user_id=user.id, expected_version=user.version,
                       changes={"is_active": active})


def reset_password(session: Session, *, actor: Actor, user_id: int,
                   new_password: NewPassword | str) -> None:
    """Give an account a new password and clear the waits its name has built up (the owner's
    way back in on a new client while a guesser keeps the name waiting).

    Pass ``prepare_password(...)`` so that hashing happens before the transaction; a plain
    password is checked and hashed here, inside it.
    """
    _require_admin(actor, "user.reset_password", user_id)
    user = _get_user(session, user_id)
    if isinstance(new_password, str):
        new_password = prepare_password(new_password, username=user.username,
                                        display_name=user.display_name)
    elif new_password.username != user.username:
        raise ValidationError(t("errors.auth.new_password_checked_another"))
    user.password_hash = new_password.password_hash
    user.version += 1
    user.updated_at = clock.now_utc()
    session.add(user)
    session.execute(delete(SignInThrottle).where(
        SignInThrottle.key == _digest(_secret(session.get_bind(), session), "account",
                                      user.username)))
    audit.record(session, actor=actor, action="user.reset_password", entity_type="user",
                 entity_id=user.id)
