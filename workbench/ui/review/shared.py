"""What the administrative review pages share: labels (basis, hearing, ruling, findings), the
oral opinion statement in one line, text shown exactly as written, refusals shown under the
form, the version a form was loaded at, and the reader's seat on the appeal's panel.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from models import CaseState, Role
from workbench.core.actor import Actor
from workbench.core.errors import InvalidTransition, WorkbenchError
from workbench.core.i18n import t
from workbench.review.appeals import AppealView, Member, OpinionView
from workbench.ui.core import nav
from workbench.ui.core.errors import shown_errors
from workbench.ui.core.format import fmt_date, fmt_datetime
from workbench.ui.core.text import html_text, md
from workbench.ui.core.widgets import flash
from workbench.ui.library.shared import html_block

#: The appeal file as opened (the opening is audited once; the list page starts a new one).
FILE_KEY = "wb_appeal_file"
BEFORE_HEARING = (CaseState.REVIEW_FILED, CaseState.PANEL_ASSIGNED)
HEARING_DONE = (CaseState.HEARING_HELD, CaseState.HEARING_SKIPPED)


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


def member_line(member: Member) -> str:
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


def shown_version(name: str, current: int, submitted: bool) -> int:
    """The version the user had on screen when they submitted."""
    key = f"wb_appeal_loaded_{name}"
    if not submitted:
        st.session_state[key] = current
        return current
    return st.session_state.get(key, current)


def round_of(name: str) -> int:
    return st.session_state.get(f"wb_appeal_round_{name}", 0)


def bump_round(name: str) -> None:
    st.session_state[f"wb_appeal_round_{name}"] = round_of(name) + 1


def rerun_with(message: str) -> None:
    """Show ``message`` at the top of the page on the next run, and run the page again."""
    flash(message)
    st.rerun()


def open_appeal(appeal_id: int) -> None:
    st.switch_page(nav.page("appeal"), query_params={"appeal": str(appeal_id)})


def panel_member(actor: Actor, view: AppealView) -> Member | None:
    if view.panel is None or actor.role != Role.COUNSELLOR:
        return None
    return next((m for m in view.panel.members if m.user_id == actor.id), None)


def submitted_opinions(view: AppealView) -> list[OpinionView]:
    return [o for o in view.opinions if o.submitted_at is not None]


__all__ = [
    "BEFORE_HEARING",
    "FILE_KEY",
    "HEARING_DONE",
    "action_errors",
    "basis_label",
    "bump_round",
    "finding_text",
    "hearing_label",
    "hearing_text",
    "member_line",
    "open_appeal",
    "panel_member",
    "rerun_with",
    "round_of",
    "ruling_label",
    "shown_version",
    "submitted_opinions",
    "text_block",
    "well_founded_label",
    "yes_no",
]
