"""The signed-in user of this browser: sign-in, sign-out, and the session resolved afresh on
every run.

The session itself lives on the server (``workbench.sessions``); the browser names it with
an HttpOnly cookie, so a reload or a second tab stays signed in. The script run that signs
a user in keeps the session's token in ``st.session_state`` too (a page script cannot see
the cookie it is about to receive), then sends the browser once through the route that sets
the cookie. Every full run (``app.py``) and every fragment rerun (``fragment``) resolves the
token again, so sign-out, the idle timeout, a disabled account or a changed role take effect
at the next click in every tab.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar
from urllib.parse import urlencode

import streamlit as st

from workbench import auth, sessions
from workbench.actor import Actor
from workbench.db import get_engine
from workbench.i18n import t
from workbench.settings import get_settings

T = TypeVar("T")

#: The actor resolved in this run (read by the pages through ``require_actor``).
ACTOR_KEY = "wb_actor"
#: The token of the session this Streamlit session signed in, before the cookie is set.
TOKEN_KEY = "wb_session_token"
NOTICE_KEY = "wb_notice"

_REASON_NOTICES = {
    sessions.IDLE: "sign_in.idle",
    sessions.DISABLED: "sign_in.disabled",
    sessions.ENDED: "sign_in.ended",
}


def _token() -> str | None:
    token = st.session_state.get(TOKEN_KEY)
    if token:
        return token
    try:
        cookie = st.context.cookies.get(sessions.COOKIE_NAME)
    except Exception:  # noqa: BLE001 - no request context (a bare script run)
        return None
    return cookie if isinstance(cookie, str) else None


def current_actor() -> Actor | None:
    """Resolve this browser's session now (one indexed query) and keep the actor for the
    pages of this run; None, with the reason shown on the sign-in page, when it has ended."""
    token = _token()
    if token is None:
        st.session_state.pop(ACTOR_KEY, None)
        return None
    resolved = sessions.resolve(token, engine=get_engine())
    if resolved.actor is None:
        had_actor = ACTOR_KEY in st.session_state or TOKEN_KEY in st.session_state
        _forget()
        notice = _REASON_NOTICES.get(resolved.reason or "")
        if notice and (had_actor or resolved.reason != sessions.ENDED):
            st.session_state[NOTICE_KEY] = t(
                notice, minutes=get_settings().idle_timeout_minutes)
        return None
    st.session_state[ACTOR_KEY] = resolved.actor
    return resolved.actor


def _forget() -> None:
    """Clear this browser's session state but the page asked for and a pending notice."""
    kept_keys = (_after_sign_in_key(), NOTICE_KEY)
    keep = {key: st.session_state[key] for key in kept_keys if key in st.session_state}
    st.session_state.clear()
    st.session_state.update(keep)


def _after_sign_in_key() -> str:
    from workbench.ui.nav import AFTER_SIGN_IN_KEY

    return AFTER_SIGN_IN_KEY


def redirect(url: str) -> None:
    """Send the browser to ``url`` (a route of this server) as a full page load."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None:
        return
    message = ForwardMsg()
    message.auth_redirect.url = url
    ctx.enqueue(message)


def sign_in(username: str, password: str) -> Actor:
    """Check the password, open a server-side session and send the browser to the route
    that sets its cookie, then on to the page the user asked for."""
    actor = auth.authenticate(username, password, engine=get_engine(), client=_client())
    started = sessions.start(actor, engine=get_engine())
    requested = st.session_state.get(_after_sign_in_key())
    st.session_state.clear()
    if requested is not None:
        st.session_state[_after_sign_in_key()] = requested
    st.session_state[TOKEN_KEY] = started.token
    st.session_state[ACTOR_KEY] = actor
    from workbench.server import SESSION_ROUTE
    from workbench.ui.nav import requested_path

    query = urlencode({"code": started.handoff_code, "next": requested_path(requested)})
    redirect(f"{SESSION_ROUTE}?{query}")
    return actor


def _client() -> str | None:
    """The address the browser connects from, for the sign-in throttle."""
    try:
        return st.context.ip_address
    except Exception:  # noqa: BLE001
        return None


def sign_out(reason: str = "sign-out") -> None:
    """End the session everywhere. The cookie may stay in the browser: it names an ended
    session, which signs nobody in again."""
    token = _token()
    actor = st.session_state.get(ACTOR_KEY)
    if token:
        resolved = sessions.resolve(token, engine=get_engine())
        if resolved.session_id is not None:
            sessions.end(resolved.session_id, actor=resolved.actor or actor, reason=reason,
                         engine=get_engine())
    st.session_state.clear()


def require_actor() -> Actor:
    """The actor resolved in this run; a page reached without one shows nothing more."""
    actor = st.session_state.get(ACTOR_KEY)
    if actor is None:
        st.stop()
    return actor


def fragment(func: Callable[..., Any]) -> Callable[..., Any]:
    """``st.fragment`` that resolves the session first when the fragment reruns alone, so
    that an action inside it (citing a passage) is refused after sign-out or the idle
    timeout: the whole app reruns and shows the sign-in page instead."""

    @functools.wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        from streamlit.runtime.scriptrunner_utils.script_run_context import (
            get_script_run_ctx,
        )

        ctx = get_script_run_ctx()
        if ctx is not None and ctx.fragment_ids_this_run and current_actor() is None:
            st.rerun(scope="app")
        return func(*args, **kwargs)

    return st.fragment(guarded)


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
