"""An appeal as the review services read it (DOMAIN.md §5): the states in which an appeal is
open, the read models (its panel, documents, hearing, opinions; the counsellor's file), and an
appeal found within the actor's reach (a counsellor reaches only the appeals of their panels;
a request for another appeal by id is refused and audited).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlmodel import Session

from models import (
    Appeal,
    AppealDocument,
    Application,
    CaseState,
    CoiCitation,
    CounsellorOpinion,
    Decision,
    DecisionStatus,
    Hearing,
    HearingEntry,
    Panel,
    PanelMember,
    PanelOpinion,
    Role,
    User,
)
from workbench.core import audit, clock
from workbench.core.actor import Actor
from workbench.core.errors import NotFound, PermissionDenied
from workbench.core.i18n import t
from workbench.core.ids import check_id
from workbench.core.permissions import Action, require
from workbench.intake.cases import load_case, user_names

OPEN_REVIEW_STATES = (CaseState.REVIEW_FILED, CaseState.PANEL_ASSIGNED, CaseState.HEARING_HELD,
                      CaseState.HEARING_SKIPPED, CaseState.PANEL_OPINION)


@dataclass(frozen=True)
class Member:
    user_id: int
    name: str
    expertise: str | None
    presiding: bool


@dataclass(frozen=True)
class PanelView:
    id: int
    name: str
    office: str | None
    active: bool
    members: tuple[Member, ...]
    open_appeals: int
    version: int

    @property
    def presiding(self) -> Member | None:
        return next((m for m in self.members if m.presiding), None)


@dataclass(frozen=True)
class DocumentView:
    id: int
    title: str
    file_name: str
    media_type: str
    size_bytes: int
    added_at: datetime


@dataclass(frozen=True)
class EntryView:
    position: int
    asked_by: str | None
    question: str
    answer: str


@dataclass(frozen=True)
class HearingView:
    scheduled_for: datetime | None
    place: str
    language: str
    interpreter: str
    attendance: str
    requester_attended: bool | None
    held_on: date | None
    skipped: bool
    skip_reason: str | None
    entries: tuple[EntryView, ...]
    version: int


@dataclass(frozen=True)
class OpinionView:
    id: int
    counsellor_id: int
    counsellor: str
    well_founded: bool | None
    reasons: str
    citation_ids: tuple[int, ...]
    submitted_at: datetime | None
    version: int


@dataclass(frozen=True)
class PanelOpinionView:
    well_founded: bool
    unanimous: bool
    summary: str
    dissent: str | None
    recorded_by: str | None
    recorded_at: datetime


@dataclass(frozen=True)
class AppealView:
    id: int
    application_id: int
    case_number: str
    state: str
    case_version: int
    basis: str
    filed_date: date
    deadline: date | None
    late: bool
    late_reason: str | None
    grounds: str
    hearing_requested: bool
    panel: PanelView | None
    documents: tuple[DocumentView, ...]
    hearing: HearingView | None
    opinions: tuple[OpinionView, ...]  # only those the reader may see
    panel_opinion: PanelOpinionView | None
    ruling: str | None
    ruling_gist: str | None
    ruled_at: datetime | None
    age_days: int
    version: int
    office: str = ""  # the case's office


@dataclass(frozen=True)
class CitedPassage:
    id: int
    reference: str
    quote: str  # as it stood when cited
    finding: str
    cited_at: datetime
    removed: bool


@dataclass(frozen=True)
class AppealFile:
    """Everything a counsellor needs, read-only: the appeal, the primary decision and its
    reasons, the interview record, the country information it cited, earlier applications."""

    appeal: AppealView
    decision_outcome: str | None
    decision_reasons: str | None
    decision_notice_date: date | None
    interview_answers: tuple[tuple[str, str, str], ...]  # (section, prompt, answer)
    incidents: tuple[str, ...]
    inconsistencies: tuple[tuple[str, str], ...]
    citations: tuple[CitedPassage, ...]
    earlier_applications: tuple[tuple[str, str, str | None], ...]  # (case no., state, outcome)
    narrative: str


def _appeal_of(session: Session, application_id: int) -> Appeal | None:
    """The latest appeal of a case."""
    return session.execute(select(Appeal).where(Appeal.application_id == application_id)
                           .order_by(Appeal.id.desc()).limit(1)).scalar_one_or_none()


def _appeal(session: Session, actor: Actor, action: Action, appeal_id: int
            ) -> tuple[Appeal, Application]:
    check_id(appeal_id, t("errors.reviews.no_appeal_id", appeal_id=appeal_id))
    row = session.get(Appeal, appeal_id)
    if row is None:
        require(actor, action, entity_type="appeal", entity_id=appeal_id)
        if actor.role == Role.COUNSELLOR:  # do not let ids be probed
            raise audit.refuse(PermissionDenied(t("errors.reviews.do_not_access_appeal")),
                               actor=actor, action=str(action), entity_type="appeal",
                               entity_id=appeal_id)
        raise NotFound(t("errors.reviews.no_appeal_id", appeal_id=appeal_id))
    app = load_case(session, actor, action, row.application_id)
    return row, app


def _panel_member(session: Session, actor: Actor, row: Appeal) -> PanelMember | None:
    if row.panel_id is None or actor.id is None:
        return None
    return session.get(PanelMember, (row.panel_id, actor.id))


def _members(session: Session, panel_ids: Sequence[int]) -> dict[int, list[Member]]:
    rows = session.execute(
        select(PanelMember.panel_id, PanelMember.user_id, PanelMember.presiding,
               User.display_name, User.expertise)
        .join(User, User.id == PanelMember.user_id)
        .where(PanelMember.panel_id.in_(list(panel_ids) or [0]))
        .order_by(PanelMember.presiding.desc(), User.display_name)).all()
    out: dict[int, list[Member]] = {}
    for panel_id, user_id, presiding, name, expertise in rows:
        out.setdefault(panel_id, []).append(Member(user_id, name, expertise, presiding))
    return out


def _open_counts(session: Session, panel_ids: Sequence[int]) -> dict[int, int]:
    """Open appeals of each of these panels."""
    rows = session.execute(
        select(Appeal.panel_id, func.count()).join(Application,
                                                   Application.id == Appeal.application_id)
        .where(Appeal.panel_id.in_(list(panel_ids) or [0]), Appeal.ruled_at.is_(None),
               Application.state.in_([s.value for s in OPEN_REVIEW_STATES]))
        .group_by(Appeal.panel_id)).all()
    return {panel_id: n for panel_id, n in rows}


def _panel_views(session: Session, panels: Sequence[Panel]) -> list[PanelView]:
    members = _members(session, [p.id for p in panels])
    counts = _open_counts(session, [p.id for p in panels])
    return [PanelView(p.id, p.name, p.office, p.active, tuple(members.get(p.id, [])),
                      counts.get(p.id, 0), p.version) for p in panels]


def appeal_view(session: Session, *, actor: Actor, appeal_id: int) -> AppealView:
    row, app = _appeal(session, actor, Action.CASE_OPEN, appeal_id)
    panel = None
    if row.panel_id is not None:
        found = session.get(Panel, row.panel_id)
        panel = _panel_views(session, [found])[0] if found else None
    documents = tuple(DocumentView(d.id, d.title, d.file_name, d.media_type, d.size_bytes,
                                   d.added_at) for d in session.execute(
        select(AppealDocument).where(AppealDocument.appeal_id == row.id)
        .order_by(AppealDocument.id)).scalars())
    hearing_row = session.execute(select(Hearing).where(Hearing.appeal_id == row.id)
                                  ).scalar_one_or_none()
    opinions = list(session.execute(select(CounsellorOpinion).where(
        CounsellorOpinion.appeal_id == row.id).order_by(CounsellorOpinion.id)).scalars())
    panel_op = session.execute(select(PanelOpinion).where(PanelOpinion.appeal_id == row.id)
                               ).scalar_one_or_none()
    entries = []
    if hearing_row is not None:
        entries = list(session.execute(select(HearingEntry).where(
            HearingEntry.hearing_id == hearing_row.id).order_by(HearingEntry.position)
        ).scalars())
    names = user_names(session, [o.counsellor_id for o in opinions]
                       + [e.asked_by_id for e in entries]
                       + [panel_op.recorded_by_id if panel_op else None])
    # A counsellor sees the others' opinions once submitted; their own draft always.
    visible = [o for o in opinions if o.submitted_at is not None or o.counsellor_id == actor.id
               or actor.role == Role.MANAGER]
    today = clock.today()
    end = clock.local_date(row.ruled_at) if row.ruled_at else today
    return AppealView(
        id=row.id, application_id=app.id, case_number=app.case_number, state=str(app.state),
        case_version=app.version, basis=row.basis, filed_date=row.filed_date,
        deadline=row.deadline, late=row.late, late_reason=row.late_reason, grounds=row.grounds,
        hearing_requested=row.hearing_requested, panel=panel, documents=documents,
        hearing=None if hearing_row is None else HearingView(
            hearing_row.scheduled_for, hearing_row.place, hearing_row.language,
            hearing_row.interpreter, hearing_row.attendance, hearing_row.requester_attended,
            hearing_row.held_on, hearing_row.skipped, hearing_row.skip_reason,
            tuple(EntryView(e.position, names.get(e.asked_by_id), e.question, e.answer)
                  for e in entries), hearing_row.version),
        opinions=tuple(OpinionView(o.id, o.counsellor_id, names.get(o.counsellor_id, ""),
                                   o.well_founded, o.reasons, tuple(o.citation_ids),
                                   o.submitted_at, o.version) for o in visible),
        panel_opinion=None if panel_op is None else PanelOpinionView(
            panel_op.well_founded, panel_op.unanimous, panel_op.summary, panel_op.dissent,
            names.get(panel_op.recorded_by_id), panel_op.recorded_at),
        ruling=row.ruling, ruling_gist=row.ruling_gist, ruled_at=row.ruled_at,
        age_days=(end - row.filed_date).days, version=row.version, office=app.office or "")


def appeal_for_case(session: Session, *, actor: Actor, application_id: int) -> AppealView | None:
    load_case(session, actor, Action.CASE_OPEN, application_id)
    row = _appeal_of(session, application_id)
    return appeal_view(session, actor=actor, appeal_id=row.id) if row else None


def appeal_file(session: Session, *, actor: Actor, appeal_id: int) -> AppealFile:
    """The counsellor's read-only file of an appeal. Opening it is audited."""
    from workbench.examination import interviews

    view = appeal_view(session, actor=actor, appeal_id=appeal_id)
    app = session.get(Application, view.application_id)
    final = session.execute(select(Decision).where(
        Decision.application_id == app.id,
        Decision.status.in_([DecisionStatus.FINAL, DecisionStatus.SUPERSEDED]))
        .order_by(Decision.number.desc()).limit(1)).scalar_one_or_none()
    record = interviews.interview(session, actor=actor, application_id=app.id)
    answers = interviews.answer_lines(record)
    citations = tuple(CitedPassage(c.id, c.reference, c.quote, c.finding, c.created_at,
                                   c.removed_at is not None)
                      for c in session.execute(select(CoiCitation).where(
                          CoiCitation.application_id == app.id).order_by(CoiCitation.id)
                      ).scalars())
    earlier = tuple((a.case_number, str(a.state), a.outcome) for a in session.execute(
        select(Application).where(Application.person_id == app.person_id,
                                  Application.id != app.id)
        .order_by(Application.lodged_date)).scalars())
    audit.record(session, actor=actor, action="case.open", entity_type="application",
                 entity_id=app.id, details={"appeal": view.id})
    return AppealFile(
        appeal=view, decision_outcome=final.outcome if final else app.outcome,
        decision_reasons=final.reasons if final else None,
        decision_notice_date=final.notice_date if final else app.notice_date,
        interview_answers=tuple(answers),
        incidents=tuple(f"{i.when}: {i.what_happened} ({i.place}; {i.agent})".strip()
                        for i in record.incidents),
        inconsistencies=tuple((c.matter, c.explanation) for c in record.inconsistencies),
        citations=citations, earlier_applications=earlier,
        narrative=app.claim_narrative or "")


__all__ = [
    "AppealFile",
    "AppealView",
    "CitedPassage",
    "DocumentView",
    "EntryView",
    "HearingView",
    "Member",
    "OPEN_REVIEW_STATES",
    "OpinionView",
    "PanelOpinionView",
    "PanelView",
    "appeal_file",
    "appeal_for_case",
    "appeal_view",
]
