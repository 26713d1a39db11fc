"""The pages of the app and which roles see them in the menu.

Hiding a page is not the permission check: every page calls services that refuse what the
role may not do. Page objects are built here so that any page can link to another.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from models import Role
from workbench.actor import Actor
from workbench.i18n import t

PAGES_DIR = Path(__file__).resolve().parents[2] / "pages"


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
    PageSpec("queue", "queue.py", "nav.queue", "queue", frozenset({Role.MANAGER})),
    PageSpec("case", "case_file.py", "nav.case_file", "case",
             frozenset({Role.INQUIRER, Role.MANAGER, Role.COUNSELLOR})),
    PageSpec("users", "users.py", "nav.users", "users", frozenset({Role.ADMIN}),
             section="nav.section_admin"),
    PageSpec("sign_out", "sign_out.py", "nav.sign_out", "sign-out",
             frozenset(Role), section="nav.section_account"),
)

_TITLES_BY_ROLE = {("cases", Role.MANAGER): "nav.all_cases",
                   ("cases", Role.COUNSELLOR): "nav.my_appeals"}


def page(key: str, role: Role | None = None, default: bool = False) -> st.Page:
    spec = next(p for p in PAGES if p.key == key)
    title = t(_TITLES_BY_ROLE.get((key, role), spec.title_key))
    return st.Page(PAGES_DIR / spec.file, title=title, url_path=spec.url_path,
                   default=default)


def sign_in_page() -> st.Page:
    return st.Page(PAGES_DIR / "sign_in.py", title=t("nav.sign_in"), url_path="sign-in",
                   default=True)


def pages_for(actor: Actor) -> dict[str, list[st.Page]]:
    """The menu for the actor's role, grouped in sections; the first page is the default."""
    menu: dict[str, list[st.Page]] = {}
    first = True
    for spec in PAGES:
        if actor.role not in spec.roles:
            continue
        menu.setdefault(t(spec.section), []).append(page(spec.key, actor.role, default=first))
        first = False
    return menu


def open_case_page(case_id: int) -> None:
    st.switch_page(page("case"), query_params={"case": str(case_id)})
