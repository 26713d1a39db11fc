"""The append-only, hash-chained audit log.

Rows are never updated or deleted (database triggers refuse it). Each row's ``hash`` is the
SHA-256 of a canonical JSON of its fields including ``prev_hash``, so editing, deleting or
reordering rows breaks the chain at the first affected entry. ``AuditHead`` holds the
sequence number and hash of the newest entry; appending locks it, which serialises appends.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow

GENESIS_HASH = "0" * 64


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_entity", "entity_type", "entity_id"),
        Index("ix_audit_event_actor", "actor_id", "occurred_at"),
    )

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor_id: int | None = None
    actor_username: str | None = Field(default=None, max_length=64)
    action: str = Field(max_length=64, sa_type=String(64))
    entity_type: str | None = Field(default=None, max_length=32)
    entity_id: str | None = Field(default=None, max_length=64)
    outcome: str = Field(default="ok", max_length=16)
    details: str = Field(default="{}", sa_type=Text)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    __tablename__ = "audit_head"

    id: int = Field(default=1, primary_key=True)
    seq: int = 0
    hash: str = Field(default=GENESIS_HASH, max_length=64)
