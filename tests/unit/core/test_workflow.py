"""The transition table: every allowed move succeeds for a permitted role and records its
event and audit entry; every move not in the table is refused, naming what is allowed, and
changes nothing. Guards that users meet every day get a test each."""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from models import (
    Application,
    AuditEvent,
    CaseState,
    PrimaryOutcome,
    ResidenceMeasure,
    ReviewBasis,
    ReviewRuling,
    Role,
    SortingCategory,
    StatusEvent,
)
from tests.conftest import _make_staff, insert_case
from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.db import make_engine, unit_of_work
from workbench.core.errors import InvalidTransition, PermissionDenied
from workbench.core.i18n import catalogue
from workbench.core.workflow import TRANSITIONS, TransitionInput, transition, transitions_from

TODAY = clock.today()


@pytest.fixture(scope="module")
def db(sqlite_template, tmp_path_factory):  # noqa: ANN001, ANN201
    path = tmp_path_factory.mktemp("workflow") / "wf.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    staff = _make_staff(engine)
    yield engine, staff
    engine.dispose()


# Fields a case needs in each transition's source state, and the input that passes the guard.
SETUP: dict[str, tuple[dict, TransitionInput]] = {
    "start_sorting": ({}, TransitionInput()),
    "confirm_sorting": ({}, TransitionInput(category=SortingCategory.D2)),
    "draft_decision": ({}, TransitionInput(outcome=PrimaryOutcome.NOT_RECOGNISED)),
    "return_draft": ({"outcome": "NOT_RECOGNISED"}, TransitionInput(reason="Reasons thin")),
    "approve_decision": ({"outcome": "NOT_RECOGNISED"}, TransitionInput()),
    "serve_notice": ({"outcome": "NOT_RECOGNISED"},
                     TransitionInput(notice_date=TODAY - timedelta(days=1))),
    "withdraw": ({}, TransitionInput(reason="Applicant withdrew in writing")),
    "close_case": ({"outcome": "NOT_RECOGNISED", "notice_date": date(2024, 1, 10)},
                   TransitionInput()),
    "file_review": ({"outcome": "NOT_RECOGNISED", "notice_date": TODAY - timedelta(days=2)},
                    TransitionInput(filed_date=TODAY)),
    "file_review_inaction": ({}, TransitionInput(filed_date=TODAY)),
    "assign_panel": ({"review_basis": "NON_RECOGNITION"}, TransitionInput()),
    "hold_hearing": ({"review_basis": "NON_RECOGNITION"}, TransitionInput()),
    "skip_hearing": ({"review_basis": "NON_RECOGNITION"},
                     TransitionInput(reason="Request repeats the earlier claim")),
    "submit_panel_opinion": ({"review_basis": "NON_RECOGNITION"}, TransitionInput()),
    "record_ruling": ({"review_basis": "NON_RECOGNITION", "outcome": "NOT_RECOGNISED"},
                      TransitionInput(ruling=ReviewRuling.DISMISSED_MERITS)),
    "withdraw_review": ({"review_basis": "NON_RECOGNITION"},
                        TransitionInput(reason="Requester withdrew")),
    "close_review": ({"review_basis": "NON_RECOGNITION", "review_ruling": "DISMISSED_MERITS"},
                     TransitionInput()),
    "resume_examination": ({"review_basis": "INACTION", "review_ruling": "GRANTED"},
                           TransitionInput()),
    "reopen_for_new_decision": ({"outcome": "NOT_RECOGNISED"},
                                TransitionInput(reason="The notice named the wrong country")),
    "revoke_recognition": ({"outcome": "RECOGNISED_REFUGEE"},
                           TransitionInput(notice_date=TODAY, reason="Obtained by fraud")),
}

ALLOWED = [(t.name, s) for t in TRANSITIONS for s in sorted(t.sources)]
EN = catalogue("en")
REFUSED = [(t.name, s) for t in TRANSITIONS for s in CaseState if s not in t.sources]


def test_setup_covers_every_transition() -> None:
    assert set(SETUP) == {t.name for t in TRANSITIONS}


def _actor_for(spec, staff) -> Actor:  # noqa: ANN001
    if Role.INQUIRER in spec.roles:
        return staff.inquirer
    if Role.MANAGER in spec.roles:
        return staff.manager
    return staff.counsellor


def _counts(engine, case_id: int) -> tuple[int, int]:  # noqa: ANN001
    with unit_of_work(engine, write=False) as s:
        events = s.execute(select(func.count()).select_from(StatusEvent)
                           .where(StatusEvent.application_id == case_id)).scalar_one()
        audits = s.execute(select(func.count()).select_from(AuditEvent)
                           .where(AuditEvent.entity_id == str(case_id),
                                  AuditEvent.outcome == "ok")).scalar_one()
    return events, audits


@pytest.mark.parametrize(("action", "source"), ALLOWED,
                         ids=[f"{a}-from-{s.value}" for a, s in ALLOWED])
def test_allowed_transition(db, action: str, source: CaseState) -> None:  # noqa: ANN001
    engine, staff = db
    spec = next(t for t in TRANSITIONS if t.name == action)
    fields, data = SETUP[action]
    case_id = insert_case(engine, state=source, inquirer=staff.inquirer,
                          decision_drafted_by_id=staff.inquirer.id, **fields)
    before = _counts(engine, case_id)
    with unit_of_work(engine) as s:
        result = transition(s, actor=_actor_for(spec, staff), application_id=case_id,
                            action=action, data=TransitionInput(**data.__dict__))
        assert result.state == spec.target
    events, audits = _counts(engine, case_id)
    assert (events, audits) == (before[0] + 1, before[1] + 1)
    with unit_of_work(engine, write=False) as s:
        last = s.execute(select(StatusEvent).where(StatusEvent.application_id == case_id)
                         .order_by(StatusEvent.id.desc())).scalars().first()
        assert (last.action, last.from_state, last.to_state) == (action, source, spec.target)
        assert last.actor_id == _actor_for(spec, staff).id


@pytest.mark.parametrize(("action", "source"), REFUSED,
                         ids=[f"{a}-from-{s.value}" for a, s in REFUSED])
def test_refused_transition_names_allowed_moves(db, action: str, source: CaseState) -> None:  # noqa: ANN001
    engine, staff = db
    spec = next(t for t in TRANSITIONS if t.name == action)
    fields, data = SETUP[action]
    case_id = insert_case(engine, state=source, inquirer=staff.inquirer, **fields)
    before = _counts(engine, case_id)
    with pytest.raises(InvalidTransition) as err:
        with unit_of_work(engine) as s:
            transition(s, actor=_actor_for(spec, staff), application_id=case_id,
                       action=action, data=TransitionInput(**data.__dict__))
    allowed = transitions_from(source)
    assert err.value.allowed == sorted(f"{t.name} → {t.target.value}" for t in allowed)
    # The refusal says in words what cannot be done and why, and what can: the steps and
    # states by their labels, never the workflow's internal names.
    message = str(err.value)
    assert message.startswith(f"'{EN[f'transition.{action}']}' cannot be done while the case "
                              f"is {EN[f'state.{source.value}']}."), message
    for t in allowed:
        assert f"{EN[f'transition.{t.name}']} (the case becomes " \
               f"{EN[f'state.{t.target.value}']})" in message
    for code in [action, source.value, *(t.name for t in allowed),
                 *(t.target.value for t in allowed)]:
        assert not re.search(rf"\b{code}\b", message), (code, message)
    assert "→" not in message
    assert _counts(engine, case_id) == before
    with unit_of_work(engine, write=False) as s:
        app = s.get(Application, case_id)
        assert (app.state, app.version) == (source, 1)
        refusal = s.execute(select(AuditEvent).where(AuditEvent.entity_id == str(case_id))
                            .order_by(AuditEvent.seq.desc())).scalars().first()
        assert refusal.outcome == "refused"
        assert refusal.action == f"case.transition.{action}"


def _try(engine, actor, case_id, action, **data):  # noqa: ANN001, ANN003, ANN202
    with unit_of_work(engine) as s:
        return transition(s, actor=actor, application_id=case_id, action=action,
                          data=TransitionInput(**data))


def test_sorting_must_be_confirmed_by_a_person(db) -> None:  # noqa: ANN001
    engine, staff = db
    case_id = insert_case(engine, state=CaseState.SORTING, inquirer=staff.inquirer)
    with pytest.raises(PermissionDenied):
        _try(engine, Actor.system("triage"), case_id, "confirm_sorting",
             category=SortingCategory.D2)
    with pytest.raises(InvalidTransition, match="Choose the sorting category"):
        _try(engine, staff.inquirer, case_id, "confirm_sorting")
    app = _try(engine, staff.inquirer, case_id, "confirm_sorting", category=SortingCategory.A)
    assert (app.sorting_category, app.residence_measure) == ("A", ResidenceMeasure.DA_6M_WORK)


def test_category_rules(db) -> None:  # noqa: ANN001
    engine, staff = db
    first = insert_case(engine, state=CaseState.SORTING, inquirer=staff.inquirer)
    with pytest.raises(InvalidTransition, match="Category C is for repeat applications"):
        _try(engine, staff.inquirer, first, "confirm_sorting", category=SortingCategory.C)
    with pytest.raises(InvalidTransition, match="only for applicants without a status"):
        _try(engine, staff.inquirer, first, "confirm_sorting",
             category=SortingCategory.NOT_APPLICABLE)
    irregular = insert_case(engine, state=CaseState.SORTING, inquirer=staff.inquirer,
                            residence_status_at_filing="NO_STATUS")
    with pytest.raises(InvalidTransition, match="no status of residence"):
        _try(engine, staff.inquirer, irregular, "confirm_sorting", category=SortingCategory.B)
    app = _try(engine, staff.inquirer, irregular, "confirm_sorting",
               category=SortingCategory.NOT_APPLICABLE)
    assert app.residence_measure == ResidenceMeasure.PROVISIONAL_STAY
    repeat = insert_case(engine, state=CaseState.SORTING, inquirer=staff.inquirer,
                         application_number=2)
    app = _try(engine, staff.inquirer, repeat, "confirm_sorting", category=SortingCategory.C)
    assert app.residence_measure == ResidenceMeasure.RESIDENCE_RESTRICTED


def test_four_eyes_on_approval(db) -> None:  # noqa: ANN001
    engine, staff = db
    case_id = insert_case(engine, state=CaseState.DECISION_DRAFTED, inquirer=staff.inquirer,
                          outcome="NOT_RECOGNISED", decision_drafted_by_id=staff.manager.id)
    with pytest.raises(InvalidTransition, match="cannot approve it"):
        _try(engine, staff.manager, case_id, "approve_decision")
    assert _try(engine, staff.manager2, case_id, "approve_decision").state == CaseState.APPROVED


def test_inquirer_cannot_approve(db) -> None:  # noqa: ANN001
    engine, staff = db
    case_id = insert_case(engine, state=CaseState.DECISION_DRAFTED, inquirer=staff.inquirer,
                          outcome="NOT_RECOGNISED")
    with pytest.raises(PermissionDenied, match="(?i)manager"):
        _try(engine, staff.inquirer, case_id, "approve_decision")


@pytest.mark.parametrize("outcome", ["RECOGNISED_REFUGEE", "WITHDRAWN"])
def test_review_only_against_non_recognition_or_revocation(db, outcome: str) -> None:  # noqa: ANN001
    engine, staff = db
    case_id = insert_case(engine, state=CaseState.DECIDED, inquirer=staff.inquirer,
                          outcome=outcome, notice_date=TODAY)
    with pytest.raises(InvalidTransition, match="only against a non-recognition"):
        _try(engine, staff.manager, case_id, "file_review", filed_date=TODAY)


def test_cp_instead_of_refugee_status_is_reviewable_but_not_on_a_cp_application(db) -> None:  # noqa: ANN001
    engine, staff = db
    refugee_app = insert_case(engine, state=CaseState.DECIDED, outcome="RECOGNISED_CP",
                              notice_date=TODAY)
    assert _try(engine, staff.manager, refugee_app, "file_review",
                filed_date=TODAY).state == CaseState.REVIEW_FILED
    cp_app = insert_case(engine, state=CaseState.DECIDED, outcome="RECOGNISED_CP",
                         notice_date=TODAY, application_type="COMPLEMENTARY")
    with pytest.raises(InvalidTransition):
        _try(engine, staff.manager, cp_app, "file_review", filed_date=TODAY)


def test_late_review_needs_a_reason(db) -> None:  # noqa: ANN001
    engine, staff = db
    notice = date(2025, 3, 3)  # Monday: the window ends Monday 10 March
    case_id = insert_case(engine, state=CaseState.DECIDED, outcome="NOT_RECOGNISED",
                          notice_date=notice)
    with pytest.raises(InvalidTransition, match="closed on 2025-03-10"):
        _try(engine, staff.manager, case_id, "file_review", filed_date=date(2025, 3, 11))
    app = _try(engine, staff.manager, case_id, "file_review", filed_date=date(2025, 3, 11),
               reason="Notice served in a language the applicant does not read")
    assert app.review_late_reason.startswith("Notice served")
    assert app.review_basis == ReviewBasis.NON_RECOGNITION


def test_review_in_time_needs_no_reason(db) -> None:  # noqa: ANN001
    engine, staff = db
    case_id = insert_case(engine, state=CaseState.DECIDED, outcome="NOT_RECOGNISED",
                          notice_date=date(2025, 3, 3))
    app = _try(engine, staff.manager, case_id, "file_review", filed_date=date(2025, 3, 10))
    assert app.state == CaseState.REVIEW_FILED and app.review_late_reason is None


def test_case_cannot_close_while_review_window_open(db) -> None:  # noqa: ANN001
    engine, staff = db
    case_id = insert_case(engine, state=CaseState.DECIDED, inquirer=staff.inquirer,
                          outcome="NOT_RECOGNISED", notice_date=TODAY)
    with pytest.raises(InvalidTransition, match="review window is open until"):
        _try(engine, staff.inquirer, case_id, "close_case")
    recognised = insert_case(engine, state=CaseState.DECIDED, inquirer=staff.inquirer,
                             outcome="RECOGNISED_REFUGEE", notice_date=TODAY)
    assert _try(engine, staff.inquirer, recognised, "close_case").state == CaseState.FINAL


def test_granted_review_recognises(db) -> None:  # noqa: ANN001
    engine, staff = db
    case_id = insert_case(engine, state=CaseState.PANEL_OPINION, outcome="NOT_RECOGNISED",
                          review_basis="NON_RECOGNITION")
    app = _try(engine, staff.manager, case_id, "record_ruling", ruling=ReviewRuling.GRANTED)
    assert (app.state, app.outcome, app.review_ruling) == (
        CaseState.RULED, PrimaryOutcome.RECOGNISED_REFUGEE, ReviewRuling.GRANTED)
    assert _try(engine, staff.manager, case_id, "close_review").state == CaseState.FINAL
    with pytest.raises(InvalidTransition, match="already been ruled"):
        _try(engine, staff.manager, case_id, "file_review", filed_date=TODAY, reason="again")


def test_inaction_review_returns_to_examination(db) -> None:  # noqa: ANN001
    engine, staff = db
    case_id = insert_case(engine, state=CaseState.UNDER_EXAMINATION, inquirer=staff.inquirer)
    _try(engine, staff.manager, case_id, "file_review_inaction", filed_date=TODAY)
    for action in ("assign_panel", "hold_hearing", "submit_panel_opinion"):
        _try(engine, staff.manager, case_id, action)
    _try(engine, staff.manager, case_id, "record_ruling", ruling=ReviewRuling.GRANTED)
    with pytest.raises(InvalidTransition, match="Only for reviews against non_recognition"):
        _try(engine, staff.manager, case_id, "close_review")
    app = _try(engine, staff.manager, case_id, "resume_examination")
    assert app.state == CaseState.UNDER_EXAMINATION and app.review_basis is None
    assert app.outcome is None


def test_reason_required_and_trimmed(db) -> None:  # noqa: ANN001
    engine, staff = db
    case_id = insert_case(engine, state=CaseState.UNDER_EXAMINATION, inquirer=staff.inquirer)
    with pytest.raises(InvalidTransition, match="needs a reason"):
        _try(engine, staff.inquirer, case_id, "withdraw", reason="   ")
    app = _try(engine, staff.inquirer, case_id, "withdraw", reason="  Left Japan  ")
    assert app.outcome == PrimaryOutcome.WITHDRAWN
    with unit_of_work(engine, write=False) as s:
        event = s.execute(select(StatusEvent).where(StatusEvent.application_id == case_id)
                          .order_by(StatusEvent.id.desc())).scalars().first()
        assert event.reason == "Left Japan"


def test_notice_date_checks(db) -> None:  # noqa: ANN001
    engine, staff = db
    case_id = insert_case(engine, state=CaseState.APPROVED, inquirer=staff.inquirer,
                          outcome="NOT_RECOGNISED", lodged=date(2024, 5, 1))
    with pytest.raises(InvalidTransition, match="cannot be in the future"):
        # The office's tomorrow as of now (a module-level date goes stale at midnight in Tokyo).
        _try(engine, staff.inquirer, case_id, "serve_notice",
             notice_date=clock.today() + timedelta(days=1))
    with pytest.raises(InvalidTransition, match="before the application was lodged"):
        _try(engine, staff.inquirer, case_id, "serve_notice", notice_date=date(2024, 4, 30))


def test_refugee_recognition_not_open_to_cp_application(db) -> None:  # noqa: ANN001
    engine, staff = db
    case_id = insert_case(engine, state=CaseState.UNDER_EXAMINATION, inquirer=staff.inquirer,
                          application_type="COMPLEMENTARY")
    with pytest.raises(InvalidTransition, match="cannot end in refugee recognition"):
        _try(engine, staff.inquirer, case_id, "draft_decision",
             outcome=PrimaryOutcome.RECOGNISED_REFUGEE)


def test_unknown_action_is_refused(db) -> None:  # noqa: ANN001
    engine, staff = db
    case_id = insert_case(engine, state=CaseState.RECEIVED, inquirer=staff.inquirer)
    with pytest.raises(InvalidTransition, match="Unknown action 'approve_everything'"):
        _try(engine, staff.inquirer, case_id, "approve_everything")


def test_full_primary_path_keeps_one_event_per_step(db) -> None:  # noqa: ANN001
    engine, staff = db
    case_id = insert_case(engine, state=CaseState.RECEIVED, inquirer=staff.inquirer)
    steps = [
        (staff.inquirer, "start_sorting", {}),
        (staff.inquirer, "confirm_sorting", {"category": SortingCategory.D1}),
        (staff.inquirer, "draft_decision", {"outcome": PrimaryOutcome.NOT_RECOGNISED}),
        (staff.manager, "approve_decision", {}),
        (staff.inquirer, "serve_notice", {"notice_date": TODAY}),
    ]
    for actor, action, data in steps:
        _try(engine, actor, case_id, action, **data)
    with unit_of_work(engine, write=False) as s:
        events = s.execute(select(StatusEvent.action).where(StatusEvent.application_id == case_id)
                           .order_by(StatusEvent.id)).scalars().all()
        app = s.get(Application, case_id)
        assert events == ["register"] + [a for _, a, _ in steps]
        assert app.version == 1 + len(steps)
        assert app.state == CaseState.DECIDED and app.notice_date == TODAY


def test_a_decision_under_review_is_not_reopened(db) -> None:  # noqa: ANN001
    engine, staff = db
    case_id = insert_case(engine, state=CaseState.FINAL, inquirer=staff.inquirer,
                          outcome="NOT_RECOGNISED", review_basis="NON_RECOGNITION")
    with pytest.raises(InvalidTransition, match="review of this decision is pending"):
        with unit_of_work(engine) as s:
            transition(s, actor=staff.manager, application_id=case_id,
                       action="reopen_for_new_decision",
                       data=TransitionInput(reason="Correction"))
