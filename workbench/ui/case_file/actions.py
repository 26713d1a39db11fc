"""Workflow actions open to the user on this case, each confirmed and, where the table
says so, with a reason. The service decides; this form only collects what it needs."""

from __future__ import annotations

import streamlit as st

from models import PrimaryOutcome, ResidenceMeasure, ReviewRuling, SortingCategory
from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.errors import WorkbenchError
from workbench.core.i18n import t
from workbench.core.workflow import Transition, TransitionInput, available_actions, transition
from workbench.intake.case_file import CaseFile
from workbench.ui.core.format import category_label, enum_label, outcome_label, state_label
from workbench.ui.core.widgets import date_field, flash, show_flash

_CATEGORIES = [c for c in SortingCategory if c != SortingCategory.UNSORTED]
_OUTCOMES = [PrimaryOutcome.RECOGNISED_REFUGEE, PrimaryOutcome.RECOGNISED_CP,
             PrimaryOutcome.NOT_RECOGNISED_HUMANITARIAN_STAY, PrimaryOutcome.NOT_RECOGNISED]
_RULINGS = [ReviewRuling.GRANTED, ReviewRuling.DISMISSED_MERITS,
            ReviewRuling.DISMISSED_INADMISSIBLE]


#: Steps taken on their own pages, which keep the decision and appeal records in step with
#: the case (the Decision page, and the Appeal page or the case file's review section).
ON_THEIR_OWN_PAGES = frozenset({
    "draft_decision", "return_draft", "approve_decision", "serve_notice",
    "reopen_for_new_decision", "file_review", "file_review_inaction", "assign_panel",
    "hold_hearing", "skip_hearing", "submit_panel_opinion", "record_ruling",
    "withdraw_review"})


def render(case: CaseFile, actor: Actor) -> None:
    show_flash()
    app = case.application
    # The version the user had on screen: the page re-reads the case on every run, so the
    # one to check a submission against is the one stored when the form was last shown.
    version_key = f"wb_loaded_version_{app.id}"
    action_key = f"wb_loaded_action_{app.id}"
    loaded_version = st.session_state.get(version_key, app.version)
    everything = available_actions(app, actor)
    options = [o for o in everything if o.name not in ON_THEIR_OWN_PAGES]
    if len(options) < len(everything):
        st.caption(t("actions.elsewhere"))
    if not options:
        st.session_state[version_key] = app.version
        st.caption(t("actions.none"))
        return
    names = [o.name for o in options]
    chosen_name = st.selectbox(t("actions.choose"), names,
                               format_func=lambda n: t(f"transition.{n}"),
                               key=f"action_choice_{app.id}")
    spec = next(o for o in options if o.name == chosen_name)
    # One form per case whatever the action, so that a submission made from a page that
    # has since gone out of date still arrives, and is refused as stale by the service.
    with st.form(f"action_form_{app.id}", clear_on_submit=False):
        data = _inputs(spec)
        # A new tick for every version of the case: one confirmation, one action.
        confirmed = st.checkbox(t("actions.confirm"),
                                key=f"action_confirm_{app.id}_{loaded_version}")
        submitted = st.form_submit_button(t("actions.submit"), type="primary")
    if not submitted:
        st.session_state[version_key] = app.version
        st.session_state[action_key] = spec.name
        return
    if not confirmed:
        st.warning(t("actions.must_confirm"))
        return
    action = st.session_state.get(action_key, spec.name)
    try:
        with unit_of_work(get_engine()) as session:
            result = transition(session, actor=actor, application_id=app.id,
                                action=action, data=data, expected_version=loaded_version)
    except WorkbenchError as exc:
        st.error(str(exc))
        # The page now shows the current case: a second attempt is judged against it.
        st.session_state[version_key] = app.version
        st.session_state[action_key] = spec.name
        return
    spec = next((o for o in options if o.name == action), spec)
    # The next form is for the case as it now stands, with its own confirmation.
    st.session_state[version_key] = result.version
    st.session_state.pop(action_key, None)
    flash(t("actions.done", label=t(f"transition.{spec.name}"),
            state=state_label(result.state)))
    st.rerun()


def _inputs(spec: Transition) -> TransitionInput:
    data = TransitionInput()
    today = clock.today()
    fields = set(spec.fields)
    if "category" in fields:
        data.category = st.selectbox(t("actions.category"), _CATEGORIES,
                                     format_func=category_label, index=None)
        measure = st.selectbox(t("actions.residence_measure"),
                               [None, *[m for m in ResidenceMeasure
                                        if m != ResidenceMeasure.UNDECIDED]],
                               format_func=lambda m: t("actions.default_measure") if m is None
                               else enum_label("measure", m))
        data.residence_measure = measure
    if "outcome" in fields:
        data.outcome = st.selectbox(t("actions.outcome"), _OUTCOMES, format_func=outcome_label,
                                    index=None)
    if "notice_date" in fields:
        data.notice_date = date_field(t("actions.notice_date"), today,
                                      key=f"action_notice_{spec.name}", max_value=today)
    if "filed_date" in fields:
        data.filed_date = date_field(t("actions.filed_date"), today,
                                     key=f"action_filed_{spec.name}", max_value=today)
    if "ruling" in fields:
        data.ruling = st.selectbox(t("actions.ruling"), _RULINGS,
                                   format_func=lambda r: enum_label("ruling", r), index=None)
    if "reason" in fields or spec.reason_required:
        label = t("actions.reason_required") if spec.reason_required else t("actions.reason")
        data.reason = st.text_area(label, max_chars=4000)
    return data
