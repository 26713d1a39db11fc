"""Filing a request for review: checked against the review window that runs from the notice
(late filings are recorded as such, with the reason given; a request against inaction has no
deadline). New evidence is kept as the workbench's own copy, checked by content and bounded in
size; opening a document is audited.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import event, func, select
from sqlmodel import Session

from coi.filenames import shown_name
from coi.store import FileStore, Staged
from models import Appeal, AppealDocument, CaseState, Decision, DecisionStatus
from workbench.core import audit, clock
from workbench.core.actor import Actor
from workbench.core.db import present
from workbench.core.errors import NotFound, ValidationError
from workbench.core.i18n import t
from workbench.core.ids import check_id
from workbench.core.permissions import Action, require
from workbench.core.settings import Settings, get_settings
from workbench.core.workflow import TransitionInput, is_reviewable, transition
from workbench.intake.cases import load_case
from workbench.review.appeals import (
    OPEN_REVIEW_STATES,
    AppealView,
    DocumentView,
    _appeal,
    appeal_view,
)

_MAGIC = ((b"%PDF-", "pdf"), (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"))


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


__all__ = [
    "Evidence",
    "add_evidence",
    "evidence_file",
    "evidence_store",
    "file_appeal",
]
