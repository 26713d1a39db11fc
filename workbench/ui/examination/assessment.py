"""The assessment page of one case: the material facts, each rated on the five credibility
indicators and then found; the eligibility elements in order; the outcome they lead to and
the one the inquirer chooses.

One form per fact, per element and for the outcome: each save is one action and one
transaction, refused whole (nothing half-saved) when anything in it is wrong. Forms keep one
key whatever the version, so that a submission from a page gone out of date still arrives
and is refused as stale by the service, with who changed what and when.
"""

from __future__ import annotations

import streamlit as st

from models import (
    CredibilityIndicator,
    Element,
    ElementFinding,
    FactFinding,
    IndicatorRating,
    PrimaryOutcome,
)
from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.i18n import t
from workbench.examination.assessments import (
    CHOOSABLE,
    GROUNDS,
    AssessmentView,
    FactView,
    assessment,
    choose_outcome,
    find_fact,
    rate_fact,
    record_element,
    remove_fact,
    save_fact,
)
from workbench.examination.eligibility import ELEMENT_ORDER, ELEMENT_QUESTIONS
from workbench.ui.core import nav
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.format import outcome_label
from workbench.ui.core.text import md
from workbench.ui.examination.shared import (
    bump,
    loaded_version,
    notify,
    page_header,
    round_of,
    show_notice,
    text_block,
)

INDICATORS = tuple(CredibilityIndicator)
RATINGS = (IndicatorRating.SUPPORTS, IndicatorRating.NEUTRAL, IndicatorRating.UNDERMINES,
           IndicatorRating.NOT_ASSESSED)
FINDINGS = (FactFinding.ACCEPTED, FactFinding.REJECTED, FactFinding.BENEFIT_OF_THE_DOUBT)
FINDING_COLOURS = {FactFinding.ACCEPTED: "green", FactFinding.REJECTED: "red",
                   FactFinding.BENEFIT_OF_THE_DOUBT: "blue"}
RATING_COLOURS = {IndicatorRating.SUPPORTS: "green", IndicatorRating.NEUTRAL: "gray",
                  IndicatorRating.UNDERMINES: "red", IndicatorRating.NOT_ASSESSED: "gray"}


def render_page(actor: Actor, case_id: int | None) -> None:
    case = page_header(actor, case_id, "assessment")
    view: AssessmentView | None = None
    with shown_errors():
        with unit_of_work(get_engine(), write=False) as session:
            view = assessment(session, actor=actor, application_id=case.application.id)
    if not view.editable:
        st.info(t("assessment.read_only"), icon=":material/visibility:")
    facts_part(actor, view)
    elements_part(actor, view)
    outcome_part(actor, view)


def _area(view: AssessmentView, part: str) -> str:
    return f"as_{part}_{view.application_id}"


# --- material facts ---------------------------------------------------------------------------


def facts_part(actor: Actor, view: AssessmentView) -> None:
    st.header(t("assessment.facts_heading"), divider="gray")
    st.caption(t("assessment.facts_intro"))
    show_notice(_area(view, "facts"))
    if not view.citations:
        with st.container(border=True):
            st.markdown(t("assessment.no_citations"))
            st.page_link(nav.page("coi"), label=t("assessment.to_library"),
                         query_params={"case": str(view.application_id)},
                         icon=":material/travel_explore:")
    if not view.facts:
        st.caption(t("assessment.no_facts"))
    for number, fact in enumerate(view.facts, start=1):
        with st.container(border=True):
            _fact(actor, view, fact, number)
    if view.editable:
        _add_fact(actor, view)


def _finding_badge(finding: str | None) -> None:
    if finding:
        st.badge(t(f"assessment.finding.{finding}"),
                 color=FINDING_COLOURS.get(finding, "gray"))
    else:
        st.badge(t("assessment.no_finding"), color="orange")


def _fact(actor: Actor, view: AssessmentView, fact: FactView, number: int) -> None:
    head = st.container(horizontal=True, vertical_alignment="center", wrap=False)
    with head:
        _finding_badge(fact.finding)
        st.markdown(f"**{t('assessment.fact_n', number=number)}** {md(fact.statement)}",
                    width="stretch")
    show_notice(f"as_fact_{fact.id}")
    if not view.editable:
        _fact_read_only(view, fact)
        return
    _fact_form(actor, view, fact)
    _fact_edit(actor, view, fact)


def _fact_read_only(view: AssessmentView, fact: FactView) -> None:
    citations = {c.id: c.reference for c in view.citations}
    rows = []
    for indicator in INDICATORS:
        rating = fact.ratings.get(indicator.value)
        rows.append({
            t("assessment.col_indicator"): t(f"assessment.indicator.{indicator.value}"),
            t("assessment.col_rating"): t(f"assessment.rating.{rating.rating}") if rating
            else t("assessment.not_rated"),
            t("assessment.col_reason"): rating.reason if rating and rating.reason else "—",
            t("assessment.col_passages"): "; ".join(citations.get(c, "—")
                                                    for c in rating.citation_ids)
            if rating and rating.citation_ids else "—",
        })
    st.dataframe(rows, hide_index=True, width="stretch")
    if fact.finding:
        st.markdown(f"**{t('assessment.finding_reason')}**")
        text_block(fact.finding_reason)


def _fact_form(actor: Actor, view: AssessmentView, fact: FactView) -> None:
    name = f"as_fact_{fact.id}"
    citations = {c.id: c for c in view.citations}
    entered: dict[str, tuple] = {}
    with st.form(f"{name}_{round_of(name)}"):
        st.markdown(f"**{t('assessment.credibility')}**")
        for indicator in INDICATORS:
            existing = fact.ratings.get(indicator.value)
            c1, c2 = st.columns([5, 4], vertical_alignment="bottom")
            rating = c1.radio(
                t(f"assessment.indicator.{indicator.value}"), RATINGS,
                index=RATINGS.index(IndicatorRating(existing.rating)) if existing else None,
                horizontal=True, format_func=lambda r: t(f"assessment.rating.{r}"),
                help=t(f"assessment.indicator_help.{indicator.value}"),
                key=f"{name}_{round_of(name)}_{indicator.value}_rating")
            reason = c2.text_input(t("assessment.rating_reason"),
                                   value=existing.reason if existing else "",
                                   key=f"{name}_{round_of(name)}_{indicator.value}_reason")
            cited: list[int] = list(existing.citation_ids) if existing else []
            if indicator == CredibilityIndicator.EXTERNAL_CONSISTENCY_COI:
                if citations:
                    cited = st.multiselect(
                        t("assessment.passages"), list(citations),
                        default=[c for c in cited if c in citations],
                        format_func=lambda c: citations[c].reference,
                        placeholder=t("assessment.passages_hint"),
                        key=f"{name}_{round_of(name)}_passages")
                else:
                    st.caption(t("assessment.passages_none"))
            entered[indicator.value] = (rating, reason, cited)
        st.markdown(f"**{t('assessment.finding_heading')}**")
        c1, c2 = st.columns([5, 4], vertical_alignment="bottom")
        finding = c1.radio(t("assessment.finding_label"), FINDINGS,
                           index=FINDINGS.index(FactFinding(fact.finding))
                           if fact.finding else None, horizontal=True,
                           format_func=lambda f: t(f"assessment.finding.{f}"),
                           key=f"{name}_{round_of(name)}_finding")
        finding_reason = c2.text_input(t("assessment.finding_reason"),
                                       value=fact.finding_reason or "",
                                       key=f"{name}_{round_of(name)}_finding_reason")
        saved = st.form_submit_button(t("assessment.fact_save"), type="primary",
                                      key=f"{name}_save")
    expected = loaded_version(name, fact.version, saved)
    if not saved:
        return
    changes = []
    for indicator, (rating, reason, cited) in entered.items():
        existing = fact.ratings.get(indicator)
        if rating is None:
            if reason.strip():
                st.error(t("assessment.rating_missing",
                           indicator=t(f"assessment.indicator.{indicator}")))
                return
            continue
        if existing and (existing.rating, existing.reason, list(existing.citation_ids)) == (
                rating, reason.strip(), list(cited)):
            continue
        changes.append((indicator, rating, reason, cited))
    found = finding is not None and (finding, finding_reason.strip()) != (
        fact.finding, (fact.finding_reason or "").strip())
    if finding is None and finding_reason.strip():
        st.error(t("assessment.finding_missing"))
        return
    if not changes and not found:
        st.info(t("assessment.nothing_changed"))
        return
    with shown_errors(stop=False):
        with unit_of_work(get_engine()) as session:
            for indicator, rating, reason, cited in changes:
                rate_fact(session, actor=actor, application_id=view.application_id,
                          fact_id=fact.id, indicator=indicator, rating=rating, reason=reason,
                          citation_ids=cited)
            if found:
                # Each rating saved above counts as one change of the fact.
                find_fact(session, actor=actor, application_id=view.application_id,
                          fact_id=fact.id, finding=finding, reason=finding_reason,
                          expected_version=expected + len(changes))
        bump(name)
        notify(name, t("assessment.fact_saved"))
        st.rerun()


def _fact_edit(actor: Actor, view: AssessmentView, fact: FactView) -> None:
    name = f"as_fact_edit_{fact.id}"
    with st.popover(t("assessment.fact_edit"), icon=":material/edit:"):
        with st.form(f"{name}_reword_{round_of(name)}", border=False):
            statement = st.text_area(t("assessment.fact_statement"), value=fact.statement,
                                     height=90)
            reword = st.form_submit_button(t("assessment.fact_reword"))
        with st.form(f"{name}_remove_{round_of(name)}", border=False):
            reason = st.text_input(t("assessment.fact_remove_reason"))
            remove = st.form_submit_button(t("assessment.fact_remove"),
                                           icon=":material/delete:")
    expected = loaded_version(name, fact.version, reword or remove)
    if reword:
        with shown_errors(stop=False):
            with unit_of_work(get_engine()) as session:
                save_fact(session, actor=actor, application_id=view.application_id,
                          statement=statement, fact_id=fact.id, expected_version=expected)
            bump(name)
            bump(f"as_fact_{fact.id}")
            notify(f"as_fact_{fact.id}", t("assessment.fact_reworded"))
            st.rerun()
    if remove:
        with shown_errors(stop=False):
            with unit_of_work(get_engine()) as session:
                remove_fact(session, actor=actor, application_id=view.application_id,
                            fact_id=fact.id, reason=reason)
            notify(_area(view, "facts"), t("assessment.fact_removed"))
            st.rerun()


def _add_fact(actor: Actor, view: AssessmentView) -> None:
    name = _area(view, "add_fact")
    with st.form(f"{name}_{round_of(name)}"):
        statement = st.text_area(t("assessment.fact_new"), height=80,
                                 placeholder=t("assessment.fact_new_hint"))
        added = st.form_submit_button(t("assessment.fact_add"), icon=":material/add:")
    if added:
        with shown_errors(stop=False):
            with unit_of_work(get_engine()) as session:
                save_fact(session, actor=actor, application_id=view.application_id,
                          statement=statement)
            bump(name)
            notify(_area(view, "facts"), t("assessment.fact_added"))
            st.rerun()


# --- elements ---------------------------------------------------------------------------------


def elements_part(actor: Actor, view: AssessmentView) -> None:
    st.header(t("assessment.elements_heading"), divider="gray")
    st.caption(t("assessment.elements_intro"))
    for number, element in enumerate(ELEMENT_ORDER, start=1):
        with st.container(border=True):
            _element(actor, view, element, number)


def _element(actor: Actor, view: AssessmentView, element: Element, number: int) -> None:
    found = view.elements.get(element.value)
    head = st.container(horizontal=True, vertical_alignment="center", wrap=False)
    with head:
        if found is None:
            st.badge(t("assessment.element_open"), color="orange")
        elif found.finding == ElementFinding.MET:
            st.badge(t("assessment.met"), color="green")
        else:
            st.badge(t("assessment.not_met"), color="red")
        st.markdown(f"**{number}. {t(f'assessment.element.{element.value}')}** — "
                    f"{md(ELEMENT_QUESTIONS[element])}", width="stretch")
    name = f"as_element_{view.application_id}_{element.value}"
    show_notice(name)
    ground = element == Element.CONVENTION_GROUND
    if not view.editable:
        if found is not None:
            text_block(found.reason)
            if ground and found.grounds:
                st.caption(t("assessment.grounds_are", grounds=", ".join(
                    t(f"assessment.ground.{g}") for g in found.grounds)))
        return
    findings = (ElementFinding.MET, ElementFinding.NOT_MET)
    with st.form(f"{name}_{round_of(name)}", border=False):
        c1, c2 = st.columns([2, 5])
        finding = c1.radio(t("assessment.element_finding"), findings,
                           index=findings.index(ElementFinding(found.finding))
                           if found else None, horizontal=True,
                           format_func=lambda f: t("assessment.met") if f == ElementFinding.MET
                           else t("assessment.not_met"),
                           key=f"{name}_{round_of(name)}_finding")
        reason = c2.text_area(t("assessment.element_reason"),
                              value=found.reason if found else "", height=68,
                              key=f"{name}_{round_of(name)}_reason")
        grounds: list[str] = []
        if ground:
            grounds = st.multiselect(t("assessment.grounds"), list(GROUNDS),
                                     default=list(found.grounds) if found else [],
                                     format_func=lambda g: t(f"assessment.ground.{g}"),
                                     placeholder=t("assessment.grounds_hint"),
                                     key=f"{name}_{round_of(name)}_grounds")
        saved = st.form_submit_button(t("assessment.element_save"), key=f"{name}_save")
    expected = loaded_version(name, found.version if found else 0, saved)
    if not saved:
        return
    if finding is None:
        st.error(t("assessment.element_choose"))
        return
    with shown_errors(stop=False):
        with unit_of_work(get_engine()) as session:
            record_element(session, actor=actor, application_id=view.application_id,
                           element=element, finding=finding, reason=reason, grounds=grounds,
                           expected_version=expected if found else None)
        bump(name)
        notify(name, t("assessment.element_saved"))
        st.rerun()


# --- proposal and outcome ---------------------------------------------------------------------


def outcome_part(actor: Actor, view: AssessmentView) -> None:
    st.header(t("assessment.outcome_heading"), divider="gray")
    area = _area(view, "outcome")
    show_notice(area)
    proposal = view.proposal
    with st.container(border=True):
        st.markdown(f"**{t('assessment.proposal_heading')}**")
        if proposal.outcome is not None:
            st.badge(outcome_label(proposal.outcome), color="violet",
                     icon=":material/lightbulb:")
            st.markdown(md(proposal.explanation))
        else:
            st.markdown(md(proposal.explanation))
        st.caption(t("assessment.proposal_hint"))
    if view.chosen_outcome:
        lines = [t("assessment.chosen", outcome=outcome_label(view.chosen_outcome))]
        if view.departure_reason:
            lines.append(t("assessment.departed", reason=md(view.departure_reason)))
        if view.humanitarian_considered:
            lines.append(t("assessment.humanitarian_granted") if view.humanitarian_permission
                         else t("assessment.humanitarian_refused"))
        st.success("  \n".join(lines), icon=":material/task_alt:")
    if not view.editable:
        return
    if proposal.outcome is None:
        st.caption(t("assessment.outcome_wait"))
        return
    options = list(CHOOSABLE)
    current = view.chosen_outcome or proposal.outcome.value
    with st.form(f"{area}_{round_of(area)}"):
        outcome = st.radio(t("assessment.outcome_label"), options,
                           index=options.index(PrimaryOutcome(current)), horizontal=True,
                           format_func=lambda o: outcome_label(o)
                           + (f" ({t('assessment.proposed')})" if o == proposal.outcome
                              else ""), key=f"{area}_{round_of(area)}_choice")
        departure = st.text_area(t("assessment.departure_reason"),
                                 value=view.departure_reason or "", height=80,
                                 key=f"{area}_{round_of(area)}_departure")
        st.markdown(f"**{t('assessment.humanitarian_heading')}**")
        st.caption(t("assessment.humanitarian_hint"))
        c1, c2 = st.columns(2)
        considered = c1.checkbox(t("assessment.humanitarian_considered"),
                                 value=view.humanitarian_considered,
                                 key=f"{area}_{round_of(area)}_considered")
        granted = c2.checkbox(t("assessment.humanitarian_permission"),
                              value=view.humanitarian_permission,
                              key=f"{area}_{round_of(area)}_granted")
        humanitarian_reason = st.text_area(t("assessment.humanitarian_reason"),
                                           value=view.humanitarian_reason or "", height=80,
                                           key=f"{area}_{round_of(area)}_hreason")
        chosen = st.form_submit_button(t("assessment.outcome_submit"), type="primary",
                                       key=f"{area}_save")
    expected = loaded_version(area, view.version, chosen)
    if not chosen:
        return
    with shown_errors(stop=False):
        with unit_of_work(get_engine()) as session:
            result = choose_outcome(session, actor=actor, application_id=view.application_id,
                                    outcome=outcome, departure_reason=departure,
                                    humanitarian_considered=considered,
                                    humanitarian_permission=granted,
                                    humanitarian_reason=humanitarian_reason,
                                    expected_version=expected)
        bump(area)
        notify(area, t("assessment.outcome_saved",
                       outcome=outcome_label(result.chosen_outcome)))
        st.rerun()
