"""The examination pages (pages/interview.py, pages/assessment.py, pages/decision.py) and the
case file's Examination section: answers saved as they are given and still there in a new
session, conditional questions, plain errors that store nothing, the assessment from facts to
the outcome, and the decision from draft to approval (four eyes)."""

from __future__ import annotations

from datetime import date

import pytest

from models import CaseState
from tests.app.conftest import signed_in
from tests.app.helpers import (
    NOT_CONFIRMED,
    UNDERSTOOD,
    button,
    by_label,
    case_row,
    messages,
)
from tests.conftest import insert_case
from tests.integration.examination.test_examination import (
    NARRATIVE,
    answer_required,
    assess,
    cite_passage,
    hold_interview,
)
from workbench.core import clock
from workbench.core.db import unit_of_work
from workbench.examination import assessments, decisions, interviews
from workbench.ui.examination.interview_common import section_key, tabs_key, widget_key


@pytest.fixture
def exam_case(app_db):  # noqa: ANN001, ANN201
    """A case of inq.one under examination (sorted D2), with a political claim."""
    engine, staff = app_db
    case_id = insert_case(engine, inquirer=staff.inquirer, state=CaseState.UNDER_EXAMINATION,
                          sorting_category="D2", claim_narrative=NARRATIVE)
    return engine, staff, case_id


def _page(username: str, page: str, case_id: int, **state):  # noqa: ANN003, ANN202
    at = signed_in(username)
    at.query_params["case"] = str(case_id)
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page(f"../pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def _record_tab(username: str, case_id: int):  # noqa: ANN202
    return _page(username, "interview", case_id, **{tabs_key(case_id): "Record"})


def _stored(engine, staff, case_id: int) -> interviews.InterviewView:  # noqa: ANN001
    with unit_of_work(engine, write=False) as s:
        return interviews.interview(s, actor=staff.inquirer, application_id=case_id)


def _keys(widgets) -> set[str]:  # noqa: ANN001
    return {w.key for w in widgets}


# --- the interview --------------------------------------------------------------------------


def test_answers_are_saved_as_given_and_survive_a_new_session(exam_case) -> None:  # noqa: ANN001
    engine, staff, case_id = exam_case
    at = _record_tab("inq.one", case_id)
    assert "The interview record has not been started." in messages(at)
    button(at, "Start the interview record").click().run()
    assert not at.exception
    assert "The interview record is open." in messages(at)

    language = widget_key(case_id, "opening.interview_language")
    identity = widget_key(case_id, "opening.identity_confirmed")
    assert at.radio(key=identity).value is None  # nothing chosen until answered
    at.text_input(key=language).input("Sinhala").run()
    assert not at.exception
    assert any(c.value.startswith(":green[✓ Saved") for c in at.caption)
    at.radio(key=identity).set_value(True).run()
    assert not at.exception

    # A new session (a refresh, another computer) shows what is in the database.
    fresh = _page("inq.one", "interview", case_id)
    assert fresh.text_input(key=language).value == "Sinhala"
    assert fresh.radio(key=identity).value is True
    stored = _stored(engine, staff, case_id)
    assert stored.answers["opening.interview_language"].value == "Sinhala"
    assert stored.answers["opening.identity_confirmed"].value is True


def test_an_answer_changed_in_another_tab_is_not_silently_overwritten(exam_case) -> None:  # noqa: ANN001
    engine, staff, case_id = exam_case
    with unit_of_work(engine) as s:
        interviews.start_interview(s, actor=staff.inquirer, application_id=case_id)
    at = _page("inq.one", "interview", case_id)
    language = widget_key(case_id, "opening.interview_language")
    with unit_of_work(engine) as s:  # the same question answered in another tab meanwhile
        interviews.save_answer(s, actor=staff.inquirer, application_id=case_id,
                               question_id="opening.interview_language", value="Tamil")
    at.text_input(key=language).input("Sinhala").run()
    assert not at.exception
    assert any("Ines Inquirer" in e.value for e in at.error)  # who changed it
    assert at.text_input(key=language).value == "Sinhala"  # the user's answer stays
    assert _stored(engine, staff, case_id).answers["opening.interview_language"].value == "Tamil"
    button(at, "Keep my answer").click().run()
    assert _stored(engine, staff, case_id).answers["opening.interview_language"].value == \
        "Sinhala"
    assert not at.error


def test_a_follow_up_question_appears_with_the_answer_it_depends_on(exam_case) -> None:  # noqa: ANN001
    engine, staff, case_id = exam_case
    with unit_of_work(engine) as s:
        interviews.start_interview(s, actor=staff.inquirer, application_id=case_id)
    at = _page("inq.one", "interview", case_id,
               **{section_key(case_id, "agents_protection"): True})
    sought = widget_key(case_id, "agents_protection.sought_protection")
    outcome = widget_key(case_id, "agents_protection.protection_outcome")
    why_not = widget_key(case_id, "agents_protection.why_not_sought")
    assert sought in _keys(at.radio)
    assert outcome not in _keys(at.text_area) and why_not not in _keys(at.text_area)

    at.radio(key=sought).set_value(True).run()
    assert not at.exception
    assert outcome in _keys(at.text_area) and why_not not in _keys(at.text_area)
    at.radio(key=sought).set_value(False).run()
    assert outcome not in _keys(at.text_area) and why_not in _keys(at.text_area)
    assert _stored(engine, staff, case_id).answers[
        "agents_protection.sought_protection"].value is False


def test_a_session_ending_before_it_starts_is_refused_and_nothing_is_stored(exam_case) -> None:  # noqa: ANN001
    engine, staff, case_id = exam_case
    with unit_of_work(engine) as s:
        interviews.start_interview(s, actor=staff.inquirer, application_id=case_id)
    at = _page("inq.one", "interview", case_id)
    by_label(at.text_input, "Start (HH:MM)").input("11:00")
    by_label(at.text_input, "End (HH:MM)").input("10:15")
    by_label(at.text_input, "Language").input("Sinhala")
    button(at, "Add the session").click().run()
    assert not at.exception
    assert "The session must end after it starts." in [e.value for e in at.error]
    assert _stored(engine, staff, case_id).sessions == ()
    # The form keeps what was typed, to be corrected.
    assert by_label(at.text_input, "Start (HH:MM)").value == "11:00"

    by_label(at.text_input, "End (HH:MM)").input("12:30")
    button(at, "Add the session").click().run()
    assert "Session 1 added." in messages(at)
    sessions = _stored(engine, staff, case_id).sessions
    assert [(s.start_time, s.end_time, s.language) for s in sessions] == [
        ("11:00", "12:30", "Sinhala")]


def test_closing_the_record_after_the_read_back_then_reopening_it(exam_case) -> None:  # noqa: ANN001
    engine, staff, case_id = exam_case
    with unit_of_work(engine) as s:
        interviews.start_interview(s, actor=staff.inquirer, application_id=case_id)
        interviews.save_session(s, actor=staff.inquirer, application_id=case_id,
                                session_date=date(2024, 3, 4), start_time="09:30",
                                end_time="12:00", language="Sinhala")
    at = _page("inq.one", "interview", case_id)
    assert "required questions are still open:" in "\n".join(w.value for w in at.warning)
    answer_required(engine, staff.inquirer, case_id)
    at.run()
    assert "Every required question is answered" in messages(at)
    assert by_label(at.text_input, "Read back in (language)").value == "Sinhala"
    button(at, "Close the record").click().run()
    assert "Say whether the applicant confirmed the record." in messages(at)
    by_label(at.radio, "Did the applicant confirm the record?").set_value(False)
    # Closing cannot be undone: it says so, and waits for the tick.
    assert any("this cannot be undone" in w.value for w in at.warning)
    button(at, "Close the record").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [NOT_CONFIRMED]
    assert not _stored(engine, staff, case_id).closed
    by_label(at.checkbox, UNDERSTOOD).check()
    button(at, "Close the record").click().run()
    assert any("note what they disputed" in e.value for e in at.error)
    assert not _stored(engine, staff, case_id).closed

    by_label(at.radio, "Did the applicant confirm the record?").set_value(True)
    button(at, "Close the record").click().run()
    assert not at.exception
    assert "The interview record is closed." in messages(at)
    assert any(v.startswith("Closed ") and "read back in Sinhala · confirmed by the applicant"
               in v for v in (s.value for s in at.success))
    assert _stored(engine, staff, case_id).closed
    # Closed: read-only, with the way to reopen it.
    assert len(at.text_area) == 0 and len(at.radio) == 0
    by_label(at.text_input, "Reason").input("A further session on the route.")
    button(at, "Reopen").click().run()
    assert "The interview record is open again." in messages(at)
    assert not _stored(engine, staff, case_id).closed


def test_a_manager_reads_the_interview_but_cannot_write_it(exam_case) -> None:  # noqa: ANN001
    engine, staff, case_id = exam_case
    with unit_of_work(engine) as s:
        interviews.start_interview(s, actor=staff.inquirer, application_id=case_id)
        interviews.save_answer(s, actor=staff.inquirer, application_id=case_id,
                               question_id="opening.interview_language", value="Tamil")
    at = _page("mgr.one", "interview", case_id)
    assert any(b.endswith("Read only") for b in _badges(at))
    assert "Tamil" in "\n".join(str(m.value) for m in at.markdown)
    for kind in ("text_input", "text_area", "radio", "date_input", "number_input",
                 "selectbox", "multiselect"):
        assert len(getattr(at.main, kind)) == 0, kind
    assert not [b for b in at.button if b.label in ("Start the interview record",
                                                    "Close the record")]


def _badges(at) -> list[str]:  # noqa: ANN001
    from tests.app.helpers import badges

    return badges(at)


# --- the assessment -------------------------------------------------------------------------


def _assessment(engine, staff, case_id: int) -> assessments.AssessmentView:  # noqa: ANN001
    with unit_of_work(engine, write=False) as s:
        return assessments.assessment(s, actor=staff.inquirer, application_id=case_id)


def test_the_assessment_from_facts_to_the_outcome(exam_case) -> None:  # noqa: ANN001
    engine, staff, case_id = exam_case
    at = _page("inq.one", "assessment", case_id)
    assert "No country-information passage is cited" in messages(at)
    by_label(at.text_area, "A material fact").input("Arrested and beaten at a rally in 2022.")
    button(at, "Add the fact").click().run()
    assert not at.exception and "Fact added." in messages(at)
    fact = _assessment(engine, staff, case_id).facts[0]
    form = f"as_fact_{fact.id}_0"

    # External consistency needs a cited passage: refused, nothing saved.
    at.radio(key=f"{form}_EXTERNAL_CONSISTENCY_COI_rating").set_value("SUPPORTS")
    at.text_input(key=f"{form}_EXTERNAL_CONSISTENCY_COI_reason").input("Matches reports.")
    at.button(key=f"as_fact_{fact.id}_save").click().run()
    assert not at.exception
    assert any("cite at least one passage" in e.value for e in at.error)
    assert _assessment(engine, staff, case_id).facts[0].ratings == {}

    citation = cite_passage(engine, staff.inquirer, case_id)
    at.run()
    at.multiselect(key=f"{form}_passages").set_value([citation])
    at.radio(key=f"{form}_DETAIL_rating").set_value("SUPPORTS")
    at.text_input(key=f"{form}_DETAIL_reason").input("Specific and vivid.")
    at.radio(key=f"{form}_finding").set_value("ACCEPTED")
    at.text_input(key=f"{form}_finding_reason").input("Detailed and consistent with COI.")
    at.button(key=f"as_fact_{fact.id}_save").click().run()
    assert not at.exception, [e.value for e in at.error]
    fact = _assessment(engine, staff, case_id).facts[0]
    assert fact.finding == "ACCEPTED"
    assert fact.ratings["EXTERNAL_CONSISTENCY_COI"].citation_ids == (citation,)
    assert "Accepted" in _badges(at)

    for element in ("PERSECUTION", "WELL_FOUNDED_FEAR", "STATE_PROTECTION",
                    "INTERNAL_RELOCATION", "CONVENTION_GROUND"):
        name = f"as_element_{case_id}_{element}"
        at.radio(key=f"{name}_0_finding").set_value("MET")
        at.text_area(key=f"{name}_0_reason").input(f"Reason for {element}.")
        if element == "CONVENTION_GROUND":
            at.multiselect(key=f"{name}_0_grounds").set_value(["political_opinion"])
        at.button(key=f"{name}_save").click().run()
        assert not at.exception, [e.value for e in at.error]
    view = _assessment(engine, staff, case_id)
    assert view.proposal.outcome == "RECOGNISED_REFUGEE"
    assert "Refugee: every element is met, including a Convention ground with its nexus." \
        in messages(at)

    # Departing from the proposal needs a reason: refused, nothing chosen.
    area = f"as_outcome_{case_id}"
    at.radio(key=f"{area}_0_choice").set_value("RECOGNISED_CP")
    at.button(key=f"{area}_save").click().run()
    assert any("say why you depart" in e.value for e in at.error)
    assert _assessment(engine, staff, case_id).chosen_outcome is None
    at.radio(key=f"{area}_0_choice").set_value("RECOGNISED_REFUGEE")
    at.button(key=f"{area}_save").click().run()
    assert "Outcome recorded: Recognised refugee." in messages(at)
    assert _assessment(engine, staff, case_id).chosen_outcome == "RECOGNISED_REFUGEE"


# --- the decision ---------------------------------------------------------------------------


def test_the_decision_from_draft_to_approval(exam_case) -> None:  # noqa: ANN001
    engine, staff, case_id = exam_case
    at = _page("inq.one", "decision", case_id)
    warning = "\n".join(w.value for w in at.warning)
    assert "Before the draft can go for approval:" in warning
    assert "Hold and record the interview." in warning
    assert button(at, "Submit for approval").disabled

    hold_interview(engine, staff.inquirer, case_id)
    citation = assess(engine, staff.inquirer, case_id)
    at.run()
    button(at, "Generate the draft from the findings").click().run()
    assert not at.exception
    reasons = by_label(at.text_area, "Reasons")
    assert reasons.value.startswith("1. Material facts and credibility")
    assert by_label(at.multiselect, "Country information cited").value == [citation]
    reasons.input(reasons.value + "\n\nThe applicant is recognised as a refugee.")
    button(at, "Save draft").click().run()
    assert "Draft saved." in messages(at)
    assert "Nothing is missing: the draft can go for approval." in messages(at)
    button(at, "Submit for approval").click().run()
    assert not at.exception
    assert "Submitted for approval." in messages(at)
    assert case_row(engine, case_id).state == CaseState.DECISION_DRAFTED
    # The author waits for a manager: no approval offered to them.
    assert not [b for b in at.button if b.label == "Approve"]
    assert "a manager who did not write the draft approves it" in messages(at)

    manager = _page("mgr.one", "decision", case_id)
    assert "The applicant is recognised as a refugee." in "\n".join(
        str(m.value) for m in manager.markdown)
    button(manager, "Approve").click().run()
    assert not manager.exception
    assert "Decision approved." in messages(manager)
    assert case_row(engine, case_id).state == CaseState.APPROVED

    # The notice date is typed (2025-12-07 or 令和7年12月7日) and starts at the office's today.
    assert by_label(manager.text_input, "Date the notice was served").value == \
        clock.today().isoformat()
    assert any("the decision is final: it cannot be edited" in w.value
               for w in manager.warning)
    button(manager, "Record the notice as served").click().run()
    assert [e.value for e in manager.error] == [NOT_CONFIRMED]
    assert case_row(engine, case_id).state == CaseState.APPROVED  # nothing done
    by_label(manager.checkbox, UNDERSTOOD).check()
    button(manager, "Record the notice as served").click().run()
    assert "The notice is served: the decision is final." in messages(manager)
    assert case_row(engine, case_id).state == CaseState.DECIDED
    assert "No review lies against a recognition." in messages(manager)

    # The case file says where the examination ended.
    at.query_params["case"] = str(case_id)
    at.switch_page("../pages/case_file.py").run()
    section = next(e for e in at.expander if e.label == "Examination")
    text = "\n".join(str(m.value) for m in section.markdown)
    assert "Final" in text and "Recognised refugee" in text


def test_a_returned_draft_comes_back_to_its_author_with_the_reason(exam_case) -> None:  # noqa: ANN001
    engine, staff, case_id = exam_case
    hold_interview(engine, staff.inquirer, case_id)
    assess(engine, staff.inquirer, case_id)
    with unit_of_work(engine) as s:
        decisions.save_draft(s, actor=staff.inquirer, application_id=case_id,
                             reasons="The applicant is recognised.")
        decisions.submit_draft(s, actor=staff.inquirer, application_id=case_id)

    manager = _page("mgr.one", "decision", case_id)
    button(manager, "Return to the inquirer").click().run()
    assert any("reason" in e.value.lower() for e in manager.error)  # a reason is required
    assert case_row(engine, case_id).state == CaseState.DECISION_DRAFTED
    by_label(manager.text_area, "Reason for returning it to the inquirer").input(
        "Cite the country report in the reasons.")
    button(manager, "Return to the inquirer").click().run()
    assert "The draft is returned to the inquirer." in messages(manager)
    assert case_row(engine, case_id).state == CaseState.UNDER_EXAMINATION

    author = _page("inq.one", "decision", case_id)
    assert any("Returned by Mina Manager" in w.value
               and "Cite the country report in the reasons." in w.value for w in author.warning)
    assert by_label(author.text_area, "Reasons").value == "The applicant is recognised."
