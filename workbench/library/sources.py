"""The source registry: who publishes country information, their mandate and how they
work, described (never scored), with the number of documents each holds; kept by hand or
loaded from a TOML file."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import Session

from models.coi import CoiDocument, CoiSource
from models.types import utcnow
from workbench.core import audit
from workbench.core.actor import Actor
from workbench.core.errors import StaleEdit, ValidationError
from workbench.core.i18n import t
from workbench.core.permissions import Action, require


@dataclass(frozen=True)
class SourceView:
    id: int
    key: str
    name: str
    short_name: str
    kind: str
    mandate: str
    description: str
    url: str | None
    reviewed_on: date | None
    documents: int
    version: int


def source_views(session: Session, source_id: int | None = None) -> list[SourceView]:
    """Sources with their document counts: all of them, or the one with ``source_id``."""
    counts = select(CoiDocument.source_id, func.count()).group_by(CoiDocument.source_id)
    query = select(CoiSource).order_by(CoiSource.name)
    if source_id is not None:
        counts = counts.where(CoiDocument.source_id == source_id)
        query = query.where(CoiSource.id == source_id)
    documents = dict(session.execute(counts).all())
    return [SourceView(s.id, s.key, s.name, s.short_name, s.kind, s.mandate, s.description,
                       s.url, s.reviewed_on, documents.get(s.id, 0), s.version)
            for s in session.execute(query).scalars()]


def list_sources(session: Session, *, actor: Actor) -> list[SourceView]:
    require(actor, Action.COI_SEARCH)
    return source_views(session)


SOURCE_KINDS = ("government", "intergovernmental", "ngo", "research", "media", "judicial")


def save_source(session: Session, *, actor: Actor, key: str, name: str, short_name: str,
                kind: str, mandate: str = "", description: str = "", url: str | None = None,
                reviewed_on: date | None = None, expected_version: int | None = None
                ) -> SourceView:
    """Create a source or update the one with ``key`` (a description, never a score)."""
    require(actor, Action.COI_EDIT, entity_type="coi_source")
    key = key.strip().lower()
    if not key or not name.strip():
        raise ValidationError(t("errors.coi.source_needs_key_name"))
    if kind not in SOURCE_KINDS:
        raise ValidationError(t("errors.coi.kind_must_one", kinds=', '.join(SOURCE_KINDS)))
    source = session.execute(select(CoiSource).where(CoiSource.key == key)).scalars().first()
    created = source is None
    if created:
        source = CoiSource(key=key, name=name, short_name=short_name, kind=kind)
    elif expected_version is not None and source.version != expected_version:
        raise StaleEdit(entity="source", expected_version=expected_version,
                        current_version=source.version, changed_by=None,
                        changed_at=source.updated_at)
    else:
        source.version += 1
    source.name, source.short_name, source.kind = name.strip(), short_name.strip(), kind
    source.mandate, source.description, source.url = mandate.strip(), description.strip(), url
    source.reviewed_on, source.updated_at = reviewed_on, utcnow()
    session.add(source)
    session.flush()
    audit.record(session, actor=actor, action="coi.source.create" if created else
                 "coi.source.update", entity_type="coi_source", entity_id=source.id,
                 details={"key": key, "name": source.name})
    return source_views(session, source.id)[0]


def load_sources_file(session: Session, *, actor: Actor, path: Path) -> int:
    """Create or update the sources listed in a TOML file (``[[source]]`` tables)."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    count = 0
    for entry in data.get("source", []):
        reviewed = entry.get("reviewed_on")
        save_source(session, actor=actor, key=entry["key"], name=entry["name"],
                    short_name=entry.get("short_name", entry["key"].upper()),
                    kind=entry["kind"], mandate=entry.get("mandate", ""),
                    description=entry.get("description", ""), url=entry.get("url"),
                    reviewed_on=date.fromisoformat(str(reviewed)) if reviewed else None)
        count += 1
    return count
