"""Helpers for the AppTest suites: what a page shows, driving its widgets, and the database
behind it."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from models import Application, AuditEvent, StatusEvent, User
from tests.conftest import insert_case
from workbench.core.actor import Actor
from workbench.core.db import unit_of_work
from workbench.ui.core.session import ACTOR_KEY

PAGES = Path(__file__).resolve().parents[2] / "pages"
#: The tick a step that cannot be undone waits for (workbench.ui.core.confirm), and what the form
#: says when the step is asked for without it.
UNDERSTOOD = "I understand this cannot be undone."
NOT_CONFIRMED = "Tick “I understand this cannot be undone.” first: nothing has been recorded."


# --- reading the page ------------------------------------------------------------------------


def _walk(node: Any) -> Iterator[Any]:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def messages(at: AppTest) -> str:
    """The text of titles, captions, markdown and every alert, one per line."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "success",
                 "warning", "error"):
        parts.extend(str(e.value) for e in getattr(at, kind))
    return "\n".join(parts)


def everything(at: AppTest) -> str:
    """All text the page sent to the browser: every element's content, table cells included."""
    parts: list[str] = []
    for root in (at.main, at.sidebar):
        for node in _walk(root):
            proto = getattr(node, "proto", None)
            if proto is not None:
                parts.append(str(proto))
            if getattr(node, "type", None) == "dataframe":
                parts.append(node.value.to_string())
    return "\n".join(parts)


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def shown(body: str) -> str:
    """What a reader sees of Markdown escaped by ``workbench.ui.core.text.md``: the backslash
    escapes, character references and invisible joiners taken out."""
    return html.unescape(_ESCAPED.sub(r"\1", str(body)).replace("\u2060", ""))


def badges(at: AppTest) -> list[str]:
    """Labels of the ``st.badge`` elements (sent as markdown ``:colour-badge[label]``)."""
    found = []
    for m in at.markdown:
        body = str(m.value)
        if "-badge[" in body and body.endswith("]"):
            found.append(body.split("-badge[", 1)[1][:-1])
    return found


def table(at: AppTest, key: str | None = None, *, having: str | None = None) -> list[dict]:
    """Rows of a dataframe as dicts: the one with ``key`` (only selectable tables carry
    theirs), else the first ``having`` that column, else the first."""
    frames = [d for d in at.dataframe
              if (key is None or d.key == key)
              and (having is None or having in d.value.columns)]
    assert frames, f"no dataframe {key or having or ''} on the page"
    return [{name: link_text(value) for name, value in row.items()}
            for row in frames[0].value.to_dict(orient="records")]


_LINK = re.compile(r"^/[a-z-]+\?[^#]*#(.+)$")


def link_text(value: Any) -> Any:
    """What a link cell (``workbench.ui.core.tables.link``) shows: the text after ``#``."""
    if isinstance(value, str) and (found := _LINK.match(value)):
        from urllib.parse import unquote

        return unquote(found.group(1))
    return value


def link_target(at: AppTest, name: str, row: int, key: str | None = None, *,
                having: str | None = None) -> str:
    """The address a link cell opens (``/case?case=12``), without the shown text; the table
    is found as ``table`` finds it."""
    frames = [d for d in at.dataframe
              if (key is None or d.key == key)
              and (having is None or having in d.value.columns)]
    assert frames, f"no dataframe {key or having or ''} on the page"
    return frames[0].value.iloc[row][name].split("#", 1)[0]


def column(at: AppTest, name: str, key: str | None = None) -> list[str]:
    return [row[name] for row in table(at, key)]


def by_label(widgets: Iterable[Any], label: str) -> Any:
    matches = [w for w in widgets if w.label == label]
    assert len(matches) == 1, f"expected one widget labelled {label!r}, found {len(matches)}"
    return matches[0]


def button(at: AppTest, label: str) -> Any:
    return by_label(at.button, label)


# --- driving the app -------------------------------------------------------------------------


def open_case_file(at: AppTest, case_id: int | str) -> AppTest:
    """Go to the case file with ``?case=<id>``, as a link from elsewhere would."""
    at.query_params["case"] = str(case_id)
    return at.switch_page("../pages/case_file.py").run()


def select_rows(at: AppTest, key: str, rows: list[int]) -> None:
    """Select dataframe rows as a click in the table would (AppTest has no click for tables;
    the selection state accepts writes through session state)."""
    at.session_state[key] = {"selection": {"rows": rows, "columns": [], "cells": []}}


def page_as(page_file: str, actor: Actor) -> AppTest:
    """Run one page script directly for a signed-in ``actor``: the way to reach a page that
    the role's menu does not offer, to show that the services themselves refuse."""
    at = AppTest.from_file(str(PAGES / page_file), default_timeout=30)
    at.session_state[ACTOR_KEY] = actor
    return at.run()


# --- the database behind it ------------------------------------------------------------------


def case_row(engine, case_id: int) -> Application:  # noqa: ANN001
    with unit_of_work(engine, write=False) as s:
        app = s.get(Application, case_id)
        s.expunge(app)
        return app


def status_events(engine, case_id: int) -> list[str]:  # noqa: ANN001
    with unit_of_work(engine, write=False) as s:
        return list(s.execute(select(StatusEvent.action)
                              .where(StatusEvent.application_id == case_id)
                              .order_by(StatusEvent.id)).scalars())


def user_row(engine, username: str) -> User | None:  # noqa: ANN001
    with unit_of_work(engine, write=False) as s:
        user = s.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if user is not None:
            s.expunge(user)
        return user


def audit_entries(engine, action: str | None = None, *, actor_id: int | None = None,  # noqa: ANN001
                  entity_id: int | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.seq)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if entity_id is not None:
        query = query.where(AuditEvent.entity_id == str(entity_id))
    with unit_of_work(engine, write=False) as s:
        rows = list(s.execute(query).scalars())
        s.expunge_all()
        return rows


def details(entry: AuditEvent) -> dict:
    return json.loads(entry.details)


def set_case_number(engine, case_id: int, number: str) -> None:  # noqa: ANN001
    with unit_of_work(engine) as s:
        app = s.get(Application, case_id)
        app.case_number = number
        s.add(app)


def case_number(engine, case_id: int) -> str:  # noqa: ANN001
    return case_row(engine, case_id).case_number


def add_application(engine, of_case: int, *, inquirer: Actor | None,  # noqa: ANN001
                    application_number: int = 2, lodged: date = date(2024, 1, 20),
                    **fields: Any) -> int:
    """A further application of the person behind ``of_case``."""
    other = insert_case(engine, inquirer=inquirer, lodged=lodged,
                        application_number=application_number, **fields)
    with unit_of_work(engine) as s:
        person_id = s.get(Application, of_case).person_id
        app = s.get(Application, other)
        app.person_id = person_id
        s.add(app)
    return other
