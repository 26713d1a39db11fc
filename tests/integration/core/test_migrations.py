"""Migrations apply cleanly, are idempotent, and an unmigrated database is refused with
the command to run."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from workbench.core.db import (
    current_revision,
    ensure_migrated,
    head_revision,
    make_engine,
    upgrade,
)
from workbench.core.errors import DatabaseNotMigrated

#: The revision before citations became unique per case and passage (0016).
BEFORE_CITATIONS_ONCE = "0015"


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
    from workbench.core.db import include_schema_object

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

    from workbench.core.db import alembic_config

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


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:  # noqa: ANN001
    """The URL of an empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    from tests.conftest import PG_URL, _drop_pg

    if not PG_URL:
        pytest.skip("PostgreSQL not available (set WORKBENCH_TEST_POSTGRES_URL)")
    name = f"wb_mig_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    _drop_pg(name)


def test_repeated_citations_are_merged_before_the_passage_is_made_unique(empty_url) -> None:  # noqa: ANN001
    """0016: in each case the earliest citation of a passage is kept, a later one marked
    removed with the reason (still in the record), the ratings and drafts that named it name
    the kept one, a final decision keeps what it was made with, each merge is audited, and
    the database then refuses a second citation in force."""
    from datetime import UTC, date, datetime, timedelta

    from sqlalchemy import MetaData, insert
    from sqlalchemy.exc import IntegrityError

    from workbench.core import audit
    from workbench.core.db import unit_of_work

    url = empty_url
    upgrade(url, BEFORE_CITATIONS_ONCE)
    engine = make_engine(url)
    meta = MetaData()
    meta.reflect(engine)
    tables = meta.tables
    now = datetime(2025, 3, 1, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(insert(tables["user"]).values(
            id=1, username="inq", display_name="Ines", role="inquirer", password_hash="x",
            is_active=True, version=1, created_at=now, updated_at=now))
        conn.execute(insert(tables["person"]).values(
            id=1, family_name="Perera", given_names="Nimal", sex="M", nationality="LKA",
            aliases=[], languages=[], version=1, created_at=now, updated_at=now))
        conn.execute(insert(tables["application"]).values(
            id=1, case_number="TOK-2025-0000001", person_id=1, application_number=1,
            application_type="REFUGEE", lodged_date=date(2025, 1, 10), office="TOKYO",
            residence_status_at_filing="TEMPORARY_VISITOR", activities_ceased=False,
            removal_procedure=False, detained=False, claim_narrative="", claim_language="en",
            reasonable_grounds_materials=False, sorting_category="D2",
            residence_measure="DA_3M_NO_WORK", removal_suspension="SUSPENDED",
            state="DECISION_DRAFTED", version=1,
            created_at=now, updated_at=now))
        conn.execute(insert(tables["coi_document"]).values(
            id=1, sha256="0" * 64, title="Report", file_name="r.txt", media_type="txt",
            size_bytes=10, passage_count=2, series_key="r", edition=1, language="en",
            metadata_notes="{}", ingested_at=now, version=1, updated_at=now))
        for pid in (1, 2):
            conn.execute(insert(tables["coi_passage"]).values(
                id=pid, document_id=1, paragraph=pid, section="", text=f"Passage {pid}",
                index_text=f"passage {pid}", topics="", facet_terms=""))
        # Passage 1 cited three times (ids 10, 11, 12), passage 2 once (13); 14 repeats 13
        # but was removed already.
        cited = [(10, 1, 0, None), (11, 1, 1, None), (12, 1, 2, None), (13, 2, 0, None),
                 (14, 2, 1, now)]
        for cid, pid, minutes, removed in cited:
            conn.execute(insert(tables["coi_citation"]).values(
                id=cid, application_id=1, passage_id=pid, document_id=1, purpose="finding",
                finding="f", quote=f"Passage {pid}", reference="ref",
                accessed_on=date(2025, 3, 1), created_by_id=1,
                created_at=now + timedelta(minutes=minutes), removed_at=removed))
        stamps = {"version": 1, "created_at": now, "updated_at": now}
        conn.execute(insert(tables["assessment"]).values(
            id=1, application_id=1, humanitarian_considered=False,
            humanitarian_permission=False, **stamps))
        conn.execute(insert(tables["material_fact"]).values(
            id=1, assessment_id=1, position=1, statement="s", deleted=False, **stamps))
        conn.execute(insert(tables["credibility_rating"]).values(
            id=1, fact_id=1, indicator="external_consistency", rating="consistent",
            reason="", citation_ids=[11, 13, 10], updated_at=now))
        conn.execute(insert(tables["decision"]).values(
            id=1, application_id=1, number=1, status="DRAFT", outcome="RECOGNISED",
            reasons="r", citation_ids=[12, 13], drafted_by_id=1,
            humanitarian_permission=False, **stamps))
        conn.execute(insert(tables["decision"]).values(
            id=2, application_id=1, number=0, status="FINAL", outcome="RECOGNISED",
            reasons="r", citation_ids=[11], drafted_by_id=1,
            humanitarian_permission=False, **stamps))
    engine.dispose()

    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT id, removed_at IS NULL, removal_reason FROM coi_citation ORDER BY id").all()
        live = [r[0] for r in rows if r[1]]
        reasons = {r[0]: r[2] for r in rows}
        rating = conn.exec_driver_sql("SELECT citation_ids FROM credibility_rating").scalar_one()
        drafts = dict(conn.exec_driver_sql("SELECT id, citation_ids FROM decision").all())
        merges = conn.exec_driver_sql(
            "SELECT details FROM audit_event WHERE action = 'coi.cite.merge' ORDER BY seq").all()
    assert live == [10, 13]
    assert "citation 10" in reasons[11] and "citation 10" in reasons[12]
    assert _json(rating) == [10, 13]
    assert _json(drafts[1]) == [10, 13] and _json(drafts[2]) == [11]
    assert [json.loads(m[0])["citation"] for m in merges] == [11, 12]
    assert {json.loads(m[0])["kept"] for m in merges} == {10}
    with unit_of_work(engine, write=False) as session:
        assert audit.verify_chain(session).ok
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO coi_citation (application_id, passage_id, document_id, purpose, "
            "finding, quote, reference, accessed_on, created_at) VALUES (1, 1, 1, 'finding', "
            "'again', 'q', 'r', '2025-03-02', '2025-03-02 00:00:00')")
    engine.dispose()


def _json(value: object) -> object:
    return json.loads(value) if isinstance(value, str) else value
