"""Citations: a passage attached to a case with its formatted reference and the finding it
supports (once per case), the case's citations in force, and a citation withdrawn with the
reason why."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session

from coi import citations as coi_citations
from models import Application
from models.coi import CoiCitation, CoiDocument, CoiPassage
from models.types import utcnow
from workbench.core import audit
from workbench.core.actor import Actor
from workbench.core.clock import today
from workbench.core.errors import NotFound, ValidationError
from workbench.core.i18n import t
from workbench.core.permissions import Action, require, require_case_id
from workbench.core.settings import Settings, get_settings


@dataclass(frozen=True)
class CitationView:
    id: int
    passage_id: int
    document_id: int
    purpose: str
    finding: str
    quote: str
    reference: str
    accessed_on: date
    created_by: str | None
    created_at: datetime
    #: the cited document has a newer edition now (the citation itself stays valid)
    newer_edition: int | None
    #: set by ``cite`` when the passage was already cited in the case: this is that citation,
    #: and nothing new was stored
    already_cited: bool = False


def checked_case(session: Session, actor: Actor, action: Action,
                 application_id: int) -> Application:
    """The case, once ``actor`` may do ``action`` on it (else the refusal or NotFound)."""
    return require_case_id(session, actor, action, session.get(Application, application_id),
                           application_id)


def cite(session: Session, *, actor: Actor, application_id: int, passage_id: int,
         finding: str, purpose: str = "finding",
         settings: Settings | None = None) -> CitationView:
    """Attach a passage to a case with its formatted reference. A passage is cited once in a
    case: citing it again (or twice at once, a double click) answers with the citation in
    force, marked ``already_cited``, and stores nothing."""
    settings = settings or get_settings()
    require(actor, Action.COI_CITE, entity_type="application", entity_id=application_id)
    checked_case(session, actor, Action.COI_CITE, application_id)
    if session.get(CoiPassage, passage_id) is None:
        raise NotFound(t("errors.coi.no_coi_passage", passage_id=passage_id))
    if purpose not in coi_citations.PURPOSES:
        raise ValidationError(t("errors.coi.purpose_must_one",
                                purposes=', '.join(coi_citations.PURPOSES)))
    if len(finding) > 4000:
        raise ValidationError(t("errors.coi.keep_finding_under_characters"))
    citation, created = coi_citations.add_citation(
        session, application_id=application_id, passage_id=passage_id, finding=finding,
        purpose=purpose, user_id=actor.id, accessed=today(settings))
    if created:
        audit.record(session, actor=actor, action="coi.cite", entity_type="application",
                     entity_id=application_id,
                     details={"citation": citation.id, "passage": passage_id,
                              "document": citation.document_id, "purpose": purpose})
    view = next(c for c in case_citations(session, actor=actor, application_id=application_id)
                if c.id == citation.id)
    return view if created else replace(view, already_cited=True)


def case_citations(session: Session, *, actor: Actor, application_id: int) -> list[CitationView]:
    checked_case(session, actor, Action.CASE_OPEN, application_id)
    rows = coi_citations.citations_for_case(session, application_id)
    docs = {d.id: d for d in session.execute(select(CoiDocument).where(
        CoiDocument.id.in_({c.document_id for c in rows} or {0}))).scalars()}
    from models import User

    users = {u.id: u.display_name for u in session.execute(select(User).where(
        User.id.in_({c.created_by_id for c in rows if c.created_by_id} or {0}))).scalars()}
    return [CitationView(c.id, c.passage_id, c.document_id, c.purpose, c.finding, c.quote,
                         c.reference, c.accessed_on, users.get(c.created_by_id),
                         c.created_at, docs[c.document_id].superseded_by_id) for c in rows]


def remove_citation(session: Session, *, actor: Actor, citation_id: int, reason: str) -> None:
    """Withdraw a citation from a case; it stays in the record, marked removed, with why."""
    citation = session.get(CoiCitation, citation_id)
    if citation is None or citation.removed_at is not None:
        raise NotFound(t("errors.coi.no_current_citation", citation_id=citation_id))
    require(actor, Action.COI_CITE, entity_type="application",
            entity_id=citation.application_id)
    checked_case(session, actor, Action.COI_CITE, citation.application_id)
    if not reason.strip():
        raise ValidationError(t("errors.coi.say_why_citation_removed"))
    citation.removed_at, citation.removed_by_id = utcnow(), actor.id
    citation.removal_reason = reason.strip()
    session.add(citation)
    audit.record(session, actor=actor, action="coi.cite.remove", entity_type="application",
                 entity_id=citation.application_id,
                 details={"citation": citation.id, "reason": reason.strip()})
