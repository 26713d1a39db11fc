"""Shared fixtures: migrated databases (SQLite file, PostgreSQL when available), users,
cases in any workflow state, and a controllable clock."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from models import Application, CaseState, Person, Role, StatusEvent, User
from workbench.core import clock
from workbench.core.actor import Actor
from workbench.core.auth import hash_password
from workbench.core.db import make_engine, unit_of_work, upgrade

PG_URL = os.environ.get("WORKBENCH_TEST_POSTGRES_URL")
REQUIRE_PG = os.environ.get("WORKBENCH_REQUIRE_POSTGRES") == "1"
PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template() -> str | None:
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("WORKBENCH_TEST_POSTGRES_URL is not set but PostgreSQL is required")
        return None
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = "wb_template"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    return name


def _sqlite_engine(template: Path, tmp_path: Path):  # noqa: ANN202
    path = tmp_path / "workbench.core.db"
    shutil.copy(template, path)
    return make_engine(f"sqlite:///{path}")


def _pg_engine(template: str):  # noqa: ANN202
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"wb_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    return make_engine(url), name


def _drop_pg(name: str) -> None:
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def module_database(request: pytest.FixtureRequest, sqlite_template: Path,
                    tmp_path_factory: pytest.TempPathFactory, prefix: str) -> Iterator:
    """A freshly migrated database on the backend ``request.param`` names ("sqlite" or
    "postgres"), for a module-scoped fixture; skipped without a PostgreSQL server."""
    if request.param == "sqlite":
        engine = _sqlite_engine(sqlite_template, tmp_path_factory.mktemp(prefix))
        name = None
    else:
        template = request.getfixturevalue("pg_template")
        if template is None:
            pytest.skip("PostgreSQL not available (set WORKBENCH_TEST_POSTGRES_URL)")
        engine, name = _pg_engine(template)
    try:
        yield engine
    finally:
        engine.dispose()
        if name:
            _drop_pg(name)


@pytest.fixture
def sqlite_engine(sqlite_template: Path, tmp_path: Path) -> Iterator:
    engine = _sqlite_engine(sqlite_template, tmp_path)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path) -> Iterator:
    """A freshly migrated database on each backend."""
    if request.param == "sqlite":
        eng = _sqlite_engine(sqlite_template, tmp_path)
        yield eng
        eng.dispose()
        return
    template = request.getfixturevalue("pg_template")
    if template is None:
        pytest.skip("PostgreSQL not available (set WORKBENCH_TEST_POSTGRES_URL)")
    eng, name = _pg_engine(template)
    yield eng
    eng.dispose()
    _drop_pg(name)


@dataclass
class Staff:
    inquirer: Actor
    inquirer2: Actor
    manager: Actor
    manager2: Actor
    counsellor: Actor
    admin: Actor


_PASSWORD_HASH: list[str] = []


def _password_hash() -> str:
    # Hashing with argon2 costs tens of milliseconds: do it once for every test account.
    if not _PASSWORD_HASH:
        _PASSWORD_HASH.append(hash_password(PASSWORD))
    return _PASSWORD_HASH[0]


def _make_staff(engine) -> Staff:  # noqa: ANN001
    spec = {
        "inquirer": ("inq.one", "Ines Inquirer", Role.INQUIRER),
        "inquirer2": ("inq.two", "Ivo Inquirer", Role.INQUIRER),
        "manager": ("mgr.one", "Mina Manager", Role.MANAGER),
        "manager2": ("mgr.two", "Max Manager", Role.MANAGER),
        "counsellor": ("cns.one", "Cora Counsellor", Role.COUNSELLOR),
        "admin": ("adm.one", "Ada Admin", Role.ADMIN),
    }
    actors = {}
    with unit_of_work(engine) as session:
        for key, (username, name, role) in spec.items():
            user = User(username=username, display_name=name, role=role, office="TOKYO",
                        password_hash=_password_hash())
            session.add(user)
            session.flush()
            actors[key] = Actor(id=user.id, username=user.username,
                                display_name=user.display_name, role=role)
    return Staff(**actors)


@pytest.fixture
def staff(engine) -> Staff:  # noqa: ANN001
    return _make_staff(engine)


@pytest.fixture
def sqlite_staff(sqlite_engine) -> Staff:  # noqa: ANN001
    return _make_staff(sqlite_engine)


def insert_case(
    engine,  # noqa: ANN001
    *,
    state: CaseState = CaseState.RECEIVED,
    inquirer: Actor | None = None,
    lodged: date = date(2024, 1, 15),
    nationality: str = "LKA",
    family_name: str = "Perera",
    **fields,
) -> int:
    """Put a case directly into ``state`` (test set-up, bypassing the workflow)."""
    defaults = {
        "application_type": "REFUGEE",
        "office": "TOKYO",
        "residence_status_at_filing": "TEMPORARY_VISITOR",
        "claim_narrative": "I fear that I will be harmed if I return.",
        "application_number": 1,
    }
    defaults.update(fields)
    with unit_of_work(engine) as session:
        person = Person(family_name=family_name, given_names="Test", nationality=nationality,
                        aliases=[], languages=["si"])
        session.add(person)
        session.flush()
        app = Application(
            person_id=person.id, nationality=nationality,
            case_number=f"TST-{uuid.uuid4().hex[:10]}",
            lodged_date=lodged, state=state,
            assigned_inquirer_id=inquirer.id if inquirer else None, **defaults,
        )
        session.add(app)
        session.flush()
        session.add(StatusEvent(application_id=app.id, action="register", to_state=state,
                                occurred_at=datetime.combine(lodged, datetime.min.time(),
                                                             tzinfo=UTC)))
        return app.id


class FrozenClock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.now: datetime | None = None
        monkeypatch.setattr(clock, "now_utc", self._now)

    def _now(self) -> datetime:
        return self.now if self.now is not None else datetime.now(UTC)

    def set(self, moment: datetime) -> None:
        self.now = moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    def set_local(self, day: date, hour: int = 10, minute: int = 0) -> None:
        """Set the clock to ``day hour:minute`` in the office time zone (Asia/Tokyo)."""
        from zoneinfo import ZoneInfo

        local = datetime(day.year, day.month, day.day, hour, minute,
                         tzinfo=ZoneInfo("Asia/Tokyo"))
        self.now = local.astimezone(UTC)

    def advance(self, **kwargs) -> None:  # noqa: ANN003
        self.now = (self.now or datetime.now(UTC)) + timedelta(**kwargs)


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> FrozenClock:
    return FrozenClock(monkeypatch)
