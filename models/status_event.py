"""One row per workflow transition of a case: the source of every processing time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlmodel import Field, SQLModel

from models.enums import CaseState
from models.types import UTCDateTime, utcnow


class StatusEvent(SQLModel, table=True):
    __tablename__ = "status_event"
    __table_args__ = (
        Index("ix_status_event_application_time", "application_id", "occurred_at"),
        Index("ix_status_event_action_application", "action", "application_id", "occurred_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id")
    action: str = Field(max_length=40, sa_type=String(40))
    from_state: CaseState | None = Field(default=None, sa_type=String(24))
    to_state: CaseState = Field(sa_type=String(24))
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    reason: str | None = Field(default=None, sa_type=Text)
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class StatusEventRead(SQLModel):
    id: int
    application_id: int
    action: str
    from_state: CaseState | None
    to_state: CaseState
    actor_id: int | None
    actor_name: str | None = None
    reason: str | None
    occurred_at: datetime
