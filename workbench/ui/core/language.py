"""The language each user reads the workbench in, and the switch in the sidebar.

The language follows, first found: the signed-in user's own choice (kept on the account), the
choice made in this browser before signing in, the office setting (``WORKBENCH_LANGUAGE``),
the browser's language (``st.context.locale``), English. Every full run decides it once
(``apply``) and keeps it in the session, where ``workbench.core.i18n`` reads it for every message of
the run, its callbacks and its fragment reruns.
"""

from __future__ import annotations

import streamlit as st

from workbench.core import auth, i18n
from workbench.core.actor import Actor
from workbench.core.db import unit_of_work
from workbench.core.i18n import LANGUAGE_NAMES, t

#: The language of this browser session's pages, decided at each full run.
LANGUAGE_KEY = "wb_language"
#: A choice made with the switch while signed out (kept through sign-in and sign-out).
CHOSEN_KEY = "wb_language_chosen"
_SWITCH_KEY = "wb_language_switch"


def _session_language() -> str | None:
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    if get_script_run_ctx() is None:
        return None
    try:
        return st.session_state.get(LANGUAGE_KEY)
    except Exception:  # noqa: BLE001 - no session (a bare script run)
        return None


i18n.register_language_source(_session_language)


def _browser_language() -> str | None:
    try:
        return i18n.from_locale(st.context.locale)
    except Exception:  # noqa: BLE001 - no request context
        return None


def apply(actor: Actor | None) -> str:
    """Decide this run's language and keep it for the run's messages. A choice made before
    signing in becomes the account's choice when the account has none yet."""
    chosen = st.session_state.get(CHOSEN_KEY)
    if actor is not None and actor.id is not None and actor.language is None and chosen:
        with unit_of_work() as session:
            auth.set_language(session, actor=actor, language=chosen)
    language = i18n.choose_language(
        actor.language if actor is not None else None,
        st.session_state.get(CHOSEN_KEY),
        i18n.office_language(),
        _browser_language(),
    )
    st.session_state[LANGUAGE_KEY] = language
    return language


def _switched(actor: Actor | None) -> None:
    language = st.session_state.get(_SWITCH_KEY)
    if i18n.supported(language) is None:
        return
    st.session_state[CHOSEN_KEY] = language
    st.session_state[LANGUAGE_KEY] = language
    if actor is not None and actor.id is not None:
        with unit_of_work() as session:
            auth.set_language(session, actor=actor, language=language)


def switch(actor: Actor | None) -> None:
    """The language choice (in the sidebar when signed in, on the sign-in page otherwise)."""
    options = list(LANGUAGE_NAMES)
    current = st.session_state.get(LANGUAGE_KEY) or i18n.current_language()
    st.session_state[_SWITCH_KEY] = current
    st.selectbox(t("app.language"), options, key=_SWITCH_KEY,
                 format_func=lambda code: LANGUAGE_NAMES[code],
                 on_change=_switched, args=(actor,))
