"""The triage page: the queue of unsorted cases with their suggestions, one case's grounds and
evidence with Confirm and Override, the managers' quality check, and the Category A list.

Triage is advice: this page shows what the engine suggests and why; a person sorts the case.
Every action goes through the triage desk's services (``workbench.intake.triage_desk``,
``triage_confirm``, ``triage_qc``, ``a_countries``), which check permissions and audit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import streamlit as st

from models import SortingCategory
from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.errors import WorkbenchError
from workbench.core.i18n import t, tn
from workbench.core.settings import get_settings
from workbench.intake.a_countries import list_a_countries, may_admin, save_a_country
from workbench.intake.triage_confirm import bulk_confirm, confirm, may_decide
from workbench.intake.triage_desk import (
    CaseTriage,
    QueueFilter,
    QueueItem,
    case_triage,
    count_unsuggested,
    suggest_for_case,
    suggest_unsorted,
    triage_queue,
)
from workbench.intake.triage_qc import may_qc, qc_queue, qc_record
from workbench.intake.triage_views import DECIDABLE, SuggestionView
from workbench.ui.core import nav
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.format import (
    CATEGORY_COLOURS,
    application_label,
    date_cell,
    date_columns,
    fmt_date,
    fmt_datetime,
)
from workbench.ui.core.tables import case_link, link_column
from workbench.ui.core.text import html_text, md, tm
from workbench.ui.core.widgets import date_field, date_refused, flash, show_flash

CASE_KEY = "triage_case"
ROUND_KEY = "triage_round"
_CUE_STYLE = ('display:inline-block;padding:0 .45em;margin:0 .2em;border-radius:.7em;'
              'background:rgba(128,128,128,.18);font-size:.75em;vertical-align:middle')


# --- small pieces shared with the case file -------------------------------------------------


def _esc(text: str) -> str:
    """Untrusted text inside the raw HTML of a marked narrative, line breaks kept."""
    return html_text(text, breaks=True)


def category_text(category: str | None) -> str:
    if not category:
        return "—"
    return t("triage.abstain") if category == "ABSTAIN" else t(f"category.{category}")


def suggestion_text(s: SuggestionView | None) -> str:
    if s is None:
        return t("triage.no_suggestion_short")
    if s.abstained:
        return t("triage.abstain")
    return t("triage.suggested_with_confidence", category=category_text(s.category),
             confidence=f"{s.confidence:.0%}")


def _colour(category: str) -> str:
    return "gray" if category == "ABSTAIN" else CATEGORY_COLOURS.get(category, "gray")


def narrative_html(narrative: str, suggestion: SuggestionView | None) -> str:
    """The narrative with the evidence sentences marked, each cue in bold with its type as a
    small label (a negated cue struck through), and the engine's note after the sentence."""
    if not narrative.strip():
        return f"<em>{_esc(t('claim.empty'))}</em>"
    spans = sorted(suggestion.evidence if suggestion else (), key=lambda e: e.start)
    out, pos = [], 0
    for ev in spans:
        if ev.start < pos or ev.end > len(narrative) or ev.start >= ev.end:
            continue
        out.append(_esc(narrative[pos:ev.start]))
        sentence = narrative[ev.start:ev.end]
        inner, cursor, labels = [], 0, []
        for cue in sorted(ev.cues, key=lambda c: c.start):
            if cue.start < cursor or cue.end > len(sentence):
                continue
            inner.append(_esc(sentence[cursor:cue.start]))
            word = _esc(sentence[cue.start:cue.end])
            inner.append(f"<s>{word}</s>" if cue.negated else f"<b>{word}</b>")
            cursor = cue.end
            tag = cue.label
            if cue.negated:
                tag = t("triage.cue_negated", label=tag)
            elif cue.hypothetical:
                tag = t("triage.cue_hypothetical", label=tag)
            labels.append(f'<span style="{_CUE_STYLE}">'
                          f'{"<s>" if cue.negated else ""}{_esc(tag)}'
                          f'{"</s>" if cue.negated else ""}</span>')
        inner.append(_esc(sentence[cursor:]))
        out.append(f"<mark>{''.join(inner)}</mark>{''.join(labels)}")
        if ev.note:
            out.append(f' <small><em>({_esc(ev.note)})</em></small>')
        pos = ev.end
    out.append(_esc(narrative[pos:]))
    return "".join(out)


def show_evidence(suggestion: SuggestionView) -> None:
    """Only the evidence sentences, each marked as in ``narrative_html``."""
    parts = []
    for ev in suggestion.evidence:
        single = SuggestionView(**{**suggestion.__dict__, "evidence": (
            type(ev)(ev.sentence, 0, len(ev.sentence), ev.cues, ev.note),)})
        parts.append(f"<div style=\"margin:.3em 0\">{narrative_html(ev.sentence, single)}</div>")
    if parts:
        st.markdown(f"**{t('triage.evidence')}**")
        st.markdown(f'<div style="line-height:1.7">{"".join(parts)}</div>',
                    unsafe_allow_html=True)


def show_narrative(narrative: str, suggestion: SuggestionView | None) -> None:
    st.markdown(f'<div class="wb-triage-narrative" style="line-height:1.7">'
                f'{narrative_html(narrative, suggestion)}</div>', unsafe_allow_html=True)


def show_suggestion(s: SuggestionView | None, *, with_versions: bool = True) -> None:
    """The suggestion, its grounds and flags (not the narrative)."""
    if s is None:
        st.info(t("triage.no_suggestion"))
        return
    row = st.container(horizontal=True)
    with row:
        st.badge(suggestion_text(s), color=_colour(s.category))
        if s.b_reason_label:
            st.badge(t("triage.b_reason", reason=s.b_reason_label), color="red")
        if s.third_or_later:
            st.badge(t("triage.third_or_later"), color="red")
    if s.abstained:
        st.warning(t("triage.abstained_because") + "\n\n" + "\n".join(
            f"- {md(r)}" for r in s.abstain_reasons or (t("triage.no_reason_given"),)))
    # Why a claim with crime, extortion, debt or private-dispute cues is not B (the engine's
    # NotB notes): shown first, apart from the other grounds, so it is read at a glance.
    why_not_b = list(s.why_not_b)
    for note in why_not_b:
        st.info(md(note))
    if s.p_b is not None and s.category != "B":
        # How near to B a claim that is not suggested B came, in the model's own estimate.
        st.caption(t("triage.p_b", share=f"{s.p_b:.0%}"))
    others = [r for r in s.reasons if r not in why_not_b]
    if others:
        st.markdown(f"**{t('triage.grounds')}**\n\n" + "\n".join(f"- {md(r)}" for r in others))
    if s.third_or_later:
        key = ("triage.exception_applies" if s.third_or_later_exception
               else "triage.exception_not_applies")
        st.markdown(t(key))
    if s.category == "C" or s.repeats_case_number:
        st.markdown(tm("triage.repeats", case=s.repeats_case_number or "—",
                      share=f"{(s.new_share or 0):.0%}"))
    elif s.new_share is not None:
        st.caption(t("triage.new_share", share=f"{s.new_share:.0%}"))
    if s.a_list_reason and s.category == "A":
        st.caption(tm("triage.a_list_reason", reason=s.a_list_reason))
    if with_versions:
        st.caption(tm("triage.versions", model=s.model_version, rules=s.rules_version,
                      cues=s.cues_version, when=fmt_datetime(s.created_at),
                      who=s.created_by or t("triage.system")))


# --- the page ---------------------------------------------------------------------------------


def render_page(actor: Actor) -> None:
    st.title(t("triage.heading"))
    show_flash()
    if may_admin(actor) and not may_decide(actor):
        st.subheader(t("triage.tab_a_list"))
        a_list_panel(actor)
        return
    if may_qc(actor):
        queue_tab, qc_tab = st.tabs([t("triage.tab_queue"), t("triage.tab_qc")])
        with qc_tab:
            qc_panel(actor)
        with queue_tab:
            queue_panel(actor)
    else:
        queue_panel(actor)


def _run_batch(actor: Actor, pending: int) -> None:
    settings = get_settings()
    bar = st.progress(0.0, text=t("triage.running", done=0, total=pending))
    done = 0
    with shown_errors():
        while done < pending:
            with unit_of_work(get_engine()) as session:
                n = suggest_unsorted(session, actor=actor,
                                     limit=min(settings.triage_batch_size, pending - done))
            if n == 0:
                break
            done += n
            bar.progress(min(1.0, done / pending), text=t("triage.running", done=done,
                                                          total=pending))
    flash(tn("triage.ran", done))
    st.rerun()


def queue_panel(actor: Actor) -> None:
    with shown_errors():
        with unit_of_work(get_engine(), write=False) as session:
            pending = count_unsuggested(session, actor=actor)
    left, right = st.columns([3, 2], vertical_alignment="center")
    left.caption(tn("triage.pending", pending) if pending else t("triage.pending_none"))
    if right.button(t("triage.run"), key="triage_run", disabled=pending == 0,
                    icon=":material/play_arrow:"):
        _run_batch(actor, pending)

    c1, c2 = st.columns([1, 3])
    nationality = c1.text_input(t("triage.filter_nationality"), max_chars=3,
                                key="triage_nationality")
    categories = c2.multiselect(t("triage.filter_category"),
                                [*DECIDABLE, "ABSTAIN", "NONE"],
                                format_func=lambda c: t("triage.no_suggestion_short")
                                if c == "NONE" else category_text(c),
                                key="triage_categories",
                                placeholder=t("widgets.choose_options"))
    with shown_errors():
        with unit_of_work(get_engine(), write=False) as session:
            queue = triage_queue(session, actor=actor, filters=QueueFilter(
                nationality=nationality or None, categories=categories or None))
    if not queue.items:
        st.info(t("triage.empty"))
        return
    st.caption(tn("triage.count", queue.total, shown=len(queue.items)))
    _show_bulk_refusals()
    round_no = st.session_state.get(ROUND_KEY, 0)
    table_key = f"triage_queue_table_{round_no}"
    number = t("columns.case_number")
    selection = st.dataframe(_rows(queue.items, actor), hide_index=True, width="stretch",
                             column_config={number: link_column(number)},
                             on_select="rerun", selection_mode="multi-row", key=table_key)
    chosen = [queue.items[i] for i in (selection.selection.rows if selection else [])
              if i < len(queue.items)]
    if may_decide(actor):
        _bulk_form(actor, chosen)

    by_id = {i.application_id: i for i in queue.items}
    options = [i.application_id for i in queue.items]
    # A single row picked in the table opens that case below (until another is picked).
    picked = chosen[0].application_id if len(chosen) == 1 else None
    if picked is not None and picked != st.session_state.get("triage_last_pick"):
        st.session_state[CASE_KEY] = picked
    st.session_state["triage_last_pick"] = picked
    if st.session_state.get(CASE_KEY) not in by_id:
        st.session_state.pop(CASE_KEY, None)
    case_id = st.selectbox(t("triage.open_case"), options, index=None, key=CASE_KEY,
                           format_func=lambda i: f"{by_id[i].case_number} · "
                           f"{suggestion_text(by_id[i].suggestion)}",
                           placeholder=t("triage.open_case_hint"))
    if case_id is not None:
        with st.container(border=True):
            case_panel(actor, case_id)


def _rows(items: Sequence[QueueItem], actor: Actor) -> list[dict]:
    rows = []
    today_overdue = t("deadline.overdue")
    for i in items:
        s = i.suggestion
        deadline = fmt_date(i.sorting_deadline)
        if i.days_left < 0:
            deadline = f"⚠ {deadline} ({today_overdue})"
        else:
            deadline = f"{deadline} ({tn('triage.days_left', i.days_left)})"
        row = {
            t("columns.case_number"): case_link(i.application_id, i.case_number),
            t("columns.nationality"): i.nationality,
            t("columns.application"): application_label(i.application_number),
            t("triage.col_suggestion"): suggestion_text(s),
            t("triage.col_b_reason"): (s.b_reason_label if s and s.b_reason_label else "—"),
            t("triage.col_deadline"): deadline,
        }
        if actor.role is not None and actor.role.value == "manager":
            row[t("columns.inquirer")] = i.assigned_inquirer or "—"
        rows.append(row)
    return rows


def _bulk_form(actor: Actor, chosen: list[QueueItem]) -> None:
    floor = get_settings().triage_bulk_min_confidence
    with st.form("triage_bulk_form", border=False):
        st.caption(t("triage.bulk_hint", floor=f"{floor:.0%}"))
        submitted = st.form_submit_button(t("triage.bulk_confirm"),
                                          icon=":material/done_all:")
    if not submitted:
        return
    if not chosen:
        st.warning(t("triage.none_selected"))
        return
    with shown_errors():
        with unit_of_work(get_engine()) as session:
            result = bulk_confirm(session, actor=actor,
                                  application_ids=[c.application_id for c in chosen],
                                  versions={c.application_id: c.version for c in chosen})
    if result.refused:
        st.session_state["triage_bulk_refused"] = [
            f"{o.case_number or o.application_id}: {o.why}" for o in result.refused]
    flash(tn("triage.bulk_done", len(result.confirmed)))
    st.session_state[ROUND_KEY] = st.session_state.get(ROUND_KEY, 0) + 1
    st.rerun()


def _show_bulk_refusals() -> None:
    refused = st.session_state.pop("triage_bulk_refused", None)
    if refused:
        st.warning(t("triage.bulk_refused") + "\n\n"
                   + "\n".join(f"- {md(r)}" for r in refused))


# --- one case ---------------------------------------------------------------------------------


def case_panel(actor: Actor, case_id: int) -> None:
    with shown_errors(stop=False):
        with unit_of_work(get_engine(), write=False) as session:
            case = case_triage(session, actor=actor, application_id=case_id)
        _case_body(actor, case)


def _case_body(actor: Actor, case: CaseTriage) -> None:
    head = st.columns([3, 1], vertical_alignment="center")
    head[0].subheader(md(case.case_number))
    head[1].page_link(nav.page("case", actor.role), label=t("triage.open_case_file"),
                      query_params={"case": str(case.application_id)},
                      icon=":material/folder_open:")
    st.caption(tm("triage.case_caption", nationality=case.nationality,
                  number=application_label(case.application_number),
                  lodged=fmt_date(case.lodged_date), deadline=fmt_date(case.sorting_deadline)))
    if case.suggestion is None:
        st.info(t("triage.no_suggestion"))
        if st.button(t("triage.run_one"), key=f"triage_run_one_{case.application_id}"):
            with shown_errors():
                with unit_of_work(get_engine()) as session:
                    suggest_for_case(session, actor=actor, application_id=case.application_id)
            st.rerun()
    else:
        show_suggestion(case.suggestion)
    st.markdown(f"**{t('claim.narrative')}**")
    show_narrative(case.narrative, case.suggestion)
    if case.suggestion is not None and case.unsorted and may_decide(actor):
        decision_controls(actor, case)


def decision_controls(actor: Actor, case: CaseTriage, *, prefix: str = "triage") -> None:
    """Confirm the suggestion, or override it with a category and a reason."""
    s = case.suggestion
    version_key = f"wb_triage_version_{case.application_id}"
    loaded = st.session_state.get(version_key, case.version)
    confirm_clicked = False
    if not s.abstained:
        confirm_clicked = st.button(
            t("triage.confirm", category=category_text(s.category)), type="primary",
            key=f"{prefix}_confirm_{case.application_id}", icon=":material/check:")
    with st.form(f"{prefix}_override_{case.application_id}"):
        heading = "triage.sort_heading" if s.abstained else "triage.override_heading"
        st.markdown(f"**{t(heading)}**")
        options = [c for c in DECIDABLE if c != s.category]
        category = st.selectbox(t("triage.override_category"), options, index=None,
                                format_func=category_text)
        reason = st.text_area(t("triage.override_reason"), max_chars=4000)
        override_clicked = st.form_submit_button(
            t("triage.override") if not s.abstained else t("triage.sort"))
    if not (confirm_clicked or override_clicked):
        st.session_state[version_key] = case.version
        return
    if override_clicked and category is None:
        st.warning(t("triage.choose_category"))
        return
    chosen = s.category if confirm_clicked else category
    try:
        with unit_of_work(get_engine()) as session:
            review = confirm(session, actor=actor, application_id=case.application_id,
                             category=chosen, reason=None if confirm_clicked else reason,
                             expected_version=loaded)
    except WorkbenchError as exc:
        st.error(md(str(exc)))
        st.session_state[version_key] = case.version
        return
    st.session_state.pop(version_key, None)
    st.session_state.pop(CASE_KEY, None)
    st.session_state[ROUND_KEY] = st.session_state.get(ROUND_KEY, 0) + 1
    key = "triage.done_confirmed" if review.agreed else "triage.done_overridden"
    flash(tm(key, case=case.case_number,
            category=t(f"category.{SortingCategory(review.decided_category).value}")))
    st.rerun()


# --- quality check ----------------------------------------------------------------------------


def qc_panel(actor: Actor) -> None:
    with shown_errors():
        with unit_of_work(get_engine(), write=False) as session:
            items = qc_queue(session, actor=actor)
    st.caption(t("triage.qc_intro", rate=f"{get_settings().triage_qc_sample_rate:.0%}"))
    if not items:
        st.info(t("triage.qc_empty"))
        return
    for item in items:
        r = item.review
        with st.container(border=True):
            st.markdown(tm("triage.qc_item", case=item.case_number,
                           nationality=item.nationality,
                           decided=category_text(r.decided_category),
                           suggested=category_text(r.suggested_category),
                           reviewer=r.reviewer or "—", when=fmt_datetime(r.created_at)))
            if r.reason:
                st.markdown(tm("triage.qc_reason", reason=r.reason))
            if item.suggestion is not None:
                with st.expander(t("triage.qc_grounds")):
                    show_suggestion(item.suggestion)
            if r.reviewer_id == actor.id:
                st.caption(t("triage.qc_own"))
                continue
            with st.form(f"triage_qc_{r.id}"):
                verdict = st.radio(t("triage.qc_verdict"), ["agree", "disagree"], index=None,
                                   format_func=lambda v: t(f"triage.qc_{v}"), horizontal=True)
                note = st.text_area(t("triage.qc_note"), max_chars=2000)
                done = st.form_submit_button(t("triage.qc_record"))
            if done:
                if verdict is None:
                    st.warning(t("triage.qc_choose"))
                    continue
                with shown_errors(stop=False):
                    with unit_of_work(get_engine()) as session:
                        qc_record(session, actor=actor, review_id=r.id, verdict=verdict,
                                  note=note)
                    flash(tm("triage.qc_done", case=item.case_number))
                    st.rerun()


# --- the Category A list ------------------------------------------------------------------------


def a_list_panel(actor: Actor) -> None:
    with shown_errors():
        with unit_of_work(get_engine(), write=False) as session:
            entries = list_a_countries(session, actor=actor)
    st.caption(t("triage.a_intro"))
    st.dataframe([{t("triage.a_code"): e.code, t("triage.a_reason"): e.reason,
                   t("triage.a_since"): date_cell(e.since),
                   t("triage.a_active"): t("triage.yes") if e.active else t("triage.no"),
                   t("triage.a_updated"): f"{fmt_datetime(e.updated_at)} · "
                                          f"{e.updated_by or t('triage.system')}"}
                  for e in entries], hide_index=True, width="stretch", key="triage_a_table",
                 column_config=date_columns(t("triage.a_since")))
    if not may_admin(actor):
        return
    by_code = {e.code: e for e in entries}
    code = st.selectbox(t("triage.a_choose"), [None, *by_code], key="triage_a_choice",
                        format_func=lambda c: t("triage.a_new") if c is None else c)
    entry = by_code.get(code)
    with st.form(f"triage_a_form_{code or 'new'}"):
        new_code = st.text_input(t("triage.a_code"), value=entry.code if entry else "",
                                 max_chars=3, disabled=entry is not None)
        reason = st.text_area(t("triage.a_reason"), value=entry.reason if entry else "")
        since_key = f"triage_a_since_{code or 'new'}"
        since = date_field(t("triage.a_since"), entry.since if entry else None, key=since_key,
                           max_value=date.today(), required=False)
        active = st.checkbox(t("triage.a_active"), value=entry.active if entry else True)
        saved = st.form_submit_button(t("triage.a_save"), type="primary")
    if saved and not date_refused(since_key):
        with shown_errors(stop=False):
            with unit_of_work(get_engine()) as session:
                result = save_a_country(session, actor=actor,
                                        code=entry.code if entry else new_code,
                                        reason=reason, since=since, active=active,
                                        expected_version=entry.version if entry else None)
            flash(tm("triage.a_saved", code=result.code))
            st.rerun()
