"""Online backup while the app writes, and restore with integrity and audit chain intact."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from sqlalchemy import func, select

from models import Application, AuditEvent, CaseState
from tests.conftest import insert_case
from workbench.core import audit
from workbench.core.actor import Actor
from workbench.core.backup import backup, restore
from workbench.core.db import make_engine, unit_of_work
from workbench.core.errors import ValidationError
from workbench.core.workflow import TransitionInput, transition


def test_backup_during_writes_restores_with_chain_verifying(sqlite_engine, sqlite_staff,
                                                            tmp_path) -> None:  # noqa: ANN001
    engine, staff = sqlite_engine, sqlite_staff
    case_ids = [insert_case(engine, state=CaseState.UNDER_EXAMINATION, inquirer=staff.inquirer)
                for _ in range(40)]
    stop = threading.Event()
    written: list[int] = []
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for case_id in case_ids:
                if stop.is_set():
                    break
                with unit_of_work(engine) as s:
                    transition(s, actor=staff.inquirer, application_id=case_id,
                               action="withdraw", data=TransitionInput(reason="left"))
                written.append(case_id)
                time.sleep(0.005)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    time.sleep(0.03)
    report = backup(engine, tmp_path / "snap.db", actor=Actor.system("test"))
    thread.join()
    assert not errors and len(written) == 40
    assert report.integrity == "ok" and report.chain.ok

    # The live database went on after the snapshot; restoring brings back the snapshot.
    restored_path = tmp_path / "restored.db"
    sqlite3.connect(restored_path).close()
    target = make_engine(f"sqlite:///{restored_path}")
    result = restore(target, tmp_path / "snap.db", actor=Actor.system("test"))
    assert result.integrity == "ok" and result.chain.ok
    with unit_of_work(target, write=False) as s:
        final = s.execute(select(func.count()).select_from(Application)
                          .where(Application.state == CaseState.FINAL)).scalar_one()
        actions = s.execute(select(AuditEvent.action).order_by(AuditEvent.seq)).scalars().all()
    assert final <= 40 and actions[-1] == "db.restore" and "db.backup" in actions
    target.dispose()


def test_backup_refuses_to_overwrite(sqlite_engine, tmp_path) -> None:  # noqa: ANN001
    (tmp_path / "exists.db").write_bytes(b"x")
    with pytest.raises(ValidationError, match="already exists"):
        backup(sqlite_engine, tmp_path / "exists.db", actor=Actor.system("test"))


def test_restore_refuses_a_file_that_is_not_a_database(sqlite_engine, tmp_path) -> None:  # noqa: ANN001
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"MZ\x90\x00 this is not sqlite")
    with pytest.raises(ValidationError, match="not a SQLite database"):
        restore(sqlite_engine, bogus, actor=Actor.system("test"))


def test_restore_refuses_a_backup_whose_chain_is_broken(sqlite_engine, sqlite_staff,
                                                         tmp_path) -> None:  # noqa: ANN001
    with unit_of_work(sqlite_engine) as s:
        audit.record(s, actor=sqlite_staff.manager, action="test.entry")
    report = backup(sqlite_engine, tmp_path / "snap.db", actor=Actor.system("test"))
    assert report.chain.ok
    conn = sqlite3.connect(tmp_path / "snap.db")
    conn.execute("DROP TRIGGER audit_event_no_update")
    conn.execute("UPDATE audit_event SET action = 'test.forged' WHERE seq = 1")
    conn.commit()
    conn.close()
    with pytest.raises(ValidationError, match="audit log does not verify"):
        restore(sqlite_engine, tmp_path / "snap.db", actor=Actor.system("test"))


def test_backup_is_for_sqlite_only(engine) -> None:  # noqa: ANN001
    if engine.dialect.name == "sqlite":
        pytest.skip("the PostgreSQL case")
    with pytest.raises(ValidationError, match="pg_dump"):
        backup(engine, "/tmp/never.db", actor=Actor.system("test"))


def _actions(engine) -> list[str]:  # noqa: ANN001
    with unit_of_work(engine, write=False) as s:
        return s.execute(select(AuditEvent.action).order_by(AuditEvent.seq)).scalars().all()


def test_restore_refuses_a_backup_older_than_the_live_chain_and_says_what_would_be_lost(
        sqlite_engine, sqlite_staff, tmp_path) -> None:  # noqa: ANN001
    engine = sqlite_engine
    backup(engine, tmp_path / "old.db", actor=Actor.system("test"))
    for n in range(3):
        with unit_of_work(engine) as s:
            audit.record(s, actor=sqlite_staff.manager, action="test.later", details={"n": n})
    with unit_of_work(engine) as s:
        audit.record(s, actor=sqlite_staff.manager, action="test.other")
    before = _actions(engine)

    with pytest.raises(ValidationError) as refused:
        restore(engine, tmp_path / "old.db", actor=Actor.system("test"))
    message = str(refused.value)
    assert "erase 4 audit events" in message and "--force" in message
    assert "test.later × 3" in message and "test.other × 1" in message
    assert message.count(" UTC") == 2  # from ... to ...
    assert _actions(engine) == before  # nothing replaced


def test_forced_restore_proceeds_and_its_audit_entry_records_what_was_lost(
        sqlite_engine, sqlite_staff, tmp_path) -> None:  # noqa: ANN001
    import json

    engine = sqlite_engine
    backup(engine, tmp_path / "old.db", actor=Actor.system("test"))
    kept = _actions(engine)
    with unit_of_work(engine) as s:
        audit.record(s, actor=sqlite_staff.manager, action="test.later")
    report = restore(engine, tmp_path / "old.db", actor=Actor.system("test"), force=True)
    assert report.chain.ok
    assert _actions(engine) == [*kept, "db.restore"]
    with unit_of_work(engine, write=False) as s:
        last = s.execute(select(AuditEvent).order_by(AuditEvent.seq.desc())).scalars().first()
    details = json.loads(last.details)
    assert details["forced"] is True
    assert details["lost_audit_events"]["count"] == 1
    assert details["lost_audit_events"]["by_action"] == {"test.later": 1}


def test_restoring_a_backup_as_new_as_the_live_chain_needs_no_force(
        sqlite_engine, tmp_path) -> None:  # noqa: ANN001
    backup(sqlite_engine, tmp_path / "now.db", actor=Actor.system("test"))
    report = restore(sqlite_engine, tmp_path / "now.db", actor=Actor.system("test"))
    assert report.chain.ok and _actions(sqlite_engine)[-1] == "db.restore"
