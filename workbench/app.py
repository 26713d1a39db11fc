"""Streamlit entry point: checks the database, resolves the signed-in session, then shows the
pages the user's role uses.

Served by ``workbench/server.py`` (``make run``, ``workbench serve``), which adds the route
that sets the session cookie. Hiding a page is not the permission check: every service
refuses what the role may not do.
"""

from __future__ import annotations

import streamlit as st

from workbench.core.db import ensure_migrated, get_engine
from workbench.core.errors import DatabaseNotMigrated
from workbench.core.i18n import t
from workbench.core.settings import get_settings
from workbench.ui.core import language, nav
from workbench.ui.core.format import enum_label
from workbench.ui.core.session import current_actor, hand_over_cookie
from workbench.ui.core.text import md, tm
from workbench.ui.core.timing import timed_run
from workbench.ui.reporting.tasks import tasks_title


@st.cache_resource
def _checked_engine(url: str):  # noqa: ANN202
    engine = get_engine(url)
    ensure_migrated(engine)
    return engine


with timed_run():
    try:
        _checked_engine(get_settings().resolved_database_url)
    except DatabaseNotMigrated as exc:
        st.error(tm("app.not_migrated", message=str(exc)))
        st.stop()

    actor = current_actor()
    language.apply(actor)
    st.set_page_config(page_title=t("app.title"), layout="wide")
    if actor is None:
        navigation = st.navigation(nav.signed_out_pages(), position="hidden")
        nav.remember_requested(navigation.url_path)
    else:
        navigation = st.navigation(nav.pages_for(actor, {"tasks": tasks_title(actor)}))
        nav.go_to_requested(actor)
        with st.sidebar:
            st.markdown(f"**{md(actor.display_name)}**  \n{enum_label('role', actor.role)}")
            hand_over_cookie()
            language.switch(actor)
    navigation.run()
