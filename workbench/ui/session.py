"""The signed-in user in ``st.session_state``: sign-in, sign-out and the idle timeout."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import TypeVar

import streamlit as st

from workbench import auth
from workbench.actor import Actor
from workbench.db import get_engine
from workbench.settings import get_settings

T = TypeVar("T")

ACTOR_KEY = "wb_actor"
ACTIVITY_KEY = "wb_last_activity"
NOTICE_KEY = "wb_notice"


def current_actor() -> Actor | None:
    """The signed-in actor, or None; signs out after the idle timeout."""
    actor = st.session_state.get(ACTOR_KEY)
    if actor is None:
        return None
    now = time.monotonic()
    limit = get_settings().idle_timeout_minutes * 60
    last = st.session_state.get(ACTIVITY_KEY, now)
    if now - last > limit:
        sign_out(reason="idle timeout")
        from workbench.i18n import t

        st.session_state[NOTICE_KEY] = t("sign_in.idle",
                                         minutes=get_settings().idle_timeout_minutes)
        return None
    st.session_state[ACTIVITY_KEY] = now
    return actor


def sign_in(username: str, password: str) -> Actor:
    actor = auth.authenticate(username, password, engine=get_engine())
    from workbench.ui.nav import AFTER_SIGN_IN_KEY

    requested = st.session_state.get(AFTER_SIGN_IN_KEY)
    st.session_state.clear()
    if requested is not None:
        st.session_state[AFTER_SIGN_IN_KEY] = requested
    st.session_state[ACTOR_KEY] = actor
    st.session_state[ACTIVITY_KEY] = time.monotonic()
    return actor


def sign_out(reason: str = "sign-out") -> None:
    actor = st.session_state.get(ACTOR_KEY)
    if actor is not None:
        auth.sign_out(actor, engine=get_engine(), reason=reason)
    st.session_state.clear()


def require_actor() -> Actor:
    """The signed-in actor; a page reached without one shows nothing more."""
    actor = current_actor()
    if actor is None:
        st.stop()
    return actor


def kept(slot: str, key: Hashable, seconds: float, compute: Callable[[], T]) -> T:
    """``compute()``, kept in this user's session under ``slot`` for ``seconds`` per ``key``,
    so that reruns of a page do not query again for what they have just shown. The session
    is this user's own: nothing personal is shared between users."""
    store: dict = st.session_state.setdefault(slot, {})
    now = time.monotonic()
    hit = store.get(key)
    if hit is not None and now - hit[0] < seconds:
        return hit[1]
    value = compute()
    for old in [k for k, (at, _) in store.items() if now - at >= seconds]:
        del store[old]
    store[key] = (now, value)
    return value
