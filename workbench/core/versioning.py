"""Optimistic concurrency: the error for a save made from an outdated version."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from models import User
from workbench.core.actor import Actor
from workbench.core.errors import StaleEdit


def stale_edit(session: Session, entity: str, row: Any, expected: int,
               attempted: dict) -> StaleEdit:
    """``StaleEdit`` for ``row`` (any record with version, updated_at and updated_by_id),
    naming who made the newer change and when."""
    user = session.get(User, row.updated_by_id) if row.updated_by_id is not None else None
    return StaleEdit(entity=entity, expected_version=expected, current_version=row.version,
                     changed_by=user.display_name if user else None,
                     changed_at=row.updated_at, attempted=attempted)


def bump(row: Any, actor: Actor, at: datetime | None = None) -> None:
    """A new version of an edited row (``version``, ``updated_at``, ``updated_by_id``), made
    by ``actor`` at ``at`` (now by default)."""
    from workbench.core import clock

    row.version += 1
    row.updated_at = at or clock.now_utc()
    row.updated_by_id = actor.id
