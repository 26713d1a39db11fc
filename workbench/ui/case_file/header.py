"""The case header: who, which case, where it stands, and its clocks."""

from __future__ import annotations

from datetime import date

import streamlit as st

from models import CaseState
from workbench.core import clock
from workbench.core.i18n import t
from workbench.intake.case_file import CaseFile
from workbench.ui.core.format import (
    CATEGORY_COLOURS,
    STATE_COLOURS,
    application_label,
    category_label,
    fmt_date,
    outcome_label,
    state_label,
)
from workbench.ui.core.text import md


def render(case: CaseFile) -> None:
    app, person = case.application, case.person
    st.title(md(f"{person.family_name.upper()} {person.given_names}"))
    readings = [f"{t(label)}: {value}" for label, value in (
        ("case.name_kana", person.name_kana), ("case.name_kanji", person.name_kanji)) if value]
    if readings:
        st.markdown(md(" · ".join(readings)))
    st.caption(md(f"{app.case_number} · {t(f'apptype.{app.application_type}')} · "
                  f"{application_label(app.application_number)} · {person.nationality}"))
    badges = st.container(horizontal=True)
    with badges:
        st.badge(state_label(app.state), color=STATE_COLOURS.get(app.state, "gray"))
        st.badge(f"{t('case.category')} {category_label(app.sorting_category)}",
                 color=CATEGORY_COLOURS.get(app.sorting_category, "gray"))
        if app.outcome and app.state in (CaseState.DECISION_DRAFTED, CaseState.APPROVED):
            st.badge(t("case.proposed", outcome=outcome_label(app.outcome)), color="violet")
        elif app.outcome:
            st.badge(outcome_label(app.outcome), color="gray")
        if app.application_number >= 3:
            st.badge(t("flag.3rd+"), color="red")
        elif app.application_number == 2:
            st.badge(t("flag.2nd"), color="orange")
        if app.detained:
            st.badge(t("flag.detained"), color="red")
        if app.removal_procedure:
            st.badge(t("flag.removal"), color="orange")
    _clocks(case)


def _clocks(case: CaseFile) -> None:
    c = case.clocks
    today = clock.today()
    cols = st.columns(4)
    cols[0].metric(t("case.lodged"), fmt_date(case.application.lodged_date),
                   help=t("case.clock_days", days=(today - case.application.lodged_date).days))
    cols[1].metric(t("case.clock_sorting"), fmt_date(c["sorting_deadline"]),
                   delta=_sorting_delta(c), delta_color="off" if c["sorted_on"] else "inverse",
                   delta_arrow="off")
    cols[2].metric(t("case.clock_standard"), fmt_date(c["standard_deadline"]),
                   delta=_standard_delta(c),
                   delta_color="inverse" if c["standard_overdue"] else "off",
                   delta_arrow="off")
    review = c["review_deadline"]
    cols[3].metric(t("case.clock_review"), fmt_date(review),
                   delta=_review_delta(case, today), delta_color="off", delta_arrow="off")
    st.caption(md(f"{t('case.inquirer')}: {case.assigned_inquirer or t('case.unassigned')} · "
                  f"{t('case.office')}: {case.application.office} · "
                  f"{t('case.version')} {case.application.version}"))


def _review_delta(case: CaseFile, today: date) -> str | None:
    """Where the review window stands: open until its last day, closed after it, and closed
    in any case once a request against this notice has been ruled on (or withdrawn)."""
    c, notice = case.clocks, case.application.notice_date
    review = c["review_deadline"]
    if review is None:
        return None
    ruled, filed = c.get("ruled_on"), c.get("review_filed_on")
    if ruled is not None and notice is not None and ruled >= notice:
        return t("case.clock_ruled", date=fmt_date(ruled))
    if filed is not None and notice is not None and filed >= notice:
        return t("case.clock_filed", date=fmt_date(filed))
    if today <= review:
        return t("case.clock_open_until", date=fmt_date(review))
    return t("case.clock_closed", date=fmt_date(review))


def _sorting_delta(c: dict) -> str | None:
    if c["sorted_on"]:
        return t("case.clock_sorted", date=fmt_date(c["sorted_on"]), days=c["days_to_sorting"])
    if c["sorting_overdue"]:
        return t("case.clock_overdue", date=fmt_date(c["sorting_deadline"]))
    return t("case.clock_due", date=fmt_date(c["sorting_deadline"]))


def _standard_delta(c: dict) -> str | None:
    if c["decided_on"]:
        return t("case.clock_decided", date=fmt_date(c["decided_on"]),
                 days=c["days_to_decision"])
    if c["standard_overdue"]:
        return t("case.clock_overdue", date=fmt_date(c["standard_deadline"]))
    if c["pending_days"] is not None:
        return t("case.clock_due", date=fmt_date(c["standard_deadline"]))
    return None
