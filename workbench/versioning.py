"""Optimistic concurrency: the error for a save made from an outdated version."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from models import User
from workbench.errors import StaleEdit


def stale_edit(session: Session, entity: str, row: Any, expected: int,
               attempted: dict) -> StaleEdit:
    """``StaleEdit`` for ``row`` (any record with version, updated_at and updated_by_id),
    naming who made the newer change and when."""
    user = session.get(User, row.updated_by_id) if row.updated_by_id is not None else None
    return StaleEdit(entity=entity, expected_version=expected, current_version=row.version,
                     changed_by=user.display_name if user else None,
                     changed_at=row.updated_at, attempted=attempted)
