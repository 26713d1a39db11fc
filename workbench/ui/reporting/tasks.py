"""The To do page: what the signed-in user has to do next, one table per kind of work, each
case number a link to the page where the work is done; and the count shown in the menu."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import t, tn
from workbench.reporting import tasks
from workbench.reporting.tasks import Task, TaskGroup
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.format import date_cell, date_columns, datetime_cell
from workbench.ui.core.session import kept
from workbench.ui.core.tables import link, link_column

#: The menu's count is kept this long per user (the page itself always reads afresh).
COUNT_SECONDS = 60
COUNT_KEY = "wb_task_count"
#: Items shown per kind of work.
SHOWN = 50


def menu_count(actor: Actor) -> int:
    """The number of items in the actor's To do list, counted at most once a minute."""
    if actor.role not in tasks.KINDS_BY_ROLE:
        return 0

    def count() -> int:
        with unit_of_work(get_engine(), write=False) as session:
            return tasks.task_count(session, actor=actor)

    try:
        return kept(COUNT_KEY, actor.id, COUNT_SECONDS, count)
    except Exception:  # noqa: BLE001 - the menu must show even if counting fails
        return 0


def _remember_count(actor: Actor, groups: Sequence[TaskGroup]) -> None:
    """The page has just counted everything: the menu shows that figure from the next run."""
    st.session_state.setdefault(COUNT_KEY, {}).pop(actor.id, None)
    kept(COUNT_KEY, actor.id, COUNT_SECONDS, lambda: sum(g.total for g in groups))


def _rows(group: TaskGroup) -> tuple[list[dict], dict]:
    number, applicant = t("columns.case_number"), t("columns.name")
    config: dict = {number: link_column(number, help=t(f"tasks.link_help.{group.kind}"))}
    rows = []
    for item in group.items:
        row = {number: link(item.page, item.params, item.case_number), applicant: item.applicant}
        row.update(_details(group.kind, item))
        rows.append(row)
    if group.kind in (tasks.SORTING, tasks.STANDARD):
        config.update(date_columns(t("columns.lodged"), t("tasks.col_due")))
    elif group.kind in (tasks.APPROVAL, tasks.RETURNED):
        config.update(date_columns(times=(t(f"tasks.col_since.{group.kind}"),)))
    else:
        config.update(date_columns(times=(t("tasks.col_allocated"),)))
    return rows, config


def _details(kind: str, item: Task) -> dict:
    if kind == tasks.APPROVAL:
        return {t("tasks.col_since.approval"): datetime_cell(item.since),
                t("tasks.col_drafted_by"): item.note or "—"}
    if kind == tasks.RETURNED:
        return {t("tasks.col_since.returned"): datetime_cell(item.since),
                t("tasks.col_reason"): item.note or "—"}
    if kind in (tasks.SORTING, tasks.STANDARD):
        left = (item.due - clock.today()).days if item.due else None
        return {t("columns.lodged"): date_cell(item.since),
                t("tasks.col_due"): date_cell(item.due),
                t("tasks.col_days_left"): tn("tasks.days_left", left or 0)}
    row = {t("tasks.col_allocated"): datetime_cell(item.since)}
    if kind == tasks.OPINION:
        row[t("tasks.col_submit")] = t("tasks.submit_now" if item.ready
                                       else "tasks.after_hearing")
    return row


def render_page(actor: Actor) -> None:
    st.title(t("tasks.heading"))
    groups: list[TaskGroup] = []
    with shown_errors():
        with unit_of_work(get_engine(), write=False) as session:
            groups = tasks.tasks(session, actor=actor, limit=SHOWN)
    _remember_count(actor, groups)
    total = sum(g.total for g in groups)
    st.caption(tn("tasks.total", total) if total else t("tasks.nothing"))
    st.caption(t("tasks.intro", days=tasks.WARNING_DAYS))
    for group in groups:
        with st.container(border=True):
            st.subheader(tn(f"tasks.kind.{group.kind}", group.total), anchor=False)
            if not group.total:
                st.caption(t(f"tasks.none.{group.kind}"))
                continue
            rows, config = _rows(group)
            st.dataframe(rows, hide_index=True, width="stretch", column_config=config)
            if group.total > len(group.items):
                st.caption(t("tasks.more", shown=len(group.items), total=group.total))


def tasks_title(actor: Actor) -> str:
    """"To do (3)": the menu entry of the To do page with the number of items waiting."""
    count = menu_count(actor)
    return t("nav.tasks_count", count=count) if count else t("nav.tasks")
