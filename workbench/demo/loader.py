"""Loading the demo caseload: generate, then bulk-insert with Core ``insert()`` executemany."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.exc import IntegrityError

from models import Application, Person, StatusEvent
from workbench.core import audit, clock, db
from workbench.core.actor import Actor
from workbench.core.errors import ValidationError
from workbench.core.settings import get_settings
from workbench.demo.accounts import ensure_demo_accounts
from workbench.demo.generator import generate
from workbench.demo.records import DemoActors

#: Rows per executemany batch.
BATCH_SIZE = 5000


@dataclass(frozen=True)
class DemoSummary:
    """What a load inserted. ``cases`` counts every application row, including the
    ``history_cases`` lodged before 2019 for people who apply again in the window."""

    cases: int
    persons: int
    events: int
    seconds: float
    history_cases: int = 0
    first_application_id: int | None = None


def _max_ids(engine: Engine) -> tuple[int, int]:
    with db.unit_of_work(engine, write=False) as session:
        return _max_ids_in(session)


def load_demo(
    engine: Engine,
    *,
    cases: int,
    seed: int,
    as_of: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> DemoSummary:
    """Create the demo accounts if needed, generate ``cases`` applications (with their
    people and status events) and insert them in one transaction with one ``demo.load``
    audit event.

    Loading into a database that already holds cases is allowed: the new rows take ids after
    the largest existing ones (case numbers embed the id, so they stay unique).
    ``progress(done, total)`` is called after each batch with the number of rows inserted so
    far and the total number of rows (people + applications + events).
    """
    started = time.perf_counter()
    if cases < 0:
        raise ValidationError("The number of demo cases cannot be negative.")
    settings = get_settings()
    today = clock.today(settings)
    as_of = as_of or today
    if as_of > today:
        raise ValidationError(f"The demo date {as_of.isoformat()} is in the future.")
    accounts = ensure_demo_accounts(engine)
    max_person, max_application = _max_ids(engine)
    data = generate(cases, seed, as_of, actors=DemoActors.from_accounts(accounts),
                    first_person_id=max_person + 1, first_application_id=max_application + 1,
                    settings=settings)
    tables = ((Person.__table__, data.persons), (Application.__table__, data.applications),
              (StatusEvent.__table__, data.events))
    total = sum(len(rows) for _, rows in tables)
    done = 0
    try:
        with db.unit_of_work(engine) as session:
            if _max_ids_in(session) != (max_person, max_application):
                raise ValidationError("Cases were added while the demo data was being "
                                      "generated; run the load again.")
            connection = session.connection()
            for table, rows in tables:
                for start in range(0, len(rows), batch_size):
                    batch = rows[start:start + batch_size]
                    connection.execute(insert(table), batch)
                    done += len(batch)
                    if progress is not None:
                        progress(done, total)
            # Name keys for the repeat-applicant search, and the Category A list if empty.
            from workbench.intake.a_countries import seed_a_countries
            from workbench.intake.identity_links import backfill_name_keys

            backfill_name_keys(session, after_id=max_person)
            seed_a_countries(session)
            # Panels of the demo counsellors and an appeal row for each case in review.
            from workbench.demo.reviews import add_demo_appeals

            add_demo_appeals(session, settings, as_of, after_application_id=max_application)
            # The decision row of each draft submitted, approved or returned.
            from workbench.demo.decisions import add_demo_decisions

            add_demo_decisions(session, after_application_id=max_application)
            if not db.is_sqlite(engine):
                # Rows were inserted with explicit ids: move the id sequences past them.
                for table in ("person", "application", "appeal"):
                    connection.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT MAX(id) FROM {table}))"))
            audit.record(
                session,
                actor=Actor.system("demo"),
                action="demo.load",
                details={
                    "cases": cases,
                    "seed": seed,
                    "as_of": as_of.isoformat(),
                    "applications": len(data.applications),
                    "history_applications": data.history_cases,
                    "persons": len(data.persons),
                    "events": len(data.events),
                },
            )
    except IntegrityError as exc:
        raise ValidationError(
            "The demo data clashes with rows already in the database (a case number or id is "
            "taken); load it into an empty database."
        ) from exc
    return DemoSummary(
        cases=len(data.applications),
        persons=len(data.persons),
        events=len(data.events),
        seconds=round(time.perf_counter() - started, 2),
        history_cases=data.history_cases,
        first_application_id=max_application + 1 if data.applications else None,
    )


def _max_ids_in(session) -> tuple[int, int]:  # noqa: ANN001
    person = session.execute(select(func.max(Person.id))).scalar() or 0
    application = session.execute(select(func.max(Application.id))).scalar() or 0
    return int(person), int(application)


__all__ = ["BATCH_SIZE", "DemoSummary", "load_demo"]
