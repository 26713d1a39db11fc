"""The Minister's ruling, with the gist of the panel's opinion (a granted appeal leads to
recognition through the workflow, one against inaction sends the case back to examination),
and the withdrawal of a request for review.
"""

from __future__ import annotations

from sqlmodel import Session

from models import ReviewRuling
from workbench.core import audit, clock
from workbench.core.actor import Actor
from workbench.core.errors import ValidationError
from workbench.core.i18n import t
from workbench.core.permissions import Action, require
from workbench.core.versioning import bump
from workbench.core.workflow import TransitionInput, transition
from workbench.review.appeals import AppealView, _appeal, appeal_view


def record_ruling(session: Session, *, actor: Actor, appeal_id: int,
                  ruling: ReviewRuling | str, gist: str,
                  expected_case_version: int | None = None) -> AppealView:
    """The Minister's ruling, with the gist of the panel's opinion. A granted request leads
    to recognition through the workflow; a request against inaction sends the case back to
    examination."""
    require(actor, Action.APPEAL_MANAGE, entity_type="appeal", entity_id=appeal_id,
            attempted="appeal.ruling")
    row, app = _appeal(session, actor, Action.CASE_TRANSITION, appeal_id)
    try:
        ruling = ReviewRuling(ruling)
    except ValueError:
        raise ValidationError(t("errors.reviews.choose_granted_dismissed_merits")) from None
    if not (gist or "").strip():
        raise ValidationError(t("errors.reviews.state_gist_panel_s"))
    transition(session, actor=actor, application_id=app.id, action="record_ruling",
               data=TransitionInput(ruling=ruling), expected_version=expected_case_version)
    row.ruling, row.ruling_gist = ruling.value, gist.strip()
    row.ruled_at = clock.now_utc()
    row.ruled_by_id = actor.id
    bump(row, actor)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="appeal.ruling", entity_type="application",
                 entity_id=app.id, details={"appeal": row.id, "ruling": ruling.value})
    return appeal_view(session, actor=actor, appeal_id=row.id)


def withdraw_appeal(session: Session, *, actor: Actor, appeal_id: int, reason: str,
                    expected_case_version: int | None = None) -> None:
    require(actor, Action.APPEAL_MANAGE, entity_type="appeal", entity_id=appeal_id,
            attempted="appeal.withdraw")
    row, app = _appeal(session, actor, Action.CASE_TRANSITION, appeal_id)
    transition(session, actor=actor, application_id=app.id, action="withdraw_review",
               data=TransitionInput(reason=reason), expected_version=expected_case_version)
    row.ruling = ReviewRuling.WITHDRAWN.value
    row.ruling_gist = (reason or "").strip()
    row.ruled_at = clock.now_utc()
    row.ruled_by_id = actor.id
    bump(row, actor)
    session.add(row)
    session.flush()


__all__ = [
    "record_ruling",
    "withdraw_appeal",
]
