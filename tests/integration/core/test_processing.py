"""Processing times from status events against a hand-worked caseload (both backends)."""

from __future__ import annotations

from datetime import date

import pytest

from models import PrimaryOutcome, ReviewRuling, SortingCategory
from workbench.core.db import unit_of_work
from workbench.core.errors import PermissionDenied
from workbench.core.processing import Stat, latest_lodged_past, processing_summary
from workbench.core.workflow import TransitionInput, transition
from workbench.intake.case_file import open_case
from workbench.intake.cases import register_application

AS_OF = date(2024, 12, 31)


def _register(engine, actor, lodged: date, name: str, clock=None) -> int:  # noqa: ANN001
    if clock is not None:
        clock.set_local(lodged, 9)  # registered on the day it was lodged
    with unit_of_work(engine) as s:
        app = register_application(
            s, actor=actor,
            person={"family_name": name, "given_names": "Test", "nationality": "LKA"},
            application={"lodged_date": lodged, "office": "TOKYO",
                         "residence_status_at_filing": "TEMPORARY_VISITOR",
                         "assigned_inquirer_id": None})
        return app.id


def _step(engine, clock, actor, case_id, when: date, action: str, hour: int = 10,  # noqa: ANN001
          minute: int = 0, **data) -> None:  # noqa: ANN003
    clock.set_local(when, hour, minute)
    with unit_of_work(engine) as s:
        transition(s, actor=actor, application_id=case_id, action=action,
                   data=TransitionInput(**data))


@pytest.fixture
def caseload(engine, staff, frozen_clock):  # noqa: ANN001, ANN201
    inq, mgr = staff.inquirer, staff.manager
    c = frozen_clock
    ids = {}
    # A: sorted in 30 days, decided in 147 (within 6 months), review ruled after 189 days.
    ids["A"] = a = _register(engine, inq, date(2024, 1, 15), "Alpha", c)
    _step(engine, c, inq, a, date(2024, 1, 20), "start_sorting")
    _step(engine, c, inq, a, date(2024, 2, 14), "confirm_sorting", category=SortingCategory.D2)
    _step(engine, c, inq, a, date(2024, 6, 1), "draft_decision",
          outcome=PrimaryOutcome.NOT_RECOGNISED)
    _step(engine, c, mgr, a, date(2024, 6, 5), "approve_decision")
    _step(engine, c, inq, a, date(2024, 6, 10), "serve_notice", notice_date=date(2024, 6, 10))
    _step(engine, c, mgr, a, date(2024, 6, 14), "file_review", filed_date=date(2024, 6, 14))
    _step(engine, c, mgr, a, date(2024, 7, 1), "assign_panel")
    _step(engine, c, mgr, a, date(2024, 10, 1), "skip_hearing", reason="Repeats the claim")
    _step(engine, c, mgr, a, date(2024, 11, 1), "submit_panel_opinion")
    _step(engine, c, mgr, a, date(2024, 12, 20), "record_ruling",
          ruling=ReviewRuling.DISMISSED_MERITS)
    # B: lodged 31 Dec, sorted 23:30 JST on 29 Feb (the last day of the limit), decided at
    # 00:30 JST on 1 Sep (still 31 Aug in UTC): 245 days, after the standard period.
    ids["B"] = b = _register(engine, inq, date(2023, 12, 31), "Bravo", c)
    _step(engine, c, inq, b, date(2024, 1, 5), "start_sorting")
    _step(engine, c, inq, b, date(2024, 2, 29), "confirm_sorting", hour=23, minute=30,
          category=SortingCategory.D1)
    _step(engine, c, inq, b, date(2024, 8, 20), "draft_decision",
          outcome=PrimaryOutcome.NOT_RECOGNISED_HUMANITARIAN_STAY)
    _step(engine, c, mgr, b, date(2024, 8, 25), "approve_decision")
    _step(engine, c, inq, b, date(2024, 9, 1), "serve_notice", hour=0, minute=30,
          notice_date=date(2024, 9, 1))
    # C: sorted one day late (62 days), still under examination: 305 days pending.
    ids["C"] = cc = _register(engine, inq, date(2024, 3, 1), "Charlie", c)
    _step(engine, c, inq, cc, date(2024, 3, 5), "start_sorting")
    _step(engine, c, inq, cc, date(2024, 5, 2), "confirm_sorting", category=SortingCategory.D2)
    # D: received 60 days ago, sorting limit not yet passed (1 Jan 2025).
    ids["D"] = _register(engine, inq, date(2024, 11, 1), "Delta", c)
    # E: received 77 days ago, past the sorting limit (15 Dec).
    ids["E"] = _register(engine, inq, date(2024, 10, 15), "Echo", c)
    # F: withdrawn: neither a decision nor pending.
    ids["F"] = f = _register(engine, inq, date(2024, 2, 1), "Foxtrot", c)
    _step(engine, c, inq, f, date(2024, 4, 1), "withdraw", reason="Left Japan")
    c.set_local(AS_OF, 12)
    return ids


def test_summary_matches_hand_worked_figures(engine, staff, caseload) -> None:  # noqa: ANN001
    with unit_of_work(engine, write=False) as s:
        summary = processing_summary(s, actor=staff.manager, as_of=AS_OF)
    assert summary.to_sorting == Stat(3, pytest.approx(152 / 3), 60.0, 62.0)
    assert summary.to_decision == Stat(2, 196.0, 147.0, 245.0)
    assert summary.review_to_ruling == Stat(1, 189.0, 189.0, 189.0)
    assert summary.pending_primary_age == Stat(3, pytest.approx(442 / 3), 77.0, 305.0)
    assert summary.pending_review_age == Stat(0, None, None, None)
    assert summary.pending_unsorted_past_limit == 1
    assert summary.pending_past_standard == 1
    assert (summary.decided_within_standard, summary.decided_total) == (1, 2)
    assert summary.share_decided_within_standard == 0.5


def test_case_clocks(engine, staff, caseload) -> None:  # noqa: ANN001
    with unit_of_work(engine) as s:
        b = open_case(s, actor=staff.inquirer, application_id=caseload["B"]).clocks
        cc = open_case(s, actor=staff.inquirer, application_id=caseload["C"]).clocks
        e = open_case(s, actor=staff.inquirer, application_id=caseload["E"]).clocks
        d = open_case(s, actor=staff.inquirer, application_id=caseload["D"]).clocks
    assert b["sorting_deadline"] == date(2024, 2, 29) and b["days_to_sorting"] == 60
    assert not b["sorted_late"] and b["decided_on"] == date(2024, 9, 1)
    assert b["days_to_decision"] == 245 and b["decided_late"]
    assert cc["sorted_late"] and cc["standard_overdue"] and cc["pending_days"] == 305
    assert e["sorting_overdue"] and e["pending_days"] == 77
    assert not d["sorting_overdue"] and d["sorting_deadline"] == date(2025, 1, 1)


def test_pending_review_age(engine, staff, frozen_clock) -> None:  # noqa: ANN001
    a = _register(engine, staff.inquirer, date(2024, 1, 10), "Golf", frozen_clock)
    inq, mgr, c = staff.inquirer, staff.manager, frozen_clock
    _step(engine, c, inq, a, date(2024, 1, 11), "start_sorting")
    _step(engine, c, inq, a, date(2024, 1, 12), "confirm_sorting", category=SortingCategory.D2)
    _step(engine, c, inq, a, date(2024, 3, 1), "draft_decision",
          outcome=PrimaryOutcome.NOT_RECOGNISED)
    _step(engine, c, mgr, a, date(2024, 3, 2), "approve_decision")
    _step(engine, c, inq, a, date(2024, 3, 4), "serve_notice", notice_date=date(2024, 3, 4))
    _step(engine, c, mgr, a, date(2024, 3, 8), "file_review", filed_date=date(2024, 3, 8))
    with unit_of_work(engine, write=False) as s:
        summary = processing_summary(s, actor=staff.manager, as_of=date(2024, 4, 7))
    assert summary.pending_review_age == Stat(1, 30.0, 30.0, 30.0)
    assert summary.to_decision == Stat(1, 54.0, 54.0, 54.0)  # 10 Jan -> 4 Mar 2024


def test_empty_database_gives_empty_figures(engine, staff) -> None:  # noqa: ANN001
    with unit_of_work(engine, write=False) as s:
        summary = processing_summary(s, actor=staff.manager, as_of=AS_OF)
    assert summary.to_decision == Stat(0, None, None, None)
    assert summary.share_decided_within_standard is None


def test_inquirer_may_not_see_the_summary(engine, staff) -> None:  # noqa: ANN001
    with pytest.raises(PermissionDenied):
        with unit_of_work(engine) as s:
            processing_summary(s, actor=staff.inquirer)


@pytest.mark.parametrize(("as_of", "months", "expected"), [
    (date(2024, 12, 31), 2, date(2024, 10, 30)),
    (date(2024, 3, 1), 2, date(2023, 12, 31)),   # 31 Dec + 2 months = 29 Feb < 1 Mar
    (date(2024, 2, 29), 2, date(2023, 12, 28)),
])
def test_latest_lodged_past(as_of: date, months: int, expected: date) -> None:
    from workbench.core.clock import add_months

    cutoff = latest_lodged_past(as_of, months)
    assert cutoff == expected
    assert add_months(cutoff, months) < as_of
    assert add_months(cutoff + (date(2000, 1, 2) - date(2000, 1, 1)), months) >= as_of


def test_milestones_written_with_the_events(engine, staff, caseload) -> None:  # noqa: ANN001
    from models import Application

    with unit_of_work(engine, write=False) as s:
        a = s.get(Application, caseload["A"])
        b = s.get(Application, caseload["B"])
        f = s.get(Application, caseload["F"])
    assert (a.sorted_on, a.decided_on, a.review_filed_on, a.ruled_on) == (
        date(2024, 2, 14), date(2024, 6, 10), date(2024, 6, 14), date(2024, 12, 20))
    assert (b.sorted_on, b.decided_on) == (date(2024, 2, 29), date(2024, 9, 1))
    assert (f.sorted_on, f.decided_on) == (None, None)
