"""The triage desk on both databases: suggestions stored with their versions, a person's
confirmation or override moving the case through the workflow, bulk confirmation limits, the
managers' quality check (four eyes), repeat-applicant identity links and the Category A list.

A tiny model trained on a few dozen hand-written narratives (tests/triage_support.py) stands
in for the shipped one, so that the flow is predictable; only robust things are asserted of
what it suggests (a clear debt claim is B, a clear political claim is not)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, update

from models import (
    ACountry,
    Application,
    CaseState,
    IdentityLink,
    PersonNameKey,
    StatusEvent,
    TriageReview,
    TriageSuggestion,
)
from tests.app.helpers import audit_entries
from tests.conftest import insert_case
from tests.triage_support import DEBT_NARRATIVE, POLITICAL_NARRATIVE, tiny_model_path
from workbench.core.actor import Actor
from workbench.core.db import unit_of_work
from workbench.core.errors import PermissionDenied, StaleEdit, ValidationError
from workbench.core.settings import Settings
from workbench.intake import (
    a_countries,
    identity_links,
    triage_confirm,
    triage_overrides,
    triage_qc,
)
from workbench.intake import triage_desk as desk
from workbench.intake.cases import register_application


@pytest.fixture
def settings(tmp_path) -> Settings:  # noqa: ANN001
    return Settings(data_dir=tmp_path, triage_model_path=tiny_model_path(),
                    triage_bulk_min_confidence=0.8, triage_qc_sample_rate=0.25)


def _case(engine, inquirer, narrative: str, **fields) -> int:  # noqa: ANN001, ANN003
    return insert_case(engine, inquirer=inquirer, claim_narrative=narrative, **fields)


def _suggest(engine, actor, case_id, settings):  # noqa: ANN001, ANN202
    with unit_of_work(engine) as s:
        return desk.suggest_for_case(s, actor=actor, application_id=case_id, settings=settings)


def _version(engine, case_id) -> int:  # noqa: ANN001
    with unit_of_work(engine, write=False) as s:
        return s.get(Application, case_id).version


def _count(engine, model, *where) -> int:  # noqa: ANN001
    with unit_of_work(engine, write=False) as s:
        return s.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


# --- suggestions ------------------------------------------------------------------------------


def test_suggestion_is_stored_with_model_and_rule_versions(engine, staff, settings) -> None:  # noqa: ANN001
    from triage.rules import RULES_VERSION

    debt = _case(engine, staff.inquirer, DEBT_NARRATIVE, nationality="NPL")
    political = _case(engine, staff.inquirer, POLITICAL_NARRATIVE)
    view = _suggest(engine, staff.inquirer, debt, settings)
    assert view.category == "B" and view.b_reason == "debt_property"
    assert view.b_reason_label and "debt" in view.b_reason_label
    assert view.evidence and any(c.type for e in view.evidence for c in e.cues)
    other = _suggest(engine, staff.inquirer, political, settings)
    assert other.category not in ("B", "C")

    with unit_of_work(engine, write=False) as s:
        row = s.execute(select(TriageSuggestion)
                        .where(TriageSuggestion.application_id == debt)).scalar_one()
        assert row.model_version == "tiny-test-model"
        assert row.rules_version == RULES_VERSION
        assert row.cues_version
        assert row.created_by_id == staff.inquirer.id
        assert row.details["category"] == "B" and row.details["evidence"]
    suggested = audit_entries(engine, "triage.suggest", entity_id=debt)
    assert [e.actor_id for e in suggested] == [staff.inquirer.id]


def test_batch_suggests_unsorted_cases_without_one(engine, staff, settings) -> None:  # noqa: ANN001
    ids = [_case(engine, staff.inquirer, DEBT_NARRATIVE, nationality="NPL"),
           _case(engine, staff.inquirer, POLITICAL_NARRATIVE),
           _case(engine, staff.inquirer, POLITICAL_NARRATIVE, state=CaseState.SORTING)]
    sorted_case = _case(engine, staff.inquirer, DEBT_NARRATIVE,
                        state=CaseState.UNDER_EXAMINATION, sorting_category="B")
    other_inquirers = _case(engine, staff.inquirer2, DEBT_NARRATIVE)
    with unit_of_work(engine) as s:
        assert desk.count_unsuggested(s, actor=staff.inquirer) == 3
        seen = []
        done = desk.suggest_unsorted(s, actor=staff.inquirer, limit=10, settings=settings,
                                     progress=lambda n, total: seen.append((n, total)))
    assert done == 3 and seen[-1] == (3, 3)
    assert _count(engine, TriageSuggestion) == 3
    assert _count(engine, TriageSuggestion,
                  TriageSuggestion.application_id.in_([sorted_case, other_inquirers])) == 0
    with unit_of_work(engine) as s:   # nothing left to do for this inquirer
        assert desk.suggest_unsorted(s, actor=staff.inquirer, settings=settings) == 0
        queue = desk.triage_queue(s, actor=staff.inquirer, settings=settings)
    assert [i.application_id for i in queue.items] == ids
    assert all(i.suggestion is not None for i in queue.items)
    assert queue.items[0].sorting_deadline == date(2024, 3, 15)


# --- confirming and overriding ----------------------------------------------------------------


def test_confirm_moves_the_case_to_examination_with_the_category(engine, staff, settings) -> None:  # noqa: ANN001
    case = _case(engine, staff.inquirer, DEBT_NARRATIVE, nationality="NPL")
    view = _suggest(engine, staff.inquirer, case, settings)
    with unit_of_work(engine) as s:
        review = triage_confirm.confirm(s, actor=staff.inquirer, application_id=case,
                                        category=view.category,
                                        expected_version=_version(engine, case),
                                        settings=settings)
    assert review.agreed and review.decided_category == "B" and review.reason is None
    with unit_of_work(engine, write=False) as s:
        app = s.get(Application, case)
        assert app.state == CaseState.UNDER_EXAMINATION and app.sorting_category == "B"
        actions = list(s.execute(select(StatusEvent.action)
                                 .where(StatusEvent.application_id == case)
                                 .order_by(StatusEvent.id)).scalars())
    assert actions == ["register", "start_sorting", "confirm_sorting"]
    assert len(audit_entries(engine, "triage.confirm", entity_id=case)) == 1
    with unit_of_work(engine, write=False) as s:
        queue = desk.triage_queue(s, actor=staff.inquirer, settings=settings)
        assert case not in [i.application_id for i in queue.items]
        shown = desk.case_triage(s, actor=staff.inquirer, application_id=case)
    assert [r.reviewer for r in shown.reviews] == ["Ines Inquirer"]


def test_override_without_reason_is_refused_and_changes_nothing(engine, staff, settings) -> None:  # noqa: ANN001
    case = _case(engine, staff.inquirer, DEBT_NARRATIVE, nationality="NPL")
    _suggest(engine, staff.inquirer, case, settings)
    version = _version(engine, case)
    with pytest.raises(ValidationError, match="reason"):
        with unit_of_work(engine) as s:
            triage_confirm.confirm(s, actor=staff.inquirer, application_id=case, category="D2",
                                   reason="   ", expected_version=version, settings=settings)
    assert _count(engine, TriageReview) == 0
    with unit_of_work(engine, write=False) as s:
        app = s.get(Application, case)
        assert (app.state, app.version, app.sorting_category) == (
            CaseState.RECEIVED, version, "UNSORTED")
    assert _count(engine, StatusEvent, StatusEvent.application_id == case) == 1
    refused = audit_entries(engine, "triage.confirm", entity_id=case)
    assert [e.outcome for e in refused] == ["refused"]

    with unit_of_work(engine) as s:
        review = triage_confirm.confirm(s, actor=staff.inquirer, application_id=case, category="D2",
                                        reason="The debt is owed to a militia commander who "
                                               "targets the family for its politics.",
                                        expected_version=version, settings=settings)
    assert not review.agreed and review.suggested_category == "B"
    assert review.decided_category == "D2" and "militia" in review.reason
    assert len(audit_entries(engine, "triage.override", entity_id=case)) == 1
    with unit_of_work(engine, write=False) as s:
        assert s.get(Application, case).sorting_category == "D2"


def test_confirm_from_a_stale_page_is_refused(engine, staff, settings) -> None:  # noqa: ANN001
    case = _case(engine, staff.inquirer, DEBT_NARRATIVE, nationality="NPL")
    view = _suggest(engine, staff.inquirer, case, settings)
    version = _version(engine, case)
    with unit_of_work(engine) as s:
        triage_confirm.confirm(s, actor=staff.inquirer, application_id=case, category=view.category,
                               expected_version=version, settings=settings)
    with pytest.raises(StaleEdit):
        with unit_of_work(engine) as s:
            triage_confirm.confirm(s, actor=staff.inquirer, application_id=case,
                                   category=view.category, expected_version=version,
                                   settings=settings)
    assert _count(engine, TriageReview) == 1


def test_bulk_confirm_refuses_b_abstentions_and_low_confidence(engine, staff, settings) -> None:  # noqa: ANN001
    b_case = _case(engine, staff.inquirer, DEBT_NARRATIVE, nationality="NPL")
    abstain = _case(engine, staff.inquirer, "Please help me.")
    low = _case(engine, staff.inquirer, POLITICAL_NARRATIVE)
    good = _case(engine, staff.inquirer, POLITICAL_NARRATIVE)
    others = _case(engine, staff.inquirer2, POLITICAL_NARRATIVE)
    with unit_of_work(engine) as s:
        desk.suggest_unsorted(s, actor=staff.manager, settings=settings)
        # Test set-up: the same claim, but the suggestion was an unsure one.
        s.execute(update(TriageSuggestion).where(TriageSuggestion.application_id == low)
                  .values(confidence=0.5))
        s.execute(update(TriageSuggestion).where(TriageSuggestion.application_id == good)
                  .values(confidence=0.95))
    with unit_of_work(engine) as s:
        result = triage_confirm.bulk_confirm(s, actor=staff.inquirer,
                                             application_ids=[b_case, abstain, low, good, others],
                                             settings=settings)
    outcome = {o.application_id: o for o in result.outcomes}
    assert [o.application_id for o in result.confirmed] == [good]
    assert "B suggestions" in outcome[b_case].why
    assert "abstained" in outcome[abstain].why
    assert "below 80%" in outcome[low].why
    assert "access" in outcome[others].why
    with unit_of_work(engine, write=False) as s:
        states = {a.id: a.state for a in s.execute(select(Application)).scalars()}
    assert states[good] == CaseState.UNDER_EXAMINATION
    assert {states[i] for i in (b_case, abstain, low, others)} == {CaseState.RECEIVED}
    assert len(audit_entries(engine, "triage.confirm", entity_id=good)) == 1
    denied = audit_entries(engine, "triage.confirm", entity_id=others)
    assert [e.outcome for e in denied] == ["denied"]


# --- quality check ----------------------------------------------------------------------------


def test_b_and_c_sortings_are_sampled_for_a_second_look(engine, staff, settings) -> None:  # noqa: ANN001
    cases = [_case(engine, staff.inquirer, DEBT_NARRATIVE, nationality="NPL")
             for _ in range(8)]
    with unit_of_work(engine) as s:
        desk.suggest_unsorted(s, actor=staff.inquirer, settings=settings)
    for case in cases:
        with unit_of_work(engine) as s:
            triage_confirm.confirm(s, actor=staff.manager, application_id=case, category="B",
                                   expected_version=_version(engine, case), settings=settings)
    expected = [c for c in cases if triage_confirm.qc_sampled(c, settings.triage_qc_sample_rate)]
    with unit_of_work(engine, write=False) as s:
        sampled = [i.review.application_id for i in triage_qc.qc_queue(s, actor=staff.manager)]
    assert sampled == expected
    # The draw is a fixed function of the case: all or none at the extremes.
    assert all(triage_confirm.qc_sampled(c, 1.0) for c in cases)
    assert not any(triage_confirm.qc_sampled(c, 0.0) for c in cases)


def test_override_to_b_is_always_checked_by_another_manager(engine, staff, settings) -> None:  # noqa: ANN001
    settings = settings.model_copy(update={"triage_qc_sample_rate": 0.0})
    case = _case(engine, staff.inquirer, POLITICAL_NARRATIVE)
    view = _suggest(engine, staff.inquirer, case, settings)
    assert view.category != "B"
    with unit_of_work(engine) as s:
        review = triage_confirm.confirm(s, actor=staff.manager, application_id=case, category="B",
                                        reason="He says elsewhere the arrest was over a loan.",
                                        expected_version=_version(engine, case), settings=settings)
    assert review.qc_sampled
    with pytest.raises(PermissionDenied, match="another manager"):
        with unit_of_work(engine) as s:
            triage_qc.qc_record(s, actor=staff.manager, review_id=review.id, verdict="agree")
    with pytest.raises(PermissionDenied):
        with unit_of_work(engine) as s:
            triage_qc.qc_record(s, actor=staff.inquirer, review_id=review.id, verdict="agree")
    with pytest.raises(ValidationError, match="why"):
        with unit_of_work(engine) as s:
            triage_qc.qc_record(s, actor=staff.manager2, review_id=review.id, verdict="disagree")
    with unit_of_work(engine) as s:
        checked = triage_qc.qc_record(s, actor=staff.manager2, review_id=review.id,
                                      verdict="disagree", note="The arrest was for his politics.")
    assert checked.qc_verdict == "disagree" and checked.qc_checker == "Max Manager"
    with unit_of_work(engine, write=False) as s:
        assert triage_qc.qc_queue(s, actor=staff.manager) == []
    assert [e.outcome for e in audit_entries(engine, "triage.qc")] == ["denied", "denied", "ok"]


# --- permissions ------------------------------------------------------------------------------


def test_an_inquirer_cannot_triage_another_inquirers_case(engine, staff, settings) -> None:  # noqa: ANN001
    case = _case(engine, staff.inquirer, DEBT_NARRATIVE, nationality="NPL")
    with pytest.raises(PermissionDenied):
        _suggest(engine, staff.inquirer2, case, settings)
    _suggest(engine, staff.inquirer, case, settings)
    with pytest.raises(PermissionDenied):
        with unit_of_work(engine) as s:
            triage_confirm.confirm(s, actor=staff.inquirer2, application_id=case, category="B",
                                   expected_version=_version(engine, case), settings=settings)
    with pytest.raises(PermissionDenied):
        with unit_of_work(engine) as s:
            triage_confirm.confirm(s, actor=staff.admin, application_id=case, category="B",
                                   expected_version=_version(engine, case), settings=settings)
    with unit_of_work(engine, write=False) as s:
        assert desk.triage_queue(s, actor=staff.inquirer2, settings=settings).items == []
        assert [i.application_id for i in desk.triage_queue(
            s, actor=staff.manager, settings=settings).items] == [case]
    denied = [e for e in audit_entries(engine, "triage.view", entity_id=case)
              + audit_entries(engine, "triage.decide", entity_id=case)]
    assert {(e.actor_id, e.outcome) for e in denied} == {
        (staff.inquirer2.id, "denied"), (staff.admin.id, "denied")}
    assert _count(engine, TriageReview) == 0
    assert _count(engine, TriageSuggestion) == 1


# --- repeat applicants ------------------------------------------------------------------------


def _register(engine, inquirer, family: str, given: str, year: int, narrative: str,  # noqa: ANN001
              lodged: date) -> int:
    with unit_of_work(engine) as s:
        return register_application(
            s, actor=Actor.system("test"),
            person={"family_name": family, "given_names": given, "nationality": "AFG",
                    "sex": "M", "birth_year": year},
            application={"lodged_date": lodged, "office": "TOKYO",
                         "residence_status_at_filing": "TEMPORARY_VISITOR",
                         "claim_narrative": narrative,
                         "assigned_inquirer_id": inquirer.id}).id


def test_transliterated_name_is_found_and_a_link_confirmed(engine, staff, settings) -> None:  # noqa: ANN001
    first = _register(engine, staff.inquirer2, "Karimi", "Mohammad", 1990, DEBT_NARRATIVE,
                      date(2019, 5, 1))
    _register(engine, staff.inquirer2, "Perera", "Nimal", 1990, DEBT_NARRATIVE,
              date(2019, 5, 1))
    second = _register(engine, staff.inquirer, "Karimy", "Muhammad", 1991, DEBT_NARRATIVE,
                       date(2024, 2, 1))
    with unit_of_work(engine, write=False) as s:
        person = s.get(Application, second).person_id
        first_person = s.get(Application, first).person_id
        first_number = s.get(Application, first).case_number
        assert s.execute(select(func.count()).select_from(PersonNameKey)
                         .where(PersonNameKey.person_id == person)).scalar_one() >= 2
        found = identity_links.identity_candidates(s, actor=staff.inquirer, person_id=person)
    assert found[0].person_id == first_person and found[0].same and found[0].score >= 0.5
    assert found[0].case_numbers == (first_number,) and found[0].reasons
    assert found[0].link_status is None

    with pytest.raises(PermissionDenied):   # not a person of inquirer2's cases
        with unit_of_work(engine) as s:
            identity_links.link_identity(s, actor=staff.inquirer2, person_id=person,
                               other_person_id=first_person, confirm=True)
    with unit_of_work(engine) as s:
        link = identity_links.link_identity(s, actor=staff.inquirer, person_id=person,
                                  other_person_id=first_person, confirm=True)
    assert link.status == "confirmed" and link.decided_by == "Ines Inquirer"
    assert [e.outcome for e in audit_entries(engine, "identity.link")] == ["denied", "ok"]
    with unit_of_work(engine, write=False) as s:
        assert s.execute(select(IdentityLink.status)).scalars().all() == ["confirmed"]
        again = identity_links.identity_candidates(s, actor=staff.inquirer, person_id=person)
        assert again[0].link_status == "confirmed"
        # The other person's application is now an earlier claim of this case.
        shown = desk.case_triage(s, actor=staff.inquirer, application_id=second)
    assert shown.earlier_case_numbers == [first_number]


def test_name_keys_follow_a_corrected_name(engine, staff) -> None:  # noqa: ANN001
    from workbench.intake.cases import update_person

    case = _register(engine, staff.inquirer, "Karimi", "Mohammad", 1990, DEBT_NARRATIVE,
                     date(2024, 2, 1))
    with unit_of_work(engine) as s:
        person = s.get(Application, case).person_id
        before = set(s.execute(select(PersonNameKey.key)
                               .where(PersonNameKey.person_id == person)).scalars())
        update_person(s, actor=staff.inquirer, application_id=case, expected_version=1,
                      changes={"family_name": "Rahimi"})
    with unit_of_work(engine, write=False) as s:
        keys = set(s.execute(select(PersonNameKey.key)
                             .where(PersonNameKey.person_id == person)).scalars())
    assert "AFG:krm" in before and "AFG:krm" not in keys
    assert keys - before


# --- the Category A list ------------------------------------------------------------------------


def test_the_a_list_is_seeded_and_edited_by_administrators_only(engine, staff) -> None:  # noqa: ANN001
    with unit_of_work(engine, write=False) as s:
        seeded = a_countries.list_a_countries(s, actor=staff.admin)
    assert "AFG" in {c.code for c in seeded}
    assert all(c.reason for c in seeded)

    with pytest.raises(PermissionDenied):
        with unit_of_work(engine) as s:
            a_countries.save_a_country(s, actor=staff.manager, code="SYR", reason="armed conflict")
    with pytest.raises(ValidationError, match="alpha-3"):
        with unit_of_work(engine) as s:
            a_countries.save_a_country(s, actor=staff.admin, code="Syria", reason="armed conflict")
    with pytest.raises(ValidationError, match="reason"):
        with unit_of_work(engine) as s:
            a_countries.save_a_country(s, actor=staff.admin, code="SYR", reason=" ")
    with unit_of_work(engine) as s:
        added = a_countries.save_a_country(s, actor=staff.admin, code="syr",
                                           reason="armed conflict", since=date(2012, 1, 1))
        afg = next(c for c in a_countries.list_a_countries(s, actor=staff.admin) if c.code == "AFG")
        a_countries.save_a_country(s, actor=staff.admin, code="AFG", reason=afg.reason,
                                   since=afg.since, active=False, expected_version=afg.version)
    assert added.code == "SYR" and added.updated_by == "Ada Admin"
    with unit_of_work(engine, write=False) as s:
        active = a_countries.active_a_countries(s)
        assert s.get(ACountry, "AFG").version == 2
    assert "SYR" in active and "AFG" not in active
    with pytest.raises(StaleEdit):
        with unit_of_work(engine) as s:
            a_countries.save_a_country(s, actor=staff.admin, code="AFG", reason="changed",
                                       expected_version=afg.version)
    saves = audit_entries(engine, "triage.a_country.save")
    assert [(e.actor_id, e.outcome) for e in saves] == [
        (staff.manager.id, "denied"), (staff.admin.id, "ok"), (staff.admin.id, "ok"),
        (staff.admin.id, "refused")]


def test_a_suggestion_names_the_a_list_entry(engine, staff, settings) -> None:  # noqa: ANN001
    case = _case(engine, staff.inquirer, POLITICAL_NARRATIVE, nationality="AFG")
    view = _suggest(engine, staff.inquirer, case, settings)
    if view.category == "A":
        assert view.a_list_reason
    with unit_of_work(engine) as s:
        a_countries.save_a_country(s, actor=staff.admin, code="AFG", reason="x", active=False)
    later = _suggest(engine, staff.inquirer, case, settings)
    assert later.category != "A"


# --- after a retraining, the A list from a file, overrides for retraining ---------------------


def test_refresh_re_suggests_cases_triaged_by_an_earlier_model(engine, staff, settings) -> None:  # noqa: ANN001
    old, fresh = (_case(engine, staff.inquirer, DEBT_NARRATIVE, nationality="NPL")
                  for _ in range(2))
    _suggest(engine, staff.inquirer, old, settings)
    _suggest(engine, staff.inquirer, fresh, settings)
    with unit_of_work(engine) as s:  # as if the first had been made before a retraining
        s.execute(update(TriageSuggestion).where(TriageSuggestion.application_id == old)
                  .values(model_version="triage-older"))
    with unit_of_work(engine) as s:
        assert desk.suggest_unsorted(s, actor=staff.inquirer, settings=settings) == 0
        assert desk.suggest_unsorted(s, actor=staff.inquirer, settings=settings,
                                     stale=True) == 1
    with unit_of_work(engine, write=False) as s:
        versions = list(s.execute(select(TriageSuggestion.model_version)
                                  .where(TriageSuggestion.application_id == old)
                                  .order_by(TriageSuggestion.id)).scalars())
        shown = desk.case_triage(s, actor=staff.inquirer, application_id=old)
    assert versions == ["triage-older", "tiny-test-model"]  # the earlier one stays on record
    assert shown.suggestion.model_version == "tiny-test-model"
    with unit_of_work(engine) as s:
        assert desk.suggest_unsorted(s, actor=staff.inquirer, settings=settings,
                                     stale=True) == 0


def test_the_a_list_is_loaded_from_a_file_in_one_go(engine, staff, tmp_path) -> None:  # noqa: ANN001
    good = tmp_path / "a.toml"
    good.write_text('[[country]]\ncode = "AFG"\nreason = "armed conflict and de facto '
                    'authorities"\nsince = 2021-08-15\n\n[[country]]\ncode = "HTI"\n'
                    'reason = "gang violence beyond state control"\n', encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text('[[country]]\ncode = "BFA"\nreason = "insurgency"\n\n[[country]]\n'
                   'code = "Yemen"\nreason = "armed conflict"\n', encoding="utf-8")
    with pytest.raises(ValidationError, match="entry 2: 'YEMEN'"):
        with unit_of_work(engine) as s:
            a_countries.load_a_countries_file(s, actor=staff.admin, path=bad)
    with unit_of_work(engine, write=False) as s:
        assert s.get(ACountry, "BFA") is None  # nothing of a refused file is written
    with pytest.raises(PermissionDenied):
        with unit_of_work(engine) as s:
            a_countries.load_a_countries_file(s, actor=staff.manager, path=good)
    with unit_of_work(engine) as s:
        counts = a_countries.load_a_countries_file(s, actor=staff.admin, path=good,
                                                   deactivate_missing=True)
    assert counts["added"] == 1 and counts["changed"] == 1 and counts["deactivated"] >= 3
    with unit_of_work(engine, write=False) as s:
        assert set(a_countries.active_a_countries(s)) == {"AFG", "HTI"}
        assert s.get(ACountry, "AFG").reason == "armed conflict and de facto authorities"
    saves = [e for e in audit_entries(engine, "triage.a_country.save") if e.outcome == "ok"]
    assert len(saves) == counts["added"] + counts["changed"] + counts["deactivated"]


def test_overrides_are_exported_for_retraining_by_administrators(engine, staff, settings) -> None:  # noqa: ANN001
    agreed = _case(engine, staff.inquirer, DEBT_NARRATIVE, nationality="NPL")
    overridden = _case(engine, staff.inquirer, DEBT_NARRATIVE, nationality="NPL")
    for case, category, reason in ((agreed, "B", None),
                                   (overridden, "D2", "The creditor is a militia commander.")):
        _suggest(engine, staff.inquirer, case, settings)
        with unit_of_work(engine) as s:
            triage_confirm.confirm(s, actor=staff.inquirer, application_id=case, category=category,
                                   reason=reason, expected_version=_version(engine, case),
                                   settings=settings)
    with pytest.raises(PermissionDenied):
        with unit_of_work(engine) as s:
            triage_overrides.overrides_for_retraining(s, actor=staff.manager)
    with unit_of_work(engine) as s:
        records = triage_overrides.overrides_for_retraining(s, actor=staff.admin)
    assert [(r.suggested_category, r.decided_category) for r in records] == [("B", "D2")]
    assert records[0].reason == "The creditor is a militia commander."
    assert records[0].narrative == DEBT_NARRATIVE and records[0].nationality == "NPL"
    assert records[0].model_version == "tiny-test-model"
    exported = audit_entries(engine, "triage.overrides.export")
    assert [(e.actor_id, e.outcome) for e in exported] == [
        (staff.manager.id, "denied"), (staff.admin.id, "ok")]
