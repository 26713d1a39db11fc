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

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, SQLModel.metadata)
    assert diff == []
