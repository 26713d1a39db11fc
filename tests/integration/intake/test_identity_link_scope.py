"""Linking an applicant to another person record: the service, not only the page, keeps an
inquirer to the people they may see — a person of one of their own cases, or a candidate the
matcher offers for this applicant. Any other person is refused and the refusal audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from models import Application, IdentityLink
from tests.app.helpers import audit_entries
from tests.triage_support import DEBT_NARRATIVE
from workbench.core.actor import Actor
from workbench.core.db import unit_of_work
from workbench.core.errors import PermissionDenied
from workbench.intake import identity_links
from workbench.intake.cases import register_application


def _person(engine, inquirer, family: str, given: str, year: int,  # noqa: ANN001
            nationality: str = "AFG") -> int:
    with unit_of_work(engine) as s:
        case_id = register_application(
            s, actor=Actor.system("test"),
            person={"family_name": family, "given_names": given, "nationality": nationality,
                    "sex": "M", "birth_year": year},
            application={"lodged_date": date(2024, 2, 1), "office": "TOKYO",
                         "residence_status_at_filing": "TEMPORARY_VISITOR",
                         "claim_narrative": DEBT_NARRATIVE,
                         "assigned_inquirer_id": inquirer.id}).id
        return s.get(Application, case_id).person_id


def _links(engine) -> list:  # noqa: ANN001
    with unit_of_work(engine, write=False) as s:
        return list(s.execute(select(IdentityLink)).scalars())


def test_a_person_outside_the_inquirers_cases_and_not_a_candidate_is_refused(engine, staff) -> None:  # noqa: ANN001
    mine = _person(engine, staff.inquirer, "Karimy", "Muhammad", 1991)
    stranger = _person(engine, staff.inquirer2, "Perera", "Nimal", 1975, nationality="LKA")
    with unit_of_work(engine, write=False) as s:
        offered = {c.person_id for c in identity_links.identity_candidates(s, actor=staff.inquirer,
                                                                 person_id=mine)}
    assert stranger not in offered
    with pytest.raises(PermissionDenied):
        with unit_of_work(engine) as s:
            identity_links.link_identity(s, actor=staff.inquirer, person_id=mine,
                               other_person_id=stranger, confirm=True)
    assert _links(engine) == []
    [refusal] = audit_entries(engine, "identity.link")
    assert refusal.outcome == "denied" and refusal.actor_id == staff.inquirer.id
    assert refusal.entity_id == str(mine)
    assert f'"other_person":{stranger}' in refusal.details


def test_a_candidate_from_another_inquirers_case_may_be_linked(engine, staff) -> None:  # noqa: ANN001
    earlier = _person(engine, staff.inquirer2, "Karimi", "Mohammad", 1990)
    mine = _person(engine, staff.inquirer, "Karimy", "Muhammad", 1991)
    with unit_of_work(engine) as s:
        link = identity_links.link_identity(s, actor=staff.inquirer, person_id=mine,
                                  other_person_id=earlier, confirm=True)
    assert link.status == "confirmed"


def test_a_person_of_the_inquirers_own_cases_may_be_linked(engine, staff) -> None:  # noqa: ANN001
    mine = _person(engine, staff.inquirer, "Karimy", "Muhammad", 1991)
    also_mine = _person(engine, staff.inquirer, "Rahimi", "Ali", 1960)
    with unit_of_work(engine) as s:
        link = identity_links.link_identity(s, actor=staff.inquirer, person_id=mine,
                                  other_person_id=also_mine, confirm=False)
    assert link.status == "rejected"


def test_a_manager_sees_every_case_and_may_link_any_person(engine, staff) -> None:  # noqa: ANN001
    one = _person(engine, staff.inquirer, "Karimy", "Muhammad", 1991)
    other = _person(engine, staff.inquirer2, "Perera", "Nimal", 1975, nationality="LKA")
    with unit_of_work(engine) as s:
        link = identity_links.link_identity(s, actor=staff.manager, person_id=one,
                                  other_person_id=other, confirm=False)
    assert link.status == "rejected"
