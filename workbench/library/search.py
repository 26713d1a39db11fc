"""Searching the library: the query language and facets of ``coi.search`` behind the
permission check, with the currency limit from the settings, the message for a query the
user must correct, and what the library holds."""

from __future__ import annotations

from sqlmodel import Session

from coi import ingest as coi_ingest
from coi import search as coi_search
from coi.query import QueryError
from coi.search_request import SearchRequest
from workbench.core.actor import Actor
from workbench.core.clock import today
from workbench.core.errors import ValidationError
from workbench.core.i18n import t
from workbench.core.permissions import Action, require
from workbench.core.settings import Settings, get_settings


def search(session: Session, *, actor: Actor, request: SearchRequest,
           with_facets: bool = True, settings: Settings | None = None
           ) -> coi_search.SearchResult:
    """Search the library. A query the user must correct raises ``ValidationError``."""
    settings = settings or get_settings()
    require(actor, Action.COI_SEARCH)
    try:
        return coi_search.search(session, request, today=today(settings),
                                 max_age_years=settings.coi_currency_years,
                                 with_facets=with_facets)
    except QueryError as exc:
        raise ValidationError(query_message(exc)) from None


def query_message(error: QueryError) -> str:
    """The message for a query the user must correct, from the catalogue when it has one."""
    if error.key is None:
        return str(error)
    return t(f"coi.query_error.{error.key}", **error.values)



def library_counts(session: Session, *, actor: Actor) -> dict[str, int]:
    require(actor, Action.COI_SEARCH)
    return coi_ingest.library_counts(session)
