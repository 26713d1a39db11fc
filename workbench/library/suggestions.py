"""The library for a case: the passages suggested for the applicant's nationality and
claim, and the search a case starts from (the nationality and the claim's key terms)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from coi import suggest as coi_suggest
from models import Person
from workbench.core.actor import Actor
from workbench.core.clock import today
from workbench.core.permissions import Action, require
from workbench.core.settings import Settings, get_settings
from workbench.library.citations import checked_case


def suggestions_for_case(session: Session, *, actor: Actor, application_id: int,
                         limit: int = 10, settings: Settings | None = None
                         ) -> list[coi_suggest.Suggestion]:
    settings = settings or get_settings()
    require(actor, Action.COI_SEARCH)
    app = checked_case(session, actor, Action.CASE_OPEN, application_id)
    person = session.get(Person, app.person_id)
    return coi_suggest.suggest(session, nationality=person.nationality,
                               narrative=app.claim_narrative or "", today=today(settings),
                               limit=limit, max_age_years=settings.coi_currency_years)


@dataclass(frozen=True)
class CaseSearch:
    """What the library starts from when opened from a case."""

    nationality: str | None
    query: str  # the claim's key terms, as alternatives ("hazara OR returnee OR ...")


def case_search(session: Session, *, actor: Actor, application_id: int,
                terms: int = 6) -> CaseSearch:
    """The applicant's nationality and the claim's key terms, for a search from a case."""
    require(actor, Action.COI_SEARCH)
    app = checked_case(session, actor, Action.CASE_OPEN, application_id)
    person = session.get(Person, app.person_id)
    words = coi_suggest.claim_terms(app.claim_narrative or "", limit=terms)
    return CaseSearch(person.nationality if person else None, " OR ".join(words))
