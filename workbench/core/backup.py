"""Online backup and restore of the SQLite database.

The backup uses SQLite's online backup API in a single step, so it is a consistent snapshot
even while the app keeps writing (WAL lets writers go on). A restore checks the backup's
integrity and audit chain before it replaces anything.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from workbench.core import audit
from workbench.core.actor import Actor
from workbench.core.db import make_engine, unit_of_work
from workbench.core.errors import ValidationError


@dataclass(frozen=True)
class BackupReport:
    path: Path
    bytes: int
    integrity: str
    chain: audit.ChainReport


def _sqlite_path(engine: Engine) -> Path:
    url = make_url(str(engine.url))
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise ValidationError(
            "Backup and restore work on the SQLite database file. For PostgreSQL use its own "
            "tools (pg_dump / pg_restore)."
        )
    return Path(url.database)


def check_file(path: Path) -> tuple[str, audit.ChainReport]:
    """Integrity check and audit-chain verification of a database file."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    engine = make_engine(f"sqlite:///{path}")
    try:
        with unit_of_work(engine, write=False) as session:
            chain = audit.verify_chain(session)
    finally:
        engine.dispose()
    return integrity, chain


@dataclass(frozen=True)
class LostEvents:
    """Audit entries of the live database that a backup lacks: a restore would erase them."""

    count: int = 0
    first_at: str | None = None
    last_at: str | None = None
    by_action: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        kinds = ", ".join(f"{action} × {n}" for action, n in
                          sorted(self.by_action.items(), key=lambda kv: (-kv[1], kv[0])))
        return (f"{self.count} audit event{'s' if self.count != 1 else ''} "
                f"from {self.first_at} to {self.last_at} ({kinds})")

    def as_details(self) -> dict[str, object]:
        return {"count": self.count, "from": self.first_at, "to": self.last_at,
                "by_action": dict(sorted(self.by_action.items()))}


def lost_audit_events(live: Path, backup_file: Path) -> LostEvents:
    """The live database's audit entries that the backup does not hold with the same hash
    (entries written after the backup was taken, or on a chain the backup does not share)."""
    if not live.is_file():
        return LostEvents()
    conn = sqlite3.connect(f"file:{live}?mode=ro", uri=True)
    try:
        has_log = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                               "AND name = 'audit_event'").fetchone()
        if not has_log:
            return LostEvents()
        conn.execute("ATTACH DATABASE ? AS bk", (f"file:{backup_file}?mode=ro",))
        rows = conn.execute(
            "SELECT l.action, count(*), min(l.occurred_at), max(l.occurred_at) "
            "FROM main.audit_event l WHERE NOT EXISTS (SELECT 1 FROM bk.audit_event b "
            "WHERE b.seq = l.seq AND b.hash = l.hash) GROUP BY l.action").fetchall()
    finally:
        conn.close()
    if not rows:
        return LostEvents()
    counts = Counter({action: n for action, n, _, _ in rows})
    return LostEvents(count=sum(counts.values()), first_at=_moment(min(r[2] for r in rows)),
                      last_at=_moment(max(r[3] for r in rows)), by_action=dict(counts))


def _moment(stored: str) -> str:
    """A stored UTC time as ``YYYY-MM-DD HH:MM UTC``."""
    return f"{str(stored)[:16].replace('T', ' ')} UTC"


def backup(engine: Engine, destination: Path, *, actor: Actor) -> BackupReport:
    source_path = _sqlite_path(engine)
    destination = Path(destination)
    if destination.exists():
        raise ValidationError(f"{destination} already exists; choose a new file name.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    with unit_of_work(engine) as session:
        audit.record(session, actor=actor, action="db.backup",
                     details={"file": destination.name})
    source = sqlite3.connect(source_path, timeout=30)
    target = sqlite3.connect(destination)
    try:
        source.backup(target)  # one step: a consistent snapshot
    finally:
        target.close()
        source.close()
    integrity, chain = check_file(destination)
    return BackupReport(destination, destination.stat().st_size, integrity, chain)


def restore(engine: Engine, source_file: Path, *, actor: Actor,
            force: bool = False) -> BackupReport:
    """Replace the database's content with a backup. Stop the app first.

    A backup that lacks audit entries the live database holds (it is older than the live
    chain's head) is refused, with what would be lost, unless ``force``; a forced restore
    records what it erased in its own audit entry."""
    target_path = _sqlite_path(engine)
    source_file = Path(source_file)
    if not source_file.is_file():
        raise ValidationError(f"No backup file at {source_file}.")
    with source_file.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise ValidationError(f"{source_file} is not a SQLite database.")
    integrity, chain = check_file(source_file)
    if integrity != "ok":
        raise ValidationError(f"The backup fails its integrity check: {integrity}")
    if not chain.ok:
        raise ValidationError(f"The backup's audit log does not verify: {chain.message()}")
    lost = lost_audit_events(target_path, source_file)
    if lost.count and not force:
        raise ValidationError(
            f"The backup is older than the live database: restoring it would erase "
            f"{lost.describe()}. Restore with --force to do so anyway.")
    engine.dispose()
    source = sqlite3.connect(source_file)
    target = sqlite3.connect(target_path, timeout=30)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    engine.dispose()
    with unit_of_work(engine) as session:
        details: dict[str, object] = {"file": source_file.name}
        if lost.count:
            details.update(forced=True, lost_audit_events=lost.as_details())
        audit.record(session, actor=actor, action="db.restore", details=details)
    integrity, chain = check_file(target_path)
    return BackupReport(target_path, target_path.stat().st_size, integrity, chain)
