"""Fixtures for the COI library tests: a private file store, and the sample library
(data/coi) ingested once per database through the real pipeline, then copied per test."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from tests.conftest import PG_URL, Staff, _drop_pg, _make_staff, _pg_engine, _sqlite_engine
from workbench.core.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, coi_store_dir=tmp_path / "store",
                    coi_extract_timeout_seconds=60, coi_extract_memory_mb=256, coi_workers=2)


@dataclass
class Library:
    engine: Engine
    settings: Settings
    staff: Staff
    outcomes: list


_TEMPLATES: dict[str, tuple] = {}
#: The library's modules that read the settings: each is given the test's own.
_SETTINGS_READERS = ("ingestion", "search", "documents", "citations", "suggestions")


def _build(engine: Engine, store: Path, monkeypatch_target) -> tuple[Staff, list]:  # noqa: ANN001
    from workbench.demo.coi_samples import load_coi_samples
    from workbench.library import ingestion

    settings = Settings(data_dir=store.parent, coi_store_dir=store, coi_workers=2)
    original = ingestion.get_settings
    ingestion.get_settings = lambda: settings
    try:
        outcomes = load_coi_samples(engine)
    finally:
        ingestion.get_settings = original
    return _make_staff(engine), outcomes


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def library(request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path,
            tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """A database holding the sample library and the test staff, with its file store."""
    backend = request.param
    if backend not in _TEMPLATES:
        store = tmp_path_factory.mktemp(f"coi-{backend}") / "store"
        if backend == "sqlite":
            base = tmp_path_factory.mktemp("coi-sqlite-template")
            eng = _sqlite_engine(sqlite_template, base)
            staff, outcomes = _build(eng, store, monkeypatch)
            eng.dispose()
            _TEMPLATES[backend] = (base / "workbench.core.db", store, staff, outcomes)
        else:
            template = request.getfixturevalue("pg_template")
            if template is None:
                pytest.skip("PostgreSQL not available (set WORKBENCH_TEST_POSTGRES_URL)")
            eng, name = _pg_engine(template)
            staff, outcomes = _build(eng, store, monkeypatch)
            eng.dispose()
            _TEMPLATES[backend] = (name, store, staff, outcomes)
    source, store, staff, outcomes = _TEMPLATES[backend]
    settings = Settings(data_dir=tmp_path, coi_store_dir=store,
                        coi_extract_timeout_seconds=60, coi_extract_memory_mb=256, coi_workers=2)
    for module in _SETTINGS_READERS:
        monkeypatch.setattr(f"workbench.library.{module}.get_settings", lambda: settings)
    if backend == "sqlite":
        path = tmp_path / "library.db"
        shutil.copy(source, path)
        from workbench.core.db import make_engine

        engine = make_engine(f"sqlite:///{path}")
        yield Library(engine, settings, staff, outcomes)
        engine.dispose()
        return
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:  # no one may be connected to a template while it is copied
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": source})
    admin.dispose()
    engine, name = _pg_engine(source)
    yield Library(engine, settings, staff, outcomes)
    engine.dispose()
    _drop_pg(name)
