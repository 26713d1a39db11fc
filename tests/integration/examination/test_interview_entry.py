"""Interview entry on both databases: answers that contradict themselves ("none identified"
together with a Convention ground), the preparation of a first application, and the specific
profile of people who worked for foreign forces or organisations."""

from __future__ import annotations

import pdfplumber
import pytest
from sqlalchemy import func, select

from models import CaseState, InterviewAnswer
from tests.conftest import insert_case
from workbench.core.db import unit_of_work
from workbench.core.errors import ValidationError
from workbench.examination import interviews, preparation
from workbench.examination import question_bank as qb

GROUNDS = "convention_grounds.grounds"


def _case(engine, staff, **fields) -> int:  # noqa: ANN001, ANN003
    fields.setdefault("claim_narrative", "I fear that I will be harmed if I return.")
    return insert_case(engine, inquirer=staff.inquirer, state=CaseState.UNDER_EXAMINATION,
                       sorting_category="D2", **fields)


def _started(engine, staff, **fields) -> int:  # noqa: ANN001, ANN003
    case = _case(engine, staff, **fields)
    with unit_of_work(engine) as s:
        interviews.start_interview(s, actor=staff.inquirer, application_id=case)
    return case


def _answers(engine) -> int:  # noqa: ANN001
    with unit_of_work(engine, write=False) as s:
        return s.execute(select(func.count()).select_from(InterviewAnswer)).scalar_one()


def test_none_identified_together_with_a_ground_is_refused(engine, staff) -> None:  # noqa: ANN001
    case = _started(engine, staff)
    with pytest.raises(ValidationError, match="None identified") as refused:
        with unit_of_work(engine) as s:
            interviews.save_answer(s, actor=staff.inquirer, application_id=case,
                                   question_id=GROUNDS,
                                   value=["political_opinion", "none_identified"])
    assert "Political opinion" in str(refused.value)
    assert _answers(engine) == 0
    # Each alone is an answer.
    with unit_of_work(engine) as s:
        interviews.save_answer(s, actor=staff.inquirer, application_id=case,
                               question_id=GROUNDS, value=["none_identified"])
        saved = interviews.save_answer(s, actor=staff.inquirer, application_id=case,
                                       question_id=GROUNDS, value=["political_opinion"],
                                       expected_version=1)
    assert saved.value == ["political_opinion"]


def test_no_documents_together_with_a_passport_is_refused(engine, staff) -> None:  # noqa: ANN001
    case = _started(engine, staff)
    with pytest.raises(ValidationError, match="None"):
        with unit_of_work(engine) as s:
            interviews.save_answer(s, actor=staff.inquirer, application_id=case,
                                   question_id="documents.identity_documents_held",
                                   value=["none", "passport"])
    assert _answers(engine) == 0


def test_the_preparation_sheet_of_a_first_application_claims_nothing_about_earlier_ones(
        engine, staff, tmp_path) -> None:  # noqa: ANN001
    case = _case(engine, staff)
    with unit_of_work(engine) as s:
        prep = preparation.preparation(s, actor=staff.inquirer, application_id=case)
        data = preparation.preparation_sheet_pdf(s, actor=staff.inquirer, application_id=case,
                                                 language="en")
    assert prep.earlier_case_numbers == ()
    path = tmp_path / "sheet.pdf"
    path.write_bytes(data)
    with pdfplumber.open(path) as pdf:
        content = " ".join((page.extract_text() or "") for page in pdf.pages)
    content = " ".join(content.split())
    assert "No sentences are new compared with earlier claims" not in content
    assert "First application: there are no earlier claims to compare it with." in content


@pytest.mark.parametrize("narrative", [
    "I worked as an interpreter for the US army in Kandahar. The Taliban wrote to my family "
    "that they would kill me.",
    "From 2009 I was a translator for ISAF and later a driver at the British embassy.",
    "私は米軍の通訳として働いていました。タリバンから脅迫を受けました。",
    "兄は大使館と国際機関で勤務していたため、私たち家族も狙われています。",
])
def test_work_for_foreign_forces_or_organisations_raises_its_profile(
        engine, staff, narrative: str) -> None:  # noqa: ANN001
    case = _case(engine, staff, claim_narrative=narrative, nationality="AFG")
    with unit_of_work(engine) as s:
        prep = preparation.preparation(s, actor=staff.inquirer, application_id=case)
    assert "foreign_affiliation" in prep.profiles
    assert any(q.question_id.startswith("profile_foreign_affiliation.")
               for q in prep.questions)


def test_the_profile_opens_its_sub_form_in_the_interview(engine, staff) -> None:  # noqa: ANN001
    case = _started(engine, staff, claim_narrative="I was an interpreter for the US army.")
    with unit_of_work(engine, write=False) as s:
        view = interviews.interview(s, actor=staff.inquirer, application_id=case)
    bank = qb.load_bank(view.bank_version)
    assert "foreign_affiliation" in view.profiles
    shown = [section.id for section, _ in bank.visible_sections(view.values, view.profiles)]
    assert "profile_foreign_affiliation" in shown
    sub_form = bank.section("profile_foreign_affiliation")
    assert all(q.prompt_ja for q in sub_form.questions)
    assert any(q.id in view.missing_required for q in sub_form.questions)
