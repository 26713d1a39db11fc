"""Accounts: password hashing (argon2), sign-in with lockout, and user administration."""

from __future__ import annotations

from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from models import Role, User, UserCreate, UserRead, UserUpdate
from models.user import MIN_PASSWORD_LENGTH
from workbench import audit, clock
from workbench.actor import Actor
from workbench.db import unit_of_work
from workbench.errors import (
    AccountLocked,
    AuthenticationFailed,
    NotFound,
    StaleEdit,
    ValidationError,
    from_pydantic,
)
from workbench.settings import Settings, get_settings

_hasher = PasswordHasher()
# Verified against when the user name is unknown, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password-for-timing")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")


def authenticate(
    username: str, password: str, *, engine: Engine | None = None,
    settings: Settings | None = None,
) -> Actor:
    """Sign a user in. Five failures in a row lock the account for fifteen minutes
    (settings); every failure and every lockout is audited."""
    settings = settings or get_settings()
    username = (username or "").strip().lower()
    failure: AuthenticationFailed | None = None
    actor: Actor | None = None
    with unit_of_work(engine) as session:
        user = session.execute(
            select(User).where(User.username == username)
        ).scalar_one_or_none()
        now = clock.now_utc()
        if user is None:
            verify_password(_DUMMY_HASH, password)
            audit.record(session, actor=None, username=username[:64], action="auth.sign_in",
                         outcome="failed", details={"reason": "unknown user"})
            failure = AuthenticationFailed(_failed_message(settings))
        elif not user.is_active:
            verify_password(_DUMMY_HASH, password)
            audit.record(session, actor=Actor.of(user), action="auth.sign_in", outcome="failed",
                         entity_type="user", entity_id=user.id,
                         details={"reason": "account disabled"})
            failure = AuthenticationFailed(_failed_message(settings))
        elif user.locked_until is not None and user.locked_until > now:
            audit.record(session, actor=Actor.of(user), action="auth.sign_in", outcome="failed",
                         entity_type="user", entity_id=user.id, details={"reason": "locked"})
            failure = AccountLocked(_locked_message(user.locked_until, settings),
                                    user.locked_until)
        elif not verify_password(user.password_hash, password):
            user.failed_attempts += 1
            details = {"reason": "wrong password", "failed_attempts": user.failed_attempts}
            audit.record(session, actor=Actor.of(user), action="auth.sign_in", outcome="failed",
                         entity_type="user", entity_id=user.id, details=details)
            if user.failed_attempts >= settings.lockout_threshold:
                user.locked_until = now + timedelta(minutes=settings.lockout_minutes)
                user.failed_attempts = 0
                audit.record(session, actor=Actor.of(user), action="auth.lockout",
                             outcome="ok", entity_type="user", entity_id=user.id,
                             details={"minutes": settings.lockout_minutes})
                failure = AccountLocked(_locked_message(user.locked_until, settings),
                                        user.locked_until)
            else:
                failure = AuthenticationFailed(_failed_message(settings))
            session.add(user)
        else:
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)
            user.failed_attempts = 0
            user.locked_until = None
            user.last_login_at = now
            session.add(user)
            actor = Actor.of(user)
            audit.record(session, actor=actor, action="auth.sign_in", entity_type="user",
                         entity_id=user.id)
    if failure is not None:
        raise failure
    assert actor is not None
    return actor


def _failed_message(settings: Settings) -> str:
    # The same words whether the account exists, is disabled or the password is wrong, so
    # that the sign-in page does not tell anyone which user names exist.
    return (
        "Unknown user name or wrong password. After "
        f"{settings.lockout_threshold} failed attempts in a row an account is locked for "
        f"{settings.lockout_minutes} minutes."
    )


def _locked_message(until, settings: Settings) -> str:  # noqa: ANN001
    local = until.astimezone(settings.zone)
    return (
        "Too many failed sign-ins: this account is locked until "
        f"{local:%Y-%m-%d %H:%M} ({settings.timezone}). Ask an administrator if you need "
        "access sooner."
    )


def sign_out(actor: Actor, *, engine: Engine | None = None, reason: str = "sign-out") -> None:
    with unit_of_work(engine) as session:
        audit.record(session, actor=actor, action="auth.sign_out", entity_type="user",
                     entity_id=actor.id, details={"reason": reason})


# --- user administration ----------------------------------------------------------------


def _require_admin(actor: Actor, action: str, entity_id: int | None = None) -> None:
    from workbench.permissions import Action, require

    require(actor, Action.USER_ADMIN, entity_type="user", entity_id=entity_id, attempted=action)


def _read(user: User) -> UserRead:
    return UserRead.model_validate(user, from_attributes=True)


def create_user(session: Session, *, actor: Actor, data: UserCreate | dict) -> UserRead:
    _require_admin(actor, "user.create")
    try:
        data = data if isinstance(data, UserCreate) else UserCreate.model_validate(data)
    except PydanticValidationError as exc:
        raise from_pydantic(exc) from None
    exists = session.execute(
        select(func.count()).select_from(User).where(User.username == data.username)
    ).scalar_one()
    if exists:
        raise ValidationError(f"The user name {data.username!r} is already taken.")
    user = User(
        username=data.username,
        display_name=data.display_name,
        role=data.role,
        office=data.office,
        expertise=data.expertise,
        password_hash=hash_password(data.password),
    )
    session.add(user)
    session.flush()
    audit.record(session, actor=actor, action="user.create", entity_type="user",
                 entity_id=user.id, details={"role": str(data.role)})
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
        raise NotFound(f"No user {username or user_id!s}.")
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
        raise ValidationError("You cannot disable your own account or remove your own admin role.")
    for key, value in values.items():
        setattr(user, key, value)
    user.version += 1
    user.updated_at = clock.now_utc()
    session.add(user)
    audit.record(session, actor=actor, action="user.update", entity_type="user",
                 entity_id=user.id, details={"fields": sorted(values)})
    return _read(user)


def set_active(session: Session, *, actor: Actor, username: str, active: bool) -> UserRead:
    _require_admin(actor, "user.disable" if not active else "user.enable")
    user = _get_user(session, username=username)
    return update_user(session, actor=actor, user_id=user.id, expected_version=user.version,
                       changes={"is_active": active})


def reset_password(session: Session, *, actor: Actor, user_id: int, new_password: str) -> None:
    _require_admin(actor, "user.reset_password", user_id)
    _check_password(new_password)
    user = _get_user(session, user_id)
    user.password_hash = hash_password(new_password)
    user.failed_attempts = 0
    user.locked_until = None
    user.version += 1
    user.updated_at = clock.now_utc()
    session.add(user)
    audit.record(session, actor=actor, action="user.reset_password", entity_type="user",
                 entity_id=user.id)
