"""The triage page (pages/triage.py): the queue with each case's suggestion, running triage,
confirming a suggestion and overriding it (a reason required), the managers' quality check
and the administrators' Category A list; and the triage section of the case file.

The app uses the tiny test model (tests/triage_support.py) through the model-path setting."""

from __future__ import annotations

import pytest

from models import CaseState
from tests.app.conftest import signed_in
from tests.app.helpers import (
    audit_entries,
    button,
    by_label,
    case_row,
    column,
    details,
    messages,
    open_case_file,
    select_rows,
    table,
)
from tests.conftest import insert_case
from tests.triage_support import DEBT_NARRATIVE, POLITICAL_NARRATIVE, tiny_model_path
from workbench.core.db import unit_of_work
from workbench.core.settings import get_settings
from workbench.intake.triage_desk import suggest_unsorted


@pytest.fixture
def triage_db(app_db, monkeypatch):  # noqa: ANN001, ANN201
    """Two unsorted cases of inq.one (a debt claim and a political one) and one of inq.two."""
    engine, staff = app_db
    monkeypatch.setenv("WORKBENCH_TRIAGE_MODEL_PATH", str(tiny_model_path()))
    get_settings.cache_clear()
    ids = {
        "debt": insert_case(engine, inquirer=staff.inquirer, family_name="Debtor",
                            nationality="NPL", claim_narrative=DEBT_NARRATIVE),
        "political": insert_case(engine, inquirer=staff.inquirer, family_name="Activist",
                                 claim_narrative=POLITICAL_NARRATIVE),
        "other": insert_case(engine, inquirer=staff.inquirer2, family_name="Other",
                             claim_narrative=DEBT_NARRATIVE),
    }
    yield engine, staff, ids
    get_settings.cache_clear()


def _triage_page(username: str = "inq.one"):  # noqa: ANN202
    return signed_in(username).switch_page("../pages/triage.py").run()


def _suggested(engine, staff) -> None:  # noqa: ANN001
    with unit_of_work(engine) as s:
        suggest_unsorted(s, actor=staff.manager)


def _open(at, case_id: int):  # noqa: ANN001, ANN202
    at.selectbox(key="triage_case").set_value(case_id).run()
    return at


def test_running_triage_fills_the_queue_with_suggestions(triage_db) -> None:  # noqa: ANN001
    engine, staff, ids = triage_db
    at = _triage_page()
    assert not at.exception
    assert at.title[0].value == "Triage"
    assert "2 unsorted cases have no suggestion yet." in messages(at)
    assert column(at, "Suggestion", "triage_queue_table_0") == ["Not triaged yet"] * 2

    button(at, "Run triage on unsorted cases").click().run()
    assert not at.exception
    assert "Triage made 2 suggestions." in messages(at)
    rows = {r["Case"]: r for r in [
        {"Case": c, "Suggestion": s, "B reason": b} for c, s, b in zip(
            column(at, "Case number", "triage_queue_table_0"),
            column(at, "Suggestion", "triage_queue_table_0"),
            column(at, "B reason", "triage_queue_table_0"), strict=True)]}
    debt = rows[case_row(engine, ids["debt"]).case_number]
    assert debt["Suggestion"].startswith("Suggested B · ")
    assert "debt" in debt["B reason"]
    # inq.two's case is not in inq.one's queue, and the run did not touch it.
    assert case_row(engine, ids["other"]).case_number not in rows
    assert [e.actor_id for e in audit_entries(engine, "triage.suggest")] == [
        staff.inquirer.id] * 2


def test_a_case_shows_its_grounds_and_evidence(triage_db) -> None:  # noqa: ANN001
    engine, staff, ids = triage_db
    _suggested(engine, staff)
    at = _open(_triage_page(), ids["debt"])
    assert not at.exception
    text = messages(at)
    assert "a debt, inheritance or property dispute" in text
    narrative = next(str(m.value) for m in at.markdown if "wb-triage-narrative" in str(m.value))
    assert "<mark>I <b>borrowed</b> money" in narrative   # an evidence sentence, its cues bold
    assert "model tiny-test-model" in text
    # A B suggestion shows its confidence, not a separate probability of B.
    assert "Estimated probability that the claim is outside" not in text


def test_a_case_not_suggested_b_shows_how_near_to_b_it_came(triage_db) -> None:  # noqa: ANN001
    engine, staff, ids = triage_db
    _suggested(engine, staff)
    at = _open(_triage_page(), ids["political"])
    assert not at.exception
    shown = [str(c.value) for c in at.caption
             if "Estimated probability that the claim is outside" in str(c.value)]
    assert len(shown) == 1
    share = int(shown[0].rsplit(": ", 1)[1].rstrip("%."))
    assert 0 <= share < 50


def test_confirming_the_suggestion_sorts_the_case(triage_db) -> None:  # noqa: ANN001
    engine, staff, ids = triage_db
    _suggested(engine, staff)
    at = _open(_triage_page(), ids["debt"])
    button(at, "Confirm suggestion: B").click().run()
    assert not at.exception
    number = case_row(engine, ids["debt"]).case_number
    assert f"{number} sorted as B, as suggested." in messages(at)
    app = case_row(engine, ids["debt"])
    assert app.state == CaseState.UNDER_EXAMINATION and app.sorting_category == "B"
    assert number not in column(at, "Case number", "triage_queue_table_1")
    assert len(audit_entries(engine, "triage.confirm", entity_id=ids["debt"])) == 1


def test_override_needs_a_reason(triage_db) -> None:  # noqa: ANN001
    engine, staff, ids = triage_db
    _suggested(engine, staff)
    at = _open(_triage_page(), ids["debt"])
    by_label(at.selectbox, "Category").set_value("D2")
    button(at, "Override").click().run()
    assert not at.exception
    assert any("give the reason" in str(e.value) for e in at.error)
    app = case_row(engine, ids["debt"])
    assert app.state == CaseState.RECEIVED and app.sorting_category == "UNSORTED"

    by_label(at.selectbox, "Category").set_value("D2")
    by_label(at.text_area, "Reason (required when you do not follow the suggestion)").input(
        "The lender is a militia commander who targets the family for its politics.")
    button(at, "Override").click().run()
    assert not at.exception
    number = case_row(engine, ids["debt"]).case_number
    assert f"{number} sorted as D2; your reason was recorded" in messages(at)
    app = case_row(engine, ids["debt"])
    assert app.state == CaseState.UNDER_EXAMINATION and app.sorting_category == "D2"
    [entry] = audit_entries(engine, "triage.override", entity_id=ids["debt"])
    assert details(entry)["suggested"] == "B" and details(entry)["decided"] == "D2"


def test_bulk_confirm_refuses_b_suggestions(triage_db) -> None:  # noqa: ANN001
    engine, staff, ids = triage_db
    _suggested(engine, staff)
    at = _triage_page()
    select_rows(at, "triage_queue_table_0", [0, 1])
    at.run()
    button(at, "Confirm selected suggestions").click().run()
    assert not at.exception
    text = messages(at)
    assert "B suggestions are confirmed one by one" in text
    assert case_row(engine, ids["debt"]).state == CaseState.RECEIVED


def test_manager_checks_another_managers_sampled_sorting(triage_db) -> None:  # noqa: ANN001
    engine, staff, ids = triage_db
    _suggested(engine, staff)
    from workbench.intake.triage_confirm import confirm

    with unit_of_work(engine) as s:
        confirm(s, actor=staff.manager2, application_id=ids["political"], category="B",
                reason="The arrest was about a loan, he said at the counter.",
                expected_version=case_row(engine, ids["political"]).version)
    at = _triage_page("mgr.one")
    assert [t.label for t in at.tabs] == ["Queue", "Quality check"]
    assert "The arrest was about a loan" in messages(at)
    at.radio[0].set_value("agree")
    button(at, "Record check").click().run()
    assert not at.exception
    assert "Quality check of" in messages(at)
    [entry] = audit_entries(engine, "triage.qc")
    assert entry.actor_id == staff.manager.id and details(entry)["verdict"] == "agree"


def test_administrator_edits_the_a_list(triage_db) -> None:  # noqa: ANN001
    engine, staff, ids = triage_db
    at = _triage_page("adm.one")
    assert not at.exception
    assert "AFG" in [r["Country (alpha-3)"] for r in table(at, having="Country (alpha-3)")]
    by_label(at.text_input, "Country (alpha-3)").input("SYR")
    by_label(at.text_area, "Reason").input("armed conflict")
    button(at, "Save").click().run()
    assert not at.exception
    assert "Category A entry SYR saved." in messages(at)
    assert "SYR" in [r["Country (alpha-3)"] for r in table(at, having="Country (alpha-3)")]
    assert not [b for b in at.button if b.label == "Run triage on unsorted cases"]


def test_case_file_shows_the_suggestion_and_the_sorting(triage_db) -> None:  # noqa: ANN001
    engine, staff, ids = triage_db
    _suggested(engine, staff)
    at = open_case_file(signed_in("inq.one"), ids["debt"])
    assert not at.exception
    section = next(e for e in at.expander if e.label == "Triage suggestion")
    text = "\n".join(str(m.value) for m in section.markdown)
    assert "a debt, inheritance or property dispute" in text
    button(at, "Confirm suggestion: B").click().run()
    assert not at.exception
    at = open_case_file(signed_in("inq.one"), ids["debt"])
    section = next(e for e in at.expander if e.label == "Triage suggestion")
    assert "Sorted **B** by Ines Inquirer" in "\n".join(str(m.value) for m in section.markdown)


def test_a_claim_in_another_language_is_left_to_a_person_in_the_readers_language(
        triage_db, monkeypatch) -> None:  # noqa: ANN001
    from workbench.core.i18n import catalogue

    engine, staff, _ = triage_db
    french = insert_case(engine, inquirer=staff.inquirer, family_name="Francophone",
                         nationality="COD",
                         claim_narrative="Le demandeur allègue que la police l'a arrêté et "
                                         "torturé parce qu'il était membre d'un parti "
                                         "d'opposition.")
    _suggested(engine, staff)
    monkeypatch.setenv("WORKBENCH_LANGUAGE", "ja")
    get_settings.cache_clear()
    at = _open(_triage_page(), french)
    assert not at.exception
    ja = catalogue("ja")
    text = messages(at)
    assert ja["triage.reason.unread_language"] in text
    # No probability of B for a text the model did not read.
    prefix = ja["triage.p_b"].split("{share}")[0]
    assert not [c for c in at.caption if prefix in str(c.value)]
