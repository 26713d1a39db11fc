"""Milestone dates of a case, written by the workflow from its status events.

Each milestone is the office-local date of the event that reached it (never a date a user
types), kept on the application so that processing-time figures over a national caseload
are simple column arithmetic. The events stay the record; ``tests`` check the two agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

MILESTONE_COLUMNS = ("sorted_on", "decided_on", "review_filed_on", "ruled_on")

#: First confirmation of the sorting, first notice of decision.
_FIRST = {"confirm_sorting": "sorted_on", "serve_notice": "decided_on"}
_REVIEW_FILED = ("file_review", "file_review_inaction")
_RULED = ("record_ruling", "withdraw_review")


def milestone_updates(current: Mapping[str, date | None], action: str,
                      day: date) -> dict[str, date | None]:
    """Column updates that ``action`` on ``day`` makes to a case whose milestones are
    ``current``. A new review restarts the review clock; the first sorting and the first
    decision are kept."""
    column = _FIRST.get(action)
    if column is not None:
        return {} if current.get(column) is not None else {column: day}
    if action in _REVIEW_FILED:
        return {"review_filed_on": day, "ruled_on": None}
    if action in _RULED:
        return {"ruled_on": day}
    return {}
