"""A passage is cited once in a case: citing it again answers with the citation in force,
two citations at the same moment (a double click) make one and no error, the database itself
refuses a second citation in force, and a removed citation lets the passage be cited again.
Migration 0016 merges the repeated citations of databases made before it."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from coi import citations as coi_citations
from coi.search_request import FacetFilter, SearchRequest
from models import AuditEvent
from models.coi import CoiCitation
from tests.conftest import insert_case
from workbench.core import audit
from workbench.core.db import unit_of_work
from workbench.library.citations import case_citations, cite, remove_citation
from workbench.library.search import search


def _passage(library) -> int:  # noqa: ANN001
    with unit_of_work(library.engine, write=False) as session:
        return search(session, actor=library.staff.inquirer, request=SearchRequest(
            query="Rohingya", countries=FacetFilter(("MMR",)), current_only=True)
        ).hits[0].passage_id


def _cite(library, case_id: int, passage_id: int, finding: str = "Rohingya lack citizenship"):  # noqa: ANN001, ANN202
    with unit_of_work(library.engine) as session:
        return cite(session, actor=library.staff.inquirer, application_id=case_id,
                    passage_id=passage_id, finding=finding)


def _rows(engine, case_id: int, *, live: bool = True) -> list[CoiCitation]:  # noqa: ANN001
    with unit_of_work(engine, write=False) as session:
        query = select(CoiCitation).where(CoiCitation.application_id == case_id)
        if live:
            query = query.where(CoiCitation.removed_at.is_(None))
        return list(session.execute(query.order_by(CoiCitation.id)).scalars())


def _cite_audits(engine) -> int:  # noqa: ANN001
    with unit_of_work(engine, write=False) as session:
        return session.execute(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "coi.cite", AuditEvent.outcome == "ok")).scalar_one()


def test_citing_a_passage_again_answers_with_the_citation_in_force(library) -> None:  # noqa: ANN001
    case_id = insert_case(library.engine, inquirer=library.staff.inquirer)
    passage_id = _passage(library)
    first = _cite(library, case_id, passage_id)
    again = _cite(library, case_id, passage_id, finding="Another point")
    assert not first.already_cited
    assert again.already_cited and again.id == first.id
    assert again.finding == "Rohingya lack citizenship"
    assert [c.id for c in _rows(library.engine, case_id)] == [first.id]
    assert _cite_audits(library.engine) == 1
    with unit_of_work(library.engine, write=False) as session:
        shown = case_citations(session, actor=library.staff.inquirer,
                               application_id=case_id)
    assert [c.passage_id for c in shown] == [passage_id]


def test_the_same_passage_in_another_case_is_another_citation(library) -> None:  # noqa: ANN001
    passage_id = _passage(library)
    one = insert_case(library.engine, inquirer=library.staff.inquirer)
    two = insert_case(library.engine, inquirer=library.staff.inquirer)
    assert _cite(library, one, passage_id).id != _cite(library, two, passage_id).id


def test_the_database_refuses_a_second_citation_in_force(library) -> None:  # noqa: ANN001
    case_id = insert_case(library.engine, inquirer=library.staff.inquirer)
    passage_id = _passage(library)
    first = _cite(library, case_id, passage_id)
    with pytest.raises(IntegrityError):
        with unit_of_work(library.engine) as session:
            row = session.get(CoiCitation, first.id)
            session.add(CoiCitation(
                application_id=case_id, passage_id=passage_id, document_id=row.document_id,
                purpose="finding", finding="twice", quote=row.quote, reference=row.reference,
                accessed_on=row.accessed_on))
            session.flush()


def test_a_removed_citation_lets_the_passage_be_cited_again(library) -> None:  # noqa: ANN001
    case_id = insert_case(library.engine, inquirer=library.staff.inquirer)
    passage_id = _passage(library)
    first = _cite(library, case_id, passage_id)
    with unit_of_work(library.engine) as session:
        remove_citation(session, actor=library.staff.inquirer, citation_id=first.id,
                        reason="Cited for the wrong finding")
    second = _cite(library, case_id, passage_id, finding="The right finding")
    assert not second.already_cited and second.id != first.id
    assert [c.id for c in _rows(library.engine, case_id)] == [second.id]
    assert [c.id for c in _rows(library.engine, case_id, live=False)] == [first.id, second.id]


def test_two_citations_at_once_make_one_and_no_error(library, monkeypatch) -> None:  # noqa: ANN001
    """A double click: two requests both find the passage not yet cited and both insert.
    Each waits for the other after its look-up (on SQLite the writers are serialised by
    BEGIN IMMEDIATE, so the wait times out and they run one after the other)."""
    case_id = insert_case(library.engine, inquirer=library.staff.inquirer)
    passage_id = _passage(library)
    barrier = threading.Barrier(2, timeout=3)
    looked = threading.local()
    original = coi_citations.live_citation

    def racing_lookup(session, application_id, passage_id):  # noqa: ANN001, ANN202
        found = original(session, application_id, passage_id)
        if not getattr(looked, "done", False):
            looked.done = True
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                pass
        return found

    monkeypatch.setattr(coi_citations, "live_citation", racing_lookup)
    results: list = []
    errors: list[BaseException] = []

    def click() -> None:
        try:
            results.append(_cite(library, case_id, passage_id))
        except BaseException as exc:  # noqa: BLE001 - the test reports any error
            errors.append(exc)

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert len(results) == 2 and results[0].id == results[1].id
    assert sorted(r.already_cited for r in results) == [False, True]
    assert len(_rows(library.engine, case_id)) == 1
    assert _cite_audits(library.engine) == 1
    with unit_of_work(library.engine, write=False) as session:
        assert audit.verify_chain(session).ok
