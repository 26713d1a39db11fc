"""The demo COI library: the project-written sample documents in ``data/coi``.

``sources.toml`` fills the source registry and ``manifest.toml`` gives each document's
metadata as a librarian would enter it; the files then go through the same ingestion as any
upload (sandboxed extraction, passages, topics, editions, audit)."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine

from coi.ingest import DocumentFields
from workbench.core.actor import Actor
from workbench.core.db import unit_of_work
from workbench.library.ingestion import FileOutcome, ingest_files
from workbench.library.search import library_counts
from workbench.library.sources import load_sources_file

COI_DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "coi"


def manifest_entries(directory: Path = COI_DATA_DIR) -> list[tuple[Path, DocumentFields]]:
    data = tomllib.loads((directory / "manifest.toml").read_text(encoding="utf-8"))
    entries = []
    for doc in data.get("document", []):
        published = doc.get("published")
        entries.append((directory / "documents" / doc["file"], DocumentFields(
            title=doc.get("title"), source_key=doc.get("source"),
            published=date.fromisoformat(str(published)) if published else None,
            countries=tuple(doc.get("countries", ())) or None, language=doc.get("language"),
            doc_type=doc.get("doc_type"), url=doc.get("url"))))
    return entries


def load_coi_samples(engine: Engine, *, directory: Path = COI_DATA_DIR, if_empty: bool = True,
                     progress: Callable[[int, int, FileOutcome], None] | None = None,
                     workers: int | None = None) -> list[FileOutcome]:
    """Load the sample sources and documents; with ``if_empty``, only into an empty library."""
    actor = Actor.system("demo")
    with unit_of_work(engine) as session:
        if if_empty and library_counts(session, actor=actor)["documents"]:
            return []
        load_sources_file(session, actor=actor, path=directory / "sources.toml")
    entries = manifest_entries(directory)
    return ingest_files(engine, actor=actor, paths=[p for p, _ in entries],
                        fields=[f for _, f in entries], progress=progress, workers=workers)
