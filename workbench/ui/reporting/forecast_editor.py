"""The forecast's scenario editor: a draft of inquirers per office, arrivals per nationality
group, priority rule and standard period mirrored in the session state, run on request, and
saved or deleted (with confirmation) as a named scenario.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

import workbench.reporting.forecast as fc
from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import t
from workbench.core.settings import get_settings
from workbench.reporting.forecast.scenarios import ALL_GROUPS, PRIORITIES, SavedScenario, Scenario
from workbench.ui.core.confirm import irreversible, not_confirmed
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.text import md, tm
from workbench.ui.core.widgets import flash
from workbench.ui.reporting.forecast_compute import forecasts
from workbench.ui.reporting.forecast_words import BASE_PRIORITY, group_label, priority_label

DRAFT_KEY = "wb_fc_draft"
PENDING_KEY = "wb_fc_pending"
RUN_KEY = "wb_fc_run"
COMPARE_KEY = "fc_compare"
FROM_KEY = "fc_from"
NAME_KEY = "fc_name"
PRIORITY_KEY = "fc_priority"
STANDARD_ON_KEY = "fc_standard_on"
STANDARD_KEY = "fc_standard"
INQUIRERS_PREFIX = "fc_inq_"
ARRIVALS_PREFIX = "fc_arr_"
#: "A new scenario" in the editor's choice of scenario (saved scenarios have ids from 1).
NEW = 0


def _draft() -> dict:
    return st.session_state.setdefault(DRAFT_KEY, {
        "from": NEW, "name": "", "inquirers": {}, "arrivals": {}, "priority": BASE_PRIORITY,
        "standard_on": False, "standard": get_settings().standard_period_months})


def _load(scenario: Scenario | None, saved_id: int) -> dict:
    """The draft holding ``scenario`` saved as ``saved_id`` (a new, empty one for None)."""
    standard = get_settings().standard_period_months
    if scenario is None:
        return {"from": saved_id, "name": "", "inquirers": {}, "arrivals": {},
                "priority": BASE_PRIORITY, "standard_on": False, "standard": standard}
    return {"from": saved_id, "name": scenario.name, "inquirers": dict(scenario.inquirers),
            "arrivals": dict(scenario.arrivals), "priority": scenario.priority,
            "standard_on": scenario.standard_months is not None,
            "standard": scenario.standard_months or standard}


def _put_in_widgets(draft: dict) -> None:
    """Set every editor widget from ``draft`` (before the widgets are drawn)."""
    state = st.session_state
    state[DRAFT_KEY] = draft
    state[FROM_KEY] = draft["from"]
    state[NAME_KEY] = draft["name"]
    state[PRIORITY_KEY] = draft["priority"]
    state[STANDARD_ON_KEY] = draft["standard_on"]
    state[STANDARD_KEY] = int(draft["standard"])
    for key in [k for k in state if isinstance(k, str) and k.startswith(INQUIRERS_PREFIX)]:
        state[key] = int(draft["inquirers"].get(key[len(INQUIRERS_PREFIX):], 0))
    for key in [k for k in state if isinstance(k, str) and k.startswith(ARRIVALS_PREFIX)]:
        state[key] = float(draft["arrivals"].get(key[len(ARRIVALS_PREFIX):], 0.0))


def _apply_pending(saved: dict[int, SavedScenario]) -> None:
    """What the last run's buttons asked for, done before any widget is drawn: the editor
    loaded with a scenario, the scenarios compared."""
    pending = st.session_state.pop(PENDING_KEY, None)
    if not pending:
        return
    if "load" in pending:
        _put_in_widgets(_loaded(saved, pending["load"]))
    if "compare" in pending:
        st.session_state[COMPARE_KEY] = [i for i in pending["compare"] if i in saved]


def _loaded(saved: dict[int, SavedScenario], saved_id: int) -> dict:
    chosen = saved.get(saved_id)
    return _load(chosen.scenario, saved_id) if chosen else _load(None, NEW)


def _on_from_changed(saved: dict[int, SavedScenario]) -> None:
    _put_in_widgets(_loaded(saved, st.session_state.get(FROM_KEY, NEW)))


def _restore(key: str, value: object) -> None:
    """A widget's value from the draft when the widget was not drawn on the last run (the
    session forgets the values of widgets that are not on the page)."""
    if key not in st.session_state:
        st.session_state[key] = value


def _editor_scenario(draft: dict, *, default_name: str = "") -> Scenario:
    return Scenario(name=draft["name"].strip() or default_name,
                    inquirers={o: int(n) for o, n in draft["inquirers"].items() if n},
                    arrivals={g: float(p) for g, p in draft["arrivals"].items() if p},
                    priority=draft["priority"],
                    standard_months=int(draft["standard"]) if draft["standard_on"] else None)


def editor(actor: Actor, offices: Sequence[str], groups: Sequence[str],
           saved: dict[int, SavedScenario]) -> None:
    """Name, inquirers per office, arrivals per nationality group, priority rule and standard
    period; Run, Save scenario, and Delete with confirmation."""
    draft = _draft()
    if draft.get("from") not in saved:
        draft["from"] = NEW
    _restore(FROM_KEY, draft["from"])
    if st.session_state.get(FROM_KEY) not in (NEW, *saved):
        st.session_state[FROM_KEY] = NEW
    _restore(NAME_KEY, draft["name"])
    _restore(PRIORITY_KEY, draft["priority"])
    _restore(STANDARD_ON_KEY, draft["standard_on"])
    _restore(STANDARD_KEY, int(draft["standard"]))
    for office in offices:
        _restore(INQUIRERS_PREFIX + office, int(draft["inquirers"].get(office, 0)))
    for group in (ALL_GROUPS, *groups):
        _restore(ARRIVALS_PREFIX + group, float(draft["arrivals"].get(group, 0.0)))

    st.selectbox(t("forecast.start_from"), [NEW, *saved], key=FROM_KEY,
                 format_func=lambda i: t("forecast.new_scenario") if i == NEW
                 else saved[i].scenario.name,
                 on_change=_on_from_changed, args=(saved,),
                 help=t("forecast.start_from_help"))
    name = st.text_input(t("forecast.name"), key=NAME_KEY, max_chars=80,
                         placeholder=t("forecast.name_placeholder"))

    st.markdown(f"**{t('forecast.inquirers_heading')}**")
    st.caption(t("forecast.inquirers_help"))
    inquirers: dict[str, int] = {}
    columns = st.columns(4)
    for n, office in enumerate(offices):
        inquirers[office] = int(columns[n % 4].number_input(
            md(office), min_value=-500, max_value=500, step=1,
            key=INQUIRERS_PREFIX + office))

    st.markdown(f"**{t('forecast.arrivals_heading')}**")
    st.caption(t("forecast.arrivals_help"))
    arrivals: dict[str, float] = {}
    columns = st.columns(4)
    for n, group in enumerate((ALL_GROUPS, *groups)):
        arrivals[group] = float(columns[n % 4].number_input(
            md(group_label(group)), min_value=-100.0, max_value=500.0, step=5.0,
            format="%.0f", key=ARRIVALS_PREFIX + group))

    priority = st.radio(t("forecast.priority_label"), list(PRIORITIES), key=PRIORITY_KEY,
                        format_func=priority_label,
                        captions=[t(f"forecast.priority_help.{p}") for p in PRIORITIES])
    a, b = st.columns([2, 3])
    standard_on = a.checkbox(t("forecast.change_standard"), key=STANDARD_ON_KEY,
                             help=t("forecast.change_standard_help",
                                    months=get_settings().standard_period_months))
    standard = b.number_input(t("forecast.standard_months"), min_value=1, max_value=120,
                              step=1, key=STANDARD_KEY, disabled=not standard_on)

    draft.update({"name": name, "priority": priority, "standard_on": standard_on,
                  "standard": int(standard), "from": st.session_state.get(FROM_KEY)})
    # Offices and groups the history no longer has keep their values in the draft.
    draft["inquirers"] = {**draft["inquirers"], **inquirers}
    draft["arrivals"] = {**draft["arrivals"], **arrivals}
    st.session_state[DRAFT_KEY] = draft

    run_col, save_col, _ = st.columns([1, 1, 3])
    ran = run_col.button(t("forecast.run"), type="primary", key="fc_run")
    saving = save_col.button(t("forecast.save"), key="fc_save")
    if ran:
        with shown_errors(stop=False):
            scenario = _editor_scenario(draft, default_name=t("forecast.unnamed")).check()
            st.session_state[RUN_KEY] = scenario
            if scenario.is_baseline:
                st.info(t("forecast.same_as_baseline"))
            else:  # computed here, its progress under the button; the charts find it kept
                forecasts(actor, [(t("forecast.unsaved", name=scenario.name), scenario)],
                          st.empty())
    if saving:
        _save(actor, draft, saved)

    chosen = saved.get(draft["from"])
    if chosen is not None:
        _delete_form(actor, chosen)


def _save(actor: Actor, draft: dict, saved: dict[int, SavedScenario]) -> None:
    """Save the editor's scenario: a new one, or the changes of the one opened. A new
    scenario may not take the name of another one (that would overwrite it)."""
    name = " ".join(draft["name"].split())
    taken = next((i for i, s in saved.items() if s.scenario.name == name), None)
    if taken is not None and taken != draft["from"]:
        st.error(tm("forecast.name_taken", name=name))
        return
    with shown_errors(stop=False):
        with unit_of_work(get_engine()) as session:
            result = fc.save_scenario(session, actor=actor, scenario=_editor_scenario(draft))
        compared = list(st.session_state.get(COMPARE_KEY) or [])
        if result.id not in compared:
            compared.append(result.id)
        st.session_state[PENDING_KEY] = {"compare": compared, "load": result.id}
        run = st.session_state.get(RUN_KEY)
        if run is not None and run.key() == result.scenario.key():
            st.session_state.pop(RUN_KEY, None)
        flash(tm("forecast.saved" if result.version == 1 else "forecast.updated",
                 name=result.scenario.name))
        st.rerun()


def _delete_form(actor: Actor, chosen: SavedScenario) -> None:
    with st.form("fc_delete", border=True):
        st.markdown(tm("forecast.delete_heading", name=chosen.scenario.name))
        ticked = irreversible(tm("forecast.delete_consequence", name=chosen.scenario.name),
                              key="fc_delete_confirm")
        asked = st.form_submit_button(t("forecast.delete"))
    if not asked:
        return
    if not ticked:
        not_confirmed()
        return
    with shown_errors(stop=False):
        with unit_of_work(get_engine()) as session:
            fc.delete_scenario(session, actor=actor, scenario_id=chosen.id)
        compared = [i for i in st.session_state.get(COMPARE_KEY) or [] if i != chosen.id]
        st.session_state[PENDING_KEY] = {"compare": compared, "load": NEW}
        flash(tm("forecast.deleted", name=chosen.scenario.name))
        st.rerun()
