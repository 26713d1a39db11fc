"""The examination on both databases: the interview record (answers saved as the inquirer
goes, sessions, incidents, inconsistencies, read-back), the credibility and eligibility
assessment, and the decision from draft to a final notice that can only be superseded."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pdfplumber
import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from models import (
    Application,
    CaseState,
    CoiCitation,
    CoiDocument,
    CoiPassage,
    Decision,
    InterviewAnswer,
)
from tests.app.helpers import audit_entries
from tests.conftest import insert_case
from workbench.core.dates import format_date
from workbench.core.db import unit_of_work
from workbench.core.errors import InvalidTransition, PermissionDenied, StaleEdit, ValidationError
from workbench.core.settings import get_settings
from workbench.examination import assessments, decisions, interviews, preparation
from workbench.examination import question_bank as qb

NARRATIVE = ("I was a member of the opposition party in Colombo. In March 2022 the police "
             "arrested me at a rally and beat me in detention because of my political opinion. "
             "I fear that I will be arrested again if I return.")


def _case(engine, staff, **fields) -> int:  # noqa: ANN001, ANN003
    fields.setdefault("claim_narrative", NARRATIVE)
    return insert_case(engine, inquirer=staff.inquirer, state=CaseState.UNDER_EXAMINATION,
                       sorting_category="D2", **fields)


def _sample(question: qb.Question):  # noqa: ANN202
    if question.type == "yes_no":
        return True
    if question.type == "date":
        return date(2023, 5, 1)
    if question.type == "number":
        return 1
    if question.type == "choice":
        return question.choices[0]
    if question.type == "multi_choice":
        return [question.choices[0]]
    return f"Answer to {question.id}"


def answer_required(engine, actor, case_id: int, **chosen) -> None:  # noqa: ANN001, ANN003
    """Answer every required question still open (answers can open new ones)."""
    for _ in range(10):
        with unit_of_work(engine, write=False) as s:
            view = interviews.interview(s, actor=actor, application_id=case_id)
        if not view.missing_required:
            return
        bank = qb.load_bank(view.bank_version)
        with unit_of_work(engine) as s:
            for qid in view.missing_required:
                value = chosen.get(qid, _sample(bank.question(qid)))
                interviews.save_answer(s, actor=actor, application_id=case_id,
                                       question_id=qid, value=value)
    raise AssertionError("required questions kept opening")


def hold_interview(engine, actor, case_id: int) -> None:  # noqa: ANN001
    with unit_of_work(engine) as s:
        interviews.start_interview(s, actor=actor, application_id=case_id)
        interviews.save_session(s, actor=actor, application_id=case_id,
                                session_date=date(2024, 3, 4), start_time="09:30",
                                end_time="12:10", language="Sinhala",
                                interpreter="K. Silva", place="Tokyo, room 4",
                                present="applicant, inquirer, interpreter",
                                breaks="10:45-11:00")
        interviews.save_incident(s, actor=actor, application_id=case_id,
                                 occurred_on=date(2022, 3, 12), place="Colombo",
                                 agent="police", what_happened="Arrested at a rally and beaten",
                                 injuries="broken wrist", reported="no")
        interviews.save_inconsistency(s, actor=actor, application_id=case_id,
                                      matter="The written statement dates the arrest in 2021.",
                                      explanation="The statement was written by an agent.",
                                      session_number=1)
    answer_required(engine, actor, case_id)
    with unit_of_work(engine) as s:
        interviews.close_interview(s, actor=actor, application_id=case_id,
                                   read_back_confirmed=True, read_back_language="Sinhala")


def cite_passage(engine, actor, case_id: int) -> int:  # noqa: ANN001
    with unit_of_work(engine) as s:
        doc = CoiDocument(sha256=f"{case_id:064d}", title="Sri Lanka: treatment of opposition "
                          "activists", file_name="report.pdf", media_type="pdf",
                          size_bytes=10, series_key=f"lka-{case_id}",
                          published_on=date(2024, 1, 10))
        s.add(doc)
        s.flush()
        passage = CoiPassage(document_id=doc.id, paragraph=3, page=2,
                             text="Opposition activists detained at rallies report beatings.",
                             index_text="opposition activists detained rallies beatings")
        s.add(passage)
        s.flush()
        citation = CoiCitation(application_id=case_id, passage_id=passage.id,
                               document_id=doc.id, quote=passage.text,
                               reference="Example Monitor, Sri Lanka: treatment of opposition "
                                         "activists, 10 January 2024, p. 2",
                               accessed_on=date(2024, 3, 1), created_by_id=actor.id)
        s.add(citation)
        s.flush()
        return citation.id


def assess(engine, actor, case_id: int, *, ground_met: bool = True) -> int:  # noqa: ANN001
    citation = cite_passage(engine, actor, case_id)
    with unit_of_work(engine) as s:
        fact = assessments.save_fact(s, actor=actor, application_id=case_id,
                                     statement="The applicant was arrested and beaten at a "
                                               "rally in March 2022.")
        assessments.rate_fact(s, actor=actor, application_id=case_id, fact_id=fact,
                              indicator="DETAIL", rating="SUPPORTS",
                              reason="Specific and vivid account.")
        assessments.rate_fact(s, actor=actor, application_id=case_id, fact_id=fact,
                              indicator="EXTERNAL_CONSISTENCY_COI", rating="SUPPORTS",
                              reason="Matches reports of beatings at rallies.",
                              citation_ids=[citation])
        assessments.find_fact(s, actor=actor, application_id=case_id, fact_id=fact,
                              finding="ACCEPTED", reason="Detailed and consistent with COI.")
        for element in ("PERSECUTION", "WELL_FOUNDED_FEAR", "STATE_PROTECTION",
                        "INTERNAL_RELOCATION"):
            assessments.record_element(s, actor=actor, application_id=case_id, element=element,
                                       finding="MET", reason=f"Reason for {element}.")
        assessments.record_element(
            s, actor=actor, application_id=case_id, element="CONVENTION_GROUND",
            finding="MET" if ground_met else "NOT_MET", reason="Political opinion.",
            grounds=["political_opinion"] if ground_met else [])
        view = assessments.assessment(s, actor=actor, application_id=case_id)
        assessments.choose_outcome(s, actor=actor, application_id=case_id,
                                   outcome=view.proposal.outcome)
    return citation


def details(entry) -> dict:  # noqa: ANN001
    return json.loads(entry.details) if isinstance(entry.details, str) else entry.details


def _version(engine, case_id: int) -> int:  # noqa: ANN001
    with unit_of_work(engine, write=False) as s:
        return s.get(Application, case_id).version


def _text(pdf_bytes: bytes, tmp_path) -> str:  # noqa: ANN001
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf_bytes)
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


# --- the interview record --------------------------------------------------------------------


def test_answers_are_saved_one_by_one_and_survive_reloading(engine, staff) -> None:  # noqa: ANN001
    case = _case(engine, staff)
    with unit_of_work(engine) as s:
        interviews.start_interview(s, actor=staff.inquirer, application_id=case)
        saved = interviews.save_answer(s, actor=staff.inquirer, application_id=case,
                                       question_id="fear_on_return.what_feared",
                                       value="  Arrest and torture by the police  ")
    assert saved.value == "Arrest and torture by the police" and saved.version == 1
    with unit_of_work(engine, write=False) as s:
        view = interviews.interview(s, actor=staff.inquirer, application_id=case)
    assert view.answers["fear_on_return.what_feared"].value == saved.value
    assert view.bank_version == qb.current_version()
    assert "fear_on_return.what_feared" not in view.missing_required
    # the audit names the question, never the answer
    entries = audit_entries(engine, "interview.answer", entity_id=case)
    assert len(entries) == 1 and "torture" not in entries[0].details

    with pytest.raises(StaleEdit):  # a second tab saving over a newer answer
        with unit_of_work(engine) as s:
            interviews.save_answer(s, actor=staff.inquirer, application_id=case,
                                   question_id="fear_on_return.what_feared", value="x",
                                   expected_version=5)
    with unit_of_work(engine, write=False) as s:
        row = s.execute(select(InterviewAnswer).where(
            InterviewAnswer.question_id == "fear_on_return.what_feared")).scalar_one()
    assert row.value == {"v": saved.value}


def test_a_refused_answer_changes_nothing(engine, staff) -> None:  # noqa: ANN001
    case = _case(engine, staff)
    with unit_of_work(engine) as s:
        interviews.start_interview(s, actor=staff.inquirer, application_id=case)
    bank = qb.load_bank()
    choice = next(q for s_, qs in bank.visible_sections({}, set()) for q in qs
                  if q.type == "choice")
    with pytest.raises(ValidationError, match=choice.prompt[:20]):
        with unit_of_work(engine) as s:
            interviews.save_answer(s, actor=staff.inquirer, application_id=case,
                                   question_id=choice.id, value="not one of the choices")
    with pytest.raises(ValidationError, match="future"):
        date_q = next(q for s_, qs in bank.visible_sections({}, set()) for q in qs
                      if q.type == "date")
        with unit_of_work(engine) as s:
            interviews.save_answer(s, actor=staff.inquirer, application_id=case,
                                   question_id=date_q.id, value=date.today() + timedelta(days=5))
    with unit_of_work(engine, write=False) as s:
        assert s.execute(select(func.count()).select_from(InterviewAnswer)).scalar_one() == 0


def test_session_dates_are_checked(engine, staff) -> None:  # noqa: ANN001
    case = _case(engine, staff, lodged=date(2024, 1, 15))
    with unit_of_work(engine) as s:
        interviews.start_interview(s, actor=staff.inquirer, application_id=case)
    for when, start, end, message in (
            (date(2024, 1, 10), "09:00", None, "before the application was lodged"),
            (date.today() + timedelta(days=2), "09:00", None, "future"),
            (date(2024, 2, 1), "9.30", None, "HH:MM"),
            (date(2024, 2, 1), "10:00", "09:00", "end after it starts")):
        with pytest.raises(ValidationError, match=message):
            with unit_of_work(engine) as s:
                interviews.save_session(s, actor=staff.inquirer, application_id=case,
                                        session_date=when, start_time=start, end_time=end,
                                        language="Tamil")
    with unit_of_work(engine) as s:
        first = interviews.save_session(s, actor=staff.inquirer, application_id=case,
                                        session_date=date(2024, 2, 1), start_time="09:00",
                                        language="Tamil")
        second = interviews.save_session(s, actor=staff.inquirer, application_id=case,
                                         session_date=date(2024, 2, 8), start_time="13:00",
                                         language="Tamil")
    assert (first.number, second.number) == (1, 2)


def test_only_the_assigned_inquirer_writes_the_record(engine, staff) -> None:  # noqa: ANN001
    case = _case(engine, staff)
    for actor in (staff.inquirer2, staff.manager):
        with pytest.raises(PermissionDenied):
            with unit_of_work(engine) as s:
                interviews.start_interview(s, actor=actor, application_id=case)
    with unit_of_work(engine) as s:
        interviews.start_interview(s, actor=staff.inquirer, application_id=case)
    with pytest.raises(PermissionDenied):
        with unit_of_work(engine) as s:
            interviews.save_answer(s, actor=staff.manager, application_id=case,
                                   question_id="fear_on_return.what_feared", value="x")
    with unit_of_work(engine, write=False) as s:  # managers read it
        view = interviews.interview(s, actor=staff.manager, application_id=case)
    assert view.started and not view.editable
    with pytest.raises(PermissionDenied):
        with unit_of_work(engine, write=False) as s:
            interviews.interview(s, actor=staff.inquirer2, application_id=case)


def test_closing_needs_every_required_answer_and_locks_the_record(engine, staff) -> None:  # noqa: ANN001
    case = _case(engine, staff)
    with unit_of_work(engine) as s:
        interviews.start_interview(s, actor=staff.inquirer, application_id=case)
        interviews.save_session(s, actor=staff.inquirer, application_id=case,
                                session_date=date(2024, 3, 4), start_time="09:30",
                                language="Sinhala")
    with pytest.raises(ValidationError, match="required questions"):
        with unit_of_work(engine) as s:
            interviews.close_interview(s, actor=staff.inquirer, application_id=case,
                                       read_back_confirmed=True, read_back_language="Sinhala")
    answer_required(engine, staff.inquirer, case)
    with pytest.raises(ValidationError, match="disputed"):
        with unit_of_work(engine) as s:
            interviews.close_interview(s, actor=staff.inquirer, application_id=case,
                                       read_back_confirmed=False, read_back_language="Sinhala")
    with unit_of_work(engine) as s:
        closed = interviews.close_interview(s, actor=staff.inquirer, application_id=case,
                                            read_back_confirmed=True,
                                            read_back_language="Sinhala")
    assert closed.closed and not closed.editable
    with pytest.raises(ValidationError, match="closed"):
        with unit_of_work(engine) as s:
            interviews.save_answer(s, actor=staff.inquirer, application_id=case,
                                   question_id="fear_on_return.what_feared", value="changed")
    with unit_of_work(engine) as s:
        interviews.reopen_interview(s, actor=staff.inquirer, application_id=case,
                                    reason="A further session is needed on the route.")
        interviews.save_answer(s, actor=staff.inquirer, application_id=case,
                               question_id="fear_on_return.what_feared", value="changed")


def test_the_record_pdf_holds_the_answers_incidents_and_signatures(engine, staff,  # noqa: ANN001
                                                                   tmp_path) -> None:
    case = _case(engine, staff)
    hold_interview(engine, staff.inquirer, case)
    with unit_of_work(engine) as s:
        data = interviews.interview_pdf(s, actor=staff.inquirer, application_id=case)
    content = _text(data, tmp_path)
    assert "Arrested at a rally and beaten" in content and "broken wrist" in content
    assert "The statement was written by an agent." in content
    assert "Answer to fear_on_return.what_feared" in content
    assert "Page 1 of" in content and "K. Silva" in content
    for who in ("Applicant", "Interpreter", "Inquirer"):
        assert who in content
    prints = audit_entries(engine, "case.print", entity_id=case)
    assert [details(e)["document"] for e in prints] == ["interview_record"]


def test_preparation_lists_profiles_questions_and_prints(engine, staff, tmp_path) -> None:  # noqa: ANN001
    case = _case(engine, staff, claim_narrative=(
        "I am gay. My family and the police found out and beat me. I was also called up for "
        "military service and deserted."))
    with unit_of_work(engine) as s:
        prep = preparation.preparation(s, actor=staff.inquirer, application_id=case)
        data = preparation.preparation_sheet_pdf(s, actor=staff.inquirer, application_id=case)
    assert {"sogi", "military_service"} <= set(prep.profiles)
    assert any(q.question_id.startswith("profile_sogi.") for q in prep.questions)
    content = _text(data, tmp_path)
    assert prep.case_number in content
    assert prep.questions[0].prompt[:30] in content.replace("\n", " ")


# --- assessment -------------------------------------------------------------------------------


def test_external_consistency_needs_a_cited_passage(engine, staff) -> None:  # noqa: ANN001
    case = _case(engine, staff)
    with unit_of_work(engine) as s:
        fact = assessments.save_fact(s, actor=staff.inquirer, application_id=case,
                                     statement="Detained for a week in 2022.")
    with pytest.raises(ValidationError, match="cite at least one passage"):
        with unit_of_work(engine) as s:
            assessments.rate_fact(s, actor=staff.inquirer, application_id=case, fact_id=fact,
                                  indicator="EXTERNAL_CONSISTENCY_COI", rating="SUPPORTS",
                                  reason="Matches reports.")
    other_case = _case(engine, staff)
    foreign = cite_passage(engine, staff.inquirer, other_case)
    with pytest.raises(ValidationError, match="cited for this case"):
        with unit_of_work(engine) as s:
            assessments.rate_fact(s, actor=staff.inquirer, application_id=case, fact_id=fact,
                                  indicator="EXTERNAL_CONSISTENCY_COI", rating="SUPPORTS",
                                  reason="Matches reports.", citation_ids=[foreign])
    with pytest.raises(ValidationError, match="Rate the fact"):
        with unit_of_work(engine) as s:
            assessments.find_fact(s, actor=staff.inquirer, application_id=case, fact_id=fact,
                                  finding="ACCEPTED", reason="Consistent.")


def test_departing_from_the_proposal_needs_a_reason(engine, staff) -> None:  # noqa: ANN001
    case = _case(engine, staff)
    assess(engine, staff.inquirer, case, ground_met=False)
    with unit_of_work(engine, write=False) as s:
        view = assessments.assessment(s, actor=staff.inquirer, application_id=case)
    assert view.proposal.outcome == "RECOGNISED_CP" and view.chosen_outcome == "RECOGNISED_CP"
    with pytest.raises(ValidationError, match="say why you depart"):
        with unit_of_work(engine) as s:
            assessments.choose_outcome(s, actor=staff.inquirer, application_id=case,
                                       outcome="NOT_RECOGNISED", humanitarian_considered=True,
                                       humanitarian_reason="No ties in Japan.")
    with pytest.raises(ValidationError, match="humanitarian"):
        with unit_of_work(engine) as s:
            assessments.choose_outcome(s, actor=staff.inquirer, application_id=case,
                                       outcome="NOT_RECOGNISED",
                                       departure_reason="The risk is not current.")
    with unit_of_work(engine) as s:
        chosen = assessments.choose_outcome(
            s, actor=staff.inquirer, application_id=case, outcome="NOT_RECOGNISED",
            departure_reason="The risk is not current.", humanitarian_considered=True,
            humanitarian_permission=True, humanitarian_reason="Long residence, child at school.")
    assert chosen.chosen_outcome == "NOT_RECOGNISED" and chosen.humanitarian_permission
    with pytest.raises(PermissionDenied):  # managers edit no findings
        with unit_of_work(engine) as s:
            assessments.save_fact(s, actor=staff.manager, application_id=case,
                                  statement="Another fact")


# --- the decision -------------------------------------------------------------------------------


def _through_approval(engine, staff, case: int) -> None:  # noqa: ANN001
    hold_interview(engine, staff.inquirer, case)
    citation = assess(engine, staff.inquirer, case)
    with unit_of_work(engine) as s:
        reasons, cited = decisions.generated_reasons(s, actor=staff.inquirer,
                                                     application_id=case)
        assert citation in cited and "[1]" in reasons and "Political opinion" in reasons
        decisions.save_draft(s, actor=staff.inquirer, application_id=case, reasons=reasons,
                             citation_ids=cited)
        decisions.submit_draft(s, actor=staff.inquirer, application_id=case)
    with unit_of_work(engine) as s:
        decisions.approve(s, actor=staff.manager, application_id=case)


def test_a_draft_cannot_go_for_approval_while_anything_is_missing(engine, staff) -> None:  # noqa: ANN001
    case = _case(engine, staff)
    with pytest.raises(ValidationError, match="Choose the outcome"):
        with unit_of_work(engine) as s:
            decisions.save_draft(s, actor=staff.inquirer, application_id=case,
                                 reasons="Recognised.")
    assess(engine, staff.inquirer, case)
    with unit_of_work(engine) as s:
        decisions.save_draft(s, actor=staff.inquirer, application_id=case, reasons="Draft.")
        desk = decisions.desk(s, actor=staff.inquirer, application_id=case)
    assert not desk.may_submit and any("interview" in b for b in desk.blockers)
    with pytest.raises(ValidationError, match="interview"):
        with unit_of_work(engine) as s:
            decisions.submit_draft(s, actor=staff.inquirer, application_id=case)
    with unit_of_work(engine, write=False) as s:
        assert s.get(Application, case).state == CaseState.UNDER_EXAMINATION


def test_four_eyes_then_a_final_decision_that_cannot_be_edited(engine, staff,  # noqa: ANN001
                                                                tmp_path) -> None:
    case = _case(engine, staff)
    hold_interview(engine, staff.inquirer, case)
    assess(engine, staff.inquirer, case)
    with unit_of_work(engine) as s:
        reasons, cited = decisions.generated_reasons(s, actor=staff.inquirer,
                                                     application_id=case)
        decisions.save_draft(s, actor=staff.inquirer, application_id=case, reasons=reasons,
                             citation_ids=cited)
        decisions.submit_draft(s, actor=staff.inquirer, application_id=case)
    with pytest.raises((PermissionDenied, InvalidTransition)):
        with unit_of_work(engine) as s:  # the author cannot approve (nor can an inquirer)
            decisions.approve(s, actor=staff.inquirer, application_id=case)
    with unit_of_work(engine) as s:
        decisions.return_draft(s, actor=staff.manager, application_id=case,
                               reason="Cite the country report in the reasons.")
        decisions.save_draft(s, actor=staff.inquirer, application_id=case,
                             reasons=reasons + "\n\nRevised.", citation_ids=cited)
        decisions.submit_draft(s, actor=staff.inquirer, application_id=case)
    with unit_of_work(engine) as s:
        approved = decisions.approve(s, actor=staff.manager, application_id=case)
    assert approved.approved_by == "Max Manager" or approved.approved_by
    notice = date.today() - timedelta(days=1)
    with unit_of_work(engine) as s:
        final = decisions.serve_notice(s, actor=staff.inquirer, application_id=case,
                                       notice_date=notice)
    assert final.status == "FINAL" and final.outcome == "RECOGNISED_REFUGEE"
    assert final.review_deadline is None  # no review lies against a recognition
    with unit_of_work(engine, write=False) as s:
        app = s.get(Application, case)
        assert (app.state, app.outcome, app.notice_date) == (CaseState.DECIDED,
                                                             "RECOGNISED_REFUGEE", notice)
    with pytest.raises(ValidationError):
        with unit_of_work(engine) as s:
            decisions.save_draft(s, actor=staff.inquirer, application_id=case,
                                 reasons="Changed afterwards.")
    # not even a direct update gets past the database
    with pytest.raises((IntegrityError, DBAPIError)):
        with unit_of_work(engine) as s:
            s.execute(update(Decision).where(Decision.id == final.id)
                      .values(reasons="tampered"))
    with pytest.raises((IntegrityError, DBAPIError)):
        with unit_of_work(engine) as s:
            s.execute(text("DELETE FROM decision WHERE id = :id"), {"id": final.id})
    with unit_of_work(engine) as s:
        data = decisions.notice_pdf(s, actor=staff.inquirer, application_id=case, language="en")
    content = _text(data, tmp_path)
    assert "Recognition of refugee status" in content and "Revised." in content
    assert "Example Monitor" in content


def test_a_refusal_notice_states_the_review_window(engine, staff, tmp_path) -> None:  # noqa: ANN001
    from workbench.core import clock

    case = _case(engine, staff)
    hold_interview(engine, staff.inquirer, case)
    assess(engine, staff.inquirer, case, ground_met=True)
    with unit_of_work(engine) as s:
        assessments.choose_outcome(s, actor=staff.inquirer, application_id=case,
                                   outcome="NOT_RECOGNISED",
                                   departure_reason="The account is not credible overall.",
                                   humanitarian_considered=True,
                                   humanitarian_reason="No humanitarian grounds were raised.")
        decisions.save_draft(s, actor=staff.inquirer, application_id=case,
                             reasons="The claim is not accepted.")
        decisions.submit_draft(s, actor=staff.inquirer, application_id=case)
    with unit_of_work(engine) as s:
        decisions.approve(s, actor=staff.manager, application_id=case)
        final = decisions.serve_notice(s, actor=staff.manager, application_id=case,
                                       notice_date=date(2024, 12, 27))
    deadline = clock.review_deadline(date(2024, 12, 27))
    assert final.review_deadline == deadline and deadline > date(2025, 1, 3)
    with unit_of_work(engine) as s:
        content = _text(decisions.notice_pdf(s, actor=staff.manager, application_id=case,
                                             language="en"), tmp_path)
        japanese = _text(decisions.notice_pdf(s, actor=staff.manager, application_id=case),
                         tmp_path)  # Japanese, the office's official language, by default
    assert deadline.isoformat() in content and "7 days" in content
    japanese = "".join(japanese.split())
    assert "難民の認定をしない処分の通知書" in japanese
    assert "この通知を受けた日の翌日から起算して7日以内に、法務大臣に対して" in japanese
    assert f"その期限は{format_date(deadline, 'ja').replace(' ', '')}です。" in japanese
    assert "法務大臣" in japanese and "印" in japanese
    prints = [details(e) for e in audit_entries(engine, "case.print", entity_id=case)]
    assert [p["language"] for p in prints if p["document"] == "notice"] == ["en", "ja"]
    # An office whose bureau director issues notices under delegation says so; the request
    # for review still goes to the Minister.
    delegated = get_settings().model_copy(update={"notice_authority_ja": "東京出入国在留管理局長"})
    with unit_of_work(engine) as s:
        issued = "".join(_text(decisions.notice_pdf(s, actor=staff.manager, application_id=case,
                                                    settings=delegated), tmp_path).split())
    assert "処分庁" in issued and "東京出入国在留管理局長" in issued
    assert issued.count("法務大臣") == 1  # in the review instruction only


def test_a_final_decision_is_superseded_by_a_later_one(engine, staff) -> None:  # noqa: ANN001
    case = _case(engine, staff)
    _through_approval(engine, staff, case)
    with unit_of_work(engine) as s:
        first = decisions.serve_notice(s, actor=staff.inquirer, application_id=case,
                                       notice_date=date.today())
    with pytest.raises(InvalidTransition, match="reason"):
        with unit_of_work(engine) as s:
            decisions.reopen_for_new_decision(s, actor=staff.manager, application_id=case,
                                              reason=" ")
    with unit_of_work(engine) as s:
        decisions.reopen_for_new_decision(s, actor=staff.manager, application_id=case,
                                          reason="The date of birth in the notice is wrong.")
        decisions.save_draft(s, actor=staff.inquirer, application_id=case,
                             reasons="Corrected decision.")
        decisions.submit_draft(s, actor=staff.inquirer, application_id=case)
    with unit_of_work(engine) as s:
        decisions.approve(s, actor=staff.manager, application_id=case)
        second = decisions.serve_notice(s, actor=staff.inquirer, application_id=case,
                                        notice_date=date.today())
        desk = decisions.desk(s, actor=staff.manager, application_id=case)
    assert second.supersedes_id == first.id
    assert "date of birth" in (second.supersede_reason or "")
    statuses = {d.id: d.status for d in desk.history}
    assert statuses == {first.id: "SUPERSEDED", second.id: "FINAL"}
    old = next(d for d in desk.history if d.id == first.id)
    assert old.reasons == first.reasons and old.superseded_by_id == second.id
    assert [details(e)["decision"] for e in audit_entries(engine, "decision.final",
                                                         entity_id=case)] == [1, 2]
