"""Writing and verifying the hash-chained audit log.

``record`` appends one entry inside the caller's transaction, so an action and its audit
entry commit or roll back together. ``verify_chain`` walks the log in order and names the
first entry that was edited, removed or moved.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, text
from sqlmodel import Session

from models.audit import GENESIS_HASH, AuditEvent, AuditHead
from models.types import as_utc, utcnow

if TYPE_CHECKING:
    from workbench.core.actor import Actor


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _timestamp(moment: datetime) -> str:
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(
    *,
    seq: int,
    occurred_at: datetime,
    actor_id: int | None,
    actor_username: str | None,
    action: str,
    entity_type: str | None,
    entity_id: str | None,
    outcome: str,
    details: str,
    prev_hash: str,
) -> str:
    payload = canonical_json(
        {
            "seq": seq,
            "occurred_at": _timestamp(occurred_at),
            "actor_id": actor_id,
            "actor_username": actor_username,
            "action": action,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "outcome": outcome,
            "details": details,
            "prev_hash": prev_hash,
        }
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    session: Session,
    *,
    actor: Actor | None,
    action: str,
    entity_type: str | None = None,
    entity_id: int | str | None = None,
    outcome: str = "ok",
    details: Mapping[str, Any] | None = None,
    username: str | None = None,
) -> AuditEvent:
    """Append one audit entry in the session's transaction.

    ``details`` must not hold personal data of applicants: name fields, not their values.
    """
    # Locking the head row serialises appends: the row lock on PostgreSQL, the write lock
    # (held from BEGIN IMMEDIATE) on SQLite.
    seq, prev_hash = session.execute(
        text("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
    ).one()
    entry = AuditEvent(
        seq=seq,
        occurred_at=utcnow(),
        actor_id=actor.id if actor else None,
        actor_username=(actor.username if actor else username),
        action=action,
        entity_type=entity_type,
        entity_id=None if entity_id is None else str(entity_id),
        outcome=outcome,
        details=canonical_json(dict(details or {})),
        prev_hash=prev_hash,
        hash="",
    )
    entry.hash = entry_hash(
        seq=entry.seq,
        occurred_at=entry.occurred_at,
        actor_id=entry.actor_id,
        actor_username=entry.actor_username,
        action=entry.action,
        entity_type=entry.entity_type,
        entity_id=entry.entity_id,
        outcome=entry.outcome,
        details=entry.details,
        prev_hash=entry.prev_hash,
    )
    session.add(entry)
    session.flush()
    session.execute(
        text("UPDATE audit_head SET hash = :hash WHERE id = 1"), {"hash": entry.hash}
    )
    return entry


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    head_seq: int
    first_broken_seq: int | None = None
    problem: str | None = None
    head_hash: str | None = None

    def message(self) -> str:
        if self.ok:
            # Keep the head (sequence and hash) somewhere the database owner cannot write:
            # a later verification against it shows whether the whole chain was rewritten.
            return (f"Audit chain intact: {self.checked} entries verified; "
                    f"head {self.head_seq}:{self.head_hash}")
        return f"Audit chain broken at entry {self.first_broken_seq}: {self.problem}"


def verify_chain(session: Session, *, batch_size: int = 5000,
                 anchor: tuple[int, str] | None = None) -> ChainReport:
    """Recompute every entry's hash in sequence order and check the links between them.

    ``anchor`` is a head exported earlier (sequence number, hash): the entry with that
    number must still carry that hash, which catches a chain rewritten and re-hashed whole
    by someone able to drop the triggers."""
    head = session.get(AuditHead, 1)
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    last_seq = 0
    while True:
        rows = session.execute(
            select(AuditEvent)
            .where(AuditEvent.seq >= expected_seq)
            .order_by(AuditEvent.seq)
            .limit(batch_size)
        ).scalars().all()
        if not rows:
            break
        for entry in rows:
            if entry.seq != expected_seq:
                return ChainReport(
                    False, checked, head_seq, expected_seq,
                    f"entry {expected_seq} is missing (next present is {entry.seq})",
                )
            if entry.prev_hash != prev_hash:
                return ChainReport(
                    False, checked, head_seq, entry.seq,
                    "it does not link to the entry before it (removed, reordered or rewritten)",
                )
            recomputed = entry_hash(
                seq=entry.seq,
                occurred_at=entry.occurred_at,
                actor_id=entry.actor_id,
                actor_username=entry.actor_username,
                action=entry.action,
                entity_type=entry.entity_type,
                entity_id=entry.entity_id,
                outcome=entry.outcome,
                details=entry.details,
                prev_hash=entry.prev_hash,
            )
            if recomputed != entry.hash:
                return ChainReport(False, checked, head_seq, entry.seq,
                                   "its content was changed after it was written")
            if anchor is not None and entry.seq == anchor[0] and entry.hash != anchor[1]:
                return ChainReport(False, checked, head_seq, entry.seq,
                                   "it does not match the head exported earlier; the log "
                                   "was rewritten from there on or before")
            prev_hash = entry.hash
            last_seq = entry.seq
            expected_seq += 1
            checked += 1
        session.expunge_all()
    if anchor is not None and anchor[0] > last_seq:
        return ChainReport(False, checked, head_seq, anchor[0],
                           f"the exported head {anchor[0]} is no longer in the log")
    if last_seq != head_seq:
        return ChainReport(
            False, checked, head_seq, last_seq + 1,
            f"the log ends at entry {last_seq} but {head_seq} entries were written",
        )
    if prev_hash != head_hash:
        return ChainReport(
            False, checked, head_seq, last_seq, "the newest entry does not match the recorded head"
        )
    return ChainReport(True, checked, head_seq, head_hash=head_hash)


def refuse(
    error: Exception,
    *,
    actor: Actor | None,
    action: str,
    entity_type: str | None = None,
    entity_id: int | str | None = None,
    outcome: str = "denied",
    details: Mapping[str, Any] | None = None,
    username: str | None = None,
) -> Exception:
    """Mark ``error`` so that the unit of work logs the refusal after rolling back."""
    error.audit = {
        "actor": actor,
        "action": action,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "outcome": outcome,
        "details": {"message": str(error), **dict(details or {})},
        "username": username,
    }
    return error


#: The triggers that make the audit log append-only (migration 0001), per database.
PROTECTIVE_TRIGGERS: dict[str, dict[str, str]] = {
    "sqlite": {"audit_event_no_update": "UPDATE", "audit_event_no_delete": "DELETE"},
    "postgresql": {"audit_event_no_change": "UPDATE OR DELETE",
                   "audit_event_no_truncate": "TRUNCATE"},
}


def missing_protections(session: Session) -> list[str]:
    """The append-only triggers of the audit table that are missing, disabled or no longer
    refuse the change (each named with what it guards); empty when the log is protected."""
    dialect = session.get_bind().dialect.name
    expected = PROTECTIVE_TRIGGERS.get(dialect, PROTECTIVE_TRIGGERS["postgresql"])
    present = (_sqlite_guards(session) if dialect == "sqlite" else _postgres_guards(session))
    return [f"{name} (refuses {verb} on audit_event)"
            for name, verb in expected.items() if name not in present]


def _sqlite_guards(session: Session) -> set[str]:
    """Names of the SQLite triggers on ``audit_event`` that abort the statement."""
    rows = session.execute(text(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
        "AND tbl_name = 'audit_event'")).all()
    return {name for name, sql in rows if "RAISE(ABORT" in (sql or "").upper().replace(" ", "")}


def _postgres_guards(session: Session) -> set[str]:
    """Names of the enabled PostgreSQL triggers on ``audit_event`` whose function raises."""
    rows = session.execute(text(
        "SELECT t.tgname, p.prosrc FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
        "WHERE t.tgrelid = to_regclass('audit_event') AND NOT t.tgisinternal "
        "AND t.tgenabled <> 'D'")).all()
    return {name for name, source in rows if "RAISE EXCEPTION" in (source or "").upper()}
