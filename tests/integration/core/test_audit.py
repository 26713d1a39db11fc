"""The audit log: one entry per write in the same transaction, append-only, and a
verifier that names the first entry edited, removed or moved."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from models import AuditEvent, AuditHead, CaseState
from tests.conftest import insert_case
from workbench.core import audit
from workbench.core.db import unit_of_work
from workbench.core.workflow import transition
from workbench.intake.case_file import open_case


def _write_entries(engine, staff, n: int) -> None:  # noqa: ANN001
    for i in range(n):
        with unit_of_work(engine) as s:
            audit.record(s, actor=staff.manager, action="test.entry", entity_type="test",
                         entity_id=i, details={"n": i})


def _verify(engine) -> audit.ChainReport:  # noqa: ANN001
    with unit_of_work(engine, write=False) as s:
        return audit.verify_chain(s)


def _drop_triggers(engine) -> None:  # noqa: ANN001
    """What a database owner could do; the chain must still reveal the tampering."""
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER audit_event_no_update"))
            conn.execute(text("DROP TRIGGER audit_event_no_delete"))
        else:
            conn.execute(text("DROP TRIGGER audit_event_no_change ON audit_event"))


def test_intact_chain_verifies(engine, staff) -> None:  # noqa: ANN001
    _write_entries(engine, staff, 12)
    report = _verify(engine)
    assert report.ok and report.checked == 12 and report.head_seq == 12
    assert "intact" in report.message()


@pytest.mark.parametrize("statement", [
    "UPDATE audit_event SET details = '{}' WHERE seq = 2",
    "DELETE FROM audit_event WHERE seq = 2",
])
def test_triggers_refuse_update_and_delete(engine, staff, statement: str) -> None:  # noqa: ANN001
    _write_entries(engine, staff, 3)
    with pytest.raises(DBAPIError, match="append-only"):
        with engine.begin() as conn:
            conn.execute(text(statement))
    assert _verify(engine).ok


def test_edited_entry_is_named(engine, staff) -> None:  # noqa: ANN001
    _write_entries(engine, staff, 8)
    _drop_triggers(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET actor_username = 'someone.else' WHERE seq = 5"))
    report = _verify(engine)
    assert not report.ok and report.first_broken_seq == 5
    assert "entry 5" in report.message() and "changed" in report.message()


def test_deleted_entry_is_named(engine, staff) -> None:  # noqa: ANN001
    _write_entries(engine, staff, 8)
    _drop_triggers(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE seq = 4"))
    report = _verify(engine)
    assert not report.ok and report.first_broken_seq == 4
    assert "missing" in report.message()


def test_deleted_newest_entry_is_detected(engine, staff) -> None:  # noqa: ANN001
    _write_entries(engine, staff, 6)
    _drop_triggers(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE seq = 6"))
    report = _verify(engine)
    assert not report.ok and report.first_broken_seq == 6


def test_swapped_entries_are_named(engine, staff) -> None:  # noqa: ANN001
    _write_entries(engine, staff, 8)
    _drop_triggers(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET seq = -1 WHERE seq = 3"))
        conn.execute(text("UPDATE audit_event SET seq = 3 WHERE seq = 4"))
        conn.execute(text("UPDATE audit_event SET seq = 4 WHERE seq = -1"))
    report = _verify(engine)
    assert not report.ok and report.first_broken_seq == 3


def test_rehashed_edit_is_still_caught_by_the_next_link(engine, staff) -> None:  # noqa: ANN001
    """Rewriting one entry and recomputing its own hash breaks the next entry's link."""
    _write_entries(engine, staff, 5)
    _drop_triggers(engine)
    with unit_of_work(engine, write=False) as s:
        row = s.get(AuditEvent, 3)
        forged = audit.entry_hash(seq=3, occurred_at=row.occurred_at, actor_id=row.actor_id,
                                  actor_username="forger", action=row.action,
                                  entity_type=row.entity_type, entity_id=row.entity_id,
                                  outcome=row.outcome, details=row.details,
                                  prev_hash=row.prev_hash)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET actor_username = 'forger', hash = :h "
                          "WHERE seq = 3"), {"h": forged})
    report = _verify(engine)
    assert not report.ok and report.first_broken_seq == 4


def test_rolled_back_action_leaves_no_entry(engine, staff) -> None:  # noqa: ANN001
    _write_entries(engine, staff, 2)
    with pytest.raises(RuntimeError):
        with unit_of_work(engine) as s:
            audit.record(s, actor=staff.manager, action="test.doomed")
            raise RuntimeError("the action failed after auditing")
    with unit_of_work(engine, write=False) as s:
        assert s.execute(select(func.count()).select_from(AuditEvent)).scalar_one() == 2
        assert s.get(AuditHead, 1).seq == 2
    assert _verify(engine).ok


def test_each_write_has_exactly_one_entry_in_its_transaction(engine, staff) -> None:  # noqa: ANN001
    case_id = insert_case(engine, state=CaseState.RECEIVED, inquirer=staff.inquirer)
    with unit_of_work(engine, write=False) as s:
        before = s.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    with unit_of_work(engine) as s:
        transition(s, actor=staff.inquirer, application_id=case_id, action="start_sorting")
    with unit_of_work(engine, write=False) as s:
        entries = s.execute(select(AuditEvent).where(AuditEvent.seq > before)).scalars().all()
    assert [(e.action, e.entity_id, e.outcome) for e in entries] == [
        ("case.transition.start_sorting", str(case_id), "ok")]


def test_opening_a_case_is_logged(engine, staff) -> None:  # noqa: ANN001
    case_id = insert_case(engine, state=CaseState.RECEIVED, inquirer=staff.inquirer)
    with unit_of_work(engine) as s:
        open_case(s, actor=staff.inquirer, application_id=case_id)
    with unit_of_work(engine, write=False) as s:
        last = s.execute(select(AuditEvent).order_by(AuditEvent.seq.desc())).scalars().first()
    assert (last.action, last.actor_id, last.entity_id) == (
        "case.open", staff.inquirer.id, str(case_id))


def test_concurrent_writers_keep_one_chain(engine, staff) -> None:  # noqa: ANN001
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            for i in range(15):
                with unit_of_work(engine) as s:
                    audit.record(s, actor=staff.manager, action="test.concurrent",
                                 details={"writer": k, "i": i})
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    report = _verify(engine)
    assert report.ok and report.checked == 60


def test_a_chain_rewritten_whole_is_caught_by_an_exported_head(engine, staff) -> None:  # noqa: ANN001
    """Someone able to drop the triggers could re-hash every entry; a head exported
    before the rewrite still exposes it."""
    _write_entries(engine, staff, 5)
    exported = _verify(engine)
    anchor = (exported.head_seq, exported.head_hash)
    assert _verify_with(engine, anchor).ok
    _drop_triggers(engine)
    # Rewrite entry 2 and re-hash it and everything after it, as a forger would.
    with unit_of_work(engine, write=False) as s:
        rows = s.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars().all()
        prev = rows[0].hash
        forged = []
        for row in rows[1:]:
            who = "forger" if row.seq == 2 else row.actor_username
            digest = audit.entry_hash(seq=row.seq, occurred_at=row.occurred_at,
                                      actor_id=row.actor_id, actor_username=who,
                                      action=row.action, entity_type=row.entity_type,
                                      entity_id=row.entity_id, outcome=row.outcome,
                                      details=row.details, prev_hash=prev)
            forged.append((row.seq, who, prev, digest))
            prev = digest
    with engine.begin() as conn:
        for seq, who, prev_hash, digest in forged:
            conn.execute(text("UPDATE audit_event SET actor_username = :w, prev_hash = :p, "
                              "hash = :h WHERE seq = :s"),
                         {"w": who, "p": prev_hash, "h": digest, "s": seq})
        conn.execute(text("UPDATE audit_head SET hash = :h WHERE id = 1"), {"h": prev})
    assert _verify(engine).ok  # the rewrite is self-consistent...
    report = _verify_with(engine, anchor)  # ...but not against the exported head
    assert not report.ok and report.first_broken_seq == 5
    assert "exported" in report.message()


def _verify_with(engine, anchor) -> audit.ChainReport:  # noqa: ANN001
    with unit_of_work(engine, write=False) as s:
        return audit.verify_chain(s, anchor=anchor)


def _missing(engine) -> list[str]:  # noqa: ANN001
    with unit_of_work(engine, write=False) as s:
        return audit.missing_protections(s)


def test_a_migrated_database_has_every_protective_trigger(engine) -> None:  # noqa: ANN001
    assert _missing(engine) == []


def test_a_dropped_trigger_is_reported_as_missing(engine) -> None:  # noqa: ANN001
    _drop_triggers(engine)
    missing = " ".join(_missing(engine))
    if engine.dialect.name == "sqlite":
        assert "audit_event_no_update" in missing and "audit_event_no_delete" in missing
    else:
        assert "audit_event_no_change" in missing
        assert "audit_event_no_truncate" not in missing


def test_a_disabled_or_defused_trigger_counts_as_missing(engine) -> None:  # noqa: ANN001
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER audit_event_no_delete"))
            conn.execute(text("CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON "
                              "audit_event BEGIN SELECT 1; END"))
        else:
            conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_truncate"))
    missing = " ".join(_missing(engine))
    name = "audit_event_no_delete" if engine.dialect.name == "sqlite" else "audit_event_no_truncate"
    assert name in missing
