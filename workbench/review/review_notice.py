"""The notice of a ruling on a request for administrative review, as a PDF for the applicant
(``workbench.review.documents.ruling_notice``): built from the appeal, the decision it was against
and the panel's opinion, in Japanese unless English is asked for. Printing is audited.

The ruling is the Minister's whoever issues the notices of decision under delegation, so the
notice names the Minister of Justice, and no officer or counsellor."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from models import Appeal, Application, Decision, DecisionStatus, PanelOpinion, Person
from workbench.core import audit, clock
from workbench.core.actor import Actor
from workbench.core.documents.text import document_language
from workbench.core.errors import NotFound, ValidationError
from workbench.core.i18n import t
from workbench.core.ids import check_id
from workbench.core.permissions import Action, require
from workbench.core.settings import Settings, get_settings
from workbench.intake.cases import load_case
from workbench.review.documents.ruling_notice import RULINGS, RulingNoticeDoc, ruling_notice_pdf


def _decision_reviewed(session: Session, row: Appeal, app: Application) -> Decision | None:
    """The decision the request was against: the one the appeal names, else the case's latest
    served decision."""
    if row.decision_id is not None:
        found = session.get(Decision, row.decision_id)
        if found is not None:
            return found
    return session.execute(select(Decision).where(
        Decision.application_id == app.id,
        Decision.status.in_([DecisionStatus.FINAL, DecisionStatus.SUPERSEDED]),
        Decision.notice_date.is_not(None))
        .order_by(Decision.number.desc()).limit(1)).scalar_one_or_none()


def ruling_notice_doc(session: Session, *, actor: Actor, appeal_id: int,
                      settings: Settings | None = None) -> RulingNoticeDoc:
    """What the notice of the ruling says, for a ruled appeal the actor may open."""
    settings = settings or get_settings()
    check_id(appeal_id, f"No appeal with id {appeal_id}.")
    row = session.get(Appeal, appeal_id)
    if row is None:
        raise NotFound(t("errors.reviews.no_appeal_id", appeal_id=appeal_id))
    app = load_case(session, actor, Action.CASE_OPEN, row.application_id)
    if row.ruling not in RULINGS or row.ruled_at is None:
        raise ValidationError(t("errors.reviews.no_ruling_to_print"))
    person = session.get(Person, app.person_id)
    decision = None if row.basis == "INACTION" else _decision_reviewed(session, row, app)
    panel = session.execute(select(PanelOpinion).where(PanelOpinion.appeal_id == row.id)
                            ).scalar_one_or_none()
    return RulingNoticeDoc(
        case_number=app.case_number,
        applicant=f"{person.family_name.upper()} {person.given_names}".strip() if person else "",
        applicant_kana=(person.name_kana or "") if person else "",
        applicant_kanji=(person.name_kanji or "") if person else "",
        nationality=person.nationality if person else "",
        date_of_birth=(person.date_of_birth if person and person.date_of_birth
                       else str(person.birth_year or "") if person else ""),
        basis=row.basis,
        decision_outcome=(decision.outcome if decision else
                          "" if row.basis == "INACTION" else app.outcome or ""),
        application_type=app.application_type,
        decision_notice_date=(decision.notice_date if decision else
                              None if row.basis == "INACTION" else app.notice_date),
        decision_reference=f"{app.case_number}/D{decision.number}" if decision else "",
        filed=row.filed_date,
        ruling=row.ruling,
        ruled_on=clock.local_date(row.ruled_at, settings),
        gist=row.ruling_gist or "",
        panel_well_founded=panel.well_founded if panel else None,
        panel_unanimous=panel.unanimous if panel else None,
        reference=f"{app.case_number}/R{row.id}",
    )


def ruling_notice(session: Session, *, actor: Actor, appeal_id: int,
                  language: str | None = None, settings: Settings | None = None) -> bytes:
    """The notice of the ruling as a PDF in ``language`` (Japanese unless English is asked
    for). Printing is audited."""
    require(actor, Action.CASE_EXPORT, entity_type="appeal", entity_id=appeal_id)
    language = document_language(language, default="ja")
    doc = ruling_notice_doc(session, actor=actor, appeal_id=appeal_id, settings=settings)
    data = ruling_notice_pdf(doc, language)
    row = session.get(Appeal, appeal_id)
    audit.record(session, actor=actor, action="case.print", entity_type="application",
                 entity_id=row.application_id,
                 details={"document": "ruling_notice", "appeal": row.id, "ruling": row.ruling,
                          "language": language})
    return data


__all__ = ["ruling_notice", "ruling_notice_doc"]
