"""The case file (pages/case_file.py): header and clocks, sections, workflow actions, the
audit of openings, access checks and the case-number lookup."""

from __future__ import annotations

from datetime import date

import pytest

from models import CaseState
from tests.app.conftest import signed_in
from tests.app.helpers import (
    add_application,
    audit_entries,
    badges,
    button,
    by_label,
    case_number,
    case_row,
    details,
    everything,
    messages,
    open_case_file,
    set_case_number,
    status_events,
    table,
)
from tests.conftest import insert_case
from workbench.core.db import unit_of_work
from workbench.core.workflow import transition
from workbench.intake.cases import assign_cases

TODAY = date(2024, 2, 14)


@pytest.fixture
def today(frozen_clock):  # noqa: ANN001, ANN201
    frozen_clock.set_local(TODAY)
    return TODAY


@pytest.fixture
def received(app_db):  # noqa: ANN001, ANN201
    """A RECEIVED case of inq.one, lodged 2024-01-15."""
    engine, staff = app_db
    case_id = insert_case(engine, state=CaseState.RECEIVED, inquirer=staff.inquirer,
                          family_name="Perera", lodged=date(2024, 1, 15))
    return engine, staff, case_id


def _action_choice(at):  # noqa: ANN001, ANN202
    return by_label(at.selectbox, "Action")


def _confirm(at):  # noqa: ANN001, ANN202
    return by_label(at.checkbox, "I have checked this and want to record it.")


# --- header and sections ------------------------------------------------------------------


def test_header_shows_who_which_case_where_it_stands_and_the_clocks(received, today) -> None:  # noqa: ANN001
    engine, _, case_id = received
    at = open_case_file(signed_in("inq.one"), case_id)

    assert not at.exception
    assert at.title[0].value == "PERERA Test"
    assert at.caption[0].value == f"{case_number(engine, case_id)} · Refugee status · 1st · LKA"
    assert badges(at) == ["Received", "Category Unsorted"]
    metrics = {m.label: (m.value, m.proto.delta) for m in at.metric}
    assert metrics["Lodged"][0] == "2024-01-15"
    assert metrics["Sorting limit"] == ("2024-03-15", "due 2024-03-15")
    assert metrics["Standard period"] == ("2024-07-15", "due 2024-07-15")
    assert metrics["Review window"][0] == "—"
    assert "Inquirer: Ines Inquirer · Office: TOKYO · Version 1" in messages(at)


def test_review_window_of_a_decided_case(app_db, today) -> None:  # noqa: ANN001
    engine, staff = app_db
    case_id = insert_case(engine, state=CaseState.DECIDED, inquirer=staff.inquirer,
                          family_name="Silva", sorting_category="A",
                          outcome="NOT_RECOGNISED", notice_date=date(2024, 2, 13),
                          application_number=2)
    at = open_case_file(signed_in("inq.one"), case_id)
    assert badges(at) == ["Decided", "Category A", "Not recognised", "2nd application"]
    review = next(m for m in at.metric if m.label == "Review window")
    assert review.value == "2024-02-20"
    assert review.proto.delta == "open until 2024-02-20"


def test_sections_in_order_with_the_claim(received) -> None:  # noqa: ANN001
    _, _, case_id = received
    at = open_case_file(signed_in("inq.one"), case_id)
    assert [e.label for e in at.expander] == [
        "Claim", "Applicant's circumstances", "Applications of this person",
        "Triage suggestion", "Country information", "Examination", "Administrative review",
        "Timeline", "Actions"]
    text = messages(at)
    assert "I fear that I will be harmed if I return." in text
    assert "**Status of residence at filing:** Temporary visitor" in text
    assert "This is the person's only application on record." in text
    assert table(at, having="Step")[0]["Step"] == "Application registered"


def test_other_applications_of_the_person_are_listed(received) -> None:  # noqa: ANN001
    engine, staff, case_id = received
    second = add_application(engine, case_id, inquirer=staff.inquirer, application_number=2)
    third = add_application(engine, case_id, inquirer=staff.inquirer2, application_number=3,
                            lodged=date(2024, 1, 30))
    at = open_case_file(signed_in("inq.one"), case_id)

    section = next(e for e in at.expander if e.label == "Applications of this person")
    links = [p.value for p in section.get("page_link")]
    assert links == [case_number(engine, second)]
    section = next(e for e in at.expander if e.label == "Applications of this person")
    texts = [str(m.value) for m in section.markdown]
    assert f"{case_number(engine, third)} (not open to you)" in texts
    assert "2nd" in texts


# --- actions ------------------------------------------------------------------------------


def test_inquirer_on_a_received_case_is_offered_only_their_moves(received) -> None:  # noqa: ANN001
    _, _, case_id = received
    at = open_case_file(signed_in("inq.one"), case_id)
    choice = _action_choice(at)
    assert choice.options == ["Start sorting", "Record withdrawal"]


def test_manager_on_a_drafted_decision_is_sent_to_the_decision_page(app_db) -> None:  # noqa: ANN001
    engine, staff = app_db
    case_id = insert_case(engine, state=CaseState.DECISION_DRAFTED, inquirer=staff.inquirer,
                          sorting_category="A", outcome="RECOGNISED_REFUGEE")
    at = open_case_file(signed_in("mgr.one"), case_id)
    # approving and returning are done on the Decision page, which keeps the decision record
    assert _action_choice(at).options == ["Record withdrawal"]
    assert "on the Decision page" in messages(at)


def test_recording_start_sorting_moves_the_case(received) -> None:  # noqa: ANN001
    engine, staff, case_id = received
    at = open_case_file(signed_in("inq.one"), case_id)

    _confirm(at).check()
    button(at, "Record").click().run()

    assert not at.exception
    assert [s.value for s in at.success] == [
        "Recorded: Start sorting. The case is now Sorting."]
    row = case_row(engine, case_id)
    assert (row.state, row.version) == (CaseState.SORTING, 2)
    assert badges(at)[0] == "Sorting"
    newest = table(at, having="Step")[0]
    assert (newest["Step"], newest["From"], newest["To"], newest["By"]) == (
        "Start sorting", "Received", "Sorting", "Ines Inquirer")
    assert _action_choice(at).options[0] == "Confirm sorting"
    assert [e.actor_id for e in audit_entries(engine, "case.transition.start_sorting")] == [
        staff.inquirer.id]
    assert len(audit_entries(engine, "case.open", entity_id=case_id)) == 1


def test_without_the_confirmation_nothing_is_recorded(received) -> None:  # noqa: ANN001
    engine, _, case_id = received
    at = open_case_file(signed_in("inq.one"), case_id)

    button(at, "Record").click().run()

    assert [w.value for w in at.warning] == [
        "Tick the confirmation box to record this action."]
    assert not at.success
    row = case_row(engine, case_id)
    assert (row.state, row.version) == (CaseState.RECEIVED, 1)
    assert status_events(engine, case_id) == ["register"]


def test_confirm_sorting_without_a_category_is_refused_plainly(app_db) -> None:  # noqa: ANN001
    engine, staff = app_db
    case_id = insert_case(engine, state=CaseState.SORTING, inquirer=staff.inquirer)
    at = open_case_file(signed_in("inq.one"), case_id)
    assert _action_choice(at).value == "confirm_sorting"

    _confirm(at).check()
    button(at, "Record").click().run()

    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1
    assert errors[0].startswith(
        "Choose the sorting category (A, B, C, D1 or D2) to confirm the sorting. Allowed next:")
    row = case_row(engine, case_id)
    assert (row.state, row.version, row.sorting_category) == (CaseState.SORTING, 1, "UNSORTED")
    refused = audit_entries(engine, "case.transition.confirm_sorting")
    assert [e.outcome for e in refused] == ["refused"]


def test_confirm_sorting_with_a_category_moves_to_examination(app_db) -> None:  # noqa: ANN001
    engine, staff = app_db
    case_id = insert_case(engine, state=CaseState.SORTING, inquirer=staff.inquirer)
    at = open_case_file(signed_in("inq.one"), case_id)
    by_label(at.selectbox, "Sorting category").set_value("A")
    _confirm(at).check()
    button(at, "Record").click().run()
    assert [s.value for s in at.success] == [
        "Recorded: Confirm sorting. The case is now Under examination."]
    row = case_row(engine, case_id)
    assert (row.state, row.sorting_category, row.residence_measure) == (
        CaseState.UNDER_EXAMINATION, "A", "DA_6M_WORK")


def test_withdrawal_without_a_reason_is_refused_plainly(received) -> None:  # noqa: ANN001
    engine, _, case_id = received
    at = open_case_file(signed_in("inq.one"), case_id)
    _action_choice(at).set_value("withdraw").run()

    by_label(at.text_area, "Reason (required)").input("   ")
    _confirm(at).check()
    button(at, "Record").click().run()

    assert [e.value for e in at.error] == [
        "'Record withdrawal' needs a reason. "
        "Allowed next: Start sorting (the case becomes Sorting), "
        "Record withdrawal (the case becomes Final)."]
    row = case_row(engine, case_id)
    assert (row.state, row.version, row.outcome) == (CaseState.RECEIVED, 1, None)
    assert status_events(engine, case_id) == ["register"]


def test_stale_submit_names_who_changed_the_case(received) -> None:  # noqa: ANN001
    engine, staff, case_id = received
    at = open_case_file(signed_in("inq.one"), case_id)
    _confirm(at).check()  # Start sorting, as loaded from version 1
    with unit_of_work(engine) as s:
        transition(s, actor=staff.manager, application_id=case_id, action="start_sorting")

    button(at, "Record").click().run()

    errors = " ".join(e.value for e in at.error)
    assert "This case was changed by Mina Manager" in errors
    assert "your version 1, now 2" in errors


def test_stale_withdrawal_is_not_applied(received) -> None:  # noqa: ANN001
    engine, staff, case_id = received
    at = open_case_file(signed_in("inq.one"), case_id)
    _action_choice(at).set_value("withdraw").run()
    by_label(at.text_area, "Reason (required)").input("The applicant left Japan.")
    _confirm(at).check()
    with unit_of_work(engine) as s:
        transition(s, actor=staff.manager, application_id=case_id, action="start_sorting")

    button(at, "Record").click().run()

    assert "changed by Mina Manager" in " ".join(e.value for e in at.error)
    row = case_row(engine, case_id)
    assert (row.state, row.version) == (CaseState.SORTING, 2)


def test_stale_after_reassignment_is_not_applied(received) -> None:  # noqa: ANN001
    engine, staff, case_id = received
    at = open_case_file(signed_in("inq.one"), case_id)
    _confirm(at).check()
    for inquirer in (staff.inquirer2, staff.inquirer):
        with unit_of_work(engine) as s:
            assign_cases(s, actor=staff.manager, application_ids=[case_id],
                         inquirer_id=inquirer.id)

    button(at, "Record").click().run()

    assert "changed by Mina Manager" in " ".join(e.value for e in at.error)
    assert case_row(engine, case_id).state == CaseState.RECEIVED


# --- audit of openings and access ---------------------------------------------------------


def test_opening_is_audited_once_per_visit(received) -> None:  # noqa: ANN001
    engine, staff, case_id = received
    at = open_case_file(signed_in("inq.one"), case_id)
    opened = audit_entries(engine, "case.open", entity_id=case_id)
    assert [(e.actor_id, e.outcome) for e in opened] == [(staff.inquirer.id, "ok")]

    _action_choice(at).set_value("withdraw").run()  # a widget change reruns the page
    at.run()
    assert len(audit_entries(engine, "case.open", entity_id=case_id)) == 1

    at.switch_page("../pages/cases.py").run()  # back to the list, then in again
    open_case_file(at, case_id)
    assert len(audit_entries(engine, "case.open", entity_id=case_id)) == 2


def test_another_inquirers_case_is_refused_and_audited(app_db) -> None:  # noqa: ANN001
    engine, staff = app_db
    theirs = insert_case(engine, inquirer=staff.inquirer2, family_name="Gunawardena",
                         claim_narrative="A narrative only inq.two may read.")
    at = open_case_file(signed_in("inq.one"), theirs)

    assert not at.exception
    assert [e.value for e in at.error] == ["You do not have access to this case."]
    page = everything(at)
    assert "GUNAWARDENA" not in page.upper()
    assert "only inq.two may read" not in page
    assert case_number(engine, theirs) not in page
    assert not at.metric and not at.expander
    denied = audit_entries(engine, "case.open", entity_id=theirs)
    assert [(e.actor_id, e.outcome) for e in denied] == [(staff.inquirer.id, "denied")]
    assert details(denied[0])["message"] == "You do not have access to this case."


def test_unknown_case_id_is_a_plain_message(received) -> None:  # noqa: ANN001
    # To an inquirer a missing id looks like any case out of reach: ids cannot be probed.
    at = open_case_file(signed_in("inq.one"), 9999)
    assert not at.exception
    assert [e.value for e in at.error] == ["You do not have access to this case."]
    manager = open_case_file(signed_in("mgr.one"), 9999)
    assert [e.value for e in manager.error] == ["No case with id 9999."]


@pytest.mark.parametrize("raw", ["99999999999999999999", "2147483648", "0", "9" * 5000])
def test_a_case_id_no_case_can_have_is_not_found(received, raw: str) -> None:  # noqa: ANN001
    for user in ("inq.one", "mgr.one"):
        at = open_case_file(signed_in(user), raw)
        assert not at.exception
        assert [e.value for e in at.error] == [
            "Not found: the address names a record that does not exist."]
        assert not at.expander


def test_oversized_ids_on_the_other_pages_are_not_found(received) -> None:  # noqa: ANN001
    huge = "99999999999999999999"
    for page, param in (("coi_document.py", "doc"), ("coi_document.py", "passage"),
                        ("coi_library.py", "case"), ("appeal.py", "appeal"),
                        ("interview.py", "case")):
        at = signed_in("mgr.one")
        at.query_params[param] = huge
        if param == "passage":
            at.query_params["doc"] = "1"
        at = at.switch_page(f"../pages/{page}").run()
        assert not at.exception, page
        assert "Not found: the address names a record that does not exist." in [
            e.value for e in at.error], page


# --- lookup by case number ----------------------------------------------------------------


def test_without_a_case_the_page_offers_the_lookup(received) -> None:  # noqa: ANN001
    at = signed_in("inq.one").switch_page("../pages/case_file.py").run()
    assert at.title[0].value == "Case file"
    assert by_label(at.text_input, "Open a case by its number")
    assert not at.expander


def test_unknown_case_number_is_not_open_to_you(received) -> None:  # noqa: ANN001
    at = signed_in("inq.one").switch_page("../pages/case_file.py").run()
    by_label(at.text_input, "Open a case by its number").input("TOK-2024-9999999")
    button(at, "Open").click().run()
    assert [e.value for e in at.error] == ["No case with that number is open to you."]


def test_own_case_number_opens_the_case(received) -> None:  # noqa: ANN001
    engine, _, case_id = received
    set_case_number(engine, case_id, "TOK-2024-0000042")
    at = signed_in("inq.one").switch_page("../pages/case_file.py").run()
    by_label(at.text_input, "Open a case by its number").input(" tok-2024-0000042 ")
    button(at, "Open").click().run()

    assert not at.exception
    assert at.title[0].value == "PERERA Test"
    assert at.query_params == {"case": str(case_id)}


def test_another_inquirers_case_number_is_not_open_to_you(app_db) -> None:  # noqa: ANN001
    engine, staff = app_db
    theirs = insert_case(engine, inquirer=staff.inquirer2)
    set_case_number(engine, theirs, "TOK-2024-0000077")
    at = signed_in("inq.one").switch_page("../pages/case_file.py").run()
    by_label(at.text_input, "Open a case by its number").input("TOK-2024-0000077")
    button(at, "Open").click().run()
    assert [e.value for e in at.error] == ["No case with that number is open to you."]
    assert not audit_entries(engine, "case.open", entity_id=theirs)
