"""Online backup and restore of the SQLite database.

The backup uses SQLite's online backup API in a single step, so it is a consistent snapshot
even while the app keeps writing (WAL lets writers go on). A restore checks the backup's
integrity and audit chain before it replaces anything.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from workbench import audit
from workbench.actor import Actor
from workbench.db import make_engine, unit_of_work
from workbench.errors import ValidationError


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


def restore(engine: Engine, source_file: Path, *, actor: Actor) -> BackupReport:
    """Replace the database's content with a backup. Stop the app first."""
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
        audit.record(session, actor=actor, action="db.restore",
                     details={"file": source_file.name})
    integrity, chain = check_file(target_path)
    return BackupReport(target_path, target_path.stat().st_size, integrity, chain)
