"""Database engine and unit of work, for SQLite (default) and PostgreSQL.

SQLite connections get WAL journalling, a busy timeout and foreign keys on every connect.
Write units of work start with ``BEGIN IMMEDIATE`` on SQLite so that a transaction that
reads and then writes never fails half-way on a lock upgrade; PostgreSQL serialises the
writers that matter (the audit chain) with a row lock.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.engine import make_url
from sqlmodel import Session

from workbench.core.errors import DatabaseNotMigrated, WorkbenchError
from workbench.core.settings import Settings, get_settings

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


#: Full-text search objects each database keeps beside the models (see migration 0003):
#: schema comparison leaves them alone.
SEARCH_INDEX_OBJECTS = frozenset({
    "coi_passage_fts", "tsv_body", "tsv_facets",
    "ix_coi_passage_tsv_body", "ix_coi_passage_tsv_facets",
})


def include_schema_object(obj, name, type_, reflected, compare_to) -> bool:  # noqa: ANN001
    """Alembic ``include_object`` hook: skip the search index objects of migration 0003."""
    if reflected and compare_to is None and name is not None:
        if name in SEARCH_INDEX_OBJECTS or name.startswith("coi_passage_fts_"):
            return False
    return True


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str | None = None, settings: Settings | None = None) -> Engine:
    """Create an engine for ``url`` (default: the configured database)."""
    settings = settings or get_settings()
    url = url or settings.resolved_database_url
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, pool_pre_ping=False
        )
        busy_ms = settings.sqlite_busy_timeout_ms

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection, _record):  # noqa: ANN001
            # Take transaction control from the driver so that BEGIN is ours to emit.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):  # noqa: ANN001
            immediate = conn.get_execution_options().get("workbench_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for ``url`` (default: the configured database)."""
    key = url or get_settings().resolved_database_url
    with _engines_lock:
        engine = _engines.get(key)
        if engine is None:
            engine = make_engine(key)
            _engines[key] = engine
        return engine


def dispose_engines() -> None:
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


@contextmanager
def unit_of_work(engine: Engine | None = None, *, write: bool = True) -> Iterator[Session]:
    """One transaction: committed when the block ends normally, rolled back on any error."""
    engine = engine or get_engine()
    bind = engine.execution_options(workbench_write=True) if write else engine
    session = Session(bind=bind, expire_on_commit=False)
    try:
        yield session
        if write:
            session.commit()
        # A read-only unit is not committed: closing it returns the connection, whose
        # transaction is rolled back, while objects already loaded stay readable.
    except WorkbenchError as exc:
        session.rollback()
        session.close()
        if exc.audit is not None:
            _record_refusal(engine, exc.audit)
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def present(session: Session, column, values: Iterable) -> set:  # noqa: ANN001
    """Which of ``values`` occur in ``column``, asked in chunks that every database takes."""
    wanted = sorted(set(values))
    found: set = set()
    for start in range(0, len(wanted), 500):
        found.update(session.execute(
            select(column).where(column.in_(wanted[start:start + 500]))).scalars())
    return found


def _record_refusal(engine: Engine, entry: dict) -> None:
    from workbench.core import audit

    with unit_of_work(engine) as session:
        audit.record(session, **entry)


def migrations_dir() -> Path:
    return Path(__file__).resolve().parents[1] / "migrations"


def alembic_config(url: str | None = None):  # noqa: ANN201
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("sqlalchemy.url", url or get_settings().resolved_database_url)
    return config


def upgrade(url: str | None = None, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrated_engine() -> Engine:
    """The configured database's engine, once its schema is known to be current (the
    command line's way in)."""
    engine = get_engine()
    ensure_migrated(engine)
    return engine


def ensure_migrated(engine: Engine | None = None) -> None:
    """Refuse to work on a database whose schema is not at the latest migration."""
    engine = engine or get_engine()
    current = current_revision(engine)
    head = head_revision()
    if current != head:
        state = "has no workbench schema" if current is None else f"is at revision {current}"
        raise DatabaseNotMigrated(
            f"The database {engine.url.render_as_string(hide_password=True)} {state}; "
            f"the workbench needs revision {head}. Run `workbench db upgrade` (or `make run`)."
        )
