"""The Category A country list: seeding it from the shipped file, loading a file of entries,
an administrator's add or change of one entry (audited, version-checked), and the active list
the triage engine reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import Session

from models import ACountry
from workbench.core import audit, clock
from workbench.core.actor import Actor
from workbench.core.errors import ValidationError
from workbench.core.i18n import t
from workbench.core.permissions import Action, may, require
from workbench.core.versioning import stale_edit
from workbench.intake.cases import user_names

_ALPHA3 = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class ACountryView:
    code: str
    reason: str
    since: date | None
    active: bool
    version: int
    updated_at: datetime
    updated_by: str | None


# --- the Category A list ------------------------------------------------------------------------


def a_country_seed_rows(path: Path | None = None) -> list[dict]:
    """Rows for ``a_country`` from the shipped list (data/triage/a_countries.toml)."""
    from triage.corpus import A_COUNTRIES_FILE, a_country_entries

    path = path or A_COUNTRIES_FILE
    if not path.is_file():
        return []
    now = clock.now_utc()
    return [{**entry, "active": True, "version": 1, "updated_at": now, "updated_by_id": None}
            for entry in sorted(a_country_entries(path), key=lambda e: e["code"])]


def seed_a_countries(session: Session, path: Path | None = None) -> int:
    """Fill an empty Category A list from the shipped file; returns the rows added."""
    if session.execute(select(func.count()).select_from(ACountry)).scalar_one():
        return 0
    rows = a_country_seed_rows(path)
    if rows:
        session.execute(ACountry.__table__.insert(), rows)
    return len(rows)


def load_a_countries_file(session: Session, *, actor: Actor, path: Path,
                          deactivate_missing: bool = False) -> dict[str, int]:
    """Apply a Category A file (the layout of ``data/triage/a_countries.toml``) to the list:
    new countries are added, changed ones updated, each through ``save_a_country`` and its
    audit entry. With ``deactivate_missing``, active entries the file leaves out are switched
    off. The whole file is checked before anything is written."""
    from triage.corpus import a_country_entries

    require(actor, Action.TRIAGE_ADMIN, entity_type="a_country",
            attempted="triage.a_country.load")
    try:
        entries = a_country_entries(path)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValidationError(t("errors.triage.not_readable_category_file", path=path,
                                exc=exc)) from exc
    problems = [f"entry {n}: {e['code']!r} is not an ISO 3166-1 alpha-3 code"
                for n, e in enumerate(entries, 1) if not _ALPHA3.match(e["code"])]
    problems += [f"entry {n} ({e['code']}): no reason given"
                 for n, e in enumerate(entries, 1) if not str(e["reason"]).strip()]
    if problems:
        raise ValidationError(f"{path}: " + "; ".join(problems))
    counts = {"added": 0, "changed": 0, "unchanged": 0, "deactivated": 0}
    existing = {r.code: (r.version, r.active, r.reason, r.since)
                for r in session.execute(select(ACountry)).scalars()}
    for e in entries:
        view = save_a_country(session, actor=actor, code=e["code"], reason=e["reason"],
                              since=e["since"], active=True)
        before = existing.get(e["code"])
        key = "added" if before is None else "changed" if view.version != before[0] \
            else "unchanged"
        counts[key] += 1
    if deactivate_missing:
        listed = {e["code"] for e in entries}
        for code, (_, active, reason, since) in existing.items():
            if code not in listed and active:
                save_a_country(session, actor=actor, code=code, reason=reason, since=since,
                               active=False)
                counts["deactivated"] += 1
    return counts


def active_a_countries(session: Session) -> dict[str, str]:
    return {r.code: r.reason for r in session.execute(
        select(ACountry.code, ACountry.reason).where(ACountry.active.is_(True))).all()}


def list_a_countries(session: Session, *, actor: Actor) -> list[ACountryView]:
    if not (may(actor, Action.TRIAGE_ADMIN) or may(actor, Action.TRIAGE_VIEW)):
        require(actor, Action.TRIAGE_ADMIN)
    rows = list(session.execute(select(ACountry).order_by(ACountry.code)).scalars())
    names = user_names(session, [r.updated_by_id for r in rows])
    return [ACountryView(code=r.code, reason=r.reason, since=r.since, active=r.active,
                         version=r.version, updated_at=r.updated_at,
                         updated_by=names.get(r.updated_by_id)) for r in rows]


def save_a_country(session: Session, *, actor: Actor, code: str, reason: str,
                   since: date | None = None, active: bool = True,
                   expected_version: int | None = None) -> ACountryView:
    """Add or change one entry of the Category A list (administrators)."""
    code = (code or "").strip().upper()
    require(actor, Action.TRIAGE_ADMIN, entity_type="a_country", entity_id=code or None,
            attempted="triage.a_country.save")
    if not _ALPHA3.match(code):
        raise ValidationError(t("errors.triage.country_must_iso_alpha"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(t("errors.triage.give_reason_country_category"))
    if since is not None and since > clock.today():
        raise ValidationError(t("errors.triage.date_entry_takes_effect"))
    row = session.get(ACountry, code)
    now = clock.now_utc()
    if row is None:
        row = ACountry(code=code, reason=reason, since=since, active=active, version=1,
                       updated_at=now, updated_by_id=actor.id)
        changed = ["code", "reason", "since", "active"]
    else:
        if expected_version is not None and row.version != expected_version:
            raise audit.refuse(
                stale_edit(session, "Category A entry", row, expected_version,
                           {"reason": reason, "since": since, "active": active}),
                actor=actor, action="triage.a_country.save", entity_type="a_country",
                entity_id=code, outcome="refused")
        changed = [f for f, v in (("reason", reason), ("since", since), ("active", active))
                   if getattr(row, f) != v]
        if not changed:
            return list_a_countries_one(session, row)
        row.reason, row.since, row.active = reason, since, active
        row.version += 1
        row.updated_at = now
        row.updated_by_id = actor.id
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="triage.a_country.save", entity_type="a_country",
                 entity_id=code, details={"fields": changed, "active": active})
    return list_a_countries_one(session, row)


def list_a_countries_one(session: Session, row: ACountry) -> ACountryView:
    names = user_names(session, [row.updated_by_id])
    return ACountryView(code=row.code, reason=row.reason, since=row.since, active=row.active,
                        version=row.version, updated_at=row.updated_at,
                        updated_by=names.get(row.updated_by_id))


def may_admin(actor: Actor) -> bool:
    return may(actor, Action.TRIAGE_ADMIN)


__all__ = [
    "ACountryView",
    "a_country_seed_rows",
    "active_a_countries",
    "list_a_countries",
    "save_a_country",
    "seed_a_countries",
]
