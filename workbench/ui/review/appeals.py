"""Administrative review pages: the appeals list (a manager's queue with its counts and the
panels' workloads, a counsellor's own appeals), one appeal (its file, the panel and its
allocation, the oral opinion statement, the opinions, the ruling) and the standing panels.

The services decide who may do what; these pages offer only what the actor's role and the
appeal's state allow, and show a refusal as a plain message. Transitions carry the case
version the page was showing, so that a page gone out of date is refused with who changed
the case and when.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, time

import streamlit as st

from models import CaseState, ReviewRuling, Role
from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.db import get_engine, unit_of_work
from workbench.core.errors import InvalidTransition, WorkbenchError
from workbench.core.i18n import t, tn
from workbench.core.settings import get_settings
from workbench.library.citations import case_citations
from workbench.review import reviews
from workbench.review.review_notice import ruling_notice
from workbench.review.reviews import (
    AppealFile,
    AppealView,
    CitedPassage,
    OpinionView,
    PanelChoice,
    PanelView,
    QueueItem,
    ReviewStats,
)
from workbench.ui.core import nav
from workbench.ui.core.confirm import irreversible, not_confirmed
from workbench.ui.core.documents import document_language, file_name
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.format import (
    STATE_COLOURS,
    date_cell,
    date_columns,
    fmt_date,
    fmt_datetime,
    outcome_label,
    state_label,
)
from workbench.ui.core.params import id_param
from workbench.ui.core.tables import case_link, link_column
from workbench.ui.core.text import html_text, md, tm
from workbench.ui.core.widgets import date_field, flash, show_flash
from workbench.ui.library.shared import html_block

#: The appeal file as opened (the opening is audited once; the list page starts a new one).
FILE_KEY = "wb_appeal_file"
_RULINGS = (ReviewRuling.GRANTED, ReviewRuling.DISMISSED_MERITS,
            ReviewRuling.DISMISSED_INADMISSIBLE)
_BEFORE_HEARING = (CaseState.REVIEW_FILED, CaseState.PANEL_ASSIGNED)
_HEARING_DONE = (CaseState.HEARING_HELD, CaseState.HEARING_SKIPPED)
_MIME = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg",
         "text": "text/plain"}


# --- labels ---------------------------------------------------------------------------------------


def basis_label(basis: str | None) -> str:
    return t(f"appeal.basis.{basis}") if basis else "—"


def hearing_label(status: str) -> str:
    return t(f"appeal.hearing_status.{status}")


def ruling_label(ruling: str | None) -> str:
    return t(f"ruling.{ruling}") if ruling else "—"


def yes_no(value: bool | None) -> str:
    if value is None:
        return "—"
    return t("appeal.yes") if value else t("appeal.no")


def well_founded_label(value: bool | None) -> str:
    if value is None:
        return t("appeal.not_decided")
    return t("appeal.well_founded") if value else t("appeal.not_well_founded")


def finding_text(value: bool) -> str:
    """Well founded or not, inside a sentence."""
    return t("appeal.finding_yes") if value else t("appeal.finding_no")


def member_line(member: reviews.Member) -> str:
    field = f" ({member.expertise})" if member.expertise else ""
    star = f" · {t('appeal.presiding')}" if member.presiding else ""
    return f"{member.name}{field}{star}"


def hearing_text(view: AppealView) -> str:
    """Where the oral opinion statement stands, in one line."""
    h = view.hearing
    if h is not None and h.skipped:
        return t("appeal.hearing_skipped_line", reason=md(h.skip_reason or "—"))
    if h is not None and h.held_on:
        return t("appeal.hearing_held_line", date=fmt_date(h.held_on))
    if h is not None and h.scheduled_for:
        return t("appeal.hearing_scheduled_line", when=fmt_datetime(h.scheduled_for),
                 place=md(h.place))
    return hearing_label("requested" if view.hearing_requested else "not requested")


def text_block(text: str | None, empty: str | None = None) -> None:
    """Text written by a person, paragraphs kept, shown exactly as typed."""
    text = (text or "").strip()
    if not text:
        st.caption(empty or "—")
        return
    paragraphs = [p for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    html_block("".join("<p>" + "<br>".join(html_text(line) for line in p.splitlines()) + "</p>"
                       for p in paragraphs))


@contextmanager
def action_errors() -> Iterator[None]:
    """A refused action as a plain message under the form (the page goes on). A refused
    transition is told in its own words, without the workflow's list of next steps."""
    with shown_errors(stop=False):
        try:
            yield
        except InvalidTransition as exc:
            raise WorkbenchError(exc.reason) from None


def _shown_version(name: str, current: int, submitted: bool) -> int:
    """The version the user had on screen when they submitted."""
    key = f"wb_appeal_loaded_{name}"
    if not submitted:
        st.session_state[key] = current
        return current
    return st.session_state.get(key, current)


def _round(name: str) -> int:
    return st.session_state.get(f"wb_appeal_round_{name}", 0)


def _bump(name: str) -> None:
    st.session_state[f"wb_appeal_round_{name}"] = _round(name) + 1


def _done(message: str) -> None:
    """Show ``message`` at the top of the page on the next run, and run the page again."""
    flash(message)
    st.rerun()


def open_appeal(appeal_id: int) -> None:
    st.switch_page(nav.page("appeal"), query_params={"appeal": str(appeal_id)})


# --- the appeals list -----------------------------------------------------------------------------


def render_appeals_page(actor: Actor) -> None:
    """A manager's queue with counts and workloads; a counsellor's own appeals."""
    st.session_state.pop(FILE_KEY, None)  # coming back to an appeal is a new opening
    manager = actor.role == Role.MANAGER
    st.title(t("appeal.heading_queue") if manager else t("appeal.heading_mine"))
    show_flash()
    stats: ReviewStats | None = None
    with shown_errors():
        with unit_of_work(get_engine(), write=False) as session:
            if manager:
                stats = reviews.review_stats(session, actor=actor)
                items = reviews.appeal_queue(session, actor=actor)
            else:
                items = reviews.my_appeals(session, actor=actor)
    if stats is not None:
        _counts(stats)
    else:
        st.caption(t("appeal.mine_intro"))

    left, right = st.columns([3, 2], vertical_alignment="bottom")
    search = left.text_input(t("appeal.find"), key="appeals_find",
                             placeholder=t("appeal.find_hint"))
    show_ruled = right.toggle(t("appeal.show_ruled"), key="appeals_ruled")
    shown = [i for i in items if (show_ruled or i.state != CaseState.RULED)
             and search.strip().lower() in i.case_number.lower()]
    if not shown:
        if items and (search.strip() or not show_ruled):
            st.info(t("appeal.none_match"))
        else:
            st.info(t("appeal.empty_queue") if manager else t("appeal.empty_mine"))
    else:
        _queue_table(shown)
    if stats is not None:
        _workloads(stats.panels)


def _counts(stats: ReviewStats) -> None:
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("appeal.pending"), stats.pending, border=True)
    c2.metric(t("appeal.unallocated_count"), stats.unallocated, border=True)
    c3.metric(t("appeal.oldest"), "—" if stats.oldest_pending_days is None
              else tn("appeal.days", stats.oldest_pending_days), border=True)
    c4.metric(t("appeal.hearings"), f"{stats.hearings_held} / {stats.hearings_skipped}",
              help=t("appeal.hearings_help"), border=True)


def queue_rows(items: Sequence[QueueItem]) -> list[dict]:
    return [{
        t("appeal.col_case"): case_link(i.application_id, i.case_number),
        t("appeal.col_basis"): basis_label(i.basis),
        t("appeal.col_filed"): date_cell(i.filed_date),
        t("appeal.col_age"): i.age_days,
        t("appeal.col_late"): t("appeal.late_flag") if i.late else "",
        t("appeal.col_state"): state_label(i.state),
        t("appeal.col_panel"): i.panel or t("appeal.unallocated"),
        t("appeal.col_hearing"): hearing_label(i.hearing),
        t("appeal.col_opinions"): f"{i.opinions_submitted}/3",
    } for i in items]


def _queue_table(items: Sequence[QueueItem]) -> None:
    st.caption(tn("appeal.count", len(items)))
    selection = st.dataframe(queue_rows(items), hide_index=True, width="stretch",
                             column_config={
                                 t("appeal.col_case"): link_column(t("appeal.col_case")),
                                 **date_columns(t("appeal.col_filed"))},
                             on_select="rerun", selection_mode="single-row",
                             key="appeals_table")
    rows = [i for i in (selection.selection.rows if selection else []) if i < len(items)]
    if not rows:
        st.caption(t("appeal.select_hint"))
        return
    chosen = items[rows[0]]
    if st.button(tm("appeal.open", number=chosen.case_number), type="primary",
                 icon=":material/gavel:", key="appeals_open"):
        open_appeal(chosen.appeal_id)


def panel_rows(panels: Sequence[PanelView]) -> list[dict]:
    return [{
        t("appeal.col_panel"): p.name,
        t("appeal.col_office"): p.office or "—",
        t("appeal.col_presiding"): p.presiding.name if p.presiding else "—",
        t("appeal.col_open"): p.open_appeals,
        t("appeal.col_active"): yes_no(p.active),
        t("appeal.col_members"): "; ".join(
            f"{m.name} ({m.expertise or '—'})" for m in p.members),
    } for p in panels]


def _workloads(panels: Sequence[PanelView]) -> None:
    st.subheader(t("appeal.workloads"), anchor=False)
    if not panels:
        st.info(t("appeal.no_panels"))
    else:
        rows = panel_rows(panels)
        for row in rows:
            row.pop(t("appeal.col_active"))
        st.dataframe(rows, hide_index=True, width="stretch")
    st.page_link(nav.page("panels"), label=t("appeal.manage_panels"), icon=":material/groups:")


# --- one appeal -----------------------------------------------------------------------------------


def appeal_param() -> int | None:
    return id_param("appeal")


def _load_file(actor: Actor, appeal_id: int) -> AppealFile:
    """The appeal file, read (and its opening audited) once per opening of the appeal."""
    kept = st.session_state.get(FILE_KEY)
    if kept is not None and kept[0] == appeal_id:
        return kept[1]
    with shown_errors():
        with unit_of_work(get_engine()) as session:
            found = reviews.appeal_file(session, actor=actor, appeal_id=appeal_id)
    st.session_state[FILE_KEY] = (appeal_id, found)
    return found


def render_appeal_page(actor: Actor) -> None:
    appeal_id = appeal_param()
    title = st.empty()
    title.title(t("appeal.title_none"))
    if appeal_id is None:
        st.info(t("appeal.no_appeal"))
        _back_link(actor)
        st.stop()
    file = _load_file(actor, appeal_id)
    with shown_errors():
        with unit_of_work(get_engine(), write=False) as session:
            view = reviews.appeal_view(session, actor=actor, appeal_id=appeal_id)
            cited = {c.id for c in case_citations(session, actor=actor,
                                                  application_id=view.application_id)}
    if cited != {c.id for c in file.citations if not c.removed}:
        # Passages were cited or withdrawn since the file was opened (from the COI library
        # or the case file): open it again, so that the file and the opinions use them.
        st.session_state.pop(FILE_KEY, None)
        file = _load_file(actor, appeal_id)
    title.title(t("appeal.title", number=view.case_number))
    with st.container():
        _header(actor, view)
    with st.container():
        show_flash()
    tabs = st.tabs([t("appeal.tab_file"), t("appeal.tab_panel"), t("appeal.tab_hearing"),
                    t("appeal.tab_opinions"), t("appeal.tab_ruling")])
    with tabs[0]:
        _file_tab(actor, view, file)
    with tabs[1]:
        _panel_tab(actor, view)
    with tabs[2]:
        _hearing_tab(actor, view)
    with tabs[3]:
        _opinions_tab(actor, view, file)
    with tabs[4]:
        _ruling_tab(actor, view)


def _back_link(actor: Actor) -> None:
    if actor.role in (Role.MANAGER, Role.COUNSELLOR):
        st.page_link(nav.page("appeals", actor.role), label=t("appeal.back"),
                     icon=":material/arrow_back:")
    else:
        st.page_link(nav.page("cases", actor.role), label=t("appeal.back_cases"),
                     icon=":material/arrow_back:")


def _header(actor: Actor, view: AppealView) -> None:
    line = st.container(horizontal=True, vertical_alignment="center")
    with line:
        st.badge(state_label(view.state), color=STATE_COLOURS.get(view.state, "gray"))
        st.badge(basis_label(view.basis), color="blue")
        if view.late:
            st.badge(t("appeal.late_badge"), color="red")
        if view.ruling:
            st.badge(ruling_label(view.ruling), color="green")
    c1, c2, c3, c4 = st.columns([1, 1, 1, 2])
    c1.metric(t("appeal.filed"), fmt_date(view.filed_date))
    c2.metric(t("appeal.deadline"), fmt_date(view.deadline) if view.deadline
              else t("appeal.no_deadline"))
    c3.metric(t("appeal.ruled_after") if view.ruled_at else t("appeal.age"),
              tn("appeal.days", view.age_days))
    c4.metric(t("appeal.panel"), md(view.panel.name) if view.panel else t("appeal.unallocated"))
    if view.late:
        st.warning(t("appeal.late_line", deadline=fmt_date(view.deadline),
                     reason=md(view.late_reason or "—")), icon=":material/schedule:")
    links = st.container(horizontal=True)
    with links:
        _back_link(actor)
        st.page_link(nav.page("case"), label=t("appeal.case_file"),
                     query_params={"case": str(view.application_id)},
                     icon=":material/folder_open:")


# --- the file -------------------------------------------------------------------------------------


def _file_tab(actor: Actor, view: AppealView, file: AppealFile) -> None:
    st.subheader(t("appeal.decision_heading"), anchor=False)
    c1, c2 = st.columns(2)
    c1.markdown(t("appeal.decision_outcome", outcome=outcome_label(file.decision_outcome)))
    c2.markdown(t("appeal.decision_notice", date=fmt_date(file.decision_notice_date)))
    st.markdown(f"**{t('appeal.decision_reasons')}**")
    with st.container(border=True):
        text_block(file.decision_reasons, t("appeal.no_reasons"))

    st.subheader(t("appeal.grounds_heading"), anchor=False)
    with st.container(border=True):
        text_block(view.grounds)
    st.caption(t("appeal.hearing_asked") if view.hearing_requested
               else t("appeal.hearing_not_asked"))

    st.subheader(t("appeal.evidence_heading"), anchor=False)
    if not view.documents:
        st.caption(t("appeal.no_evidence"))
    for doc in view.documents:
        left, right = st.columns([4, 1], vertical_alignment="center")
        left.markdown(f"**{md(doc.title)}**  \n"
                      + t("appeal.evidence_line", name=md(doc.file_name),
                          kind=doc.media_type.upper(), size=_size(doc.size_bytes),
                          date=fmt_datetime(doc.added_at)))
        right.download_button(t("appeal.download"), data=_evidence(actor, doc.id),
                              file_name=doc.file_name,
                              mime=_MIME.get(doc.media_type, "application/octet-stream"),
                              on_click="ignore", icon=":material/download:",
                              key=f"appeal_doc_{doc.id}")

    st.subheader(t("appeal.coi_heading"), anchor=False)
    _citations(file.citations)
    if st.button(t("appeal.coi_search"), icon=":material/travel_explore:",
                 key=f"appeal_coi_{view.id}"):
        st.session_state.pop(FILE_KEY, None)  # passages cited there show on return
        st.switch_page(nav.page("coi"), query_params={"case": str(view.application_id)})

    st.subheader(t("appeal.record_heading"), anchor=False)
    _interview(file)
    with st.expander(tn("appeal.incidents", len(file.incidents)),
                     icon=":material/event_note:"):
        if not file.incidents:
            st.caption(t("appeal.none_recorded"))
        st.markdown("\n".join(f"- {md(i)}" for i in file.incidents))
    with st.expander(tn("appeal.inconsistencies", len(file.inconsistencies)),
                     icon=":material/rule:"):
        if not file.inconsistencies:
            st.caption(t("appeal.none_recorded"))
        for matter, explanation in file.inconsistencies:
            st.markdown(f"- **{md(matter)}** — "
                        + t("appeal.explanation", text=md(explanation or "—")))
    with st.expander(t("appeal.narrative"), icon=":material/description:"):
        text_block(file.narrative, t("appeal.none_recorded"))
    with st.expander(tn("appeal.earlier", len(file.earlier_applications)),
                     icon=":material/history:"):
        if not file.earlier_applications:
            st.caption(t("appeal.no_earlier"))
        else:
            st.dataframe([{t("appeal.col_case"): number, t("appeal.col_state"): state_label(s),
                           t("appeal.col_outcome"): outcome_label(o)}
                          for number, s, o in file.earlier_applications],
                         hide_index=True, width="stretch")


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def _evidence(actor: Actor, document_id: int) -> Callable[[], bytes]:
    """The document's bytes, read (and the opening audited) only when it is downloaded."""
    def produce() -> bytes:
        with unit_of_work(get_engine()) as session:
            return reviews.evidence_file(session, actor=actor, document_id=document_id)[1]
    return produce


def _citations(citations: Sequence[CitedPassage]) -> None:
    if not citations:
        st.caption(t("appeal.no_citations"))
        return
    for c in citations:
        with st.container(border=True):
            reference = md(c.reference)
            if c.removed:
                st.markdown(f"~~{reference}~~ · **{t('appeal.citation_removed')}**")
            else:
                st.markdown(f"**{reference}**")
            html_block(f'<blockquote style="margin:.2em 0">{html_text(c.quote)}</blockquote>')
            meta = [t("appeal.cited_on", date=fmt_datetime(c.cited_at))]
            if c.finding:
                meta.insert(0, t("appeal.supports", finding=md(c.finding)))
            st.caption(" · ".join(meta))


def _interview(file: AppealFile) -> None:
    by_section: dict[str, list[tuple[str, str]]] = {}
    for section, prompt, answer in file.interview_answers:
        by_section.setdefault(section, []).append((prompt, answer))
    with st.expander(tn("appeal.answers", len(file.interview_answers)),
                     icon=":material/record_voice_over:"):
        if not by_section:
            st.caption(t("appeal.no_interview"))
        for section, rows in by_section.items():
            st.markdown(f"**{md(section)}**")
            st.markdown("\n".join(f"- {md(prompt)} — *{md(answer or '—')}*"
                                  for prompt, answer in rows))


# --- panel and allocation -------------------------------------------------------------------------


def _member(actor: Actor, view: AppealView) -> reviews.Member | None:
    if view.panel is None or actor.role != Role.COUNSELLOR:
        return None
    return next((m for m in view.panel.members if m.user_id == actor.id), None)


def _submitted(view: AppealView) -> list[OpinionView]:
    return [o for o in view.opinions if o.submitted_at is not None]


def _panel_tab(actor: Actor, view: AppealView) -> None:
    if view.panel is None:
        st.info(t("appeal.not_allocated"), icon=":material/group_off:")
    else:
        with st.container(border=True):
            st.markdown(f"**{md(view.panel.name)}**"
                        + (f" · {md(view.panel.office)}" if view.panel.office else ""))
            st.markdown("\n".join(f"- {md(member_line(m))}" for m in view.panel.members))
    if actor.role == Role.MANAGER:
        _allocation(actor, view)
    me = _member(actor, view)
    if me is not None:
        _conflict(actor, view)


def _allocation(actor: Actor, view: AppealView) -> None:
    if view.state not in _BEFORE_HEARING:
        st.caption(t("appeal.allocation_closed"))
        return
    if _submitted(view):
        st.caption(t("appeal.allocation_fixed"))
        return
    choices: list[PanelChoice] = []
    with shown_errors(stop=False):
        with unit_of_work(get_engine(), write=False) as session:
            choices = reviews.panel_choices(session, actor=actor, appeal_id=view.id)
    if not choices:
        st.info(t("appeal.no_panels"))
        return
    if view.panel is None:
        st.subheader(t("appeal.allocate_heading"), anchor=False)
        _allocation_controls(actor, view, choices)
        return
    current = next((c for c in choices if c.panel.id == view.panel.id), None)
    blocked = current is not None and not current.eligible
    if blocked:
        st.warning(t("appeal.current_ineligible", why=md("; ".join(current.why_not))),
                   icon=":material/warning:")
    # Once allocated, moving the appeal is the exception: kept folded unless it must move.
    with st.expander(t("appeal.reallocate_heading"), expanded=blocked,
                     icon=":material/swap_horiz:"):
        _allocation_controls(actor, view, choices)


def _allocation_controls(actor: Actor, view: AppealView, choices: Sequence[PanelChoice]
                         ) -> None:
    current_id = view.panel.id if view.panel else None
    offices_in_use = any(c.panel.office for c in choices)
    if view.office and offices_in_use and not any(c.same_office and c.eligible
                                                  for c in choices):
        st.info(t("appeal.no_office_panel", office=view.office), icon=":material/location_off:")
    st.dataframe([{
        t("appeal.col_panel"): c.panel.name + (f" ({t('appeal.current')})"
                                              if c.panel.id == current_id else ""),
        t("appeal.col_office"): (t("appeal.office_same", office=c.panel.office)
                                 if c.same_office else c.panel.office or "—"),
        t("appeal.col_open"): c.panel.open_appeals,
        t("appeal.col_eligible"): t("appeal.eligible_yes") if c.eligible
        else t("appeal.eligible_no", why="; ".join(c.why_not)),
        t("appeal.col_members"): "; ".join(f"{m.name} ({m.expertise or '—'})"
                                           for m in c.panel.members),
    } for c in choices], hide_index=True, width="stretch")
    others = [c for c in choices if c.eligible and c.panel.id != current_id]
    if not others:
        st.warning(t("appeal.no_eligible"))
        return
    auto = st.button(t("appeal.allocate_auto") if current_id is None
                     else t("appeal.reallocate_auto"),
                     type="primary" if current_id is None else "secondary",
                     icon=":material/balance:", key=f"appeal_alloc_auto_{view.id}")
    names = {c.panel.id: t("appeal.panel_option_office", name=c.panel.name,
                           office=c.panel.office or "—", n=c.panel.open_appeals)
             for c in others}
    with st.form(f"appeal_alloc_{view.id}"):
        chosen = st.selectbox(t("appeal.allocate_to_label"), list(names),
                              format_func=names.get)
        picked = st.form_submit_button(t("appeal.allocate_to"))
    expected = _shown_version(f"alloc_{view.id}", view.case_version, auto or picked)
    if auto or picked:
        with action_errors():
            with unit_of_work(get_engine()) as session:
                done = reviews.allocate(session, actor=actor, appeal_id=view.id,
                                        panel_id=chosen if picked else None,
                                        expected_case_version=expected)
            _done(_allocated_message(done))


def _allocated_message(done: AppealView) -> str:
    """Where the appeal went; said outright when it is a panel of another office."""
    if done.panel is None:
        return t("appeal.allocated", panel="—")
    if done.office and done.panel.office and not reviews.same_office(done.panel.office,
                                                                      done.office):
        return t("appeal.allocated_other_office", panel=done.panel.name,
                 office=done.panel.office or "—", case_office=done.office)
    return t("appeal.allocated", panel=done.panel.name)


def _conflict(actor: Actor, view: AppealView) -> None:
    mine = next((o for o in view.opinions if o.counsellor_id == actor.id), None)
    if view.state not in (*_BEFORE_HEARING, *_HEARING_DONE) or (mine and mine.submitted_at):
        return
    with st.expander(t("appeal.conflict_heading"), icon=":material/front_hand:"):
        st.caption(t("appeal.conflict_hint"))
        with st.form(f"appeal_conflict_{view.id}", border=False):
            reason = st.text_area(t("appeal.conflict_reason"), height=80)
            declared = st.form_submit_button(t("appeal.conflict_submit"))
    if declared:
        with action_errors():
            with unit_of_work(get_engine()) as session:
                reviews.declare_conflict(session, actor=actor, appeal_id=view.id,
                                         reason=reason)
            _done(t("appeal.conflict_done"))


# --- the oral opinion statement -------------------------------------------------------------------


def _hearing_tab(actor: Actor, view: AppealView) -> None:
    h = view.hearing
    st.caption(t("appeal.hearing_asked") if view.hearing_requested
               else t("appeal.hearing_not_asked"))
    if h is not None and (h.scheduled_for or h.skipped):
        with st.container(border=True):
            if h.skipped:
                st.markdown(t("appeal.skipped_detail", reason=md(h.skip_reason or "—")))
            if h.scheduled_for:
                st.markdown(t("appeal.scheduled_detail", when=fmt_datetime(h.scheduled_for),
                              zone=get_settings().timezone, place=md(h.place),
                              lang=md(h.language),
                              interpreter=md(h.interpreter or "—")))
            if h.held_on:
                st.markdown(t("appeal.held_detail", date=fmt_date(h.held_on),
                              attendance=md(h.attendance or "—"),
                              attended=yes_no(h.requester_attended)))
    else:
        st.info(t("appeal.hearing_none"), icon=":material/event:")
    if h is not None and h.entries:
        st.markdown(f"**{t('appeal.entries_heading')}**")
        for e in h.entries:
            st.markdown(t("appeal.entry_q", n=e.position, who=md(e.asked_by or "—"),
                          text=md(e.question)) + "  \n"
                        + t("appeal.entry_a", text=md(e.answer or "—")))
    may_run = actor.role == Role.MANAGER or _member(actor, view) is not None
    if not may_run or view.state != CaseState.PANEL_ASSIGNED:
        if view.state == CaseState.REVIEW_FILED:
            st.caption(t("appeal.hearing_after_allocation"))
        return
    _schedule_form(actor, view)
    if h is not None and h.scheduled_for:
        _entry_form(actor, view)
        _held_form(actor, view)
    _skip_form(actor, view)


def _schedule_form(actor: Actor, view: AppealView) -> None:
    h = view.hearing
    zone = get_settings().zone
    when = h.scheduled_for.astimezone(zone) if h and h.scheduled_for else None
    label = t("appeal.reschedule_heading") if when else t("appeal.schedule_heading")
    with st.expander(label, expanded=when is None, icon=":material/event:"):
        with st.form(f"appeal_schedule_{view.id}_{_round(f'schedule_{view.id}')}",
                     border=False):
            c1, c2 = st.columns(2)
            day = date_field(t("appeal.hearing_date"), when.date() if when else None,
                             key=f"appeal_day_{view.id}_{_round(f'schedule_{view.id}')}",
                             min_value=view.filed_date, required=False, container=c1)
            at = c2.time_input(t("appeal.hearing_time", zone=get_settings().timezone),
                               value=when.time() if when else time(10, 0))
            place = st.text_input(t("appeal.place"), value=h.place if h else "")
            c3, c4 = st.columns(2)
            language = c3.text_input(t("appeal.language"), value=h.language if h else "")
            interpreter = c4.text_input(t("appeal.interpreter"),
                                        value=h.interpreter if h else "")
            saved = st.form_submit_button(t("appeal.schedule"), type="primary")
    if saved:
        if day is None:
            st.error(t("appeal.date_missing"))
            return
        with action_errors():
            with unit_of_work(get_engine()) as session:
                reviews.schedule_hearing(session, actor=actor, appeal_id=view.id,
                                         when=datetime.combine(day, at, tzinfo=zone),
                                         place=place, language=language,
                                         interpreter=interpreter)
            _bump(f"schedule_{view.id}")
            _done(t("appeal.scheduled"))


def _entry_form(actor: Actor, view: AppealView) -> None:
    with st.expander(t("appeal.entry_heading"), icon=":material/question_answer:"):
        with st.form(f"appeal_entry_{view.id}", clear_on_submit=True, border=False):
            question = st.text_area(t("appeal.question"), height=80)
            answer = st.text_area(t("appeal.answer"), height=100)
            added = st.form_submit_button(t("appeal.add_entry"))
    if added:
        with action_errors():
            with unit_of_work(get_engine()) as session:
                reviews.add_hearing_entry(session, actor=actor, appeal_id=view.id,
                                          question=question, answer=answer)
            _done(t("appeal.entry_added"))


def _held_form(actor: Actor, view: AppealView) -> None:
    st.markdown(f"**{t('appeal.held_heading')}**")
    today = clock.today()
    with st.form(f"appeal_held_{view.id}"):
        c1, c2 = st.columns([1, 2])
        held_on = date_field(t("appeal.held_on"), today, key=f"appeal_held_on_{view.id}",
                             max_value=today, min_value=view.filed_date, container=c1)
        attendance = c2.text_input(t("appeal.attendance"),
                                   placeholder=t("appeal.attendance_hint"))
        attended = st.checkbox(t("appeal.requester_attended"), value=True)
        held = st.form_submit_button(t("appeal.record_held"), type="primary")
    expected = _shown_version(f"held_{view.id}", view.case_version, held)
    if held and held_on is not None:
        with action_errors():
            with unit_of_work(get_engine()) as session:
                reviews.hold_hearing(session, actor=actor, appeal_id=view.id, held_on=held_on,
                                     attendance=attendance, requester_attended=attended,
                                     expected_case_version=expected)
            _done(t("appeal.held_done"))


def _skip_form(actor: Actor, view: AppealView) -> None:
    st.markdown(f"**{t('appeal.skip_heading')}**")
    if view.hearing_requested:
        st.caption(t("appeal.skip_requested_hint"))
    with st.form(f"appeal_skip_{view.id}"):
        reason = st.text_area(t("appeal.skip_reason"), height=80)
        skipped = st.form_submit_button(t("appeal.skip"))
    expected = _shown_version(f"skip_{view.id}", view.case_version, skipped)
    if skipped:
        with action_errors():
            with unit_of_work(get_engine()) as session:
                reviews.skip_hearing(session, actor=actor, appeal_id=view.id, reason=reason,
                                     expected_case_version=expected)
            _done(t("appeal.skipped_done"))


# --- opinions -------------------------------------------------------------------------------------


def _opinions_tab(actor: Actor, view: AppealView, file: AppealFile) -> None:
    citations = {c.id: c for c in file.citations}
    submitted = _submitted(view)
    if view.panel is None:
        st.info(t("appeal.opinions_after_allocation"))
        return
    st.markdown(t("appeal.opinions_progress", n=len(submitted)))
    by_author = {o.counsellor_id: o for o in submitted}
    st.markdown("\n".join(
        f"- {md(member_line(m))}: "
        + (t("appeal.opinion_submitted_on", date=fmt_datetime(by_author[m.user_id].submitted_at))
           if m.user_id in by_author else t("appeal.opinion_pending"))
        for m in view.panel.members))
    me = _member(actor, view)
    if me is not None:
        _my_opinion(actor, view, citations)
    others = [o for o in submitted if o.counsellor_id != actor.id]
    if others:
        st.subheader(t("appeal.others_heading") if me else t("appeal.submitted_heading"),
                     anchor=False)
        for o in others:
            _opinion_card(o, citations)
    st.subheader(t("appeal.panel_opinion_heading"), anchor=False)
    if view.panel_opinion is not None:
        _panel_opinion(view)
    elif me is not None and me.presiding and view.state in _HEARING_DONE:
        _panel_opinion_form(actor, view, submitted)
    else:
        st.caption(t("appeal.panel_opinion_waiting"))


def _opinion_card(o: OpinionView, citations: dict[int, CitedPassage]) -> None:
    with st.container(border=True):
        st.markdown(f"**{md(o.counsellor)}** · {well_founded_label(o.well_founded)}")
        if o.submitted_at:
            st.caption(t("appeal.opinion_submitted_on", date=fmt_datetime(o.submitted_at)))
        text_block(o.reasons)
        if o.citation_ids:
            st.markdown("\n".join(
                f"- {md(citations[c].reference)}" if c in citations
                else f"- {t('appeal.citation_unknown')}" for c in o.citation_ids))


def _citation_option(c: CitedPassage) -> str:
    quote = c.quote if len(c.quote) <= 90 else c.quote[:87] + "…"
    return f"{c.reference} — “{quote}”"


def _my_opinion(actor: Actor, view: AppealView, citations: dict[int, CitedPassage]) -> None:
    mine = next((o for o in view.opinions if o.counsellor_id == actor.id), None)
    st.subheader(t("appeal.my_opinion_heading"), anchor=False)
    if mine is not None and mine.submitted_at is not None:
        st.success(t("appeal.my_opinion_submitted", date=fmt_datetime(mine.submitted_at)),
                   icon=":material/lock:")
        _opinion_card(mine, citations)
        return
    if view.state not in (CaseState.PANEL_ASSIGNED, *_HEARING_DONE):
        st.caption(t("appeal.opinion_closed"))
        return
    available = [c.id for c in citations.values() if not c.removed]
    tag = f"{view.id}_{mine.version if mine else 0}"
    hearing_done = view.state in _HEARING_DONE
    if mine is not None:
        st.caption(t("appeal.draft_saved"))
    with st.form(f"appeal_opinion_{view.id}"):
        current = None if mine is None else mine.well_founded
        well_founded = st.radio(t("appeal.well_founded_question"), [True, False],
                                index=None if current is None else (0 if current else 1),
                                format_func=well_founded_label, horizontal=True,
                                key=f"appeal_op_wf_{tag}")
        reasons = st.text_area(t("appeal.reasons"), value=mine.reasons if mine else "",
                               height=220, key=f"appeal_op_reasons_{tag}",
                               placeholder=t("appeal.reasons_hint"))
        if available:
            chosen = st.multiselect(
                t("appeal.opinion_citations"), available,
                default=[c for c in (mine.citation_ids if mine else ()) if c in available],
                format_func=lambda c: _citation_option(citations[c]),
                key=f"appeal_op_cites_{tag}", placeholder=t("appeal.opinion_citations_hint"))
        else:
            chosen = []
            st.caption(t("appeal.no_citations"))
        understood = (irreversible(t("appeal.submit_irreversible"), f"appeal_op_sure_{tag}")
                      if hearing_done else False)
        buttons = st.container(horizontal=True)
        with buttons:
            save = st.form_submit_button(t("appeal.save_opinion"), icon=":material/save:")
            submit = st.form_submit_button(t("appeal.submit_opinion"), type="primary",
                                           icon=":material/send:", disabled=not hearing_done)
    if not hearing_done:
        st.caption(t("appeal.submit_after_hearing"))
    else:
        st.caption(t("appeal.submit_hint"))
    expected = _shown_version(f"opinion_{view.id}", mine.version if mine else 0,
                              save or submit)
    if not (save or submit):
        return
    if submit and not understood:
        not_confirmed()
        return
    with action_errors():
        with unit_of_work(get_engine()) as session:
            saved = reviews.save_opinion(session, actor=actor, appeal_id=view.id,
                                         well_founded=well_founded, reasons=reasons,
                                         citation_ids=chosen,
                                         expected_version=expected if mine else None)
        if submit:
            with unit_of_work(get_engine()) as session:
                reviews.submit_opinion(session, actor=actor, appeal_id=view.id,
                                       expected_version=saved.version)
            _done(t("appeal.opinion_submitted"))
        _done(t("appeal.opinion_saved"))


def _panel_opinion(view: AppealView) -> None:
    p = view.panel_opinion
    with st.container(border=True):
        st.markdown(f"**{well_founded_label(p.well_founded)}** · "
                    + (t("appeal.unanimous") if p.unanimous else t("appeal.by_majority")))
        text_block(p.summary)
        if p.dissent:
            st.markdown(f"**{t('appeal.dissent')}**")
            text_block(p.dissent)
        st.caption(t("appeal.recorded_by", name=md(p.recorded_by or "—"),
                     date=fmt_datetime(p.recorded_at)))


def _panel_opinion_form(actor: Actor, view: AppealView,
                        submitted: Sequence[OpinionView]) -> None:
    if len(submitted) < 3:
        st.info(t("appeal.panel_opinion_after_all", n=len(submitted)),
                icon=":material/hourglass_top:")
        return
    yes = sum(1 for o in submitted if o.well_founded)
    no = len(submitted) - yes
    divided = 0 < yes < len(submitted)
    majority = finding_text(yes >= 2)
    st.markdown(t("appeal.votes", yes=yes, no=no, majority=majority))
    if divided:
        st.warning(t("appeal.divided"), icon=":material/call_split:")
    with st.form(f"appeal_panel_opinion_{view.id}"):
        summary = st.text_area(t("appeal.summary"), height=160,
                               help=t("appeal.summary_help"))
        dissent = st.text_area(t("appeal.dissent_required"), height=120) if divided else ""
        recorded = st.form_submit_button(t("appeal.record_panel_opinion"), type="primary")
    expected = _shown_version(f"panel_opinion_{view.id}", view.case_version, recorded)
    if recorded:
        with action_errors():
            with unit_of_work(get_engine()) as session:
                reviews.record_panel_opinion(session, actor=actor, appeal_id=view.id,
                                             summary=summary, dissent=dissent,
                                             expected_case_version=expected)
            _done(t("appeal.panel_opinion_done"))


# --- ruling ---------------------------------------------------------------------------------------


def _ruling_tab(actor: Actor, view: AppealView) -> None:
    if view.ruling:
        with st.container(border=True):
            st.markdown(t("appeal.ruling_line", ruling=ruling_label(view.ruling),
                          date=fmt_datetime(view.ruled_at)))
            label = (t("appeal.withdrawal_reason") if view.ruling == ReviewRuling.WITHDRAWN
                     else t("appeal.gist"))
            st.markdown(f"**{label}**")
            text_block(view.ruling_gist)
        if view.ruling != ReviewRuling.WITHDRAWN:
            _ruling_notice(actor, view)
        return
    if view.panel_opinion is not None:
        st.markdown(t("appeal.panel_found", finding=finding_text(
            view.panel_opinion.well_founded), how=t("appeal.unanimous")
            if view.panel_opinion.unanimous else t("appeal.by_majority")))
    if actor.role != Role.MANAGER:
        st.caption(t("appeal.ruling_waiting"))
        return
    if view.state == CaseState.PANEL_OPINION:
        _ruling_form(actor, view)
    else:
        st.caption(t("appeal.ruling_after_opinion"))
    _withdrawal_form(actor, view)


def _ruling_form(actor: Actor, view: AppealView) -> None:
    st.caption(t("appeal.ruling_hint_inaction") if view.basis == "INACTION"
               else t("appeal.ruling_hint"))
    with st.form(f"appeal_ruling_{view.id}"):
        ruling = st.radio(t("appeal.ruling"), list(_RULINGS), index=None,
                          format_func=ruling_label)
        gist = st.text_area(t("appeal.gist"), height=140,
                            value=view.panel_opinion.summary if view.panel_opinion else "",
                            help=t("appeal.gist_help"))
        understood = irreversible(t("appeal.ruling_irreversible"),
                                  f"appeal_ruling_sure_{view.id}")
        ruled = st.form_submit_button(t("appeal.record_ruling"), type="primary",
                                      icon=":material/gavel:")
    expected = _shown_version(f"ruling_{view.id}", view.case_version, ruled)
    if ruled:
        if ruling is None:
            st.error(t("appeal.ruling_missing"))
            return
        if not understood:
            not_confirmed()
            return
        with action_errors():
            with unit_of_work(get_engine()) as session:
                reviews.record_ruling(session, actor=actor, appeal_id=view.id, ruling=ruling,
                                      gist=gist, expected_case_version=expected)
            _done(t("appeal.ruled", ruling=ruling_label(ruling)))


def _ruling_notice(actor: Actor, view: AppealView) -> None:
    """The notice of the ruling to the applicant, in Japanese unless English is chosen;
    made (and its printing audited) only when it is downloaded."""
    row = st.container(horizontal=True, vertical_alignment="center")
    with row:
        language = document_language(f"appeal_ruling_lang_{view.id}", "ja")

        def produce() -> bytes:
            with unit_of_work(get_engine()) as session:
                return ruling_notice(session, actor=actor, appeal_id=view.id,
                                     language=language)

        st.download_button(
            t("appeal.ruling_notice_download"), icon=":material/download:", on_click="ignore",
            data=produce, file_name=file_name(f"ruling-{view.case_number}-R{view.id}",
                                              language),
            mime="application/pdf", key=f"appeal_ruling_notice_{view.id}")


def _withdrawal_form(actor: Actor, view: AppealView) -> None:
    with st.expander(t("appeal.withdraw_heading"), icon=":material/undo:"):
        with st.form(f"appeal_withdraw_{view.id}", border=False):
            reason = st.text_area(t("appeal.withdraw_reason"), height=80)
            withdrawn = st.form_submit_button(t("appeal.withdraw"))
    expected = _shown_version(f"withdraw_{view.id}", view.case_version, withdrawn)
    if withdrawn:
        with action_errors():
            with unit_of_work(get_engine()) as session:
                reviews.withdraw_appeal(session, actor=actor, appeal_id=view.id,
                                        reason=reason, expected_case_version=expected)
            _done(t("appeal.withdrawn"))


# --- the panels -----------------------------------------------------------------------------------


def render_panels_page(actor: Actor) -> None:
    st.title(t("appeal.panels_heading"))
    st.caption(t("appeal.panels_intro"))
    show_flash()
    with shown_errors():
        with unit_of_work(get_engine(), write=False) as session:
            panels = reviews.list_panels(session, actor=actor, include_inactive=True)
            people = reviews.counsellors(session, actor=actor)
    offices = sorted({p.office for p in panels if p.office})
    every = "" if any(not p.office for p in panels) else None  # "": panels of no office
    office_filter = st.selectbox(
        t("appeal.panels_office_filter"), [None, *offices, *([every] if every == "" else [])],
        format_func=lambda o: t("appeal.panels_all_offices") if o is None
        else o or t("appeal.panels_no_office"), key="panels_office")
    shown = [p for p in panels if office_filter is None or (p.office or "") == office_filter]
    if not panels:
        st.info(t("appeal.no_panels"))
    for office in [*offices, ""]:
        group = [p for p in shown if (p.office or "") == office]
        if not group:
            continue
        st.subheader(tn("appeal.panels_of_office", len(group),
                        office=office or t("appeal.panels_no_office")), anchor=False)
        st.dataframe(panel_rows(group), hide_index=True, width="stretch",
                     key=f"panels_table_{office or 'none'}")
    st.subheader(t("appeal.panel_edit_heading"), anchor=False)
    by_id = {p.id: p for p in shown}
    picked = st.selectbox(t("appeal.panel_pick"), [None, *by_id],
                          format_func=lambda pid: t("appeal.panel_new") if pid is None
                          else f"{by_id[pid].name} ({by_id[pid].office or '—'})",
                          key="panels_pick")
    panel = by_id.get(picked)
    names = {uid: f"{name} — {field or t('appeal.no_field')}" for uid, name, field in people}
    current = [m.user_id for m in panel.members if m.user_id in names] if panel else []
    presiding = panel.presiding.user_id if panel and panel.presiding else None
    form = f"panels_form_{picked or 'new'}_{_round('panels')}"
    with st.form(form):
        c1, c2 = st.columns([2, 1])
        name = c1.text_input(t("appeal.panel_name"), value=panel.name if panel else "",
                             max_chars=80)
        office = c2.text_input(t("appeal.panel_office"),
                               value=(panel.office or "") if panel else office_filter or "",
                               max_chars=32, help=t("appeal.panel_office_help"))
        members = st.multiselect(t("appeal.panel_members"), list(names), default=current,
                                 format_func=names.get, max_selections=3,
                                 help=t("appeal.panel_members_help"))
        chair = st.selectbox(t("appeal.panel_presiding"), list(names),
                             index=list(names).index(presiding) if presiding in names else None,
                             format_func=names.get, help=t("appeal.panel_presiding_help"))
        active = st.checkbox(t("appeal.panel_active"), value=panel.active if panel else True)
        saved = st.form_submit_button(t("appeal.panel_save") if panel
                                      else t("appeal.panel_create"), type="primary")
    expected = _shown_version(f"panel_{picked}", panel.version if panel else 0, saved)
    if not saved:
        return
    with action_errors():
        with unit_of_work(get_engine()) as session:
            done = reviews.save_panel(session, actor=actor, name=name, member_ids=members,
                                      presiding_id=chair, office=office.strip() or None,
                                      active=active, panel_id=picked,
                                      expected_version=expected if panel else None)
        _bump("panels")
        flash(tm("appeal.panel_saved", name=done.name))
        st.rerun()


__all__ = ["FILE_KEY", "basis_label", "hearing_label", "hearing_text", "render_appeal_page",
           "render_appeals_page", "render_panels_page", "ruling_label", "text_block",
           "well_founded_label", "yes_no"]
