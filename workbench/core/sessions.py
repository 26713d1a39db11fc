"""Signed-in sessions kept on the server.

A sign-in starts a session record; the browser gets a random token naming it in an HttpOnly,
SameSite=Strict cookie, set by the server's own route from a one-time code (the page script
cannot set an HttpOnly cookie). Every script run resolves the token again: the session must
not be ended, not idle past the timeout, and its account must still be active; the account's
role and name are read afresh, so a change by an administrator takes effect at the next run
in every open tab. Signing out, the idle timeout and disabling the account end the session
everywhere, because every tab and process reads the same record.

Only SHA-256 hashes of the token and of the one-time code are stored. ``last_seen_at`` is
touched at most once a minute (``TOUCH_EVERY``) so that busy sessions do not write on every
click; the idle timeout is therefore exact to within that minute. Touches are housekeeping,
not actions, and are not audited; starting and ending a session are.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, select, update

from models import User, UserSession
from models.types import as_utc
from workbench.core import audit, clock
from workbench.core.actor import Actor
from workbench.core.db import unit_of_work
from workbench.core.settings import Settings, get_settings

#: The cookie that names the session.
COOKIE_NAME = "wb_session"
#: How long the one-time code that sets the cookie stays valid.
HANDOFF_SECONDS = 60
#: ``last_seen_at`` is written at most this often per session.
TOUCH_EVERY = timedelta(seconds=60)

#: Why a token no longer signs anyone in.
ENDED = "ended"
IDLE = "idle"
DISABLED = "disabled"
UNKNOWN = "unknown"

#: The web server's route that turns a one-time code into the session cookie.
SESSION_ROUTE = "/_wb/session"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


def _pad(code: str, length: int) -> bytes:
    return hashlib.shake_256(b"wb-session-handoff:" + code.encode("utf-8")).digest(length)


def _seal(token: str, code: str) -> str:
    """``token`` encrypted with a one-time pad derived from ``code`` (hex). The database
    holds the code only as a hash, so the sealed token is useless without the browser's
    code."""
    data = token.encode("ascii")
    return bytes(a ^ b for a, b in zip(data, _pad(code, len(data)), strict=True)).hex()


def _unseal(sealed: str, code: str) -> str:
    data = bytes.fromhex(sealed)
    return bytes(a ^ b for a, b in zip(data, _pad(code, len(data)), strict=True)).decode("ascii")


@dataclass(frozen=True)
class Started:
    """A new session: the token this Streamlit session keeps, and the one-time code with
    which the browser fetches the same token as its cookie."""

    session_id: int
    token: str
    handoff_code: str


@dataclass(frozen=True)
class Resolved:
    """What a token stands for now: the actor, or why nobody (``reason``)."""

    actor: Actor | None
    reason: str | None = None
    session_id: int | None = None
    #: When the session ended (None while it is open or when the token is unknown).
    ended_at: datetime | None = None


def start(actor: Actor, *, engine: Engine | None = None, via: str = "password") -> Started:
    """Open a session for ``actor`` (already authenticated) and audit it."""
    token, code = _new_secret(), _new_secret()
    now = clock.now_utc()
    with unit_of_work(engine) as session:
        record = UserSession(
            user_id=actor.id, token_hash=_digest(token), handoff_hash=_digest(code),
            handoff_sealed=_seal(token, code),
            handoff_expires_at=now + timedelta(seconds=HANDOFF_SECONDS), via=via,
            created_at=now, last_seen_at=now,
        )
        session.add(record)
        session.flush()
        audit.record(session, actor=actor, action="auth.session_start", entity_type="user",
                     entity_id=actor.id, details={"session": record.id, "via": via})
        return Started(session_id=record.id, token=token, handoff_code=code)


def redeem_handoff(code: str, *, engine: Engine | None = None) -> str | None:
    """The session token for the browser's cookie, in exchange for the one-time code made at
    sign-in. The code works once, for ``HANDOFF_SECONDS``, and only while the session is
    open; the token never travels in an address."""
    if not code or len(code) > 100:
        return None
    now = clock.now_utc()
    with unit_of_work(engine) as session:
        record = session.execute(
            select(UserSession).where(UserSession.handoff_hash == _digest(code))
        ).scalar_one_or_none()
        if record is None:
            return None
        usable = (record.handoff_expires_at is not None and record.handoff_sealed
                  and as_utc(record.handoff_expires_at) >= now and record.ended_at is None)
        sealed = record.handoff_sealed
        record.handoff_hash = None
        record.handoff_sealed = None
        record.handoff_expires_at = None
        session.add(record)
    if not usable:
        return None
    token = _unseal(sealed, code)
    return token if _digest(token) == record.token_hash else None


def resolve(token: str | None, *, engine: Engine | None = None,
            settings: Settings | None = None) -> Resolved:
    """The actor a token signs in now, reading the account afresh (one indexed query).

    Ends the session (audited) when it has been idle past the timeout or its account is
    disabled."""
    if not token or len(token) > 100:
        return Resolved(None, UNKNOWN)
    settings = settings or get_settings()
    now = clock.now_utc()
    with unit_of_work(engine, write=False) as session:
        row = session.execute(
            select(UserSession.id, UserSession.ended_at, UserSession.last_seen_at, User)
            .join(User, User.id == UserSession.user_id)
            .where(UserSession.token_hash == _digest(token))
        ).one_or_none()
    if row is None:
        return Resolved(None, UNKNOWN)
    session_id, ended_at, last_seen, user = row
    if ended_at is not None:
        return Resolved(None, ENDED, session_id, as_utc(ended_at))
    actor = Actor.of(user)
    if not user.is_active:
        end(session_id, actor=actor, reason="account disabled", engine=engine)
        return Resolved(None, DISABLED, session_id, now)
    idle = now - as_utc(last_seen)
    if idle > timedelta(minutes=settings.idle_timeout_minutes):
        end(session_id, actor=actor, reason="idle timeout", engine=engine)
        return Resolved(None, IDLE, session_id, now)
    if idle >= TOUCH_EVERY:
        _touch(session_id, now, engine)
    return Resolved(actor, None, session_id)


def _touch(session_id: int, now: datetime, engine: Engine | None) -> None:
    with unit_of_work(engine) as session:
        session.execute(update(UserSession).where(UserSession.id == session_id,
                                                  UserSession.ended_at.is_(None))
                        .values(last_seen_at=now))


def end(session_id: int, *, actor: Actor | None, reason: str,
        engine: Engine | None = None) -> bool:
    """End one session (sign-out, idle timeout, disabled account). False when it had
    already ended, so that two tabs noticing the same timeout audit it once."""
    now = clock.now_utc()
    with unit_of_work(engine) as session:
        changed = session.execute(
            update(UserSession).where(UserSession.id == session_id,
                                      UserSession.ended_at.is_(None))
            .values(ended_at=now, end_reason=reason[:32], handoff_hash=None,
                    handoff_sealed=None)
        ).rowcount
        if changed:
            audit.record(session, actor=actor, action="auth.sign_out", entity_type="user",
                         entity_id=actor.id if actor else None,
                         details={"reason": reason, "session": session_id})
    return bool(changed)


def end_all_for_user(session, *, user_id: int, reason: str) -> int:  # noqa: ANN001
    """End every open session of an account inside the caller's transaction (the caller
    audits the change that called for it). Returns how many were open."""
    return session.execute(
        update(UserSession).where(UserSession.user_id == user_id,
                                  UserSession.ended_at.is_(None))
        .values(ended_at=clock.now_utc(), end_reason=reason[:32], handoff_hash=None,
                handoff_sealed=None)
    ).rowcount
