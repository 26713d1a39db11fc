"""The demo's open draft decisions: the decision row that a case awaiting approval, approved
with its notice to serve, or back with its inquirer after a manager returned the draft has
in real use, so that the demo's approvals, notices and returned drafts can be worked (the
To do list, the decision page). Written from the status events the generator made."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from models import Application, CaseState, Decision, DecisionStatus, PrimaryOutcome, StatusEvent

#: The text of every demo draft: the demo has no findings to generate reasons from.
DEMO_REASONS = ("Demo data: the reasons of this draft decision were not written. The "
                "findings of the assessment would be set out here.")

_STATUS = {CaseState.DECISION_DRAFTED.value: DecisionStatus.SUBMITTED,
           CaseState.APPROVED.value: DecisionStatus.APPROVED,
           CaseState.UNDER_EXAMINATION.value: DecisionStatus.DRAFT}
_STEPS = ("draft_decision", "approve_decision", "return_draft")


def add_demo_decisions(session: Session, *, after_application_id: int) -> int:
    """A decision row for each demo case whose draft is submitted, approved or returned;
    how many were added."""
    apps = {a.id: a for a in session.execute(select(Application).where(
        Application.id > after_application_id,
        Application.state.in_(list(_STATUS)))).scalars()}
    if not apps:
        return 0
    last: dict[int, dict[str, StatusEvent]] = {}
    for event in session.execute(select(StatusEvent).where(
            StatusEvent.application_id.in_(list(apps)), StatusEvent.action.in_(_STEPS))
            .order_by(StatusEvent.occurred_at, StatusEvent.id)).scalars():
        last.setdefault(event.application_id, {})[event.action] = event
    added = 0
    for app_id, app in apps.items():
        steps = last.get(app_id, {})
        drafted = steps.get("draft_decision")
        if drafted is None or drafted.actor_id is None:
            continue
        status = _STATUS[app.state]
        returned = steps.get("return_draft")
        if status == DecisionStatus.DRAFT and (
                returned is None or returned.occurred_at < drafted.occurred_at):
            continue  # under examination without a returned draft: nothing drafted yet
        approved = steps.get("approve_decision") if status == DecisionStatus.APPROVED else None
        session.add(Decision(
            application_id=app_id, number=1, status=status.value,
            outcome=app.outcome or PrimaryOutcome.NOT_RECOGNISED.value,
            reasons=DEMO_REASONS, drafted_by_id=drafted.actor_id,
            submitted_at=drafted.occurred_at,
            approved_by_id=approved.actor_id if approved else None,
            approved_at=approved.occurred_at if approved else None,
            created_at=drafted.occurred_at,
            updated_at=(approved or returned or drafted).occurred_at,
            updated_by_id=(approved or returned or drafted).actor_id))
        added += 1
    session.flush()
    return added
