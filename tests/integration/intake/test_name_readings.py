"""Applicants' names in katakana and kanji: registration keeps them, the case search finds a
name by its reading or its kanji, and repeat-applicant candidates are found through them."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from models import Person
from workbench.core.db import unit_of_work
from workbench.core.errors import ValidationError
from workbench.intake.case_file import open_case
from workbench.intake.case_list import CaseFilter, list_cases
from workbench.intake.cases import register_application, update_person
from workbench.intake.identity_links import identity_candidates

LODGED = date(2024, 1, 15)


def _register(engine, actor, family: str, given: str, *, nationality: str = "VNM",  # noqa: ANN001
              **person) -> int:
    with unit_of_work(engine) as s:
        app = register_application(
            s, actor=actor,
            person={"family_name": family, "given_names": given, "nationality": nationality,
                    "date_of_birth": date(1990, 3, 14), "sex": "M", **person},
            application={"lodged_date": LODGED, "office": "TOKYO",
                         "residence_status_at_filing": "TEMPORARY_VISITOR"})
        return app.id


def _found(engine, actor, text: str) -> set[str]:  # noqa: ANN001
    with unit_of_work(engine, write=False) as s:
        page = list_cases(s, actor=actor, filters=CaseFilter(text=text))
    return {c.person_name for c in page.items}


@pytest.fixture
def people(engine, staff, frozen_clock):  # noqa: ANN001, ANN201
    frozen_clock.set_local(date(2024, 2, 1))
    _register(engine, staff.inquirer, "Nguyen", "Van An", name_kana="ぐえん ゔぁん あん")
    _register(engine, staff.inquirer, "Wang", "Wei", nationality="CHN",
              name_kana="ワン・ウェイ", name_kanji="张伟")
    _register(engine, staff.inquirer, "Tran", "Thi Mai", name_kana="チャン・ティ・マイ")
    _register(engine, staff.inquirer, "Perera", "Nimal", nationality="LKA")
    return engine, staff


def test_registration_keeps_the_reading_in_katakana_and_the_kanji(people) -> None:  # noqa: ANN001
    engine, _ = people
    with unit_of_work(engine, write=False) as s:
        rows = {p.family_name: p for p in s.execute(select(Person)).scalars()}
    assert rows["Nguyen"].name_kana == "グエン・ヴァン・アン"
    assert rows["Nguyen"].name_reading_key == "グエンヴァンアン"
    assert rows["Wang"].name_kanji == "张伟"
    assert rows["Wang"].name_reading_key == "ワンウェイ 張偉"
    assert rows["Perera"].name_kana is None and rows["Perera"].name_reading_key == ""


@pytest.mark.parametrize("field, value, message", [
    ("name_kana", "Nguyen", "katakana"),
    ("name_kana", "グエン王", "katakana"),
    ("name_kanji", "Wang Wei", "kanji"),
])
def test_a_reading_that_is_not_kana_or_kanji_is_refused(engine, staff, frozen_clock,  # noqa: ANN001
                                                        field: str, value: str,
                                                        message: str) -> None:
    frozen_clock.set_local(date(2024, 2, 1))
    with pytest.raises(ValidationError, match=message):
        _register(engine, staff.inquirer, "Nguyen", "Van An", **{field: value})


@pytest.mark.parametrize("typed", [
    "グエン", "ぐえん", "ｸﾞｴﾝ", "グエン・ヴァン", "ぐえんゔぁんあん", "グエン ヴァン アン",
    "ヴァン・アン", "グエーン",
])
def test_search_by_the_reading_however_it_is_typed(people, typed: str) -> None:  # noqa: ANN001
    engine, staff = people
    assert _found(engine, staff.manager, typed) == {"NGUYEN Van An"}


@pytest.mark.parametrize("typed", ["张伟", "張偉", "張 偉", "伟"])
def test_search_by_the_kanji_in_either_form(people, typed: str) -> None:  # noqa: ANN001
    engine, staff = people
    assert _found(engine, staff.manager, typed) == {"WANG Wei"}


def test_latin_search_is_unchanged_and_a_reading_finds_nobody_else(people) -> None:  # noqa: ANN001
    engine, staff = people
    assert _found(engine, staff.manager, "nguyen") == {"NGUYEN Van An"}
    assert _found(engine, staff.manager, "ティ") == {"TRAN Thi Mai"}
    assert _found(engine, staff.manager, "アリ") == set()
    assert _found(engine, staff.manager, "李") == set()


def test_a_corrected_reading_is_searched_at_once(people) -> None:  # noqa: ANN001
    engine, staff = people
    with unit_of_work(engine, write=False) as s:
        case_id = list_cases(s, actor=staff.manager,
                             filters=CaseFilter(text="Perera")).items[0].id
        person = open_case(s, actor=staff.manager, application_id=case_id,
                           record_opening=False).person
    with unit_of_work(engine) as s:
        update_person(s, actor=staff.inquirer, application_id=case_id,
                      expected_version=person.version,
                      changes={"name_kana": "ニマル・ペレラ"})
    assert _found(engine, staff.manager, "ぺれら") == {"PERERA Nimal"}


def test_a_repeat_applicant_spelled_otherwise_is_a_candidate_through_the_reading(
        people) -> None:  # noqa: ANN001
    engine, staff = people
    other = _register(engine, staff.inquirer, "Gwen", "Bang", name_kana="グエン・ヴァン・アン")
    with unit_of_work(engine, write=False) as s:
        person_id = open_case(s, actor=staff.manager, application_id=other,
                              record_opening=False).person.id
        found = identity_candidates(s, actor=staff.manager, person_id=person_id)
    best = found[0]
    assert (best.name, best.name_kana) == ("NGUYEN Van An", "グエン・ヴァン・アン")
    assert best.same
    assert any("same katakana reading" in r for r in best.reasons)
