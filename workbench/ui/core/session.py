"""The signed-in user of this browser: sign-in, sign-out, and the session resolved afresh on
every run.

The session itself lives on the server (``workbench.core.sessions``); the browser names it with
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

import streamlit as st

from workbench.core import auth, sessions
from workbench.core.actor import Actor
from workbench.core.db import get_engine
from workbench.core.errors import AuthenticationFailed
from workbench.core.i18n import t
from workbench.core.settings import get_settings

T = TypeVar("T")

#: The actor resolved in this run (read by the pages through ``require_actor``).
ACTOR_KEY = "wb_actor"
#: The token of the session this Streamlit session signed in, before the cookie is set.
TOKEN_KEY = "wb_session_token"
NOTICE_KEY = "wb_notice"
#: The one-time code the browser exchanges for its cookie, until it has been sent.
_HANDOFF_KEY = "wb_session_handoff"
#: The provider sign-in last refused in this browser session (issuer, subject, issued at).
_REFUSED_KEY = "wb_oidc_refused"

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
    pages of this run; None, with the reason shown on the sign-in page, when it has ended.

    With the office's identity provider on, a sign-in there just made (``st.user``) opens a
    session too; a provider sign-in older than the end of this browser's last session does
    not, so sign-out, the idle timeout and disabling hold for those users as well."""
    token = _token()
    resolved = sessions.resolve(token, engine=get_engine()) if token else None
    if resolved is not None and resolved.actor is not None:
        st.session_state[ACTOR_KEY] = resolved.actor
        return resolved.actor
    had_actor = ACTOR_KEY in st.session_state or TOKEN_KEY in st.session_state
    if had_actor:
        # Signed in until now: forget everything of that session. (A stale cookie alone,
        # after a sign-out, must not clear the sign-in form being submitted.)
        _forget()
    if resolved is not None:
        notice = _REASON_NOTICES.get(resolved.reason or "")
        if notice and (had_actor or resolved.reason != sessions.ENDED):
            st.session_state[NOTICE_KEY] = t(
                notice, minutes=get_settings().idle_timeout_minutes)
    return _from_identity_provider(resolved.ended_at if resolved else None)


def _provider_claims() -> dict | None:
    """The verified ID-token claims of a sign-in at the office's identity provider."""
    if not get_settings().oidc_enabled:
        return None
    try:
        if not st.user.is_logged_in:
            return None
        return st.user.to_dict()
    except Exception:  # noqa: BLE001 - no sign-in configured in this run
        return None


def _from_identity_provider(session_ended_at) -> Actor | None:  # noqa: ANN001
    claims = _provider_claims()
    if claims is None:
        return None
    issued = claims.get("iat")
    if session_ended_at is not None and (
            not isinstance(issued, int | float)
            or issued <= session_ended_at.timestamp()):
        # A provider sign-in from before this browser's session ended (signed out, idle,
        # disabled): it does not open a new session; the user signs in again.
        return None
    marker = (claims.get("iss"), claims.get("sub"), issued)
    if st.session_state.get(_REFUSED_KEY) == marker:
        return None  # refused already: not audited again on every click
    from workbench.core import oidc

    try:
        actor = oidc.sign_in_with_claims(claims, engine=get_engine())
    except AuthenticationFailed as exc:
        st.session_state[NOTICE_KEY] = str(exc)
        st.session_state[_REFUSED_KEY] = marker
        return None
    _open_session(actor, via="oidc")
    return actor


def _forget() -> None:
    """Clear this browser's session state but the page asked for and a pending notice."""
    from workbench.ui.core.language import CHOSEN_KEY

    kept_keys = (_after_sign_in_key(), NOTICE_KEY, _REFUSED_KEY, CHOSEN_KEY)
    keep = {key: st.session_state[key] for key in kept_keys if key in st.session_state}
    st.session_state.clear()
    st.session_state.update(keep)


def _after_sign_in_key() -> str:
    from workbench.ui.core.nav import AFTER_SIGN_IN_KEY

    return AFTER_SIGN_IN_KEY


def sign_in(username: str, password: str) -> Actor:
    """Check the password, open a server-side session and send the browser to the route
    that sets its cookie, then on to the page the user asked for."""
    actor = auth.authenticate(username, password, engine=get_engine(), client=_client())
    _open_session(actor, via="password")
    return actor


def sign_in_with_provider() -> None:
    """Start the sign-in at the office's identity provider (it comes back to this app)."""
    from workbench.core.oidc import PROVIDER

    st.login(PROVIDER)


def _open_session(actor: Actor, *, via: str) -> None:
    started = sessions.start(actor, engine=get_engine(), via=via)
    from workbench.ui.core.language import CHOSEN_KEY

    kept = {key: st.session_state[key] for key in (_after_sign_in_key(), CHOSEN_KEY)
            if st.session_state.get(key) is not None}
    st.session_state.clear()
    st.session_state.update(kept)
    st.session_state[TOKEN_KEY] = started.token
    st.session_state[ACTOR_KEY] = actor
    st.session_state[_HANDOFF_KEY] = (started.handoff_code,
                                      time.monotonic() + sessions.HANDOFF_SECONDS)


def hand_over_cookie() -> None:
    """After sign-in: the browser exchanges the one-time code for its session cookie in the
    background (the server's route sets it; a page script cannot set an HttpOnly cookie), so
    that a reload or a second tab stays signed in. No page load is spent. The request is
    sent with every run for the code's lifetime, because a run cut short by a page switch or
    a rerun never reaches the browser; once the code is spent the route refuses it."""
    handoff = st.session_state.get(_HANDOFF_KEY)
    if not handoff:
        return
    code, until = handoff
    if time.monotonic() > until:
        del st.session_state[_HANDOFF_KEY]
        return
    from workbench.core.sessions import SESSION_ROUTE

    # The code is URL-safe base64 (letters, digits, - and _): nothing to escape.
    st.html(f"<script>fetch('{SESSION_ROUTE}?code={code}', {{method: 'POST', "
            "credentials: 'same-origin', cache: 'no-store'});</script>",
            unsafe_allow_javascript=True)


def _client() -> str | None:
    """The address the browser connects from, for the sign-in throttle. Behind a reverse
    proxy on this machine, the address the proxy says it forwards for."""
    try:
        address = st.context.ip_address
        headers = st.context.headers
    except Exception:  # noqa: BLE001 - no request context (a bare script run)
        return None
    if address in ("127.0.0.1", "::1") and headers is not None:
        forwarded = headers.get("X-Real-IP") or (headers.get("X-Forwarded-For") or "")
        forwarded = forwarded.split(",")[-1].strip()
        if forwarded:
            return forwarded[:64]
    return address if isinstance(address, str) else None


def sign_out(reason: str = "sign-out") -> None:
    """End the session everywhere, and the provider sign-in of this browser with it. The
    session cookie may stay in the browser: it names an ended session, which signs nobody
    in again."""
    token = _token()
    actor = st.session_state.get(ACTOR_KEY)
    if token:
        resolved = sessions.resolve(token, engine=get_engine())
        if resolved.session_id is not None:
            sessions.end(resolved.session_id, actor=resolved.actor or actor, reason=reason,
                         engine=get_engine())
    st.session_state.clear()
    if _provider_claims() is not None:
        st.logout()


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
