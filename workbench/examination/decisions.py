"""The primary decision: a draft with structured reasons generated from the findings and the
cited country information, editable by its author; approval by a manager who is not the
author (four eyes); the notice served, after which the decision is final and never edited
again (a trigger in the database guards it too), only superseded by a later decision with its
reason; and the notice of decision as a PDF that states the review-request window.

The case moves through ``workbench.core.workflow`` (draft_decision, return_draft,
approve_decision, serve_notice, reopen_for_new_decision); each step changes the decision row
and the case in one transaction with its audit entries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session

from models import (
    Application,
    CaseState,
    CoiCitation,
    Decision,
    DecisionStatus,
    Element,
    ElementFinding,
    Person,
    PrimaryOutcome,
)
from workbench.core import audit, clock
from workbench.core.actor import Actor
from workbench.core.errors import PermissionDenied, ValidationError
from workbench.core.i18n import t, tn
from workbench.core.permissions import (
    Action,
    is_assigned_inquirer,
    require,
    require_assigned_inquirer,
)
from workbench.core.settings import Settings, get_settings
from workbench.core.versioning import bump, stale_edit
from workbench.core.workflow import TransitionInput, is_reviewable, outcome_reviewable, transition
from workbench.examination import assessments, interviews
from workbench.examination.eligibility import ELEMENT_ORDER, ELEMENT_QUESTIONS
from workbench.intake.cases import load_case, user_names

OUTCOME_TITLES = {
    PrimaryOutcome.RECOGNISED_REFUGEE: "Recognition of refugee status",
    PrimaryOutcome.RECOGNISED_CP: "Recognition as a person eligible for complementary "
                                  "protection",
    PrimaryOutcome.NOT_RECOGNISED: "Non-recognition of refugee status",
    PrimaryOutcome.NOT_RECOGNISED_HUMANITARIAN_STAY: "Non-recognition of refugee status, with "
                                                     "permission to stay on humanitarian "
                                                     "grounds",
}


@dataclass(frozen=True)
class DecisionView:
    id: int
    number: int
    status: str
    outcome: str
    humanitarian_permission: bool
    reasons: str
    citation_ids: tuple[int, ...]
    drafted_by: str | None
    drafted_by_id: int
    approved_by: str | None
    approved_at: datetime | None
    notice_date: date | None
    review_deadline: date | None
    supersedes_id: int | None
    supersede_reason: str | None
    superseded_by_id: int | None
    version: int

    @property
    def final(self) -> bool:
        return self.status in (DecisionStatus.FINAL, DecisionStatus.SUPERSEDED)


@dataclass(frozen=True)
class DecisionDesk:
    application_id: int
    case_number: str
    state: str
    case_version: int
    current: DecisionView | None  # the decision being worked on, or the last final one
    history: tuple[DecisionView, ...]  # every decision, newest first
    may_edit: bool
    may_submit: bool
    may_approve: bool
    may_serve: bool
    may_reopen: bool
    blockers: tuple[str, ...]  # what stops submission, in plain words



def _decisions(session: Session, application_id: int) -> list[Decision]:
    return list(session.execute(select(Decision).where(
        Decision.application_id == application_id)
        .order_by(Decision.number.desc())).scalars())


def _open(decisions: Sequence[Decision]) -> Decision | None:
    return next((d for d in decisions if d.status in (DecisionStatus.DRAFT,
                                                      DecisionStatus.SUBMITTED,
                                                      DecisionStatus.APPROVED)), None)


def _view(d: Decision, names: dict[int, str], app: Application,
          settings: Settings) -> DecisionView:
    deadline = None
    if d.notice_date is not None and outcome_reviewable(d.outcome, app.application_type):
        deadline = clock.review_deadline(d.notice_date, settings)
    return DecisionView(
        id=d.id, number=d.number, status=d.status, outcome=d.outcome,
        humanitarian_permission=d.humanitarian_permission, reasons=d.reasons,
        citation_ids=tuple(d.citation_ids), drafted_by=names.get(d.drafted_by_id),
        drafted_by_id=d.drafted_by_id, approved_by=names.get(d.approved_by_id),
        approved_at=d.approved_at, notice_date=d.notice_date, review_deadline=deadline,
        supersedes_id=d.supersedes_id, supersede_reason=d.supersede_reason,
        superseded_by_id=d.superseded_by_id, version=d.version)


def blockers(session: Session, actor: Actor, app: Application) -> list[str]:
    """What must be done before a draft can be submitted for approval."""
    found: list[str] = []
    record = interviews.interview(session, actor=actor, application_id=app.id)
    if not record.started or not record.sessions:
        found.append(t("errors.decisions.blocker.interview"))
    elif record.missing_required:
        found.append(tn("errors.decisions.blocker.required_questions",
                        len(record.missing_required)))
    elif not record.closed:
        found.append(t("errors.decisions.blocker.close_record"))
    view = assessments.assessment(session, actor=actor, application_id=app.id)
    if not view.facts:
        found.append(t("errors.decisions.blocker.facts"))
    elif view.unrated_facts:
        found.append(tn("errors.decisions.blocker.unrated_facts", len(view.unrated_facts)))
    if view.proposal.outcome is None:
        found.append(view.proposal.explanation)
    elif view.chosen_outcome is None:
        found.append(t("errors.decisions.blocker.outcome"))
    return found


def desk(session: Session, *, actor: Actor, application_id: int,
         settings: Settings | None = None) -> DecisionDesk:
    settings = settings or get_settings()
    app = load_case(session, actor, Action.CASE_OPEN, application_id)
    rows = _decisions(session, app.id)
    names = user_names(session, {d.drafted_by_id for d in rows}
                       | {d.approved_by_id for d in rows})
    views = [_view(d, names, app, settings) for d in rows]
    open_row = _open(rows)
    current = (next(v for v in views if v.id == open_row.id) if open_row
               else next((v for v in views if v.status == DecisionStatus.FINAL), None))
    state = CaseState(app.state)
    inquirer = is_assigned_inquirer(actor, app)
    manager = actor.role is not None and actor.role.value == "manager"
    blocking = (blockers(session, actor, app)
                if state == CaseState.UNDER_EXAMINATION and inquirer else [])
    return DecisionDesk(
        application_id=app.id, case_number=app.case_number, state=state.value,
        case_version=app.version, current=current, history=tuple(views),
        may_edit=inquirer and state == CaseState.UNDER_EXAMINATION,
        may_submit=inquirer and state == CaseState.UNDER_EXAMINATION and not blocking
        and open_row is not None and open_row.status == DecisionStatus.DRAFT,
        may_approve=manager and state == CaseState.DECISION_DRAFTED and open_row is not None
        and open_row.drafted_by_id != actor.id,
        may_serve=(inquirer or manager) and state == CaseState.APPROVED,
        may_reopen=manager and state in (CaseState.DECIDED, CaseState.FINAL)
        and any(v.status == DecisionStatus.FINAL for v in views),
        blockers=tuple(blocking),
    )


# --- the draft ----------------------------------------------------------------------------------


def _decision_outcome(chosen: str, humanitarian: bool) -> PrimaryOutcome:
    outcome = PrimaryOutcome(chosen)
    if outcome == PrimaryOutcome.NOT_RECOGNISED and humanitarian:
        return PrimaryOutcome.NOT_RECOGNISED_HUMANITARIAN_STAY
    return outcome


def generated_reasons(session: Session, *, actor: Actor, application_id: int) -> tuple[
        str, list[int]]:
    """Structured reasons from the findings and the cited country information, and the
    citations they rest on: the starting text of a draft, which its author then edits."""
    app = load_case(session, actor, Action.CASE_OPEN, application_id)
    view = assessments.assessment(session, actor=actor, application_id=app.id)
    citations = {c.id: c for c in session.execute(select(CoiCitation).where(
        CoiCitation.application_id == app.id, CoiCitation.removed_at.is_(None))).scalars()}
    used: list[int] = []
    refs: dict[int, int] = {}

    def cite(ids: Sequence[int]) -> str:
        marks = []
        for cid in ids:
            if cid not in citations:
                continue
            if cid not in refs:
                refs[cid] = len(refs) + 1
                used.append(cid)
            marks.append(f"[{refs[cid]}]")
        return (" " + " ".join(marks)) if marks else ""

    # The draft is written in the drafting inquirer's language (``decision.draft_text``).
    parts: list[str] = [t("decision.draft_text.facts_heading")]
    if not view.facts:
        parts.append(t("decision.draft_text.no_facts"))
    for n, fact in enumerate(view.facts, 1):
        finding = (t(f"decision.draft_text.finding.{fact.finding}") if fact.finding
                   else t("decision.draft_text.not_yet_assessed"))
        ratings = []
        for indicator, rating in fact.ratings.items():
            if rating.rating == "NOT_ASSESSED":
                continue
            ratings.append(t("decision.draft_text.rating",
                             indicator=t(f"decision.draft_text.indicator.{indicator}"),
                             rating=t(f"decision.draft_text.rated.{rating.rating}"),
                             reason=rating.reason) + cite(rating.citation_ids))
        parts.append(t("decision.draft_text.fact", n=n, statement=fact.statement,
                       finding=finding)
                     + (f" {fact.finding_reason}" if fact.finding_reason else "")
                     + (t("decision.draft_text.credibility", ratings=t(
                         "decision.draft_text.separator").join(ratings)) if ratings else ""))
    parts.append(t("decision.draft_text.eligibility_heading"))
    for n, element in enumerate(ELEMENT_ORDER, 1):
        found = view.elements.get(element.value)
        if found is None:
            parts.append(t("decision.draft_text.element_not_assessed", n=n,
                           question=ELEMENT_QUESTIONS[element]))
            continue
        answer = t("decision.draft_text.met" if found.finding == ElementFinding.MET
                   else "decision.draft_text.not_met")
        grounds = (t("decision.draft_text.grounds", grounds=t("eligibility.separator").join(
                       t(f"decision.draft_text.ground.{g}") for g in found.grounds))
                   if element == Element.CONVENTION_GROUND and found.grounds else "")
        parts.append(t("decision.draft_text.element", n=n, question=ELEMENT_QUESTIONS[element],
                       answer=answer, reason=found.reason) + grounds)
    parts.append(t("decision.draft_text.conclusion_heading"))
    parts.append(view.proposal.explanation)
    if view.chosen_outcome and view.proposal.outcome and (
            view.chosen_outcome != view.proposal.outcome.value):
        parts.append(t("decision.draft_text.departs", reason=view.departure_reason))
    if view.humanitarian_considered:
        key = ("decision.draft_text.humanitarian_granted" if view.humanitarian_permission
               else "decision.draft_text.humanitarian_refused")
        parts.append(t(key, reason=view.humanitarian_reason or "").rstrip(": ").rstrip("："))
    if used:
        parts.append(t("decision.draft_text.coi_heading"))
        for cid in used:
            parts.append(f"[{refs[cid]}] {citations[cid].reference}")
    return "\n\n".join(parts), used


def save_draft(session: Session, *, actor: Actor, application_id: int, reasons: str,
               citation_ids: Sequence[int] = (), expected_version: int | None = None
               ) -> DecisionView:
    """Create or edit the open draft. Its outcome is the one chosen in the assessment."""
    app = load_case(session, actor, Action.CASE_EDIT, application_id)
    require_assigned_inquirer(actor, app, attempted="decision.draft",
                              does="decision")
    if CaseState(app.state) != CaseState.UNDER_EXAMINATION:
        raise ValidationError(t("errors.decisions.draft_written_while_case"))
    view = assessments.assessment(session, actor=actor, application_id=app.id)
    if view.chosen_outcome is None:
        raise ValidationError(t("errors.decisions.choose_outcome_assessment_before"))
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError(t("errors.decisions.decision_needs_reasons"))
    available = {c.id for c in view.citations}
    chosen = list(dict.fromkeys(int(c) for c in citation_ids))
    if any(c not in available for c in chosen):
        raise ValidationError(t("errors.decisions.passages_cited_case_cited"))
    rows = _decisions(session, app.id)
    row = _open(rows)
    outcome = _decision_outcome(view.chosen_outcome, view.humanitarian_permission)
    now = clock.now_utc()
    if row is None:
        final = next((d for d in rows if d.status == DecisionStatus.FINAL), None)
        row = Decision(application_id=app.id, number=(rows[0].number + 1) if rows else 1,
                       status=DecisionStatus.DRAFT.value, outcome=outcome.value,
                       humanitarian_permission=view.humanitarian_permission, reasons=reasons,
                       citation_ids=chosen, drafted_by_id=actor.id, updated_by_id=actor.id,
                       supersedes_id=final.id if final else None,
                       supersede_reason=_reopen_reason(session, app) if final else None)
    else:
        if row.status != DecisionStatus.DRAFT:
            raise ValidationError(t("errors.decisions.draft_been_submitted_approval"))
        if row.drafted_by_id != actor.id:
            raise PermissionDenied(t("errors.decisions.author_edits_draft_decision"))
        if expected_version is not None and row.version != expected_version:
            raise audit.refuse(stale_edit(session, "draft decision", row, expected_version,
                                          {"reasons": reasons[:80]}),
                               actor=actor, action="decision.draft",
                               entity_type="application", entity_id=app.id, outcome="refused")
        row.outcome, row.humanitarian_permission = (outcome.value,
                                                    view.humanitarian_permission)
        row.reasons, row.citation_ids = reasons, chosen
        bump(row, actor, now)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="decision.draft", entity_type="application",
                 entity_id=app.id, details={"decision": row.number, "outcome": row.outcome,
                                            "citations": chosen})
    names = user_names(session, [row.drafted_by_id])
    return _view(row, names, app, get_settings())


def _reopen_reason(session: Session, app: Application) -> str | None:
    from models import StatusEvent

    return session.execute(select(StatusEvent.reason).where(
        StatusEvent.application_id == app.id,
        StatusEvent.action == "reopen_for_new_decision")
        .order_by(StatusEvent.id.desc()).limit(1)).scalar_one_or_none()


def _open_or_fail(session: Session, app: Application, status: DecisionStatus) -> Decision:
    row = _open(_decisions(session, app.id))
    if row is None or row.status != status:
        raise ValidationError(t("errors.decisions.no_decision_case",
                                status=t(f"errors.decisions.status.{status.value}"),
                                case_number=app.case_number))
    return row


def submit_draft(session: Session, *, actor: Actor, application_id: int,
                 expected_case_version: int | None = None) -> DecisionView:
    """Send the draft for approval once the interview is closed and the assessment reaches
    the outcome. Nothing changes if anything is missing."""
    app = load_case(session, actor, Action.CASE_TRANSITION, application_id)
    row = _open_or_fail(session, app, DecisionStatus.DRAFT)
    if row.drafted_by_id != actor.id:
        raise PermissionDenied(t("errors.decisions.author_submits_draft_decision"))
    missing = blockers(session, actor, app)
    if missing:
        raise ValidationError(t("errors.decisions.not_ready", missing=" ".join(missing)))
    view = assessments.assessment(session, actor=actor, application_id=app.id)
    outcome = _decision_outcome(view.chosen_outcome, view.humanitarian_permission)
    if row.outcome != outcome.value:
        raise ValidationError(t("errors.decisions.assessment_s_outcome_changed"))
    transition(session, actor=actor, application_id=app.id, action="draft_decision",
               data=TransitionInput(outcome=outcome), expected_version=expected_case_version)
    row.status = DecisionStatus.SUBMITTED.value
    row.submitted_at = clock.now_utc()
    bump(row, actor, row.submitted_at)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="decision.submit", entity_type="application",
                 entity_id=app.id, details={"decision": row.number, "outcome": row.outcome})
    return _view(row, user_names(session, [row.drafted_by_id]), app, get_settings())


def return_draft(session: Session, *, actor: Actor, application_id: int, reason: str,
                 expected_case_version: int | None = None) -> None:
    """A manager sends the draft back to its author, with the reason."""
    app = load_case(session, actor, Action.CASE_TRANSITION, application_id)
    row = _open_or_fail(session, app, DecisionStatus.SUBMITTED)
    transition(session, actor=actor, application_id=app.id, action="return_draft",
               data=TransitionInput(reason=reason), expected_version=expected_case_version)
    row.status = DecisionStatus.DRAFT.value
    bump(row, actor)
    session.add(row)
    session.flush()


def approve(session: Session, *, actor: Actor, application_id: int,
            expected_case_version: int | None = None) -> DecisionView:
    """A manager who did not write the draft approves it (four eyes)."""
    app = load_case(session, actor, Action.CASE_TRANSITION, application_id)
    row = _open_or_fail(session, app, DecisionStatus.SUBMITTED)
    if row.drafted_by_id == actor.id:
        raise audit.refuse(PermissionDenied(t("errors.decisions.author_draft_decision_cannot")),
                           actor=actor, action="decision.approve", entity_type="application",
                           entity_id=app.id)
    transition(session, actor=actor, application_id=app.id, action="approve_decision",
               expected_version=expected_case_version)
    row.status = DecisionStatus.APPROVED.value
    row.approved_by_id = actor.id
    row.approved_at = clock.now_utc()
    bump(row, actor, row.approved_at)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="decision.approve", entity_type="application",
                 entity_id=app.id, details={"decision": row.number})
    return _view(row, user_names(session, [row.drafted_by_id, actor.id]), app, get_settings())


def serve_notice(session: Session, *, actor: Actor, application_id: int, notice_date: date,
                 expected_case_version: int | None = None,
                 settings: Settings | None = None) -> DecisionView:
    """Record the date the notice was served: the decision becomes final (never edited
    again) and the review window runs from that date. A decision it supersedes is marked
    superseded."""
    settings = settings or get_settings()
    app = load_case(session, actor, Action.CASE_TRANSITION, application_id)
    row = _open_or_fail(session, app, DecisionStatus.APPROVED)
    transition(session, actor=actor, application_id=app.id, action="serve_notice",
               data=TransitionInput(notice_date=notice_date),
               expected_version=expected_case_version, settings=settings)
    now = clock.now_utc()
    app.outcome = row.outcome
    session.add(app)
    row.status = DecisionStatus.FINAL.value
    row.notice_date = notice_date
    row.finalised_at = now
    bump(row, actor, now)
    session.add(row)
    session.flush()
    if row.supersedes_id is not None:
        old = session.get(Decision, row.supersedes_id)
        if old is not None and old.status == DecisionStatus.FINAL:
            old.status = DecisionStatus.SUPERSEDED.value
            old.superseded_by_id = row.id
            bump(old, actor, now)
            session.add(old)
            session.flush()
    audit.record(session, actor=actor, action="decision.final", entity_type="application",
                 entity_id=app.id, details={"decision": row.number, "outcome": row.outcome,
                                            "notice_date": notice_date.isoformat(),
                                            "supersedes": row.supersedes_id})
    names = user_names(session, [row.drafted_by_id, row.approved_by_id])
    return _view(row, names, app, settings)


def reopen_for_new_decision(session: Session, *, actor: Actor, application_id: int,
                            reason: str, expected_case_version: int | None = None) -> None:
    """A manager reopens a decided case so that a later decision can supersede the final
    one (which stays on record, unchanged)."""
    app = load_case(session, actor, Action.CASE_TRANSITION, application_id)
    if not any(d.status == DecisionStatus.FINAL for d in _decisions(session, app.id)):
        raise ValidationError(t("errors.decisions.case_no_final_decision"))
    transition(session, actor=actor, application_id=app.id, action="reopen_for_new_decision",
               data=TransitionInput(reason=reason), expected_version=expected_case_version)


# --- the notice ---------------------------------------------------------------------------------


def notice_pdf(session: Session, *, actor: Actor, application_id: int,
               decision_id: int | None = None, settings: Settings | None = None,
               language: str | None = None) -> bytes:
    """The notice of decision (the final one, or a given one) as a PDF, in ``language``:
    Japanese, the office's official language, unless English is asked for. Printing is
    audited."""
    from workbench.core.documents.text import document_language
    from workbench.core.i18n import t as message
    from workbench.examination.documents import notice as pdf

    settings = settings or get_settings()
    require(actor, Action.CASE_EXPORT, entity_type="application", entity_id=application_id)
    app = load_case(session, actor, Action.CASE_OPEN, application_id)
    rows = _decisions(session, app.id)
    row = (next((d for d in rows if d.id == decision_id), None) if decision_id
           else next((d for d in rows if d.status == DecisionStatus.FINAL), None))
    if row is None or row.notice_date is None:
        raise ValidationError(t("errors.decisions.no_served_decision_print"))
    language = document_language(language, default="ja")
    person = session.get(Person, app.person_id)
    citations = {c.id: c for c in session.execute(select(CoiCitation).where(
        CoiCitation.id.in_(row.citation_ids or [0]))).scalars()}
    reviewable = outcome_reviewable(row.outcome, app.application_type)
    superseded_note = None
    if row.status == DecisionStatus.SUPERSEDED:
        superseded_note = message("pdf.notice.superseded_by_later", language)
    elif row.supersedes_id is not None:
        superseded_note = (message("pdf.notice.supersedes_reason", language,
                                   reason=row.supersede_reason) if row.supersede_reason
                           else message("pdf.notice.supersedes", language))
    doc = pdf.NoticeDoc(
        case_number=app.case_number,
        applicant=f"{person.family_name.upper()} {person.given_names}".strip() if person else "",
        applicant_kana=(person.name_kana or "") if person else "",
        applicant_kanji=(person.name_kanji or "") if person else "",
        nationality=person.nationality if person else "",
        date_of_birth=(person.date_of_birth if person and person.date_of_birth
                       else str(person.birth_year or "") if person else ""),
        application_type=app.application_type, lodged=app.lodged_date, outcome=row.outcome,
        reasons=row.reasons,
        citations=tuple(pdf.CitationLine(citations[c].reference, citations[c].quote)
                        for c in row.citation_ids if c in citations),
        humanitarian_permission=bool(row.humanitarian_permission) or None,
        notice_date=row.notice_date,
        review_deadline=(clock.review_deadline(row.notice_date, settings) if reviewable
                         else None),
        review_window_days=settings.review_window_days,
        decision_reference=f"{app.case_number}/D{row.number}",
        superseded_note=superseded_note,
        issuing_authority=(settings.notice_authority_ja if language == "ja"
                           else settings.notice_authority_en),
    )
    data = pdf.notice_pdf(doc, language)
    audit.record(session, actor=actor, action="case.print", entity_type="application",
                 entity_id=app.id, details={"document": "notice", "decision": row.number,
                                            "language": language})
    return data


__all__ = [
    "OUTCOME_TITLES",
    "DecisionDesk",
    "DecisionView",
    "approve",
    "blockers",
    "desk",
    "generated_reasons",
    "is_reviewable",
    "notice_pdf",
    "reopen_for_new_decision",
    "return_draft",
    "save_draft",
    "serve_notice",
    "submit_draft",
]
