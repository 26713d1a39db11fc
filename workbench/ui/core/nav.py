"""The pages of the app and which roles see them in the menu.

Hiding a page is not the permission check: every page calls services that refuse what the
role may not do. Page objects are built here so that any page can link to another.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from models import Role
from workbench.core.actor import Actor
from workbench.core.i18n import t

PAGES_DIR = Path(__file__).resolve().parents[3] / "pages"


@dataclass(frozen=True)
class PageSpec:
    key: str
    file: str
    title_key: str
    url_path: str
    roles: frozenset[Role]
    section: str = "nav.section_work"
    in_menu: bool = True


PAGES: tuple[PageSpec, ...] = (
    PageSpec("cases", "cases.py", "nav.my_cases", "cases",
             frozenset({Role.INQUIRER, Role.MANAGER, Role.COUNSELLOR})),
    # What the user has to do next, with its count in the menu
    # (``workbench.ui.reporting.tasks.tasks_title``).
    PageSpec("tasks", "tasks.py", "nav.tasks", "tasks",
             frozenset({Role.INQUIRER, Role.MANAGER, Role.COUNSELLOR})),
    PageSpec("queue", "queue.py", "nav.queue", "queue", frozenset({Role.MANAGER})),
    PageSpec("dashboard", "dashboard.py", "nav.dashboard", "dashboard",
             frozenset({Role.MANAGER})),
    PageSpec("case", "case_file.py", "nav.case_file", "case",
             frozenset({Role.INQUIRER, Role.MANAGER, Role.COUNSELLOR})),
    PageSpec("register", "register.py", "nav.register", "register",
             frozenset({Role.INQUIRER, Role.MANAGER})),
    # The examination of one case, reached from its case file (``?case=ID``).
    PageSpec("interview", "interview.py", "exam.nav_interview", "interview",
             frozenset({Role.INQUIRER, Role.MANAGER}), in_menu=False),
    PageSpec("assessment", "assessment.py", "exam.nav_assessment", "assessment",
             frozenset({Role.INQUIRER, Role.MANAGER}), in_menu=False),
    PageSpec("decision", "decision.py", "exam.nav_decision", "decision",
             frozenset({Role.INQUIRER, Role.MANAGER}), in_menu=False),
    # Administrative review: the appeals list, one appeal (``?appeal=ID``), the panels.
    PageSpec("appeals", "appeals.py", "appeal.nav_appeals", "appeals",
             frozenset({Role.MANAGER, Role.COUNSELLOR}), section="appeal.nav_section"),
    # Hidden, and filed under Work: an inquirer has no other page in the review section.
    PageSpec("appeal", "appeal.py", "appeal.nav_appeal", "appeal",
             frozenset({Role.MANAGER, Role.COUNSELLOR, Role.INQUIRER}), in_menu=False),
    PageSpec("panels", "panels.py", "appeal.nav_panels", "panels", frozenset({Role.MANAGER}),
             section="appeal.nav_section"),
    PageSpec("users", "users.py", "nav.users", "users", frozenset({Role.ADMIN}),
             section="nav.section_admin"),
    # After the users page, so that an administrator still starts on the users page.
    PageSpec("triage", "triage.py", "nav.triage", "triage",
             frozenset({Role.INQUIRER, Role.MANAGER, Role.ADMIN})),
    PageSpec("coi", "coi_library.py", "coi.nav_library", "coi", frozenset(Role),
             section="coi.nav_section"),
    PageSpec("coi_document", "coi_document.py", "coi.nav_document", "coi-document",
             frozenset(Role), section="coi.nav_section", in_menu=False),
    PageSpec("sign_out", "sign_out.py", "nav.sign_out", "sign-out",
             frozenset(Role), section="nav.section_account"),
)

_TITLES_BY_ROLE = {("cases", Role.MANAGER): "nav.all_cases",
                   # A counsellor's appeals page is "My appeals"; this one lists their cases.
                   ("cases", Role.COUNSELLOR): "appeal.nav_panel_cases",
                   ("appeals", Role.COUNSELLOR): "nav.my_appeals",
                   ("triage", Role.ADMIN): "nav.triage_admin"}
#: Pages filed under another menu section for one role (an administrator's Category A list).
_SECTIONS_BY_ROLE = {("triage", Role.ADMIN): "nav.section_admin"}


def url_path(key: str) -> str:
    """The address of a page (``case`` for ``/case?case=12``)."""
    return next(p for p in PAGES if p.key == key).url_path


def page(key: str, role: Role | None = None, default: bool = False,
         title: str | None = None) -> st.Page:
    spec = next(p for p in PAGES if p.key == key)
    title = title or t(_TITLES_BY_ROLE.get((key, role), spec.title_key))
    return st.Page(PAGES_DIR / spec.file, title=title, url_path=spec.url_path,
                   default=default, visibility="visible" if spec.in_menu else "hidden")


def sign_in_page() -> st.Page:
    return st.Page(PAGES_DIR / "sign_in.py", title=t("nav.sign_in"), url_path="sign-in",
                   default=True)


def signed_out_pages() -> list[st.Page]:
    """Before sign-in every address shows the sign-in page, so that a bookmarked or shared
    link (``/case?case=12``) asks for a sign-in and then goes where it pointed."""
    return [sign_in_page()] + [
        st.Page(PAGES_DIR / "sign_in.py", title=t("nav.sign_in"), url_path=spec.url_path)
        for spec in PAGES if spec.key != "sign_out"
    ]


AFTER_SIGN_IN_KEY = "wb_after_sign_in"


def remember_requested(url_path: str) -> None:
    """Keep the address a signed-out user asked for, to go there after sign-in."""
    spec = next((p for p in PAGES if p.url_path == url_path), None)
    if spec is not None:
        st.session_state[AFTER_SIGN_IN_KEY] = (spec.key, st.query_params.to_dict())


def go_to_requested(actor: Actor) -> None:
    """After sign-in, continue to the page the user asked for, if their role has it."""
    requested = st.session_state.pop(AFTER_SIGN_IN_KEY, None)
    if requested is None:
        return
    key, params = requested
    spec = next(p for p in PAGES if p.key == key)
    if actor.role in spec.roles:
        st.switch_page(page(key, actor.role), query_params=params)


def pages_for(actor: Actor, titles: Mapping[str, str] | None = None
              ) -> dict[str, list[st.Page]]:
    """The menu for the actor's role, grouped in sections; the first page is the default.
    ``titles`` replaces the title of a page by its key (the To do page's count)."""
    menu: dict[str, list[st.Page]] = {}
    first = True
    for spec in PAGES:
        if actor.role not in spec.roles:
            continue
        section = _SECTIONS_BY_ROLE.get((spec.key, actor.role), spec.section)
        title = (titles or {}).get(spec.key)
        menu.setdefault(t(section), []).append(page(spec.key, actor.role, default=first,
                                                    title=title))
        first = False
    return menu


def open_case_page(case_id: int) -> None:
    st.switch_page(page("case"), query_params={"case": str(case_id)})
