"""Migrations apply cleanly, are idempotent, and an unmigrated database is refused with
the command to run."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from workbench.db import current_revision, ensure_migrated, head_revision, make_engine, upgrade
from workbench.errors import DatabaseNotMigrated


def test_unmigrated_database_is_refused_with_the_command(tmp_path) -> None:  # noqa: ANN001
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(DatabaseNotMigrated, match="workbench db upgrade"):
        ensure_migrated(engine)
    engine.dispose()


def test_upgrade_is_idempotent(tmp_path) -> None:  # noqa: ANN001
    url = f"sqlite:///{tmp_path / 'wb.db'}"
    upgrade(url)
    upgrade(url)
    engine = make_engine(url)
    assert current_revision(engine) == head_revision()
    ensure_migrated(engine)
    tables = set(inspect(engine).get_table_names())
    assert {"person", "application", "status_event", "user", "audit_event",
            "audit_head"} <= tables
    engine.dispose()


def test_schema_matches_models(engine) -> None:  # noqa: ANN001
    """No model change is missing a migration (autogenerate finds nothing to do)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    import models  # noqa: F401
    from workbench.db import include_schema_object

    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_schema_object})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []


def test_milestones_are_backfilled_from_events(tmp_path) -> None:  # noqa: ANN001
    """Cases that existed before the milestone columns get them from their events."""
    from datetime import UTC, date, datetime

    from sqlalchemy import MetaData, insert

    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0001")
    engine = make_engine(url)
    meta = MetaData()
    meta.reflect(engine)
    person, application, event = (meta.tables[n] for n in ("person", "application",
                                                            "status_event"))
    with engine.begin() as conn:
        conn.execute(insert(person).values(
            id=1, family_name="Perera", given_names="Nimal", sex="M", nationality="LKA",
            aliases=[], languages=[], version=1, created_at=datetime.now(UTC),
            updated_at=datetime.now(UTC)))
        conn.execute(insert(application).values(
            id=1, case_number="TOK-2024-0000001", person_id=1, application_number=1,
            application_type="REFUGEE", lodged_date=date(2024, 1, 10), office="TOKYO",
            residence_status_at_filing="TEMPORARY_VISITOR", activities_ceased=False,
            removal_procedure=False, detained=False, claim_narrative="", claim_language="en",
            reasonable_grounds_materials=False, sorting_category="D2",
            residence_measure="DA_3M_NO_WORK", removal_suspension="SUSPENDED", state="RULED",
            version=1, created_at=datetime.now(UTC), updated_at=datetime.now(UTC)))
        steps = [
            ("register", datetime(2024, 1, 10, 1, 0)),
            ("confirm_sorting", datetime(2024, 2, 29, 15, 30)),   # 1 March in Tokyo
            ("serve_notice", datetime(2024, 6, 3, 2, 0)),
            ("file_review", datetime(2024, 6, 7, 2, 0)),
            ("record_ruling", datetime(2024, 12, 20, 2, 0)),
        ]
        for i, (action, when) in enumerate(steps, start=1):
            conn.execute(insert(event).values(id=i, application_id=1, action=action,
                                              to_state="X", occurred_at=when))
    engine.dispose()
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        values = conn.exec_driver_sql(
            "SELECT sorted_on, decided_on, review_filed_on, ruled_on FROM application").one()
    assert [date.fromisoformat(v) for v in values] == [
        date(2024, 3, 1), date(2024, 6, 3), date(2024, 6, 7), date(2024, 12, 20)]
    engine.dispose()


def test_person_name_readings_are_added_and_removed(tmp_path) -> None:  # noqa: ANN001
    """0014 adds the katakana reading, the kanji name and the search key; people registered
    before it keep their rows, with no reading and an empty key; going back drops them."""
    from datetime import UTC, datetime

    from alembic import command
    from sqlalchemy import MetaData, insert

    from workbench.db import alembic_config

    url = f"sqlite:///{tmp_path / 'readings.db'}"
    upgrade(url, "0013")
    engine = make_engine(url)
    assert "name_kana" not in {c["name"] for c in inspect(engine).get_columns("person")}
    meta = MetaData()
    meta.reflect(engine)
    with engine.begin() as conn:
        conn.execute(insert(meta.tables["person"]).values(
            id=1, family_name="Nguyen", given_names="Van An", sex="M", nationality="VNM",
            aliases=[], languages=[], version=1, created_at=datetime.now(UTC),
            updated_at=datetime.now(UTC)))
    engine.dispose()

    upgrade(url, "0014")
    engine = make_engine(url)
    columns = {c["name"] for c in inspect(engine).get_columns("person")}
    assert {"name_kana", "name_kanji", "name_reading_key"} <= columns
    with engine.connect() as conn:
        row = conn.exec_driver_sql(
            "SELECT family_name, name_kana, name_kanji, name_reading_key FROM person").one()
    assert tuple(row) == ("Nguyen", None, None, "")
    engine.dispose()

    command.downgrade(alembic_config(url), "0013")
    engine = make_engine(url)
    columns = {c["name"] for c in inspect(engine).get_columns("person")}
    assert not {"name_kana", "name_kanji", "name_reading_key"} & columns
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT family_name FROM person").scalar_one() == "Nguyen"
    engine.dispose()
