"""Streamlit entry point: checks the database, then shows the pages the user's role uses.

Run with ``make run`` or ``workbench serve``. Hiding a page is not the permission check:
every service refuses what the role may not do.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from models import Role
from workbench.db import ensure_migrated, get_engine
from workbench.errors import DatabaseNotMigrated
from workbench.i18n import t
from workbench.settings import get_settings
from workbench.ui.session import current_actor

PAGES = Path(__file__).resolve().parent.parent / "pages"

st.set_page_config(page_title=t("app.title"), layout="wide")


@st.cache_resource
def _checked_engine(url: str):  # noqa: ANN202
    engine = get_engine(url)
    ensure_migrated(engine)
    return engine


try:
    _checked_engine(get_settings().resolved_database_url)
except DatabaseNotMigrated as exc:
    st.error(t("app.not_migrated", message=str(exc)))
    st.stop()

actor = current_actor()
if actor is None:
    pages = [st.Page(PAGES / "sign_in.py", title=t("nav.sign_in"), default=True)]
else:
    by_role = {
        Role.INQUIRER: [st.Page(PAGES / "cases.py", title=t("nav.my_cases"), default=True)],
        Role.MANAGER: [st.Page(PAGES / "cases.py", title=t("nav.all_cases"), default=True)],
        Role.COUNSELLOR: [st.Page(PAGES / "cases.py", title=t("nav.my_appeals"), default=True)],
        Role.ADMIN: [st.Page(PAGES / "sign_out.py", title=t("nav.sign_out"), default=True)],
    }
    pages = by_role.get(actor.role, [])
    if actor.role != Role.ADMIN:
        pages.append(st.Page(PAGES / "sign_out.py", title=t("nav.sign_out")))
    with st.sidebar:
        st.caption(f"{actor.display_name} · {actor.role}")

st.navigation(pages).run()
