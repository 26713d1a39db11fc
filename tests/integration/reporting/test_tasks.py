"""The To do list of each role on both databases: drafts awaiting approval (not those still
being written), drafts returned to their author, appeals awaiting a counsellor's opinion, the
panel opinion and the ruling to record, and the cases nearing the sorting limit or the end of
the standard period; the menu's count agrees with the list."""

from __future__ import annotations

from datetime import UTC, date, datetime

from models import (
    Appeal,
    CaseState,
    CounsellorOpinion,
    Role,
    User,
)
from tests.conftest import _password_hash, insert_case
from tests.integration.examination.test_examination import assess, hold_interview
from workbench.core.actor import Actor
from workbench.core.db import unit_of_work
from workbench.examination import decisions
from workbench.reporting import tasks
from workbench.review import panels

TODAY = date(2025, 3, 3)


def _todo(engine, actor: Actor) -> dict[str, list[int]]:  # noqa: ANN001
    with unit_of_work(engine, write=False) as s:
        groups = tasks.tasks(s, actor=actor)
        count = tasks.task_count(s, actor=actor)
    assert count == sum(g.total for g in groups)
    assert all(g.total == len(g.items) for g in groups)
    return {g.kind: [i.application_id for i in g.items] for g in groups}


def _draft(engine, staff, *, submit: bool) -> int:  # noqa: ANN001
    case = insert_case(engine, inquirer=staff.inquirer, state=CaseState.UNDER_EXAMINATION,
                       sorting_category="D2", lodged=date(2024, 1, 15))
    hold_interview(engine, staff.inquirer, case)
    assess(engine, staff.inquirer, case)
    with unit_of_work(engine) as s:
        reasons, cited = decisions.generated_reasons(s, actor=staff.inquirer,
                                                     application_id=case)
        decisions.save_draft(s, actor=staff.inquirer, application_id=case, reasons=reasons,
                             citation_ids=cited)
        if submit:
            decisions.submit_draft(s, actor=staff.inquirer, application_id=case)
    return case


def test_a_manager_sees_drafts_submitted_for_approval_and_the_author_those_returned(  # noqa: ANN001
        engine, staff, frozen_clock) -> None:
    frozen_clock.set_local(TODAY)
    being_written = _draft(engine, staff, submit=False)
    submitted = _draft(engine, staff, submit=True)
    returned = _draft(engine, staff, submit=True)
    with unit_of_work(engine) as s:
        decisions.return_draft(s, actor=staff.manager, application_id=returned,
                               reason="Cite the country report in the reasons.")

    manager = _todo(engine, staff.manager)
    assert manager[tasks.APPROVAL] == [submitted]
    assert being_written not in manager[tasks.APPROVAL]
    inquirer = _todo(engine, staff.inquirer)
    assert inquirer[tasks.RETURNED] == [returned]
    assert _todo(engine, staff.inquirer2)[tasks.RETURNED] == []
    with unit_of_work(engine, write=False) as s:
        group = next(g for g in tasks.tasks(s, actor=staff.inquirer)
                     if g.kind == tasks.RETURNED)
        approval = next(g for g in tasks.tasks(s, actor=staff.manager)
                        if g.kind == tasks.APPROVAL)
    item = group.items[0]
    assert (item.page, item.params) == ("decision", {"case": str(returned)})
    assert item.note == "Cite the country report in the reasons."
    assert (approval.items[0].page, approval.items[0].note) == ("decision", "Ines Inquirer")

    # Sent again: back in the approvals, gone from the author's list.
    with unit_of_work(engine) as s:
        decisions.submit_draft(s, actor=staff.inquirer, application_id=returned)
    assert sorted(_todo(engine, staff.manager)[tasks.APPROVAL]) == sorted([submitted, returned])
    assert _todo(engine, staff.inquirer)[tasks.RETURNED] == []
    with unit_of_work(engine) as s:
        decisions.approve(s, actor=staff.manager, application_id=submitted)
    assert _todo(engine, staff.manager2)[tasks.APPROVAL] == [returned]


def test_cases_nearing_the_sorting_limit_or_the_standard_period(engine, staff,  # noqa: ANN001
                                                                 frozen_clock) -> None:
    frozen_clock.set_local(TODAY)
    mine = {"inquirer": staff.inquirer}
    due_today = insert_case(engine, state=CaseState.RECEIVED, lodged=date(2025, 1, 3), **mine)
    sorting_soon = insert_case(engine, state=CaseState.SORTING, lodged=date(2025, 1, 10),
                               **mine)
    insert_case(engine, state=CaseState.SORTING, lodged=date(2025, 1, 25), **mine)  # 22 days
    insert_case(engine, state=CaseState.SORTING, lodged=date(2024, 12, 20), **mine)  # passed
    standard_soon = insert_case(engine, state=CaseState.UNDER_EXAMINATION,
                                lodged=date(2024, 9, 8), **mine)
    insert_case(engine, state=CaseState.DECIDED, lodged=date(2024, 9, 8), **mine)  # decided
    others = insert_case(engine, state=CaseState.RECEIVED, lodged=date(2025, 1, 12),
                         inquirer=staff.inquirer2)
    unassigned = insert_case(engine, state=CaseState.RECEIVED, lodged=date(2025, 1, 12))

    inquirer = _todo(engine, staff.inquirer)
    assert inquirer[tasks.SORTING] == [due_today, sorting_soon]
    assert inquirer[tasks.STANDARD] == [standard_soon]
    manager = _todo(engine, staff.manager)
    assert manager[tasks.SORTING] == [due_today, sorting_soon, others, unassigned]
    assert manager[tasks.STANDARD] == [standard_soon]
    with unit_of_work(engine, write=False) as s:
        group = next(g for g in tasks.tasks(s, actor=staff.inquirer)
                     if g.kind == tasks.SORTING)
    assert [(i.page, i.due) for i in group.items] == [("case", date(2025, 3, 3)),
                                                      ("case", date(2025, 3, 10))]


def _counsellor(engine, n: int, field: str) -> Actor:  # noqa: ANN001
    with unit_of_work(engine) as s:
        user = User(username=f"cns.t{n}", display_name=f"Counsellor {n}",
                    role=Role.COUNSELLOR, expertise=field, office="TOKYO",
                    password_hash=_password_hash())
        s.add(user)
        s.flush()
        return Actor(id=user.id, username=user.username, display_name=user.display_name,
                     role=Role.COUNSELLOR)


def _appeal(engine, panel_id: int, state: CaseState, inquirer: Actor) -> tuple[int, int]:  # noqa: ANN001
    case = insert_case(engine, state=state, inquirer=inquirer, outcome="NOT_RECOGNISED",
                       notice_date=date(2025, 1, 6), lodged=date(2024, 3, 1))
    with unit_of_work(engine) as s:
        appeal = Appeal(application_id=case, basis="NON_RECOGNITION",
                        filed_date=date(2025, 1, 9), grounds="The COI was misread.",
                        panel_id=panel_id, allocated_at=datetime(2025, 1, 10, tzinfo=UTC))
        s.add(appeal)
        s.flush()
        return case, appeal.id


def _opinion(engine, appeal_id: int, counsellor: Actor, submitted: bool) -> None:  # noqa: ANN001
    with unit_of_work(engine) as s:
        s.add(CounsellorOpinion(
            appeal_id=appeal_id, counsellor_id=counsellor.id, well_founded=False,
            reasons="Not well founded.",
            submitted_at=datetime(2025, 2, 1, tzinfo=UTC) if submitted else None))


def test_counsellors_see_their_opinions_and_the_presiding_one_the_panel_opinion(  # noqa: ANN001
        engine, staff, frozen_clock) -> None:
    frozen_clock.set_local(TODAY)
    people = [_counsellor(engine, n, f) for n, f in
              enumerate(["law", "international affairs", "regional studies"] * 2, 1)]
    with unit_of_work(engine) as s:
        panel = panels.save_panel(s, actor=staff.manager, name="Panel T",
                                  member_ids=[p.id for p in people[:3]],
                                  presiding_id=people[0].id).id
        other_panel = panels.save_panel(s, actor=staff.manager, name="Panel U",
                                        member_ids=[p.id for p in people[3:]],
                                        presiding_id=people[3].id).id
    presiding, member = people[0], people[1]
    before_hearing, _ = _appeal(engine, panel, CaseState.PANEL_ASSIGNED, staff.inquirer)
    mine_done, done_appeal = _appeal(engine, panel, CaseState.HEARING_HELD, staff.inquirer)
    _opinion(engine, done_appeal, member, submitted=True)
    all_in, all_in_appeal = _appeal(engine, panel, CaseState.HEARING_SKIPPED, staff.inquirer)
    for p in people[:3]:
        _opinion(engine, all_in_appeal, p, submitted=True)
    draft_only, draft_appeal = _appeal(engine, panel, CaseState.HEARING_HELD, staff.inquirer)
    _opinion(engine, draft_appeal, member, submitted=False)
    elsewhere, _ = _appeal(engine, other_panel, CaseState.HEARING_HELD, staff.inquirer)
    to_rule, rule_appeal = _appeal(engine, panel, CaseState.PANEL_OPINION, staff.inquirer)

    assert _todo(engine, member) == {
        tasks.OPINION: [before_hearing, draft_only], tasks.PANEL_OPINION: []}
    assert _todo(engine, presiding) == {
        tasks.OPINION: [before_hearing, mine_done, draft_only],
        tasks.PANEL_OPINION: [all_in]}
    assert _todo(engine, people[3])[tasks.OPINION] == [elsewhere]
    with unit_of_work(engine, write=False) as s:
        opinions = next(g for g in tasks.tasks(s, actor=member) if g.kind == tasks.OPINION)
    assert [(i.page, i.ready) for i in opinions.items] == [("appeal", False), ("appeal", True)]
    assert opinions.items[1].params == {"appeal": str(draft_appeal)}

    manager = _todo(engine, staff.manager)
    assert manager[tasks.RULING] == [to_rule]
    with unit_of_work(engine, write=False) as s:
        ruling = next(g for g in tasks.tasks(s, actor=staff.manager) if g.kind == tasks.RULING)
    assert ruling.items[0].params == {"appeal": str(rule_appeal)}


def test_an_administrator_has_no_list(engine, staff) -> None:  # noqa: ANN001
    with unit_of_work(engine, write=False) as s:
        assert tasks.task_count(s, actor=staff.admin) == 0


def test_the_demo_drafts_awaiting_approval_are_in_a_managers_list(engine) -> None:  # noqa: ANN001
    """The demo's cases awaiting approval, approved or returned have their decision rows, so
    that its To do lists and decision pages can be worked."""
    from sqlalchemy import func, select

    from models import Application, Decision, User
    from workbench.demo import load_demo

    load_demo(engine, cases=400, seed=11, as_of=date(2025, 6, 30))
    with unit_of_work(engine, write=False) as s:
        drafted = s.execute(select(func.count()).select_from(Application).where(
            Application.state == CaseState.DECISION_DRAFTED.value)).scalar_one()
        approved = s.execute(select(func.count()).select_from(Application).where(
            Application.state == CaseState.APPROVED.value)).scalar_one()
        statuses = dict(s.execute(select(Decision.status, func.count())
                                  .group_by(Decision.status)).all())
        manager = s.execute(select(User).where(User.role == Role.MANAGER)).scalars().first()
        actor = Actor.of(manager)
        own = s.execute(select(func.count()).select_from(Decision).where(
            Decision.status == "SUBMITTED", Decision.drafted_by_id == manager.id)).scalar_one()
        count = tasks.task_count(s, actor=actor)
        approvals = next(g for g in tasks.tasks(s, actor=actor) if g.kind == tasks.APPROVAL)
    assert drafted > 0 and statuses.get("SUBMITTED") == drafted
    assert statuses.get("APPROVED", 0) == approved
    assert approvals.total == drafted - own and count >= approvals.total
