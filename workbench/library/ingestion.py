"""Adding documents to the library: files checked, extracted in sandboxed worker processes
(time and memory limits), stored one transaction each beside their file in the file store,
and the store swept of what an interrupted ingestion left; folders walked without leaving
them."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from coi import ingest as coi_ingest
from coi.extracted import ExtractedDocument, ExtractError
from coi.filenames import shown_name
from coi.store import FileStore, SweepReport, sha256_of
from models.coi import CoiDocument
from models.types import utcnow
from workbench.core import audit
from workbench.core.actor import Actor
from workbench.core.db import present, unit_of_work
from workbench.core.errors import ValidationError
from workbench.core.i18n import t, tn
from workbench.core.permissions import Action, require
from workbench.core.settings import Settings, get_settings


@dataclass(frozen=True)
class FileOutcome:
    path: str
    status: str  # added | duplicate | failed
    message: str
    document_id: int | None = None
    title: str | None = None
    passages: int = 0
    superseded: tuple[int, ...] = ()
    superseded_by: int | None = None

    @property
    def ok(self) -> bool:
        return self.status != "failed"


Progress = Callable[[int, int, FileOutcome], None]
Swept = Callable[[SweepReport], None]


def _describe(result: coi_ingest.IngestResult) -> str:
    if result.status == "duplicate":
        return t("errors.coi.ingest.in_library", id=result.document_id, title=result.title)
    text = tn("errors.coi.ingest.added", result.passages, id=result.document_id,
              passages=result.passages)
    if result.superseded:
        text += t("errors.coi.ingest.supersedes_many" if len(result.superseded) > 1
                  else "errors.coi.ingest.supersedes_one",
                  ids=", ".join(str(d) for d in result.superseded))
    if result.superseded_by:
        text += t("errors.coi.ingest.older", id=result.superseded_by)
    return text


def _extract_all(jobs: list[tuple[int, str, Path]], settings: Settings, workers: int):
    """Yield (index, ExtractedDocument | ExtractError) as extractions finish, in parallel
    worker processes with time and memory limits."""
    from coi.sandbox_pool import SandboxPool

    with SandboxPool(workers=workers, timeout=settings.coi_extract_timeout_seconds,
                     memory_mb=settings.coi_extract_memory_mb) as pool, \
            ThreadPoolExecutor(max_workers=workers) as threads:
        futures = {threads.submit(pool.extract, kind, path): index
                   for index, kind, path in jobs}
        for future in as_completed(futures):
            index = futures[future]
            try:
                yield index, future.result()
            except ExtractError as exc:
                yield index, exc


def ingest_files(
    engine: Engine,
    *,
    actor: Actor,
    paths: Sequence[Path],
    fields: coi_ingest.DocumentFields | Sequence[coi_ingest.DocumentFields] | None = None,
    display_names: Sequence[str] | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    settings: Settings | None = None,
    swept: Swept | None = None,
) -> list[FileOutcome]:
    """Ingest each file in its own transaction; a failed file is reported and the others go
    on. Returns one outcome per path, in the order given. ``fields`` applies to every file,
    or gives each file its own (a sequence as long as ``paths``). File names are shown
    escaped (``coi.filenames.shown_name``) in outcomes, metadata and the audit log.

    First the file store is swept of what an interrupted ingestion left (see
    ``sweep_store``); ``swept`` hears of it when there was anything to settle."""
    settings = settings or get_settings()
    if fields is None or isinstance(fields, coi_ingest.DocumentFields):
        per_file = [fields or coi_ingest.DocumentFields()] * len(paths)
    else:
        per_file = list(fields)
        if len(per_file) != len(paths):
            raise ValidationError(t("errors.coi.give_metadata_every_file"))
    with unit_of_work(engine) as session:
        require(actor, Action.COI_INGEST, entity_type="coi_document")
        for key in sorted({f.source_key for f in per_file if f.source_key}):
            try:
                coi_ingest.source_by_key(session, key)
            except coi_ingest.UnknownSource as exc:
                raise ValidationError(exc.message) from None
    names = [shown_name(str(n)) for n in
             (display_names if display_names else [Path(p).name for p in paths])]
    store = FileStore(settings.resolved_coi_store)
    report = sweep_store(engine, actor=actor, store=store)
    if report and swept is not None:
        swept(report)
    limit = settings.coi_max_file_mb * 1024 * 1024
    outcomes: list[FileOutcome | None] = [None] * len(paths)
    done = 0

    def finish(index: int, outcome: FileOutcome) -> None:
        nonlocal done
        outcomes[index] = outcome
        done += 1
        if progress is not None:
            progress(done, len(paths), outcome)

    jobs: list[tuple[int, str, Path]] = []
    hashes: dict[int, tuple[str, int]] = {}
    seen: dict[str, int] = {}
    for index, path in enumerate(paths):
        path = Path(path)
        try:
            size = path.stat().st_size
        except OSError as exc:
            finish(index, FileOutcome(names[index], "failed",
                                      t("errors.coi.ingest.cannot_read",
                                        error=exc.strerror or exc)))
            continue
        if size > limit:
            finish(index, FileOutcome(
                names[index], "failed",
                t("errors.coi.ingest.too_large", size=f"{size / 1048576:.1f}",
                  limit=settings.coi_max_file_mb)))
            continue
        if size == 0:
            finish(index, FileOutcome(names[index], "failed", t("errors.coi.ingest.empty")))
            continue
        sha = sha256_of(path)
        if sha in seen:
            finish(index, FileOutcome(names[index], "duplicate",
                                      t("errors.coi.ingest.same_in_batch",
                                        name=names[seen[sha]])))
            continue
        seen[sha] = index
        with unit_of_work(engine, write=False) as session:
            existing = coi_ingest.find_by_sha(session, sha)
            if existing is not None:
                finish(index, FileOutcome(
                    names[index], "duplicate",
                    t("errors.coi.ingest.in_library", id=existing.id, title=existing.title),
                    document_id=existing.id, title=existing.title,
                    passages=existing.passage_count))
                continue
        hashes[index] = (sha, size)
        jobs.append((index, coi_ingest.kind_for(path), path))

    workers = workers or settings.coi_workers or os.cpu_count() or 1
    workers = max(1, min(workers, len(jobs) or 1))
    for index, extracted in _extract_all(jobs, settings, workers):
        if isinstance(extracted, ExtractError):
            finish(index, FileOutcome(names[index], "failed", extracted.message))
            continue
        sha, size = hashes[index]
        finish(index, _store(engine, actor, Path(paths[index]), names[index], extracted,
                             sha, size, per_file[index], store))
    return [o for o in outcomes if o is not None]


def sweep_store(engine: Engine, *, actor: Actor, store: FileStore) -> SweepReport:
    """Settle the files an interrupted ingestion left in the store: remove those no document
    refers to, keep (rename into place) those whose document was committed; audited when
    there was anything to settle. Run at the start of every ingestion, the one place that
    writes the store: the next ingestion after a crash cleans up before it adds files, and
    readers of the library (the app, search) never touch the store's files."""
    def referenced(shas: Iterable[str]) -> set[str]:
        with unit_of_work(engine, write=False) as session:
            return present(session, CoiDocument.sha256, shas)

    report = store.sweep(referenced)
    if report:
        with unit_of_work(engine) as session:
            audit.record(session, actor=actor, action="coi.store.sweep",
                         entity_type="coi_document",
                         details={"removed": list(report.removed), "kept": list(report.kept)})
    return report


def _store(engine: Engine, actor: Actor, path: Path, name: str, extracted: ExtractedDocument,
           sha: str, size: int, fields: coi_ingest.DocumentFields,
           store: FileStore) -> FileOutcome:
    """Write the document's rows and its file: the file is staged under a pending name and
    moved into place only after the rows are committed (removed if they are not)."""
    staged = store.stage(path, sha)
    try:
        with unit_of_work(engine) as session:
            result = coi_ingest.add_document(
                session, extracted, sha256=sha, size_bytes=size, file_name=name,
                fields=fields, user_id=actor.id, now=utcnow())
            if result.status == "added":
                audit.record(session, actor=actor, action="coi.ingest",
                             entity_type="coi_document", entity_id=result.document_id,
                             details={"sha256": sha, "file": name, "title": result.title,
                                      "passages": result.passages,
                                      "supersedes": list(result.superseded),
                                      "superseded_by": result.superseded_by})
    except (ExtractError, coi_ingest.UnknownSource) as exc:
        if staged is not None:
            staged.discard()
        return FileOutcome(name, "failed", exc.message)
    except BaseException:
        if staged is not None:
            staged.discard()
        raise
    if staged is not None:
        if result.status == "added":
            staged.commit()
        else:
            staged.discard()
    return FileOutcome(name, result.status, _describe(result), document_id=result.document_id,
                       title=result.title, passages=result.passages,
                       superseded=result.superseded, superseded_by=result.superseded_by)



def iter_files(paths: Iterable[Path]) -> tuple[list[Path], list[FileOutcome]]:
    """Files named, and the files inside folders named (recursively, sorted), with the
    refusals: inside a folder, a symbolic link whose target lies outside that folder is
    refused (a link to /etc/passwd must not become a document), and a linked folder outside
    it is not entered. A file named on its own is taken as given."""
    files: list[Path] = []
    refused: list[FileOutcome] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            _walk_folder(path, files, refused)
        else:
            files.append(path)
    return files, refused


def _walk_folder(folder: Path, files: list[Path], refused: list[FileOutcome]) -> None:
    """Collect the files under ``folder`` into ``files`` without leaving it (see
    ``iter_files``); each folder is entered once, so a link loop ends."""
    root = folder.resolve()
    seen: set[Path] = set()
    found: list[Path] = []
    pending = [folder]
    while pending:
        current = pending.pop()
        real = current.resolve()
        if real in seen:
            continue
        seen.add(real)
        for entry in sorted(current.iterdir()):
            if entry.is_symlink() and not entry.resolve().is_relative_to(root):
                refused.append(FileOutcome(
                    shown_name(str(entry)), "failed",
                    t("errors.coi.ingest.symlink_folder" if entry.is_dir()
                      else "errors.coi.ingest.symlink_file")))
            elif entry.is_dir():
                pending.append(entry)
            elif entry.is_file() and not entry.name.startswith("."):
                found.append(entry)
    files.extend(sorted(found))
