"""Administrative review: requests for review, standing panels of three counsellors, allocation,
the counsellors' view of the appeal, the oral opinion statement, the opinions and the ruling
(DOMAIN.md §5).

- Filing checks the date against the review window that runs from the notice (late filings
  are recorded as such, with the reason given); a request against inaction has no deadline.
  New evidence is kept as the workbench's own copy, checked by content and bounded in size.
- Panels are three distinct active counsellors, one presiding, from at least two fields of
  expertise. Appeals go to panels, never to one person: allocation picks the eligible panel
  with the fewest open appeals, and a panel is not eligible when one of its members handled
  the case at first instance or declared a conflict of interest in it.
- Counsellors reach only the appeals of their panels (``permissions.CASE_SCOPES``); a request
  for another appeal by id is refused and audited.
- Each counsellor writes an individual opinion, editable by its author until submitted; the
  presiding counsellor records the panel's opinion (unanimous or by majority, dissent kept);
  a manager records the ruling with the gist of the panel's opinion, and a granted appeal
  leads to recognition through the workflow.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import event, func, select
from sqlmodel import Session

from coi.filenames import shown_name
from coi.store import FileStore, Staged
from models import (
    Appeal,
    AppealDocument,
    Application,
    CaseState,
    CoiCitation,
    ConflictDeclaration,
    CounsellorOpinion,
    Decision,
    DecisionStatus,
    Hearing,
    HearingEntry,
    Panel,
    PanelMember,
    PanelOpinion,
    ReviewRuling,
    Role,
    StatusEvent,
    User,
)
from workbench.core import audit, clock
from workbench.core.actor import Actor
from workbench.core.db import present
from workbench.core.errors import NotFound, PermissionDenied, ValidationError
from workbench.core.i18n import t
from workbench.core.ids import check_id
from workbench.core.permissions import Action, case_scope, require
from workbench.core.settings import Settings, get_settings
from workbench.core.versioning import bump, stale_edit
from workbench.core.workflow import TransitionInput, is_reviewable, transition
from workbench.intake.cases import load_case, user_names

OPEN_REVIEW_STATES = (CaseState.REVIEW_FILED, CaseState.PANEL_ASSIGNED, CaseState.HEARING_HELD,
                      CaseState.HEARING_SKIPPED, CaseState.PANEL_OPINION)
_MAGIC = ((b"%PDF-", "pdf"), (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"))


# --- read models ------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class QueueItem:
    appeal_id: int
    application_id: int
    case_number: str
    state: str
    basis: str
    filed_date: date
    age_days: int
    late: bool
    panel: str | None
    hearing: str  # "requested", "scheduled", "held", "skipped", "not requested"
    opinions_submitted: int


# --- helpers ----------------------------------------------------------------------------------



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


# --- panels -----------------------------------------------------------------------------------


def list_panels(session: Session, *, actor: Actor, include_inactive: bool = False
                ) -> list[PanelView]:
    require(actor, Action.APPEAL_MANAGE)
    query = select(Panel).order_by(Panel.name)
    if not include_inactive:
        query = query.where(Panel.active.is_(True))
    return _panel_views(session, list(session.execute(query).scalars()))


def save_panel(session: Session, *, actor: Actor, name: str, member_ids: Sequence[int],
               presiding_id: int, office: str | None = None, active: bool = True,
               panel_id: int | None = None, expected_version: int | None = None) -> PanelView:
    """Create or change a standing panel: three distinct active counsellors, one of them
    presiding, from at least two fields of expertise."""
    require(actor, Action.APPEAL_MANAGE, entity_type="panel", entity_id=panel_id,
            attempted="panel.save")
    name = (name or "").strip()
    if not name:
        raise ValidationError(t("errors.reviews.give_panel_name"))
    office = (office or "").strip().upper() or None  # office codes: TOKYO, OSAKA
    ids = list(dict.fromkeys(int(m) for m in member_ids))
    if len(ids) != 3 or len(member_ids) != 3:
        raise ValidationError(t("errors.reviews.panel_exactly_three_different"))
    if presiding_id not in ids:
        raise ValidationError(t("errors.reviews.presiding_counsellor_must_one"))
    users = {u.id: u for u in session.execute(select(User).where(User.id.in_(ids))).scalars()}
    wrong = [i for i in ids if i not in users or users[i].role != Role.COUNSELLOR
             or not users[i].is_active]
    if wrong:
        raise ValidationError(t("errors.reviews.every_member_must_active"))
    fields = {(users[i].expertise or "").strip().lower() for i in ids}
    if len(fields - {""}) < 2:
        raise ValidationError(t("errors.reviews.panel_mixes_fields_expertise"))
    clash = session.execute(select(Panel.id).where(func.lower(Panel.name) == name.lower(),
                                                    Panel.id != (panel_id or 0))).first()
    if clash:
        raise ValidationError(t("errors.reviews.already_panel_called", name=name))
    if panel_id is None:
        panel = Panel(name=name, office=office, active=active, updated_by_id=actor.id)
        session.add(panel)
        session.flush()
    else:
        panel = session.get(Panel, panel_id)
        if panel is None:
            raise NotFound(t("errors.reviews.no_such_panel"))
        if expected_version is not None and panel.version != expected_version:
            raise audit.refuse(stale_edit(session, "panel", panel, expected_version,
                                          {"name": name}),
                               actor=actor, action="panel.save", entity_type="panel",
                               entity_id=panel.id, outcome="refused")
        busy = _open_counts(session, [panel.id]).get(panel.id, 0)
        current = {m.user_id for m in session.execute(select(PanelMember).where(
            PanelMember.panel_id == panel.id)).scalars()}
        if busy and current != set(ids):
            raise ValidationError(t("errors.reviews.panel_appeals_progress_members"))
        panel.name, panel.office, panel.active = name, office, active
        bump(panel, actor)
        session.add(panel)
        for member in session.execute(select(PanelMember).where(
                PanelMember.panel_id == panel.id)).scalars():
            session.delete(member)
        session.flush()
    for uid in ids:
        session.add(PanelMember(panel_id=panel.id, user_id=uid, presiding=uid == presiding_id))
    session.flush()
    audit.record(session, actor=actor, action="panel.save", entity_type="panel",
                 entity_id=panel.id, details={"members": ids, "presiding": presiding_id,
                                              "active": active})
    return _panel_views(session, [panel])[0]


def counsellors(session: Session, *, actor: Actor) -> list[tuple[int, str, str | None]]:
    """Active counsellors (id, name, expertise), for forming panels."""
    require(actor, Action.APPEAL_MANAGE)
    return [(u.id, u.display_name, u.expertise) for u in session.execute(
        select(User).where(User.role == Role.COUNSELLOR, User.is_active.is_(True))
        .order_by(User.display_name)).scalars()]


# --- filing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    title: str
    file_name: str
    content: bytes


def _media_type(content: bytes) -> str | None:
    for magic, kind in _MAGIC:
        if content.startswith(magic):
            return kind
    if b"\x00" in content[:4096]:
        return None
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text"


def _check_evidence(items: Sequence[Evidence], settings: Settings) -> list[tuple[Evidence, str,
                                                                                  str]]:
    if len(items) > settings.appeal_max_files:
        raise ValidationError(t("errors.reviews.request_may_hold_most",
                                max_files=settings.appeal_max_files))
    limit = settings.appeal_max_file_mb * 1024 * 1024
    checked = []
    for item in items:
        label = shown_name(item.file_name or item.title or "a file")
        if not item.content:
            raise ValidationError(t("errors.reviews.file_empty", label=label))
        if len(item.content) > limit:
            raise ValidationError(t("errors.reviews.file_too_large", label=label,
                                    max_mb=settings.appeal_max_file_mb))
        kind = _media_type(item.content)
        if kind is None:
            raise ValidationError(t("errors.reviews.file_type", label=label))
        if not (item.title or "").strip():
            raise ValidationError(t("errors.reviews.give_title_what_document", label=label))
        checked.append((item, kind, hashlib.sha256(item.content).hexdigest()))
    return checked


def evidence_store(settings: Settings) -> FileStore:
    """The workbench's copies of appeal documents: ``<appeal store>/<sha256>``, private."""
    return FileStore(settings.resolved_appeal_store, fanout=False, mode=0o600)


def _sweep(session: Session, store: FileStore) -> None:
    """Settle what an interrupted filing left in the store (``FileStore.sweep``): files no
    appeal document refers to are removed, those of committed documents kept; audited."""
    report = store.sweep(lambda shas: present(session, AppealDocument.sha256, shas))
    if report:
        audit.record(session, actor=None, username="system", action="appeal.store.sweep",
                     entity_type="appeal_document",
                     details={"removed": list(report.removed), "kept": list(report.kept)})


def _settle_with_transaction(session: Session, staged: list[Staged]) -> None:
    """Move ``staged`` files into place when the session's transaction commits; remove them
    when it ends otherwise (rolled back, or closed without a commit)."""
    committed: list[bool] = []
    settled: list[bool] = []

    def on_commit(_session: Session) -> None:
        committed.append(True)

    def on_end(_session: Session, transaction) -> None:  # noqa: ANN001
        if transaction.parent is not None or settled:
            return
        settled.append(True)  # the listeners stay on the short-lived session, idle
        for item in staged:
            if committed:
                item.commit()
            else:
                item.discard()

    event.listen(session, "after_commit", on_commit)
    event.listen(session, "after_transaction_end", on_end)


def _attach(session: Session, actor: Actor, appeal_id: int,
            checked: Sequence[tuple[Evidence, str, str]], settings: Settings) -> None:
    """Keep the workbench's copy of each checked document and record it with the appeal. The
    copies take their final names only when the transaction commits."""
    store = evidence_store(settings)
    _sweep(session, store)
    staged: list[Staged] = []
    try:
        for item, kind, sha in checked:
            copy = store.stage(item.content, sha)
            if copy is not None:
                staged.append(copy)
            session.add(AppealDocument(
                appeal_id=appeal_id, title=item.title.strip(),
                file_name=shown_name(Path(item.file_name or "document").name)[:255],
                media_type=kind, size_bytes=len(item.content), sha256=sha,
                added_by_id=actor.id))
        session.flush()
    except BaseException:
        for copy in staged:
            copy.discard()
        raise
    _settle_with_transaction(session, staged)


def file_appeal(session: Session, *, actor: Actor, application_id: int, filed_date: date,
                grounds: str, hearing_requested: bool = True, late_reason: str | None = None,
                against_inaction: bool = False, evidence: Sequence[Evidence] = (),
                expected_case_version: int | None = None,
                settings: Settings | None = None) -> AppealView:
    """Record a request for review received on ``filed_date``: against a non-recognition or
    a revocation (within the window from the notice, or late with the reason given), or
    against inaction (no deadline)."""
    settings = settings or get_settings()
    require(actor, Action.APPEAL_FILE, entity_type="application", entity_id=application_id,
            attempted="appeal.file")
    app = load_case(session, actor, Action.CASE_TRANSITION, application_id)
    grounds = (grounds or "").strip()
    if not grounds:
        raise ValidationError(t("errors.reviews.record_grounds_request_review"))
    checked = _check_evidence(evidence, settings)
    deadline = None
    if not against_inaction:
        if app.notice_date is None or not is_reviewable(app):
            raise ValidationError(t("errors.reviews.request_review_lies_against"))
        deadline = clock.review_deadline(app.notice_date, settings)
    late = deadline is not None and filed_date > deadline
    reason = (late_reason or "").strip() or None
    transition(session, actor=actor, application_id=app.id,
               action="file_review_inaction" if against_inaction else "file_review",
               data=TransitionInput(filed_date=filed_date, reason=reason),
               expected_version=expected_case_version, settings=settings)
    final = session.execute(select(Decision.id).where(
        Decision.application_id == app.id, Decision.status == DecisionStatus.FINAL)
        .order_by(Decision.number.desc()).limit(1)).scalar_one_or_none()
    row = Appeal(application_id=app.id, decision_id=final, basis=str(app.review_basis),
                 filed_date=filed_date, deadline=deadline, late=late,
                 late_reason=reason if late else None, grounds=grounds,
                 hearing_requested=hearing_requested, created_by_id=actor.id,
                 updated_by_id=actor.id)
    session.add(row)
    session.flush()
    _attach(session, actor, row.id, checked, settings)
    audit.record(session, actor=actor, action="appeal.file", entity_type="application",
                 entity_id=app.id, details={"appeal": row.id, "basis": row.basis,
                                            "late": late, "documents": len(checked),
                                            "hearing_requested": hearing_requested})
    return appeal_view(session, actor=actor, appeal_id=row.id)


def add_evidence(session: Session, *, actor: Actor, appeal_id: int,
                 evidence: Sequence[Evidence], settings: Settings | None = None) -> int:
    """Further documents for a pending request (received after filing)."""
    settings = settings or get_settings()
    require(actor, Action.APPEAL_FILE, entity_type="appeal", entity_id=appeal_id,
            attempted="appeal.evidence")
    row, app = _appeal(session, actor, Action.CASE_EDIT, appeal_id)
    if CaseState(app.state) not in OPEN_REVIEW_STATES[:3]:
        raise ValidationError(t("errors.reviews.evidence_added_until_panel"))
    existing = session.execute(select(func.count()).select_from(AppealDocument).where(
        AppealDocument.appeal_id == row.id)).scalar_one()
    if existing + len(evidence) > settings.appeal_max_files:
        raise ValidationError(t("errors.reviews.request_may_hold_most",
                                max_files=settings.appeal_max_files))
    checked = _check_evidence(evidence, settings)
    _attach(session, actor, row.id, checked, settings)
    audit.record(session, actor=actor, action="appeal.evidence", entity_type="application",
                 entity_id=app.id, details={"appeal": row.id, "documents": len(checked)})
    return len(checked)


def evidence_file(session: Session, *, actor: Actor, document_id: int,
                  settings: Settings | None = None) -> tuple[DocumentView, bytes]:
    """A document of an appeal, for those who reach the case; the opening is audited."""
    settings = settings or get_settings()
    check_id(document_id, t("errors.reviews.no_such_document"))
    doc = session.get(AppealDocument, document_id)
    if doc is None:
        raise NotFound(t("errors.reviews.no_such_document"))
    row, app = _appeal(session, actor, Action.CASE_OPEN, doc.appeal_id)
    path = evidence_store(settings).path_for(doc.sha256)
    try:
        content = path.read_bytes()
    except OSError:
        raise NotFound(t("errors.reviews.workbench_s_copy_document")) from None
    if hashlib.sha256(content).hexdigest() != doc.sha256:
        raise ValidationError(t("errors.reviews.stored_copy_document_does"))
    audit.record(session, actor=actor, action="appeal.evidence.open", entity_type="application",
                 entity_id=app.id, details={"document": doc.id})
    return DocumentView(doc.id, doc.title, doc.file_name, doc.media_type, doc.size_bytes,
                        doc.added_at), content


# --- allocation -------------------------------------------------------------------------------


def first_instance_handlers(session: Session, application_id: int) -> set[int]:
    """Everyone who acted on the case at first instance (and so cannot sit on its appeal)."""
    app = session.get(Application, application_id)
    users: set[int] = set()
    if app is not None and app.assigned_inquirer_id:
        users.add(app.assigned_inquirer_id)
    for drafted, approved in session.execute(select(Decision.drafted_by_id,
                                                    Decision.approved_by_id).where(
            Decision.application_id == application_id)).all():
        users.update(u for u in (drafted, approved) if u)
    first_review = session.execute(select(func.min(StatusEvent.id)).where(
        StatusEvent.application_id == application_id,
        StatusEvent.action.in_(["file_review", "file_review_inaction"]))).scalar_one()
    events = select(StatusEvent.actor_id).where(StatusEvent.application_id == application_id,
                                                StatusEvent.actor_id.is_not(None))
    if first_review is not None:
        events = events.where(StatusEvent.id < first_review)
    users.update(session.execute(events).scalars())
    return users


def conflicted(session: Session, application_id: int) -> dict[int, str]:
    """Counsellors who cannot sit on the case, with the reason."""
    out = {uid: t("errors.reviews.conflict.first_instance")
           for uid in first_instance_handlers(session, application_id)}
    for uid, reason in session.execute(select(ConflictDeclaration.user_id,
                                              ConflictDeclaration.reason).where(
            ConflictDeclaration.application_id == application_id)).all():
        out[uid] = t("errors.reviews.conflict.declared", reason=reason)
    return out


@dataclass(frozen=True)
class PanelChoice:
    panel: PanelView
    eligible: bool
    why_not: tuple[str, ...]
    same_office: bool = False  # the panel sits in the case's office


def same_office(panel_office: str | None, case_office: str | None) -> bool:
    return bool(panel_office and case_office
                and panel_office.strip().upper() == case_office.strip().upper())


def panel_choices(session: Session, *, actor: Actor, appeal_id: int) -> list[PanelChoice]:
    """Every active panel with whether it may take the appeal: the eligible ones first, those
    of the case's office before the others, each least loaded first."""
    require(actor, Action.APPEAL_MANAGE, entity_type="appeal", entity_id=appeal_id)
    row, app = _appeal(session, actor, Action.CASE_OPEN, appeal_id)
    blocked = conflicted(session, app.id)
    choices = []
    for panel in list_panels(session, actor=actor):
        why = tuple(t("errors.reviews.conflict.member", name=m.name, why=blocked[m.user_id])
                    for m in panel.members if m.user_id in blocked)
        if len(panel.members) != 3:
            why += (t("errors.reviews.conflict.not_three"),)
        choices.append(PanelChoice(panel, not why, why, same_office(panel.office, app.office)))
    choices.sort(key=lambda c: (not c.eligible, not c.same_office, c.panel.open_appeals,
                                c.panel.name))
    return choices


def allocate(session: Session, *, actor: Actor, appeal_id: int, panel_id: int | None = None,
             expected_case_version: int | None = None) -> AppealView:
    """Allocate the appeal to a panel (the chosen one, or else the eligible panel of the
    case's office with the fewest open appeals, and only when the office has none, the least
    loaded eligible panel of another office). An appeal already allocated may move to another
    panel until an opinion has been submitted."""
    require(actor, Action.APPEAL_MANAGE, entity_type="appeal", entity_id=appeal_id,
            attempted="appeal.allocate")
    row, app = _appeal(session, actor, Action.CASE_TRANSITION, appeal_id)
    state = CaseState(app.state)
    if state not in (CaseState.REVIEW_FILED, CaseState.PANEL_ASSIGNED):
        raise ValidationError(t("errors.reviews.appeal_allocated_before_hearing"))
    submitted = session.execute(select(func.count()).select_from(CounsellorOpinion).where(
        CounsellorOpinion.appeal_id == row.id,
        CounsellorOpinion.submitted_at.is_not(None))).scalar_one()
    if submitted:
        raise ValidationError(t("errors.reviews.opinions_been_submitted_appeal"))
    choices = panel_choices(session, actor=actor, appeal_id=appeal_id)
    if panel_id is None:
        chosen = next((c for c in choices if c.eligible and c.panel.id != row.panel_id), None)
        if chosen is None:
            raise ValidationError(t("errors.reviews.no_active_panel_take"))
    else:
        chosen = next((c for c in choices if c.panel.id == panel_id), None)
        if chosen is None:
            raise ValidationError(t("errors.reviews.no_such_active_panel"))
        if not chosen.eligible:
            raise audit.refuse(ValidationError(t(
                "errors.reviews.cannot_take", panel=chosen.panel.name,
                why=t("errors.reviews.conflict.separator").join(chosen.why_not))),
                actor=actor, action="appeal.allocate", entity_type="application",
                entity_id=app.id, outcome="refused")
    if state == CaseState.REVIEW_FILED:
        transition(session, actor=actor, application_id=app.id, action="assign_panel",
                   data=TransitionInput(reason=f"Allocated to {chosen.panel.name}"),
                   expected_version=expected_case_version)
    previous = row.panel_id
    row.panel_id = chosen.panel.id
    row.allocated_at = clock.now_utc()
    row.allocated_by_id = actor.id
    bump(row, actor)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="appeal.allocate", entity_type="application",
                 entity_id=app.id, details={"appeal": row.id, "panel": chosen.panel.id,
                                            "previous_panel": previous,
                                            "other_office": not chosen.same_office})
    return appeal_view(session, actor=actor, appeal_id=row.id)


def declare_conflict(session: Session, *, actor: Actor, appeal_id: int, reason: str) -> None:
    """A counsellor of the appeal's panel declares a conflict of interest: the appeal must be
    allocated to another panel (before any opinion is submitted)."""
    require(actor, Action.APPEAL_OPINION, entity_type="appeal", entity_id=appeal_id,
            attempted="appeal.conflict")
    row, app = _appeal(session, actor, Action.CASE_OPEN, appeal_id)
    if not (reason or "").strip():
        raise ValidationError(t("errors.reviews.say_what_conflict_interest"))
    exists_ = session.execute(select(ConflictDeclaration.id).where(
        ConflictDeclaration.application_id == app.id,
        ConflictDeclaration.user_id == actor.id)).first()
    if not exists_:
        session.add(ConflictDeclaration(application_id=app.id, user_id=actor.id,
                                        reason=reason.strip()))
        session.flush()
    audit.record(session, actor=actor, action="appeal.conflict", entity_type="application",
                 entity_id=app.id, details={"appeal": row.id})


# --- reading ------------------------------------------------------------------------------------


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


def my_appeals(session: Session, *, actor: Actor) -> list[QueueItem]:
    """The appeals a counsellor's panels hold (or, for a manager, all), oldest first."""
    require(actor, Action.CASE_LIST)
    return _queue(session, actor)


def appeal_queue(session: Session, *, actor: Actor, state: str | None = None
                 ) -> list[QueueItem]:
    """The manager's queue of appeals with their ages."""
    require(actor, Action.APPEAL_MANAGE)
    items = _queue(session, actor)
    return [i for i in items if state is None or i.state == state]


def _queue(session: Session, actor: Actor) -> list[QueueItem]:
    latest = select(func.max(Appeal.id)).group_by(Appeal.application_id)
    rows = session.execute(
        select(Appeal, Application.case_number, Application.state, Panel.name)
        .join(Application, Application.id == Appeal.application_id)
        .outerjoin(Panel, Panel.id == Appeal.panel_id)
        .where(Appeal.id.in_(latest), case_scope(actor),
               Application.state.in_([s.value for s in OPEN_REVIEW_STATES]
                                     + [CaseState.RULED.value]))
        .order_by(Appeal.filed_date, Appeal.id)).all()
    ids = [r[0].id for r in rows]
    hearings = {h.appeal_id: h for h in session.execute(select(Hearing).where(
        Hearing.appeal_id.in_(ids or [0]))).scalars()}
    submitted = dict(session.execute(select(CounsellorOpinion.appeal_id, func.count()).where(
        CounsellorOpinion.appeal_id.in_(ids or [0]),
        CounsellorOpinion.submitted_at.is_not(None)).group_by(CounsellorOpinion.appeal_id)).all())
    today = clock.today()
    out = []
    for appeal, number, state, panel in rows:
        h = hearings.get(appeal.id)
        hearing = ("skipped" if h and h.skipped else "held" if h and h.held_on
                   else "scheduled" if h and h.scheduled_for
                   else "requested" if appeal.hearing_requested else "not requested")
        end = clock.local_date(appeal.ruled_at) if appeal.ruled_at else today
        out.append(QueueItem(appeal.id, appeal.application_id, number, str(state), appeal.basis,
                             appeal.filed_date, (end - appeal.filed_date).days, appeal.late,
                             panel, hearing, submitted.get(appeal.id, 0)))
    return out


@dataclass(frozen=True)
class ReviewStats:
    pending: int
    unallocated: int
    oldest_pending_days: int | None
    hearings_held: int
    hearings_skipped: int
    panels: tuple[PanelView, ...]


def review_stats(session: Session, *, actor: Actor) -> ReviewStats:
    """Pending appeals, the oldest, hearings held and skipped, each panel's workload."""
    require(actor, Action.APPEAL_MANAGE)
    queue = [i for i in _queue(session, actor) if i.state != CaseState.RULED.value]
    held = session.execute(select(func.count()).select_from(Hearing).where(
        Hearing.held_on.is_not(None))).scalar_one()
    skipped = session.execute(select(func.count()).select_from(Hearing).where(
        Hearing.skipped.is_(True))).scalar_one()
    return ReviewStats(len(queue), sum(1 for i in queue if i.panel is None),
                       max((i.age_days for i in queue), default=None), held, skipped,
                       tuple(list_panels(session, actor=actor)))


# --- the oral opinion statement -------------------------------------------------------------


def _panel_member(session: Session, actor: Actor, row: Appeal) -> PanelMember | None:
    if row.panel_id is None or actor.id is None:
        return None
    return session.get(PanelMember, (row.panel_id, actor.id))


def _may_run_hearing(session: Session, actor: Actor, row: Appeal, app: Application,
                     what: str) -> None:
    if actor.role == Role.MANAGER:
        return
    if actor.role == Role.COUNSELLOR and _panel_member(session, actor, row) is not None:
        return
    raise audit.refuse(PermissionDenied(t("errors.reviews.panel_manager_records_oral")),
                       actor=actor, action=f"hearing.{what}",
                       entity_type="application", entity_id=app.id)


def _hearing(session: Session, row: Appeal, actor: Actor) -> Hearing:
    found = session.execute(select(Hearing).where(Hearing.appeal_id == row.id)
                            ).scalar_one_or_none()
    if found is None:
        found = Hearing(appeal_id=row.id, updated_by_id=actor.id)
        session.add(found)
        session.flush()
    return found


def schedule_hearing(session: Session, *, actor: Actor, appeal_id: int, when: datetime,
                     place: str, language: str, interpreter: str = "") -> HearingView:
    row, app = _appeal(session, actor, Action.CASE_TRANSITION, appeal_id)
    _may_run_hearing(session, actor, row, app, "schedule")
    if CaseState(app.state) != CaseState.PANEL_ASSIGNED:
        raise ValidationError(t("errors.reviews.oral_opinion_statement_scheduled"))
    if when.tzinfo is None:
        raise ValidationError(t("errors.reviews.give_time_hearing_time"))
    if clock.local_date(when) < row.filed_date:
        raise ValidationError(t("errors.reviews.hearing_cannot_before_request"))
    if not (place or "").strip() or not (language or "").strip():
        raise ValidationError(t("errors.reviews.give_place_language_hearing"))
    hearing = _hearing(session, row, actor)
    hearing.scheduled_for, hearing.place = when, place.strip()
    hearing.language, hearing.interpreter = language.strip(), (interpreter or "").strip()
    bump(hearing, actor)
    session.add(hearing)
    session.flush()
    audit.record(session, actor=actor, action="hearing.schedule", entity_type="application",
                 entity_id=app.id, details={"appeal": row.id})
    return appeal_view(session, actor=actor, appeal_id=row.id).hearing


def add_hearing_entry(session: Session, *, actor: Actor, appeal_id: int, question: str,
                      answer: str) -> None:
    """One question put at the hearing (by the actor) and the answer given."""
    row, app = _appeal(session, actor, Action.CASE_TRANSITION, appeal_id)
    _may_run_hearing(session, actor, row, app, "entry")
    if CaseState(app.state) != CaseState.PANEL_ASSIGNED:
        raise ValidationError(t("errors.reviews.questions_recorded_while_hearing"))
    if not (question or "").strip():
        raise ValidationError(t("errors.reviews.record_question_put"))
    hearing = _hearing(session, row, actor)
    if hearing.scheduled_for is None:
        raise ValidationError(t("errors.reviews.schedule_hearing_first"))
    count = session.execute(select(func.count()).select_from(HearingEntry).where(
        HearingEntry.hearing_id == hearing.id)).scalar_one()
    session.add(HearingEntry(hearing_id=hearing.id, position=count + 1, asked_by_id=actor.id,
                             question=question.strip(), answer=(answer or "").strip()))
    bump(hearing, actor)
    session.add(hearing)
    session.flush()
    audit.record(session, actor=actor, action="hearing.entry", entity_type="application",
                 entity_id=app.id, details={"appeal": row.id, "position": count + 1})


def hold_hearing(session: Session, *, actor: Actor, appeal_id: int, held_on: date,
                 attendance: str, requester_attended: bool,
                 expected_case_version: int | None = None) -> None:
    """Record that the oral opinion statement was held (who attended)."""
    row, app = _appeal(session, actor, Action.CASE_TRANSITION, appeal_id)
    _may_run_hearing(session, actor, row, app, "hold")
    hearing = _hearing(session, row, actor)
    if hearing.scheduled_for is None:
        raise ValidationError(t("errors.reviews.schedule_hearing_before_recording"))
    if held_on > clock.today():
        raise ValidationError(t("errors.reviews.hearing_date_cannot_future"))
    if held_on < row.filed_date:
        raise ValidationError(t("errors.reviews.hearing_cannot_before_request"))
    if not (attendance or "").strip():
        raise ValidationError(t("errors.reviews.record_who_attended"))
    transition(session, actor=actor, application_id=app.id, action="hold_hearing",
               expected_version=expected_case_version)
    hearing.held_on, hearing.attendance = held_on, attendance.strip()
    hearing.requester_attended = bool(requester_attended)
    bump(hearing, actor)
    session.add(hearing)
    session.flush()


def skip_hearing(session: Session, *, actor: Actor, appeal_id: int, reason: str,
                 expected_case_version: int | None = None) -> None:
    """Record the decision not to hold the oral opinion statement, with its reason."""
    row, app = _appeal(session, actor, Action.CASE_TRANSITION, appeal_id)
    _may_run_hearing(session, actor, row, app, "skip")
    transition(session, actor=actor, application_id=app.id, action="skip_hearing",
               data=TransitionInput(reason=reason), expected_version=expected_case_version)
    hearing = _hearing(session, row, actor)
    hearing.skipped, hearing.skip_reason = True, reason.strip()
    bump(hearing, actor)
    session.add(hearing)
    session.flush()


# --- opinions ---------------------------------------------------------------------------------


def _my_opinion(session: Session, actor: Actor, appeal_id: int, what: str
                ) -> tuple[Appeal, Application, CounsellorOpinion | None]:
    require(actor, Action.APPEAL_OPINION, entity_type="appeal", entity_id=appeal_id,
            attempted=f"opinion.{what}")
    row, app = _appeal(session, actor, Action.CASE_OPEN, appeal_id)
    if _panel_member(session, actor, row) is None:
        raise audit.refuse(PermissionDenied(t("errors.reviews.counsellors_appeal_s_panel")),
                           actor=actor,
                           action=f"opinion.{what}", entity_type="application",
                           entity_id=app.id)
    mine = session.execute(select(CounsellorOpinion).where(
        CounsellorOpinion.appeal_id == row.id,
        CounsellorOpinion.counsellor_id == actor.id)).scalar_one_or_none()
    return row, app, mine


def save_opinion(session: Session, *, actor: Actor, appeal_id: int,
                 well_founded: bool | None, reasons: str, citation_ids: Sequence[int] = (),
                 expected_version: int | None = None) -> OpinionView:
    """Write or change one's own opinion (until it is submitted)."""
    row, app, mine = _my_opinion(session, actor, appeal_id, "save")
    if CaseState(app.state) not in (CaseState.PANEL_ASSIGNED, CaseState.HEARING_HELD,
                                    CaseState.HEARING_SKIPPED):
        raise ValidationError(t("errors.reviews.opinions_written_while_panel"))
    if mine is not None and mine.submitted_at is not None:
        raise audit.refuse(ValidationError(t("errors.reviews.opinion_been_submitted_no")),
                           actor=actor, action="opinion.save",
                           entity_type="application", entity_id=app.id, outcome="refused")
    available = {c for c in session.execute(select(CoiCitation.id).where(
        CoiCitation.application_id == app.id, CoiCitation.removed_at.is_(None))).scalars()}
    chosen = list(dict.fromkeys(int(c) for c in citation_ids))
    if any(c not in available for c in chosen):
        raise ValidationError(t("errors.reviews.passages_cited_case_support"))
    if mine is None:
        mine = CounsellorOpinion(appeal_id=row.id, counsellor_id=actor.id,
                                 well_founded=well_founded, reasons=(reasons or "").strip(),
                                 citation_ids=chosen, updated_by_id=actor.id)
    else:
        if expected_version is not None and mine.version != expected_version:
            raise audit.refuse(stale_edit(session, "opinion", mine, expected_version, {}),
                               actor=actor, action="opinion.save", entity_type="application",
                               entity_id=app.id, outcome="refused")
        mine.well_founded, mine.reasons = well_founded, (reasons or "").strip()
        mine.citation_ids = chosen
        bump(mine, actor)
    session.add(mine)
    session.flush()
    audit.record(session, actor=actor, action="opinion.save", entity_type="application",
                 entity_id=app.id, details={"appeal": row.id})
    return OpinionView(mine.id, actor.id, actor.display_name, mine.well_founded, mine.reasons,
                       tuple(mine.citation_ids), mine.submitted_at, mine.version)


def submit_opinion(session: Session, *, actor: Actor, appeal_id: int,
                   expected_version: int | None = None) -> OpinionView:
    """Submit one's opinion: it must say whether the request is well founded, with reasons,
    and the oral opinion statement must have been held or skipped."""
    row, app, mine = _my_opinion(session, actor, appeal_id, "submit")
    if mine is None:
        raise ValidationError(t("errors.reviews.write_opinion_before_submitting"))
    if mine.submitted_at is not None:
        raise ValidationError(t("errors.reviews.opinion_already_been_submitted"))
    if expected_version is not None and mine.version != expected_version:
        raise audit.refuse(stale_edit(session, "opinion", mine, expected_version, {}),
                           actor=actor, action="opinion.submit", entity_type="application",
                           entity_id=app.id, outcome="refused")
    if CaseState(app.state) not in (CaseState.HEARING_HELD, CaseState.HEARING_SKIPPED):
        raise ValidationError(t("errors.reviews.opinions_submitted_after_oral"))
    if mine.well_founded is None or not mine.reasons:
        raise ValidationError(t("errors.reviews.say_whether_request_well"))
    mine.submitted_at = clock.now_utc()
    bump(mine, actor)
    session.add(mine)
    session.flush()
    audit.record(session, actor=actor, action="opinion.submit", entity_type="application",
                 entity_id=app.id, details={"appeal": row.id})
    return OpinionView(mine.id, actor.id, actor.display_name, mine.well_founded, mine.reasons,
                       tuple(mine.citation_ids), mine.submitted_at, mine.version)


def record_panel_opinion(session: Session, *, actor: Actor, appeal_id: int, summary: str,
                         dissent: str = "", expected_case_version: int | None = None
                         ) -> PanelOpinionView:
    """The presiding counsellor records the panel's opinion once all three have submitted
    theirs: the majority decides, and a dissent is kept in its own words."""
    require(actor, Action.APPEAL_OPINION, entity_type="appeal", entity_id=appeal_id,
            attempted="panel_opinion.record")
    row, app = _appeal(session, actor, Action.CASE_TRANSITION, appeal_id)
    member = _panel_member(session, actor, row)
    if member is None or not member.presiding:
        raise audit.refuse(PermissionDenied(
            t("errors.reviews.presiding_counsellor_records_panel")), actor=actor,
                           action="panel_opinion.record", entity_type="application",
                           entity_id=app.id)
    opinions = list(session.execute(select(CounsellorOpinion).where(
        CounsellorOpinion.appeal_id == row.id,
        CounsellorOpinion.submitted_at.is_not(None))).scalars())
    members = {m.user_id for m in session.execute(select(PanelMember).where(
        PanelMember.panel_id == row.panel_id)).scalars()}
    if {o.counsellor_id for o in opinions} != members:
        raise ValidationError(t("errors.reviews.opinions_been_submitted_panel",
                                count=len(opinions)))
    if not (summary or "").strip():
        raise ValidationError(t("errors.reviews.summarise_panel_s_opinion"))
    votes = [bool(o.well_founded) for o in opinions]
    well_founded = votes.count(True) >= 2
    unanimous = len(set(votes)) == 1
    dissent = (dissent or "").strip()
    if not unanimous and not dissent:
        raise ValidationError(t("errors.reviews.panel_divided_record_dissenting"))
    if unanimous and dissent:
        raise ValidationError(t("errors.reviews.panel_unanimous_no_dissent"))
    transition(session, actor=actor, application_id=app.id, action="submit_panel_opinion",
               expected_version=expected_case_version)
    panel_op = PanelOpinion(appeal_id=row.id, well_founded=well_founded, unanimous=unanimous,
                            summary=summary.strip(), dissent=dissent or None,
                            recorded_by_id=actor.id)
    session.add(panel_op)
    session.flush()
    audit.record(session, actor=actor, action="panel_opinion.record", entity_type="application",
                 entity_id=app.id, details={"appeal": row.id, "well_founded": well_founded,
                                            "unanimous": unanimous})
    return PanelOpinionView(well_founded, unanimous, panel_op.summary, panel_op.dissent,
                            actor.display_name, panel_op.recorded_at)


def record_ruling(session: Session, *, actor: Actor, appeal_id: int,
                  ruling: ReviewRuling | str, gist: str,
                  expected_case_version: int | None = None) -> AppealView:
    """The Minister's ruling, with the gist of the panel's opinion. A granted request leads
    to recognition through the workflow; a request against inaction sends the case back to
    examination."""
    require(actor, Action.APPEAL_MANAGE, entity_type="appeal", entity_id=appeal_id,
            attempted="appeal.ruling")
    row, app = _appeal(session, actor, Action.CASE_TRANSITION, appeal_id)
    try:
        ruling = ReviewRuling(ruling)
    except ValueError:
        raise ValidationError(t("errors.reviews.choose_granted_dismissed_merits")) from None
    if not (gist or "").strip():
        raise ValidationError(t("errors.reviews.state_gist_panel_s"))
    transition(session, actor=actor, application_id=app.id, action="record_ruling",
               data=TransitionInput(ruling=ruling), expected_version=expected_case_version)
    row.ruling, row.ruling_gist = ruling.value, gist.strip()
    row.ruled_at = clock.now_utc()
    row.ruled_by_id = actor.id
    bump(row, actor)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="appeal.ruling", entity_type="application",
                 entity_id=app.id, details={"appeal": row.id, "ruling": ruling.value})
    return appeal_view(session, actor=actor, appeal_id=row.id)


def withdraw_appeal(session: Session, *, actor: Actor, appeal_id: int, reason: str,
                    expected_case_version: int | None = None) -> None:
    require(actor, Action.APPEAL_MANAGE, entity_type="appeal", entity_id=appeal_id,
            attempted="appeal.withdraw")
    row, app = _appeal(session, actor, Action.CASE_TRANSITION, appeal_id)
    transition(session, actor=actor, application_id=app.id, action="withdraw_review",
               data=TransitionInput(reason=reason), expected_version=expected_case_version)
    row.ruling = ReviewRuling.WITHDRAWN.value
    row.ruling_gist = (reason or "").strip()
    row.ruled_at = clock.now_utc()
    row.ruled_by_id = actor.id
    bump(row, actor)
    session.add(row)
    session.flush()


__all__ = [
    "AppealFile",
    "AppealView",
    "Evidence",
    "PanelChoice",
    "PanelView",
    "QueueItem",
    "ReviewStats",
    "add_evidence",
    "add_hearing_entry",
    "allocate",
    "appeal_file",
    "appeal_for_case",
    "appeal_queue",
    "appeal_view",
    "conflicted",
    "counsellors",
    "declare_conflict",
    "evidence_file",
    "file_appeal",
    "first_instance_handlers",
    "hold_hearing",
    "list_panels",
    "my_appeals",
    "panel_choices",
    "record_panel_opinion",
    "record_ruling",
    "review_stats",
    "same_office",
    "save_opinion",
    "save_panel",
    "schedule_hearing",
    "skip_hearing",
    "submit_opinion",
    "withdraw_appeal",
]
