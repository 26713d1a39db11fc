"""Repeat applicants: the name keys kept for every person, the search for earlier
applicants who may be the same person, and the links a person confirms or rejects between
them (DESIGN.md: identity is advice; only a person links two records).

Every write is audited in its own transaction. Services return plain read models.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, exists, func, or_, select
from sqlmodel import Session

from models import Application, IdentityLink, Person, PersonNameKey
from workbench.core import audit, clock
from workbench.core.actor import Actor
from workbench.core.errors import NotFound, PermissionDenied, ValidationError
from workbench.core.i18n import t
from workbench.core.permissions import Action, case_scope, require
from workbench.intake import triage_text


@dataclass(frozen=True)
class IdentityCandidate:
    person_id: int
    name: str
    name_original: str | None
    nationality: str
    birth_year: int | None
    score: float
    same: bool
    reasons: tuple[str, ...]
    case_numbers: tuple[str, ...]
    link_status: str | None
    name_kana: str | None = None
    name_kanji: str | None = None


@dataclass(frozen=True)
class LinkView:
    id: int
    person_id: int
    other_person_id: int
    score: float
    reasons: tuple[str, ...]
    status: str
    decided_by: str | None
    decided_at: datetime | None



def person_reachable(session: Session, actor: Actor, action: Action, person_id: int,
                      attempted: str | None = None) -> Person:
    """The person, if the actor reaches one of their cases (refused and audited otherwise)."""
    require(actor, action, entity_type="person", entity_id=person_id, attempted=attempted)
    person = session.get(Person, person_id)
    reachable = person is not None and session.execute(
        select(Application.id).where(Application.person_id == person_id, case_scope(actor))
        .limit(1)).first() is not None
    if not reachable:
        raise audit.refuse(PermissionDenied(t("errors.triage.do_not_access_person")),
                           actor=actor, action=attempted or str(action), entity_type="person",
                           entity_id=person_id)
    return person


def _identity_record(row: Any):  # noqa: ANN202
    from triage.identity import IdentityRecord

    get = row.get if isinstance(row, Mapping) else (lambda k, d=None: getattr(row, k, d))
    return IdentityRecord(
        id=get("id"), family_name=get("family_name") or "", given_names=get("given_names") or "",
        name_original=get("name_original"), date_of_birth=get("date_of_birth"),
        birth_year=get("birth_year"), nationality=get("nationality") or "",
        sex=str(get("sex") or "U"), aliases=tuple(get("aliases") or ()),
        name_kana=get("name_kana"), name_kanji=get("name_kanji"))


def name_key_rows(person: Any) -> list[dict]:
    """The ``person_name_key`` rows of one person (an ORM row or a mapping of its columns)."""
    from triage.identity import birth_year_of
    from triage.identity_index import blocking_keys

    record = _identity_record(person)
    year = birth_year_of(record)
    return [{"person_id": record.id, "key": key[:80], "birth_year": year}
            for key in sorted(blocking_keys(record))]


def refresh_name_keys(session: Session, person: Person) -> None:
    """Replace the person's name keys (after their names, nationality or birth changed)."""
    session.execute(delete(PersonNameKey).where(PersonNameKey.person_id == person.id))
    rows = name_key_rows(person)
    if rows:
        session.execute(PersonNameKey.__table__.insert(), rows)


def backfill_name_keys(session: Session, after_id: int = 0) -> int:
    """Name keys for the people (with an id above ``after_id``) who have none yet, a
    thousand at a time; returns how many people got keys."""
    count = 0
    last = after_id
    while True:
        people = list(session.execute(
            select(Person).where(Person.id > last,
                                 ~exists().where(PersonNameKey.person_id == Person.id))
            .order_by(Person.id).limit(1000)).scalars())
        if not people:
            return count
        rows = [key for person in people for key in name_key_rows(person)]
        if rows:
            session.execute(PersonNameKey.__table__.insert(), rows)
        count += len(people)
        last = people[-1].id
        for person in people:
            session.expunge(person)


#: Candidates scored per identity search: those sharing the most name keys first.
IDENTITY_CANDIDATES = 500
_PERSON_COLUMNS = ("id", "family_name", "given_names", "name_original", "name_kana",
                   "name_kanji", "date_of_birth", "birth_year", "nationality", "sex",
                   "aliases")


def identity_candidates(session: Session, *, actor: Actor, person_id: int, limit: int = 10
                        ) -> list[IdentityCandidate]:
    """Other person records that may be the same applicant: found through shared name keys
    and a birth year within a year (those sharing the most keys first, up to
    :data:`IDENTITY_CANDIDATES`), then scored; best first."""
    from triage.identity import YEAR_WINDOW, birth_year_of
    from triage.identity_index import blocking_keys
    from triage.identity_score import score

    person = person_reachable(session, actor, Action.TRIAGE_VIEW, person_id)
    record = _identity_record(person)
    keys = sorted(k[:80] for k in blocking_keys(record))
    if not keys:
        return []
    year = birth_year_of(record)
    shared = func.count().label("shared")
    query = (select(PersonNameKey.person_id, shared)
             .where(PersonNameKey.key.in_(keys), PersonNameKey.person_id != person_id))
    if year is not None:
        query = query.where(or_(PersonNameKey.birth_year.is_(None),
                                PersonNameKey.birth_year.between(year - YEAR_WINDOW,
                                                                 year + YEAR_WINDOW)))
    query = (query.group_by(PersonNameKey.person_id)
             .order_by(shared.desc(), PersonNameKey.person_id).limit(IDENTITY_CANDIDATES))
    ids = [row[0] for row in session.execute(query).all()]
    if not ids:
        return []
    table = Person.__table__
    columns = [table.c[name] for name in _PERSON_COLUMNS]
    rows = [row._mapping for start in range(0, len(ids), 500) for row in session.execute(
        select(*columns).where(table.c.id.in_(ids[start:start + 500]))).all()]
    scored = sorted(((o, score(record, _identity_record(o))) for o in rows),
                    key=lambda om: (-om[1].score, om[0]["id"]))[:max(1, limit)]
    chosen = [o["id"] for o, _ in scored]
    others = {o.id: o for o in session.execute(
        select(Person).where(Person.id.in_(chosen))).scalars()}
    scored = [(others[o["id"]], m) for o, m in scored if o["id"] in others]
    cases: dict[int, list[str]] = {}
    for pid, number in session.execute(
            select(Application.person_id, Application.case_number)
            .where(Application.person_id.in_(chosen))
            .order_by(Application.lodged_date, Application.id)).all():
        cases.setdefault(pid, []).append(number)
    links = {}
    for link in session.execute(select(IdentityLink).where(or_(
            and_(IdentityLink.person_id == person_id, IdentityLink.other_person_id.in_(chosen)),
            and_(IdentityLink.other_person_id == person_id,
                 IdentityLink.person_id.in_(chosen))))).scalars():
        other = link.other_person_id if link.person_id == person_id else link.person_id
        links[other] = link.status
    return [IdentityCandidate(
        person_id=o.id, name=f"{o.family_name.upper()} {o.given_names}".strip(),
        name_original=o.name_original, nationality=o.nationality,
        birth_year=birth_year_of(_identity_record(o)), score=m.score, same=m.same,
        reasons=tuple(triage_text.identity_reason(r) for r in m.reasons),
        case_numbers=tuple(cases.get(o.id, ())),
        link_status=links.get(o.id), name_kana=o.name_kana, name_kanji=o.name_kanji)
        for o, m in scored]


def _may_link_to(session: Session, actor: Actor, person_id: int, other_person_id: int) -> bool:
    """Whether the actor may link ``person_id`` to ``other_person_id``: the other is a person
    of a case the actor reaches, or one of the candidates the matcher offers for this person
    (an earlier applicant is usually in someone else's cases)."""
    reachable = session.execute(
        select(Application.id).where(Application.person_id == other_person_id,
                                     case_scope(actor)).limit(1)).first() is not None
    if reachable:
        return True
    offered = identity_candidates(session, actor=actor, person_id=person_id)
    return any(c.person_id == other_person_id for c in offered)


def link_identity(session: Session, *, actor: Actor, person_id: int, other_person_id: int,
                  confirm: bool) -> LinkView:
    """Record a person's verdict that two person records are (or are not) the same
    applicant. A confirmed link makes the other's applications earlier claims for triage."""
    from triage.identity_score import score

    person = person_reachable(session, actor, Action.TRIAGE_DECIDE, person_id,
                               attempted="identity.link")
    if other_person_id == person_id:
        raise ValidationError(t("errors.triage.person_cannot_linked_themselves"))
    low, high = sorted((person_id, other_person_id))
    link = session.execute(select(IdentityLink).where(
        IdentityLink.person_id == low, IdentityLink.other_person_id == high)
    ).scalar_one_or_none()
    if link is None and not _may_link_to(session, actor, person_id, other_person_id):
        # The page offers only the matcher's candidates; a request naming anyone else (an
        # id typed into a crafted request) is refused here too, and logged.
        raise audit.refuse(PermissionDenied(t("errors.triage.person_not_offered")),
                           actor=actor, action="identity.link", entity_type="person",
                           entity_id=person_id, details={"other_person": other_person_id})
    other = session.get(Person, other_person_id)
    if other is None:
        raise NotFound(t("errors.triage.no_person_id", other_person_id=other_person_id))
    match = score(_identity_record(person), _identity_record(other))
    now = clock.now_utc()
    status = "confirmed" if confirm else "rejected"
    previous = link.status if link else None
    if link is None:
        link = IdentityLink(person_id=low, other_person_id=high, created_at=now,
                            score=match.score, reasons=list(match.reasons), status=status)
    link.score = match.score
    link.reasons = list(match.reasons)
    link.status = status
    link.decided_by_id = actor.id
    link.decided_at = now
    session.add(link)
    session.flush()
    audit.record(session, actor=actor, action="identity.link", entity_type="person",
                 entity_id=person_id,
                 details={"other_person": other_person_id, "status": status,
                          "previous": previous, "score": match.score})
    return LinkView(id=link.id, person_id=link.person_id, other_person_id=link.other_person_id,
                    score=link.score, reasons=tuple(link.reasons), status=link.status,
                    decided_by=actor.display_name, decided_at=link.decided_at)


__all__ = ["IDENTITY_CANDIDATES", "IdentityCandidate", "LinkView", "backfill_name_keys",
           "identity_candidates", "link_identity", "name_key_rows", "person_reachable",
           "refresh_name_keys"]
