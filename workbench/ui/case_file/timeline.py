"""The timeline of status events, newest first."""

from __future__ import annotations

import streamlit as st

from workbench.core.actor import Actor
from workbench.core.i18n import t
from workbench.intake.case_file import CaseFile
from workbench.ui.core.format import date_columns, datetime_cell, state_label


def render(case: CaseFile, actor: Actor) -> None:
    if not case.events:
        st.caption(t("timeline.empty"))
        return
    rows = []
    for event in reversed(case.events):
        rows.append({
            t("timeline.when"): datetime_cell(event.occurred_at),
            t("timeline.step"): t(f"transition.{event.action}"),
            t("timeline.from"): state_label(event.from_state) if event.from_state else "",
            t("timeline.to"): state_label(event.to_state),
            t("timeline.actor"): event.actor_name or t("timeline.system"),
            t("timeline.reason"): event.reason or "",
        })
    st.dataframe(rows, hide_index=True, width="stretch", key="timeline_table",
                 column_config=date_columns(times=(t("timeline.when"),)))
